"""History, feedback and element files: Chainlit's SQL data layer on SQLite, schema ours."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid

import pytest

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


@pytest.fixture
def layer(tmp_path):
    settings = make_settings(tmp_path / "data")
    storage = LocalStorageClient(tmp_path / "data" / "chat-files", "s" * 48)
    return make_data_layer(settings, storage)


def run(coroutine):
    return asyncio.run(coroutine)


def test_database_url(tmp_path):
    settings = make_settings(tmp_path)
    assert database_url(settings) == f"sqlite+aiosqlite:///{(tmp_path / 'chat.db').resolve()}"
    other = make_settings(tmp_path, database_url="sqlite:////srv/chat/history.db")
    assert database_url(other) == "sqlite+aiosqlite:////srv/chat/history.db"
    with pytest.raises(DatabaseConfigError):
        database_url(make_settings(tmp_path, database_url="mysql://u@h/db"))


def test_postgres_needs_its_driver(tmp_path):
    settings = make_settings(tmp_path, database_url="postgresql://chat@db/chat")
    try:
        import asyncpg  # noqa: F401
    except ImportError:
        with pytest.raises(DatabaseConfigError, match="asyncpg"):
            database_url(settings)
    else:
        assert database_url(settings).startswith("postgresql+asyncpg://")


def test_postgres_schema_uses_native_types():
    ddl = "\n".join(schema_statements("postgresql"))
    assert '"tags" TEXT[]' in ddl and '"metadata" JSONB' in ddl
    assert "CREATE TABLE IF NOT EXISTS feedbacks" in ddl


def test_schema_is_created_idempotently_and_completed(layer, tmp_path):
    run(layer.ensure_schema())
    db = tmp_path / "data" / "chat.db"
    with sqlite3.connect(db) as conn:
        conn.execute('ALTER TABLE steps DROP COLUMN "autoCollapse"')
    run(layer.ensure_schema())
    with sqlite3.connect(db) as conn:
        for table, columns in TABLES.items():
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert set(columns) <= present, table
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_conversation_round_trip(layer, tmp_path):
    """User, thread with tags, steps with metadata, feedback, elements: as the UI reads them."""
    from chainlit.context import init_http_context
    from chainlit.element import Pdf, Text
    from chainlit.types import Feedback, Pagination, ThreadFilter
    from chainlit.user import User

    async def scenario():
        await layer.ensure_schema()
        init_http_context()
        user = await layer.create_user(User(identifier="local", metadata={"provider": "local"}))
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
                "name": "local",
                "output": "Quels sont les trois leviers ?",
                "createdAt": "2026-01-01T10:00:00Z",
                "streaming": False,
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
                "streaming": False,
                "modes": {"profil": "court"},
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
        threads = await layer.list_threads(
            pagination=Pagination(first=10), filters=ThreadFilter(userId=user.id)
        )
        return user, thread_id, answer_id, threads.data

    _, thread_id, answer_id, threads = run(scenario())
    assert [t["id"] for t in threads] == [thread_id]
    thread = threads[0]
    assert thread["tags"] == ["Formateur·rice"]
    assert thread["metadata"]["chat_profile"] == "Formateur·rice"
    steps = {s["id"]: s for s in thread["steps"]}
    answer = steps[answer_id]
    assert answer["metadata"]["kind"] == "answer"
    assert answer["metadata"]["citations"] == [{"marker": 1, "page": None}]
    assert answer["feedback"]["value"] == 1 and answer["feedback"]["comment"] == "Très utile"
    elements = {e["name"]: e for e in thread["elements"]}
    assert set(elements) == {"[1]", "[2]"}
    assert elements["[2]"]["page"] == 3
    for element in elements.values():
        key, url = element["objectKey"], element["url"]
        assert key.startswith("blob/") and url.startswith("/assistant/files/blob/")
        query = dict(part.split("=") for part in url.split("?", 1)[1].split("&"))
        assert layer.storage.resolve(key, query["exp"], query["sig"]) is not None
    text_path = layer.storage.root / elements["[1]"]["objectKey"]
    assert text_path.read_text("utf-8") == "**Section** : 3e jour"


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
