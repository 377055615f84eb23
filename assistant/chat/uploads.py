"""A file dropped in the chat: checked, copied to ``<data_dir>/uploads``, then ingested.

Checks, each with a French message a trainer can act on: accepted type (PDF, ``.md``,
``.txt``, by extension *and* content), size (``ASSISTANT_MAX_UPLOAD_MB``, 20 MB by
default), and readability through the same loader as ``assistant ingest`` (empty,
corrupt, password-protected, scanned PDF without a text layer, binary text file).

A rejected file is never copied nor indexed. An accepted one gets a name of its own in
the uploads folder (never replacing a corpus file or another upload), and only that file
is ingested: nothing already indexed is touched.

With password users, an upload is private to its uploader (its chunks carry an ``owner``
that retrieval filters on); a user with the ``corpus`` role may add it to the shared
corpus (:func:`share_upload`). In local single-user mode uploads join the shared corpus.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError
from ..ingest.changes import chunk_document
from ..ingest.indexing import ingest
from ..ingest.loading import SUPPORTED, LoadError, SourceFile, file_sha256, load, scan
from ..ingest.summary import IngestSummary
from ..settings import Settings
from .citations import owner_uploads, uploads_dir
from .progress import IndexProgress

ACCEPTED_EXTENSIONS = (".pdf", ".md", ".markdown", ".txt")
# What Chainlit's upload button accepts (MIME type → extensions), see .chainlit/config.toml.
ACCEPT = {
    "application/pdf": [".pdf"],
    "text/plain": [".txt", ".md", ".markdown"],
    "text/markdown": [".md", ".markdown"],
    "text/x-markdown": [".md", ".markdown"],
    "application/octet-stream": [".pdf", ".md", ".markdown", ".txt"],
}


class UploadRejected(AssistantError, ValueError):
    """The file cannot be added; ``str(exc)`` is a French message for the user."""

    public = True


@dataclass
class CheckedUpload:
    path: Path  # where Chainlit put the upload (session folder)
    name: str  # a safe display name, with its extension
    kind: str  # pdf | markdown | text
    size: int
    sha256: str
    sections: int
    passages: int
    pages: int | None
    warnings: list[str]


def safe_filename(name: str) -> str:
    """A file name that is safe on disk and readable: no folders, no control characters."""
    base = Path((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f/:*?\"<>|]", "", base).strip().lstrip(".")
    base = re.sub(r"\s+", " ", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem[:120].strip() or "document"
    return f"{stem}.{ext.lower()}" if ext else stem


def check_upload(path: Path, name: str, settings: Settings) -> CheckedUpload:
    """Validate one uploaded file (blocking: reads it). Raises :class:`UploadRejected`."""
    display = safe_filename(name)
    extension = Path(display).suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise UploadRejected(
            f"« {display} » n'est pas accepté : seuls les fichiers PDF, Markdown (.md) et "
            "texte (.txt) peuvent être ajoutés."
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UploadRejected(f"« {display} » est illisible ({exc.strerror}).") from exc
    limit = int(settings.max_upload_mb * 1024 * 1024)
    if size > limit:
        raise UploadRejected(
            f"« {display} » est trop volumineux ({size / 1e6:.1f} Mo) : la limite est de "
            f"{settings.max_upload_mb:g} Mo."
        )
    if size == 0:
        raise UploadRejected(f"« {display} » est vide.")
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = SUPPORTED[extension]
    if kind == "pdf" and b"%PDF-" not in head[:1024]:
        raise UploadRejected(
            f"« {display} » porte l'extension .pdf mais n'est pas un PDF (contenu d'un autre type)."
        )
    if kind != "pdf" and (b"\x00" in head or head.startswith(b"%PDF-")):
        raise UploadRejected(
            f"« {display} » n'est pas un fichier texte (contenu binaire) : enregistrez-le en "
            "texte brut ou en Markdown."
        )
    source = SourceFile(path=path, source=display, key=str(path.resolve()), kind=kind)
    try:
        document = load(source, max_bytes=limit)
    except LoadError as exc:
        raise UploadRejected(f"« {display} » ne peut pas être indexé : {_french(exc)}.") from exc
    chunks = chunk_document(document, settings)
    pages = {p.page for s in document.sections for p in s.paragraphs if p.page is not None}
    return CheckedUpload(
        path=path,
        name=display,
        kind=kind,
        size=size,
        sha256=document.sha256,
        sections=len(document.sections),
        passages=len(chunks),
        pages=len(pages) if kind == "pdf" else None,
        warnings=list(document.warnings),
    )


def place_upload(
    checked: CheckedUpload, settings: Settings, reuse: bool = True, owner: str | None = None
) -> tuple[Path, bool]:
    """Copy the upload into the uploads folder under a name of its own.

    Returns the path and whether it was already there (same content, same folder).
    ``owner``: a private upload goes to its owner's own folder (:func:`owner_uploads`),
    its name chosen among the owner's files, the shared uploads and the corpus only —
    never depending on, nor shown under, another user's file name. ``reuse=False``: the
    copy always gets a name of its own.
    """
    folder = owner_uploads(settings, owner)
    folder.mkdir(parents=True, exist_ok=True)
    shared = uploads_dir(settings)
    stem, ext = Path(checked.name).stem, Path(checked.name).suffix
    for attempt in range(1, 1000):
        candidate = folder / (checked.name if attempt == 1 else f"{stem}-{attempt}{ext}")
        # A name the shared corpus or the shared uploads already show: citations would
        # read alike.
        taken = (settings.corpus_dir / candidate.name).exists() or (
            folder != shared and (shared / candidate.name).exists()
        )
        if candidate.exists():
            if reuse and file_sha256(candidate) == checked.sha256:
                return candidate, True
            continue
        if taken:
            continue
        tmp = candidate.with_name(f".{candidate.name}.part")
        shutil.copyfile(checked.path, tmp)
        tmp.replace(candidate)
        return candidate, False
    raise UploadRejected(f"Trop de fichiers nommés « {checked.name} » déjà ajoutés.")


def ingest_upload(
    path: Path, settings: Settings, assistant, lock, on_progress=None, owner: str | None = None
) -> IngestSummary:
    """Ingest only ``path`` (private to ``owner``, or shared when None), then refresh the
    lexical index."""
    with lock:
        summary = ingest(
            settings, [path], store=assistant.store, on_progress=on_progress, owner=owner
        )
        assistant.retriever.refresh()
    return summary


def upload_owner(store, path: Path) -> str | None:
    """Who the indexed upload ``path`` is private to ('' when shared, None when not indexed)."""
    entry = next(iter(scan([path], store.settings.corpus_dir)), None)
    state = store.file_states().get(entry.key) if entry is not None else None
    return state.owner if state is not None else None


NOT_YOURS = "Document introuvable parmi les fichiers que vous avez ajoutés."


def share_upload(path: Path, settings: Settings, assistant, lock, username: str, users) -> str:
    """Add ``username``'s private upload to the shared corpus (blocking). Checked here, not
    in the page: the ``corpus`` role in the users definition, and ownership of the file.

    The role is checked first, and a file that does not exist, is not an upload or is
    another user's gets one and the same answer: the file name in the (client-supplied)
    action cannot be used to learn which files other users uploaded."""
    if users is None or not users.can_share(username):
        raise UploadRejected(
            "Vous n'avez pas le droit d'ajouter des documents au corpus partagé (rôle "
            "« corpus » à demander à la personne qui gère l'assistant)."
        )
    folder = uploads_dir(settings).resolve()
    try:
        target = path.resolve()
    except OSError:
        target = path
    if not target.is_relative_to(folder) or not target.is_file():
        raise UploadRejected(NOT_YOURS)
    if upload_owner(assistant.store, target) != username:
        raise UploadRejected(NOT_YOURS)
    ingest_upload(target, settings, assistant, lock, owner=None)
    return f"« {target.name} » fait maintenant partie du corpus partagé : tous peuvent le citer."


def outcome_message(checked: CheckedUpload, placed: Path, summary: IngestSummary) -> str:
    """A French sentence for what the ingest did with the upload."""
    source = placed.name
    skipped = next((s for s in summary.skipped if s.source == source), None)
    if skipped is not None:
        return f"« {source} » n'a pas été ajouté : {_french_text(skipped.reason)}."
    if source in summary.unchanged:
        return f"« {source} » était déjà indexé : vous pouvez l'interroger."
    pages = f"{plural(checked.pages, 'page')}, " if checked.pages else ""
    written = summary.chunks_written or checked.passages
    seconds = f"{summary.seconds:.1f}".replace(".", ",")
    message = (
        f"« {source} » : {pages}{plural(checked.sections, 'section')}, "
        f"{plural(written, 'passage')} indexé{'s' if written > 1 else ''} en {seconds} s. "
        "Posez vos questions : ses passages peuvent désormais être cités."
    )
    if checked.warnings:
        message += " Attention : " + " ; ".join(checked.warnings) + "."
    return message


def plural(count: int, noun: str) -> str:
    """« 1 page », « 3 pages » (French: 0 and 1 take the singular)."""
    return f"{count} {noun}{'s' if count > 1 else ''}"


def remove_placed(path: Path) -> None:
    path.unlink(missing_ok=True)


def _french(exc: Exception) -> str:
    return _french_text(str(exc))


def _french_text(reason: str) -> str:
    """The French half of the loaders' bilingual « français / english » reasons."""
    return reason.split(" / ")[0].strip().rstrip(".") or reason


async def ingest_with_progress(
    runtime,
    checked: CheckedUpload,
    placed: Path,
    report,
    interval_s: float = 1.0,
    owner: str | None = None,
) -> IngestSummary:
    """Run :func:`ingest_upload` off the loop, calling ``report(done, total, seconds_left)``
    about every ``interval_s`` with the passages embedded so far and the time left (None
    until a first batch gives a pace).

    The index only changes at the end (build-then-switch), so progress comes from the
    ingest's own callback rather than from counting passages in the store.
    """
    assistant = await runtime.get_assistant()
    progress = IndexProgress(total=checked.passages)
    task = asyncio.ensure_future(
        runtime.run(
            ingest_upload,
            placed,
            runtime.settings,
            assistant,
            runtime.ingest_lock,
            progress.update,
            owner,
        )
    )
    while not task.done():
        await asyncio.wait({task}, timeout=interval_s)
        if task.done():
            break
        total = progress.total or checked.passages
        await report(min(progress.done, total), total, progress.seconds_left())
    return task.result()
