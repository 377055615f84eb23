"""A question that asks two things at once (« Depuis quand X …, et combien de réseaux … ? »,
« Qui a donné le coup d'envoi …, et où ? »): its parts, each with the kind of answer it asks
and its own words, and for each part the unit of the retrieved passages that answers it.

The plan quotes its best units as for any question; a part of a kind that is either in a
sentence or not (a date, a figure, actors, a place) that none of them answers gets the unit
that does — one that holds the part's kind and shares the part's words — and the units come
in the question's order, each once. A part the passages do not answer gets nothing: no
filler, and the evidence check (the decision to answer at all) is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..search.query import Intent, read_intent
from ..textnorm import analyze, tokens
from ..textunits import Unit, around_items, split_sentences
from .holds import gives, holds, names_in
from .selection import STRICT_KINDS, Scored, overlap

# « où » asks a place, unless it asks how far something has got (« où en sont-elles ? »).
_WHERE = re.compile(r"(?:^|\W)(?:où(?!\s+en\b)|where)\b|^ou\b(?!\s+en\b)", re.IGNORECASE)

# The kinds a sentence either holds or not: a part of another kind (« comment », « pourquoi
# ») cannot be told answered from its words alone, and gets no unit of its own.
PART_KINDS = ("figure", "date", "actors", "place")
# The best unit for a part must hold this share of the part's words (by IDF).
MIN_COVER = 0.5


@dataclass(frozen=True)
class Part:
    text: str
    kind: str  # figure | date | actors | place | another kind of .query.Intent
    intent: Intent
    terms: tuple[str, ...]  # its own words (analyze); empty: it borrows the question's


def parts_of(intent: Intent) -> list[Part]:
    """The parts of the question ``intent`` reads (split once, by read_intent), each with
    its own kind and words; [] for a question asking one thing."""
    return [_part(p) for p in intent.parts]


def question_parts(question: str) -> list[Part]:
    """:func:`parts_of` the question's reading."""
    return parts_of(read_intent(question))


# Words that say what kind of answer a part asks, not what it is about (« depuis quand »,
# « à quelle date », « pendant combien d'années »).
_CUES = "depuis date pendant"


def _part(text: str) -> Part:
    intent = read_intent(text)
    kind = intent.kind
    if kind not in ("figure", "date", "actors") and _WHERE.search(text):
        kind = "place"
    cues = set(analyze(_CUES))
    terms = tuple(t for t in dict.fromkeys(analyze(text)) if t not in cues)
    return Part(text, kind, intent, terms)


# « Depuis quand … ? » asks where something starts: a date said as a start (« dès 2014 »,
# « depuis 2008 », « lancé en 2014 »), not any date near the subject (« fin 2017 »).
_SINCE = re.compile(r"\bdepuis\s+quand\b|\bsince when\b", re.IGNORECASE)
_START = re.compile(
    r"\b(?:depuis|d[eè]s|[aà] partir de|since|lancée?s?|créée?s?|née?s?|fondée?s?)"
    r"\s+(?:(?:en|le|la|l['’]|in)\s*)?(?:\w+\s+){0,2}?(?:19|20)\d{2}\b",
    re.IGNORECASE,
)


def answers_part(part: Part, text: str) -> bool:
    """Whether ``text`` holds the kind of answer the part asks (a number of what it counts,
    a date — a starting one to « depuis quand » —, a name)."""
    if part.kind == "figure":
        return gives(part.intent, text) if part.intent.one_figure else holds("figure", text) > 0
    if part.kind in ("place", "actors"):
        # A place or who is answered by a name; the kinds of actors the note speaks of
        # (« les associations ») weigh for « qui » (holds) but name no one.
        return names_in(text) > 0
    if part.kind == "date" and _SINCE.search(part.text):
        return bool(_START.search(text))
    return holds(part.kind, text) > 0


@dataclass
class Covered:
    """The units quoted for a question's parts, and the first part none of them answers."""

    chosen: list[Scored]
    unanswered: Part | None = None


