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
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ...models import Chunk
from ...settings import Settings
from ..embeddings import model_slug
from ..faults import fault
from ..locks import writer_lock
from . import generations as gens
from .client import StoreError, close, http_client, not_found_errors, persistent_client
from .client import server_unreachable as _server_unreachable
from .generations import LEGACY, generation_path
from .pointer import (
    POINTER,
    SEGMENT,
    PointerError,
    copy_generation,
    fsync_tree,
    has_store,
    is_pointer_leftover,
    pointer_signature,
    read_pointer,
    write_pointer,
)
from .records import FileState, chunk_metadata, chunk_of, file_states_of, iter_collection

log = logging.getLogger(__name__)

SERVER_POINTER_TTL_S = 1.0


def collection_name(settings: Settings) -> str:
    return f"{settings.collection}-{model_slug(settings.embedding_model)}"[:63]


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
        self.notice: str | None = None  # why a generation other than the pointer's is served
        self.pointer: dict[str, Any] | None = None  # as read at the last refresh
        self._lock = threading.RLock()
        if self.server:
            self._client = http_client(settings)
        self.refresh(force=True)

    # --- following the pointer -------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Switch to the current generation if it changed; True when it did."""
        with self._lock:
            if self.server:
                return self._refresh_server(force)
            return self._refresh_embedded(force)

    def _refresh_embedded(self, force: bool) -> bool:
        signature = pointer_signature(self.root)
        if not force and self._resolved and signature == self._signature:
            return False
        problem = None
        try:
            pointer = read_pointer(self.root) if signature is not None else None
        except PointerError as exc:
            pointer, problem = None, str(exc)
        self._signature, self._resolved, self.pointer = signature, True, pointer
        order = gens.candidates(self.root, pointer)
        if signature is None and order and order != [LEGACY]:
            problem = "pointeur d'index absent"  # generations on disk, pointer deleted
        if not order:
            # Nothing on disk to serve or to lose: an empty index (first start).
            if problem:
                log.warning("index: %s, and no generation on disk", problem)
            self.notice = None
            changed = self.generation is not None
            self._swap(None, None, None, None)
            return changed
        wanted = pointer["current"] if pointer else (LEGACY if order == [LEGACY] else None)
        if order[0] == wanted == self.generation and self._client is not None:
            self.previous = pointer.get("previous") if pointer else None
            self.notice = None
            return False
        failures: list[str] = []
        checked: dict[str, gens.Generation] = {}  # inspected lazily: usually one is enough
        # A verified generation first; failing that, one whose store is readable though
        # its counts differ (written into by hand): served with a warning, and the next
        # ingest, which checks every file, repairs it. Unreadable stores are never opened.
        for strict in (True, False):
            for name in order:
                generation = checked.get(name) or checked.setdefault(
                    name, gens.inspect(self.root, name)
                )
                if not (generation.ok if strict else generation.readable):
                    if strict:
                        failures.append(f"{name} : {generation.problem}")
                    continue
                try:
                    previous = pointer.get("previous") if pointer and name == wanted else None
                    self._open_embedded(name, previous)
                except StoreError as exc:
                    failures.append(f"{name} : {exc}")
                    continue
                self._announce(name, wanted, problem, failures)
                return True
        raise StoreError(_no_generation(self.root, problem or "; ".join(failures)))

    def _announce(self, served: str, wanted: str | None, problem, failures) -> None:
        """Say which generation is served when it is not a verified one the pointer names."""
        if served == wanted and not failures:
            self.notice = None
            return
        why = problem or (failures[0] if failures else f"génération {wanted} illisible")
        before = self.notice
        if served == wanted:
            self.notice = (
                f"Index : {why} ; servie telle quelle (aucune génération vérifiée), la "
                "prochaine `assistant ingest` la répare. / Serving an unverified generation."
            )
        else:
            self.notice = (
                f"Index : {why} ; la génération {served} est servie à la place (rien n'a "
                "été supprimé). Voir `assistant index status`, puis "
                f"`assistant index rollback {served}` pour la rétablir. / Serving another "
                "generation instead."
            )
        if self.notice != before:  # said once, not at every refresh
            log.warning("%s", self.notice)

    def _open_embedded(self, name: str, previous: str | None) -> None:
        path = generation_path(self.root, name)
        if not has_store(path) or not gens.inside(self.root, path):
            raise StoreError(
                f"Index introuvable ({path}) : relancez `assistant ingest`. / Index missing."
            )
        client = persistent_client(path)
        try:
            collection = self._get_collection(client)
        except Exception as exc:
            close(client)
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
        try:
            pointer = client.get_collection(pointer_name(self.name))
        except not_found_errors():
            return None
        return dict(pointer.metadata or {}) or None

    def _get_collection(self, client, name: str | None = None):
        try:
            return client.get_collection(name or self.name, embedding_function=None)
        except not_found_errors():
            return None  # an empty store (no collection for this model yet)

    def _swap(self, client, collection, name: str | None, previous: str | None) -> None:
        # The client replaced now may still serve a query in another thread: it is closed
        # at the next switch, not this one.
        close(self._retired)
        self._retired = self._client
        self._client, self.collection = client, collection
        self.generation, self.previous = name, previous

    def close(self) -> None:
        with self._lock:
            if not self.server:
                close(self._retired)
                close(self._client)
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
        chunks = [chunk_of(r) for r in self.iter_records(include_text=True)]
        chunks.sort(key=lambda c: (c.source, c.ordinal))
        return chunks

    def ids(self) -> set[str]:
        return {r["id"] for r in self.iter_records(include_text=False)}

    def file_states(self) -> dict[str, FileState]:
        return file_states_of(self.iter_records(include_text=False))

    def existing_ids(self, ids: list[str]) -> set[str]:
        collection = self._current()
        if not ids or collection is None:
            return set()
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            batch = collection.get(ids=ids[start : start + 1000], include=[])
            found.update(batch["ids"])
        return found

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
            return _embedded_gc(self)


