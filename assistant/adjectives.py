"""Adjective forms the French stemmer cuts apart from their masculine, read as the masculine.

Snowball's French stemmer gives « publiques » the stem « publiqu » and « publics » the
stem « public »; « nouvelles » becomes « nouvel », « nouveaux » « nouveau »; « créatives »
« creativ », « créatif » « creatif ». A question on « subventions publiques » then shares no
term with the note's « financements publics ». spaCy's French pipeline knows these forms:
its lemmatizer's exception table for adjectives maps each irregular form to its masculine
singular. ``analyze`` reads a word through that table before stemming
(:func:`assistant.textnorm.masculine_forms`).

The table is generated from the installed pipeline (:func:`from_pipeline`, written by
``scripts/seed_adjectives.py``) and shipped as a small JSON file, so that analysing a
question loads no pipeline (a lookup table of 216 000 forms takes ~0.8 s to read).
"""

from __future__ import annotations

from pathlib import Path

from .nlp import DEFAULT_MODEL
from .resources import adjective_forms, ship_table
from .textnorm import masculine_forms, snowball


def from_pipeline(model: str = DEFAULT_MODEL) -> dict[str, str]:
    """The forms of the pipeline's adjective exceptions whose stem is not their
    masculine's, keeping only what is safe to apply without knowing the word's part of
    speech (a question is analysed word by word):

    - the masculine is no verb's infinitive: the table lists participles (« mise » →
      « mettre », « entreprise » → « entreprendre »), and a participle is the verb's;
    - the pipeline's own lookup, which reads a word with no part of speech, agrees: it
      reads « entreprises » as the noun « entreprise » (the table: « entrepris ») and
      « directrice » as a noun of its own.
    """
    tables = lemma_tables(model)
    exceptions = tables.get_table("lemma_exc")
    lookup = tables.get_table("lemma_lookup")
    verbs = verbs_of(tables)
    forms: dict[str, str] = {}
    for form, lemmas in exceptions.get("adj").items():
        masculine = lemmas[0]
        if not form.isalpha() or masculine in verbs:
            continue
        if snowball(form) == snowball(masculine):
            continue
        if lookup.get(form, [masculine])[0] != masculine:
            continue
        forms[form] = masculine
    return dict(sorted(forms.items()))


def lemma_tables(model: str = DEFAULT_MODEL):
    """The installed pipeline's lemmatizer tables (``spacy.lookups.Lookups``)."""
    from spacy.lookups import Lookups

    return Lookups().from_disk(lookups_folder(model))


def verbs_of(tables) -> set[str]:
    """The verbs of the lemmatizer's tables: its index's and its exceptions' lemmas."""
    exceptions = tables.get_table("lemma_exc")
    index = tables.get_table("lemma_index")
    return set(index.get("verb")) | {lemmas[0] for lemmas in exceptions.get("verb").values()}


def lookups_folder(model: str) -> Path:
    import importlib

    package = Path(importlib.import_module(model).__path__[0])
    found = sorted(package.glob("*/lemmatizer/lookups"))
    if not found:
        raise FileNotFoundError(f"{model}: no lemmatizer lookups under {package}")
    return found[-1]


def write_shipped(model: str = DEFAULT_MODEL) -> tuple[Path, int]:
    return ship_table(adjective_forms(), from_pipeline(model), masculine_forms)
