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
        # Who holds a role.
        ("Qui est le président de l'ADASI ?", "holder"),
        ("L'ADASI, qui en est le directeur ou la directrice ?", "holder"),
        ("L'ADASI, c'est qui le président ?", "holder"),
        ("Qui dirige l'Avise ?", "holder"),
        ("Quel est le nom de la directrice de l'ADASI ?", "holder"),
        # Who did something, who a person is: no one holding a role asked.
        ("Qui a lancé le MOOC ?", ""),
        ("Qui élit la présidente du conseil ?", ""),  # a body elects: no name asked
        ("Qui est Christophe Itier ?", ""),
        ("Combien de dirigeants témoignent dans le MOOC ?", ""),
        # What came of something.
        ("Quels résultats l'étude IMPACT-Citoyens a-t-elle donnés ?", "outcome"),
        ("Quels ont été les résultats du cycle « ODD & innovations sociétales » ?", "outcome"),
        ("Combien de participants le webinaire a-t-il réunis ?", "outcome"),
        ("Quelles priorités les Français ont-ils exprimées dans l'étude ?", "outcome"),
        ("Qu'a donné l'expérimentation sur 50 projets ?", "outcome"),
        ("Les Français, ils ont exprimé quelles priorités dans l'étude ?", "outcome"),
        ("Qu'ont dit les Français dans l'étude IMPACT-Citoyens ?", "outcome"),
        ("L'étude IMPACT-Citoyens, elle a donné quoi ?", "outcome"),
        # Results expected (an announcement gives them), who took part, how or why.
        ("Quels résultats sont attendus de la base de données IMPACT ?", ""),
        ("Quel bilan prévoit-on pour la base de données IMPACT ?", ""),
        ("Quelle école Le RAMEAU a-t-il associée à la création de son MOOC ?", ""),
        ("Comment le financement public a-t-il évolué ?", ""),
        ("Pourquoi les associations ont-elles diversifié leurs ressources ?", ""),
        # English, read the same way.
        ("What results did the IMPACT-Citoyens study give?", "outcome"),
        ("How many participants did the webinar gather?", "outcome"),
        ("What priorities did the French express in the study?", "outcome"),
        ("What are the expected results of the IMPACT database?", ""),
        ("When did the MOOC launch?", ""),
        ("Who did Le RAMEAU partner with for the MOOC?", ""),
        ("Why did associations diversify their resources?", ""),
        # What is to come, a date, a description: no outcome asked.
        ("Quels résultats seront présentés le 19 septembre ?", ""),
        ("Quand le MOOC a-t-il été lancé ?", ""),
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
        # Who holds a role: a person's name near the role's word.
        ("holder", "Charles-Benoît HEIDSIECK, Président-fondateur du RAMEAU, a rappelé …", True),
        (
            "holder",
            "La directrice de la recherche du RAMEAU, Elodie JULLIEN, a rendu compte …",
            True,
        ),
        ("holder", "Marie Dupont en est la présidente depuis 2015.", True),
        ("holder", "L'ADASI accompagne les dirigeants associatifs dans leur stratégie.", False),
        (
            "holder",
            "Le président de la République va annoncer les engagements de la France.",
            False,
        ),
        # An outcome: what is not mostly to come.
        (
            "outcome",
            "Les Français nous donneront leur perception sur les priorités territoriales.",
            False,
        ),
        (
            "outcome",
            "C'est le cycle « ODD & innovations sociétales » qui débute dès demain.",
            False,
        ),
        (
            "outcome",
            "Le Président de la République va annoncer les engagements de la France.",
            False,
        ),
        ("outcome", "Le 19 septembre prochain, le webinaire présentera l'outil.", False),
        ("outcome", "Ces projets permettront de mieux agir.", False),
        ("outcome", "Un premier webinaire a réuni près de 150 participants.", True),
        ("outcome", "Il a recommandé 15 propositions.", True),
        ("outcome", "Le front associatif reste uni.", True),  # « front » is no future
        ("outcome", "Une première session est ouverte sur coursera.", True),
        # Elided futures are futures; a capitalised name with their ending is no verb.
        ("outcome", "Le cycle s’achèvera en juin.", False),
        ("outcome", "Le projet Natura 2000 a réuni 40 associations.", True),
        # Mostly an announcement, or mostly not: « Le cycle … s'achève » does not make the
        # next one's start an outcome; one item in the future does not make a list one.
        (
            "outcome",
            "Le cycle s'achève : et après ? C'est le cycle ODD qui débute dès demain.",
            False,
        ),
        (
            "outcome",
            "Toutes ces formes sont en progression :\n• 13,2 millions de bénévoles ;\n"
            "• 150 000 jeunes pourront s'engager en service civique.",
            True,
        ),
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
        "Quelles démarches faut-il faire pour obtenir l'agrément jeunesse et éducation populaire ?"
    )
    assert _evidence(assistant, question).stated
    answer = assistant.answer(question)
    assert not answer.abstained and "déposer un dossier" in answer.answer


