"""Incremental ingest that never corrupts the index: plan, build a new generation, switch.

1. Plan (nothing written, :mod:`.changes`): every file under the paths is classified —
   unchanged (its hash), new or changed (read, cleaned, chunked), duplicate of another
   file, removed, or skipped with a plain reason (see :mod:`.loading`). Too-large files
   are refused before being read; a file that was indexed and is now unreadable keeps its
   last good version.
2. Nothing to change: done (an unchanged re-ingest costs a hash per file).
3. Build: a copy of the current generation (the store) receives the new chunks (only
   chunks whose content-derived id is new are embedded), the refreshed metadata and
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

import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import resources
from ..backends.embedders import embedder_for
from ..backends.faults import fault
from ..backends.locks import writer_lock
from ..backends.store import ChunkStore, open_store
from ..errors import IngestError
from ..models import Chunk
from ..settings import Settings
from .changes import chunk_document, plan_changes
from .diskspace import disk_full_message, is_disk_full
from .information import information_of
from .loading import discover, load
from .sentvectors import embed_chunks, embedded_texts
from .summary import IngestSummary

log = logging.getLogger(__name__)


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
    for file in discover([Path(p) for p in (paths or [settings.corpus_dir])], settings.corpus_dir):
        for chunk in chunk_document(load(file), settings):
            texts.update(dict.fromkeys(embedded_texts(chunk)))
    return list(texts)


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
    plan = plan_changes(settings, roots, states, summary, owner)

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
    read = information_of(
        fresh, settings.nlp_model, resources.shipped_information(settings.nlp_model)
    )
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
                    c.model_copy(update={"sentence_vectors": blob, "information": read.get(c.id)})
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
