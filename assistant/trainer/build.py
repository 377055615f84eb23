""":func:`build_sheet`: the one function the CLI and the chat call.

Offline the sheet is extractive: every line is a readable unit of the note (a sentence, a
list with its lead-in) or a part of one, and cites it. Suggested lines (objectives,
discussion questions) are templates around cited material, marked as suggestions. With an
LLM configured, :mod:`.draft` rewrites the key messages from the same cited units and keeps
only the lines it can check against them.

This module decides the order the parts are made in, which is the order their sources are
numbered: key messages, figures, examples, definitions, questions, quiz, further reading,
objectives. Each part is made by its own module (:mod:`.keys`, :mod:`.facts`,
:mod:`.examples`, :mod:`.guidance`, :mod:`.quiz`) from the pieces :mod:`.pieces` gathers.
"""

from __future__ import annotations

import logging
import time

from ..answer.answering import Assistant
from ..search.retrieval import Retriever
from .examples import named_examples
from .facts import definitions, key_figures
from .guidance import further_reading, objectives, questions
from .keys import MIN_KEY_MESSAGES, key_pieces, relevant
from .links import anchored_line, bind_links, note_links
from .pieces import Citations, gather
from .plan import DEFAULT_MINUTES, session_plan
from .quiz import key_topics, quiz_items
from .scope import Scope, resolve
from .sheet import Line, ScopeEntry, Sheet, Source

log = logging.getLogger(__name__)


def build_sheet(
    assistant: Assistant,
    topic: str,
    viewer: str | None = None,
    use_llm: bool | None = None,
    minutes: int = DEFAULT_MINUTES,
) -> Sheet:
    """The session sheet for a day (« 12e jour »), a section or a theme, with a session
    plan timed for ``minutes``.

    ``use_llm``: None follows the settings (an LLM when one is configured)."""
    started = time.perf_counter()
    scope = resolve(assistant, topic, viewer)
    sheet = extractive_sheet(assistant.retriever, scope, topic)
    if use_llm if use_llm is not None else assistant.uses_llm:
        from .draft import draft_with_llm

        sheet = draft_with_llm(assistant, sheet)
    sheet.minutes = minutes
    sheet.plan = session_plan(sheet, minutes)
    log.info("sheet « %s » built in %.0f ms", sheet.title, (time.perf_counter() - started) * 1e3)
    return sheet


def extractive_sheet(retriever: Retriever, scope: Scope, topic: str) -> Sheet:
    """The sheet from the note's own units, every line cited."""
    pieces, notes = gather(retriever, scope)
    keys = key_pieces(retriever, scope, topic, pieces)
    material = pieces if scope.kind != "theme" else relevant(pieces)
    citations = Citations()
    sheet = Sheet(
        topic=topic,
        title=scope.title,
        kind=scope.kind,  # type: ignore[arg-type]
        scope=[],
        day=scope.day,
    )
    # The parts in the order of the sheet, so the sources are numbered down the page.
    bound = bind_links(retriever, pieces)
    sheet.key_messages = [
        Line(p.unit.text, (citations.cite(p),), links=bound.get(id(p), ())) for p in keys
    ]
    sheet.figures = key_figures(citations, keys, material)
    sheet.examples = named_examples(retriever, citations, material)
    sheet.definitions = definitions(citations, material)
    sheet.questions = questions(citations, material, keys)
    sheet.quiz = quiz_items(retriever, citations.sources, sheet)
    sheet.topics = key_topics(retriever, sheet)
    sheet.further = link_lines(retriever, citations, pieces, bound) + further_reading(
        retriever, citations, scope, pieces, notes
    )
    sheet.objectives = objectives(citations, scope, pieces, keys, sheet)
    sheet.sources = citations.sources
    sheet.scope = _scope_entries(retriever, scope, citations.sources)
    if len(sheet.key_messages) < MIN_KEY_MESSAGES:
        # Said first, before any content: the trainer knows the note covers it thinly.
        sheet.warnings.insert(
            0,
            f"Thème peu couvert par la note : elle ne donne que {len(sheet.key_messages)} "
            "message(s) citable(s) sur ce thème ; complétez la séance par d'autres sources.",
        )
    return sheet


def link_lines(
    retriever: Retriever, citations: Citations, pieces: list, bound: dict[int, tuple[str, ...]]
) -> list[Line]:
    """« Pour aller plus loin » opens on the note's own links: each with the line of the
    note it documents, cited, in reading order."""
    lines: list[Line] = []
    shown: set[str] = set()
    for piece in pieces:
        urls = tuple(u for u in bound.get(id(piece), ()) if u not in shown)
        if not urls:
            continue
        shown.update(urls)
        links = note_links(retriever, piece.passage.source)
        # Each link beside the line of the unit it documents (a list's items apart).
        by_line: dict[str, list[str]] = {}
        for url in urls:
            by_line.setdefault(anchored_line(piece, (url,), links), []).append(url)
        for text, grouped in by_line.items():
            lines.append(Line(text, (citations.cite(piece),), links=tuple(grouped)))
    return lines


def _scope_entries(retriever: Retriever, scope: Scope, sources: list[Source]) -> list[ScopeEntry]:
    """The sections the sheet covers, with their pages, in the note's order: every section
    it cites, and for a day or a section all of its own passages."""
    pages: dict[tuple[str, str], set[int]] = {}
    for source in sources:
        entry = pages.setdefault((source.source, source.section), set())
        if source.page is not None:
            entry.add(source.page)
    if scope.kind != "theme":
        for passage in scope.passages:
            entry = pages.setdefault((passage.source, passage.section), set())
            if passage.page is not None:
                entry.add(passage.page)
    order = {c.section: i for i, c in reversed(list(enumerate(retriever.chunks)))}
    return [
        ScopeEntry(source, section, tuple(sorted(found)))
        for (source, section), found in sorted(pages.items(), key=lambda kv: order.get(kv[0][1], 0))
    ]
