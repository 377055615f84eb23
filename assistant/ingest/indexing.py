"""Incremental ingest that never corrupts the index: plan, build a new generation, switch.

1. Plan (nothing written): every file under the paths is classified — unchanged (its
   hash), new or changed (read, cleaned, chunked), duplicate of another file, removed, or
   skipped with a plain reason (see :mod:`assistant.ingest.loading`). Too-large files are refused
   before being read; a file that was indexed and is now unreadable keeps its last good
   version.
2. Nothing to change: done (an unchanged re-ingest costs a hash per file).
3. Build: a copy of the current generation (:mod:`assistant.backends.store`) receives the new chunks
   (only chunks whose content-derived id is new are embedded), the refreshed metadata and
   the deletions.
4. Verify and switch: the copy must hold exactly the expected chunk ids, every file
   complete, and answer a query; then the pointer is replaced atomically. Old generations
   are swept.

One writer at a time per data folder (:func:`writer_lock`). A kill (even SIGKILL, even
inside Chroma's own writes) at any point leaves the previous generation served, and the
next run starts again from it, so it reaches the same chunks as an uninterrupted run.
``ASSISTANT_FAULT_KILL_AT`` and ``ASSISTANT_FAULT_TRACE`` let the fault tests kill an
ingest at a named point (see :func:`fault`).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.embedders import embedder_for
from ..backends.faults import fault
from ..backends.locks import writer_lock
from ..backends.store import ChunkStore, FileState, open_store
from ..errors import IngestError
from ..models import Chunk
from ..settings import Settings
from .chunking import chunk_sections
from .loading import (
    LoadedDocument,
    LoadError,
    SourceFile,
    check_size,
    discover,
    file_sha256,
    load,
    scan,
)
from .sentvectors import embed_chunks, embedded_texts

log = logging.getLogger(__name__)

MAX_REASON_CHARS = 240


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    generation: str | None = None  # the generation served after this ingest

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def render(self) -> str:
        lines = [
            f"Ingestion terminée en {self.seconds:.1f} s : "
            f"{len(self.added)} ajouté(s), {len(self.updated)} mis à jour, "
            f"{len(self.removed)} retiré(s), {len(self.unchanged)} inchangé(s), "
            f"{len(self.skipped)} ignoré(s) — {self.chunks_written} passage(s) écrits, "
            f"{self.chunks_deleted} supprimés, {self.chunks_total} dans l'index."
        ]
        for skipped in self.skipped:
            lines.append(f"  ignoré : {skipped.source} — {skipped.reason}")
        for warning in self.warnings:
            lines.append(f"  attention : {warning}")
        return "\n".join(lines)


ProgressFactory = Callable[[int, str], object]


def _tqdm_progress(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="passage", file=sys.stderr, leave=False)


def ingest(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    store: ChunkStore | None = None,
    progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    owner: str | None = None,
) -> IngestSummary:
    """Bring the index in line with the files under ``paths`` (default: the corpus folder).

    ``store``: the reader to refresh after the switch (the chat passes its own);
    ``on_progress(done, total)``: called after each batch of passages embedded;
    ``owner``: the chat user whose private upload this is (None: the shared corpus; a file
    indexed before under another owner changes audience without being re-embedded).
    """
    started = time.perf_counter()
    roots = [Path(p).expanduser() for p in (paths or [settings.corpus_dir])]
    missing = [str(p) for p in roots if not p.exists() and not p.is_symlink()]
    if missing:
        raise IngestError("Chemin introuvable / path not found: " + ", ".join(missing))
    with writer_lock(settings):
        own = store is None
        reader = store or open_store(settings)
        try:
            return _ingest(settings, roots, reader, progress, on_progress, started, owner or "")
        except Exception as exc:
            # The build was aborted (its copy deleted) and the served generation is intact;
            # a full disk is said as such, with the space an ingest needs.
            if is_disk_full(exc, settings):
                raise IngestError(disk_full_message(settings, reader.generation)) from None
            raise
        finally:
            if own:
                reader.close()


def corpus_changes(settings: Settings, states: dict[str, FileState]) -> list[str]:
    """The corpus files the index does not hold as they are now: new, edited, removed, or
    read by older text processing (:data:`PROCESSING_VERSION`). Costs a hash per file.

    Files an ingest would skip anyway (unreadable, too large) and exact copies of an indexed
    file are not changes, so a start does not re-run the ingest for them every time."""
    root = Path(settings.corpus_dir).expanduser()
    if not root.exists():
        return []
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    signature = processing_signature(settings)
    indexed = {sha for state in states.values() if state.complete for sha in state.shas}
    changes: list[str] = []
    seen: set[str] = set()
    for file in scan([root]):
        if file.problem or file.key in seen:
            continue
        seen.add(file.key)
        try:
            check_size(file.path, max_bytes)
            sha = f"{file_sha256(file.path)}+{signature}"
        except (LoadError, OSError):
            continue
        state = states.get(file.key)
        if state is not None and state.complete and sha in state.shas:
            continue
        if state is None and sha in indexed:
            continue  # a copy of an indexed file: skipped as a duplicate
        changes.append(file.source)
    folder = str(root.resolve()).rstrip("/") + "/"
    changes.extend(
        state.source or key
        for key, state in states.items()
        if key.startswith(folder) and key not in seen and not state.owner
    )
    return changes


_DISK_FULL_TEXT = ("disk is full", "no space left", "disk full", "quota exceeded")


def is_disk_full(exc: BaseException, settings: Settings) -> bool:
    """A write failed for lack of space: ENOSPC/EDQUOT, SQLite's « database or disk is
    full », or Chroma's « Error in compaction » while the data folder is (nearly) full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(current).lower()
        if any(marker in text for marker in _DISK_FULL_TEXT):
            return True
        if "compaction" in text and _free_bytes(settings) < _needed_bytes(settings, None):
            return True
        current = current.__cause__ or current.__context__
    return False


