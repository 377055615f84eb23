"""Retrieval beyond shared words: a definition question finds the sentence defining its
subject, a question naming a part of the note finds that part, and a word only two passages
share counts in both (issue 18)."""

from __future__ import annotations

import pytest

from assistant.answer.answering import Assistant
from assistant.search.definitions import asked_term, defined_subjects, defines
from assistant.search.query import named_part, read_intent, spelled_out_initials
from assistant.search.retrieval import rescaled
from assistant.textnorm import analyze

from .conftest import corpus_of


@pytest.mark.parametrize(
    ("question", "term"),
    [
        (
            "Concrètement, c'est quoi un modèle socio-économique selon Le RAMEAU ?",
            "modèle socio-économique",
        ),
        ("Au fait, c'est quoi Le RAMEAU ?", "RAMEAU"),
        ("Qu'est-ce qu'un mécène ?", "mécène"),
        ("Le mécénat de compétences, c'est quoi ?", "mécénat de compétences"),
        ("Que signifie l'hybridation ?", "hybridation"),
        ("Quelle image explique le sens du mot « économie » ?", "économie"),
        ("Que veut dire la notion d'hybridation ?", "hybridation"),
    ],
)
def test_a_definition_question_names_what_it_asks_to_define(question, term):
    assert asked_term(question) == tuple(analyze(term))


@pytest.mark.parametrize(
    "question",
    [
        "D'après l'introduction, qu'est-ce qui oblige à inventer de nouveaux modèles ?",
        "Combien de bénévoles compte l'association ?",
        "What is the proper role of the socio-economic model within a nonprofit's project?",
    ],
)
def test_other_questions_ask_no_definition(question):
    assert asked_term(question) == ()


def test_defining_sentences_and_their_subjects():
    subjects = defined_subjects(
        [
            "Le RAMEAU est un laboratoire de recherche dédié aux alliances innovantes.",
            "L’économie, c’est « l’équilibre de la maison ».",
            "Le modèle socio-économique représente l’ensemble des ressources disponibles.",
            "Le programme est organisé en trois axes.",  # « est » as an auxiliary
            "Il est un acteur reconnu.",  # no subject of its own
        ]
    )
    assert subjects == [("rameau",), ("econom",), tuple(analyze("modèle socio-économique"))]
    # The head noun must be what is asked: « la place du modèle » does not define « modèle ».
    asked = tuple(analyze("modèle socio-économique"))
    assert defines(tuple(analyze("modèle socio-économique")), asked) == 1.0
    assert defines(tuple(analyze("place du modèle socio-économique")), asked) == 0.0
    # … and the asked phrase's head must be the subject's: « Le modèle socio-économique
    # représente … » does not define « l'hybridation des modèles socio-économiques ».
    hybridation = tuple(analyze("hybridation des modèles socio-économiques"))
    assert defines(asked, hybridation) == 0.0


def test_a_sentence_opens_on_the_asked_phrase_only_as_what_it_speaks_of():
    from assistant.answer.holds import opens_on_term

    catalyst = tuple(analyze("catalyseur territorial"))
    assert opens_on_term("Les « Catalyseurs territoriaux » rassemblent des compétences.", catalyst)
    assert opens_on_term("Ce métier de « catalyseur territorial » s’est structuré.", catalyst)
    hybridation = tuple(analyze("hybridation"))
    assert opens_on_term("L’hybridation devient progressivement un choix stratégique.", hybridation)
    # « Le cycle sur l'hybridation … s'achève »: it speaks of the cycle.
    assert not opens_on_term(
        "Le cycle sur l’hybridation des modèles socio-économiques s’achève.", hybridation
    )
    # « Comment hybrider … ? » asks, and says nothing of what hybridisation is: « C'est quoi
    # l'hybridation des ressources ? » opened on the MOOC's question.
    assert not opens_on_term(
        "Comment hybrider toujours davantage son modèle économique pour rendre son action"
        " pérenne ? C’est la question à laquelle ce MOOC se propose de répondre.",
        hybridation,
    )


