"""What a sheet is about: a day (« 12e jour », « jour 12 »), a section named by most of its
title words (« les alliances stratégiques »), or else a theme found by the hybrid search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..answer.answering import Assistant
from ..answer.evidence import judge
from ..answer.selection import score_units
from ..errors import AssistantError
from ..models import RetrievedChunk
from ..safety import valid_unicode
from ..search.query import SearchQuery, build_search_query, read_intent
from ..search.retrieval import Retrieval
from ..textnorm import analyze, fold

_BARE_DAY = re.compile(r"^\s*(?:(?:le|la)\s+)?(?:jour|day|j)\s*(\d{1,2})\s*$|^\s*(\d{1,2})\s*$")
# « -1e jour », « jour -3 », « +2e jour »: a signed number where a day is named.
_SIGNED_DAY = re.compile(
    r"[-+\u2212]\s*\d+\s*(?:e|eme|er|ere|th|st|nd|rd)?\s+(?:jour|day)\b"
    r"|\b(?:jour|day)\s*[-+\u2212]\s*\d"
)
THEME_PASSAGES = 10


class SheetError(AssistantError, ValueError):
    """The topic cannot give a sheet (empty, unknown day, a theme the corpus does not
    treat); the message says what to ask instead."""

    public = True


@dataclass
class Scope:
    kind: str  # "day" | "section" | "theme"
    title: str
    passages: list[RetrievedChunk]  # the material, in reading order (sections) or rank
    vectors: dict[str, np.ndarray | None] = field(default_factory=dict)
    day: int | None = None
    query: SearchQuery | None = None
    retrieval: Retrieval | None = None


def resolve(assistant: Assistant, topic: str, viewer: str | None = None) -> Scope:
    topic = " ".join(valid_unicode(topic or "").split())
    if not topic:
        raise SheetError(
            "Thème manquant : donnez un jour (« 12e jour »), une section ou un thème "
            "(« les alliances stratégiques »). / Missing topic."
        )
    if len(topic) > assistant.settings.max_question_chars:
        raise SheetError(
            f"Thème trop long ({len(topic)} caractères, maximum "
            f"{assistant.settings.max_question_chars}). / Topic too long."
        )
    retriever = assistant.retriever
    retriever.sync()  # the newest index, once per sheet
    if _SIGNED_DAY.search(fold(topic)):
        raise SheetError(
            f"Jour invalide : « {topic} » ; un jour est un nombre positif (« 12e jour »). "
            "/ Invalid day."
        )
    bare = _BARE_DAY.match(fold(topic))
    day = read_intent(topic).day or (int(bare.group(1) or bare.group(2)) if bare else None)
    named = retriever.find_section(analyze(topic), day, viewer)
    if day is not None and named is None:
        days = sorted(
            {int(m.group(1)) for c in retriever.chunks if (m := re.match(r"(\d+)", c.section))}
        )
        available = f" (jours {days[0]} à {days[-1]})" if days else ""
        raise SheetError(f"Pas de {day}e jour dans le corpus{available}. / No such day.")
    if named is not None:
        source, title = named
        chunks = retriever.section(source, title, viewer)
        passages = [RetrievedChunk.of(c, 1.0, i) for i, (c, _) in enumerate(chunks, 1)]
        vectors = {c.id: v for c, v in chunks}
        kind = "day" if re.match(r"\d+", title) else "section"
        number = int(re.match(r"(\d+)", title).group(1)) if kind == "day" else None
        return Scope(kind, title, passages, vectors, number)
    return _theme(assistant, topic, viewer)


def _theme(assistant: Assistant, topic: str, viewer: str | None) -> Scope:
    retriever = assistant.retriever
    query = build_search_query(topic, [])
    query.reads(read_intent(topic))
    retrieval = retriever.search(query, THEME_PASSAGES, viewer=viewer)
    scored = score_units(query, retrieval)
    evidence = judge(query, retrieval, scored, assistant.settings.embedding_model)
    if not retrieval.passages or evidence.confidence < assistant.settings.abstain_threshold:
        near = list(dict.fromkeys(p.section for p in retrieval.passages))[:3]
        hint = f" Thèmes proches : {' ; '.join(near)}." if near else ""
        raise SheetError(
            f"Le corpus ne traite pas de « {topic} » : pas de fiche possible.{hint} "
            "/ The corpus does not cover this topic."
        )
    title = topic[:1].upper() + topic[1:]
    return Scope("theme", title, list(retrieval.passages), {}, None, query, retrieval)
