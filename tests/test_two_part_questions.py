"""A question asking two things at once gets both, in its order, each from the sentence that
answers it; a part the note does not give is said missing, not answered with a filler."""

from assistant.answer.answering import Assistant
from assistant.answer.generation import ExtractiveGenerator
from assistant.answer.parts import answers_part, cover_parts, question_parts
from assistant.answer.planning import plan_answer
from assistant.answer.selection import Scored, score_units
from assistant.search.query import understand
from assistant.textunits import Unit

from .conftest import corpus_of

NOTE = (
    "# Le réseau des jardins partagés\n\n"
    "Rassemblant plus de 40 associations partenaires fin 2021, le réseau des jardins "
    "partagés est né de la volonté de cultiver ensemble les quartiers. Il organise chaque "
    "année des rencontres entre les jardiniers bénévoles et les habitants.\n\n"
    "## Histoire\n\n"
    "La fondation Verdure a lancé dès 2012 le réseau des jardins partagés avec les "
    "associations de quartier. Les jardins accueillent aussi des écoles et des centres "
    "sociaux, qui y mènent des ateliers de découverte.\n\n"
    "## Ressources\n\n"
    "Un guide pratique explique comment créer un jardin partagé, choisir un terrain et "
    "organiser les plantations au fil des saisons.\n"
)


def _answer(assistant: Assistant, question: str):
    """The extractive answer (the step that decides to abstain, calibrated on the reference
    note, left out: this note is a few lines long)."""
    query = understand(question, [])
    retrieval = assistant.retriever.search(query)
    scored = score_units(query, retrieval)
    plan = plan_answer(assistant.settings, query, retrieval, scored, "short")
    return ExtractiveGenerator.compose(plan, False, "short")


def test_a_question_is_read_as_its_parts():
    parts = question_parts(
        "Depuis quand le réseau existe-t-il, et combien d'associations rassemble-t-il ?"
    )
    assert [p.kind for p in parts] == ["date", "figure"]
    assert "associ" in parts[1].terms
    assert [p.kind for p in question_parts("Qui a lancé le réseau, et où ?")] == [
        "actors",
        "place",
    ]
    # A verb between « et » and the question word: two figures, each of its own words.
    parts = question_parts("Ça a réuni combien et produit combien de fruits ?")
    assert [(p.kind, p.terms) for p in parts] == [
        ("figure", ("reun",)),
        ("figure", ("produit", "fruit")),
    ]
    # One question, a relative « qui », a list of nouns: no parts.
    assert question_parts("Combien d'associations rassemble le réseau ?") == []
    assert question_parts("Quelles associations et les écoles qui jardinent ?") == []


def test_both_parts_are_answered_in_the_questions_order(tmp_path):
    assistant = Assistant(corpus_of(tmp_path, {"jardins.md": NOTE}))
    answer = _answer(
        assistant,
        "Depuis quand le réseau des jardins partagés existe-t-il, et combien "
        "d'associations rassemble-t-il ?",
    )
    assert "2012" in answer.answer and "40 associations" in answer.answer, answer.answer
    assert answer.answer.index("2012") < answer.answer.index("40 associations")


def test_a_part_the_note_does_not_give_gets_no_filler(tmp_path):
    assistant = Assistant(corpus_of(tmp_path, {"jardins.md": NOTE}))
    answer = _answer(
        assistant,
        "Depuis quand le réseau des jardins partagés existe-t-il, et combien de salariés "
        "emploie-t-il ?",
    )
    assert "2012" in answer.answer, answer.answer
    # Another figure would read as the number of employees.
    assert "40 associations" not in answer.answer, answer.answer
    assert answer.answer.startswith("Le corpus ne donne pas ce chiffre"), answer.answer
    assert "combien de salariés" in answer.answer


def test_ou_without_accent_joins_alternatives_and_asks_no_place():
    # « ou » (or) is no « où » (where): the second part asks how, not where.
    parts = question_parts(
        "Quand le réseau est-il né, et comment les jardins ou les vergers sont-ils choisis ?"
    )
    assert [p.kind for p in parts][:1] == ["date"] and parts[1].kind != "place"
    # Typed without its accent, a part that is only « ou » still asks where.
    assert [p.kind for p in question_parts("Qui a lancé le réseau, et ou ?")] == [
        "actors",
        "place",
    ]