def test_what_the_note_only_announces_has_no_outcome_to_give(reference_assistant):
    # The note announces the IMPACT-Citoyens study (« les Français nous donneront leur
    # perception … ») and the next cycle (« qui débute dès demain »): it was quoted as their
    # results, with a confidence of 0.9.
    for question in (
        "Quels résultats l'étude IMPACT-Citoyens a-t-elle donnés ?",
        "Quelles priorités les Français ont-ils exprimées dans l'étude IMPACT-Citoyens ?",
    ):
        answer = reference_assistant.answer(question)
        assert answer.abstained, (question, answer.answer)
        assert "annonce" in answer.answer, answer.answer
    english = reference_assistant.answer("What results did the IMPACT-Citoyens study give?")
    assert english.abstained and "announces" in english.answer, english.answer
    # What it reports in the past is still given: « un premier webinaire, a réuni près de
    # 150 participants ».
    reported = reference_assistant.answer(
        "Combien de participants le premier webinaire a-t-il réunis ?"
    )
    assert not reported.abstained and "150 participants" in reported.answer, reported.answer
    # A date asked is given by an announcement (« Le lancement … aura lieu le 5 septembre »).
    dated = reference_assistant.answer("Quand le MOOC a-t-il été lancé ?")
    assert not dated.abstained


def test_what_came_of_something_in_a_year_the_note_never_mentions_is_not_given(
    reference_assistant,
):
    # « Qu'a donné le cycle « 21 jours pour convaincre » en 2021 ? » quoted what the note
    # says of the cycle, after « Le corpus ne dit rien de 2021 précisément »: an outcome of
    # that year is stated nowhere in a note of 2019.
    answer = reference_assistant.answer(
        "Qu'a donné le cycle « 21 jours pour convaincre » en 2021 ?"
    )
    assert answer.abstained, answer.answer
    # Without the year, what the note says the cycle did is given.
    cycle = reference_assistant.answer("Qu'a donné le cycle « 21 jours pour convaincre » ?")
    assert not cycle.abstained, cycle.answer

def test_who_holds_a_role_the_note_never_names_is_not_answered(reference_assistant):
    # The note says what the ADASI does, never who heads it: a sentence on its centre of
    # resources or on the MOOC was quoted.
    for question in (
        "L'ADASI, qui en est le directeur ou la directrice ?",
        "L'ADASI, c'est qui le président ?",
    ):
        answer = reference_assistant.answer(question)
        assert answer.abstained, (question, answer.answer)
    # Who heads Le RAMEAU the note says.
    answer = reference_assistant.answer("Qui est le président du RAMEAU ?")
    assert not answer.abstained and "HEIDSIECK" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # The note names the social impact contract among new ways of financing, never who
        # pays the investor back: « rembourser » is a verb it never writes.
        "Le contrat à impact social, concrètement, qui rembourse l'investisseur ?",
        "Qui rembourse l'investisseur dans un contrat à impact social ?",
        "Qui parraine le cycle « 21 jours pour convaincre » ?",
    ],
)
def test_who_does_what_the_note_never_writes_of_is_not_answered(reference_assistant, question):
    answer = reference_assistant.answer(question)
    assert answer.abstained, answer.answer


def test_who_does_what_the_note_writes_of_is_answered(reference_assistant):
    # The verb is the note's (« … que publie aujourd'hui même Le RAMEAU »), after a topic
    # as at the question's start.
    for question in (
        "La note prospective, qui l'a publiée ?",
        "Qui a publié la note prospective ?",
    ):
        answer = reference_assistant.answer(question)
        assert not answer.abstained and "RAMEAU" in answer.answer, (question, answer.answer)
    # A verb the note writes a word of the family of: « prendre », « le débat ».
    for question in (
        "Qui prend l'initiative des partenariats avec les entreprises ?",
        "Qui a débattu à la table ronde de Convergences ?",
    ):
        answer = reference_assistant.answer(question)
        assert not answer.abstained, (question, answer.answer)


@pytest.mark.parametrize(
    "question",
    [
        # « Elle se décline autour de 6 axes » names none of them.
        "Quel est le cinquième axe de la feuille de route française pour l'Agenda 2030 ?",
        # The note counts 3 levers: there is no fourth.
        "Quel est le quatrième levier des modèles socio-économiques ?",
    ],
)
def test_an_nth_thing_the_note_does_not_name_is_not_answered(reference_assistant, question):
    answer = reference_assistant.answer(question)
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # The ordinal written with its noun.
        ("Quel est le deuxième levier des modèles socio-économiques ?", "ressources financières"),
        ("Quel est le troisième levier d'un modèle socio-économique ?", "alliances stratégiques"),
        # A count of them, then each in order (« trois axes complémentaires : ▪ Côté
        # recherche … ▪ Coté terrain … »).
        (
            "Quel est le premier axe de la nouvelle étape de partage des connaissances ?",
            "recherche",
        ),
    ],
)
def test_an_nth_thing_the_note_names_is_answered(reference_assistant, question, said):
    answer = reference_assistant.answer(question)
    assert not answer.abstained and said in answer.answer, answer.answer
