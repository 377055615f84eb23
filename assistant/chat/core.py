"""What every chat handler shares: the process's settings, users, files and assistant, the
session's state, the wait for the index, and the side panel.

:class:`ChatCore` is the base of the handler groups (:mod:`.answers`, :mod:`.sheets`,
:mod:`.upload_flow`); :class:`assistant.chat.handlers.ChatApp` puts them together and
:func:`assistant.chat.build.build_app` registers its methods with Chainlit.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import chainlit as cl
from chainlit.utils import utc_now

from ..settings import Settings
from .auth import Users
from .runtime import ChatRuntime
from .session import SessionState
from .storage import LocalStorageClient

log = logging.getLogger("assistant.chat")
UNAVAILABLE = (
    "Désolé, une erreur empêche de répondre pour l'instant. Réessayez dans un moment ; "
    "si elle persiste, signalez-la à la personne qui gère l'assistant."
)
SIDE_PANEL_DELAY_S = 0.6
PROGRESS_INTERVAL_S = 1.0


@dataclass
class ChatCore:
    settings: Settings
    users: Users | None  # None: local single-user mode
    storage: LocalStorageClient
    runtime: ChatRuntime
    # Keeps fire-and-forget tasks alive until they are done.
    background: set[asyncio.Task] = field(default_factory=set)

    # --- the session ----------------------------------------------------------------------
    def state(self) -> SessionState:
        current = cl.user_session.get("state")
        if not isinstance(current, SessionState):
            current = SessionState.new(self.settings.rate_limit_per_minute)
            cl.user_session.set("state", current)
        return current

    def viewer(self) -> str | None:
        """The password user asking (their private uploads are searched too), or None in
        local mode, where uploads join the shared corpus."""
        if self.users is None:
            return None
        user = cl.user_session.get("user")
        return getattr(user, "identifier", None) or None

    # --- the index ------------------------------------------------------------------------
    def preparation_text(self) -> str:
        progress = self.runtime.index_progress
        line = progress.text() if progress is not None else None
        head = "Préparation de l'index du corpus (premier démarrage)"
        return f"{head} : {line}…" if line else f"{head}…"

    async def ensure_ready(self) -> bool:
        """Wait for the shared assistant, telling the user when the index is being built."""
        if self.runtime.ready:
            return True
        notice = cl.Message(content=self.preparation_text(), metadata={"kind": "notice"})
        await notice.send()
        task = asyncio.ensure_future(self.runtime.get_assistant())
        try:
            # Passages done out of the total and the time left, about once a second.
            while not task.done():
                await asyncio.wait({task}, timeout=PROGRESS_INTERVAL_S)
                text = self.preparation_text()
                if not task.done() and text != notice.content:
                    notice.content = text
                    await notice.update()
            task.result()
        except Exception as exc:
            log.exception("chat: the assistant could not be built")
            notice.content = (
                f"L'index du corpus n'a pas pu être préparé ({type(exc).__name__}). "
                "Vérifiez le dossier du corpus puis relancez `assistant ingest`."
            )
            await notice.update()
            return False
        await notice.remove()
        return True

    # --- the page -------------------------------------------------------------------------
    def close_side_panel_soon(self, delay_s: float = SIDE_PANEL_DELAY_S) -> None:
        """Close the side panel Chainlit opens by itself.

        Chainlit 2.12 opens the side panel with *every* side element of the chat whenever
        new ones arrive, titled after the last one (upstream issue #2932, no option yet).
        The page does so after rendering the new elements, so the close is sent a moment
        later; the panel then opens only when the user clicks a [n].
        """

        async def close() -> None:
            await asyncio.sleep(delay_s)
            try:
                await cl.ElementSidebar.set_elements([])
            except Exception:  # the page may be gone
                log.debug("chat: could not close the side panel", exc_info=True)

        task = asyncio.create_task(close())
        self.background.add(task)
        task.add_done_callback(self.background.discard)


async def finish_step(step: cl.Step, output: str, error: bool = False) -> None:
    step.output = output
    step.is_error = error
    step.end = utc_now()
    await step.update()


async def notice(text: str) -> None:
    """A one-line message that is not an answer (refusals, errors, limits)."""
    await cl.Message(content=text, metadata={"kind": "notice"}).send()
