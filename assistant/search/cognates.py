"""English question words to the French corpus's own terms, by cognates.

An English question shares no stem with a French corpus but names, yet French and English
share many words of Latin stock, spelled nearly alike: « partenariat » / partnership,
« hybridation » / hybridising, « financement » / financing, « projet » / project,
« ressource » / resource. An English word is read as the corpus terms (Snowball-French stems)
it is such a cognate of, so that choosing the sentence to quote has a lexical signal again
(:func:`assistant.answer.selection.score_units`). General spelling rules only — no
dictionary of the corpus's words; measured in docs/evaluation.md (issue 18, English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..textnorm import analyze, fold

# Function words and question words of English: no cognate is sought for them.
_STOP = """a about above according after again against all also am among an and any are as at be
    been before being below between both but by can could did do does doing down during each
    few for from further get gets give gives had has have having he her here hers him his how
    i if in into is it its itself just many me more most much my no nor not now of off on once
    only or other our out over own same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with within would you your"""
ENGLISH_STOP_WORDS = frozenset(_STOP.split())
# English endings that French writes otherwise (-ship → -ariat: partnership, partenariat;
# -ising → -is: hybridising, hybridation; -ity → -ité; -ing dropped: financing, financement;
# a k ending → « que »: risk / risque, bank / banque, kiosk / kiosque), with the fewest
# letters the stem before them must have (four; three before a k); the first that ends the
# word is tried besides the word itself.
_SUFFIXES = (
    ("ships", "ariat", 4),
    ("ship", "ariat", 4),
    ("ising", "is", 4),
    ("izing", "is", 4),
    ("ize", "is", 4),
    ("ity", "ite", 4),
    ("ing", "", 4),
    ("ks", "ques", 3),
    ("k", "que", 3),
)
# English s + consonant at the start is often French é + consonant (study / étude, state /
# état, school / école): both spellings are tried.
_S_CONSONANT = re.compile(r"^s(?=[ptc][aeiouhlr])")
# A cognate shares its first letters (no match is sought past them) …
PREFIX = 3
# … and is within this many edits per letter of the shorter stem (project / projet: 1 of 6),
# or one stem opens the other (hybridising / hybrid) when the shorter has at least MIN_OPENS
# letters and most of the longer's.
EDITS_PER_LETTER = 0.2
MIN_OPENS = 5
OPENS_SHARE = 0.6


@dataclass
class Bridge:
    """The corpus's terms by their first letters, to find an English word's cognates."""

    by_prefix: dict[str, list[str]] = field(default_factory=dict)
    _memo: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, terms: Iterable[str]) -> Bridge:
        by_prefix: dict[str, list[str]] = {}
        for term in terms:
            if len(term) >= PREFIX and term.isalpha():
                by_prefix.setdefault(term[:PREFIX], []).append(term)
        return cls(by_prefix)

    def french(self, word: str) -> str | None:
        """The corpus term ``word`` (an English word as written) is closest a cognate of
        (fewest edits per letter, then the longest shared opening: project is « projet »,
        not « protect »); None for a function word or when none is."""
        key = fold(word.lower())
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._find(key)
        return found

    def _find(self, word: str) -> str | None:
        if word in ENGLISH_STOP_WORDS or len(word) < 4 or not word.isalpha():
            return None
        best: tuple[float, int, str] | None = None
        for variant in _variants(word):
            for stem in analyze(variant)[:1]:
                for term in self.by_prefix.get(stem[:PREFIX], ()):
                    distance = _likeness(stem, term)
                    if distance is None:
                        continue
                    candidate = (distance, -_opening(stem, term), term)
                    if best is None or candidate < best:
                        best = candidate
        return best[2] if best else None


def _variants(word: str) -> list[str]:
    forms = [word]
    for english, french, stem in _SUFFIXES:
        if word.endswith(english) and len(word) - len(english) >= stem:
            forms.append(word[: -len(english)] + french)
            break
    forms += [_S_CONSONANT.sub("e", f) for f in forms if _S_CONSONANT.match(f)]
    return forms


def _opening(a: str, b: str) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _likeness(a: str, b: str) -> float | None:
    """Edits per letter (of the longer) between two stems that are cognates, None when they
    are not."""
    short, long_ = sorted((a, b), key=len)
    if (
        long_.startswith(short)
        and len(short) >= MIN_OPENS
        and len(short) >= OPENS_SHARE * len(long_)
    ):
        return 0.0 if short == long_ else 0.1
    if len(short) < MIN_OPENS or len(long_) - len(short) > 2:
        return 0.0 if a == b else None
    edits = _edits(a, b, int(EDITS_PER_LETTER * len(short)))
    return None if edits is None else edits / len(long_)


def _edits(a: str, b: str, limit: int) -> int | None:
    """Levenshtein distance when at most ``limit``, else None."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return None
        previous = current
    return previous[-1] if previous[-1] <= limit else None
