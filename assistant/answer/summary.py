"""A section's key points (« Résume le 12e jour »): what a reader of the section should keep —
its figures, the organisations, programmes and people it names — not only its lead sentences.

Each point is a readable unit of the section (:mod:`assistant.textunits`). Points are chosen
one at a time: the unit whose meaning is closest to the section's centre (the mean of its
sentence vectors, rescaled over the candidates) plus what it adds of the section's
information — the names and numbers it holds that no point chosen so far holds (on a log
scale: a list of ten names is worth more than one name, not ten times more). What a sentence
names is read at ingest by spaCy (:mod:`assistant.ingest.information`); a chunk indexed
without that reading is read here, by :func:`information` (capitalised words, digits, quoted
titles). A unit repeating a chosen one adds nothing and is left out. The points are quoted
in reading order, within the answer's length: as many points as its limit, in the characters
of as many short points (a point may be longer than the others when the total allows it; a
long list is quoted from its lead-in down to the items that fit).

Measured on the golden set's section summaries (docs/evaluation.md, issue 18): the units
closest to the centre alone are the section's generic opening sentences (« Zoom sur cette
diversité … »), and most key facts sat in the longer, informative units they left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..models import RetrievedChunk
from ..textnorm import fold, tokens
from ..textunits import Unit, is_item, split_sentences
from .selection import Scored, overlap

# How long one point may be, and the total: the answer's number of points × the length a
# point had before (420), so a summary is never longer than it could be; a point may now be
# a whole informative paragraph when the others are short. One more, shorter point within
# the same length covered more key facts but put a point off the evidence first on the check
# half (docs/evaluation.md): not kept.
POINT_CHARS = 650
TOTAL_POINT_CHARS = 420
MIN_POINT_CHARS = 40
# What a unit's information weighs against its centrality (both in [0, ~2]); swept 0.5 /
# 0.75 / 1 / 1.5 / 2 on the tune half, 1 kept (docs/evaluation.md).
W_INFORMATION = 1.0

# A figure: digits, with their thousands and decimals (« 13,2 », « 675 000 », « 82% »).
_FIGURE = re.compile(r"(?<![\w,.])\d+(?:[ \u202f\u00a0.,]\d+)*(?:\s*%)?")
# A name: capitalised words in a row (« Caisse des Dépôts », « Groupe La Poste ») or an
# acronym, not opening a sentence, a line or a list item (where any word has a capital).
_NAME = re.compile(
    r"(?<![.!?:•…]\s)(?<!^)(?<!\n)\b"
    r"(?:[A-ZÀ-Ý][\w’'-]+(?:\s+(?:de|des|du|d’|d'|la|le|les|&)?\s*[A-ZÀ-Ý][\w’'-]+)*"
    r"|[A-Z]{2,}\w*)"
)
# A title the note quotes (« Transformer son modèle socio-économique »).
_TITLE = re.compile(r"«\s*([^»]{3,80}?)\s*»")
# Capitalised function words that open a name-looking run without being one.
_NOT_NAMES = {
    "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "ce", "cet", "cette", "ces",
    "il", "elle", "ils", "elles", "en", "a", "au", "aux", "et", "pour", "dans", "sur", "avec",
    "par", "si", "c", "on",
}  # fmt: skip


def information(text: str) -> frozenset[str]:
    """The figures, names and quoted titles ``text`` holds, folded (what a summary point
    tells that another may not)."""
    found: set[str] = set()
    for match in _FIGURE.finditer(text):
        found.add("#" + re.sub(r"\s", "", match.group()))
    for match in _NAME.finditer(text):
        name = fold(match.group())
        if name.split()[0] not in _NOT_NAMES:
            found.add(name)
    for match in _TITLE.finditer(text):
        found.add("«" + fold(match.group(1)))
    return frozenset(found)


@dataclass
class _Candidate:
    order: int  # its chunk's place in the section
    passage: RetrievedChunk
    unit: Unit
    rows: np.ndarray | None  # its sentences' vectors
    facts: frozenset[str]


def summarise(
    chunks: list[tuple[RetrievedChunk, np.ndarray | None]],
    units_of: Callable[[RetrievedChunk], list[Unit]],
    limit: int,
    read: dict[str, list[frozenset[str]]] | None = None,
) -> list[Scored]:
    """At most ``limit`` key points of a section (its chunks in reading order, with their
    packed vectors), in reading order, in as many characters as ``limit`` points of
    :data:`TOTAL_POINT_CHARS`. ``read``: chunk id → what each of its sentences
    names, read at ingest (:mod:`assistant.ingest.information`); a chunk without it is read
    here, by :func:`information`."""
    candidates = _candidates(chunks, units_of, read or {})
    if not candidates:
        return []
    known = [c.rows for c in candidates if c.rows is not None]
    centre = np.vstack(known).mean(axis=0) if known else None
    central = [
        float((c.rows @ centre).max()) if c.rows is not None and centre is not None else 0.0
        for c in candidates
    ]
    low, span = min(central), (max(central) - min(central)) or 1.0
    closeness = [(value - low) / span for value in central]

    budget = limit * TOTAL_POINT_CHARS
    words = [set(tokens(c.unit.text)) for c in candidates]
    chosen: list[int] = []
    told: set[str] = set()
    used = 0
    while len(chosen) < limit:
        best, pick = -math.inf, None
        for i, candidate in enumerate(candidates):
            if i in chosen or used + len(candidate.unit.text) > budget:
                continue
            if any(overlap(words[i], words[j]) > 0.6 for j in chosen):
                continue
            gain = closeness[i] + W_INFORMATION * math.log1p(len(candidate.facts - told))
            if gain > best:
                best, pick = gain, i
        if pick is None:
            break
        chosen.append(pick)
        told |= candidates[pick].facts
        used += len(candidates[pick].unit.text)
    chosen.sort(key=lambda i: (candidates[i].order, candidates[i].unit.position))
    return [
        Scored(candidates[i].passage, candidates[i].unit, closeness[i], central[i], 0.0, 0.0)
        for i in chosen
    ]


def _candidates(
    chunks: list[tuple[RetrievedChunk, np.ndarray | None]],
    units_of: Callable[[RetrievedChunk], list[Unit]],
    read: dict[str, list[frozenset[str]]],
) -> list[_Candidate]:
    """The units a summary point may be: quotable, reading alone (none leaning on a sentence
    left out), neither a fragment nor longer than a point (a long list cut to what fits)."""
    out: list[_Candidate] = []
    for order, (passage, vectors) in enumerate(chunks):
        sentence_vectors = vectors[1:] if vectors is not None and len(vectors) > 1 else None
        for unit in units_of(passage):
            if not unit.quotable or unit.leans or len(unit.text) < MIN_POINT_CHARS:
                continue
            if len(unit.text) > POINT_CHARS:
                cut = head_of_list(unit, POINT_CHARS)
                if cut is None:
                    continue
                unit = cut
            rows = None
            if (
                sentence_vectors is not None
                and unit.rows
                and max(unit.rows) < len(sentence_vectors)
            ):
                rows = sentence_vectors[list(unit.rows)]
            sentences = read.get(passage.id)
            if sentences is not None and unit.rows and max(unit.rows) < len(sentences):
                facts = frozenset().union(*(sentences[r] for r in unit.rows))
            else:
                facts = information(unit.text)
            out.append(_Candidate(order, passage, unit, rows, facts))
    return out


def head_of_list(unit: Unit, chars: int) -> Unit | None:
    """A list longer than ``chars``, quoted from its lead-in down to the last item that
    fits (one verbatim run; marked incomplete); None for a sentence, or when fewer than two
    items fit."""
    if unit.kind != "list":
        return None
    lines = unit.text.split("\n")
    kept: list[str] = []
    length = 0
    for line in lines:
        if length + len(line) > chars:
            break
        kept.append(line)
        length += len(line) + 1
    if sum(is_item(line) for line in kept) < 2 or len(kept) == len(lines):
        return None
    # Its rows: those of the lines kept, when each line's sentences can be told apart.
    per_line = [len(split_sentences(line)) or 1 for line in lines]
    rows = unit.rows[: sum(per_line[: len(kept)])] if sum(per_line) == len(unit.rows) else ()
    return Unit("\n".join(kept), "list", unit.position, rows, unit.leans, True)
