"""The operator's commands on the embedded index (``assistant index status|verify|rollback``).

They work on the folders and the pointer directly, never through a reader, so they can
inspect and repair an index no reader is able to open.
"""

from __future__ import annotations

import time

from ...settings import Settings
from ..locks import writer_lock
from . import generations as gens
from .base import answers_a_query, collection_name
from .client import StoreError, chroma_failure, close, message, persistent_client
from .generations import LEGACY
from .pointer import PointerError, drop_reader_copy, read_pointer, reader_copy, write_pointer

_EMBEDDED_ONLY = (
    "`assistant index` gère la base locale ; avec un serveur Chroma, les générations sont "
    "des collections (`<nom>-g…`) et le pointeur la collection `<nom>-current`. "
    "/ Embedded store only."
)


def verify_generation(settings: Settings, name: str) -> gens.Generation:
    """The read-only check, then Chroma opens it and a query answers (``index verify``)."""
    root = settings.chroma_dir
    checked = gens.inspect(root, name)
    if not checked.ok:
        return checked
    collection_id = collection_name(settings)
    client = copy = None
    try:
        copy = reader_copy(checked.path)  # Chroma writes what it opens: never the original
        client = persistent_client(copy)
        names = {c.name for c in client.list_collections()}
        if collection_id in names:
            collection = client.get_collection(collection_id, embedding_function=None)
            found = collection.count()
            if found != checked.chunks(collection_id):
                raise StoreError(
                    f"Chroma voit {found} passage(s) au lieu de {checked.chunks(collection_id)}"
                )
            if found:
                answers_a_query(collection, "recherche vide")
    except BaseException as exc:
        if not chroma_failure(exc):
            raise
        checked.problem = message(exc).split(" / ")[0][:300]
    finally:
        close(client)
        drop_reader_copy(copy)
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