def cover_parts(
    parts: Sequence[Part],
    chosen: list[Scored],
    candidates: Sequence[Scored],
    question_terms: Sequence[str],
    idf: Callable[[str], float],
    limit: int,
    cognates: Mapping[str, str] | None = None,
) -> Covered:
    """The chosen units, with the unit answering each part none of them answers, in the
    question's order (each unit once; the units answering no part after). A part no unit
    answers gets none, and no unit that would read as its answer (another figure, another
    date) follows the others."""
    if not chosen:
        return Covered(chosen)
    placed: list[Scored] = []
    unanswered: list[Part] = []
    for part in parts:
        unit = _answer_to(part, chosen, candidates, question_terms, idf, cognates or {})
        if unit is None:
            # A figure or a date is in a sentence or not; a name or a place takes forms the
            # patterns do not all read (« sur la plateforme Coursera »): not said missing.
            if part.kind in STRICT_KINDS:
                unanswered.append(part)
        elif not _among(unit, placed) and not _repeats(unit, placed):
            placed.append(unit)
    if not placed:
        return Covered(chosen)
    rest = [
        s
        for s in chosen
        if not _among(s, placed)
        and not _repeats(s, placed)
        and not any(_reads_as(p, s) for p in unanswered)
    ]
    quoted = placed + rest[: max(0, limit - len(placed))]
    # Said missing only when no quote has the part's form at all: a figure quoted for the
    # first part may well be the second's in words the patterns do not read.
    missing = [p for p in unanswered if not any(_reads_as(p, s) for s in quoted)]
    return Covered(quoted, missing[0] if missing else None)


def _reads_as(part: Part, unit: Scored) -> bool:
    """Whether the unit has the form of an answer to the part (any figure, any date)."""
    return holds(part.kind, unit.unit.text) > 0


def _answer_to(
    part: Part,
    chosen: list[Scored],
    candidates: Sequence[Scored],
    question_terms: Sequence[str],
    idf: Callable[[str], float],
    cognates: Mapping[str, str],
) -> Scored | None:
    """The unit that answers the part: the first chosen one that holds its kind and shares
    its words, else the retrieved unit that does best; None when none does."""
    if part.kind not in PART_KINDS:
        return chosen[0]  # not told answered from a sentence's form: the best unit stands
    # A word no retrieved unit holds (« existe-t-il ? ») is the question's, not the note's:
    # what a unit covers is measured on the words the passages have. An English word
    # stands for the corpus term it is a cognate of; a part none of whose words a unit can
    # hold (« since when has the network existed ») is measured on the question's.
    held = {t for s in candidates for t in s.unit.terms}
    weight: dict[str, float] = {}
    for words in (part.terms, tuple(question_terms)):
        french = dict.fromkeys(cognates.get(t, t) for t in words)
        weight = {t: idf(t) for t in french if t in held}
        if weight:
            break
    own = bool(weight) and words is part.terms
    total = sum(weight.values())

    def cover_terms(terms: Sequence[str]) -> float:
        if not total:
            return 1.0  # no word of the question is the note's: the kind alone decides
        present = set(terms)
        return sum(w for t, w in weight.items() if t in present) / total

    def cover(unit: Unit) -> float:
        return cover_terms(unit.terms)

    def says(s: Scored) -> bool:
        """A sentence of the unit holds the part's kind and some of its words: « Le rapport
        … réalisé en 2018 … » beside a sentence naming the platform dates no creation."""
        return any(
            answers_part(part, sentence) and cover_terms(analyze(sentence)) > 0
            for sentence in split_sentences(s.unit.text)
        )

    for s in chosen:
        if says(s):
            return s
    # A number of what the part counts names its subject already; a date or a name must
    # come with most of the part's words.
    floor = 0.0 if part.kind == "figure" and part.intent.one_figure else MIN_COVER
    best: Scored | None = None
    for s in candidates:
        if s.unit.leans or not answers_part(part, s.unit.text) or cover(s.unit) <= floor:
            continue
        if best is None or (cover(s.unit), s.score) > (cover(best.unit), best.score):
            best = s
    if best is None and own and part.kind == "figure" and part.intent.one_figure:
        # A number of what the part counts in other words (« les 193 Etats membres » for
        # « combien de pays »): the best unit quoted, when it holds a figure and most of
        # the part's own words, is its answer rather than a figure to leave out. (A part
        # none of whose words the passages hold — « combien de salariés » of a note that
        # never names them — is not given.)
        return next(
            (
                s
                for s in chosen
                if holds("figure", s.unit.text) > 0 and cover(s.unit) >= MIN_COVER
            ),
            None,
        )
    if best is None:
        return None  # the passages do not answer this part: nothing in its place
    cut = around_items(best.unit, lambda line: answers_part(part, line))
    return best if cut is None else replace(best, unit=cut)


def _repeats(unit: Scored, others: Sequence[Scored]) -> bool:
    words = set(tokens(unit.unit.text))
    return any(overlap(words, set(tokens(o.unit.text))) > 0.6 for o in others)


def _among(unit: Scored, units: Sequence[Scored]) -> bool:
    return any(unit is other for other in units)
