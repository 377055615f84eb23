"""What an ingest has to do: every file under the paths classified — unchanged (its hash
and the text processing it was read with), new or changed (read, cleaned, chunked),
duplicate, removed, or skipped with a plain reason. Nothing is written here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.faults import fault
from ..backends.store import FileState
from ..errors import LoadError
from ..models import Chunk
from ..settings import Settings
from .chunking import chunk_sections
from .loading import (
    LoadedDocument,
    SourceFile,
    check_size,
    file_sha256,
    key_prefixes,
    load,
    real_key,
    resolved,
    scan,
    under,
)
from .summary import IngestSummary, Skipped, record_skip

# Bumped when cleaning, structure or chunking change what a file becomes: an index built by
# an earlier version is then re-read instead of serving passages the new code would not cut.
PROCESSING_VERSION = 9


def processing_signature(settings: Settings) -> str:
    """What, besides a file's bytes, decides its chunks (recorded with the file's hash)."""
    return f"p{PROCESSING_VERSION}c{settings.chunk_size}o{settings.chunk_overlap}"


def indexed_sha(path: Path, max_bytes: int, settings: Settings) -> str:
    """What the index records of a file: its bytes' hash and the processing it was read
    with. Too large: :class:`LoadError` before a byte is read."""
    check_size(path, max_bytes)
    return f"{file_sha256(path)}+{processing_signature(settings)}"


def chunk_document(document: LoadedDocument, settings: Settings) -> list[Chunk]:
    """The chunks ``ingest`` indexes for ``document``, with the settings' sizes."""
    return chunk_sections(
        document.sections,
        document.file.source,
        document.file.key,
        size=settings.chunk_size,
        overlap=settings.chunk_overlap,
    )


@dataclass
class Pending:
    file: SourceFile
    sha: str
    chunks: list[Chunk]
    is_new: bool


@dataclass
class Plan:
    pending: list[Pending] = field(default_factory=list)
    delete: set[str] = field(default_factory=set)  # chunk ids to drop (removed, duplicates)


def plan_changes(
    settings: Settings,
    roots: list[Path],
    states: dict[str, FileState],
    summary: IngestSummary,
    owner: str = "",
) -> Plan:
    plan = Plan()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    seen: set[str] = set()  # keys still present (their chunks must not be removed)
    hashed: list[tuple[SourceFile, str]] = []
    first_of_key: dict[str, str] = {}

    for file in scan(roots, settings.corpus_dir):
        if file.problem:
            summary.skipped.append(Skipped(file.source, file.problem))
            continue
        real = real_key(file.path)
        if real in first_of_key or file.key in seen:  # two links to one file
            summary.skipped.append(
                Skipped(file.source, f"même fichier que « {first_of_key.get(real, '?')} »")
            )
            continue
        first_of_key[real] = file.source
        seen.add(file.key)
        try:
            sha = indexed_sha(file.path, max_bytes, settings)
        except LoadError as exc:
            record_skip(summary, file.source, str(exc), file.key in states)
            continue
        except OSError as exc:
            reason = f"illisible / unreadable ({exc.strerror})"
            record_skip(summary, file.source, reason, file.key in states)
            continue
        hashed.append((file, sha))
    fault("discovered")

    # Files gone from a folder that was ingested: their chunks go.
    removed = {key for key in gone(settings, roots, states) if key not in seen}
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
            record_skip(summary, file.source, str(exc), file.key in states)
            continue
        fault("loaded")
        summary.warnings.extend(f"{file.source} : {w}" for w in document.warnings)
        # chunk_sections already keeps one chunk per id (a repeated paragraph is one passage).
        chunks = chunk_document(document, settings)
        plan.pending.append(Pending(file, sha, chunks, state is None))
    return plan


def corpus_changes(settings: Settings, states: dict[str, FileState]) -> list[str]:
    """The corpus files the index does not hold as they are now: new, edited, removed, or
    read by older text processing (:data:`PROCESSING_VERSION`). Costs a hash per file.

    Files an ingest would skip anyway (unreadable, too large) and exact copies of an indexed
    file are not changes, so a start does not re-run the ingest for them every time."""
    root = Path(settings.corpus_dir).expanduser()
    if not root.exists():
        return []
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    indexed = {sha for state in states.values() if state.complete for sha in state.shas}
    changes: list[str] = []
    seen: set[str] = set()
    reals: set[str] = set()
    for file in scan([root], root):
        real = real_key(file.path)
        if file.problem or file.key in seen or real in reals:
            continue
        seen.add(file.key)
        reals.add(real)
        try:
            sha = indexed_sha(file.path, max_bytes, settings)
        except (LoadError, OSError):
            continue
        state = states.get(file.key)
        if state is not None and state.complete and sha in state.shas:
            continue
        if state is None and sha in indexed:
            continue  # a copy of an indexed file: skipped as a duplicate
        changes.append(file.source)
    changes.extend(
        states[key].source or key
        for key in gone(settings, [root], states)
        if key not in seen and not states[key].owner
    )
    return changes


def gone(settings: Settings, roots: list[Path], states: dict[str, FileState]) -> set[str]:
    """Indexed files an ingest of ``roots`` answers for (the caller removes those it did
    not see): the keys under a folder ingested (:func:`key_prefixes`), and, when the corpus
    folder is ingested whole, the files of an index keyed by absolute paths (before keys
    were relative to the corpus) that are in the corpus or no longer exist anywhere — a
    corpus moved since then leaves none of its old passages behind."""
    corpus = resolved(Path(settings.corpus_dir).expanduser())
    prefixes = [prefix for root in roots if root.is_dir() for prefix in key_prefixes(root, corpus)]
    whole_corpus = "" in prefixes
    found: set[str] = set()
    for key in states:
        if not key:
            continue
        legacy = whole_corpus and key.startswith("/") and not states[key].owner
        if any(under(key, prefix) for prefix in prefixes) or (
            legacy and (Path(key).is_relative_to(corpus) or not os.path.lexists(key))
        ):
            found.add(key)
    return found
