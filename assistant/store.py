"""The Chroma store: embedded on disk by default, a Chroma server when configured.

Build-then-switch. Readers always see one complete *generation* of the index, named by a
pointer; an ingest never writes into the generation being served:

- embedded: ``<data>/chroma/CURRENT`` (a small JSON file) names a folder
  ``<data>/chroma/gen-…`` holding a whole Chroma store. An ingest copies the current folder
  (SQLite through its backup API, a consistent snapshot even while a reader has it open),
  writes its changes into the copy, closes it, reopens it to verify the exact set of
  chunk ids and a query, fsyncs it, and only then replaces ``CURRENT`` by an atomic
  ``rename``. A kill at any point leaves ``CURRENT`` naming a complete generation; the
  unfinished copy is swept by the next ingest. Chroma's own files are therefore never
  written by two processes, nor served while being written.
- server: one collection per generation (``<name>-g…``), and a pointer collection
  (``<name>-current``) whose metadata names the current one; the switch is one metadata
  update, atomic on the server.

Readers follow the pointer: embedded stores check it (one ``stat``) before every operation,
server stores at most once a second, so a running chat serves a new generation as soon
as an ingest — in the chat or in another process — has switched to it. The previous
generation is kept (a reader busy with it is not disturbed); older ones are deleted.
An index written by earlier versions (a store directly in ``<data>/chroma``) is read as is
and migrated by the next ingest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .embeddings import model_slug
from .models import Chunk
from .settings import Settings

log = logging.getLogger(__name__)

# Chroma's own telemetry is on by default: switch it off before chromadb is imported.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

POINTER = "CURRENT"
LEGACY = "."  # the pre-generation layout: a Chroma store directly in the chroma folder
_GENERATION = re.compile(r"^gen-\d{8}-\d{6}-[0-9a-f]{6}$")
_SEGMENT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SERVER_POINTER_TTL_S = 1.0


class StoreError(RuntimeError):
    """The vector store cannot be reached or opened; the message says what to do."""


@dataclass
class FileState:
    shas: dict[str, int]  # file sha -> chunks present with it
    expected: int  # chunks the last complete ingest of that file wrote
    source: str
    ids: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return len(self.shas) == 1 and next(iter(self.shas.values())) == self.expected


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _server_unreachable(settings: Settings, exc: BaseException) -> StoreError:
    return StoreError(
        f"Serveur Chroma injoignable sur {settings.chroma_host}:{settings.chroma_port} "
        f"({type(exc).__name__}). Démarrez-le (`chroma run --path …`) ou retirez "
        "ASSISTANT_CHROMA_HOST pour utiliser la base locale. / Chroma server unreachable."
    )


def _http_client(settings: Settings):
    import chromadb
    import httpx

    headers = {}
    if settings.chroma_token is not None:
        headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
    try:
        client = chromadb.HttpClient(
            host=settings.chroma_host or "localhost",
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            headers=headers or None,
            settings=_chroma_settings(),
        )
        # Chroma's client waits forever by default: a stalled server must not hang us.
        with contextlib.suppress(AttributeError):
            client._server._session.timeout = httpx.Timeout(
                max(30.0, 6 * settings.chroma_timeout_s), connect=settings.chroma_timeout_s
            )
        client.heartbeat()
        return client
    except Exception as exc:
        raise _server_unreachable(settings, exc) from None


def _persistent_client(path: Path):
    import chromadb

    try:
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except Exception as exc:
        raise StoreError(
            f"Impossible d'ouvrir la base locale {path} : {type(exc).__name__}: {exc}. "
            "Relancez `assistant ingest` pour la reconstruire. / Cannot open the local store."
        ) from None


def _close(client) -> None:
    if client is not None:
        with contextlib.suppress(Exception):
            client.close()


def collection_name(settings: Settings) -> str:
    return f"{settings.collection}-{model_slug(settings.embedding_model)}"[:63]


def _new_generation_name() -> str:
    return time.strftime("gen-%Y%m%d-%H%M%S-") + secrets.token_hex(3)


# --- the pointer ------------------------------------------------------------------------------
def read_pointer(root: Path) -> dict[str, Any] | None:
    """The embedded pointer (``{"current": …, "previous": …}``), or None before any ingest."""
    try:
        data = json.loads((root / POINTER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreError(
            f"Pointeur d'index illisible ({root / POINTER} : {exc}) : supprimez ce fichier "
            "puis relancez `assistant ingest` (tout sera réindexé). / Unreadable index pointer."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("current"), str):
        raise StoreError(
            f"Pointeur d'index invalide ({root / POINTER}) : supprimez ce fichier puis "
            "relancez `assistant ingest` (tout sera réindexé). / Invalid index pointer."
        )
    return data


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder), directory=True)


def write_pointer(root: Path, data: dict[str, Any]) -> None:
    """Replace the pointer atomically: write a temporary file, fsync, rename, fsync the dir."""
    from .indexing import fault

    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    fault("pointer-written")
    os.replace(tmp, root / POINTER)
    fault("pointer-renamed")
    _fsync_path(root, directory=True)


def generation_path(root: Path, name: str) -> Path:
    return root if name == LEGACY else root / name


def _has_store(path: Path) -> bool:
    return (path / "chroma.sqlite3").is_file()


def copy_generation(source: Path, target: Path) -> None:
    """Copy a Chroma store folder: SQLite by its backup API (a consistent snapshot even if a
    reader has it open), the vector segment folders file by file."""
    from .indexing import fault

    target.mkdir(parents=True)
    src_db = source / "chroma.sqlite3"
    if src_db.is_file():
        src = sqlite3.connect(f"file:{src_db}?mode=ro", uri=True)
        dst = sqlite3.connect(target / "chroma.sqlite3")
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    fault("staging-sqlite-copied")
    for entry in source.iterdir():
        if entry.is_dir() and _SEGMENT.match(entry.name):
            shutil.copytree(entry, target / entry.name)


# --- the read side ----------------------------------------------------------------------------
class ChunkStore:
    """The current generation of one collection per embedding model (switching models never
    mixes vectors). Safe to share between threads; follows generation switches."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = collection_name(settings)
        self.server = settings.uses_chroma_server
        self.root = settings.chroma_dir
        self.generation: str | None = None
        self.previous: str | None = None
        self.collection = None
        self._client = None
        self._retired = None
        self._signature: tuple | None = None
        self._checked = 0.0
        self._resolved = False
        self._lock = threading.RLock()
        if self.server:
            self._client = _http_client(settings)
        self.refresh(force=True)

    # --- following the pointer -------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Switch to the current generation if it changed; True when it did."""
        with self._lock:
            if self.server:
                return self._refresh_server(force)
            return self._refresh_embedded(force)

    def _refresh_embedded(self, force: bool) -> bool:
        try:
            stat = (self.root / POINTER).stat()
            signature: tuple | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            signature = None
        if not force and self._resolved and signature == self._signature:
            return False
        pointer = read_pointer(self.root) if signature is not None else None
        if pointer is None:
            current = LEGACY if _has_store(self.root) else None
            previous = None
        else:
            current, previous = pointer["current"], pointer.get("previous")
        self._signature, self._resolved = signature, True
        if current == self.generation and (self._client is not None or current is None):
            self.previous = previous
            return False
        if current is None:
            self._swap(None, None, None, None)
            return True
        try:
            self._open_embedded(current, previous)
        except StoreError:
            # The current generation is unreadable (deleted by hand?): serve the previous.
            if not previous or not _has_store(generation_path(self.root, previous)):
                raise
            log.warning("index: generation %s unreadable, serving %s", current, previous)
            self._open_embedded(previous, None)
        return True

    def _open_embedded(self, name: str, previous: str | None) -> None:
        path = generation_path(self.root, name)
        if not _has_store(path):
            raise StoreError(
                f"Index introuvable ({path}) : relancez `assistant ingest`. / Index missing."
            )
        client = _persistent_client(path)
        try:
            collection = self._get_collection(client)
        except Exception as exc:
            _close(client)
            raise StoreError(f"Collection Chroma illisible ({path}) : {exc}") from None
        self._swap(client, collection, name, previous)

    def _refresh_server(self, force: bool) -> bool:
        now = time.monotonic()
        if not force and self.collection is not None and now - self._checked < SERVER_POINTER_TTL_S:
            return False
        self._checked = now
        client = self._client
        try:
            pointer = self._server_pointer(client)
            if pointer is not None:
                current, previous = pointer.get("current"), pointer.get("previous")
            else:
                names = {c.name for c in client.list_collections()}
                current, previous = (self.name if self.name in names else None), None
            if current == self.generation and self.collection is not None:
                return False
            collection = self._get_collection(client, current) if current else None
        except StoreError:
            raise
        except Exception as exc:
            raise _server_unreachable(self.settings, exc) from None
        self.collection, self.generation, self.previous = collection, current, previous
        return True

    def _server_pointer(self, client) -> dict[str, Any] | None:
        from chromadb.errors import NotFoundError

        try:
            pointer = client.get_collection(pointer_name(self.name))
        except (NotFoundError, ValueError):
            return None
        return dict(pointer.metadata or {}) or None

    def _get_collection(self, client, name: str | None = None):
        from chromadb.errors import NotFoundError

        try:
            return client.get_collection(name or self.name, embedding_function=None)
        except (NotFoundError, ValueError):
            return None  # an empty store (no collection for this model yet)

    def _swap(self, client, collection, name: str | None, previous: str | None) -> None:
        # The client replaced now may still serve a query in another thread: it is closed
        # at the next switch, not this one.
        _close(self._retired)
        self._retired = self._client
        self._client, self.collection = client, collection
        self.generation, self.previous = name, previous

    def close(self) -> None:
        with self._lock:
            if not self.server:
                _close(self._retired)
                _close(self._client)
            self._retired = self._client = self.collection = None
            self.generation = None
            self._signature, self._resolved = None, False

    @property
    def client(self):
        return self._client

    def _current(self):
        """The collection of the current generation (None when nothing is indexed yet)."""
        self.refresh()
        return self.collection

    def _fail(self, what: str, exc: BaseException) -> StoreError:
        if self.server:
            return _server_unreachable(self.settings, exc)
        return StoreError(f"{what} impossible dans la base locale : {type(exc).__name__}: {exc}")

    # --- reading ---------------------------------------------------------------------------
    def count(self) -> int:
        try:
            collection = self._current()
            return collection.count() if collection is not None else 0
        except StoreError:
            raise
        except Exception as exc:
            raise self._fail("Lecture", exc) from None

    def iter_records(self, include_text: bool = True, page: int = 2000) -> Iterator[dict]:
        try:
            collection = self._current()
        except StoreError:
            raise
        except Exception as exc:
            raise self._fail("Lecture", exc) from None
        if collection is None:
            return
        yield from iter_collection(collection, include_text, page, self._fail)

    def all_chunks(self) -> list[Chunk]:
        chunks = [
            Chunk(
                id=r["id"],
                text=r["text"] or "",
                source=str(r["metadata"].get("source", "")),
                section=str(r["metadata"].get("section", "")),
                page=_page(r["metadata"]),
                ordinal=int(r["metadata"].get("ordinal", 0)),
                sentence_vectors=r["metadata"].get("sentence_vectors"),
            )
            for r in self.iter_records(include_text=True)
        ]
        chunks.sort(key=lambda c: (c.source, c.ordinal))
        return chunks

    def ids(self) -> set[str]:
        return {r["id"] for r in self.iter_records(include_text=False)}

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
            state.ids.append(record["id"])
        return states

    def existing_ids(self, ids: list[str]) -> set[str]:
        collection = self._current()
        if not ids or collection is None:
            return set()
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            batch = collection.get(ids=ids[start : start + 1000], include=[])
            found.update(batch["ids"])
        return found

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        try:
            collection = self._current()
            if collection is None:
                return []
            result = collection.query(
                query_embeddings=[vector.astype(np.float32)],
                n_results=max(1, n),
                include=["distances"],
            )
        except StoreError:
            raise
        except Exception as exc:
            raise self._fail("Recherche", exc) from None
        ids = result["ids"][0]
        distances = (result.get("distances") or [[1.0] * len(ids)])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=False)]

    # --- writing: a new generation -----------------------------------------------------------
    def stage(self) -> Staging:
        """A new generation holding a copy of the current one, to write into."""
        with self._lock:
            self.refresh(force=True)
            if self.server:
                return ServerStaging(self)
            return EmbeddedStaging(self)

    def collect_garbage(self) -> list[str]:
        """Delete generations other than the current and previous ones (writer only)."""
        with self._lock:
            self.refresh(force=True)
            keep = {self.generation, self.previous} - {None}
            if self.server:
                return _server_gc(self, keep)
            return _embedded_gc(self.root, keep)


