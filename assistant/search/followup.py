"""Follow-ups that point into the previous answer: « détaille le deuxième point », « développe
ce point ». The points are the previous answer's list lines when it has some (numbered or
bulleted), else its cited sentences (the text before each marker [n])."""

from __future__ import annotations

import re

from ..models import Turn
from ..textnorm import analyze, fold

_MARKERS = re.compile(r"\s*\[\d{1,3}\]")
_LIST_LINE = re.compile(r"^\s*(?:[-•▪◦●*–]|\d{1,2}[.)])\s+(?P<text>.+)$")
_LEAD = re.compile(r"^[^:\n]{0,60}(?:corpus|note|text)[^:\n]{0,30}:\s*", re.IGNORECASE)


def previous_points(history: list[Turn]) -> list[str]:
    """The points of the last assistant answer, in order (markers removed)."""
    answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    if not answer.strip():
        return []
    items = [m.group("text") for m in map(_LIST_LINE.match, answer.splitlines()) if m]
    if len(items) >= 2:
        return [_clean(item) for item in items if _clean(item)]
    body = _LEAD.sub("", answer.strip(), count=1)
    points = [_clean(part) for part in re.split(r"(?<=\])\s+", body)]
    return [p for p in points if len(p) > 3]


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
