"""The embedded store's files: the ``CURRENT`` pointer and copying a generation folder.

The pointer is replaced atomically (temporary file, fsync, rename, fsync of the folder);
a generation is copied through SQLite's backup API, so a reader that has it open never
sees a half-written copy, and fsynced whole before the pointer may name it.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ...files import FileProblem, read_regular_text
from ..faults import fault
from . import chroma_internals as internals
from . import generations as gens
from .client import StoreError

POINTER = "CURRENT"
POINTER_MAX_BYTES = 64 * 1024  # a pointer is ~200 bytes


class PointerError(StoreError):
    """The pointer file exists but cannot be trusted (unreadable, or naming a folder that
    is not a generation of this data folder)."""


def read_pointer(root: Path) -> dict[str, Any] | None:
    """The embedded pointer (``{"current": …, "previous": …}``), or None before any ingest.

    A pointer names generations by their folder name only: ``../elsewhere/gen-…`` or an
    absolute path is refused, never followed."""
    try:
        # A regular file under a bound: a link to /dev/zero, a FIFO or a huge file named
        # CURRENT is one line, not a process growing to the OOM killer or a hang.
        text = read_regular_text(root / POINTER, POINTER_MAX_BYTES, "pointeur d'index")
        data = json.loads(text)
    except FileNotFoundError:
        return None
    except FileProblem as exc:
        raise PointerError(str(exc).rstrip(".")) from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise PointerError(f"pointeur d'index illisible ({root / POINTER} : {reason})") from None
    if not isinstance(data, dict) or not gens.valid_name(data.get("current")):
        raise PointerError(f"pointeur d'index invalide ({root / POINTER})")
    previous = data.get("previous")
    if previous is not None and not gens.valid_name(previous):
        raise PointerError(f"pointeur d'index invalide ({root / POINTER})")
    return data


def pointer_signature(root: Path) -> tuple | None:
    """What changes when the pointer is replaced (one ``stat``); None when it is absent."""
    try:
        stat = (root / POINTER).stat()
    except FileNotFoundError:
        return None
    except OSError as exc:  # a symbolic-link loop…: changes when it is replaced
        try:
            stat = (root / POINTER).lstat()
        except OSError:
            return ("unreadable", exc.errno)
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder), directory=True)


def write_pointer(root: Path, data: dict[str, Any]) -> None:
    """Replace the pointer atomically: write a temporary file, fsync, rename, fsync the dir."""
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    fault("pointer-written")
    os.replace(tmp, root / POINTER)
    fault("pointer-renamed")
    _fsync_path(root, directory=True)


def is_pointer_leftover(path: Path) -> bool:
    """A temporary pointer file left by a writer killed before its rename."""
    return path.name.startswith(f".{POINTER}.") and path.name.endswith(".tmp")


def copy_generation(source: Path, target: Path) -> None:
    """Copy a Chroma store folder: SQLite by its backup API (a consistent snapshot even if a
    reader has it open), the vector segment folders file by file."""
    internals.copy_store(
        source, target, snapshot=True, between=lambda: fault("staging-sqlite-copied")
    )


# --- readers' copies -------------------------------------------------------------------------
# Chroma writes into the folder it opens, even to answer a query (its SQLite file and the
# vector segment's length.bin changed under a plain `assistant ask`), and cannot open a
# read-only one. A reader therefore opens a private copy of the generation in the
# temporary folder: a served generation is never written after its switch, and a read-only
# data folder serves answers.
READER_PREFIX = "assistant-reader-"


def reader_copy(source: Path) -> Path:
    """A private copy of the generation folder ``source``, for one reader to open."""
    sweep_reader_copies()
    folder = Path(tempfile.mkdtemp(prefix=f"{READER_PREFIX}{os.getpid()}-"))
    target = folder / "store"
    try:
        if gens.GENERATION_NAME.match(source.name):
            # A switched-to generation is never written again: a plain file copy is a
            # consistent one (the legacy layout, written in place, needs the backup API).
            internals.copy_store(source, target, snapshot=False)
        else:
            copy_generation(source, target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    atexit.register(shutil.rmtree, folder, True)  # a command that never closes its store
    return target


def drop_reader_copy(copy: Path | None) -> None:
    if copy is not None and copy.parent.name.startswith(READER_PREFIX):
        shutil.rmtree(copy.parent, ignore_errors=True)


def sweep_reader_copies() -> None:
    """Copies left by readers that were killed (their process is gone)."""
    try:
        entries = list(Path(tempfile.gettempdir()).glob(f"{READER_PREFIX}*"))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.removeprefix(READER_PREFIX).split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
