"""Whether a sentence speaks of what is to come: a verb in the future (« donneront »,
« sera présenté », « permettra »), « aller » + infinitive (« va annoncer »), or a word that
announces (« dès demain », « prochain », « bientôt »).

A note written before an event announces it and gives none of its results: « les Français
nous donneront leur perception » is no answer to « Quelles priorités les Français ont-ils
exprimées ? » (search.query reads that question as asking an outcome).

Read by French morphology rather than spaCy's morphologizer: on the shipped note the
morphologizer marks 30 sentences Tense=Fut, at least 7 of them list items or dates with no
future in them (« • depuis 2010, le bénévolat … »), and it misses « prochain » / « bientôt »;
these endings mark 25, all of them announcements (docs/evaluation.md, session 15). spaCy is
not loaded at query time either (a fresh ``assistant ask`` has no budget for it).
"""

from __future__ import annotations

import re

from .textnorm import fold

# The future's third persons are the infinitive's stem, its « r », then « a » / « ont »
# (« prendra », « permettront », « reviendra », « sera »); on folded text.
_ANNOUNCES = re.compile(
    r"\b[a-z]+[eiudtrv]r(?:a|ont)\b"
    r"|\b(?:va|vont)\s+[a-z]+(?:er|ir|re)\b"
    r"|\bdes demain\b|\bprochaine?s?\b|\bbientot\b"
)
# Words with those endings that are no verbs (« le front », « Coursera », a URL's words).
_NOT_FUTURE = frozenset({"front", "affront", "extra", "ultra", "opera", "camera", "coursera"})
_URL = re.compile(r"https?://\S+|www\.\S+")


def to_come(text: str) -> bool:
    """Whether ``text`` speaks of what is to come (see the module's docstring)."""
    folded = fold(_URL.sub(" ", text)).lower()
    return any(
        m.group(0) not in _NOT_FUTURE and folded[m.start() - 1 : m.start()] not in ("'", "’")
        for m in _ANNOUNCES.finditer(folded)
    )
