"""The words around the quotes: the lead that says what kind of answer follows (and first
what the corpus does not say), the abstention, a quoted list shown as a nested list."""

from __future__ import annotations

from ..models import RetrievedChunk
from ..search.units import is_item, strip_bullet
from .planning import Plan

ABSTAIN_FR = "Je ne trouve pas cette information dans le corpus."
ABSTAIN_EN = "I cannot find this information in the corpus."

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
    # A list whose lead-in is in another passage opens on an item: no bullet sign of the
    # PDF (« • », « o ») before the point's own dash.
    shown = [strip_bullet(lines[0]) if is_item(lines[0]) else lines[0]]
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
    if plan.missing.startswith("name:"):
        name = plan.missing.split(":", 1)[1]
        if english:
            return f"The corpus does not mention « {name} ». What it says on the subject:"
        return f"Le corpus ne parle pas de « {name} ». Ce qu'il dit du sujet :"
    if plan.missing:
        return _MISSING[plan.missing][int(english)]
    return _LEADS[plan.kind][int(english)]


# The abstention says what is not found when the question asks one thing the passages do
# not give (the one figure asked): the subject itself may well be in the note.
_NOT_FOUND = {
    "figure": (
        "Je ne trouve pas ce chiffre dans le corpus : il parle du sujet sans le donner.",
        "I cannot find this figure in the corpus: it speaks of the subject without giving it.",
    ),
}


def abstention_text(passages: list[RetrievedChunk], english: bool, missing: str = "") -> str:
    sections: list[str] = []
    for passage in passages[:3]:
        if passage.section not in sections:
            sections.append(passage.section)
    if missing in _NOT_FOUND:
        text = _NOT_FOUND[missing][int(english)]
        closest = " The closest topics: " if english else " Les thèmes les plus proches : "
        return text + (closest + " ; ".join(sections) + "." if sections else "")
    if english:
        text = ABSTAIN_EN
        if sections:
            text += " The closest topics in the corpus: " + "; ".join(sections) + "."
        return text
    text = ABSTAIN_FR
    if sections:
        text += " Les thèmes les plus proches du corpus : " + " ; ".join(sections) + "."
    return text
