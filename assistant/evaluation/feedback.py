"""Turn thumbs-down chat answers into draft evaluation cases for a maintainer to complete.

Reads the chat history database (Chainlit's SQL data layer, SQLite by default): each
negative feedback points at an answer step whose metadata holds the question, the answer
shown and its citations; earlier messages of the same thread become the ``history``.
Drafts leave ``answerable``, ``evidence`` and ``key_facts`` for a person to fill in, so a
draft can never enter a set unchecked (``load_set`` refuses it until completed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AssistantError
from ..settings import Settings


class FeedbackExportError(AssistantError, RuntimeError):
    pass


@dataclass
class ExportResult:
    drafts: int
    skipped: int
    path: Path


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def export_feedback(settings: Settings, output: Path, value: int = 0) -> ExportResult:
    """Write one draft case per feedback of ``value`` (0 = thumbs down) to ``output``."""
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from ..chat.datalayer import database_url

    url = database_url(settings)
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
        raise FeedbackExportError(
            f"Aucune base de conversations ici ({url.split('///', 1)[-1]}) : le chat n'a "
            "encore rien enregistré. / No chat database yet."
        )
    try:
        drafts, skipped = asyncio.run(_read(url, value))
    except (SQLAlchemyError, OSError) as exc:
        raise FeedbackExportError(f"Base de conversations illisible : {exc}") from None
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for draft in drafts:
            handle.write(json.dumps(draft, ensure_ascii=False) + "\n")
    return ExportResult(len(drafts), skipped, output)


async def _read(url: str, value: int) -> tuple[list[dict], int]:
    """Through the chat's own async driver (aiosqlite, asyncpg): no second driver to install
    for PostgreSQL."""
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_drafts, value)
    finally:
        await engine.dispose()


def _drafts(conn, value: int) -> tuple[list[dict], int]:
    from sqlalchemy import text

    feedbacks = (
        conn.execute(
            text(
                'SELECT "id", "forId", "threadId", "value", "comment" FROM feedbacks '
                'WHERE "value" = :value'
            ),
            {"value": value},
        )
        .mappings()
        .all()
    )
    drafts: list[dict] = []
    skipped = 0
    for feedback in feedbacks:
        step = (
            conn.execute(text('SELECT * FROM steps WHERE "id" = :id'), {"id": feedback["forId"]})
            .mappings()
            .first()
        )
        if step is None:
            skipped += 1
            continue
        meta = _json(step.get("metadata")) or {}
        thread_steps = (
            conn.execute(
                text(
                    'SELECT "type", "output", "createdAt", "metadata" FROM steps '
                    'WHERE "threadId" = :thread ORDER BY "createdAt"'
                ),
                {"thread": step["threadId"]},
            )
            .mappings()
            .all()
        )
        history: list[dict] = []
        for earlier in thread_steps:
            if (earlier["createdAt"] or "") >= (step["createdAt"] or ""):
                break
            if earlier["type"] == "user_message":
                history.append({"role": "user", "content": earlier["output"] or ""})
            elif earlier["type"] == "assistant_message":
                kind = (_json(earlier["metadata"]) or {}).get("kind")
                if kind == "answer":
                    history.append({"role": "assistant", "content": earlier["output"] or ""})
        question = meta.get("question") or (
            history.pop()["content"] if history and history[-1]["role"] == "user" else ""
        )
        if history and history[-1]["role"] == "user" and history[-1]["content"] == question:
            history.pop()
        if not question:
            skipped += 1
            continue
        drafts.append(
            {
                "id": f"feedback-{str(feedback['id'])[:8]}",
                "question": question,
                "history": history,
                "answerable": None,
                "evidence": [],
                "key_facts": [],
                "reference_answer": "",
                "tags": ["feedback"],
                "feedback": {
                    "comment": feedback["comment"] or "",
                    "answer_given": meta.get("answer") or step["output"] or "",
                    "abstained": meta.get("abstained"),
                    "passages": meta.get("citations") or [],
                    "thread_id": step["threadId"],
                    "step_id": step["id"],
                },
            }
        )
    return drafts, skipped
