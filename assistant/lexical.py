"""BM25 (Okapi) over analysed French terms, built once per index version."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from .textnorm import analyze


class BM25Index:
    """A small inverted index: postings as numpy arrays, scoring is one pass per query term."""

    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(documents)
        lengths = np.zeros(self.size, dtype=np.float32)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, text in enumerate(documents):
            terms = analyze(text)
            lengths[index] = len(terms)
            for term, tf in Counter(terms).items():
                postings[term].append((index, tf))
        self.avg_length = float(lengths.mean()) if self.size else 0.0
        self._norm = k1 * (1 - b + b * lengths / max(self.avg_length, 1e-9))
        self._postings = {
            term: (
                np.fromiter((d for d, _ in items), dtype=np.int32, count=len(items)),
                np.fromiter((t for _, t in items), dtype=np.float32, count=len(items)),
            )
            for term, items in postings.items()
        }
        self._idf = {
            term: math.log(1 + (self.size - len(items) + 0.5) / (len(items) + 0.5))
            for term, items in postings.items()
        }

    def has(self, term: str) -> bool:
        return term in self._postings

    def idf(self, term: str) -> float:
        return self._idf.get(term, math.log(1 + (self.size + 0.5) / 0.5))

    def scores(self, query_terms: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        for term, qtf in Counter(query_terms).items():
            entry = self._postings.get(term)
            if entry is None:
                continue
            docs, tf = entry
            weight = self._idf[term] * (weights.get(term, 1.0) if weights else 1.0)
            scores[docs] += weight * (tf * (self.k1 + 1)) / (tf + self._norm[docs]) * min(qtf, 2)
        return scores

    def search(
        self, query: str, n: int, weights: dict[str, float] | None = None
    ) -> list[tuple[int, float]]:
        terms = analyze(query)
        if not terms or not self.size:
            return []
        scores = self.scores(terms, weights)
        n = min(n, self.size)
        top = np.argpartition(-scores, n - 1)[:n]
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0]
