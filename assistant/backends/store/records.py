"""Chunks ↔ Chroma records: the metadata written with each chunk, and what is read back.

A record is ``{"id", "metadata", "text"}`` as :func:`iter_collection` yields it; the
per-file bookkeeping of an ingest (``file_key``, ``file_sha``, ``file_chunks``, ``owner``)
travels in the metadata, next to the chunk's own fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...models import Chunk
from .client import chroma_failure


@dataclass
class FileState:
    shas: dict[str, int]  # file sha -> chunks present with it
    expected: int  # chunks the last complete ingest of that file wrote
    source: str
    ids: list[str] = field(default_factory=list)
    owner: str = ""  # a private upload's owner; "" for the shared corpus

    @property
    def complete(self) -> bool:
        return len(self.shas) == 1 and next(iter(self.shas.values())) == self.expected


def chunk_metadata(chunk: Chunk, file_meta: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "source": chunk.source,
        "section": chunk.section,
        "ordinal": chunk.ordinal,
        **file_meta,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if chunk.sentence_vectors:
        meta["sentence_vectors"] = chunk.sentence_vectors
    if chunk.information:
        meta["information"] = chunk.information
    return meta


def _page(meta: dict) -> int | None:
    page = meta.get("page")
    return int(page) if page is not None else None


def chunk_of(record: dict) -> Chunk:
    meta = record["metadata"]
    return Chunk(
        id=record["id"],
        text=record["text"] or "",
        source=str(meta.get("source", "")),
        section=str(meta.get("section", "")),
        page=_page(meta),
        ordinal=int(meta.get("ordinal", 0)),
        sentence_vectors=meta.get("sentence_vectors"),
        information=meta.get("information"),
        owner=str(meta.get("owner", "")),
    )


def file_states_of(records: Iterable[dict]) -> dict[str, FileState]:
    """Per indexed file: the shas its chunks carry, how many it should have, their ids."""
    states: dict[str, FileState] = {}
    for record in records:
        meta = record["metadata"]
        key = str(meta.get("file_key", ""))
        state = states.setdefault(
            key, FileState({}, int(meta.get("file_chunks", 0)), str(meta.get("source", "")))
        )
        state.owner = str(meta.get("owner", ""))
        sha = str(meta.get("file_sha", ""))
        state.shas[sha] = state.shas.get(sha, 0) + 1
        state.expected = max(state.expected, int(meta.get("file_chunks", 0)))
        state.ids.append(record["id"])
    return states


def iter_collection(collection, include_text: bool, page: int, fail=None) -> Iterator[dict]:
    """Every record of ``collection``, ``page`` at a time; ``fail(what, exc)`` turns a read
    error into the store's own error."""
    include: list[Any] = ["metadatas"] + (["documents"] if include_text else [])
    offset = 0
    while True:
        try:
            batch = collection.get(include=include, limit=page, offset=offset)
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            if fail is None:
                raise
            raise fail("Lecture", exc) from None
        ids = batch["ids"]
        if not ids:
            return
        metas = batch["metadatas"] or [{}] * len(ids)
        docs = batch.get("documents") or [None] * len(ids)
        for cid, meta, doc in zip(ids, metas, docs, strict=False):
            yield {"id": cid, "metadata": meta or {}, "text": doc}
        if len(ids) < page:
            return
        offset += page
