"""The Chroma store: embedded on disk by default, a Chroma server when configured.

Build-then-switch. Readers always see one complete *generation* of the index, named by a
pointer; an ingest never writes into the generation being served, and switches the pointer
only once the new generation is verified. The previous generation is kept (a reader busy
with it is not disturbed); older ones are deleted.

One interface, two backends, chosen by :func:`open_store` from the settings:

- :mod:`.embedded` — folders under ``<data>/chroma`` named by a ``CURRENT`` file
  (:mod:`.pointer`; which folder may be served or deleted: :mod:`.generations`);
- :mod:`.server` — collections of a Chroma server named by a pointer collection.

Both share :mod:`.base` (reading, staging, verification), :mod:`.records` (chunk ↔
metadata) and :mod:`.client` (Chroma clients); :mod:`.admin` holds the operator's
``assistant index`` commands. Readers follow the pointer, so a running chat serves a new
generation as soon as an ingest — in the chat or in another process — has switched to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np

from ...models import Chunk
from ...settings import Settings
from .admin import generation_report, rollback, verify_generation
from .base import collection_name
from .client import StoreError
from .generations import LEGACY, generation_path
from .pointer import POINTER, PointerError, read_pointer, write_pointer
from .records import FileState, chunk_metadata, iter_collection


class Staging(Protocol):
    """A generation being built: nothing is visible to readers before :meth:`commit`."""

    def add(self, chunks: list[Chunk], vectors: np.ndarray, file_meta: dict[str, Any]) -> None: ...

    def update_metadata(self, chunks: list[Chunk], file_meta: dict[str, Any]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def commit(self, expected: set[str], files: dict[str, int]) -> None:
        """Verify the exact ``expected`` ids and chunks per file, then switch to it."""

    def abort(self) -> None:
        """Give the unfinished generation's space back; the served one is untouched."""


class ChunkStore(Protocol):
    """What the ingest, retrieval, the chat and the CLI use of a store."""

    generation: str | None  # the generation served (None: nothing indexed yet)
    notice: str | None  # why a generation other than the pointer's is served

    def refresh(self, force: bool = False) -> bool:
        """Follow the pointer; True when the served generation changed."""

    def count(self) -> int: ...

    def iter_records(self, include_text: bool = True, page: int = 2000) -> Iterator[dict]: ...

    def all_chunks(self) -> list[Chunk]: ...

    def ids(self) -> set[str]: ...

    def file_states(self) -> dict[str, FileState]: ...

    def query(
        self, vector: np.ndarray, n: int, hidden_owners: list[str] | None = None
    ) -> list[tuple[str, float]]: ...

    def stage(self) -> Staging:
        """A new generation holding a copy of the served one."""

    def collect_garbage(self) -> list[str]:
        """Delete superseded generations (the writer only); their names."""

    def close(self) -> None: ...


def backend_of(settings: Settings) -> str:
    return "server" if settings.uses_chroma_server else "embedded"


def open_store(settings: Settings) -> ChunkStore:
    """The store the settings ask for, following the current generation."""
    # Each backend is imported only when chosen (Chroma itself: when a client is built,
    # with a clear error when it is missing).
    match backend_of(settings):
        case "embedded":
            from .embedded import EmbeddedStore

            return EmbeddedStore(settings)
        case "server":
            from .server import ServerStore

            return ServerStore(settings)
        case other:
            raise StoreError(f"Base vectorielle inconnue : {other}. / Unknown vector store.")


__all__ = [
    "LEGACY",
    "POINTER",
    "ChunkStore",
    "FileState",
    "PointerError",
    "Staging",
    "StoreError",
    "backend_of",
    "chunk_metadata",
    "collection_name",
    "generation_path",
    "generation_report",
    "iter_collection",
    "open_store",
    "read_pointer",
    "rollback",
    "verify_generation",
    "write_pointer",
]
