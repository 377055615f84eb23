"""What an answer is made from: the units an extractive answer quotes, in order, and the
passages an LLM reads — a section's own passages when the question names one (« Résume le
12e jour »), and what the question asks that the quotes do not give (a figure, a year)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import RetrievedChunk
from ..search.intent import years_in
from ..search.query import SearchQuery
from ..search.retrieval import Retrieval, Retriever
from ..settings import Settings
from .selection import STRICT_KINDS, SUMMARY_RATIO, Scored, choose, summarise


@dataclass
class Plan:
    """The units an extractive answer quotes, in order, and how it is framed."""

    chosen: list[Scored]
    kind: str  # answer | point | section | topic
    passages: list[RetrievedChunk]
    missing: str = ""  # "figure" | "date" | "year:NNNN": asked for, not in the quotes
    section: str | None = None  # the section a summary covers


def plan_answer(
    retriever: Retriever,
    settings: Settings,
    query: SearchQuery,
    retrieval: Retrieval,
    scored: list[Scored],
    detail: str,
    viewer: str | None = None,
) -> Plan:
    """What the extractive answer quotes, and how it is framed."""
    question, intent = query.focus_text, query.intent
    limit = settings.max_answer_sentences * (2 if detail == "full" else 1)
    if intent.kind == "summary":
        named = retriever.find_section(question, intent.day, viewer)
        if named is not None:
            return section_plan(retriever, named, retrieval, limit + 2, viewer)
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


def section_plan(
    retriever: Retriever,
    named: tuple[str, str],
    retrieval: Retrieval,
    limit: int,
    viewer: str | None = None,
) -> Plan:
    """« Résume le 12e jour »: the section's key units in reading order; the section's
    chunks become the passages, the most central first."""
    source, title = named
    section = retriever.section(source, title, viewer)
    as_passages = [(RetrievedChunk.of(c, 0.0, 0), vectors) for c, vectors in section]
    chosen = summarise(as_passages, retriever.units_of, limit)
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
