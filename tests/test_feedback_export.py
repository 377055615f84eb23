"""`assistant eval export-feedback` reads thumbs-down answers from the chat database."""

import json
import sqlite3

from click.testing import CliRunner

from assistant.chat.datalayer import schema_statements
from assistant.cli import main


def _chat_db(path):
    conn = sqlite3.connect(path)
    for statement in schema_statements("sqlite"):
        conn.execute(statement)
    conn.execute('INSERT INTO threads ("id", "name") VALUES (?, ?)', ("t1", "Fil"))
    steps = [
        ("s1", "user_message", "Quel était le budget en 2006 ?", "2026-01-01T10:00:00", {}),
        ("s2", "assistant_message", "120 000 euros [1]", "2026-01-01T10:00:01",
         {"kind": "answer", "question": "Quel était le budget en 2006 ?"}),
        ("s3", "user_message", "Et en 2018 ?", "2026-01-01T10:01:00", {}),
        ("s4", "assistant_message", "Je ne trouve pas…", "2026-01-01T10:01:01",
         {"kind": "answer", "question": "Et en 2018 ?", "answer": "Je ne trouve pas…",
          "abstained": True, "citations": [{"marker": 1, "quotes": ["…"]}]}),
    ]
    for sid, kind, output, created, meta in steps:
        conn.execute(
            'INSERT INTO steps ("id", "name", "type", "threadId", "output", "createdAt", '
            '"metadata") VALUES (?, ?, ?, ?, ?, ?, ?)',
            (sid, kind, kind, "t1", output, created, json.dumps(meta)),
        )
    conn.execute('INSERT INTO feedbacks ("id", "forId", "threadId", "value", "comment") '
                 "VALUES ('f1', 's4', 't1', 0, 'Le chiffre 2018 existe')")
    conn.execute('INSERT INTO feedbacks ("id", "forId", "threadId", "value", "comment") '
                 "VALUES ('f2', 's2', 't1', 1, 'bien')")
    conn.commit()
    conn.close()


def test_thumbs_down_becomes_a_draft_case_with_its_history(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    _chat_db(data / "chat.db")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
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
