"""The material of a sheet and how its lines cite it.

A :class:`Piece` is a readable unit of the scope, taken once (overlapping chunks repeat
sentences); :func:`gather` decides which units a sheet may quote and in what order.
:class:`Citations` numbers the sources in the order the sheet's lines first cite them, so
the markers [n] read in order down the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import RetrievedChunk
from ..search.retrieval import Retriever
from ..textnorm import fold, tokens
from ..textunits import Unit
from .corpus import read_lines, reader
from .material import lines_of, repeated_opening
from .scope import Scope
from .sheet import Source


@dataclass(eq=False)  # one piece is one unit of the scope: compared by identity
class Piece:
    """A readable unit of the scope, once (overlapping chunks repeat sentences)."""

    passage: RetrievedChunk
    unit: Unit
    order: int  # reading order over the scope
    score: float = 0.0
    # Read alone it leans on the sentence before it (the unit's own test, or spaCy's
    # reading of its first line: « Avec cette clarification… », « Cet accompagnement… »).
    leans: bool = False


class Citations:
    """The sheet's sources: one per unit quoted, numbered when first cited."""

    def __init__(self) -> None:
        self.sources: list[Source] = []
        self._markers: dict[tuple[str, str], int] = {}
        self._piece_of: dict[int, Piece] = {}

    def cite(self, piece: Piece) -> int:
        key = (piece.passage.id, piece.unit.text)
        if key not in self._markers:
            passage = piece.passage
            self.sources.append(
                Source(
                    len(self.sources) + 1,
                    passage.source,
                    passage.section,
                    passage.page,
                    piece.unit.text,
                    passage.id,
                )
            )
            self._markers[key] = len(self.sources)
            self._piece_of[len(self.sources)] = piece
        return self._markers[key]

    def piece_of(self, marker: int) -> Piece:
        return self._piece_of[marker]


def gather(retriever: Retriever, scope: Scope) -> tuple[list[Piece], list[Piece]]:
    """The scope's quotable units once each, in reading order, and its footnotes."""
    seen: set[str] = set()
    pieces: list[Piece] = []
    notes: list[Piece] = []
    boilerplate = getattr(retriever, "_boilerplate", None)
    readings = reader(retriever)
    passages = scope.passages
    if scope.kind == "theme":
        # A theme reads its passages in the note's order, section by section.
        passages = sorted(passages, key=lambda p: _position(retriever, p))
    # The scope's lines, and the closing section's (further reading), read in one batch.
    closing = [
        u
        for c in retriever.chunks
        if fold(c.section).startswith("pour aller plus loin")
        for u in retriever.units_of(RetrievedChunk.of(c, 0.0, 0))
    ]
    read_lines(retriever, [u for p in passages for u in retriever.units_of(p)] + closing)
    for passage in passages:
        for unit in retriever.units_of(passage):
            key = " ".join(tokens(unit.text))
            if unit.kind == "note" and key not in seen:
                seen.add(key)
                notes.append(Piece(passage, unit, len(pieces) + len(notes)))
            if not unit.quotable or key in seen or not key:
                continue
            if repeated_opening(unit.text, boilerplate):
                continue
            seen.add(key)
            first = lines_of(unit)[0] if unit.text.strip() else ""
            leans = unit.leans or (bool(first) and readings.read(first).leans)
            pieces.append(Piece(passage, unit, len(pieces) + len(notes), leans=leans))
    return pieces, notes


def _position(retriever: Retriever, passage: RetrievedChunk) -> int:
    for index, chunk in enumerate(retriever.chunks):
        if chunk.id == passage.id:
            return index
    return len(retriever.chunks)