def _free_bytes(settings: Settings) -> int:
    try:
        return shutil.disk_usage(settings.data_dir).free
    except OSError:
        return 0


def _tree_bytes(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with suppress(OSError):
                total += (Path(folder) / name).stat().st_size
    return total


def _needed_bytes(settings: Settings, generation: str | None) -> int:
    """An ingest copies the served generation, then adds to the copy: its size plus a
    fifth and a few megabytes is a floor."""
    from ..backends.generations import generation_path

    size = 0
    if generation is not None:
        path = generation_path(settings.chroma_dir, generation)
        size = _tree_bytes(path) if generation != "." else (path / "chroma.sqlite3").stat().st_size
    return int(size * 1.2) + 16 * 1024 * 1024


def disk_full_message(settings: Settings, generation: str | None) -> str:
    mb = 1024 * 1024
    needed, free = _needed_bytes(settings, generation), _free_bytes(settings)
    return (
        f"Disque plein : l'indexation a été annulée, l'index servi n'a pas changé. Il faut "
        f"au moins {needed / mb:.0f} Mo libres dans {settings.data_dir} (copie de l'index "
        f"actuel et nouveaux passages) ; {free / mb:.1f} Mo sont libres. Libérez de la place "
        "puis relancez. / Disk full: ingest cancelled, index unchanged."
    )


@dataclass
class _Pending:
    file: SourceFile
    sha: str
    chunks: list[Chunk]
    is_new: bool


@dataclass
class _Plan:
    pending: list[_Pending] = field(default_factory=list)
    delete: set[str] = field(default_factory=set)  # chunk ids to drop (removed, duplicates)


def _reason(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _plan(
    settings: Settings,
    roots: list[Path],
    states: dict[str, FileState],
    summary: IngestSummary,
    owner: str = "",
) -> _Plan:
    plan = _Plan()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    seen: set[str] = set()  # keys still present (their chunks must not be removed)
    hashed: list[tuple[SourceFile, str]] = []
    first_of_key: dict[str, str] = {}

    for file in scan(roots):
        if file.problem:
            summary.skipped.append(Skipped(file.source, file.problem))
            continue
        if file.key in first_of_key:  # two links to one file
            summary.skipped.append(
                Skipped(file.source, f"même fichier que « {first_of_key[file.key]} »")
            )
            continue
        first_of_key[file.key] = file.source
        seen.add(file.key)
        try:
            check_size(file.path, max_bytes)
            sha = f"{file_sha256(file.path)}+{processing_signature(settings)}"
        except LoadError as exc:
            _skip(summary, file, str(exc), states)
            continue
        except OSError as exc:
            _skip(summary, file, f"illisible / unreadable ({exc.strerror})", states)
            continue
        hashed.append((file, sha))
    fault("discovered")

    # Files gone from a folder that was ingested: their chunks go.
    folders = [str(p.resolve()).rstrip("/") + "/" for p in roots if p.is_dir()]
    removed = {
        key
        for key in states
        if key and key not in seen and any(key.startswith(folder) for folder in folders)
    }
    for key in sorted(removed):
        plan.delete.update(states[key].ids)
        summary.removed.append(states[key].source or key)

    # Duplicate content: the copy already indexed wins, else the first one found. Files
    # outside this run's paths still count as present.
    # Copies are compared within one audience: a private upload identical to a shared file
    # or to another user's upload is still indexed for its owner.
    holders: dict[tuple[str, str], tuple[str, str]] = {}  # (sha, owner) -> (key, source)
    for key, state in states.items():
        if key not in removed and key not in seen and state.complete:
            holders.setdefault((next(iter(state.shas)), state.owner), (key, state.source))
    for file, sha in hashed:
        state = states.get(file.key)
        if state is not None and state.complete and sha in state.shas:
            holders.setdefault((sha, owner), (file.key, file.source))
    for file, sha in hashed:
        state = states.get(file.key)
        holder_key, holder = holders.setdefault((sha, owner), (file.key, file.source))
        if holder_key != file.key:
            summary.skipped.append(
                Skipped(file.source, f"contenu identique à « {holder} » (doublon, non indexé)")
            )
            if state:
                plan.delete.update(state.ids)
            continue
        if state is not None and state.complete and sha in state.shas and state.owner == owner:
            summary.unchanged.append(file.source)
            continue
        try:
            document = load(file, max_bytes=max_bytes)
        except LoadError as exc:
            _skip(summary, file, str(exc), states)
            continue
        fault("loaded")
        summary.warnings.extend(f"{file.source} : {w}" for w in document.warnings)
        # chunk_sections already keeps one chunk per id (a repeated paragraph is one passage).
        chunks = chunk_document(document, settings)
        plan.pending.append(_Pending(file, sha, chunks, state is None))
    return plan


# Bumped when cleaning, structure or chunking change what a file becomes: an index built by
# an earlier version is then re-read instead of serving passages the new code would not cut.
PROCESSING_VERSION = 6


def processing_signature(settings: Settings) -> str:
    """What, besides a file's bytes, decides its chunks (recorded with the file's hash)."""
    return f"p{PROCESSING_VERSION}c{settings.chunk_size}o{settings.chunk_overlap}"


def chunk_document(document: LoadedDocument, settings: Settings) -> list[Chunk]:
    """The chunks ``ingest`` indexes for ``document``, with the settings' sizes."""
    return chunk_sections(
        document.sections,
        document.file.source,
        document.file.key,
        size=settings.chunk_size,
        overlap=settings.chunk_overlap,
    )


def _embedded_ahead(embedder, batches: list[list[Chunk]]):
    """``(batch, vectors, blobs)`` for each batch in order, the next batch already being
    embedded while this one is written: the model (or the service's servers) does not wait
    for Chroma's writes, nor do two servers for the slowest request of a batch."""
    if not batches:
        return
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed-ahead")
    try:
        pending = deque(pool.submit(embed_chunks, embedder, b) for b in batches[:2])
        following = iter(batches[2:])
        for batch in batches:
            vectors, blobs = pending.popleft().result()
            upcoming = next(following, None)
            if upcoming is not None:
                pending.append(pool.submit(embed_chunks, embedder, upcoming))
            yield batch, vectors, blobs
    finally:
        # Stopped early (an error, a closed ingest): the batch in flight is dropped.
        pool.shutdown(wait=False, cancel_futures=True)


def texts_to_embed(settings: Settings, paths: Iterable[Path] | None = None) -> list[str]:
    """Every distinct text an ingest of ``paths`` (default: the corpus folder) gives the
    dense model — section titles and sentences, in reading order."""
    texts: dict[str, None] = {}
    for file in discover([Path(p) for p in (paths or [settings.corpus_dir])]):
        for chunk in chunk_document(load(file), settings):
            texts.update(dict.fromkeys(embedded_texts(chunk)))
    return list(texts)


def _skip(summary: IngestSummary, file: SourceFile, reason: str, states) -> None:
    summary.skipped.append(Skipped(file.source, _reason(reason)))
    if file.key in states:
        # Indexed before and unreadable now: the last good version keeps being served.
        summary.warnings.append(f"{file.source} : ancienne version conservée dans l'index")


def _ingest(
    settings: Settings,
    roots: list[Path],
    store: ChunkStore,
    progress: bool,
    on_progress: Callable[[int, int], None] | None,
    started: float,
    owner: str = "",
) -> IngestSummary:
    summary = IngestSummary()
    store.refresh(force=True)
    states = store.file_states()
    current_ids = {cid for state in states.values() for cid in state.ids}
    plan = _plan(settings, roots, states, summary, owner)

    expected = set(current_ids) - plan.delete
    files: dict[str, int] = {}
    for item in plan.pending:
        old = states.get(item.file.key)
        if old is not None:
            expected -= set(old.ids)
        expected |= {c.id for c in item.chunks}
    for key, state in states.items():
        if key and state.ids and set(state.ids) <= expected:
            files[key] = len(state.ids)
    for item in plan.pending:
        files[item.file.key] = len(item.chunks)

    if not plan.pending and expected == current_ids:
        store.collect_garbage()  # what a run killed after its switch left behind
        summary.chunks_total = len(current_ids)
        summary.generation = store.generation
        summary.seconds = time.perf_counter() - started
        return summary

    fresh = [c for item in plan.pending for c in item.chunks if c.id not in current_ids]
    bar = _tqdm_progress(len(fresh), "Indexation") if progress and fresh else None
    embedder = embedder_for(settings) if fresh else None
    staging = store.stage()
    if on_progress is not None and fresh:
        on_progress(0, len(fresh))  # the total is known: a progress display can start
    batches = [
        new[start : start + settings.embedding_batch_size]
        for new in ([c for c in item.chunks if c.id not in current_ids] for item in plan.pending)
        for start in range(0, len(new), settings.embedding_batch_size)
    ]
    embedded = _embedded_ahead(embedder, batches)  # no batch without an embedder
    try:
        done = 0
        for item in plan.pending:
            file_meta = {
                "file_key": item.file.key,
                "file_sha": item.sha,
                "file_chunks": len(item.chunks),
                "owner": owner,  # "" = shared; filtered on at query time (retrieval)
            }
            new = [c for c in item.chunks if c.id not in current_ids]
            for _start in range(0, len(new), settings.embedding_batch_size):
                batch, vectors, blobs = next(embedded)
                batch = [
                    c.model_copy(update={"sentence_vectors": blob})
                    for c, blob in zip(batch, blobs, strict=True)
                ]
                fault("embedded")
                staging.add(batch, vectors, file_meta)
                done += len(batch)
                summary.chunks_written += len(batch)
                if bar is not None:
                    bar.update(len(batch))
                if on_progress is not None:
                    on_progress(done, len(fresh))
            # Same text as before: refresh its file fields without re-embedding.
            staging.update_metadata([c for c in item.chunks if c.id in current_ids], file_meta)
            old = states.get(item.file.key)
            stale = sorted(set(old.ids) - {c.id for c in item.chunks}) if old else []
            staging.delete(stale)
            summary.chunks_deleted += len(stale)
            (summary.added if item.is_new else summary.updated).append(item.file.source)
        staging.delete(sorted(plan.delete & current_ids))
        summary.chunks_deleted += len(plan.delete & current_ids)
        fault("written")
        staging.commit(expected, files)
    except BaseException:
        staging.abort()
        raise
    finally:
        embedded.close()
        if bar is not None:
            bar.close()
    fault("switched")
    store.refresh(force=True)
    swept = store.collect_garbage()
    if swept:
        log.info("index: old generations removed: %s", ", ".join(swept))
    summary.chunks_total = len(expected)
    summary.generation = store.generation
    summary.seconds = time.perf_counter() - started
    return summary