def test_an_actors_part_is_answered_by_a_named_body():
    # « les associations » names the kind of actors the note speaks of: enough to weigh a
    # unit for « qui », not to be the named answer to a part asking who.
    (part,) = [p for p in question_parts("Quand le réseau est-il né, et qui l'a lancé ?")
               if p.kind == "actors"]
    assert not answers_part(part, "Dans 8 cas sur 10, les associations sont à la manœuvre.")
    assert answers_part(part, "La fondation Verdure a lancé dès 2012 le réseau.")


def test_an_english_two_part_question_gets_both_parts(tmp_path):
    # The parts' English words reach the note's French ones as the whole question's do:
    # the figure is not dropped, nor said missing.
    assistant = Assistant(corpus_of(tmp_path, {"jardins.md": NOTE}))
    query = understand(
        "Since when has the network of shared gardens existed, and how many associations "
        "does it bring together?",
        [],
    )
    retrieval = assistant.retriever.search(query)
    plan = plan_answer(assistant.settings, query, retrieval, score_units(query, retrieval),
                       "short")
    answer = ExtractiveGenerator.compose(plan, True, "short")
    assert "2012" in answer.answer and "40 associations" in answer.answer, answer.answer
    assert "does not give" not in answer.answer, answer.answer


def test_each_part_asking_a_figure_gets_it_from_any_retrieved_passage(reference_assistant):
    # « … combien de pays …, et combien d'objectifs … ? »: the second figure (« les 17 ODD »)
    # is in a passage ranked below those whose units are all read; a figure the question
    # as a whole counts is read from any retrieved passage, and so is a part's.
    answer = reference_assistant.answer(
        "Combien de pays ont construit l'Agenda 2030, et combien d'objectifs compte-t-il ?"
    )
    assert "193" in answer.answer and "17 ODD" in answer.answer, answer.answer
    assert answer.answer.index("193") < answer.answer.index("17 ODD")


def test_a_list_quoted_for_two_figures_keeps_the_items_giving_either(reference_assistant):
    # The list of the forms of engagement gives both: cut to the volunteers' item alone,
    # the number of employees asked second was dropped.
    answer = reference_assistant.answer(
        "Combien de bénévoles compte le secteur associatif, et combien de salariés ?"
    )
    assert "13,2 millions" in answer.answer and "1,8 million" in answer.answer, answer.answer



def test_a_part_is_answered_by_a_sentence_holding_both_its_kind_and_its_words():
    # The best unit names the platform in one sentence and a year in another (« Le rapport
    # du Comité 21 réalisé en 2018 … »): that year is the report's, no date of the
    # platform's creation, which another unit gives (« Créée fin 2018 en partenariat … »).
    def scored(text: str, score: float) -> Scored:
        return Scored(None, Unit(text, "sentence", 0), score, 0.85, 0.5, 1.0)

    best = scored(
        "Le rapport sur l’appropriation des ODD réalisé par le Comité 21 en 2018 en démontre "
        "les avancées. Ces organisations peuvent s’inspirer de bonnes pratiques au travers de "
        "la plateforme de capitalisation « L’innovation territoriale en actions ! ».",
        0.8,
    )
    created = scored(
        "Créée fin 2018 en partenariat avec la Caisse des Dépôts et le CGET, la plateforme "
        "« L’innovation territoriale en actions ! » rassemble les initiatives des territoires.",
        0.5,
    )
    question = (
        "Quand la plateforme « L'innovation territoriale en actions ! » a-t-elle été créée, "
        "et avec quels partenaires ?"
    )
    query = understand(question, [])
    covered = cover_parts(
        question_parts(question), [best], [best, created], query.terms, lambda t: 1.0, 2
    )
    assert covered.chosen[0] is created, [s.unit.text[:40] for s in covered.chosen]
