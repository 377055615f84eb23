"""The embedded backend: generations as folders under ``<data>/chroma``, named by a pointer.

``CURRENT`` (a small JSON file) names a folder ``gen-…`` holding a whole Chroma store. An
ingest copies the current folder (SQLite through its backup API, a consistent snapshot even
while a reader has it open), writes its changes into the copy, closes it, reopens it to
verify the exact set of chunk ids and a query, fsyncs it, and only then replaces
``CURRENT`` by an atomic ``rename``. A kill at any point leaves ``CURRENT`` naming a
complete generation; the unfinished copy is swept by the next ingest. Chroma's own files
are therefore never written by two processes, nor served while being written.

Readers check the pointer (one ``stat``) before every operation. When the generation it
names cannot be served, a verified one is served instead, and :attr:`notice` says so.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from ...settings import Settings
from ..faults import fault
from . import generations as gens
from .base import StagingBase, StoreBase
from .chroma_internals import has_store, is_store_entry
from .client import (
    StoreError,
    chroma_failure,
    close,
    explain,
    message,
    not_found_errors,
    persistent_client,
)
from .generations import LEGACY, generation_path
from .pointer import (
    PointerError,
    copy_generation,
    drop_reader_copy,
    fsync_tree,
    is_pointer_leftover,
    pointer_signature,
    read_pointer,
    reader_copy,
    write_pointer,
)

log = logging.getLogger(__name__)


class EmbeddedStore(StoreBase):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.root = settings.chroma_dir
        self._retired = None
        self._copy: Path | None = None  # the private copy the client has open
        self._retired_copy: Path | None = None
        self._signature: tuple | None = None
        self._resolved = False
        self.pointer: dict[str, Any] | None = None  # as read at the last refresh
        self.refresh(force=True)

    # --- following the pointer -------------------------------------------------------------
    def _refresh(self, force: bool) -> bool:
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
        unopened: set[str] = set()  # Chroma could not open it: not tried a second time
        checked: dict[str, gens.Generation] = {}  # inspected lazily: usually one is enough
        # A verified generation first; failing that, one whose store is readable though
        # its counts differ (written into by hand): served with a warning, and the next
        # ingest, which checks every file, repairs it. Unreadable stores are never opened.
        for strict in (True, False):
            for name in order:
                if name in unopened:
                    continue
                generation = checked.get(name) or checked.setdefault(
                    name, gens.inspect(self.root, name)
                )
                if not (generation.ok if strict else generation.readable):
                    if strict:
                        failures.append(f"{name} : {generation.problem}")
                    continue
                try:
                    previous = pointer.get("previous") if pointer and name == wanted else None
                    self._open(name, previous)
                except StoreError as exc:
                    failures.append(f"{name} : {exc}")
                    unopened.add(name)
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

    def _open(self, name: str, previous: str | None) -> None:
        path = generation_path(self.root, name)
        if not has_store(path) or not gens.inside(self.root, path):
            raise StoreError(
                f"Index introuvable ({path}) : relancez `assistant ingest`. / Index missing."
            )
        try:
            copy = reader_copy(path)  # never written: see reader_copy
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"Copie de lecture impossible ({path} → {tempfile.gettempdir()}) : {exc}. "
                "/ Cannot copy the generation to read it."
            ) from None
        try:
            client = persistent_client(copy)
        except StoreError:
            drop_reader_copy(copy)
            raise
        try:
            collection = self._get_collection(client)
        except BaseException as exc:
            if not chroma_failure(exc):
                raise
            close(client)
            drop_reader_copy(copy)
            raise StoreError(f"Collection Chroma illisible ({path}) : {message(exc)}") from None
        self._swap(client, collection, name, previous, copy)

    def _get_collection(self, client):
        try:
            return client.get_collection(self.name, embedding_function=None)
        except not_found_errors():
            return None  # an empty store (no collection for this model yet)

    def _swap(self, client, collection, name: str | None, previous: str | None, copy=None) -> None:
        # The client replaced now may still serve a query in another thread: it is closed
        # (and its copy deleted) at the next switch, not this one.
        close(self._retired)
        drop_reader_copy(self._retired_copy)
        self._retired, self._retired_copy = self._client, self._copy
        self._client, self.collection, self._copy = client, collection, copy
        self.generation, self.previous = name, previous

    def close(self) -> None:
        with self._lock:
            close(self._retired)
            close(self._client)
            drop_reader_copy(self._retired_copy)
            drop_reader_copy(self._copy)
            self._retired = self._client = self.collection = None
            self._retired_copy = self._copy = None
            self.generation = None
            self._signature, self._resolved = None, False

    def _fail(self, what: str, exc: BaseException) -> StoreError:
        return StoreError(f"{what} impossible dans la base locale : {explain(exc)}")

    # --- writing ---------------------------------------------------------------------------
    def _new_staging(self) -> EmbeddedStaging:
        return EmbeddedStaging(self)

    def _gc(self, keep: set[str]) -> list[str]:
        """Delete what is proven superseded (see :mod:`.generations`), nothing else: the
        pointer's own record decides, ``keep`` is implied by it."""
        root = self.root
        removed: list[str] = []
        if not root.is_dir():
            return removed
        for entry in sorted(root.iterdir()):
            if is_pointer_leftover(entry):
                entry.unlink(missing_ok=True)
        pointer, served = self.pointer, self.generation
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
                if not is_store_entry(entry):
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            removed.append(LEGACY)
        return removed


class EmbeddedStaging(StagingBase):
    """A copy of the served folder, written into, then verified, fsynced and pointed to."""

    def __init__(self, store: EmbeddedStore) -> None:
        super().__init__(store)
        self.store: EmbeddedStore = store
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


def _no_generation(root: Path, why: str) -> str:
    return (
        f"Aucune génération d'index vérifiée dans {root} ({why}). Rien n'a été supprimé ni "
        "reconstruit : voyez `assistant index status`, choisissez une génération avec "
        "`assistant index rollback NOM`, ou relancez `assistant ingest`. / No verified index "
        "generation."
    )
