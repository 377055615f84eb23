"""What the assistant needs of Chroma that its public API does not offer, in one module.

Everywhere else chromadb is used through its public API: ``PersistentClient`` /
``HttpClient`` with ``chromadb.config.Settings``, collections (``count``, ``get``,
``query``, ``upsert``…), ``list_collections``, ``chromadb.errors``. What follows relies on
Chroma's internals, each function saying which one and why no public API does it:

- the persistent folder's layout (``chroma.sqlite3`` beside one folder per vector segment,
  named by a UUID): generations and readers' private copies are copied file by file;
- its SQLite schema (``collections``, ``segments``, ``embeddings``): a generation's chunks
  are counted read-only, without opening a client;
- the HTTP client's private ``httpx`` session: its timeout;
- the Rust bindings' panic type (pyo3's ``PanicException``, not an ``Exception``).

tests/test_chroma_internals.py checks each of them on the installed chromadb, so an
upgrade that moves one fails there, naming it. Nothing here imports chromadb at import
time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ...errors import AssistantError

log = logging.getLogger(__name__)

T = TypeVar("T")

# --- the persistent folder's layout --------------------------------------------------------
#: Chroma's SQLite file in a persistent folder (collections, metadata, documents, the log).
STORE_DB = "chroma.sqlite3"
#: A vector segment's folder (HNSW files), named by the segment's UUID.
SEGMENT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SQLITE_HEADER = b"SQLite format 3\x00"


def store_db(folder: Path) -> Path:
    """The SQLite file of the Chroma store in ``folder``.

    Internal: the file name ``chroma.sqlite3`` (``PersistentClient(path=…)`` writes it).
    No public API names the files of a persistent folder."""
    return folder / STORE_DB


def has_store(folder: Path) -> bool:
    """``folder`` holds a Chroma store (its SQLite file), without opening it (opening
    creates one). Internal: the file name, as :func:`store_db`."""
    return store_db(folder).is_file()


def is_store_entry(entry: Path) -> bool:
    """``entry`` (a child of a persistent folder) is Chroma's: its SQLite file and the
    files SQLite keeps beside it (``-wal``, ``-journal``…), or a vector segment folder.

    Internal: the layout. Used to delete a store written directly in the chroma folder
    (the pre-generation layout) without touching the generations beside it; Chroma's
    public ``reset`` would need ``allow_reset`` and a client opened on that folder."""
    if entry.is_dir():
        return bool(SEGMENT.match(entry.name))
    return entry.name.startswith(STORE_DB)


def copy_store(
    source: Path, target: Path, *, snapshot: bool, between: Callable[[], None] | None = None
) -> None:
    """Copy the Chroma store in ``source`` to the new folder ``target``.

    ``snapshot``: the SQLite file through SQLite's backup API, a consistent copy even
    while another process has it open (a generation still written in place); otherwise a
    plain file copy (a folder no one writes any more: 2 ms for the note's 3 MB, against
    59 ms through the backup API). Then each vector segment folder, file by file
    (``between()`` is called in between: a fault-injection point).

    Internal: the layout (one SQLite file, one folder per segment, nothing else needed).
    Chroma has no public API to copy or snapshot a persistent store, and a reader needs a
    private copy: Chroma writes into the folder it opens, even to answer a query, and
    cannot open a read-only one."""
    target.mkdir(parents=True)
    db = store_db(source)
    if snapshot:
        if db.is_file():
            src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            dst = sqlite3.connect(store_db(target))
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
    else:
        shutil.copyfile(db, store_db(target))
    if between is not None:
        between()
    copy_segments(source, target)


def copy_segments(source: Path, target: Path) -> None:
    """The vector segment folders of ``source`` into ``target`` (internal: the layout)."""
    for entry in source.iterdir():
        if entry.is_dir() and SEGMENT.match(entry.name):
            shutil.copytree(entry, target / entry.name)


# --- the SQLite schema ---------------------------------------------------------------------
class UnreadableStore(AssistantError):
    """A store's SQLite file cannot be read; the message is a short French reason."""


#: What :func:`chunk_counts` reads: table -> columns (checked by the internals' tests).
COUNTED_SCHEMA = {
    "collections": ("id", "name"),
    "segments": ("id", "scope", "collection"),
    "embeddings": ("id", "segment_id"),
}
#: The scope of the segment that holds a collection's records (one row per chunk).
METADATA_SCOPE = "METADATA"


