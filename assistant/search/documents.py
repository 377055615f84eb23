"""The hybrid search as a LangChain retriever: ``HybridRetriever.invoke(question)`` gives
LangChain ``Document``s, so the assistant's search can be the first step of anyone's chain.

Each document carries the passage text as ``page_content`` and, in ``metadata``, where it
comes from (``source``, ``section``, ``page``), its ``passage_id`` (the chunk id the
assistant cites) and its fused ``score`` and ``rank``. :func:`passage_of` turns one back
into the assistant's :class:`~assistant.models.RetrievedChunk`. :meth:`HybridRetriever.found`
is the same search keeping what the assistant's own chain reads next (the analysed question,
the passages' units and word statistics: :class:`Found`).
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from ..models import RetrievedChunk, Turn
from ..settings import Settings
from .query import SearchQuery, understand
from .retrieval import Retrieval, Retriever


def document_of(passage: RetrievedChunk) -> Document:
    return Document(
        page_content=passage.text,
        id=passage.id,
        metadata={
            "source": passage.source,
            "section": passage.section,
            "page": passage.page,
            "passage_id": passage.id,
            "score": passage.score,
            "rank": passage.rank,
            "dense_rank": passage.dense_rank,
            "lexical_rank": passage.lexical_rank,
            "ordinal": passage.ordinal,
        },
    )


def passage_of(document: Document) -> RetrievedChunk:
    """The passage a document stands for; a document from elsewhere (no assistant
    metadata) gets its position as rank and no section."""
    meta = document.metadata
    return RetrievedChunk(
        id=str(meta.get("passage_id") or document.id or ""),
        text=document.page_content,
        source=str(meta.get("source", "")),
        section=str(meta.get("section", "")),
        page=meta.get("page"),
        score=float(meta.get("score", 0.0)),
        rank=int(meta.get("rank", 0)),
        dense_rank=meta.get("dense_rank"),
        lexical_rank=meta.get("lexical_rank"),
        ordinal=int(meta.get("ordinal") or 0),
    )


@dataclass
class Found:
    """A question's search, whole: the question as analysed and what the search read."""

    query: SearchQuery
    retrieval: Retrieval

    @property
    def documents(self) -> list[Document]:
        # A search returns its ranked passages (``k`` of them); the continuations read after
        # them are the extractive answer's to quote from, not search results.
        return [document_of(passage) for passage in self.retrieval.ranked]


class HybridRetriever(BaseRetriever):
    """Dense + BM25 search over the assistant's index, the question analysed as the
    assistant analyses it (French folding, stems, English questions, follow-ups when a
    ``history`` is given). ``k``: how many passages (default ``ASSISTANT_TOP_K``);
    ``viewer``: a chat user whose private uploads may be returned too."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    k: int | None = None
    viewer: str | None = None
    history: list[Turn] = Field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **fields) -> HybridRetriever:
        """Over the index the settings name (``ASSISTANT_DATA_DIR``; built by ``assistant
        ingest``), with the embedder that built it."""
        from ..backends.embedders import embedder_for
        from ..backends.store import open_store
        from ..settings import get_settings

        settings = settings or get_settings()
        store = open_store(settings)
        return cls(retriever=Retriever(store, embedder_for(settings), settings), **fields)

    def found(self, question: str, history: list[Turn] | None = None) -> Found:
        """The search :meth:`invoke` runs, with what it read (``history``: the
        conversation so far, default :attr:`history`)."""
        analysed = understand(question, self.history if history is None else history)
        self.retriever.sync()  # the newest index, once per question
        return Found(analysed, self.retriever.search(analysed, self.k, viewer=self.viewer))

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return self.found(query).documents
