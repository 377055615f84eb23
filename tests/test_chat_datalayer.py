"""History, feedback and element files: Chainlit's SQL data layer, schema ours, on SQLite and
on a real PostgreSQL server (the same tests, parametrized by ``database``)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import pytest
from sqlalchemy import text

from assistant.chat.datalayer import (
    TABLES,
    AssistantDataLayer,
    DatabaseConfigError,
    database_url,
    make_data_layer,
    schema_statements,
)
from assistant.chat.storage import LocalStorageClient
from tests.conftest import make_settings

SECRET = "s" * 48


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Settings of one chat database: SQLite in the data folder, or a fresh PostgreSQL
    database on the session's cluster."""
    if request.param == "sqlite":
        return make_settings(tmp_path / "data")
    server = request.getfixturevalue("postgres_server")
    return make_settings(tmp_path / "data", database_url=server.database())


def new_layer(settings) -> AssistantDataLayer:
    """A data layer as one chat process builds it (two of them: two replicas)."""
    storage = LocalStorageClient(settings.data_dir / "chat-files", SECRET)
    return make_data_layer(settings, storage)


@pytest.fixture
def layer(database):
    return new_layer(database)


@pytest.fixture
def sql_errors(caplog):
    """Chainlit's data layer logs a failed statement and carries on (the row is lost):
    every test here fails on such a log line."""
    caplog.set_level(logging.WARNING, logger="chainlit")
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    errors = [r.getMessage() for r in records if "error occurred" in r.getMessage()]
    assert not errors, errors


def run(coroutine, *layers: AssistantDataLayer):
    """Run ``coroutine`` in a new event loop, then close the layers' connections: a driver
    connection (asyncpg) belongs to the loop it was opened in."""

    async def scenario():
        try:
            return await coroutine
        finally:
            for layer in layers:
                await layer.engine.dispose()

    return asyncio.run(scenario())


def test_database_url(tmp_path):
    settings = make_settings(tmp_path)
    assert database_url(settings) == f"sqlite+aiosqlite:///{(tmp_path / 'chat.db').resolve()}"
    other = make_settings(tmp_path, database_url="sqlite:////srv/chat/history.db")
    assert database_url(other) == "sqlite+aiosqlite:////srv/chat/history.db"
    with pytest.raises(DatabaseConfigError):
        database_url(make_settings(tmp_path, database_url="mysql://u@h/db"))


def test_postgres_url_uses_the_async_driver(tmp_path):
    settings = make_settings(tmp_path, database_url="postgresql://chat:mdp@db:5433/chat")
    assert database_url(settings) == "postgresql+asyncpg://chat:mdp@db:5433/chat"
    settings = make_settings(tmp_path, database_url="postgres://chat@db/chat")
    assert database_url(settings) == "postgresql+asyncpg://chat@db/chat"


def test_postgres_schema_uses_native_types():
    ddl = "\n".join(schema_statements("postgresql"))
    assert '"tags" TEXT[]' in ddl and '"metadata" JSONB' in ddl
    assert "CREATE TABLE IF NOT EXISTS feedbacks" in ddl


def test_schema_is_created_idempotently_and_completed(layer, sql_errors):
    async def scenario():
        await layer.ensure_schema()
        async with layer.engine.begin() as conn:
            await conn.execute(text('ALTER TABLE steps DROP COLUMN "autoCollapse"'))
            assert "autoCollapse" not in await layer._columns(conn, "steps")
        await layer.ensure_schema()  # a second process, or a newer Chainlit
        await layer.ensure_schema()
        async with layer.engine.connect() as conn:
            present = {table: await layer._columns(conn, table) for table in TABLES}
            journal = None
            if layer.dialect == "sqlite":
                journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
        return present, journal

    present, journal = run(scenario(), layer)
    for table, columns in TABLES.items():
        assert set(columns) <= present[table], table
    assert journal == ("wal" if layer.dialect == "sqlite" else None)


def test_two_processes_create_the_schema_at_once(database, sql_errors):
    """Two replicas starting together both run ``ensure_schema`` on one database."""
    first, second = new_layer(database), new_layer(database)

    async def scenario():
        await asyncio.gather(first.ensure_schema(), second.ensure_schema())
        async with first.engine.connect() as conn:
            return await first._columns(conn, "threads")

    assert set(TABLES["threads"]) <= run(scenario(), first, second)


