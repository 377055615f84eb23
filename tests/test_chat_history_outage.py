"""Issue 21, class 5: PostgreSQL stopped mid-session loses nothing without a word.

A real PostgreSQL cluster of its own (the suite's others go on), stopped after a first
exchange is stored and started again on the same port. During the outage the question and
its answer are written as the chat writes them; they must be stored once the database is
back (kept and retried, in order), the history must read « dégradé » meanwhile, the
owner's rating of her stored answer must be « unavailable », never « not yours », and
the session must be told. The same through the real server: ``test_chat_server.py``.
"""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from chainlit.context import init_http_context

from assistant.chat import history as history_module
from assistant.chat.history import HistoryUnavailable
from assistant.chat.ownership import owns_thread, thread_of_step
from tests.conftest import make_settings
from tests.test_chat_datalayer import _conversation, new_layer, run


@pytest.fixture
def own_postgres(tmp_path):
    from harness.postgres import PostgresServer

    if PostgresServer.missing():
        pytest.skip(PostgresServer.missing())
    server = PostgresServer(tmp_path / "outage.log").start()
    yield server
    server.stop()


def _step(thread_id: str, kind: str, text: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "threadId": thread_id,
        "type": kind,
        "name": "alice",
        "output": text,
        "createdAt": "2026-12-04T10:00:00Z",
        "metadata": {},
    }


def test_an_exchange_during_an_outage_is_kept_and_stored_when_the_database_returns(
    own_postgres, tmp_path, monkeypatch
):
    monkeypatch.setattr(history_module, "RETRY_S", 0.2)
    settings = make_settings(tmp_path / "data", database_url=own_postgres.database())
    layer = new_layer(settings)

    async def scenario():
        user, thread_id, answer_id = await _conversation(layer)
        init_http_context(user=user)
        await asyncio.to_thread(own_postgres.pause)
        question = _step(thread_id, "user_message", "Question posée pendant la panne")
        answer = _step(thread_id, "assistant_message", "Réponse donnée pendant la panne")
        await layer.create_step(question)  # as Chainlit does: a background task, no error
        await layer.create_step(answer)
        seen = {"degraded": layer.history.degraded, "kept": len(layer.history.pending)}
        # Her rating of an answer stored before the outage: unavailable, not « not yours ».
        try:
            found = await thread_of_step(layer, answer_id)
            seen["ownership"] = await owns_thread(layer, user, found)
        except HistoryUnavailable:
            seen["ownership"] = "unavailable"
        await asyncio.to_thread(own_postgres.resume)
        for _ in range(100):  # the kept writes are retried on their own
            if not layer.history.degraded:
                break
            await asyncio.sleep(0.1)
        seen["degraded after"] = layer.history.degraded
        thread = await layer.get_thread(thread_id)
        seen["stored"] = [s["output"] for s in thread["steps"]][-2:]
        return seen

    seen = run(scenario(), layer)
    assert seen == {
        "degraded": True,
        "kept": 2,
        "ownership": "unavailable",
        "degraded after": False,
        "stored": ["Question posée pendant la panne", "Réponse donnée pendant la panne"],
    }, seen


def test_health_says_degraded_while_writes_wait(tmp_path):
    """The runtime's health reads the data layer's history state: « dégradé », without
    any detail for an anonymous caller."""
    from assistant.chat.runtime import ChatRuntime
    from assistant.chat.storage import LocalStorageClient

    runtime = ChatRuntime(
        make_settings(tmp_path / "data"), LocalStorageClient(tmp_path / "files", "s" * 32)
    )

    runtime._assistant = SimpleNamespace(store=SimpleNamespace(count=lambda: 7))  # ready
    assert runtime.public_status() == {"status": "ready"}
    runtime.history.failed("OSError: connection refused")
    assert runtime.public_status() == {"status": "dégradé"}
    assert runtime.status()["status"] == "dégradé"
    runtime.history.answered()
    assert runtime.public_status() == {"status": "ready"}
