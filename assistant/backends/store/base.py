"""What the embedded and the server backends share: reading the served generation, and
writing chunks into a generation being built and checking it before the switch.

A backend says how it follows its pointer (:meth:`StoreBase._refresh`), how it builds a
generation (:meth:`StoreBase._new_staging`), what it deletes (:meth:`StoreBase._gc`) and
how a failure reads (:meth:`StoreBase._fail`); the rest is here, written once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from ...models import Chunk
from ...settings import Settings
from ..embeddings import model_slug
from ..faults import fault
from .client import StoreError, chroma_failure
from .records import FileState, chunk_metadata, chunk_of, file_states_of, iter_collection


def collection_name(settings: Settings) -> str:
    return f"{settings.collection}-{model_slug(settings.embedding_model)}"[:63]


class StoreBase:
    """The current generation of one collection per embedding model (switching models never
    mixes vectors). Safe to share between threads; follows generation switches."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = collection_name(settings)
        self.generation: str | None = None
        self.previous: str | None = None
        self.collection = None
        self._client = None
        self.notice: str | None = None  # why a generation other than the pointer's is served
        self._lock = threading.RLock()

    # --- what a backend provides ------------------------------------------------------------
    def _refresh(self, force: bool) -> bool:
        raise NotImplementedError

    def _new_staging(self) -> StagingBase:
        raise NotImplementedError

    def _gc(self, keep: set[str]) -> list[str]:
        raise NotImplementedError

    def _fail(self, what: str, exc: BaseException) -> StoreError:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # --- following the pointer -------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Switch to the current generation if it changed; True when it did."""
        with self._lock:
            return self._refresh(force)

    @property
    def client(self):
        return self._client

    def _current(self):
        """The collection of the current generation (None when nothing is indexed yet)."""
        self.refresh()
        return self.collection

    # --- reading ---------------------------------------------------------------------------
    def count(self) -> int:
        try:
            collection = self._current()
            return collection.count() if collection is not None else 0
        except StoreError:
            raise
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            raise self._fail("Lecture", exc) from None

    def iter_records(self, include_text: bool = True, page: int = 2000) -> Iterator[dict]:
        try:
            collection = self._current()
        except StoreError:
            raise
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            raise self._fail("Lecture", exc) from None
        if collection is None:
            return
        yield from iter_collection(collection, include_text, page, self._fail)

    def all_chunks(self) -> list[Chunk]:
        chunks = [chunk_of(r) for r in self.iter_records(include_text=True)]
        chunks.sort(key=lambda c: (c.source, c.ordinal))
        return chunks

    def ids(self) -> set[str]:
        return {r["id"] for r in self.iter_records(include_text=False)}

    def file_states(self) -> dict[str, FileState]:
        return file_states_of(self.iter_records(include_text=False))

    def query(
        self, vector: np.ndarray, n: int, hidden_owners: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` nearest chunks, without those of ``hidden_owners`` (private uploads of
        other users): filtered by Chroma itself, so they take no place among the ``n``.
        ``$nin`` also matches chunks indexed before owners existed (no ``owner`` key)."""
        where = {"owner": {"$nin": list(hidden_owners)}} if hidden_owners else None
        try:
            collection = self._current()
            if collection is None:
                return []
            result = collection.query(
                query_embeddings=[vector.astype(np.float32)],
                n_results=max(1, n),
                include=["distances"],
                where=where,
            )
        except StoreError:
            raise
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            raise self._fail("Recherche", exc) from None
        ids = result["ids"][0]
        distances = (result.get("distances") or [[1.0] * len(ids)])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=False)]

    # --- writing: a new generation -----------------------------------------------------------
    def stage(self) -> StagingBase:
        """A new generation holding a copy of the current one, to write into."""
        with self._lock:
            self.refresh(force=True)
            return self._new_staging()

    def collect_garbage(self) -> list[str]:
        """Delete generations other than the current and previous ones (writer only)."""
        with self._lock:
            self.refresh(force=True)
            return self._gc({self.generation, self.previous} - {None})


class StagingBase:
    """A generation being built. Write, then :meth:`commit` (verify + switch) or
    :meth:`abort`. Until the switch nothing is visible to readers."""

    def __init__(self, store: StoreBase) -> None:
        self.store = store
        self.base = store.generation
        self.name = ""
        self.collection = None
        self.committed = False  # the pointer names this generation: never delete it

    # writing ------------------------------------------------------------------------------
    def add(self, chunks: list[Chunk], vectors: np.ndarray, file_meta: dict) -> None:
        for start in range(0, len(chunks), 500):
            part = chunks[start : start + 500]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + 500].astype(np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c, file_meta) for c in part],
            )
            fault("chunks-written")

    def update_metadata(self, chunks: list[Chunk], file_meta: dict) -> None:
        for start in range(0, len(chunks), 500):
            part = chunks[start : start + 500]
            self.collection.update(
                ids=[c.id for c in part], metadatas=[chunk_metadata(c, file_meta) for c in part]
            )

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[start : start + 1000])

    # verification -------------------------------------------------------------------------
    def _verify(self, collection, expected: set[str], files: dict[str, int]) -> None:
        """The exact expected ids, each file complete, and a working vector index."""
        found: set[str] = set()
        per_file: dict[str, int] = {}
        if collection is not None:
            for record in iter_collection(collection, False, 2000):
                found.add(record["id"])
                key = str(record["metadata"].get("file_key", ""))
                per_file[key] = per_file.get(key, 0) + 1
        if found != expected:
            raise StoreError(
                f"Vérification de l'index échouée : {len(expected - found)} passage(s) "
                f"manquant(s), {len(found - expected)} en trop. L'index servi n'a pas changé."
            )
        wrong = [k for k, n in files.items() if per_file.get(k, 0) != n]
        if wrong:
            raise StoreError(f"Vérification de l'index échouée : fichier incomplet ({wrong[0]}).")
        if expected:
            answers_a_query(collection, "Vérification de l'index échouée : recherche vide.")

    def commit(self, expected: set[str], files: dict[str, int]) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


def answers_a_query(collection, message: str) -> None:
    """One stored vector finds a neighbour: the vector index works (else ``message``)."""
    probe = collection.get(limit=1, include=["embeddings"])
    vector = np.asarray(probe["embeddings"][0], dtype=np.float32)
    hits = collection.query(query_embeddings=[vector], n_results=1, include=[])
    if not hits["ids"] or not hits["ids"][0]:
        raise StoreError(message)
