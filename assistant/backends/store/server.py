"""The server backend: generations as collections of a Chroma server, named by a pointer
collection.

One collection per generation (``<name>-g…``), and a pointer collection
(``<name>-current``) whose metadata names the current one; the switch is one metadata
update, atomic on the server. Readers read the pointer at most once a second, so a running
chat serves a new generation as soon as an ingest in any process has switched to it.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import numpy as np

from ...settings import Settings
from ..faults import fault
from . import generations as gens
from .base import StagingBase, StoreBase
from .client import (
    StoreError,
    chroma_failure,
    http_client,
    not_found_errors,
    server_unreachable,
)

SERVER_POINTER_TTL_S = 1.0


def pointer_name(name: str) -> str:
    return f"{name[:55]}-current"


class ServerStore(StoreBase):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._checked = 0.0
        self._size: int | None = None  # the current generation's size, from the pointer
        self._client = http_client(settings)
        self.refresh(force=True)

    # --- following the pointer -------------------------------------------------------------
    def _refresh(self, force: bool) -> bool:
        now = time.monotonic()
        if not force and self.collection is not None and now - self._checked < SERVER_POINTER_TTL_S:
            return False
        self._checked = now
        client = self._client
        try:
            pointer = self._pointer(client)
            if pointer is not None:
                current, previous = pointer.get("current"), pointer.get("previous")
            else:
                names = {c.name for c in client.list_collections()}
                current, previous = (self.name if self.name in names else None), None
            # A generation is never written after the switch, and the pointer carries its
            # verified size: count() then costs no request (a sheet counts dozens of times).
            chunks = pointer.get("chunks") if pointer is not None else None
            size = chunks if isinstance(chunks, int) and current else None
            if current == self.generation and self.collection is not None:
                self._size = size
                return False
            collection = self._get_collection(client, current) if current else None
        except StoreError:
            raise
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            raise server_unreachable(self.settings, exc) from None
        self.collection, self.generation, self.previous = collection, current, previous
        self._size = size
        return True

    def count(self) -> int:
        with self._lock:
            self._refresh(False)
            size = self._size
        return size if size is not None else super().count()

    def _pointer(self, client) -> dict[str, Any] | None:
        try:
            pointer = client.get_collection(pointer_name(self.name))
        except not_found_errors():
            return None
        return dict(pointer.metadata or {}) or None

    def _get_collection(self, client, name: str):
        try:
            return client.get_collection(name, embedding_function=None)
        except not_found_errors():
            return None  # an empty store (no collection for this model yet)

    def close(self) -> None:
        # The HTTP client holds no file: dropping it is enough.
        with self._lock:
            self._client = self.collection = None
            self.generation = None

    def _fail(self, what: str, exc: BaseException) -> StoreError:
        return server_unreachable(self.settings, exc)

    # --- writing ---------------------------------------------------------------------------
    def _new_staging(self) -> ServerStaging:
        return ServerStaging(self)

    def _gc(self, keep: set[str]) -> list[str]:
        removed: list[str] = []
        prefix = f"{self.name[:40]}-g"
        for collection in self.client.list_collections():
            name = collection.name
            legacy = name == self.name and self.name not in keep
            if (name.startswith(prefix) and name not in keep) or legacy:
                with contextlib.suppress(Exception):
                    self.client.delete_collection(name)
                    removed.append(name)
        return removed


class ServerStaging(StagingBase):
    """A new collection holding a copy of the served one; the pointer collection's metadata
    names it once it is verified."""

    def __init__(self, store: ServerStore) -> None:
        super().__init__(store)
        client = store.client
        stamp = gens.new_name()[4:]
        self.name = f"{store.name[:40]}-g{stamp}"
        self.collection = client.create_collection(
            name=self.name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": store.settings.embedding_model, "state": "building"},
        )
        source = store.collection
        if source is not None:
            offset = 0
            while True:
                batch = source.get(
                    include=["embeddings", "documents", "metadatas"], limit=500, offset=offset
                )
                if not batch["ids"]:
                    break
                self.collection.add(
                    ids=batch["ids"],
                    embeddings=np.asarray(batch["embeddings"], dtype=np.float32),
                    documents=batch["documents"],
                    metadatas=batch["metadatas"],
                )
                if len(batch["ids"]) < 500:
                    break
                offset += 500
        fault("staging-copied")

    def commit(self, expected: set[str], files: dict[str, int]) -> None:
        self._verify(self.collection, expected, files)
        fault("staging-verified")
        client = self.store.client
        pointer = client.get_or_create_collection(pointer_name(self.store.name))
        metadata: dict[str, Any] = {"current": self.name, "chunks": len(expected)}
        if self.base:
            metadata["previous"] = self.base
        pointer.modify(metadata=metadata)
        self.committed = True
        fault("pointer-renamed")
        self.store.refresh(force=True)

    def abort(self) -> None:
        if not self.committed:
            with contextlib.suppress(Exception):
                self.store.client.delete_collection(self.name)