def pointer_name(name: str) -> str:
    return f"{name[:55]}-current"


def iter_collection(collection, include_text: bool, page: int, fail=None) -> Iterator[dict]:
    include: list[Any] = ["metadatas"] + (["documents"] if include_text else [])
    offset = 0
    while True:
        try:
            batch = collection.get(include=include, limit=page, offset=offset)
        except Exception as exc:
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


# --- staging -------------------------------------------------------------------------------------
class Staging:
    """A generation being built. Write, then :meth:`commit` (verify + switch) or
    :meth:`abort`. Until the switch nothing is visible to readers."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self.base = store.generation
        self.name = ""
        self.collection = None
        self.committed = False  # the pointer names this generation: never delete it

    # writing ------------------------------------------------------------------------------
    def add(self, chunks: list[Chunk], vectors: np.ndarray, file_meta: dict[str, Any]) -> None:
        from .indexing import fault

        for start in range(0, len(chunks), 500):
            part = chunks[start : start + 500]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + 500].astype(np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c, file_meta) for c in part],
            )
            fault("chunks-written")

    def update_metadata(self, chunks: list[Chunk], file_meta: dict[str, Any]) -> None:
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
            probe = collection.get(limit=1, include=["embeddings"])
            vector = np.asarray(probe["embeddings"][0], dtype=np.float32)
            hits = collection.query(query_embeddings=[vector], n_results=1, include=[])
            if not hits["ids"] or not hits["ids"][0]:
                raise StoreError("Vérification de l'index échouée : recherche vide.")

    def commit(self, expected: set[str], files: dict[str, int]) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class EmbeddedStaging(Staging):
    def __init__(self, store: ChunkStore) -> None:
        from .indexing import fault

        super().__init__(store)
        root = store.root
        root.mkdir(parents=True, exist_ok=True)
        self.name = _new_generation_name()
        self.path = root / self.name
        if self.base is not None:
            copy_generation(generation_path(root, self.base), self.path)
        else:
            self.path.mkdir()
        fault("staging-copied")
        self.client = _persistent_client(self.path)
        self.collection = self.client.get_or_create_collection(
            name=store.name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": store.settings.embedding_model},
        )

    def commit(self, expected: set[str], files: dict[str, int]) -> None:
        from .indexing import fault

        # Close the writer, then check what a reader opening the folder will find.
        _close(self.client)
        self.client = self.collection = None
        fault("staging-closed")
        client = _persistent_client(self.path)
        try:
            self._verify(client.get_collection(self.store.name), expected, files)
        finally:
            _close(client)
        fault("staging-verified")
        _fsync_tree(self.path)
        fault("staging-synced")
        previous = self.base
        write_pointer(
            self.store.root,
            {
                "current": self.name,
                "previous": previous,
                "chunks": len(expected),
                "files": len(files),
                "switched_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
        )
        self.committed = True
        self.store.refresh(force=True)

    def abort(self) -> None:
        _close(self.client)
        self.client = self.collection = None
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)


class ServerStaging(Staging):
    def __init__(self, store: ChunkStore) -> None:
        from .indexing import fault

        super().__init__(store)
        client = store.client
        stamp = _new_generation_name()[4:]
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
        from .indexing import fault

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


def _embedded_gc(root: Path, keep: set[str]) -> list[str]:
    from .indexing import fault

    removed: list[str] = []
    if not root.is_dir():
        return removed
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(f".{POINTER}.") and entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)
        elif entry.is_dir() and _GENERATION.match(entry.name) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
            fault("gc")
    if LEGACY not in keep and (root / POINTER).exists() and _has_store(root):
        # The pre-generation store, once migrated and no longer the previous generation.
        for entry in root.iterdir():
            if entry.is_dir() and _SEGMENT.match(entry.name):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith("chroma.sqlite3"):
                entry.unlink(missing_ok=True)
        removed.append(LEGACY)
    return removed


def _server_gc(store: ChunkStore, keep: set[str]) -> list[str]:
    removed: list[str] = []
    prefix = f"{store.name[:40]}-g"
    for collection in store.client.list_collections():
        name = collection.name
        legacy = name == store.name and store.name not in keep
        if (name.startswith(prefix) and name not in keep) or legacy:
            with contextlib.suppress(Exception):
                store.client.delete_collection(name)
                removed.append(name)
    return removed


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
    return meta


def _page(meta: dict) -> int | None:
    page = meta.get("page")
    return int(page) if page is not None else None


def open_store(settings: Settings) -> ChunkStore:
    return ChunkStore(settings)
