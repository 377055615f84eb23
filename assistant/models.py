"""Typed records passed between stages: chunks, retrieved passages, citations, answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Chunk(BaseModel):
    """A piece of a document as indexed: never spans two sections."""

    id: str
    text: str
    source: str = Field(description="File name (relative to the ingested folder).")
    section: str = Field(description="Human title of the section, e.g. « 3e jour – … ».")
    page: int | None = None
    ordinal: int = Field(default=0, description="Position of the chunk in its document.")
    sentence_vectors: str | None = Field(
        default=None,
        description="Packed title + sentence vectors (assistant.ingest.sentvectors), when indexed.",
    )
    information: str | None = Field(
        default=None,
        description="Packed names and numbers of each sentence (assistant.ingest.information).",
    )
    owner: str = Field(
        default="", description="Who may cite it: a chat user's private upload; '' = everyone."
    )


class RetrievedChunk(BaseModel):
    """A chunk returned by retrieval, with its fused score and rank (1 = best)."""

    id: str
    text: str
    source: str
    section: str
    page: int | None = None
    score: float
    rank: int
    dense_rank: int | None = None
    lexical_rank: int | None = None
    ordinal: int = 0  # position of the chunk in its document (reading order)
    # The id of the ranked passage this chunk continues (read after the ranked ones).
    continues: str | None = None

    @classmethod
    def of(cls, chunk: Chunk, score: float, rank: int, **ranks: int | None) -> RetrievedChunk:
        return cls(
            id=chunk.id,
            text=chunk.text,
            source=chunk.source,
            section=chunk.section,
            page=chunk.page,
            score=score,
            rank=rank,
            ordinal=chunk.ordinal,
            **ranks,
        )


class Citation(BaseModel):
    """What a marker [n] points to: a passage of the corpus and the quoted words."""

    marker: int
    source: str
    section: str
    page: int | None = None
    quote: str
    chunk_id: str
    # What the quote leans on, quoted just before it in the answer: a list's lead-in when
    # the list is cut to the items that answer (« Toutes ces formes de mobilisation sont en
    # progression : » before « • … 13,2 millions de bénévoles »). Verbatim text of the
    # passage too, but not a claim of its own: the item is what the answer cites.
    context: str = ""


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Answer(BaseModel):
    """The result of :func:`assistant.answer.answering.Assistant.answer`."""

    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[RetrievedChunk] = Field(default_factory=list)
    abstained: bool = False
    mode: Literal["extractive", "llm"] = "extractive"
    search_query: str = ""
    confidence: float = 0.0
    latency_ms: float = 0.0
    warnings: list[str] = Field(default_factory=list)

    def to_result(self) -> dict:
        """The fields of a ``results.jsonl`` line (see eval-format.md), plus extras."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [
                {
                    "source": c.source,
                    "section": c.section,
                    "page": c.page,
                    "quote": c.quote,
                    "marker": c.marker,
                    "context": c.context,
                }
                for c in self.citations
            ],
            "retrieved": [
                {
                    "text": r.text,
                    "source": r.source,
                    "section": r.section,
                    "page": r.page,
                    "score": r.score,
                }
                for r in self.retrieved
            ],
            "latency_ms": round(self.latency_ms, 2),
            "mode": self.mode,
            "confidence": round(self.confidence, 4),
            "search_query": self.search_query,
        }
