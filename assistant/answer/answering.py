"""``Assistant.answer(question, history) -> Answer``: the one entry point of the CLI, chat and eval.

The steps, each in its own module: check the input (:mod:`.guards`), read the question
once (:func:`~assistant.search.query.understand`), retrieve (:mod:`assistant.search.retrieval`),
score the quotable units (:mod:`.selection`), judge the evidence (:mod:`.evidence`), plan
the answer (:mod:`.planning`; below a calibrated score the assistant abstains before any
generator runs), generate (:mod:`.generation`: extractive by default, no model and no
network; an LLM when configured, falling back to the extractive answer when it fails),
and filter what goes out (:func:`.guards.safe_answer`).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator

from ..backends.embedders import embedder_for
from ..backends.embeddings import Embedder
from ..backends.store import ChunkStore, open_store
from ..models import Answer, Turn
from ..search.query import SearchQuery, understand
from ..search.retrieval import Retrieval, Retriever
from ..settings import Settings
from .generation import ExtractiveGenerator
from .guards import AnswerError, check_k, check_question, safe_answer
from .llm import make_chat_model
from .planning import Grounding, ground

log = logging.getLogger(__name__)

__all__ = ["AnswerError", "Assistant"]


class Assistant:
    """Holds one store, one embedder and one retriever; safe to share across chat sessions."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: ChunkStore | None = None,
        embedder: Embedder | None = None,
        chat_model=None,
    ) -> None:
        self.settings = settings
        self.store = store or open_store(settings)
        self.embedder = embedder or embedder_for(settings)
        self.retriever = Retriever(self.store, self.embedder, settings)
        self._chat_model = chat_model
        self._model_lock = threading.Lock()
        self.extractive = ExtractiveGenerator()
        self.behind: str | None = None  # why the index served is older than the corpus

    # --- index -------------------------------------------------------------------
    def ensure_index(self, progress: bool = False, on_progress=None):
        """Index the corpus folder at a **first start** only: no generation at all in the
        data folder (nothing served, nothing a build could replace). Otherwise this reader
        only chooses what to serve: an index behind the corpus (files edited, added or
        removed while nothing ran; text processing changed by an upgrade) is served as it
        is, and :attr:`behind` says so in one line, leaving the rebuild to
        ``assistant ingest`` — a read command that rebuilt, when the current generation had
        been rejected, moved CURRENT past the one holding a private upload.

        ``on_progress(done, total)``: passages embedded so far (see ``ingest``)."""
        from ..ingest.changes import corpus_changes
        from ..ingest.indexing import ingest

        self.behind = None
        if self.store.generation is not None:
            changes = corpus_changes(self.settings, self.store.file_states())
            if changes:  # said by the caller, once (the CLI on stderr, the chat's log)
                self.behind = behind_message(changes)
            return None
        summary = ingest(
            self.settings, store=self.store, progress=progress, on_progress=on_progress
        )
        self.retriever.refresh()
        return summary

    @property
    def chat_model(self):
        if self._chat_model is None:
            with self._model_lock:
                if self._chat_model is None:
                    self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    @property
    def uses_llm(self) -> bool:
        return self._chat_model is not None or self.settings.llm_provider != "none"

    # --- steps -----------------------------------------------------------------
    def retrieve(
        self,
        question: str,
        history: list[Turn] | None = None,
        k: int | None = None,
        viewer: str | None = None,
    ) -> tuple[SearchQuery, Retrieval]:
        query = understand(question, history or [])
        self.retriever.sync()  # the newest index, once per question
        return query, self.retriever.search(query, check_k(k, self.settings), viewer=viewer)

    def answer(
        self,
        question: str,
        history: list[Turn] | None = None,
        detail: str = "short",
        viewer: str | None = None,
    ) -> Answer:
        result: Answer | None = None
        for item in self.stream(question, history, detail, viewer=viewer):
            if isinstance(item, Answer):
                result = item
        assert result is not None
        return result

    def stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        detail: str = "short",
        viewer: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text deltas, then the complete :class:`Answer` as the last item.

        ``viewer``: the chat user asking, who may also be answered from their own private
        uploads; None (CLI, evaluation): the shared corpus only."""
        started = time.perf_counter()
        question, turns = check_question(question, history, self.settings)
        if not self.uses_llm:  # the default: no model, no network, no LangChain
            query = understand(question, turns)
            self.retriever.sync()  # the newest index, once per question
            retrieval = self.retriever.search(query, viewer=viewer)
            grounding = ground(self.settings, query, retrieval, detail)
            plan, english = grounding.plan, query.cross_lingual
            if grounding.abstains(self.settings, extractive=True):
                missing = grounding.not_found(self.settings)
                answer = self.extractive.abstain(plan.passages, english, missing=missing)
            else:
                answer = self.extractive.compose(plan, english, detail)
            streamed = False
        else:
            answer, query, grounding = yield from self._llm_answer(question, turns, detail, viewer)
            # The model's own text was streamed; an abstention or the extractive fallback
            # streams below, once filtered.
            streamed = answer.mode == "llm" and not grounding.abstains(self.settings, False)
        grounds = _grounds(question, query, grounding)
        answer = safe_answer(answer, self.settings)
        if not streamed:  # word by word (whitespace kept), as a model streams
            yield from re.split(r"(?<=\s)", answer.answer)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer.model_copy(update=grounds)

    def _llm_answer(self, question: str, turns: list[Turn], detail: str, viewer: str | None):
        """The LLM path: one LCEL chain over the hybrid retriever (:mod:`.chain`), imported
        only here — LangChain's types load in ~0.5 s, which the extractive default never
        pays. Yields the model's text; returns the answer, the query and the grounding."""
        from ..search.documents import HybridRetriever
        from .chain import assistant_chain, stream_answer

        retriever = HybridRetriever(retriever=self.retriever, viewer=viewer)
        chain = assistant_chain(self.settings, retriever, lambda: self.chat_model, detail)
        answer, found, grounding = yield from stream_answer(
            chain, self.settings, question, turns, detail
        )
        return answer, found.query, grounding


def _grounds(question: str, query: SearchQuery, grounding: Grounding) -> dict:
    """What every answer records of how it was reached."""
    return {
        "question": question,
        "retrieved": grounding.plan.passages,
        "search_query": query.text,
        "confidence": grounding.evidence.confidence,
    }


def behind_message(changes: list[str]) -> str:
    shown = ", ".join(changes[:3]) + (f" (+{len(changes) - 3})" if len(changes) > 3 else "")
    return (
        f"Index en retard sur le corpus ({len(changes)} fichier(s) : {shown}) : réponses "
        "depuis l'index servi ; lancez `assistant ingest` pour le mettre à jour. / The index "
        "is behind the corpus: run `assistant ingest`."
    )
