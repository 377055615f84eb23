"""BM25 (Okapi) over analysed French terms, built once per index version."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter

import numpy as np

from ..textnorm import analyze, without_locutions

log = logging.getLogger(__name__)

_WORDS = re.compile(r"\w+", re.UNICODE)


class TermCounter:
    """``analyze`` once per distinct word instead of once per occurrence, terms as ids.

    ``analyze`` treats each ``\\w+`` run of the lowercased text on its own (fold, stop
    words, stem), once its locutions are blanked (« par rapport aux »), so a document's
    terms are its remaining words' terms. Memoising them was the largest cost of building
    a 100× index (``fold`` on every word). The first documents
    are checked against ``analyze`` itself: should the analyser ever look beyond single
    words, the counter falls back to calling it on whole texts.
    """

    CHECKED = 20

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}  # term -> id
        self.terms: list[str] = []  # id -> term
        self._memo: dict[str, int] = {}  # word -> term id, -1 for no term
        self._checked = 0
        self.word_local = True

    def _id(self, term: str) -> int:
        index = self.vocabulary.get(term)
        if index is None:
            index = self.vocabulary[term] = len(self.terms)
            self.terms.append(term)
        return index

    def _word(self, word: str) -> int:
        terms = analyze(word)
        if len(terms) > 1:
            self.word_local = False
        return self._id(terms[0]) if terms else -1

    def ids(self, text: str) -> list[int]:
        """``[id(term) for term in analyze(text)]``."""
        if self.word_local:
            words = _WORDS.findall(without_locutions(text.lower()))
            memo = self._memo
            for word in set(words).difference(memo):
                memo[word] = self._word(word)
            ids = [i for i in map(memo.__getitem__, words) if i >= 0]
            if self.word_local and self._checked < self.CHECKED:
                self._checked += 1
                if ids != [self._id(t) for t in analyze(text)]:
                    self.word_local = False
            if self.word_local:
                return ids
            log.warning("analyze() is not word-local: BM25 built without memoisation")
        return [self._id(t) for t in analyze(text)]

    def __call__(self, text: str) -> Counter[str]:
        return Counter(self.terms[i] for i in self.ids(text))


class BM25Index:
    """A small inverted index: postings as numpy arrays, scoring is one pass per query term."""

    def __init__(
        self,
        documents: list[str],
        k1: float = 1.2,
        b: float = 0.75,
        background: BM25Index | None = None,
    ) -> None:
        """``background``: an index these documents are read beside (a user's private
        uploads beside the shared corpus). Their word statistics (IDF, average length)
        are then those of both together, so their scores compare with the background's —
        on its own, a three-passage upload gives its own words an IDF near zero. The
        background itself is not changed."""
        self.k1 = k1
        self.b = b
        self.size = n = len(documents)
        counter = TermCounter()
        per_document = [counter.ids(text) for text in documents]
        lengths = np.fromiter(map(len, per_document), dtype=np.float32, count=n)
        self.avg_length = float(lengths.mean()) if self.size else 0.0
        extra_n = background.size if background is not None else 0
        if background is not None and n + extra_n:
            together = float(lengths.sum()) + background.avg_length * extra_n
            self.avg_length = together / (n + extra_n)
        self._n_total = n + extra_n
        self._norm = k1 * (1 - b + b * lengths / max(self.avg_length, 1e-9))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[str, float] = {}
        total = int(lengths.sum())
        if not total:
            return
        # All (term, document) occurrences at once: unique keys sorted by term then
        # document give each term's postings (documents ascending) and term frequencies.
        term_ids = np.fromiter(
            (i for ids in per_document for i in ids), dtype=np.int64, count=total
        )
        doc_ids = np.repeat(np.arange(n, dtype=np.int64), lengths.astype(np.int64))
        keys, tf = np.unique(term_ids * n + doc_ids, return_counts=True)
        term_of = keys // n
        docs = (keys % n).astype(np.int32)
        freqs = tf.astype(np.float32)
        starts = np.flatnonzero(np.r_[True, term_of[1:] != term_of[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            term = counter.terms[int(term_of[start])]
            df = end - start
            if background is not None:
                df += background.df(term)
            self._postings[term] = (docs[start:end], freqs[start:end])
            self._idf[term] = math.log(1 + (self._n_total - df + 0.5) / (df + 0.5))

    def df(self, term: str) -> int:
        """How many documents hold ``term``."""
        entry = self._postings.get(term)
        return len(entry[0]) if entry is not None else 0

    def has(self, term: str) -> bool:
        return term in self._postings

    def terms(self) -> list[str]:
        """Every term the indexed documents hold."""
        return list(self._postings)

    def idf(self, term: str) -> float:
        return self._idf.get(term, math.log(1 + (self._n_total + 0.5) / 0.5))

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
        self,
        query: str,
        n: int,
        weights: dict[str, float] | None = None,
        exclude: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """Top ``n`` documents; ``exclude`` (a boolean mask) removes documents before ranking."""
        terms = analyze(query)
        if not terms or not self.size:
            return []
        scores = self.scores(terms, weights)
        if exclude is not None:
            scores = np.where(exclude, 0.0, scores)
        n = min(n, self.size)
        top = np.argpartition(-scores, n - 1)[:n]
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0]
