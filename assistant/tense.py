"""Whether a sentence speaks of what is to come: a verb in the future (« donneront »,
« sera présenté », « permettra »), « aller » + infinitive (« va annoncer »), or a word that
announces (« dès demain », « prochain », « bientôt »).

A note written before an event announces it and gives none of its results: « les Français
nous donneront leur perception » is no answer to « Quelles priorités les Français ont-ils
exprimées ? » (search.query reads that question as asking an outcome).

Read by French morphology rather than spaCy's morphologizer: on the shipped note the
morphologizer marks 30 sentences Tense=Fut, at least 7 of them list items or dates with no
future in them (« • depuis 2010, le bénévolat … »), and it misses « prochain » / « bientôt »;
these endings mark 26, 24 of them announcements (« la contractualisation prendra la
forme … » states a rule, « l'intendance suivra » is a saying; docs/evaluation.md, session
15). spaCy is not loaded at query time either (a fresh ``assistant ask`` has no budget for
it).
"""

from __future__ import annotations

import re

from .textnorm import unaccented

# The future's third persons are the infinitive's stem, its « r », then « a » / « ont »
# (« prendra », « permettront », « reviendra », « sera »); on folded text.
# Read on the text with its accents dropped but its case kept: a capitalised word with
# those endings is a name (« Natura 2000 », « Sandra »), the other words are read whatever
# their case.
_ANNOUNCES = re.compile(
    r"\b[a-z]+[eiudtrv]r(?:a|ont)\b|\bir(?:a|ont)\b"
    r"|(?i:\b(?:va|vont)\s+[a-z]+(?:er|ir|re)\b|\bdes demain\b|\bprochaine?s?\b|\bbientot\b)"
)
# Words with those endings that are no verbs (« le front », « Coursera », a URL's words).
_NOT_FUTURE = frozenset({"front", "affront", "extra", "ultra", "opera", "camera", "coursera"})
_URL = re.compile(r"https?://\S+|www\.\S+")


def to_come(text: str) -> bool:
    """Whether ``text`` speaks of what is to come (see the module's docstring). « l'aura » is
    a noun; « s'achèvera », « n'aura » are verbs."""
    folded = unaccented(_URL.sub(" ", text))
    return any(
        m.group(0).lower() not in _NOT_FUTURE
        and folded[max(0, m.start() - 2) : m.start()].lower() not in ("l'", "l’")
        for m in _ANNOUNCES.finditer(folded)
    )