def chunk_counts(folder: Path) -> dict[str, int]:
    """Chunks per collection of the Chroma store in ``folder``, read-only; every collection
    is named, with 0 when empty. Raises :class:`UnreadableStore`.

    Internal: the SQLite schema (``collections``, ``segments`` with scope ``METADATA``,
    ``embeddings`` one row per record). The public way, ``collection.count()``, needs a
    client, and opening a client writes into the folder (migrations, its log) and, on a
    broken file, can panic in Rust: this check must run on a generation no one may write
    and that may be broken (a 0-byte or truncated file), and it must not change it."""
    db = store_db(folder)
    try:
        info = db.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the open, a device never end
            raise UnreadableStore("base illisible (pas un fichier ordinaire)")
        size = info.st_size
        with db.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        raise UnreadableStore(f"base absente ({STORE_DB})") from None
    except OSError as exc:
        raise UnreadableStore(f"base illisible ({exc.strerror})") from None
    if size == 0:
        raise UnreadableStore(f"base vide ({STORE_DB} de 0 octet)")
    if header != _SQLITE_HEADER:
        raise UnreadableStore("base corrompue (pas une base SQLite)")
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            names = {row[0]: 0 for row in connection.execute("SELECT name FROM collections")}
            rows = connection.execute(
                "SELECT c.name, COUNT(e.id) FROM collections c "
                "JOIN segments s ON s.collection = c.id AND s.scope = ? "
                "JOIN embeddings e ON e.segment_id = s.id GROUP BY c.name",
                (METADATA_SCOPE,),
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise UnreadableStore(f"base corrompue ({exc})") from None
    names.update({name: int(count) for name, count in rows})
    return names


# --- the HTTP client -----------------------------------------------------------------------
def http_session(client):
    """The ``httpx.Client`` an ``HttpClient`` sends its requests with, or None.

    Internal: ``client._server._session`` (the client's ``FastAPI`` server proxy and its
    session). Chroma exposes no transport settings beyond keep-alive and pool sizes."""
    server = getattr(client, "_server", None)
    return getattr(server, "_session", None)


def set_http_timeout(client, timeout) -> bool:
    """Give the ``HttpClient``'s requests ``timeout`` (an ``httpx.Timeout``); False when the
    session is not where it was (the requests then wait without limit).

    Internal: :func:`http_session`. Chroma's HTTP client is built with ``timeout=None``
    (a stalled server hangs its caller forever) and neither ``HttpClient`` nor
    ``chromadb.config.Settings`` has a timeout option."""
    session = http_session(client)
    if session is None or not hasattr(session, "timeout"):
        return False
    session.timeout = timeout
    return True


# --- the Rust bindings' panics -------------------------------------------------------------
def is_rust_panic(exc: BaseException) -> bool:
    """``exc`` is a panic of Chroma's Rust bindings (``pyo3_runtime.PanicException``).

    Internal: pyo3 raises a panic as an exception class named ``PanicException`` in the
    module ``pyo3_runtime``, deriving from ``BaseException`` (so ``except Exception`` lets
    it through). chromadb does not export that class, and each pyo3 extension has its own,
    so it is known by name."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def panic_text(exc: BaseException) -> str:
    """A panic's message on one line, bounded."""
    return " ".join(str(exc).split())[:300] or type(exc).__name__


_STDERR_LOCK = threading.Lock()


def without_panic_noise(call: Callable[[], T]) -> T:
    """``call()``, with what Rust's panic hook prints kept out of the standard error.

    Internal: Chroma's Rust code prints a panic (``thread … panicked at …``, and a
    backtrace under ``RUST_BACKTRACE``) on file descriptor 2 before pyo3 raises it; no
    Python setting silences that hook. File descriptor 2 is pointed at a temporary file
    for the call: after a panic its content goes to the debug log (the caller says the
    panic in one line); otherwise it is written back to the standard error. Meant for
    opening a client (rare, and where a broken store panics), not for every query: other
    threads' standard error is held back for the call's duration."""
    with _STDERR_LOCK, tempfile.TemporaryFile() as held:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(held.fileno(), 2)
        panicked = False
        try:
            return call()
        except BaseException as exc:
            panicked = is_rust_panic(exc)
            raise
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            noise = held.read()
            if panicked:
                log.debug("chromadb (Rust): %s", noise.decode("utf-8", "replace").strip())
            elif noise:
                _write_all(2, noise)


def _write_all(fd: int, data: bytes) -> None:
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(fd, data) :]


@contextlib.contextmanager
def panics_as(error: Callable[[BaseException], BaseException]) -> Iterator[None]:
    """Inside the block, a Rust panic is raised as ``error(panic)`` instead (an
    ``Exception`` the caller handles), without its traceback. Internal: as
    :func:`is_rust_panic`."""
    try:
        yield
    except BaseException as exc:
        if not is_rust_panic(exc):
            raise
        raise error(exc) from None
