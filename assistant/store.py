"""The Chroma store: embedded on disk by default, a Chroma server when configured."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .embeddings import model_slug
from .models import Chunk
from .settings import Settings

log = logging.getLogger(__name__)

# Chroma's own telemetry is on by default: switch it off before chromadb is imported.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class StoreError(RuntimeError):
    """The vector store cannot be reached or opened; the message says what to do."""


@dataclass
class FileState:
    shas: dict[str, int]  # file sha -> chunks present with it
    expected: int  # chunks the last complete ingest of that file wrote
    source: str


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.uses_chroma_server:
        headers = {}
        if settings.chroma_token is not None:
            headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host or "localhost",
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=headers or None,
                settings=chroma_settings,
            )
            client.heartbeat()
            return client
        except Exception as exc:
            raise StoreError(
                f"Serveur Chroma injoignable sur {settings.chroma_host}:{settings.chroma_port} "
                f"({type(exc).__name__}). Démarrez-le (`chroma run --path …`) ou retirez "
                "ASSISTANT_CHROMA_HOST pour utiliser la base locale. / Chroma server unreachable."
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(
            f"Impossible d'ouvrir la base locale {settings.chroma_dir} : {exc}. "
            "/ Cannot open the local store."
        ) from exc


class ChunkStore:
    """One Chroma collection per embedding model, so switching models never mixes vectors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = _client(settings)
        self.name = f"{settings.collection}-{model_slug(settings.embedding_model)}"[:63]
        try:
            self.collection = self.client.get_or_create_collection(
                name=self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": settings.embedding_model},
            )
        except Exception as exc:
            raise StoreError(f"Collection Chroma inaccessible : {exc}") from exc

    # --- reading ---------------------------------------------------------------
    def count(self) -> int:
        try:
            return self.collection.count()
        except Exception as exc:
            raise StoreError(f"Base vectorielle injoignable : {type(exc).__name__}") from exc

    def iter_records(self, include_text: bool = True, page: int = 2000) -> Iterator[dict]:
        include: list[Any] = ["metadatas"] + (["documents"] if include_text else [])
        offset = 0
        while True:
            batch = self.collection.get(include=include, limit=page, offset=offset)
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

    def all_chunks(self) -> list[Chunk]:
        chunks = [
            Chunk(
                id=r["id"],
                text=r["text"] or "",
                source=str(r["metadata"].get("source", "")),
                section=str(r["metadata"].get("section", "")),
                page=_page(r["metadata"]),
                ordinal=int(r["metadata"].get("ordinal", 0)),
            )
            for r in self.iter_records(include_text=True)
        ]
        chunks.sort(key=lambda c: (c.source, c.ordinal))
        return chunks

    def file_states(self) -> dict[str, FileState]:
        states: dict[str, FileState] = {}
        for record in self.iter_records(include_text=False):
            meta = record["metadata"]
            key = str(meta.get("file_key", ""))
            state = states.setdefault(
                key, FileState({}, int(meta.get("file_chunks", 0)), str(meta.get("source", "")))
            )
            sha = str(meta.get("file_sha", ""))
            state.shas[sha] = state.shas.get(sha, 0) + 1
            state.expected = max(state.expected, int(meta.get("file_chunks", 0)))
        return states

    def existing_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            batch = self.collection.get(ids=ids[start : start + 1000], include=[])
            found.update(batch["ids"])
        return found

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        try:
            result = self.collection.query(
                query_embeddings=[vector.astype(np.float32)],
                n_results=max(1, n),
                include=["distances"],
            )
        except Exception as exc:
            raise StoreError(f"Recherche impossible dans Chroma : {type(exc).__name__}") from exc
        ids = result["ids"][0]
        distances = (result.get("distances") or [[1.0] * len(ids)])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=False)]

    # --- writing ---------------------------------------------------------------
    def add(self, chunks: list[Chunk], vectors: np.ndarray, file_meta: dict[str, Any]) -> None:
        for start in range(0, len(chunks), 500):
            part = chunks[start : start + 500]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + 500].astype(np.float32),
                documents=[c.text for c in part],
                metadatas=[_metadata(c, file_meta) for c in part],
            )

    def delete_file(self, key: str, keep_sha: str | None = None) -> int:
        where: dict[str, Any] = {"file_key": key}
        if keep_sha is not None:
            where = {"$and": [{"file_key": key}, {"file_sha": {"$ne": keep_sha}}]}
        stale = self.collection.get(where=where, include=[])["ids"]
        for start in range(0, len(stale), 1000):
            self.collection.delete(ids=stale[start : start + 1000])
        return len(stale)


def _metadata(chunk: Chunk, file_meta: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "source": chunk.source,
        "section": chunk.section,
        "ordinal": chunk.ordinal,
        **file_meta,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def _page(meta: dict) -> int | None:
    page = meta.get("page")
    return int(page) if page is not None else None


def open_store(settings: Settings) -> ChunkStore:
    return ChunkStore(settings)
