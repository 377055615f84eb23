"""Generations of the embedded index: which one may be served, which one may be deleted.

Each generation that has been switched to gets a manifest (``generation.json``: its
ancestors, its chunks per collection, when it was committed). Three rules follow:

- **a read command never deletes or rebuilds an index**: readers only choose what to serve;
- **recovery picks a verified generation and says so**: when the pointer is missing,
  unreadable or names something outside the data folder, or when the generation it names
  is broken (a 0-byte or truncated ``chroma.sqlite3``, chunks missing), readers serve the
  pointer's previous generation or else the newest committed one that passes the check;
- **a generation is deleted only when proven superseded**: it is an ancestor of the
  current generation (which was built from it and verified), and the pointer is readable
  and served as is. A build that was never switched to (no manifest, not named by the
  pointer) is an unfinished copy and is swept too; nothing else is ever deleted.

The check reads Chroma's SQLite file in read-only mode (no Chroma client, so a broken
file is never written into): the file is a SQLite database, its chunk count per collection
is readable and equals the manifest's.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import AssistantError
from ...files import FileProblem, read_regular_text
from . import chroma_internals as internals

MANIFEST = "generation.json"
MANIFEST_MAX_BYTES = 1024 * 1024  # a manifest is a few hundred bytes
LEGACY = "."  # the pre-generation layout: a Chroma store directly in the chroma folder
GENERATION_NAME = re.compile(r"^gen-\d{8}-\d{6}-[0-9a-f]{6}$")


def valid_name(name: object) -> bool:
    """A pointer may only name a generation folder of its own folder, by name."""
    return isinstance(name, str) and (name == LEGACY or bool(GENERATION_NAME.match(name)))


def new_name() -> str:
    """``gen-YYYYmmdd-HHMMSS-ffrrrr``: names sort by creation time, also within one second
    (``ff`` = the second's fraction in 1/256ths, ``rrrr`` random), so « newest » is the
    name order even for two ingests in the same second."""
    now = time.time()
    fraction = int((now % 1) * 256)
    stamp = time.strftime("gen-%Y%m%d-%H%M%S-", time.localtime(now))
    return f"{stamp}{fraction:02x}{secrets.token_hex(2)}"


def generation_path(root: Path, name: str) -> Path:
    return root if name == LEGACY else root / name


def inside(root: Path, path: Path) -> bool:
    """``path`` resolves inside ``root`` (a symbolic link may not lead elsewhere)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        text = read_regular_text(path / MANIFEST, MANIFEST_MAX_BYTES, "manifeste")
        data = json.loads(text)
    except (OSError, ValueError, RecursionError, FileProblem):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(path: Path, data: dict[str, Any]) -> None:
    """Atomically (temporary file, fsync, rename, fsync of the folder)."""
    tmp = path / f".{MANIFEST}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path / MANIFEST)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GenerationProblem(AssistantError):
    """Why a generation cannot be served (a short French reason)."""


def collection_counts(path: Path) -> dict[str, int]:
    """Chunks per collection of the Chroma store in ``path``, read-only (no client: a
    broken file is never written into; see :func:`.chroma_internals.chunk_counts`)."""
    try:
        return internals.chunk_counts(path)
    except internals.UnreadableStore as exc:
        raise GenerationProblem(str(exc)) from None


@dataclass
class Generation:
    name: str
    path: Path
    manifest: dict[str, Any] | None
    counts: dict[str, int]
    problem: str | None
    readable: bool = True  # its store opens and its counts could be read

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def committed(self) -> bool:
        """Switched to once (a manifest was written after its switch)."""
        return self.manifest is not None

    def chunks(self, collection: str) -> int:
        return self.counts.get(collection, 0)


def inspect(root: Path, name: str) -> Generation:
    """The read-only check of one generation."""
    path = generation_path(root, name)
    manifest = None
    counts: dict[str, int] | None = None
    try:
        if not valid_name(name):
            raise GenerationProblem("nom de génération invalide")
        if not inside(root, path):
            raise GenerationProblem("hors du dossier de données")
        manifest = read_manifest(path) if name != LEGACY else None
        counts = collection_counts(path)
        recorded = (manifest or {}).get("collections") or {}
        for collection, expected in recorded.items():
            if counts.get(collection, 0) != expected:
                raise GenerationProblem(
                    f"{counts.get(collection, 0)} passage(s) au lieu de {expected} "
                    f"dans « {collection} »"
                )
    except GenerationProblem as exc:
        return Generation(name, path, manifest, counts or {}, str(exc), counts is not None)
    return Generation(name, path, manifest, counts, None)


def names_on_disk(root: Path) -> list[str]:
    """Generation folders, newest first, then the legacy store if there is one."""
    names: list[str] = []
    if root.is_dir():
        names = sorted(
            (e.name for e in root.iterdir() if GENERATION_NAME.match(e.name) and e.is_dir()),
            reverse=True,
        )
        if internals.has_store(root):
            names.append(LEGACY)
    return names


def candidates(root: Path, pointer: dict[str, Any] | None) -> list[str]:
    """What readers try, in order: the pointer's current and previous generations, then
    every committed generation, newest first (then a legacy store)."""
    order: list[str] = []
    if pointer is not None:
        order += [n for n in (pointer.get("current"), pointer.get("previous")) if valid_name(n)]
    for name in names_on_disk(root):
        if name not in order and (name == LEGACY or read_manifest(root / name) is not None):
            order.append(name)
    return order


def ancestors_for(root: Path, base: str | None, base_previous: str | None) -> list[str]:
    """The ancestors a generation built from ``base`` records: ``base`` and its own
    ancestors still on disk (for a base without manifest, the pointer's previous)."""
    if base is None:
        return []
    manifest = read_manifest(generation_path(root, base)) if base != LEGACY else None
    if manifest is not None:
        older = [n for n in manifest.get("ancestors", []) if isinstance(n, str)]
    else:
        older = [base_previous] if base_previous else []
    present = set(names_on_disk(root))
    return [base] + [n for n in older if n in present and n != base]


def manifest_for(root: Path, name: str, ancestors: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "ancestors": ancestors,
        "collections": collection_counts(generation_path(root, name)),
        "committed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def superseded(root: Path, pointer: dict[str, Any] | None, served: str | None) -> list[str]:
    """Generations the writer may delete now (see the module's rules); [] when in doubt."""
    if pointer is None or served is None or served != pointer.get("current"):
        return []  # recovery in progress: an operator decides (``assistant index``)
    current, previous = pointer["current"], pointer.get("previous")
    manifest = read_manifest(generation_path(root, current)) if current != LEGACY else None
    if manifest is None:
        return []
    ancestors = set(manifest.get("ancestors", []))
    removable = []
    for name in names_on_disk(root):
        if name in (current, previous):
            continue
        path = generation_path(root, name)
        unfinished = name != LEGACY and read_manifest(path) is None
        if name in ancestors or unfinished:
            removable.append(name)
    return removable