def test_a_phrase_in_apposition_to_an_indefinite_noun_phrase_is_defined():
    # « … passer de la dépense à l'investissement sociétal, un engagement structurant … »
    # says what the investment is: the phrase nearest the comma is defined.
    assert defined_subjects(
        [
            "Certains convergent pour passer de la dépense à l’investissement sociétal, un "
            "engagement structurant au service d’actions d’intérêt général.",
            "Le centre de ressources numériques, un kit pratique pour aller plus loin.",
        ]
    ) == [
        tuple(analyze("investissement sociétal")),
        tuple(analyze("centre de ressources numériques")),
    ]
    # « Lancé en mars 2019, un premier webinaire … »: no determiner opens a phrase there;
    # « la culture, une des … » is one of several, no definition.
    assert (
        defined_subjects(
            [
                "Lancé en mars 2019, un premier webinaire a réuni près de 150 personnes.",
                "Elle soutient la culture, une des priorités du mécénat.",
                # A fronted « pour … » says for whom; « un tiers » is a quantity.
                "Pour les associations, un partenariat reste une démarche exigeante.",
                "Les associations interrogées, un tiers du panel, sont employeuses.",
            ]
        )
        == []
    )
    # « de » does not cut the phrase: « la directrice de l'association, une femme … » says
    # who the director is, not what the association is.
    assert defined_subjects(
        ["Elle a rencontré la directrice de l’association, une femme engagée."]
    ) == [tuple(analyze("directrice de l’association"))]


def test_a_question_names_the_part_it_asks_about():
    assert named_part("Quelles formes coexistent d'après le webinaire ?") == ("webinair",)
    assert named_part("Que dit la partie sur les études académiques ?") == tuple(
        analyze("études académiques")
    )
    assert named_part("Quel est le budget de l'association ?") == ()


def test_the_last_of_few_lexical_matches_is_still_a_match():
    scored = [((0, 1), 6.0), ((0, 2), 3.0)]
    assert rescaled(scored) == {(0, 1): 1.0, (0, 2): 0.0}
    assert rescaled(scored, floor=0.0) == {(0, 1): 1.0, (0, 2): 0.5}


def small_chunks(tmp_path, name, text):
    """Settings over a corpus of the one note ``name``, ingested in 200-character chunks."""
    return corpus_of(tmp_path, {name: text}, chunk_size=200, chunk_overlap=0)


@pytest.fixture
def lifted(tmp_path):
    """Settings over a note where « le mécénat » is named everywhere and defined once, and
    where one part's heading is the only place its name occurs."""
    return small_chunks(
        tmp_path,
        "mecenat.md",
        "# Le mécénat en France\n\n"
        "Le mécénat progresse chaque année en France. Le mécénat des entreprises et le mécénat "
        "des particuliers financent le mécénat culturel et le mécénat social.\n\n"
        "# Le mécénat en région\n\n"
        "Dans les régions, le mécénat de proximité domine : le mécénat local des PME soutient "
        "le mécénat sportif, et le mécénat territorial grandit avec le mécénat des ETI.\n\n"
        "# Repères\n\n"
        "Les associations reçoivent des dons de plusieurs sortes. Le mécénat est un soutien "
        "matériel apporté sans contrepartie directe à une œuvre d'intérêt général. Les "
        "bénévoles donnent leur temps aux associations.\n\n"
        "# Les webinaires\n\n"
        "Trois formes d'économie cohabitent localement : le marché, la redistribution et "
        "la réciprocité.\n\n"
        "# Les économies locales\n\n"
        "Sur un territoire, les économies coexistent : le marché domine les villes, "
        "d'autres économies coexistent dans les campagnes.\n",
    )


def _first_section(settings, question):
    _, retrieval = Assistant(settings).retrieve(question)
    return retrieval.passages[0].section


def test_a_definition_question_retrieves_the_defining_passage_first(lifted):
    question = "C'est quoi le mécénat ?"
    assert _first_section(lifted, question) == "Repères"
    without = lifted.model_copy(update={"definition_boost": 0.0})
    assert _first_section(without, question) != "Repères"


def test_a_question_naming_a_part_retrieves_that_part_first(lifted):
    question = "Quelles formes d'économie coexistent sur un territoire d'après le webinaire ?"
    assert _first_section(lifted, question) == "Les webinaires"
    without = lifted.model_copy(update={"named_part_boost": 0.0})
    assert _first_section(without, question) != "Les webinaires"


