"""« Qui a succédé à … ? », « Quelle est l'adresse de … ? », « Quelles démarches faut-il faire
pour … ? »: a question asking for something a passage states in words of its own (a
succession, an address, the steps to a goal) is declined when no retrieved passage states
it, however well the passages match the question's other words."""

import pytest

from assistant.answer.answering import Assistant
from assistant.answer.evidence import judge
from assistant.answer.holds import states
from assistant.answer.selection import score_units
from assistant.ingest.indexing import ingest
from assistant.search.query import read_intent, understand

from .conftest import make_settings


@pytest.mark.parametrize(
    ("question", "asks_for"),
    [
        ("Qui a succédé à Christophe Itier comme Haut-Commissaire ?", "successor"),
        ("Qui remplace la directrice du réseau ?", "successor"),
        ("Who replaced Gabriel Attal as Secretary of State?", "successor"),
        ("Quelle est l'adresse de l'ADASI ?", "address"),
        ("Quelles démarches faut-il faire pour créer une association ?", "steps"),
        ("Comment solliciter le DLA de mon département ?", "steps"),
        ("Quelles conditions une association doit-elle remplir pour l'agrément ?", "steps"),
        ("Quelles démarches pour obtenir un agrément Jeunesse et éducation populaire ?", "steps"),
        # What, not who; a process the note describes; an approach it proposes.
        ("Qu'est-ce qui remplace les subventions publiques ?", ""),
        ("Comment se déroule la démarche proposée, étape par étape ?", ""),
        ("Quelle démarche Le RAMEAU propose-t-il pour accompagner les associations ?", ""),
        ("Comment les entreprises s'engagent-elles auprès des associations ?", ""),
    ],
)
def test_what_a_question_asks_to_be_stated_is_read(question, asks_for):
    assert read_intent(question).asks_for == asks_for


@pytest.mark.parametrize(
    ("asks_for", "text", "stated"),
    [
        ("successor", "En 2020, Jérôme Saddier lui a succédé à la tête du réseau.", True),
        ("successor", "Christophe Itier est Haut-Commissaire à l'ESS.", False),
        ("address", "L'ADASI est installée au 12 rue de la Paix, 75002 Paris.", True),
        ("address", "Contact : bonjour@adasi.org", True),
        ("address", "L'ADASI accompagne les associations dans leur stratégie.", False),
        ("steps", "Il faut d'abord déposer un dossier auprès de la préfecture.", True),
        ("steps", "Le DLA accompagne les associations employeuses.", False),
        ("", "Le DLA accompagne les associations employeuses.", True),  # nothing asked
    ],
)
def test_what_states_it(asks_for, text, stated):
    assert states(asks_for, text) is stated


NOTE = (
    "# Les acteurs de l'accompagnement\n\n"
    "Le Dispositif local d'accompagnement (DLA) accompagne les associations employeuses "
    "dans la consolidation de leur modèle économique, sur tous les territoires.\n\n"
    "Christophe Itier, Haut-Commissaire à l'économie sociale et solidaire, a ouvert le "
    "colloque sur l'engagement des associations et des entreprises.\n\n"
    "L'ADASI est l'association pour le développement de l'accompagnement stratégique et de "
    "l'innovation de l'intérêt général ; elle anime un centre de ressources.\n\n"
    "# Agrément\n\n"
    "Pour obtenir l'agrément jeunesse et éducation populaire, une association doit d'abord "
    "déposer un dossier auprès du service départemental, puis justifier d'un fonctionnement "
    "démocratique.\n"
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    root = tmp_path_factory.mktemp("stated")
    folder = root / "corpus"
    folder.mkdir()
    (folder / "acteurs.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings(root / "data", folder)
    ingest(settings)
    return Assistant(settings)


def _evidence(assistant: Assistant, question: str):
    query = understand(question, [])
    retrieval = assistant.retriever.search(query)
    scored = score_units(query, retrieval)
    return judge(query, retrieval, scored, assistant.settings.embedding_model)


@pytest.mark.parametrize(
    "question",
    [
        # The note names Christophe Itier, never who came after him.
        "Qui a succédé à Christophe Itier comme Haut-Commissaire à l'économie sociale et "
        "solidaire ?",
        # It says what the ADASI does, not where it is.
        "Quelle est l'adresse de l'ADASI ?",
        # It says what the DLA does, not how to ask for it.
        "Comment solliciter le DLA ? Quelles démarches faut-il faire ?",
    ],
)
def test_what_no_passage_states_is_not_answered(assistant, question):
    evidence = _evidence(assistant, question)
    assert not evidence.stated
    assert assistant.answer(question).abstained


def test_steps_the_note_gives_for_the_goal_are_answered(assistant):
    # « doit d'abord déposer un dossier … puis … » gives the steps to the agreement asked.
    question = (
        "Quelles démarches faut-il faire pour obtenir l'agrément jeunesse et éducation "
        "populaire ?"
    )
    assert _evidence(assistant, question).stated
    answer = assistant.answer(question)
    assert not answer.abstained and "déposer un dossier" in answer.answer