def _no_generation(root: Path, why: str) -> str:
    return (
        f"Aucune génération d'index vérifiée dans {root} ({why}). Rien n'a été supprimé ni "
        "reconstruit : voyez `assistant index status`, choisissez une génération avec "
        "`assistant index rollback NOM`, ou relancez `assistant ingest`. / No verified index "
        "generation."
    )


def pointer_name(name: str) -> str:
    return f"{name[:55]}-current"


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
        super().__init__(store)
        root = store.root
        root.mkdir(parents=True, exist_ok=True)
        # Recorded in the manifest: what this generation supersedes once switched to.
        self.ancestors = gens.ancestors_for(root, self.base, store.previous)
        self.name = gens.new_name()
        self.path = root / self.name
        self.client = None
        try:
            if self.base is not None:
                copy_generation(generation_path(root, self.base), self.path)
            else:
                self.path.mkdir()
            fault("staging-copied")
            self.client = persistent_client(self.path)
            self.collection = self.client.get_or_create_collection(
                name=store.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": store.settings.embedding_model},
            )
        except BaseException:
            self.abort()  # a half-made copy (a full disk…) gives its space back at once
            raise

    def commit(self, expected: set[str], files: dict[str, int]) -> None:
        # Close the writer, then check what a reader opening the folder will find.
        close(self.client)
        self.client = self.collection = None
        fault("staging-closed")
        client = persistent_client(self.path)
        try:
            self._verify(client.get_collection(self.store.name), expected, files)
        finally:
            close(client)
        fault("staging-verified")
        fsync_tree(self.path)
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
        # After the switch: a manifest marks a generation that was served once (a build
        # killed before the switch has none and is swept as unfinished).
        try:
            manifest = gens.manifest_for(self.store.root, self.name, self.ancestors)
            gens.write_manifest(self.path, manifest)
        except (OSError, gens.GenerationProblem) as exc:  # e.g. a full disk, after the switch
            log.warning(
                "index: manifest of %s not written (%s); the next ingest will", self.name, exc
            )
        fault("manifest-written")
        self.store.refresh(force=True)

    def abort(self) -> None:
        close(self.client)
        self.client = self.collection = None
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)


class ServerStaging(Staging):
    def __init__(self, store: ChunkStore) -> None:
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


def _embedded_gc(store: ChunkStore) -> list[str]:
    """Delete what is proven superseded (see :mod:`.generations`), nothing else."""
    root = store.root
    removed: list[str] = []
    if not root.is_dir():
        return removed
    for entry in sorted(root.iterdir()):
        if is_pointer_leftover(entry):
            entry.unlink(missing_ok=True)
    pointer, served = store.pointer, store.generation
    if pointer is None or served != pointer["current"]:
        return removed  # serving a recovered generation: an operator decides
    current = generation_path(root, served)
    if served != LEGACY and gens.read_manifest(current) is None:
        # Switched to, but killed before its manifest (or built by an older version).
        ancestors = gens.ancestors_for(root, pointer.get("previous"), None)
        gens.write_manifest(current, gens.manifest_for(root, served, ancestors))
    doomed = gens.superseded(root, pointer, served)
    for name in doomed:
        if name == LEGACY:
            continue
        shutil.rmtree(root / name, ignore_errors=True)
        removed.append(name)
        fault("gc")
    if LEGACY in doomed:
        # The pre-generation store, once migrated and no longer the previous generation.
        for entry in root.iterdir():
            if entry.is_dir() and SEGMENT.match(entry.name):
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


