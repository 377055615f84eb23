"""The sheet's tables of facts: the key figures (with what each measures) and the terms the
note defines, each quoted with its line and cited; which ones a sheet keeps, and in what
order."""

from __future__ import annotations

from ..textnorm import fold
from .material import defined_term, figures_in, lines_of
from .pieces import Citations, Piece
from .sheet import Definition, Figure

MAX_FIGURES = 12
MAX_DEFINITIONS = 4


def key_figures(citations: Citations, keys: list[Piece], pieces: list[Piece]) -> list[Figure]:
    rows: list[Figure] = []
    seen: set[str] = set()
    ordered = keys + [p for p in pieces if p not in keys]
    for piece in ordered:
        for line in lines_of(piece.unit):
            for found in figures_in(line):
                key = fold(found.value) + "|" + fold(found.measures)[:60]
                if key in seen:
                    continue
                seen.add(key)
                rows.append(Figure(found.value, found.measures, found.year, citations.cite(piece)))
    # Key messages' figures first when there are too many, then in reading order.
    kept = rows[:MAX_FIGURES]
    order = {id(p): p.order for p in ordered}
    position = {f: order.get(id(citations.piece_of(f.ref)), 0) for f in kept}
    return sorted(kept, key=lambda f: position[f])


def definitions(citations: Citations, pieces: list[Piece]) -> list[Definition]:
    found: list[Definition] = []
    terms: set[str] = set()
    for piece in pieces:
        for line in lines_of(piece.unit):
            term = defined_term(line)
            if term and fold(term) not in terms:
                terms.add(fold(term))
                found.append(Definition(term, line, citations.cite(piece)))
    return found[:MAX_DEFINITIONS]
