"""Follow-ups that point into the previous answer: « détaille le deuxième point », « développe
ce point ». The points are the previous answer's list lines when it has some (numbered or
bulleted), else its cited sentences (the text before each marker [n])."""

from __future__ import annotations

import re

from ..models import Turn
from ..textnorm import analyze, fold

_MARKERS = re.compile(r"\s*\[\d{1,3}\]")
_LIST_LINE = re.compile(r"^(?P<indent>\s*)(?:[-•▪◦●*–]|\d{1,2}[.)])\s+(?P<text>.+)$")
_LEAD = re.compile(r"^[^:\n]{0,60}(?:corpus|note|text)[^:\n]{0,30}:\s*", re.IGNORECASE)


def previous_answer(history: list[Turn]) -> str:
    """The last assistant answer of the conversation ("" when there is none)."""
    return next((t.content for t in reversed(history) if t.role == "assistant"), "")


def previous_points(history: list[Turn]) -> list[str]:
    """The points of the last assistant answer, in order (markers removed): its list items
    (the nested ones when a list sits under one point: « - Deux chiffres-clés… :\n  - 82%…
    \n  - 61%… »), else the items a sentence enumerates after a colon (« 4 leviers : les
    cotisations, les subventions publiques, les revenus d'activité et le financement
    privé »), else its cited sentences."""
    answer = previous_answer(history)
    if not answer.strip():
        return []
    items = [
        (len(m.group("indent")), m.group("text"))
        for m in map(_LIST_LINE.match, answer.splitlines())
        if m
    ]
    levels = sorted({indent for indent, _ in items}, reverse=True)
    for level in levels:  # the innermost level that lists two points or more
        points = [_clean(text) for indent, text in items if indent == level and _clean(text)]
        if len(points) >= 2:
            return points
    body = _LEAD.sub("", answer.strip(), count=1)
    sentences = [_clean(part) for part in re.split(r"(?<=\])\s+", body)]
    sentences = [p for p in sentences if len(p) > 3]
    for sentence in sentences:
        enumerated = _enumerated(sentence)
        if enumerated:
            return enumerated
    return sentences


# The items a sentence lists after a colon end at the sentence's end, a bracket or a
# relative clause (« …et alliances stratégiques, qu’il est nécessaire d’articuler… »).
_ENUMERATION = re.compile(r":\s*(?P<items>[^:]+?)(?:\s*\(|,\s*(?:qu|qui|dont|ce qui)\b|[.;!?]|$)")
_MAX_ITEM_CHARS = 90


def _enumerated(sentence: str) -> list[str]:
    match = _ENUMERATION.search(sentence)
    if not match:
        return []
    parts = [p.strip() for p in re.split(r",\s+|\s+et\s+(?=[^,]*$)", match.group("items"))]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(len(p) > _MAX_ITEM_CHARS for p in parts):
        return []
    return parts


# Nouns that can only point into the previous answer; any other counted noun (« le deuxième
# outil ») must occur in the last question or answer, so « Quel est le premier levier ? »
# asked afresh after an unrelated answer stays a question of its own.
_POINTING_NOUNS = {"point", "element", "aspect", "item", "idee", "passage", "citation"}


def pointed_point(
    history: list[Turn], ordinal: int | None, points_back: bool, noun: str = ""
) -> str | None:
    """The text of the point a follow-up refers to, or ``None``."""
    points = previous_points(history)
    if not points:
        return None
    if ordinal is not None and noun and fold(noun) not in _POINTING_NOUNS:
        exchange = " ".join(t.content for t in history[-2:])  # last question and answer
        if not set(analyze(noun)) & set(analyze(exchange)):
            return None
    if ordinal is not None:
        if ordinal == -1:
            return points[-1]
        return points[ordinal - 1] if 1 <= ordinal <= len(points) else None
    return points[0] if points_back else None


def _clean(text: str) -> str:
    return _MARKERS.sub("", text).strip(" ;,")