def test_a_phrase_is_searched_as_the_acronym_the_corpus_writes(tmp_path):
    assert "tpe" in spelled_out_initials("Comment les très petites entreprises s'engagent ?")
    assert "odd" in spelled_out_initials("Combien d'objectifs de développement durable ?")
    # « l'entreprise sur son territoire » is no phrase: « sur » is neither link nor content.
    assert "est" not in spelled_out_initials("le rôle de l'entreprise sur son territoire")
    settings = small_chunks(
        tmp_path,
        "entreprises.md",
        "# Les grandes entreprises\n\n"
        "Les grandes entreprises créent des fondations nationales.\n\n"
        "# Les ETI\n\n"
        "Les entreprises de taille intermédiaire financent des projets régionaux.\n\n"
        "# Proximité\n\n"
        "Les TPE pratiquent principalement du mécénat de proximité.\n",
    )
    question = "Comment les très petites entreprises s'engagent-elles auprès des associations ?"
    _, retrieval = Assistant(settings).retrieve(question, k=3)
    acronym = next(p for p in retrieval.passages if "TPE" in p.text)
    assert acronym.lexical_rank == 1  # BM25 matched nothing in it before


def test_the_introduction_is_a_documents_first_section(tmp_path):
    settings = small_chunks(
        tmp_path,
        "note.md",
        "# Contexte\n\n"
        "La raréfaction des ressources impose de concevoir d'autres modèles.\n\n"
        "# Les modèles de demain\n\n"
        "Ce qui oblige à inventer de nouveaux modèles socio-économiques, c'est l'innovation : "
        "inventer de nouveaux modèles, c'est inventer demain.\n\n"
        "# Les bénévoles\n\n"
        "Les bénévoles donnent leur temps aux associations de quartier.\n\n"
        "# Les fondations\n\n"
        "Les fondations financent des projets d'intérêt général.\n",
    )
    question = "D'après l'introduction, qu'est-ce qui oblige à inventer de nouveaux modèles ?"

    def rank(settings):
        _, retrieval = Assistant(settings).retrieve(question, k=4)
        return [p.section for p in retrieval.passages].index("Contexte") + 1

    assert rank(settings) == 1
    assert rank(settings.model_copy(update={"named_part_boost": 0.0})) > 1


def test_que_dit_la_partie_asks_a_summary():
    assert read_intent("Que dit la partie sur les études académiques ?").kind == "summary"
    assert read_intent("Que dit la section sur les alliances ?").kind == "summary"


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("Au fait, c'est quoi Le RAMEAU ?", "laboratoire de recherche dédié aux alliances"),
        (
            "Concrètement, c'est quoi un modèle socio-économique selon Le RAMEAU ?",
            "représente l’ensemble des ressources disponibles",
        ),
        (
            "Quelles formes d'économie coexistent sur un territoire d'après le webinaire ?",
            "De l’économie de marché à celle de la redistribution",
        ),
        (
            "D'après l'introduction, qu'est-ce qui oblige aujourd'hui à inventer de nouveaux "
            "modèles socio-économiques ?",
            "l’effet ciseau impose d’inventer",
        ),
    ],
)
def test_the_note_retrieves_what_its_questions_point_to(reference_assistant, question, passage):
    _, retrieval = reference_assistant.retrieve(question)
    assert any(passage in p.text for p in retrieval.passages[:3])


def test_a_phrase_asked_to_define_is_searched_where_it_is_written_in_a_row(reference_assistant):
    # « Qu'est-ce que l'économie de l'engagement ? » quoted « Quels facteurs suscitent
    # l'engagement territorial des acteurs économiques ? … »: both words, apart. The note
    # writes the phrase in a row (« … en passant par l'économie de l'engagement, … »).
    answer = reference_assistant.answer("Qu'est-ce que l'économie de l'engagement ?")
    assert not answer.abstained, answer.answer
    assert "économie de l’engagement" in answer.citations[0].quote, answer.answer


def test_a_question_in_a_sections_title_words_asks_what_that_section_says(reference_assistant):
    # « Quelle place pour les territoires ? » (the 9th day's title) opened on « Quels
    # facteurs suscitent l'engagement territorial … ? »; the day's points answer it.
    answer = reference_assistant.answer("Quelle place pour les territoires ?")
    assert answer.answer.startswith("Points clés de « 9e jour – La place des territoires »")
    # Asking what they are, or more than the title says, is no request for the section.
    for question in ("Que sont les communautés de pairs ?", "Quel rôle pour les territoires ?"):
        assert not reference_assistant.answer(question).answer.startswith("Points clés")
