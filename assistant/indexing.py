"""Incremental ingest: unchanged files cost a hash, changed or removed files leave no stale chunk.

Write order per file — add the new chunks, delete the old ones, and only then is the
file « complete » (its chunk count matches ``file_chunks``) — so an interrupted ingest
is finished by the next run and never leaves a file half-indexed without noticing.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .chunking import chunk_sections
from .embeddings import make_embedder
from .loading import LoadError, discover, file_sha256, load
from .models import Chunk
from .settings import Settings
from .store import ChunkStore, open_store

log = logging.getLogger(__name__)


class IngestError(RuntimeError):
    """Nothing could be ingested (bad path…); the message says why."""


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
) -> IngestSummary:
    """Bring the index in line with the files under ``paths`` (default: the corpus folder)."""
    started = time.perf_counter()
    roots = [Path(p).expanduser() for p in (paths or [settings.corpus_dir])]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise IngestError("Chemin introuvable / path not found: " + ", ".join(missing))
    with writer_lock(settings):
        return _ingest(settings, roots, store or open_store(settings), progress, started)


@contextmanager
def writer_lock(settings: Settings):
    """One ingest at a time per data folder: Chroma's embedded store has a single writer."""
    import fcntl

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "ingest.lock"
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestError(
                "Une indexation est déjà en cours sur ce dossier de données ; réessayez "
                "quand elle sera finie. / An ingest is already running."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ingest(
    settings: Settings,
    roots: list[Path],
    store: ChunkStore,
    progress: bool,
    started: float,
) -> IngestSummary:
    summary = IngestSummary()
    states = store.file_states()
    known_shas = {sha: state.source for state in states.values() for sha in state.shas if sha}
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    seen: set[str] = set()
    pending: list[tuple[str, str, list[Chunk], bool, str]] = []  # key, sha, chunks, new?, source

    for file in discover(roots):
        seen.add(file.key)
        state = states.get(file.key)
        try:
            sha = file_sha256(file.path)
        except OSError as exc:
            summary.skipped.append(Skipped(file.source, f"illisible ({exc.strerror})"))
            continue
        if state and set(state.shas) == {sha} and state.shas[sha] == state.expected:
            summary.unchanged.append(file.source)
            continue
        duplicate_of = known_shas.get(sha)
        if duplicate_of is not None and (state is None or sha not in state.shas):
            summary.skipped.append(
                Skipped(file.source, f"contenu identique à « {duplicate_of} » (doublon)")
            )
            if state:
                summary.chunks_deleted += store.delete_file(file.key)
            continue
        try:
            document = load(file, max_bytes=max_bytes)
        except LoadError as exc:
            summary.skipped.append(Skipped(file.source, str(exc)))
            if state:
                # The file was indexed before and is now unreadable: keep serving the
                # last good version rather than dropping it.
                summary.warnings.append(f"{file.source} : ancienne version conservée dans l'index")
            continue
        summary.warnings.extend(f"{file.source} : {w}" for w in document.warnings)
        chunks = chunk_sections(
            document.sections,
            file.source,
            file.key,
            size=settings.chunk_size,
            overlap=settings.chunk_overlap,
        )
        known_shas[sha] = file.source
        pending.append((file.key, sha, chunks, state is None, file.source))

    # Embed only the chunks the store does not already hold (content-derived ids).
    all_ids = [c.id for _, _, chunks, _, _ in pending for c in chunks]
    present = store.existing_ids(all_ids)
    to_embed = sum(1 for cid in all_ids if cid not in present)
    bar = _tqdm_progress(to_embed, "Indexation") if progress and to_embed else None
    embedder = (
        make_embedder(settings.embedding_model, settings.embedding_batch_size) if to_embed else None
    )
    try:
        for key, sha, chunks, is_new, source in pending:
            fresh = [c for c in chunks if c.id not in present]
            file_meta = {"file_key": key, "file_sha": sha, "file_chunks": len(chunks)}
            if fresh:
                assert embedder is not None
                for start in range(0, len(fresh), settings.embedding_batch_size):
                    batch = fresh[start : start + settings.embedding_batch_size]
                    vectors = embedder.embed_documents([embedding_text(c) for c in batch])
                    store.add(batch, vectors, file_meta)
                    summary.chunks_written += len(batch)
                    if bar is not None:
                        bar.update(len(batch))
            reused = [c for c in chunks if c.id in present]
            if reused:
                # Same text as before: refresh its file fields without re-embedding.
                store.collection.update(
                    ids=[c.id for c in reused],
                    metadatas=[
                        {
                            **file_meta,
                            "source": c.source,
                            "section": c.section,
                            "ordinal": c.ordinal,
                            **({"page": c.page} if c.page else {}),
                        }
                        for c in reused
                    ],
                )
            summary.chunks_deleted += store.delete_file(key, keep_sha=sha)
            (summary.added if is_new else summary.updated).append(source)
    finally:
        if bar is not None:
            bar.close()

    # Files gone from a folder that was ingested: remove their chunks.
    folders = [str(p.resolve()) for p in roots if p.is_dir()]
    for key, state in states.items():
        if key in seen or not key:
            continue
        if any(key.startswith(folder.rstrip("/") + "/") for folder in folders):
            summary.chunks_deleted += store.delete_file(key)
            summary.removed.append(state.source or key)

    summary.chunks_total = store.count()
    summary.seconds = time.perf_counter() - started
    return summary


def embedding_text(chunk: Chunk) -> str:
    """What the dense model sees: the section title gives the passage its context."""
    return f"{chunk.section}\n{chunk.text}"
