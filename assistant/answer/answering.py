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
import threading
import time
from collections.abc import Iterator
from functools import partial

from ..backends.embedders import embedder_for
from ..backends.embeddings import Embedder
from ..backends.store import ChunkStore, open_store
from ..models import Answer, Turn
from ..safety import redact, sanitize_output
from ..search.query import SearchQuery, understand
from ..search.retrieval import Retrieval, Retriever
from ..settings import Settings
from .evidence import judge
from .framing import abstention_text
from .generation import ExtractiveGenerator, Generator, LLMGenerator, Request
from .guards import AnswerError, check_k, check_question, safe_answer, secrets_of
from .llm import LLMError, make_chat_model
from .planning import plan_answer
from .selection import score_units

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

    @property
    def generator(self) -> Generator:
        """The LLM when one is configured, else the extractive generator."""
        if self.uses_llm:
            return LLMGenerator(self.settings, lambda: self.chat_model)
        return self.extractive

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
        query = understand(question, turns)
        self.retriever.sync()  # the newest index, once per question
        retrieval = self.retriever.search(query, viewer=viewer)
        english = query.cross_lingual
        scored = score_units(
            query,
            query.intent,
            retrieval.passages,
            retrieval.sentence_similarity,
            partial(self.retriever.idf, viewer=viewer),
            self.retriever.units_of,
            depth=5 if detail == "full" else 4,
            exclude=query.previous_answer if query.point else "",
            point=query.point,
        )
        evidence = judge(
            query,
            retrieval,
            scored,
            english,
            partial(self.retriever.idf, viewer=viewer),
            partial(self.retriever.knows, viewer=viewer),
            partial(self.retriever.mentions, viewer=viewer),
            self.settings.embedding_model,
        )
        plan = plan_answer(self.retriever, self.settings, query, retrieval, scored, detail, viewer)
        if evidence.unknown_names and plan.section is None and not plan.missing:
            # « la Fondation de France », « l'Allemagne »: the note cannot say what is asked
            # of them, and the answer says so before what it says of the subject.
            plan.missing = "name:" + evidence.unknown_names[0]
        if plan.section is not None:
            retrieval = Retrieval(
                plan.passages, retrieval.dense_similarity, retrieval.sentence_similarity
            )
            evidence.confidence = 1.0  # the user named the section: it is there to summarise
        base = {
            "question": question,
            "retrieved": retrieval.passages,
            "search_query": query.text,
            "confidence": evidence.confidence,
        }
        generator = self.generator
        # An answer is cited text or an abstention, never an empty lead: with nothing
        # quotable in the passages (headings, notes only), the extractive answer abstains.
        nothing_to_quote = not plan.chosen and generator.mode == "extractive"
        weak = evidence.confidence < self.settings.abstain_threshold
        if weak or not retrieval.passages or nothing_to_quote:
            missing = "figure" if weak and not evidence.figure_given else ""
            text = sanitize_output(abstention_text(retrieval.passages, english, missing))
            yield text
            yield Answer(
                answer=text,
                abstained=True,
                mode=generator.mode,
                latency_ms=(time.perf_counter() - started) * 1000,
                **base,
            )
            return
        request = Request(question, turns, plan, english, detail)
        if generator.mode == "llm":
            try:
                answer = yield from generator.generate(request)
                answer.latency_ms = (time.perf_counter() - started) * 1000
                yield safe_answer(answer.model_copy(update=base), self.settings)
                return
            except LLMError as exc:
                reason = redact(str(exc), secrets_of(self.settings))
                log.warning("LLM unavailable, extractive fallback: %s", reason)
                warning = f"LLM indisponible, réponse extractive à la place ({reason})."
                yield f"\n\n_{warning}_\n\n"
                fallback = self.extractive.compose(plan, english, detail)
                fallback.warnings.append(warning)
        else:
            fallback = self.extractive.compose(plan, english, detail)
        fallback = safe_answer(fallback, self.settings)
        yield from ExtractiveGenerator.deltas(fallback.answer)
        fallback.latency_ms = (time.perf_counter() - started) * 1000
        yield fallback.model_copy(update=base)


def behind_message(changes: list[str]) -> str:
    shown = ", ".join(changes[:3]) + (f" (+{len(changes) - 3})" if len(changes) > 3 else "")
    return (
        f"Index en retard sur le corpus ({len(changes)} fichier(s) : {shown}) : réponses "
        "depuis l'index servi ; lancez `assistant ingest` pour le mettre à jour. / The index "
        "is behind the corpus: run `assistant ingest`."
    )

