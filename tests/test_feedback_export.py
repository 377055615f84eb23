"""`assistant eval export-feedback` reads thumbs-down answers from the chat database
(SQLite, and a real PostgreSQL server through the same async driver the chat uses)."""

import asyncio
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from assistant.chat.datalayer import AssistantDataLayer, database_url
from assistant.chat.storage import LocalStorageClient
from assistant.cli import main

from .conftest import make_settings


def _chat_db(settings):
    layer = AssistantDataLayer(
        database_url(settings), LocalStorageClient(settings.data_dir / "files", "s" * 48)
    )
    steps = [
        ("s1", "user_message", "Quel était le budget en 2006 ?", "2026-01-01T10:00:00", {}),
        (
            "s2",
            "assistant_message",
            "120 000 euros [1]",
            "2026-01-01T10:00:01",
            {"kind": "answer", "question": "Quel était le budget en 2006 ?"},
        ),
        ("s3", "user_message", "Et en 2018 ?", "2026-01-01T10:01:00", {}),
        (
            "s4",
            "assistant_message",
            "Je ne trouve pas…",
            "2026-01-01T10:01:01",
            {
                "kind": "answer",
                "question": "Et en 2018 ?",
                "answer": "Je ne trouve pas…",
                "abstained": True,
                "citations": [{"marker": 1, "quotes": ["…"]}],
            },
        ),
    ]

    async def fill():
        await layer.ensure_schema()
        async with layer.engine.begin() as conn:
            await conn.execute(text("INSERT INTO threads (\"id\", \"name\") VALUES ('t1', 'Fil')"))
            for sid, kind, output, created, meta in steps:
                await conn.execute(
                    text(
                        'INSERT INTO steps ("id", "name", "type", "threadId", "output", '
                        '"createdAt", "metadata") VALUES (:id, :k, :k, \'t1\', :o, :c, :m)'
                    ),
                    {"id": sid, "k": kind, "o": output, "c": created, "m": json.dumps(meta)},
                )
            for fid, step, value, comment in [
                ("f1", "s4", 0, "Le chiffre 2018 existe"),
                ("f2", "s2", 1, "bien"),
            ]:
                await conn.execute(
                    text(
                        'INSERT INTO feedbacks ("id", "forId", "threadId", "value", "comment") '
                        "VALUES (:id, :step, 't1', :value, :comment)"
                    ),
                    {"id": fid, "step": step, "value": value, "comment": comment},
                )
        await layer.engine.dispose()

    asyncio.run(fill())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_thumbs_down_becomes_a_draft_case_with_its_history(backend, tmp_path, monkeypatch, request):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_server").database()
        monkeypatch.setenv("ASSISTANT_DATABASE_URL", url)
    _chat_db(make_settings(data, database_url=None if backend == "sqlite" else url))
    out = tmp_path / "drafts.jsonl"
    result = CliRunner().invoke(main, ["eval", "export-feedback", "--output", str(out)])
    assert result.exit_code == 0, result.output
    drafts = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(drafts) == 1  # the thumbs-up is not exported
    draft = drafts[0]
    assert draft["question"] == "Et en 2018 ?"
    assert [t["role"] for t in draft["history"]] == ["user", "assistant"]
    assert draft["answerable"] is None and draft["evidence"] == []
    assert draft["feedback"]["comment"] == "Le chiffre 2018 existe"
    assert draft["feedback"]["abstained"] is True


def test_no_database_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "empty"))
    result = CliRunner().invoke(main, ["eval", "export-feedback", "--output", str(tmp_path / "o")])
    assert result.exit_code != 0 and "Aucune base" in result.output
