"""What one chat session remembers: its exchanges, for follow-ups and for the export.

Kept in the Chainlit user session as a plain object (not JSON), so Chainlit does not copy
it into the thread's metadata; a resumed thread rebuilds it from its persisted messages,
whose metadata carries each answer's citations (see :func:`answer_metadata`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..models import Answer, Turn

ANSWER_KIND = "answer"


@dataclass
class Exchange:
    question: str
    answer: str
    citations: list[dict] = field(default_factory=list)
    profile: str = ""
    abstained: bool = False
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


@dataclass
class Conversation:
    exchanges: list[Exchange] = field(default_factory=list)

    def add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def history(self, limit: int | None = None) -> list[Turn]:
        """The previous turns, oldest first, as :class:`Turn` for ``Assistant.stream``."""
        turns: list[Turn] = []
        for exchange in self.exchanges:
            turns.append(Turn(role="user", content=exchange.question))
            turns.append(Turn(role="assistant", content=exchange.answer))
        return turns[-limit:] if limit else turns

    @classmethod
    def from_steps(cls, steps: list[dict]) -> Conversation:
        """Rebuild from a thread's steps (user messages followed by our answers)."""
        conversation = cls()
        question: str | None = None
        for step in sorted(steps, key=lambda s: s.get("createdAt") or ""):
            kind = step.get("type")
            if kind == "user_message":
                question = step.get("output") or ""
            elif kind == "assistant_message":
                meta = step.get("metadata") or {}
                if meta.get("kind") != ANSWER_KIND:
                    continue
                conversation.add(
                    Exchange(
                        question=meta.get("question") or question or "",
                        answer=meta.get("answer") or "",
                        citations=list(meta.get("citations") or []),
                        profile=meta.get("profile") or "",
                        abstained=bool(meta.get("abstained")),
                        at=step.get("createdAt") or "",
                    )
                )
                question = None
        return conversation


def citation_records(answer: Answer) -> list[dict]:
    """One record per marker: source, section, page and the quoted sentences."""
    records: dict[int, dict] = {}
    for citation in answer.citations:
        record = records.setdefault(
            citation.marker,
            {
                "marker": citation.marker,
                "source": citation.source,
                "section": citation.section,
                "page": citation.page,
                "quotes": [],
                "chunk_id": citation.chunk_id,
            },
        )
        # The panel shows what a quote leans on (a list's lead-in) just before it, as the
        # answer does.
        for text in (citation.context, citation.quote):
            if text and text not in record["quotes"]:
                record["quotes"].append(text)
    return [records[m] for m in sorted(records)]


def answer_metadata(answer: Answer, profile: str, shown_answer: str) -> dict:
    """What an answer message stores in its metadata to be rebuilt later."""
    return {
        "kind": ANSWER_KIND,
        "question": answer.question,
        "answer": shown_answer,
        "citations": citation_records(answer),
        "profile": profile,
        "abstained": answer.abstained,
        "mode": answer.mode,
        "confidence": round(answer.confidence, 3),
    }
