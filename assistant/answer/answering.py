"""``Assistant.answer(question, history) -> Answer``: the one entry point of the CLI, chat and eval.

Default mode needs no LLM: the answer is made of the passages' own sentences that best
cover the question, each followed by its marker [n]; below a calibrated evidence score
the assistant abstains. With an LLM configured, the same passages feed a LangChain chat
model and the same abstention gate applies before any call is made.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..backends.embedders import embedder_for
from ..backends.embeddings import Embedder
from ..backends.store import ChunkStore, open_store
from ..errors import AssistantError, IngestError
from ..ingest.chunking import split_sentences
from ..models import Answer, Citation, RetrievedChunk, Turn
from ..safety import Bound, redact, sanitize_output, valid_unicode
from ..search.intent import Intent, intent_in_context, read_intent, years_in
from ..search.retrieval import Retrieval, Retriever, SearchQuery, build_search_query, point_query
from ..search.units import is_item, strip_bullet
from ..settings import Settings
from ..textnorm import analyze, fold, looks_english
from .evidence import judge
from .followup import pointed_point
from .llm import LLMError, MarkerFilter, build_messages, make_chat_model, stream_completion
from .selection import STRICT_KINDS, SUMMARY_RATIO, Scored, choose, score_units, summarise

log = logging.getLogger(__name__)

ABSTAIN_FR = "Je ne trouve pas cette information dans le corpus."
ABSTAIN_EN = "I cannot find this information in the corpus."


class AnswerError(AssistantError, ValueError):
    """The question cannot be answered as asked (empty, too long…)."""

    public = True  # written for the person asking: shown as is in the chat


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

    # --- index -------------------------------------------------------------------
    def ensure_index(self, progress: bool = False, on_progress=None):
        """Ingest the corpus folder when the index is empty (first start) or no longer
        matches it (files edited, added or removed while nothing ran; text processing
        changed by an upgrade). An index in line with the corpus costs a hash per file.

        ``on_progress(done, total)``: passages embedded so far (see ``ingest``)."""
        from ..ingest.indexing import corpus_changes, ingest

        if self.store.count() > 0:
            changes = corpus_changes(self.settings, self.store.file_states())
            if not changes:
                return None
            log.info("Index behind the corpus (%s): re-indexing.", ", ".join(changes[:5]))
            try:
                summary = ingest(
                    self.settings, store=self.store, progress=progress, on_progress=on_progress
                )
            except IngestError as exc:
                # Another process holds the writer lock (it is bringing the index up to
                # date): answer from the index it serves meanwhile rather than not start.
                log.warning("Index not refreshed at start: %s", exc)
                return None
            self.retriever.refresh()
            return summary
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
    def _check(self, question: str, history: list[Turn] | None) -> tuple[str, list[Turn]]:
        question = valid_unicode(question or "").strip()  # cleaned at the boundary
        if not question:
            raise AnswerError("La question est vide. / The question is empty.")
        if len(question) > self.settings.max_question_chars:
            raise AnswerError(
                f"Question trop longue ({len(question)} caractères, maximum "
                f"{self.settings.max_question_chars}) : reformulez plus brièvement. "
                "/ Question too long."
            )
        turns = [t if isinstance(t, Turn) else Turn(**t) for t in (history or [])]
        turns = [Turn(role=t.role, content=valid_unicode(t.content)) for t in turns]
        return question, limit_history(turns, self.settings)

    def retrieve(
        self,
        question: str,
        history: list[Turn] | None = None,
        k: int | None = None,
        viewer: str | None = None,
    ) -> tuple[SearchQuery, Retrieval]:
        query = self.search_query(question, history or [], read_intent(question))
        return query, self.retriever.search(query, check_k(k), viewer=viewer)

    def search_query(self, question: str, turns: list[Turn], intent: Intent) -> SearchQuery:
        """The question as searched: a follow-up pointing at a point of the previous answer
        (« détaille le deuxième point ») searches that point; other elliptic follow-ups are
        searched with the previous question."""
        point = (
            pointed_point(turns, intent.ordinal, intent.points_back, intent.ordinal_noun)
            if turns
            else None
        )
        if point is None:
            return build_search_query(question, turns)
        return point_query(question, point, turns)

    # --- answering -------------------------------------------------------------
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
        question, turns = self._check(question, history)
        intent = read_intent(question)
        query = self.search_query(question, turns, intent)
        retrieval = self.retriever.search(query, viewer=viewer)
        english = looks_english(question)
        intent = intent_in_context(intent, query.previous, query.follow_up)
        scored = score_units(
            query,
            intent,
            retrieval.passages,
            retrieval.sentence_similarity,
            self.retriever.idf,
            self.retriever.units_of,
            depth=5 if detail == "full" else 4,
            exclude=query.point,
        )
        evidence = judge(
            query,
            retrieval,
            scored,
            english,
            self.retriever.idf,
            self.retriever.knows,
            self.settings.embedding_model,
        )
        plan = self._plan(question, intent, query, retrieval, scored, detail, viewer)
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
        # An answer is cited text or an abstention, never an empty lead: with nothing
        # quotable in the passages (headings, notes only), the extractive answer abstains.
        nothing_to_quote = not plan.chosen and not self.uses_llm
        weak = evidence.confidence < self.settings.abstain_threshold
        if weak or not retrieval.passages or nothing_to_quote:
            text = sanitize_output(abstention_text(retrieval.passages, english))
            yield text
            yield Answer(
                answer=text,
                abstained=True,
                mode="llm" if self.uses_llm else "extractive",
                latency_ms=(time.perf_counter() - started) * 1000,
                **base,
            )
            return
        if self.uses_llm:
            try:
                answer = yield from self._stream_llm(question, turns, retrieval.passages, detail)
                answer.latency_ms = (time.perf_counter() - started) * 1000
                answer = answer.model_copy(update=base)
                yield safe_answer(answer, self.settings)
                return
            except LLMError as exc:
                reason = redact(str(exc), secrets_of(self.settings))
                log.warning("LLM unavailable, extractive fallback: %s", reason)
                warning = f"LLM indisponible, réponse extractive à la place ({reason})."
                yield f"\n\n_{warning}_\n\n"
                fallback = self._extractive(plan, english, detail)
                fallback.warnings.append(warning)
        else:
            fallback = self._extractive(plan, english, detail)
        fallback = safe_answer(fallback, self.settings)
        yield from re.split(r"(?<=\s)", fallback.answer)
        fallback.latency_ms = (time.perf_counter() - started) * 1000
        yield fallback.model_copy(update=base)

    def _plan(
        self,
        question: str,
        intent: Intent,
        query: SearchQuery,
        retrieval: Retrieval,
        scored: list[Scored],
        detail: str,
        viewer: str | None = None,
    ) -> Plan:
        """What the extractive answer quotes, and how it is framed."""
        limit = self.settings.max_answer_sentences * (2 if detail == "full" else 1)
        if intent.kind == "summary":
            named = self.retriever.find_section(question, intent.day, viewer)
            if named is not None:
                return self._section_plan(named, retrieval, limit + 2, viewer)
            # A topic rather than a section: more of the best units, in reading order.
            chosen = choose(scored, limit + 1, ratio=SUMMARY_RATIO)
            chosen.sort(key=lambda s: (s.passage.section, s.passage.rank, s.unit.position))
            return Plan(chosen, "topic", list(retrieval.passages))
        chosen = choose(scored, limit)
        missing = ""
        if intent.kind in STRICT_KINDS and chosen and not any(s.fits for s in chosen):
            missing = intent.kind  # the note covers the topic, not the figure or date asked
        asked_years = years_in(question)
        quoted = " ".join(s.unit.text for s in chosen)
        if asked_years and chosen and not any(year in quoted for year in asked_years):
            missing = "year:" + asked_years[0]  # « en 2023 »: the note says nothing of that year
        return Plan(
            chosen,
            "point" if query.point else "answer",
            list(retrieval.passages),
            missing=missing,
        )

    def _section_plan(
        self, named: tuple[str, str], retrieval: Retrieval, limit: int, viewer: str | None = None
    ) -> Plan:
        """« Résume le 12e jour »: the section's key units in reading order; the section's
        chunks become the passages, the most central first."""
        source, title = named
        section = self.retriever.section(source, title, viewer)
        as_passages = [(RetrievedChunk.of(c, 0.0, 0), vectors) for c, vectors in section]
        chosen = summarise(as_passages, self.retriever.units_of, limit)
        cited = list(dict.fromkeys(s.passage.id for s in chosen))
        order = cited + [c.id for c, _ in section if c.id not in cited]
        order += [p.id for p in retrieval.passages if p.id not in order]
        by_id = {p.id: p for p, _ in as_passages} | {p.id: p for p in retrieval.passages}
        passages = [
            by_id[cid].model_copy(update={"rank": rank}) for rank, cid in enumerate(order, 1)
        ]
        ranked = {p.id: p for p in passages}
        chosen = [
            Scored(ranked[s.passage.id], s.unit, s.score, s.dense, s.lexical, s.fits)
            for s in chosen
        ]
        return Plan(chosen, "section", passages, section=title)

    def _extractive(self, plan: Plan, english: bool, detail: str) -> Answer:
        picked = [(s.passage, s.unit.text) for s in plan.chosen]
        markers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for passage, sentence in picked:
            marker = markers.setdefault(passage.id, len(markers) + 1)
            citations.append(
                Citation(
                    marker=marker,
                    source=passage.source,
                    section=passage.section,
                    page=passage.page,
                    quote=sentence,
                    chunk_id=passage.id,
                )
            )
            parts.append(f"{as_markdown(sentence)} [{marker}]")
        lead = lead_for(plan, english)
        if detail == "full" or plan.kind in ("section", "topic") or any("\n" in p for p in parts):
            # One point a line; a quoted list keeps its own lines under its point.
            body = "\n".join(f"- {p}" for p in parts)
            text = f"{lead}\n\n{body}"
        else:
            text = f"{lead} " + " ".join(parts)
        # Markers follow the order of first use; passages keep their retrieval ranks.
        return Answer(question="", answer=text, citations=citations, mode="extractive")

    def _stream_llm(
        self, question: str, turns: list[Turn], passages: list[RetrievedChunk], detail: str
    ):
        messages = build_messages(self.settings, question, turns, passages, detail)
        marker_filter = MarkerFilter(len(passages))
        text = ""
        bound = output_bound(self.settings)
        for delta in bound(stream_completion(self.chat_model, messages)):
            visible = marker_filter.feed(delta)
            if visible:
                text += visible
                yield visible
        tail = marker_filter.flush()
        if tail:
            text += tail
            yield tail
        citations = citations_for_llm_text(text, passages)
        abstained = fold(ABSTAIN_FR)[:30] in fold(text) or fold(ABSTAIN_EN)[:30] in fold(text)
        return Answer(
            question=question,
            answer=text.strip(),
            citations=citations,
            abstained=abstained,
            mode="llm",
            warnings=[bound.truncated] if bound.truncated else [],
        )


@dataclass
class Plan:
    """The units an extractive answer quotes, in order, and how it is framed."""

    chosen: list[Scored]
    kind: str  # answer | point | section | topic
    passages: list[RetrievedChunk]
    missing: str = ""  # "figure" | "date" | "year:NNNN": asked for, not in the quotes
    section: str | None = None  # the section a summary covers


_LEADS = {
    "answer": ("D'après le corpus :", "The corpus (in French) says:"),
    "topic": ("Ce que dit le corpus à ce sujet :", "What the corpus says on this (in French):"),
    "point": ("Sur ce point, le corpus précise :", "On this point, the corpus (in French) adds:"),
}
_MISSING = {
    "figure": (
        "Le corpus ne donne pas ce chiffre. Ce qu'il dit du sujet :",
        "The corpus does not give this figure. What it says on the subject (in French):",
    ),
    "date": (
        "Le corpus ne donne pas cette date. Ce qu'il dit du sujet :",
        "The corpus does not give this date. What it says on the subject (in French):",
    ),
}


def as_markdown(quote: str) -> str:
    """A quoted list shown as a Markdown list nested under its point (the citation keeps
    the quote verbatim; only the bullet signs of the display change)."""
    lines = quote.split("\n")
    shown = [lines[0]]
    for line in lines[1:]:
        shown.append("  - " + strip_bullet(line) if is_item(line) else "  " + line)
    return "\n".join(shown)


def lead_for(plan: Plan, english: bool) -> str:
    """The sentence that opens an extractive answer: what kind of answer follows, and first
    what the corpus does not say when it covers the topic but not the precise ask."""
    if plan.section is not None:
        if english:
            return f"Key points of « {plan.section} » (quoted in French):"
        return f"Points clés de « {plan.section} » :"
    if plan.missing.startswith("year:"):
        year = plan.missing.split(":", 1)[1]
        if english:
            return f"The corpus says nothing about {year} itself. What it says on the subject:"
        return f"Le corpus ne dit rien de {year} précisément. Ce qu'il dit du sujet :"
    if plan.missing:
        return _MISSING[plan.missing][int(english)]
    return _LEADS[plan.kind][int(english)]


def abstention_text(passages: list[RetrievedChunk], english: bool) -> str:
    sections: list[str] = []
    for passage in passages[:3]:
        if passage.section not in sections:
            sections.append(passage.section)
    if english:
        text = ABSTAIN_EN
        if sections:
            text += " The closest topics in the corpus: " + "; ".join(sections) + "."
        return text
    text = ABSTAIN_FR
    if sections:
        text += " Les thèmes les plus proches du corpus : " + " ; ".join(sections) + "."
    return text


def citations_for_llm_text(text: str, passages: list[RetrievedChunk]) -> list[Citation]:
    """One citation per marker used, quoting the passage sentence closest to the claim."""
    citations: list[Citation] = []
    seen: set[int] = set()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        numbers = [int(n) for n in re.findall(r"\[(\d{1,3})\]", sentence)]
        claim = set(analyze(re.sub(r"\[\d+\]", "", sentence)))
        for number in numbers:
            if number in seen or not 1 <= number <= len(passages):
                continue
            seen.add(number)
            passage = passages[number - 1]
            options = split_sentences(passage.text) or [passage.text]
            quote = max(options, key=lambda s: len(claim & set(analyze(s))))
            citations.append(
                Citation(
                    marker=number,
                    source=passage.source,
                    section=passage.section,
                    page=passage.page,
                    quote=quote,
                    chunk_id=passage.id,
                )
            )
    return citations


# --- untrusted text and limits (OWASP LLM01/02/05/10; see assistant.safety) --------------------
MAX_TURN_CHARS = 4000  # one earlier turn, as given to retrieval and to the LLM
MAX_HISTORY_TURNS = 200  # beyond this (or a turn over MAX_HISTORY_CHARS), refused
MAX_HISTORY_CHARS = 100_000
MAX_K = 50
CHARS_PER_TOKEN = 6  # generous: French averages ~4 characters per token


def safe_answer(answer: Answer, settings: Settings) -> Answer:
    """The answer as every consumer gets it: LLM text and extractive quotes go through the
    output filter (no invisible characters, remote images, unsafe links or raw HTML), and
    warnings carry no secret."""
    secrets = secrets_of(settings)
    return answer.model_copy(
        update={
            "answer": sanitize_output(answer.answer),
            "citations": [
                c.model_copy(update={"quote": sanitize_output(c.quote)}) for c in answer.citations
            ],
            "warnings": [sanitize_output(redact(w, secrets)) for w in answer.warnings],
        }
    )


def secrets_of(settings: Settings) -> list[str]:
    values = [settings.llm_api_key, settings.chroma_token, settings.auth_secret]
    return [v.get_secret_value() for v in values if v is not None]


def limit_history(turns: list[Turn], settings: Settings) -> list[Turn]:
    """The last ``max_history_turns`` turns, each cut to :data:`MAX_TURN_CHARS`."""
    if len(turns) > MAX_HISTORY_TURNS or any(len(t.content) > MAX_HISTORY_CHARS for t in turns):
        raise AnswerError(
            f"Historique trop long (au plus {MAX_HISTORY_TURNS} tours de "
            f"{MAX_HISTORY_CHARS} caractères) : seuls les {settings.max_history_turns} derniers "
            "tours servent, envoyez-les seuls. / History too long."
        )
    limit = settings.max_history_turns
    kept = turns[-limit:] if limit else []
    if len(turns) > len(kept):
        log.info("history: %d earlier turns dropped (limit %d)", len(turns) - len(kept), limit)
    return [Turn(role=t.role, content=t.content[:MAX_TURN_CHARS]) for t in kept]


def check_k(k: int | None) -> int | None:
    if k is not None and not 1 <= k <= MAX_K:
        raise AnswerError(
            f"Nombre de passages demandé invalide ({k}) : entre 1 et {MAX_K}. "
            "/ Invalid number of passages."
        )
    return k


def output_bound(settings: Settings) -> Bound:
    """LLM output capped in characters (from ``llm_max_tokens``) and in time."""
    return Bound(
        max_chars=settings.llm_max_tokens * CHARS_PER_TOKEN,
        max_seconds=settings.llm_timeout_s * (1 + settings.llm_max_retries),
    )


def build_assistant(settings: Settings | None = None) -> Assistant:
    from ..settings import get_settings

    return Assistant(settings or get_settings())
