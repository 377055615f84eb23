"""English questions on a French corpus: the words of an English question reach the French
sentences through their cognates (« partnership » / « partenariat »), so that choosing the
sentence to quote has a lexical signal, not the cross-lingual similarity alone (issue 18)."""

from __future__ import annotations

import pytest

from assistant.answer.answering import Assistant
from assistant.answer.selection import score_units
from assistant.search.cognates import Bridge

from .conftest import corpus_of


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("partnerships", "partenariat"),
        ("hybridising", "hybrid"),
        ("financing", "financ"),
        ("project", "projet"),  # not « protect », one edit away too
        ("resources", "ressourc"),
        ("studies", "etud"),
        ("risks", "risqu"),  # an English k ending is French « que »
        ("banks", "banqu"),
    ],
)
def test_an_english_word_reads_as_its_french_cognate(english, french):
    terms = ["partenariat", "hybrid", "financ", "projet", "protect", "ressourc", "etud"]
    terms += ["risqu", "banqu"]
    assert Bridge.of(terms).french(english) == french


def test_function_words_and_strangers_have_no_cognate():
    bridge = Bridge.of(["partenariat", "entrepris", "whatev"])
    assert bridge.french("what") is None
    assert bridge.french("companies") is None  # « entreprises » is no cognate


# The sentence that answers holds the question's cognates only (« partenariat »,
# « hybridation »); another shares its frame (« qu'apporte … à quoi conduit-elle »), which
# the cross-lingual similarity alone ranks first; a third is off topic.
NOTE = (
    "# Les alliances\n\n"
    "La météo de mardi annonce de la pluie sur Lyon. Qu'apporte une alliance et à quoi "
    "conduit-elle ? Une alliance apporte d'abord un regard neuf et conduit à agir autrement. "
    "Dans les territoires ruraux comme dans les villes, chaque partenariat conduit peu à peu "
    "à une hybridation.\n"
)


def test_an_english_question_quotes_the_sentence_its_cognates_name(tmp_path):
    settings = corpus_of(tmp_path, {"note.md": NOTE})
    question = "What does a partnership bring, and what does it lead to: hybridisation?"
    query, retrieval = Assistant(settings).retrieve(question)
    assert query.cross_lingual
    assert retrieval.cognates == {"partnership": "partenariat", "hybridis": "hybrid"}
    best = score_units(query, retrieval)[0]
    assert "chaque partenariat conduit" in best.unit.text
    # Without the bridge the cross-lingual similarity alone picks the sentence sharing the
    # question's frame.
    retrieval.cognates = {}
    assert "regard neuf" in score_units(query, retrieval)[0].unit.text


def test_an_english_plural_question_asks_for_the_things_it_names(reference_assistant):
    # « What are the three effects of … ? » asks for the effects, as « Quels sont les trois
    # effets … ? » does: the unit counting them (« … les effets de ce mouvement autour de 3
    # axes : … ») answers, and the sentences after it that count nothing are not quoted.
    from assistant.search.query import asked_items

    assert asked_items("What are the risks of hybridisation?") == "risk"
    assert asked_items("Which are the three main levers?") == "lever"
    answer = reference_assistant.answer(
        "What are the three effects of the co-construction movement according to Le RAMEAU?"
    )
    assert "3 axes" in answer.citations[0].quote, answer.answer
    assert len({c.marker for c in answer.citations}) == 1, answer.answer