def test_the_schema_waits_for_another_process_writing_the_sqlite_database(tmp_path, sql_errors):
    """Another replica in the middle of a write holds SQLite's reserved lock: switching the
    journal to WAL fails at once (« database is locked », SQLite waits for no lock there),
    which made the test above fail about one run in five. The schema waits for the writer
    instead."""
    import sqlite3
    import threading

    settings = make_settings(tmp_path / "data")
    layer = new_layer(settings)
    path = settings.data_dir / "chat.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    writing, done = threading.Event(), threading.Event()

    def other_replica():
        other = sqlite3.connect(path, timeout=30, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("CREATE TABLE IF NOT EXISTS other (x)")
        writing.set()
        time.sleep(0.5)
        other.execute("COMMIT")
        other.close()
        done.set()

    thread = threading.Thread(target=other_replica)
    thread.start()
    writing.wait(10)

    async def scenario():
        await layer.ensure_schema()
        async with layer.engine.connect() as conn:
            return await layer._columns(conn, "threads")

    try:
        assert set(TABLES["threads"]) <= run(scenario(), layer)
    finally:
        thread.join(10)
    assert done.is_set()


def _conversation(layer: AssistantDataLayer):
    """What the chat stores for one exchange: user, thread with tags and metadata, the
    question, an answer with metadata and modes, its feedback, a cited passage (text
    element) and a cited PDF page (pre-stored blob). Returns (user, thread id, answer id)."""
    from chainlit.context import init_http_context
    from chainlit.element import Pdf, Text
    from chainlit.types import Feedback
    from chainlit.user import User

    async def scenario():
        await layer.ensure_schema()
        init_http_context()
        user = await layer.create_user(User(identifier="alice", metadata={"provider": "pw"}))
        thread_id = str(uuid.uuid4())
        await layer.update_thread(
            thread_id,
            name="Les 3 leviers",
            user_id=user.id,
            tags=["Formateur·rice"],
            metadata={"chat_profile": "Formateur·rice"},
        )
        question_id, answer_id = str(uuid.uuid4()), str(uuid.uuid4())
        await layer.create_step(
            {
                "id": question_id,
                "threadId": thread_id,
                "type": "user_message",
                "name": "alice",
                "output": "Quels sont les trois leviers ?",
                "createdAt": "2026-01-01T10:00:00Z",
                "streaming": False,
                "showInput": True,
                "metadata": {},
            }
        )
        await layer.create_step(
            {
                "id": answer_id,
                "threadId": thread_id,
                "type": "assistant_message",
                "name": "Assistant RAMEAU",
                "output": "D'après le corpus : … [1]",
                "createdAt": "2026-01-01T10:00:01Z",
                "start": "2026-01-01T10:00:00.5Z",
                "end": "2026-01-01T10:00:01Z",
                "streaming": False,
                "isError": False,
                "indent": 0,
                "modes": {"profil": "court"},
                "tags": ["réponse"],
                "metadata": {"kind": "answer", "citations": [{"marker": 1, "page": None}]},
            }
        )
        await layer.upsert_feedback(
            Feedback(forId=answer_id, value=1, threadId=thread_id, comment="Très utile")
        )
        passage = Text(
            name="[1]",
            content="**Section** : 3e jour",
            display="side",
            for_id=answer_id,
            thread_id=thread_id,
            mime="text/markdown",
        )
        await layer.create_element(passage)
        pdf_key = layer.storage.put_bytes(b"%PDF-1.4 fake", "application/pdf")
        pdf = Pdf(
            name="[2]",
            url=layer.storage.read_url(pdf_key),
            object_key=pdf_key,
            page=3,
            display="side",
            for_id=answer_id,
            thread_id=thread_id,
        )
        await layer.create_element(pdf)
        return user, thread_id, answer_id

    return scenario()


def test_a_conversation_round_trip(database, sql_errors):
    """Written by one process, listed and resumed by another (two replicas, one database):
    thread, tags, step metadata, feedback and elements come back as the UI reads them."""
    from chainlit.types import Pagination, ThreadFilter

    writer, reader = new_layer(database), new_layer(database)
    user, thread_id, answer_id = run(_conversation(writer), writer)

    async def read():
        listed = await reader.list_threads(
            pagination=Pagination(first=10), filters=ThreadFilter(userId=user.id)
        )
        resumed = await reader.get_thread(thread_id)
        author = await reader.get_thread_author(thread_id)
        step = await reader.get_step(answer_id)
        elements = {e["name"]: e for e in resumed["elements"]}
        fetched = [await reader.get_element(thread_id, e["id"]) for e in elements.values()]
        return listed.data, resumed, author, step, fetched

    threads, resumed, author, step, fetched = run(read(), reader)
    assert [t["id"] for t in threads] == [thread_id]
    assert author == "alice"
    for thread in (threads[0], resumed):
        assert thread["name"] == "Les 3 leviers"
        assert thread["tags"] == ["Formateur·rice"]
        assert thread["metadata"]["chat_profile"] == "Formateur·rice"
        steps = {s["id"]: s for s in thread["steps"]}
        assert [s["type"] for s in thread["steps"]] == ["user_message", "assistant_message"]
        answer = steps[answer_id]
        assert answer["metadata"]["kind"] == "answer"
        assert answer["metadata"]["citations"] == [{"marker": 1, "page": None}]
        assert answer["feedback"]["value"] == 1
        assert answer["feedback"]["comment"] == "Très utile"
        assert answer["tags"] == ["réponse"]
    assert step["metadata"]["kind"] == "answer" and step["feedback"]["value"] == 1
    elements = {e["name"]: e for e in resumed["elements"]}
    assert set(elements) == {"[1]", "[2]"}
    assert elements["[2]"]["page"] == 3
    assert {e["id"] for e in fetched} == {e["id"] for e in elements.values()}
    assert all(e["props"] == {} and e["forId"] == answer_id for e in fetched)
    for element in elements.values():
        key, url = element["objectKey"], element["url"]
        assert key.startswith("blob/") and url.startswith("/assistant/files/blob/")
        query = dict(part.split("=") for part in url.split("?", 1)[1].split("&"))
        assert reader.storage.resolve(key, query["exp"], query["sig"]) is not None
    text_path = reader.storage.root / elements["[1]"]["objectKey"]
    assert text_path.read_text("utf-8") == "**Section** : 3e jour"


def test_feedback_changed_and_deleted_and_thread_deleted(database, sql_errors):
    from chainlit.types import Feedback

    layer = new_layer(database)

    async def scenario():
        _, thread_id, answer_id = await _conversation(layer)
        first = (await layer.get_step(answer_id))["feedback"]
        await layer.upsert_feedback(
            Feedback(id=first["id"], forId=answer_id, value=0, comment="Hors sujet")
        )
        changed = (await layer.get_step(answer_id))["feedback"]
        await layer.delete_feedback(first["id"])
        cleared = (await layer.get_step(answer_id))["feedback"]
        await layer.update_thread(thread_id, metadata={"chat_profile": None, "note": "x"})
        renamed = await layer.get_thread(thread_id)
        await layer.delete_thread(thread_id)
        return changed, cleared, renamed, await layer.get_thread(thread_id)

    changed, cleared, renamed, deleted = run(scenario(), layer)
    assert (changed["value"], changed["comment"]) == (0, "Hors sujet")
    assert cleared is None
    assert renamed["metadata"] == {"note": "x"} and renamed["name"] == "Les 3 leviers"
    assert deleted is None


def test_history_survives_a_database_restart(tmp_path, sql_errors):
    """The chat process outlives a PostgreSQL restart: the pooled connections it held are
    replaced, no statement (no message) is lost. Its own cluster: the others' tests go on."""
    from harness.postgres import PostgresServer

    if PostgresServer.missing():
        pytest.skip(PostgresServer.missing())
    server = PostgresServer(tmp_path / "restart.log").start()
    try:
        settings = make_settings(tmp_path / "data", database_url=server.database())
        layer = new_layer(settings)

        async def scenario():
            _, thread_id, answer_id = await _conversation(layer)
            before = (await layer.get_step(answer_id))["feedback"]
            await asyncio.to_thread(server.restart)
            await layer.update_thread(thread_id, name="Après redémarrage")
            await layer.delete_feedback(before["id"])
            thread = await layer.get_thread(thread_id)
            return thread["name"], before, (await layer.get_step(answer_id))["feedback"]

        name, before, after = run(scenario(), layer)
        assert name == "Après redémarrage"
        assert before["value"] == 1 and after is None
    finally:
        server.stop()


def test_a_dump_restores_the_history(postgres_server, tmp_path, sql_errors):
    """The backup of docs/deploy.md: ``pg_dump --format=custom`` while the chat writes,
    ``pg_restore --no-owner`` into a new database; the history reads back whole."""
    url = postgres_server.database()
    layer = new_layer(make_settings(tmp_path / "data", database_url=url))
    _, thread_id, answer_id = run(_conversation(layer), layer)
    dump = tmp_path / "assistant_chat.dump"
    postgres_server.client("pg_dump", "--format=custom", f"--file={dump}", url.rsplit("/", 1)[1])
    restored_url = postgres_server.database()
    postgres_server.client(
        "pg_restore",
        "--no-owner",
        f"--role={postgres_server.USER}",
        f"--dbname={restored_url.rsplit('/', 1)[1]}",
        str(dump),
    )
    restored = new_layer(make_settings(tmp_path / "data", database_url=restored_url))
    thread = run(restored.get_thread(thread_id), restored)
    answer = next(s for s in thread["steps"] if s["id"] == answer_id)
    assert thread["name"] == "Les 3 leviers" and thread["userIdentifier"] == "alice"
    assert answer["feedback"]["comment"] == "Très utile"
    assert answer["metadata"]["citations"] == [{"marker": 1, "page": None}]
    assert {e["name"] for e in thread["elements"]} == {"[1]", "[2]"}


def test_the_database_is_checked_before_the_chat_starts(postgres_server, tmp_path):
    """A PostgreSQL server down or a wrong URL: one line naming it (password hidden) and
    exit code 1, instead of a traceback and a chat that keeps no history."""

    from assistant.chat.datalayer import check_database
    from harness.processes import free_port

    check_database(make_settings(tmp_path, database_url=postgres_server.database()))
    missing = postgres_server.url("base_absente").replace("assistant@", "assistant:secret@")
    closed = f"postgresql://chat:secret@127.0.0.1:{free_port()}/chat"
    for url in (missing, closed):
        with pytest.raises(DatabaseConfigError, match="injoignable") as caught:
            check_database(make_settings(tmp_path, database_url=url), timeout_s=5)
        assert "secret" not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.slow  # `assistant chat` in a process of its own (Chainlit's import: seconds)
def test_the_chat_does_not_start_without_its_database(tmp_path):
    import subprocess
    import sys

    from harness.processes import ROOT, clean_env, free_port

    closed = f"postgresql://chat:secret@127.0.0.1:{free_port()}/chat"
    chat = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat", "--headless", "--port", str(free_port())],
        cwd=ROOT,
        env=clean_env(ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_DATABASE_URL=closed),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert chat.returncode == 1
    assert "Base de l'historique injoignable" in chat.stderr
    assert "Traceback" not in chat.stderr + chat.stdout and "secret" not in chat.stderr


def test_signed_urls(tmp_path):
    storage = LocalStorageClient(tmp_path, "secret-" * 8, ttl_s=60)
    key = storage.put_bytes("passage cité".encode(), "text/markdown")
    assert key == storage.put_bytes("passage cité".encode(), "text/markdown")  # stored once
    url = storage.read_url(key)
    exp, sig = (part.split("=")[1] for part in url.split("?")[1].split("&"))
    assert storage.resolve(key, exp, sig).read_text("utf-8") == "passage cité"
    assert storage.resolve(key, exp, "0" * 40) is None  # forged signature
    assert storage.resolve(key, str(int(exp) + 10), sig) is None  # extended expiry
    assert storage.resolve("blob/../../etc/passwd", exp, sig) is None
    expired = storage.read_url(key, now=time.time() - 120)
    exp, sig = (part.split("=")[1] for part in expired.split("?")[1].split("&"))
    assert storage.resolve(key, exp, sig) is None
    other = LocalStorageClient(tmp_path, "another-secret-" * 4)
    assert other.resolve(key, *(p.split("=")[1] for p in url.split("?")[1].split("&"))) is None


def test_layer_is_portable_to_postgres_parameters(tmp_path):
    storage = LocalStorageClient(tmp_path / "files", "s" * 48)
    layer = AssistantDataLayer(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", storage)
    encoded = layer._encode({"tags": ["a"], "modes": {"m": "x"}, "name": "n"})
    assert encoded == {"tags": '["a"]', "modes": '{"m": "x"}', "name": "n"}
    layer.dialect = "postgresql"
    assert layer._encode({"tags": ["a"]}) == {"tags": ["a"]}


def test_each_process_has_its_own_session_files(tmp_path):
    """Chainlit removes its session-files folder when it stops: replicas sharing a data
    folder each get their own (one stopping once took the other's live sessions with it).
    Folders of dead processes of this host are swept; others are kept."""
    import os
    import socket
    import subprocess
    import sys

    from assistant.chat.storage import process_files_dir

    parent = tmp_path / "chat-sessions"
    host = socket.gethostname()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for pid in (dead, str(live.pid)):
            (parent / f"{host}-{pid}" / "session").mkdir(parents=True)
        (parent / "autre-machine-12" / "session").mkdir(parents=True)
        own = process_files_dir(parent)
        assert own == parent / f"{host}-{os.getpid()}" and own.is_dir()
        assert not list(own.iterdir())
        remaining = {p.name for p in parent.iterdir()}
        assert remaining == {own.name, f"{host}-{live.pid}", "autre-machine-12"}
    finally:
        live.kill()
        live.wait()