def open_store(settings: Settings) -> ChunkStore:
    return ChunkStore(settings)


# --- operator commands (``assistant index``) -----------------------------------------------
def verify_generation(settings: Settings, name: str) -> gens.Generation:
    """The read-only check, then Chroma opens it and a query answers (``index verify``)."""
    root = settings.chroma_dir
    checked = gens.inspect(root, name)
    if not checked.ok:
        return checked
    collection_id = collection_name(settings)
    client = None
    try:
        client = persistent_client(checked.path)
        names = {c.name for c in client.list_collections()}
        if collection_id in names:
            collection = client.get_collection(collection_id, embedding_function=None)
            found = collection.count()
            if found != checked.chunks(collection_id):
                raise StoreError(
                    f"Chroma voit {found} passage(s) au lieu de {checked.chunks(collection_id)}"
                )
            if found:
                probe = collection.get(limit=1, include=["embeddings"])
                vector = np.asarray(probe["embeddings"][0], dtype=np.float32)
                hits = collection.query(query_embeddings=[vector], n_results=1, include=[])
                if not hits["ids"] or not hits["ids"][0]:
                    raise StoreError("recherche vide")
    except Exception as exc:
        checked.problem = str(exc).split(" / ")[0][:300]
    finally:
        close(client)
    return checked


def rollback(settings: Settings, name: str | None) -> tuple[str, str | None]:
    """Make ``name`` (default: the pointer's previous generation) the served one, after a
    full check. Deletes nothing; the generation served until now becomes the previous."""
    if settings.uses_chroma_server:
        raise StoreError(_EMBEDDED_ONLY)
    root = settings.chroma_dir
    with writer_lock(settings):
        try:
            pointer = read_pointer(root)
        except PointerError:
            pointer = None
        old = pointer.get("current") if pointer else None
        target = name or (pointer.get("previous") if pointer else None)
        if not target:
            raise StoreError(
                "Aucune génération précédente à rétablir : précisez son nom (voir "
                "`assistant index status`). / No previous generation."
            )
        if not gens.valid_name(target) or target not in gens.names_on_disk(root):
            raise StoreError(f"Génération inconnue : {target} (voir `assistant index status`).")
        checked = verify_generation(settings, target)
        if not checked.ok:
            raise StoreError(f"Génération {target} non rétablie : {checked.problem}.")
        if target != LEGACY and checked.manifest is None:
            gens.write_manifest(checked.path, gens.manifest_for(root, target, []))
        keep_old = old if old and old != target and gens.inspect(root, old).readable else None
        write_pointer(
            root,
            {
                "current": target,
                "previous": keep_old,
                "chunks": checked.chunks(collection_name(settings)),
                "switched_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "rollback": True,
            },
        )
    return target, keep_old


_EMBEDDED_ONLY = (
    "`assistant index` gère la base locale ; avec un serveur Chroma, les générations sont "
    "des collections (`<nom>-g…`) et le pointeur la collection `<nom>-current`. "
    "/ Embedded store only."
)


def generation_report(settings: Settings) -> tuple[list[gens.Generation], dict | None, str | None]:
    """Every generation on disk with its check, the pointer, and why it cannot be read."""
    if settings.uses_chroma_server:
        raise StoreError(_EMBEDDED_ONLY)
    root = settings.chroma_dir
    try:
        pointer, problem = read_pointer(root), None
    except PointerError as exc:
        pointer, problem = None, str(exc)
    return [gens.inspect(root, n) for n in gens.names_on_disk(root)], pointer, problem


__all__ = [
    "LEGACY",
    "POINTER",
    "ChunkStore",
    "FileState",
    "PointerError",
    "StoreError",
    "chunk_metadata",
    "collection_name",
    "generation_path",
    "generation_report",
    "iter_collection",
    "open_store",
    "pointer_name",
    "read_pointer",
    "rollback",
    "verify_generation",
    "write_pointer",
]
