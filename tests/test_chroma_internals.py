"""Each Chroma internal the assistant relies on (assistant/backends/store/chroma_internals.py),
checked on the installed chromadb: after an upgrade, the test that fails names what moved.

- the persistent folder's layout: ``chroma.sqlite3`` and one UUID-named folder per vector
  segment, nothing else (a copy made by that layout opens and answers the same);
- the SQLite schema the read-only chunk count reads (tables, columns, the ``METADATA``
  segment scope), and that count equal to Chroma's own ``count()``;
- the HTTP client's private ``httpx`` session (its timeout), on a real ``chroma run``;
- the Rust bindings' panic type (a real panic, provoked by a migrations row of the wrong
  type).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.backends.store import chroma_internals as internals
from assistant.backends.store.client import close, persistent_client

VECTORS = np.eye(4, dtype=np.float32)[:3] + 0.1


def _fresh_store(folder: Path) -> None:
    """A store as the assistant writes one: a cosine collection with records, an empty
    collection beside it."""
    client = persistent_client(folder)
    try:
        full = client.get_or_create_collection(
            "records-abc", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        full.upsert(
            ids=["a", "b", "c"],
            embeddings=VECTORS,
            documents=["un", "deux", "trois"],
            metadatas=[{"source": "x.md", "ordinal": i} for i in range(3)],
        )
        client.get_or_create_collection("empty-abc", embedding_function=None)
    finally:
        close(client)


@pytest.fixture
def store(tmp_path) -> Path:
    folder = tmp_path / "store"
    _fresh_store(folder)
    return folder


def _counts_through_chroma(folder: Path) -> dict[str, int]:
    client = persistent_client(folder)
    try:
        return {
            c.name: client.get_collection(c.name, embedding_function=None).count()
            for c in client.list_collections()
        }
    finally:
        close(client)


# --- the persistent folder's layout --------------------------------------------------------
def test_a_store_is_one_sqlite_file_and_uuid_named_segment_folders(store):
    """What copy_store copies is the whole store: a new kind of file or folder in a
    persistent folder would be left out of every generation and reader copy."""
    assert internals.has_store(store)
    assert internals.store_db(store).read_bytes()[:16] == b"SQLite format 3\x00"
    entries = sorted(store.iterdir())
    strangers = [e.name for e in entries if not internals.is_store_entry(e)]
    assert not strangers, f"chromadb writes files the copy does not know: {strangers}"
    segments = [e for e in entries if e.is_dir()]
    assert segments and all(internals.SEGMENT.match(e.name) for e in segments)


@pytest.mark.parametrize("snapshot", [True, False])
def test_a_copy_by_layout_opens_and_answers_the_same(store, tmp_path, snapshot):
    copy = tmp_path / "copy"
    internals.copy_store(store, copy, snapshot=snapshot)
    assert _counts_through_chroma(copy) == _counts_through_chroma(store)
    client = persistent_client(copy)
    try:
        hits = client.get_collection("records-abc", embedding_function=None).query(
            query_embeddings=[VECTORS[1]], n_results=1, include=[]
        )
    finally:
        close(client)
    assert hits["ids"] == [["b"]]


# --- the SQLite schema ---------------------------------------------------------------------
def test_the_tables_and_columns_the_count_reads_exist(store):
    connection = sqlite3.connect(f"file:{internals.store_db(store)}?mode=ro", uri=True)
    try:
        for table, columns in internals.COUNTED_SCHEMA.items():
            found = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            assert found, f"chromadb's SQLite file has no table {table!r}"
            missing = set(columns) - found
            assert not missing, f"table {table!r} lost its columns {sorted(missing)}"
        scopes = {row[0] for row in connection.execute("SELECT scope FROM segments")}
    finally:
        connection.close()
    assert internals.METADATA_SCOPE in scopes, f"segment scopes are now {sorted(scopes)}"


def test_the_read_only_count_equals_chromas_own(store):
    before = internals.store_db(store).read_bytes()
    counts = internals.chunk_counts(store)
    assert internals.store_db(store).read_bytes() == before  # read-only: nothing written
    assert counts == {"records-abc": 3, "empty-abc": 0}
    assert counts == _counts_through_chroma(store)


def test_the_read_only_count_refuses_what_is_not_a_store(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(internals.UnreadableStore, match="absente"):
        internals.chunk_counts(tmp_path / "empty")
    (tmp_path / "zero").mkdir()
    internals.store_db(tmp_path / "zero").write_bytes(b"")
    with pytest.raises(internals.UnreadableStore, match="0 octet"):
        internals.chunk_counts(tmp_path / "zero")


# --- the Rust bindings' panics -------------------------------------------------------------
def break_migrations(folder: Path) -> None:
    """A row of Chroma's ``migrations`` table whose version is text: its Rust bindings
    panic while opening the store (as they do on a store written by a newer chromadb)."""
    connection = sqlite3.connect(internals.store_db(folder))
    try:
        connection.execute(
            "INSERT INTO migrations (dir, version, filename, sql, hash) "
            "VALUES ('sysdb', 'onze', '00011-x.sqlite.sql', 'SELECT 1;', 'x')"
        )
        connection.commit()
    finally:
        connection.close()


def _broken_copy(store: Path, tmp_path: Path) -> Path:
    """A copy of ``store`` at a path no client of this process has opened (a client is
    reused per path until it is closed), its migrations broken."""
    broken = tmp_path / "broken"
    internals.copy_store(store, broken, snapshot=True)
    break_migrations(broken)
    return broken


def test_a_rust_panic_is_known_by_its_type(store, tmp_path):
    import chromadb

    broken = _broken_copy(store, tmp_path)
    with pytest.raises(BaseException) as raised:
        internals.without_panic_noise(lambda: chromadb.PersistentClient(path=str(broken)))
    assert not isinstance(raised.value, Exception)  # why `except Exception` misses it
    assert internals.is_rust_panic(raised.value), (
        f"a panic is now {type(raised.value).__module__}.{type(raised.value).__qualname__}"
    )
    assert not internals.is_rust_panic(ValueError("x"))


def test_what_the_call_prints_is_kept_when_it_does_not_panic(capfd):
    import os

    def talk():
        os.write(2, b"on stderr\n")
        return 42

    assert internals.without_panic_noise(talk) == 42
    assert capfd.readouterr().err == "on stderr\n"


def test_the_panic_hooks_output_is_held_back(store, tmp_path, capfd):
    import chromadb

    broken = _broken_copy(store, tmp_path)
    with pytest.raises(BaseException) as raised:
        internals.without_panic_noise(lambda: chromadb.PersistentClient(path=str(broken)))
    assert internals.is_rust_panic(raised.value)
    assert "panicked" not in capfd.readouterr().err


# --- the HTTP client -----------------------------------------------------------------------
@pytest.mark.slow  # a real `chroma run`
def test_the_http_clients_session_takes_a_timeout(chroma_server):
    import chromadb
    import httpx

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server.port)
    session = internals.http_session(client)
    assert isinstance(session, httpx.Client), "HttpClient's session moved"
    timeout = httpx.Timeout(7.0, connect=3.0)
    assert internals.set_http_timeout(client, timeout)
    assert session.timeout == timeout
    client.heartbeat()
