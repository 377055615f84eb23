"""A file dropped in the chat: each stage (check, indexing with its progress, outcome) shown
in one message, and the « share with everyone » action of a private upload. The checks and
the ingest themselves are in :mod:`.uploads`."""

from __future__ import annotations

from pathlib import Path

import chainlit as cl

from ..ingest.indexing import IngestError
from .citations import owner_uploads
from .core import ChatCore, log
from .progress import progress_text
from .sanitize import escape_markdown
from .session import SessionState
from .uploads import (
    UploadRejected,
    check_upload,
    ingest_with_progress,
    outcome_message,
    place_upload,
    remove_placed,
    safe_filename,
    share_upload,
)

SHARE_ACTION = "share_upload"


def share_action(name: str) -> cl.Action:
    return cl.Action(
        name=SHARE_ACTION,
        payload={"file": name},
        label="Ajouter au corpus partagé",
        tooltip="Rendre ce document citable par tous les utilisateurs",
        icon="users",
    )


class UploadHandlers(ChatCore):
    async def add_files(self, files: list, current: SessionState) -> None:
        limit = self.settings.max_uploads_per_session
        for element in files:
            if current.uploads >= limit:
                await cl.Message(
                    content=f"« {escape_markdown(element.name or 'document')} » n'est pas "
                    f"ajouté : la limite de {limit} fichiers par conversation est atteinte.",
                    metadata={"kind": "upload"},
                ).send()
                continue
            if await self.add_file(element):
                current.uploads += 1

    async def add_file(self, element) -> bool:
        """Check, copy and ingest one uploaded file, showing each stage in one message.

        Returns whether the file passed the checks (the ingest itself may still skip it).
        """
        settings, runtime = self.settings, self.runtime
        name = escape_markdown(element.name or "document")
        progress = cl.Message(
            content=f"**Vérification** — « {name} »…", metadata={"kind": "upload"}
        )
        await progress.send()
        try:
            checked = await runtime.run(check_upload, Path(element.path), element.name, settings)
        except UploadRejected as exc:
            progress.content = f"**Document refusé** — {escape_markdown(str(exc))}"
            await progress.update()
            return False
        if not await self.ensure_ready():
            return False
        owner = self.viewer()  # password users: the upload is private to its uploader
        placed, existed = await runtime.run(place_upload, checked, settings, owner is None, owner)
        shown = escape_markdown(placed.name)

        async def report(done: int, total: int, seconds_left: float | None) -> None:
            progress.content = (
                f"**Indexation en cours** — « {shown} » : "
                f"{progress_text(done, total, seconds_left)}…"
            )
            await progress.update()

        await report(0, checked.passages, None)
        try:
            summary = await ingest_with_progress(runtime, checked, placed, report, owner=owner)
        except Exception as exc:
            if not existed:
                remove_placed(placed)
            if isinstance(exc, IngestError):  # e.g. another ingest holds the data folder
                reason = escape_markdown(str(exc).split(" / ")[0])
            else:
                log.exception("chat: ingest of an upload failed")
                reason = "erreur interne"
            progress.content = (
                f"**Document refusé** — « {shown} » n'a pas pu être indexé : {reason}"
            )
            await progress.update()
            return True
        if not existed and any(s.source == placed.name for s in summary.skipped):
            remove_placed(placed)
        ok = placed.name in summary.added + summary.updated + summary.unchanged
        outcome = escape_markdown(outcome_message(checked, placed, summary))
        if ok and owner is not None:
            outcome += " Document privé : il n'est cité que dans vos réponses."
            if self.users is not None and self.users.can_share(owner):
                progress.actions = [share_action(placed.name)]
        progress.content = ("**Document ajouté** — " if ok else "**Document refusé** — ") + outcome
        await progress.update()
        return True

    async def share_uploaded(self, action: cl.Action) -> None:
        name = safe_filename(str((action.payload or {}).get("file", "")))
        path = owner_uploads(self.settings, self.viewer()) / name
        try:
            assistant = await self.runtime.get_assistant()
            done = await self.runtime.run(
                share_upload,
                path,
                self.settings,
                assistant,
                self.runtime.ingest_lock,
                self.viewer(),
                self.users,
            )
            text = f"**Document partagé** — {escape_markdown(done)}"
        except UploadRejected as exc:
            text = f"**Partage refusé** — {escape_markdown(str(exc))}"
        except IngestError as exc:
            text = f"**Partage refusé** — {escape_markdown(str(exc).split(' / ')[0])}"
        await cl.Message(content=text, metadata={"kind": "upload"}).send()
