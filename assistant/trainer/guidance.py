"""The parts of a sheet that guide the session around its facts: the learning objectives,
the questions to debate and the further reading.

The note's own words come first (its opening sentence as an aim, the questions it asks,
the documents and platforms it points to); where it gives none, a line is a template
around cited material, marked as a suggestion.
"""

from __future__ import annotations

import re

from ..models import RetrievedChunk
from ..search.retrieval import Retriever
from ..textnorm import fold
from ..textunits import Unit
from .material import figures_in, further_items, lines_of, questions_in
from .pieces import Citations, Piece
from .scope import Scope
from .sheet import Line, Sheet

MAX_QUESTIONS = 5
MAX_FURTHER = 8

_TEMPLATES = (
    "À propos de « {excerpt} » : partagez-vous ce constat ? Quel exemple de votre "
    "expérience l'illustre ou le nuance ?",
    "« {excerpt} » : qu'est-ce que cela change concrètement pour votre structure ou votre "
    "territoire ?",
    "« {excerpt} » : quels freins et quels leviers voyez-vous pour le mettre en pratique ?",
)


def questions(citations: Citations, pieces: list[Piece], keys: list[Piece]) -> list[Line]:
    """The questions the note asks, then suggested ones on the key messages up to three."""
    asked: list[Line] = []
    seen: set[str] = set()
    for piece in pieces:
        for question in questions_in(piece.unit):
            if fold(question) not in seen:
                seen.add(fold(question))
                asked.append(Line(question, (citations.cite(piece),)))
    asked = asked[:MAX_QUESTIONS]
    for piece in keys:
        if len(asked) >= 3:
            break
        question = _suggested_question(piece.unit, len(asked))
        asked.append(Line(question, (citations.cite(piece),), True))
    return asked


def _suggested_question(unit: Unit, number: int = 0) -> str:
    lines = lines_of(unit)
    if unit.kind == "list" and lines:
        lead = lines[0].rstrip(" :")
        return (
            f"« {lead} » : parmi ces points, lesquels se retrouvent dans votre structure ou "
            "sur votre territoire ?"
        )
    if figures_in(unit.text):
        return (
            f"« {_excerpt(unit.text)} » : ce chiffre vous surprend-il ? Que dit-il de la "
            "situation de votre structure ou de votre territoire ?"
        )
    return _TEMPLATES[number % len(_TEMPLATES)].format(excerpt=_excerpt(unit.text))


def _excerpt(text: str, words: int = 12) -> str:
    parts = text.split("\n")[0].split()
    short = " ".join(parts[:words]).rstrip(" ,;:.")
    return short + ("…" if len(parts) > words else "")


def further_reading(
    retriever: Retriever,
    citations: Citations,
    scope: Scope,
    pieces: list[Piece],
    notes: list[Piece],
) -> list[Line]:
    """What the scope points to (its « pour en savoir plus » items and footnotes), then the
    note's general references; each line once."""
    lines: list[Line] = []
    for piece in pieces:
        for item in further_items(piece.unit):
            lines.append(Line(item, (citations.cite(piece),)))
    for piece in notes:
        text = re.sub(r"^note\s*:\s*", "", piece.unit.text, flags=re.IGNORECASE)
        if len(text) > 15:
            lines.append(Line(text, (citations.cite(piece),)))
    lines += _general_further(retriever, citations, scope)
    unique = {fold(x.text): x for x in reversed(lines)}
    return [x for x in lines if unique.get(fold(x.text)) is x][:MAX_FURTHER]


def _general_further(retriever: Retriever, citations: Citations, scope: Scope) -> list[Line]:
    """The note's closing « Pour aller plus loin » section: its reference document and
    platform, when the sheet is not that section itself."""
    titles = {c.section for c in retriever.chunks}
    section = next((t for t in titles if fold(t).startswith("pour aller plus loin")), None)
    if section is None or section == scope.title:
        return []
    source = next(c.source for c in retriever.chunks if c.section == section)
    lines: list[Line] = []
    for chunk, _ in retriever.section(source, section):
        passage = RetrievedChunk.of(chunk, 0.0, 0)
        for unit in retriever.units_of(passage):
            text = unit.text
            if unit.quotable and re.search(r"référentiel|plateforme", text, re.I):
                lines.append(Line(text, (citations.cite(Piece(passage, unit, 0)),)))
    return lines[:2]


def objectives(
    citations: Citations, scope: Scope, pieces: list[Piece], keys: list[Piece], sheet: Sheet
) -> list[Line]:
    """The section's own aim when it opens on one, then suggested objectives on what the
    sheet holds (figures, examples, definitions, the note's questions)."""
    lines: list[Line] = []
    opening = pieces[0] if pieces and scope.kind != "theme" else None
    if opening and _opening_aim(opening) and opening not in keys:
        # The section's opening sentence: what the note itself sets out to show
        # (unless it is already the first key message).
        lines.append(Line(opening.unit.text, (citations.cite(opening),)))
    if sheet.figures:
        shown = sheet.figures[:4]
        values = ", ".join(f.value for f in shown)
        refs = tuple(dict.fromkeys(f.ref for f in shown))
        lines.append(Line(f"Connaître et situer les chiffres clés : {values}.", refs, True))
    if sheet.examples:
        shown_examples = sheet.examples[:4]
        names = ", ".join(e.name for e in shown_examples)
        refs = tuple(dict.fromkeys(e.ref for e in shown_examples))
        lines.append(Line(f"Citer des exemples concrets : {names}.", refs, True))
    if sheet.definitions:
        terms = ", ".join(d.term for d in sheet.definitions[:3])
        refs = tuple(dict.fromkeys(d.ref for d in sheet.definitions[:3]))
        lines.append(Line(f"Définir avec les mots de la note : {terms}.", refs, True))
    asked = [q for q in sheet.questions if not q.suggested]
    if asked:
        refs = tuple(dict.fromkeys(m for q in asked for m in q.refs))
        lines.append(Line("Débattre des questions que pose la note (voir plus bas).", refs, True))
    return lines


def _opening_aim(piece: Piece) -> bool:
    """The section's first unit states its aim when it is a short sentence, not a
    list or a figure (those are messages)."""
    text = piece.unit.text
    return piece.unit.kind == "sentence" and len(text) <= 420 and not figures_in(text)
