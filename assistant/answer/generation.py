"""The answer's text: the extractive one (no model, no network) quotes the
:class:`~.planning.Plan`'s units; the LLM's (written by the chain of :mod:`.chain` from the
plan's passages) becomes an answer through :func:`llm_answer`. Both cite through
:mod:`.citations`; the :class:`~.answering.Assistant` decides before either runs whether to
answer at all, and filters what they produce.

The words around the quotes come first: the lead that says what kind of answer follows
(and first what the corpus does not say), the abstention, a quoted list shown as a nested
list.
"""

from __future__ import annotations

from ..models import Answer, Citation, RetrievedChunk
from ..textnorm import fold
from ..textunits import is_item, strip_bullet
from .citations import citations_for_llm_text, cite, cite_runs
from .planning import Missing, Plan

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

# What a part of a two-part question asks, when the corpus does not give it.
_PART_MISSING = {
    "figure": ("ce chiffre", "this figure"),
    "date": ("cette date", "this date"),
    "actors": ("ce nom", "this name"),
    "place": ("ce lieu", "this place"),
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


_OF_DETERMINER = (
    ("le ", "du "),
    ("les ", "des "),
    ("des ", "de "),
    ("du ", "du "),
    ("la ", "de la "),
    ("l'", "de l'"),
    ("l’", "de l’"),
    ("un ", "d'un "),
    ("une ", "d'une "),
)


def about_lead(about: str, english: bool) -> str:
    """What a quote that leans points at, said before it (« (À propos du rapport
    interministériel …) Il a recommandé … »): the quote stays verbatim, and reads alone."""
    if not about:
        return ""
    if about.endswith(":"):
        # A list's lead-in, cut off by the chunk boundary.
        return f"(Suite de « {about} ») " if not english else f"(Continuing « {about} ») "
    if english:
        return f"(About « {about} ») "
    lowered = about[:5].lower()
    for determiner, contracted in _OF_DETERMINER:
        if lowered.startswith(determiner):
            return f"(À propos {contracted}{about[len(determiner) :]}) "
    return f"(À propos de {about}) "


def lead_for(plan: Plan, english: bool) -> str:
    """The sentence that opens an extractive answer: what kind of answer follows, and first
    what the corpus does not say when it covers the topic but not the precise ask."""
    if plan.section is not None:
        if english:
            return f"Key points of « {plan.section} » (quoted in French):"
        return f"Points clés de « {plan.section} » :"
    missing = plan.missing
    if missing is None and plan.no_more:
        if english:
            return (
                f"On this point (« {plan.point} »), the corpus (in French) says no more than "
                "the previous answer quoted:"
            )
        return (
            f"Sur ce point (« {plan.point} »), le corpus n'en dit pas plus que ce que citait "
            "la réponse précédente :"
        )
    if missing is None and plan.point:
        if english:
            return f"On this point (« {plan.point} »), the corpus (in French) adds:"
        return f"Sur ce point (« {plan.point} »), le corpus précise :"
    if missing is None:
        return _LEADS[plan.kind][int(english)]
    if missing.kind == "year":
        year = missing.what
        if english:
            return f"The corpus says nothing about {year} itself. What it says on the subject:"
        return f"Le corpus ne dit rien de {year} précisément. Ce qu'il dit du sujet :"
    if missing.kind == "day":
        day = missing.what
        if english:
            return f"The corpus says nothing about {day} itself. What it says on the subject:"
        return f"Le corpus ne dit rien du {day} précisément. Ce qu'il dit du sujet :"
    if missing.kind == "name":
        name = missing.what
        if english:
            return f"The corpus does not mention « {name} ». What it says on the subject:"
        return f"Le corpus ne parle pas de « {name} ». Ce qu'il dit du sujet :"
    if missing.kind == "definition":
        name = missing.what
        if english:
            return f"The corpus does not say what « {name} » is; it names it here (in French):"
        return f"Le corpus ne dit pas ce qu'est « {name} » ; il en parle ici :"
    if missing.kind == "part":
        part = missing.what
        what = _PART_MISSING[missing.part_kind][int(english)]
        if english:
            return f"The corpus does not give {what} (« {part} ? »). What it says of the rest:"
        return f"Le corpus ne donne pas {what} (« {part} ? »). Ce qu'il dit du reste :"
    return _MISSING[missing.kind][int(english)]


# The abstention says what is not found when the question asks one thing the passages do
# not give (the one figure asked): the subject itself may well be in the note.
_NOT_FOUND = {
    "figure": (
        "Je ne trouve pas ce chiffre dans le corpus : il parle du sujet sans le donner.",
        "I cannot find this figure in the corpus: it speaks of the subject without giving it.",
    ),
    "outcome": (
        "Je ne trouve pas cette information dans le corpus : écrit avant, il annonce ce dont "
        "vous parlez sans en donner l'issue.",
        "I cannot find this information in the corpus: written before, it announces what you "
        "ask about without giving its outcome.",
    ),
}


_ORDINAL_WORDS = ("", "premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième")
_ORDINAL_WORDS_EN = ("", "first", "second", "third", "fourth", "fifth", "sixth")


def no_such_point_text(ordinal: int, points: int, english: bool) -> str:
    """« Développe le troisième point » after an answer of two points, or of none."""
    if english:
        asked = _ORDINAL_WORDS_EN[ordinal] if 0 < ordinal < 7 else "last" if ordinal < 0 else ""
        if points:
            return (
                f"My previous answer has no {asked} point: it gives {points}. "
                "Say which one to expand, or ask about the subject itself."
            )
        return "My previous answer gives no list of points. Ask about the subject itself."
    asked = _ORDINAL_WORDS[ordinal] if 0 < ordinal < 7 else "dernier" if ordinal < 0 else ""
    if points:
        return (
            f"Ma réponse précédente n'a pas de {asked} point : elle en donne {points}. "
            "Dites lequel développer, ou posez votre question sur le sujet lui-même."
        )
    return (
        "Ma réponse précédente ne donne pas de liste de points. Posez votre question sur le "
        "sujet lui-même."
    )


def abstention_text(
    passages: list[RetrievedChunk], english: bool, missing: Missing | None = None
) -> str:
    if missing is not None and missing.kind == "point":
        return no_such_point_text(missing.ordinal, missing.points, english)
    sections: list[str] = []
    for passage in passages[:3]:
        if passage.section not in sections:
            sections.append(passage.section)
    if missing is not None and missing.kind in _NOT_FOUND:
        text = _NOT_FOUND[missing.kind][int(english)]
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


class ExtractiveGenerator:
    """The plan's units quoted verbatim, each followed by its marker, under a lead."""

    mode = "extractive"

    @staticmethod
    def abstain(
        passages: list[RetrievedChunk],
        english: bool,
        mode: str = "extractive",
        missing: Missing | None = None,
    ) -> Answer:
        """The abstention (« Je ne trouve pas… » and the closest topics), whichever
        generator would have answered (``mode``); ``missing``: what it does not find, when
        that is one thing (« figure »)."""
        text = abstention_text(passages, english, missing)
        return Answer(question="", answer=text, abstained=True, mode=mode)

    @staticmethod
    def compose(plan: Plan, english: bool, detail: str) -> Answer:
        markers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        by_section = detail == "full" and plan.kind in ("answer", "point")
        section = None
        for scored in plan.chosen:
            passage, quote = scored.passage, scored.unit.text
            marker = markers.setdefault(passage.id, len(markers) + 1)
            # A list cut to its lead-in and one item is two verbatim runs: the item is
            # quoted, its lead-in is its context.
            if scored.unit.parts:
                citations += cite_runs(passage, scored.unit.parts, marker)
            else:
                citations.append(cite(passage, quote, marker))
            if by_section and passage.section != section:
                # --full: the passages in reading order, under their section's title.
                section = passage.section
                parts.append(f"**{section}**")
            about = about_lead(scored.unit.about, english)
            parts.append(f"{about}{as_markdown(quote)} [{marker}]")
        lead = lead_for(plan, english)
        if by_section:
            body = "\n".join(p if p.startswith("**") else f"- {p}" for p in parts)
            text = f"{lead}\n\n{body}"
        elif detail == "full" or plan.kind in ("section", "topic") or any("\n" in p for p in parts):
            # One point a line; a quoted list keeps its own lines under its point.
            body = "\n".join(f"- {p}" for p in parts)
            text = f"{lead}\n\n{body}"
        else:
            text = f"{lead} " + " ".join(parts)
        # Markers follow the order of first use; passages keep their retrieval ranks.
        return Answer(question="", answer=text, citations=citations, mode="extractive")


def llm_answer(
    question: str, text: str, passages: list[RetrievedChunk], truncated: str | None = None
) -> Answer:
    """The model's text as an answer: each valid marker becomes a citation of the closest
    sentence of its passage; the model saying it cannot find the answer is an abstention;
    ``truncated``: why the output bound cut it, if it did."""
    abstained = fold(ABSTAIN_FR)[:30] in fold(text) or fold(ABSTAIN_EN)[:30] in fold(text)
    return Answer(
        question=question,
        answer=text.strip(),
        citations=citations_for_llm_text(text, passages),
        abstained=abstained,
        mode="llm",
        warnings=[truncated] if truncated else [],
    )
