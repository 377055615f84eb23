"""« Quel montant … ? », « Combien de temps … ? », « Quelle part … ? »: a question that names
the measure of the one figure it asks is answered by a figure of that measure about its
subject, and when no passage gives one the assistant is less sure (it says « Le corpus ne
donne pas ce chiffre » or abstains) instead of quoting another figure with confidence."""


import pytest

from assistant.answer.answering import Assistant
from assistant.answer.evidence import UNGIVEN_FIGURE_FACTOR, judge
from assistant.answer.holds import gives
from assistant.answer.selection import score_units
from assistant.ingest.indexing import ingest
from assistant.search.query import read_intent, understand

from .conftest import make_settings


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("Quel est le montant des subventions publiques ?", "money"),
        ("Combien coûte un accompagnement ?", "money"),
        ("Quel est le budget annuel de l'association ?", "money"),
        ("Quelle part du budget pèse la masse salariale ?", "share"),  # a share of a budget
        ("Quel pourcentage des entreprises font du mécénat ?", "share"),
        ("Et le troisième, il pèse combien dans le budget ?", "share"),
        ("Combien de temps dure une mission ?", "duration"),
        ("Pendant combien d'années le programme a-t-il duré ?", "duration"),
        ("Combien de mois faut-il ?", "duration"),
        ("À partir de quel âge peut-on s'engager ?", "age"),
        ("How much funding went to associations?", "money"),
        ("What share of associations have a partner?", "share"),
        # No measure named: a number of what is counted, or several figures.
        ("Combien de bénévoles en France ?", ""),
        ("Quels chiffres montrent la progression ?", ""),
        ("Quel est le rôle du budget dans le modèle ?", ""),  # not a figure question
    ],
)
def test_the_measure_a_figure_question_names_is_read(question, measure):
    assert read_intent(question).measure == measure


def test_a_duration_is_no_noun_to_count():
    # « 12 ans » answers « combien d'années », though « années » does not follow the number.
    intent = read_intent("Pendant combien d'années le programme a-t-il duré ?")
    assert intent.counted == "" and intent.one_figure
    assert gives(intent, "Durant 12 ans, Le RAMEAU a mené un programme de recherche.")


@pytest.mark.parametrize(
    ("question", "text", "given"),
    [
        ("Quel montant ?", "Le budget est passé de 70 milliards d’euros à 113 milliards.", True),
        ("Quel montant ?", "Une enveloppe de 250 000 € a été allouée.", True),
        ("Quel montant ?", "74% des associations ont un partenariat.", False),
        ("Quel montant ?", "Le programme a duré 12 ans.", False),
        ("Quelle part ?", "74% des associations ont un partenariat.", True),
        ("Quelle part ?", "Une association sur trois développe des partenariats.", True),
        ("Quelle part ?", "Le budget atteint 113 milliards d’euros.", False),
        ("Combien de temps ?", "Chaque module dure 2 heures.", True),
        ("Combien de temps ?", "Le lancement aura lieu le 5 septembre 2019.", False),
        ("Quel âge ?", "Le service civique est ouvert dès 16 ans.", True),
    ],
)
def test_what_gives_the_measure_asked(question, text, given):
    intent = read_intent(question)
    assert intent.one_figure
    assert gives(intent, text) is given


NOTE = (
    "# Financement du secteur\n\n"
    "Les subventions publiques ont représenté 20 % des ressources des associations en 2017, "
    "contre 34 % en 2005 : leur part recule au profit de la commande publique.\n\n"
    "Le mécénat des entreprises s'est développé : 9 % des entreprises pratiquent le mécénat, "
    "et leur engagement auprès des associations est durable.\n\n"
    "Le bénévolat reste la première richesse humaine des associations, avec des bénévoles "
    "engagés dans tous les territoires.\n"
)


def _evidence(assistant: Assistant, question: str):
    query = understand(question, [])
    retrieval = assistant.retriever.search(query)
    scored = score_units(query, retrieval)
    return judge(query, retrieval, scored, assistant.settings.embedding_model)


def test_a_figure_of_another_measure_is_no_figure_given(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "financement.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings(tmp_path / "data", folder)
    ingest(settings)
    assistant = Assistant(settings)
    # The note gives the subsidies' share, not their amount.
    share = _evidence(assistant, "Quelle part des ressources viennent des subventions publiques ?")
    amount = _evidence(assistant, "Quel montant de subventions publiques reçoivent-elles ?")
    assert share.figure_given
    assert not amount.figure_given
    # A figure of the right measure about another subject gives nothing either: « 9 % des
    # entreprises » is no share of the volunteers.
    volunteers = _evidence(assistant, "Quelle part des bénévoles sont des jeunes ?")
    assert not volunteers.figure_given
    # Not asking for one figure: nothing is missing.
    assert _evidence(assistant, "Comment évolue le mécénat des entreprises ?").figure_given


def test_the_confidence_falls_when_the_figure_asked_is_not_given(reference_assistant):
    # The note gives the associative budget in euros (« 70 milliards d'euros … 113 »), and
    # no salary of anyone.
    given = _evidence(reference_assistant, "À combien s'élève le budget du secteur associatif ?")
    assert given.figure_given
    salary = "Quel est le salaire moyen d'un directeur d'association ?"
    missing = _evidence(reference_assistant, salary)
    assert not missing.figure_given
    assert missing.confidence <= UNGIVEN_FIGURE_FACTOR
    answer = reference_assistant.answer(salary)
    assert answer.abstained or answer.answer.startswith("Le corpus ne donne pas ce chiffre")
