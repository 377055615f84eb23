"""The evidence that the passages answer: read from the scored units as a set (maxima over
them), not from the first one — how selection orders the units does not move the decision
to abstain — and lowered for a name the note never mentions, more for an English question."""

import pytest

from assistant.answer.answering import Assistant
from assistant.answer.evidence import judge
from assistant.answer.selection import score_units
from assistant.search.query import understand

from .conftest import corpus_of

NOTE = (
    "# Ressources des associations\n\n"
    "Les subventions publiques ont représenté 20 % des ressources des associations en 2017, "
    "contre 34 % en 2005.\n\n"
    "Le mécénat des entreprises s'est développé auprès des associations de proximité.\n\n"
    "Les cotisations des adhérents restent une ressource stable pour les petites "
    "associations.\n"
)


@pytest.fixture
def assistant(tmp_path):
    """The assistant over ``NOTE`` alone."""
    return Assistant(corpus_of(tmp_path, {"ressources.md": NOTE}))


@pytest.fixture
def factor(assistant):
    """How much of the passages' match the judged confidence keeps (1.0: nothing lowers it)."""
    from assistant.answer.evidence import _match

    model = assistant.settings.embedding_model

    def factor(question: str) -> float:
        query = understand(question, [])
        retrieval = assistant.retriever.search(query)
        scored = score_units(query, retrieval)
        matched = _match(query, retrieval, scored, query.cross_lingual, model).confidence
        return judge(query, retrieval, scored, model).confidence / matched

    return factor


def test_the_order_of_the_units_does_not_move_the_confidence(assistant):
    model = assistant.settings.embedding_model
    for question in (
        "Quelle part des ressources des associations viennent des subventions publiques ?",
        "Les cotisations des adhérents sont-elles une ressource stable ?",
    ):
        query = understand(question, [])
        retrieval = assistant.retriever.search(query)
        scored = score_units(query, retrieval)
        assert len(scored) >= 3
        # The best-scored unit last, the worst first.
        reordered = list(reversed(scored))
        as_ranked = judge(query, retrieval, scored, model)
        other_order = judge(query, retrieval, reordered, model)
        assert other_order.confidence == as_ranked.confidence
        assert other_order.coverage == as_ranked.coverage


def test_an_english_question_naming_what_the_note_never_mentions_weighs_more(assistant):
    # Its cross-lingual similarity does not see the name missing (a French question's known
    # share does): the name lowers the confidence more than a French question's.
    from assistant.answer.evidence import UNKNOWN_NAME_FACTOR, UNKNOWN_NAME_FACTOR_EN, _match

    model = assistant.settings.embedding_model
    question = "What share of Belgian associations' resources come from public subsidies?"
    query = understand(question, [])
    retrieval = assistant.retriever.search(query)
    scored = score_units(query, retrieval)
    assert query.cross_lingual and retrieval.unknown_names == ["Belgian"]
    matched = _match(query, retrieval, scored, True, model).confidence
    judged = judge(query, retrieval, scored, model)
    assert UNKNOWN_NAME_FACTOR_EN < UNKNOWN_NAME_FACTOR
    assert judged.confidence == matched * UNKNOWN_NAME_FACTOR_EN


def test_an_english_question_asking_a_year_the_note_never_mentions_weighs_more(factor):
    from assistant.answer.evidence import UNKNOWN_NAME_FACTOR_EN

    # The note gives 2005 and 2017, never 2024.
    assert factor("What share of resources came from public subsidies in 2024?") == (
        pytest.approx(UNKNOWN_NAME_FACTOR_EN)
    )
    assert factor("What share of resources came from public subsidies in 2017?") == 1.0


def test_a_french_question_asking_a_year_the_note_never_mentions(factor):
    from assistant.answer.evidence import UNKNOWN_NAME_FACTOR

    # What became of the subsidies in 2024, the note cannot say …
    assert factor("Comment les subventions publiques ont-elles évolué en 2024 ?") == (
        pytest.approx(UNKNOWN_NAME_FACTOR)
    )
    # … their share it gives for 2017: an answer in part, at full confidence.
    assert factor("Quelle part des ressources venait des subventions publiques en 2024 ?") == 1.0


EDITIONS = (
    "# Rencontres\n\n"
    "Les Actes de la 5ème Rencontre des pionniers des alliances en territoires ont été "
    "publiés à Poitiers, au terme de la Rencontre annuelle du réseau.\n\n"
    "Le réseau des pionniers réunit chaque année ses membres lors d'une Rencontre.\n"
)


def test_a_numbered_edition_the_note_never_mentions_is_not_answered(tmp_path):
    settings = corpus_of(tmp_path, {"rencontres.md": EDITIONS})
    assistant = Assistant(settings)

    def evidence(question: str):
        query = understand(question, [])
        retrieval = assistant.retriever.search(query)
        return judge(query, retrieval, score_units(query, retrieval), settings.embedding_model)

    # « 5e » is the note's « 5ème »: the same edition.
    fifth = evidence("Où ont été publiés les Actes de la 5e Rencontre des pionniers ?")
    assert fifth.unknown_names == [] and fifth.confidence > 0
    question = "Quand aura lieu la 6e Rencontre des pionniers des alliances ?"
    sixth = evidence(question)
    assert sixth.unknown_names == ["6e Rencontre"] and sixth.confidence == 0.0
    assert assistant.answer(question).abstained


def test_a_question_in_its_own_words_is_answered_when_its_sentence_matches_closely(
    reference_assistant,
):
    # « coup d'envoi » is no word of the note: the known share (0.31) alone capped the
    # confidence under the threshold though the best sentence answers (« C'est à
    # Convergences, par l'intervention du Secrétaire d'Etat Gabriel ATTAL, qu'a débuté le
    # cycle … »); the model's own confidence is kept when it is sure.
    answer = reference_assistant.answer(
        "Qui a donné le coup d'envoi du cycle « 21 jours pour convaincre » ?"
    )
    assert not answer.abstained, answer.answer
    assert "Gabriel ATTAL" in answer.citations[0].quote
    # Questions made of words the note never writes still abstain.
    for question in (
        "Combien coûte une crêpe à la fête de l'association ?",
        "Quel est le taux de TVA sur la buvette d'une association ?",
    ):
        assert reference_assistant.answer(question).abstained, question
