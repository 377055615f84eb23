"""Follow-ups that point into the previous answer (#18): « Et le dernier ? », « Détaille le
second. », « Et le deuxième chiffre ? » — bare ordinals, the items an answer enumerates in a
sentence, and the nested items of a list quoted under one point."""

from __future__ import annotations

import pytest

from assistant.answer.answering import Assistant
from assistant.answer.holds import names_subject
from assistant.models import Turn
from assistant.search.query import (
    intent_in_context,
    last_question,
    names_ordinal,
    previous_points,
    read_intent,
    scoped_to,
    understand,
)
from assistant.textnorm import analyze, fold

from .conftest import corpus_of


def _after(answer: str, question: str = "…") -> list[Turn]:
    return [Turn(role="user", content=question), Turn(role="assistant", content=answer)]


def test_a_bare_ordinal_points_into_the_previous_answer():
    assert read_intent("Et le dernier ?").ordinal == -1
    assert read_intent("Parle-moi du premier.").ordinal == 1
    assert read_intent("Détaille le second.").ordinal == 2
    assert read_intent("Et le troisième, il pèse combien dans le budget ?").ordinal == 3
    # The answer named as what the ordinal counts in: its list, its points, its answer.
    assert read_intent("Tu peux détailler le deuxième de ta liste ?").ordinal == 2
    assert read_intent("Et le premier de vos points ?").ordinal == 1
    assert read_intent("Développe le dernier de ta réponse.").ordinal == -1
    # A day is a section, not a point; an ordinal before its noun keeps the noun.
    assert read_intent("Résume le 3e jour").ordinal is None
    intent = read_intent("Et le deuxième chiffre, il veut dire quoi ?")
    assert (intent.ordinal, intent.ordinal_noun) == (2, "chiffre")


def test_the_items_a_sentence_enumerates_are_the_points():
    answer = (
        "D'après le corpus : Une structure d’intérêt général dispose de 4 leviers de "
        "financement : les cotisations, les subventions publiques, les revenus d’activité et "
        "le financement privé (entreprises, fondations, dons …). [1]"
    )
    assert previous_points(_after(answer)) == [
        "les cotisations",
        "les subventions publiques",
        "les revenus d’activité",
        "le financement privé",
    ]
    risks = "D'après le corpus : c’est prendre deux risques : l’un technique, l’autre politique."
    # Items that leave out the noun counted before the colon are that noun's (« risque
    # politique »): « l'autre politique » was the point the lead named and searched.
    assert previous_points(_after(risks)) == ["risque technique", "risque politique"]
    both = "D'après le corpus : il propose deux leviers : l'un financier, l'autre humain. [1]"
    assert previous_points(_after(both)) == ["levier financier", "levier humain"]
    # As many items as the sentence counts: « Détaille le dernier. » after the 3 axes took
    # « des Territoires » for the last one (an apposition after a comma and an « et »
    # inside the item were read as separators).
    axes = (
        "D'après le corpus : Le RAMEAU a établi les effets de ce mouvement autour de 3 axes : "
        "l’innovation sociétale et territoriale, la performance des organisations publiques "
        "et privées, ainsi que la confiance, moteur de l’engagement des Hommes et des "
        "Territoires. [1]"
    )
    assert previous_points(_after(axes)) == [
        "l’innovation sociétale et territoriale",
        "la performance des organisations publiques et privées",
        "la confiance, moteur de l’engagement des Hommes et des Territoires",
    ]


def test_a_prose_answer_s_items_are_its_points_whatever_separates_them():
    """An answer in prose (a model's, or a user's summary): items a semicolon separates,
    commas inside them; a citation between the lead-in and its colon; words that order the
    items (« d'abord », « ensuite ») are not theirs."""
    by_semicolon = (
        "Trois propositions en ressortent [1] : faire une « pédagogie par l’exemple » de la "
        "chaîne de valeur des acteurs ; définir la manière d'investir dans les modèles "
        "d'intérêt général, de façon spécifique ; faire émerger « un droit d’expérimentation "
        "partenariale » [1]."
    )
    assert previous_points(_after(by_semicolon)) == [
        "faire une « pédagogie par l’exemple » de la chaîne de valeur des acteurs",
        "définir la manière d'investir dans les modèles d'intérêt général, de façon spécifique",
        "faire émerger « un droit d’expérimentation partenariale »",
    ]
    # Commas listing more items than the semicolons: the semicolon ends the list.
    commented = (
        "Le modèle repose sur trois leviers : les richesses humaines, les ressources "
        "financières et les alliances stratégiques ; ils sont complémentaires."
    )
    assert previous_points(_after(commented)) == [
        "les richesses humaines",
        "les ressources financières",
        "les alliances stratégiques",
    ]
    assert previous_points(_after("Trois étapes : diagnostiquer ; et ; agir.")) == [
        "diagnostiquer",
        "agir",
    ]
    ordered = (
        "Il a mis en exergue « les 3 tendances des alliances » [1] : d'abord « la "
        "diversification et la complémentarité des modes d’engagement des entreprises », "
        "ensuite l'émergence des catalyseurs, et enfin les tiers-lieux [1]."
    )
    assert previous_points(_after(ordered)) == [
        "« la diversification et la complémentarité des modes d’engagement des entreprises »",
        "l'émergence des catalyseurs",
        "les tiers-lieux",
    ]


def test_a_follow_up_on_a_point_searches_what_it_names_not_how_it_asks():
    """« Et le troisième temps, ça donne quoi ? »: the note may write « dans un troisième
    temps »; « c'est quoi ce métier ? » names what to say of the point; « développe »,
    « point », a bare ordinal only ask for more of it."""
    listing = (
        "D'après le corpus : La démarche propose 3 temps : une sensibilisation, un "
        "autodiagnostic, des ateliers de co-développement. [1]"
    )
    third = understand("Et le troisième temps, concrètement, ça donne quoi ?", _after(listing))
    assert third.point == "des ateliers de co-développement"
    assert set(analyze("troisième temps")) <= set(third.terms)
    job = understand("Développe le deuxième point : c'est quoi ce métier ?", _after(listing))
    assert "meti" in job.terms and "meti" in job.lexical_terms
    assert not {"developp", "point", "deuxiem"} & set(job.terms)
    bare = understand("Et la dernière, elle dit quoi ?", _after(listing))
    assert not {"derni", "dit"} & set(bare.terms)
    levers = (
        "D'après le corpus : Le modèle repose sur 3 leviers : les richesses humaines, les "
        "ressources financières, les alliances stratégiques. [1]"
    )
    lever = understand("Développe le deuxième levier.", _after(levers))
    assert lever.point == "les ressources financières"
    assert not {"developp", "levi", "deuxiem"} & set(lever.terms)


def test_the_nested_items_of_a_list_under_one_point_are_the_points():
    answer = (
        "D'après le corpus :\n\n- Deux chiffres-clés illustrent ce besoin :\n"
        "  - 82% des structures ont des besoins de compétences,\n"
        "  - 61% des actifs sont intéressés. [1]"
    )
    assert previous_points(_after(answer))[1] == "61% des actifs sont intéressés."


def test_a_list_cut_to_one_item_under_its_lead_in_has_that_item_as_its_point():
    # « Quels sont les freins à l'hybridation ? » quoted « 3 propositions en restortent : »
    # with its one item on the brakes; « Et le dernier ? » took the lead-in and the item
    # together as the point (« Sur ce point (« - 3 propositions en restortent : - Après … »)).
    answer = (
        "D'après le corpus :\n\n- 3 propositions en restortent :\n"
        "  - Après avoir identifié les freins techniques aux alliances innovantes, il faut"
        " faire émerger un droit d'expérimentation partenariale. [1]"
    )
    (point,) = previous_points(_after(answer))
    assert point.startswith("Après avoir identifié les freins"), point
    # Two quotes, each a sentence: the sentences are the points, as before.
    prose = "D'après le corpus : Le risque technique … [1] Le risque politique … [2]"
    assert len(previous_points(_after(prose))) == 2


def test_the_last_lever_is_developed_not_the_list_repeated(reference_assistant):
    first, follow = _converse(
        reference_assistant,
        "Quels sont les trois leviers d'un modèle socio-économique ?",
        "Et le dernier ?",
    )
    assert not follow.abstained
    assert "alliance" in follow.answer.lower()
    # The enumeration the user already read is not quoted again as the answer.
    assert not any(c.quote in first.answer for c in follow.citations), follow.answer


def test_a_follow_up_puts_a_subject_in_place_of_the_previous_one():
    # « Et côté PME ? » names a subject; « Et quelle part … ? », « Et le troisième temps,
    # ça donne quoi ? » ask a question of their own.
    assert read_intent("Et côté PME ?").new_subject == "pme"
    assert read_intent("Et pour les fondations ?").new_subject == "les fondations"
    assert read_intent("Et quelle part d'entre eux se joue au niveau local ?").new_subject == ""
    assert read_intent("Et le troisième temps, ça donne quoi ?").new_subject == ""
    assert read_intent("Et le dernier ?").new_subject == ""


def test_a_rescoped_follow_up_quotes_the_new_subject_only(reference_assistant):
    first, follow = _converse(
        reference_assistant,
        "Combien pèsent les financements publics dans le financement associatif ?",
        "Et le financement privé ?",
    )
    assert "44%" in first.answer
    assert not follow.abstained
    assert "5,7 milliards" in follow.citations[0].quote
    # What the previous answer said of public funding is not said again.
    assert not any("44%" in c.quote for c in follow.citations), follow.answer


def test_a_new_subject_is_searched_with_its_own_words():
    history = [
        Turn(role="user", content="Que dit la note sur le MOOC ?"),
        Turn(role="assistant", content="D'après le corpus : le MOOC …"),
    ]
    for question in ("Et sur le référentiel ?", "And what about the Fonjep's studies?"):
        query = understand(question, history)
        assert query.follow_up
        assert "MOOC" not in query.text, query.text
    # A re-scope keeps the previous question: it narrows its subject.
    assert "MOOC" in understand("Et pour les PME ?", history).text


def test_a_new_subject_is_answered_on_it_not_on_the_previous_one(reference_assistant):
    _, follow = _converse(
        reference_assistant, "Que dit la note sur le MOOC ?", "Et sur le référentiel ?"
    )
    assert not follow.abstained
    assert "référentiel" in follow.answer.lower()
    assert "MOOC" not in follow.citations[0].quote, follow.answer


def _conversation(assistant, *questions: str):
    """The answers to ``questions`` asked in turn, each after the ones before it, and the
    history they make (the assistant's own answers)."""
    answers, history = [], []
    for question in questions:
        answer = assistant.answer(question, history)
        answers.append(answer)
        history = [
            *history,
            Turn(role="user", content=question),
            Turn(role="assistant", content=answer.answer),
        ]
    return answers, history


def _converse(assistant, question: str, follow_up: str):
    """The answer to ``question``, then to ``follow_up`` asked after it."""
    (first, follow), _ = _conversation(assistant, question, follow_up)
    return first, follow


DEMARCHE = """# La démarche

## Les trois temps

La démarche d'accompagnement propose trois temps aux associations participantes :

- une sensibilisation collective par un webinaire,
- un autodiagnostic de leur modèle socio-économique,
- des ateliers de co-développement entre pairs.

## Les ateliers de co-développement

Les ateliers de co-développement réunissent huit dirigeants pendant une demi-journée. Chacun y
présente son modèle devant ses pairs, qui l'aident à approfondir l'analyse et à dégager des
pistes d'actions concrètes. Les participants s'exercent enfin à présenter leur projet en trois
minutes devant des financeurs.

## Le webinaire

Le webinaire dure une heure et présente les leviers du modèle socio-économique.
"""


def test_a_point_is_developed_from_what_the_passages_say_of_it(tmp_path):
    """« Développe le troisième point » after a list: the point as the list gave it, then
    what the note says of it elsewhere — not the list item alone (the user read it)."""
    from assistant.answer.answering import Assistant
    from assistant.ingest.indexing import ingest

    from .conftest import make_settings

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "demarche.md").write_text(DEMARCHE, encoding="utf-8")
    settings = make_settings(tmp_path / "data", folder)
    ingest(settings)
    assistant = Assistant(settings)
    _, follow = _converse(
        assistant,
        "Quels sont les temps de la démarche d'accompagnement ?",
        "Développe le troisième point.",
    )
    assert not follow.abstained, follow.answer
    text = follow.answer
    assert "ateliers de co-développement entre pairs" in text, text
    assert "huit dirigeants" in text, text
    assert text.index("entre pairs") < text.index("huit dirigeants"), text
    assert "webinaire" not in text, text
    # The point the user read is said in the lead; the quotes are what the note adds (it
    # was quoted again first, the same answer twice).
    assert text.startswith("Sur ce point (« des ateliers de co-développement entre pairs"), text
    assert "huit dirigeants" in follow.citations[0].quote, text
    # A previous answer that shortened the point (a model's): the note's item says more,
    # and is quoted first.
    short = [
        Turn(role="user", content="Quels sont les temps de la démarche d'accompagnement ?"),
        Turn(
            role="assistant",
            content="La démarche a trois temps :\n- un webinaire [1]\n- un autodiagnostic [1]\n"
            "- des ateliers [1]",
        ),
    ]
    again = assistant.answer("Développe le troisième point.", short)
    # (its lead-in and the item: two runs, one citation quoting the item, the lead-in its
    # context)
    assert "entre pairs" in again.citations[0].quote, again.answer
    assert again.citations[0].context.startswith("La démarche d'accompagnement propose")
    assert again.answer.startswith("Sur ce point, le corpus précise"), again.answer
    assert "huit dirigeants" in again.answer, again.answer


def test_a_follow_up_fills_the_slot_its_preposition_opens():
    """« Et avec les entreprises ? » puts its phrase where the previous question's « avec …
    » was: the previous object is no longer searched, the rest of the question is."""
    from assistant.search.query import swapped_slot

    assert swapped_slot(
        "Les associations font-elles des partenariats avec les entreprises ?",
        "Et avec les autres associations ?",
    ) == "Les associations font-elles des partenariats avec les autres associations ?"
    assert swapped_slot(
        "Quel rôle jouent les fondations pour les associations culturelles ?",
        "Et pour les associations sportives ?",
    ) == "Quel rôle jouent les fondations pour les associations sportives ?"
    # No preposition to fill, or none in the previous question: nothing is swapped.
    assert swapped_slot("Quelles initiatives les acteurs mènent-ils ?", "Et côté PME ?") == ""
    assert swapped_slot("Quel est le rôle des fondations ?", "Et pour les PME ?") == ""
    previous = "Les associations font-elles des partenariats avec les entreprises ?"
    turns = [Turn(role="user", content=previous), Turn(role="assistant", content="…")]
    query = understand("Et avec les autres associations ?", turns)
    assert "entrepris" not in query.lexical_terms


def test_a_pronoun_counts_what_the_previous_question_named():
    """« Et ils sont combien ? » after a question on « les salariés » counts salariés."""
    previous = "Quelle place tiennent les salariés dans le modèle d'une association ?"
    turns = [Turn(role="user", content=previous), Turn(role="assistant", content="…")]
    intent = understand("Et ils sont combien dans le secteur associatif ?", turns).intent
    assert intent.one_figure and intent.counted_terms == ("salari",)
    # A noun of its own is what it counts.
    intent = understand("Et ils étaient combien de participants ?", turns).intent
    assert intent.counted == "participants"
    # Not a follow-up: nothing is inherited.
    assert not understand("Ils sont combien ?", []).intent.counted


def test_a_new_subject_with_no_word_of_its_own_is_its_phrase():
    # « Et avec les autres associations ? » after a question on associations: « autres » is
    # a stop word, the new subject is the phrase.
    previous = "Les associations font-elles des partenariats avec les entreprises ?"
    turns = [Turn(role="user", content=previous), Turn(role="assistant", content="…")]
    query = understand("Et avec les autres associations ?", turns)
    assert query.rescoped_phrase == ("autre", "association")
    for text, named in (
        ("Avec les autres associations : les synergies se multiplient.", True),
        ("Les associations nouent des partenariats.", False),
    ):
        terms = analyze(text)
        assert names_subject(text, terms, query.rescoped, query.rescoped_phrase) is named


PARTENARIATS = """# Les partenariats

Leurs partenariats sont variés : 42% des entreprises mènent des partenariats avec les
associations autour des pratiques responsables, et 30% font du mécénat.

Avec les autres associations : les synergies se multiplient, de la mutualisation de moyens
aux fusions.

Les fondations soutiennent les associations depuis longtemps.
"""


def test_a_rescoped_follow_up_does_not_quote_the_previous_answer_again(tmp_path):
    settings = corpus_of(tmp_path, {"partenariats.md": PARTENARIATS})
    assistant = Assistant(settings)
    first, follow = _converse(
        assistant,
        "Les associations font-elles des partenariats avec les entreprises ?",
        "Et avec les autres associations ?",
    )
    assert "42%" in first.citations[0].quote, first.answer
    assert not follow.abstained
    assert "synergies" in follow.citations[0].quote, follow.answer
    assert not any("42%" in c.quote for c in follow.citations), follow.answer


def test_a_point_the_previous_answer_does_not_have_is_said_missing(tmp_path):
    # « Développe le troisième point » after an answer of two points: no unrelated « 3
    # volets » answered in its place, a plain statement of what the answer holds.
    settings = corpus_of(tmp_path, {"demarche.md": DEMARCHE})
    assistant = Assistant(settings)
    two = (
        "D'après le corpus :\n\n- Le webinaire dure une heure. [1]\n"
        "- Les ateliers réunissent huit dirigeants. [2]"
    )
    history = [
        Turn(role="user", content="Que propose la démarche ?"),
        Turn(role="assistant", content=two),
    ]
    answer = assistant.answer("Développe le troisième point.", history)
    assert answer.abstained and not answer.citations
    assert "pas de troisième point : elle en donne 2." in answer.answer, answer.answer
    english = assistant.answer("Expand on the fifth point.", history)
    assert english.abstained and "no fifth point" in english.answer, english.answer
    # A point it has is developed; an ordinal counting something else asks the note.
    assert not assistant.answer("Développe le deuxième point.", history).abstained
    assert understand("Et le troisième temps, ça donne quoi ?", history).no_such_point == -1


def test_an_ordinal_of_something_the_exchange_named_asks_the_note():
    # « Et la troisième édition ? » after a question on the first edition counts editions
    # of the note, not points of the answer, even when the answer quoted two sentences.
    history = [
        Turn(role="user", content="Quand a eu lieu la première édition du forum ?"),
        Turn(
            role="assistant",
            content="D'après le corpus : La première édition a eu lieu en 2015. [1] "
            "Elle a réuni 300 dirigeants. [2]",
        ),
    ]
    assert understand("Et la troisième édition ?", history).no_such_point == -1
    # A bare ordinal after an answer of two points asks a third of them, and a pointing
    # noun after an answer listing none is told so.
    assert understand("Et le troisième ?", history).no_such_point == 2
    single = [
        history[0],
        Turn(role="assistant", content="D'après le corpus : Elle a eu lieu en 2015. [1]"),
    ]
    assert understand("Et le troisième ?", single).no_such_point == -1
    assert understand("Développe le troisième point.", single).no_such_point == 0


def test_a_word_asking_any_figure_of_the_subject_is_not_what_the_note_must_know(
    reference_assistant,
):
    """« Et le privé, ça pèse combien ? » after the sources of funding: « pèse » (which the
    note writes « pèsent », another stem) asks for a figure of the subject, like « part »
    or « combien »; the note gives the private funding's, so the answer is not withheld."""
    _, follow = _converse(
        reference_assistant,
        "Les grandes sources de financement d'une asso, c'est lesquelles ?",
        "Et le privé, ça pèse combien ?",
    )
    assert not follow.abstained, follow.answer
    assert "5,7 milliards" in follow.answer


def test_a_rescoped_figure_follow_up_counts_the_new_subject(reference_assistant):
    # « Et les salariés ? » after « Combien … de bénévoles … ? » asks how many salariés:
    # the new subject takes the counted noun's place (it gave the 2014 report's 15
    # propositions, a figure in a sentence that names « salariés »).
    first, follow = _converse(
        reference_assistant,
        "Combien y a-t-il de bénévoles en France ?",
        "Et les salariés ?",
    )
    assert "13,2 millions" in first.answer
    assert not follow.abstained
    elided = reference_assistant.answer(
        "Et de salariés ?",
        [Turn(role="user", content="Combien y a-t-il de bénévoles en France ?"),
         Turn(role="assistant", content=first.answer)],
    )
    # (It quoted the 2014 report's « 15 propositions », a figure naming « salariés ».)
    assert "1,8 million de salariés" in elided.citations[0].quote, elided.answer
    # The list cut to its lead-in and the item: the item is what the first citation quotes.
    assert "1,8 million de salariés" in follow.citations[0].quote, follow.answer
    assert "15 propositions" not in follow.answer
    history = [
        Turn(role="user", content="Combien de bénévoles compte le secteur associatif ?"),
        Turn(role="assistant", content="D'après le corpus : 13,2 millions de bénévoles [1]"),
    ]
    assert understand("Et côté salariés ?", history).intent.counted_terms == tuple(
        analyze("salariés")
    )
    # A new subject that is no plural noun (« Et côté PME ? ») counts what was counted.
    assert understand("Et côté PME ?", history).intent.counted_terms == ()
    # An acronym after a plural article is a plural noun: « Et les PME ? » after « Combien
    # d'entreprises font du mécénat ? » quoted « … 25 études de cas de grandes entreprises,
    # d'ETI et de PME », a number of case studies.
    companies = [
        Turn(role="user", content="Combien d'entreprises font du mécénat ?"),
        Turn(role="assistant", content="D'après le corpus : … 30% font du mécénat … [1]"),
    ]
    assert understand("Et les PME ?", companies).intent.counted_terms == tuple(analyze("PME"))
    assert understand("Et des ETI ?", companies).intent.counted_terms == tuple(analyze("ETI"))
    assert understand("Et les autres ?", companies).intent.counted_terms == ()
    question = "Combien d'entreprises font du mécénat ?"
    _, smes = _converse(reference_assistant, question, "Et les PME ?")
    assert "25 études de cas" not in smes.answer, smes.answer
    # « Et de salariés ? », « Et d'emplois ? »: the « de » of « Combien de … ? », elided.
    for question, noun in (("Et de salariés ?", "salariés"), ("Et d'emplois ?", "emplois")):
        assert understand(question, history).intent.counted_terms == tuple(analyze(noun))
    assert understand("Et de temps ?", history).intent.counted_terms == ()


def test_a_unit_labelled_by_the_new_subject_answers_a_rescoped_follow_up(reference_assistant):
    # « Avec les autres associations : les synergies se multiplient. » is about them; the
    # 2017 study's shares name them in passing and came first.
    _, follow = _converse(
        reference_assistant,
        "Quels partenariats les associations nouent-elles avec les entreprises ?",
        "Et avec les autres associations ?",
    )
    assert follow.citations[0].quote.startswith("Avec les autres associations :"), follow.answer


def test_a_label_names_the_subject_only_before_its_colon():
    from assistant.answer.holds import labelled_by_subject

    subject = frozenset(analyze("territoires"))
    assert labelled_by_subject("Pour les territoires : parcours associant …", subject, ())
    other = "Pour les têtes de réseau : testé sur les territoires."
    assert not labelled_by_subject(other, subject, ())
    assert not labelled_by_subject("Les territoires sont des lieux d'expression.", subject, ())


def test_an_ordinal_points_into_the_note_s_list_when_the_answer_paraphrased_it(
    reference_assistant,
):
    # A model's answer names the three trends in its own words: « Et la dernière ? » is the
    # last item of the note's list of three that it cited, not a sentence sharing its words.
    history = [
        Turn(role="user", content="Quelles tendances des alliances territoriales a-t-il vues ?"),
        Turn(
            role="assistant",
            content="Il a mis en exergue « les 3 tendances majeures des alliances "
            "territoriales » [1] : d'abord « la diversification et la complémentarité des "
            "modes d’engagement des entreprises », ensuite l'essor des catalyseurs, et une "
            "troisième sur les lieux de rencontre [1].",
        ),
    ]
    answer = reference_assistant.answer("Et la dernière ?", history)
    assert not answer.abstained
    assert "tiers-lieux" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "follow",
    ["Et pour Paris ?", "Et depuis ?", "Et chez les jeunes ?", "Et les autres ?", "Et ailleurs ?"],
)
def test_only_a_plural_noun_of_its_own_becomes_what_a_follow_up_counts(follow):
    # Review of session 13: any last word in « s » became the counted noun.
    history = [
        Turn(role="user", content="Combien de bénévoles y a-t-il en France ?"),
        Turn(role="assistant", content="D'après le corpus : 13,2 millions de bénévoles [1]"),
    ]
    assert understand(follow, history).intent.counted == ""


def test_the_leads_of_an_answer_are_not_its_points():
    history = [
        Turn(role="user", content="q"),
        Turn(
            role="assistant",
            content="D'après le corpus :\n\n- (Suite de « Trois axes : ») Côté terrain : des "
            "outils. [1]\n- Côté accompagnement : des formations. [2]",
        ),
    ]
    assert previous_points(history) == [
        "Côté terrain : des outils.",
        "Côté accompagnement : des formations.",
    ]
    lead = "Sur ce point (« renforcer le financement privé par le mécénat »), le corpus précise : "
    history[1] = Turn(role="assistant", content=lead + "Le mécénat croît. [1] Les dons aussi. [2]")
    assert previous_points(history) == ["Le mécénat croît.", "Les dons aussi."]


def test_a_new_subject_the_note_never_writes_is_said_missing(reference_assistant):
    # « Et pour une petite association ? »: the note never writes « petite »; it cannot say
    # what is asked of small associations in particular. The answer says so before what it
    # says of the subject, rather than repeating the previous answer as if it were about them.
    first, follow = _converse(
        reference_assistant,
        "Quels sont les leviers d'un modèle socio-économique ?",
        "Et pour une petite association ?",
    )
    assert not first.abstained
    assert "ne parle pas de « petite association »" in follow.answer, follow.answer
    # A subject the note names is no missing one, whatever words the question adds.
    _, named = _converse(
        reference_assistant,
        "Quels sont les leviers d'un modèle socio-économique ?",
        "Et pour les fondations ?",
    )
    assert "ne parle pas" not in named.answer, named.answer


def test_the_new_subject_is_read_as_written():
    history = [
        Turn(role="user", content="Quels sont les leviers d'un modèle socio-économique ?"),
        Turn(role="assistant", content="D'après le corpus : 3 leviers. [1]"),
    ]
    assert understand("Et pour une petite association ?", history).subject == (
        "petite association"
    )
    # « du côté des » opens the slot whole (not « s Très … »); the phrase is lowercased as
    # it is compared with the note's words.
    assert understand("Et du côté des Très Petites Entreprises ?", history).subject == (
        "très petites entreprises"
    )
    assert understand("Et côté PME ?", history).subject == "pme"
    # No preposition or article opens it: a time, not a subject.
    assert understand("Et dix ans plus tard ?", history).subject == ""
    assert understand("Quels sont les leviers ?", history).subject == ""
    # A purpose, a condition or a clause is no subject either.
    for question in ("Et pour y arriver ?", "Et en cas de baisse ?", "Et pour les utiliser ?"):
        assert understand(question, history).subject == "", question


def test_the_words_opening_a_rescoping_slot_are_not_what_is_asked():
    """« Et côté PME ? »: « côté » opens the slot the new subject fills; it is no term of the
    question (« aux côtés des richesses humaines » is not about PME), and neither are « au
    niveau » (« Au plus haut niveau de l'Etat … ») nor « à l'échelle »."""
    history = _after(
        "D'après le corpus : de nombreuses initiatives. [1]",
        "Quelles initiatives les acteurs académiques mènent-ils ?",
    )
    assert understand("Et côté PME ?", history).focus_terms == analyze("PME")
    assert understand("Et du côté des fondations ?", history).focus_terms == analyze("fondations")
    assert understand("Et au niveau local ?", history).focus_terms == analyze("local")
    assert understand("Et à l'échelle régionale ?", history).focus_terms == analyze("régionale")
    # Words of the question's own stay: « Et pour les PME, combien ? » asks a figure.
    assert understand("Et pour les PME, combien ?", history).focus_terms == analyze(
        "PME combien"
    )


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Et côté fondations, il se passe quoi ?", "fondations"),
        ("Et pour les PME, ça donne quoi ?", "les pme"),
        ("Et pour les fondations, qu'en est-il ?", "les fondations"),
        # A tail asking something precise is a question of its own.
        ("Et pour les PME, combien ?", ""),
        ("Et côté fondations, quelles initiatives ?", ""),
    ],
)
def test_a_tail_asking_only_what_about_it_leaves_the_new_subject(question, subject):
    # « Et côté fondations, il se passe quoi ? » was read as no new subject: the answer
    # quoted the previous answer's « Du côté des acteurs académiques … » again.
    assert read_intent(question).new_subject == subject
    history = _after("D'après le corpus : de nombreuses initiatives. [1]", "Quelles initiatives ?")
    if subject:
        assert understand(question, history).focus_terms == analyze(subject.split()[-1])


def test_a_follow_up_asking_more_does_not_quote_the_previous_answer_again(reference_assistant):
    # « Et combien sont locaux ? »: the previous answer's « 1,2 million de partenariats … »
    # answered the first question; it was quoted again, first, before « 74% des
    # partenariats sont locaux ».
    (first, follow), _ = _conversation(
        reference_assistant,
        "Combien de partenariats associations-entreprises en France ?",
        "Et combien sont locaux ?",
    )
    assert "1,2 million" in first.answer, first.answer
    assert follow.citations and "74%" in follow.citations[0].quote, follow.answer
    assert "1,2 million" not in follow.answer, follow.answer


def test_a_count_by_pronoun_after_a_developed_point_counts_its_subject(reference_assistant):
    # « Combien sont-ils ? » after « Détaille le deuxième point. » (the catalysts): searched
    # with the point's words, the list of the three trends the point came from scored far
    # above « … du réseau des 350 « catalyseurs territoriaux » », and was quoted again.
    (_, _, count), _ = _conversation(
        reference_assistant,
        "Quelles sont les trois tendances des alliances territoriales ?",
        "Détaille le deuxième point.",
        "Combien sont-ils ?",
    )
    assert count.citations and "350" in count.citations[0].quote, count.answer
    assert "tendances" not in count.answer, count.answer


def test_a_count_by_pronoun_of_a_status_counts_its_people(reference_assistant):
    # « Combien sont-ils ? » after « Qu'est-ce que le bénévolat associatif ? » counted
    # « bénévolat » and said the note gives no such figure, though the passage it quoted
    # next to gives « 13,2 millions de bénévoles »: « ils » are the volunteers.
    (_, count), _ = _conversation(
        reference_assistant, "Qu'est-ce que le bénévolat associatif ?", "Combien sont-ils ?"
    )
    assert not count.abstained, count.answer
    assert count.citations and "13,2 millions" in count.citations[0].quote, count.answer


def test_who_does_it_is_not_answered_by_a_noun_of_the_verb(reference_assistant):
    # « Qui le pratique ? » after the definition of social investment opened on the list
    # announcing « des exemples de pratiques d'engagement » (the practices, no one who
    # practises); the investors' circle names who does.
    (_, who), _ = _conversation(
        reference_assistant, "Qu'est-ce que l'investissement sociétal ?", "Qui le pratique ?"
    )
    assert who.citations and "investisseurs sociétaux" in who.citations[0].quote, who.answer


def test_what_it_is_for_after_a_definition_is_answered(reference_assistant):
    # « Ça sert à quoi ? » after « Qu'est-ce que le MOOC ? » said the note does not say:
    # its one word of its own, « sert », is a form the note never writes, and the note was
    # judged not to know the question. It is how the question asks a purpose.
    from assistant.search.query import asking_terms

    assert asking_terms("Et concrètement, ça sert à quoi ?") == {"sert"}
    assert asking_terms("À quoi servent les alliances ?") == {"servent"}
    assert asking_terms("Qu'est-ce qui pousse les gens à s'engager ?") == frozenset()
    (_, purpose), _ = _conversation(
        reference_assistant, "Qu'est-ce que le MOOC ?", "Ça sert à quoi ?"
    )
    assert not purpose.abstained, purpose.answer
    assert "ce MOOC permet de" in purpose.citations[0].quote, purpose.answer
    (_, purpose), _ = _conversation(
        reference_assistant,
        "Qu'est-ce que la catalyse territoriale ?",
        "Et concrètement, ça sert à quoi ?",
    )
    assert not purpose.abstained, purpose.answer


def test_an_ordinal_with_no_noun_counts_what_the_previous_question_asked_for(
    reference_assistant,
):
    # « Détaille le deuxième. » after « Quels sont les trois leviers du modèle
    # socio-économique ? » pointed at « ressources financières » and quoted again the
    # sentence naming the three axes: the note numbers the levers (« Deuxième levier, … »).
    from assistant.search.query import ordinal_counting, read_intent

    previous = "Quels sont les trois leviers du modèle socio-économique ?"
    assert ordinal_counting(read_intent("Détaille le deuxième."), previous).ordinal_noun == (
        "leviers"
    )
    own = read_intent("Et le troisième temps ?")
    assert ordinal_counting(own, previous).ordinal_noun == own.ordinal_noun
    (_, second), _ = _conversation(reference_assistant, previous, "Détaille le deuxième.")
    assert second.citations[0].quote.startswith("Deuxième levier"), second.answer


def test_who_heads_it_is_searched_with_the_roles_words(reference_assistant):
    # « Qui le dirige ? » after « Qu'est-ce que le RAMEAU ? » said the note does not say:
    # the passage naming « Charles-Benoît HEIDSIECK, Président-fondateur du RAMEAU » was not
    # retrieved — the question writes no role's word. A holder question searches them.
    (_, head), _ = _conversation(
        reference_assistant, "Qu'est-ce que le RAMEAU ?", "Qui le dirige ?"
    )
    assert not head.abstained, head.answer
    assert "HEIDSIECK" in head.citations[0].quote, head.answer
    # A head the note never names is still not found (« Qui préside l'ADASI ? »).
    assert reference_assistant.answer("Qui préside l'ADASI ?").abstained
    # « préside » is how it asks, not a word the passage naming the head must hold (it
    # writes « Président du Mouvement associatif »): that question was said not found.
    chair = reference_assistant.answer("Qui préside le Mouvement associatif ?")
    assert not chair.abstained, chair.answer
    assert any("Philippe JASHAN" in c.quote for c in chair.citations), chair.answer


def test_only_a_subject_the_note_never_writes_is_said_missing(reference_assistant):
    # « petite association »: « association » is the note's word, « petite » never is.
    # A single unknown word (a typo, « bénéficières ») or a word the note writes under
    # another ending (« employeurs » / « employeur ») is not reported as a missing subject.
    first = "Quels sont les leviers d'un modèle socio-économique ?"
    for question in ("Et pour les bénéficières ?", "Et pour les employeurs ?"):
        _, follow = _converse(reference_assistant, first, question)
        assert "ne parle pas de" not in follow.answer, (question, follow.answer)
    _, small = _converse(reference_assistant, first, "Et pour une petite association ?")
    assert small.answer.startswith("Le corpus ne parle pas de « petite association »")
    # « humanitaire » only begins as « humaines » does (« huma-»): it is not the note's word.
    _, aid = _converse(reference_assistant, first, "Et pour une association humanitaire ?")
    assert aid.answer.startswith("Le corpus ne parle pas de « association humanitaire »")
    # Five letters in common are not enough for a short word: « montagne » is not
    # « Montargis », « retraités » not « retracer ».
    for question, phrase in (
        ("Et pour une association de montagne ?", "association de montagne"),
        ("Et pour les associations de retraités ?", "associations de retraités"),
    ):
        _, follow = _converse(reference_assistant, first, question)
        assert follow.answer.startswith(f"Le corpus ne parle pas de « {phrase} »"), follow.answer
    # A typo inside the word (« parteneriats ») is still the note's « partenariats ».
    _, typo = _converse(reference_assistant, first, "Et pour les parteneriats locaux ?")
    assert "ne parle pas de" not in typo.answer, typo.answer


def test_a_subject_the_question_is_scoped_to_and_the_note_never_writes_is_said_missing(
    reference_assistant,
):
    # « … pour une petite association ? »: the note speaks of hybridation, never of small
    # associations. The answer says what it does not cover and answers the rest — it does
    # not abstain on the whole question for one word it never writes.
    answer = reference_assistant.answer("C'est quoi l'hybridation pour une petite association ?")
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("Le corpus ne parle pas de « petite association »")
    assert any("hybrid" in c.quote.lower() for c in answer.citations), answer.answer
    # … and so after « à » and its article: « Que recommande la note aux petites
    # associations ? » quoted the 15 propositions an interministerial report « a
    # recommandé », on the volunteering of employees.
    # … and the kind of thing a « quels N adj » question asks for: « Quels pays européens
    # pratiquent l'hybridation ? » quoted a passage on companies at confidence .60.
    europe = reference_assistant.answer("Quels pays européens pratiquent l'hybridation ?")
    assert europe.answer.startswith("Le corpus ne parle pas de « pays européens »"), (
        europe.answer
    )
    small = reference_assistant.answer("Que recommande la note aux petites associations ?")
    assert small.answer.startswith("Le corpus ne parle pas de « petites associations »"), (
        small.answer
    )
    # … and the object of the infinitive « comment » asks about: « Comment financer une
    # petite association rurale ? » quoted the associations' revenue shares as its answer.
    rural = reference_assistant.answer("Comment financer une petite association rurale ?")
    assert rural.answer.startswith("Le corpus ne parle pas de « petite association rurale »"), (
        rural.answer
    )
    board = reference_assistant.answer(
        "Comment convaincre mon conseil d'administration de changer de modèle ?"
    )
    assert board.answer.startswith("Le corpus ne parle pas de « conseil d'administration »"), (
        board.answer
    )
    # A figure the note does not give is still not given (the scope changes nothing there).
    figure = reference_assistant.answer(
        "Combien coûte un accompagnement DLA pour une petite association ?"
    )
    assert figure.abstained, figure.answer


def test_the_subject_a_question_is_scoped_to_is_a_noun_phrase():
    assert scoped_to("Quels financements pour une association sportive ?") == (
        "association sportive"
    )
    assert scoped_to("Que faire dans une association de quartier ?") == "association de quartier"
    # The subject of a modal verb: the kind of organisation asked about.
    assert scoped_to("Comment une association humanitaire peut-elle diversifier ?") == (
        "association humanitaire"
    )
    assert scoped_to("Est-ce qu'une petite association peut hybrider son modèle ?") == (
        "petite association"
    )
    # The object of the infinitive « comment » asks about.
    assert scoped_to("Comment financer une petite association rurale ?") == (
        "petite association rurale"
    )
    assert scoped_to("Comment mesurer l'impact social ?") == ""
    # … and followed by what it is to be brought to do: « Comment convaincre mon conseil
    # d'administration de changer de modèle ? » quoted « Pour en savoir plus sur “21 jours
    # pour convaincre”, téléchargez le programme. » at confidence .56.
    assert scoped_to("Comment convaincre mon conseil d'administration de changer de modèle ?") == (
        "conseil d'administration"
    )
    assert scoped_to("Comment inciter nos jeunes bénévoles à rester ?") == "jeunes bénévoles"
    assert scoped_to("Comment convaincre une fondation de nous soutenir ?") == "fondation"
    # Three words and the « de » linking them.
    assert scoped_to("Quelles ressources pour une petite asso de quartier ?") == (
        "petite asso de quartier"
    )
    # « à » with its article: « aux petites associations », « au petit club ».
    assert scoped_to("Que recommande la note aux petites associations ?") == (
        "petites associations"
    )
    assert scoped_to("Quel conseil au petit club sportif ?") == "petit club sportif"
    # The kind of thing a « quels N adj » question asks for.
    assert scoped_to("Quels pays européens pratiquent l'hybridation ?") == "pays européens"
    assert scoped_to("Quels sont les leviers ?") == ""
    # Clauses are no subject.
    for question in (
        "Comment faire pour les utiliser ?",
        "Qui a présenté le pacte dans l'IAE et à quelle date ?",
        "Ça pèse combien dans son budget en gros ?",
        "Quelles plateformes pour les acteurs des territoires la note cite-t-elle ?",
        "Le mécénat, ça rapporte de l'argent ou pas ?",
    ):
        assert scoped_to(question) == "", question


def test_a_count_asked_with_the_pronoun_en_counts_the_previous_subject(reference_assistant):
    # « Combien y en a-t-il ? » after « Qu'est-ce que le DLA ? » asks a number of DLA, as
    # « Combien sont-ils ? » would: the note gives none, and says so rather than quoting a
    # passage that mentions one DLA.
    history = [
        Turn(role="user", content="Qu'est-ce que le DLA ?"),
        Turn(role="assistant", content="D'après le corpus : … [1]"),
    ]
    for question in ("Combien y en a-t-il ?", "Combien en existe-t-il en France ?"):
        intent = understand(question, history).intent
        assert intent.kind == "figure" and intent.counted == "dla", question
    # « en avance »: an adverb, not the clitic of a count.
    assert not understand("Combien en avance faut-il s'y prendre ?", history).intent.pronoun_subject
    _, follow = _converse(reference_assistant, "Qu'est-ce que le DLA ?", "Combien y en a-t-il ?")
    assert follow.abstained, follow.answer
    assert "ce chiffre" in follow.answer


def test_a_pronoun_count_after_a_count_counts_the_same_thing(reference_assistant):
    # « Combien sont-ils aujourd'hui ? » after « Combien de bénévoles en France ? » asks the
    # number of volunteers again (« de » opens no plural noun phrase the way « les » does):
    # not the 350 members a « Ils sont aujourd'hui plus de 350 » of another passage counts.
    history = [
        Turn(role="user", content="Combien de bénévoles en France ?"),
        Turn(role="assistant", content="D'après le corpus : … [1]"),
    ]
    intent = understand("Combien sont-ils aujourd'hui ?", history).intent
    assert intent.counted == "bénévoles"
    # A follow-up naming its own subject: the pronoun stands for it, « en » for the rest —
    # « Et pour les collectivités, en ont-elles ? » after a count of partnerships asks
    # whether they have some, answered by the share of associations partnering with them.
    _, own = _converse(
        reference_assistant,
        "Combien de partenariats entre associations et entreprises ?",
        "Et pour les collectivités, en ont-elles ?",
    )
    assert "collectivités territoriales" in own.citations[0].quote, own.answer
    _, follow = _converse(
        reference_assistant, "Combien de bénévoles en France ?", "Combien sont-ils aujourd'hui ?"
    )
    assert "13,2 millions de bénévoles" in follow.citations[0].quote, follow.answer


def test_a_follow_up_asking_its_own_question_does_not_inherit_the_kind(reference_assistant):
    # « Et sur quelle plateforme ? » after « Quand le MOOC a-t-il été lancé ? » asks which
    # platform, not a date: it must not answer « Le corpus ne donne pas cette date ».
    history = [
        Turn(role="user", content="Quand le MOOC a-t-il été lancé ?"),
        Turn(role="assistant", content="D'après le corpus : … [1]"),
    ]
    for question in ("Et sur quelle plateforme ?", "Et c'est sur quelle plateforme ?"):
        assert understand(question, history).intent.kind != "date", question
    # Without a question word opening it, a follow-up still asks what was asked: « ça
    # donne quoi ? » re-scopes, and a relative « qui » asks nothing.
    for question in (
        "Et pour les fondations ?",
        "Et du côté des fondations, ça donne quoi ?",
        "Et pour les associations qui emploient des salariés ?",
        "Et pour les fondations, y en a-t-il ?",  # « -t- » is no question word
    ):
        assert understand(question, history).intent.kind == "date", question
    _, follow = _converse(
        reference_assistant, "Quand le MOOC a-t-il été lancé ?", "Et sur quelle plateforme ?"
    )
    assert "cette date" not in follow.answer, follow.answer
    assert "Coursera" in follow.answer or "coursera" in follow.answer, follow.answer


def test_a_follow_up_after_a_developed_point_is_about_that_point(reference_assistant):
    # « Et pour une fondation ? » after « Développe le dernier. » asks about the point
    # developed (« alliances stratégiques »), which the answer's lead names: it was read as
    # « Développe le dernier. Et pour une fondation ? » and quoted the catalysts' trade.
    history = [
        Turn(role="user", content="Quels sont les trois leviers des modèles socio-économiques ?"),
        Turn(
            role="assistant",
            content="D'après le corpus : Les modèles socio-économiques sont composés de 3 "
            "leviers complémentaires : richesses humaines, ressources financières et alliances "
            "stratégiques. [1]",
        ),
        Turn(role="user", content="Développe le dernier."),
        Turn(
            role="assistant",
            content="Sur ce point (« alliances stratégiques »), le corpus précise : Un "
            "changement de posture … qui invite à nouer de nouvelles alliances stratégiques, "
            "troisième levier des modèles socio-économiques. [1]",
        ),
    ]
    query = understand("Et pour une fondation ?", history)
    assert "alliances stratégiques" in query.text and "Développe" not in query.text, query.text
    answer = reference_assistant.answer("Et pour une fondation ?", history)
    assert not answer.abstained, answer.answer
    quoted = " ".join(c.quote for c in answer.citations).lower()
    assert "alliances" in quoted and "fondations" in quoted, answer.answer


def test_a_second_rescope_rescopes_the_question_the_first_one_did(reference_assistant):
    # « Et pour une entreprise ? » after « Et pour une fondation ? » re-scopes the question
    # before them: it was searched as « Et pour une fondation ? Et pour une entreprise ? »,
    # the levers asked gone, and asked no number after « Combien de bénévoles … ? ».
    base = "Quels sont les leviers de financement d'une structure d'intérêt général ?"
    history = [
        Turn(role="user", content=base),
        Turn(role="assistant", content="D'après le corpus : … 4 leviers de financement … [1]"),
        Turn(role="user", content="Et pour une fondation ?"),
        Turn(role="assistant", content="D'après le corpus : … [1]"),
    ]
    query = understand("Et pour une entreprise ?", history)
    assert query.text.startswith(base) and "fondation" not in query.text, query.text
    counts = [
        Turn(role="user", content="Combien de bénévoles en France ?"),
        Turn(role="assistant", content="D'après le corpus : 13,2 millions de bénévoles [1]"),
        Turn(role="user", content="Et côté salariés ?"),
        Turn(role="assistant", content="D'après le corpus : 1,8 million de salariés [1]"),
    ]
    assert understand("Et pour les jeunes ?", counts).intent.kind == "figure"
    elided = [*counts[:2], Turn(role="user", content="Et de salariés ?"), counts[3]]
    assert understand("Et pour les jeunes ?", elided).previous == counts[0].content
    # A follow-up asking its own question is the one continued.
    own = [*counts[:2], Turn(role="user", content="Et pour les PME, combien ?")]
    assert understand("Et pour les TPE ?", [*own, counts[3]]).previous == own[2].content


def test_a_point_cut_from_its_lead_in_is_developed_by_what_follows_it(reference_assistant):
    # The chunk after the pro bono list's lead-in opens on its second item, then « Cette
    # tendance s'inscrit … rapport interministériel … »: a unit holding the pointed item
    # and the sentence leaning on it develops the point; it was left out as « already said »
    # (the previous answer held nearly all its words) and another list was quoted.
    history = [
        Turn(role="user", content="Quels sont les deux chiffres-clés du panorama du pro bono ?"),
        Turn(
            role="assistant",
            content="D'après le corpus :\n\n- Deux chiffres-clés, dévoilés en avril 2019 dans "
            "le second panorama du pro bono, par Pro Bono Lab, illustrent que cet engagement "
            "correspond à un besoin partagé de « faire société » :\n  - 82% des structures à "
            "finalité sociale ont un ou plusieurs besoins de compétences,\n  - 61% des actifs "
            "français sont intéressés pour s’engager en bénévolat/mécénat de compétences "
            "auprès de structures d’intérêt général. [1]",
        ),
    ]
    answer = reference_assistant.answer("Le deuxième, ça signifie quoi ?", history)
    assert not answer.abstained, answer.answer
    first = answer.citations[0].quote
    assert "61% des actifs" in first and "Cette tendance s’inscrit" in first, answer.answer


def test_a_scale_is_a_new_subject_for_the_question_before_it(reference_assistant):
    # « Et au niveau local ? » re-scopes the count of partnerships; « Et avec les
    # collectivités ? » next re-scopes that same question — it was read as « Et au niveau
    # local ? Et avec les collectivités ? » and quoted « Au plus haut niveau de l'Etat ».
    first = "Combien de partenariats entre associations et entreprises ?"
    _, history = _conversation(reference_assistant, first, "Et au niveau local ?")
    assert last_question(history) == first
    answer = reference_assistant.answer("Et avec les collectivités ?", history)
    assert not answer.abstained, answer.answer
    assert "avec les collectivités territoriales" in answer.citations[0].quote, answer.answer


def test_a_follow_up_naming_a_measure_asks_that_measure(reference_assistant):
    # « Et la part des financements publics ? » after « Quel est le budget … ? » asks a
    # share: read with the budget's measure (an amount), it quoted the private funding's
    # « 5,7 milliards d'euros … (5 % …) » as the one figure that counts.
    intent = intent_in_context(
        read_intent("Et la part des financements publics ?"),
        "Quel est le budget du secteur associatif ?",
        True,
        "Et la part des financements publics ?",
    )
    assert (intent.kind, intent.measure) == ("figure", "share")
    history = [
        Turn(role="user", content="Quel est le budget du secteur associatif ?"),
        Turn(
            role="assistant",
            content="D'après le corpus : Le budget associatif est passé de 70 milliards "
            "d’euros en 2006 à 113 milliards d’euros en 2018. [1]",
        ),
    ]
    answer = reference_assistant.answer("Et la part des financements publics ?", history)
    assert not answer.abstained, answer.answer
    assert "44% du financement associatif" in answer.citations[0].quote, answer.answer


def test_a_possessive_measure_asks_that_measure_of_the_previous_subject(reference_assistant):
    # « Et sa part ? » after « Quel est le montant du financement privé ? » was read as a new
    # subject « sa part », with the previous question's measure (an amount): it said the note
    # gives no figure, when the quote it had just given ends on « (5 % des financements
    # associatifs) ».
    first = "Quel est le montant du financement privé ?"
    intent = intent_in_context(read_intent("Et sa part ?"), first, True, "Et sa part ?")
    assert (intent.kind, intent.measure, intent.new_subject) == ("figure", "share", "")
    _, answer = _converse(reference_assistant, first, "Et sa part ?")
    assert not answer.abstained, answer.answer
    assert "5 % des financements associatifs" in answer.citations[0].quote, answer.answer


def test_a_point_the_previous_answer_already_developed_is_not_developed_with_other_things(
    reference_assistant,
):
    # « Quels sont les risques de l'hybridation ? » is answered by the two risks and the
    # sentences developing each. « Développe le deuxième. » then has nothing more of
    # « risque politique » to quote: it quoted « Le cycle sur l'hybridation … s'achève : et
    # après ? », which shares only the first question's word. The answer gives again what
    # the note says of the point, and says that is all it says.
    (first, follow), _ = _conversation(
        reference_assistant, "Quels sont les risques de l'hybridation ?", "Développe le deuxième."
    )
    assert "Le risque politique" in first.answer, first.answer
    assert not follow.abstained, follow.answer
    quotes = [c.quote for c in follow.citations]
    assert quotes and all("risque" in fold(q).lower() for q in quotes), follow.answer
    assert "n'en dit pas plus" in follow.answer, follow.answer


def test_a_point_is_developed_by_what_names_it_not_its_siblings_shared_word(
    reference_assistant,
):
    # « Développe le premier. » after the two risks: « risque technique » shares « risque »
    # with « risque politique », the other point. A unit holding only that shared word
    # (« … et risque de compromettre de nombreuses initiatives » in a list of proposals)
    # develops neither: what develops the point names what sets it apart (« technique »).
    (first, follow), _ = _conversation(
        reference_assistant, "Quels sont les risques de l'hybridation ?", "Développe le premier."
    )
    assert "Le risque technique" in first.answer, first.answer
    quotes = [c.quote for c in follow.citations]
    assert quotes and all("technique" in fold(q).lower() for q in quotes), follow.answer
    assert "propositions" not in follow.answer, follow.answer


def test_an_ordinal_with_its_noun_is_answered_by_the_unit_writing_both(reference_assistant):
    # « Le troisième temps, concrètement ? » after the three steps of PIE's offer: the note
    # writes « Dans un troisième temps, des sessions de co-développement … » — that step
    # told. It quoted « Il est essentiel de leur permettre … des Ateliers de
    # co-développement ont été mis en place … », which shares the point's words only.
    history = _after(
        "D'après le corpus : La démarche propose 3 temps aux participants : [1]\n"
        "- Une sensibilisation à la thématique par un webinaire, [1]\n"
        "- La réalisation par les associations volontaires d’un autodiagnostic, [1]\n"
        "- Des Ateliers de co-développement pour identifier les leviers les plus "
        "pertinents au regard de son projet. [1]",
        "Quelles sont les étapes de l'offre de PIE et de l'ADASI ?",
    )
    answer = reference_assistant.answer("Le troisième temps, ça donne quoi concrètement ?", history)
    assert answer.citations, answer.answer
    assert answer.citations[0].quote.startswith("Dans un troisième temps"), answer.answer
    # The note's own numbering, not the answer's points: « le deuxième point » is no step.
    intent = read_intent("Développe le deuxième point.")
    assert not names_ordinal("Dans un deuxième point de vue", intent)


def test_a_follow_up_after_a_pronoun_follow_up_keeps_the_first_subject(reference_assistant):
    # « Et qui les forme ? » after « Combien sont-ils ? » after « Qu'est-ce qu'un catalyseur
    # territorial ? »: « Combien sont-ils ? » names its subject by a pronoun only. Searched
    # with it alone, the third question quoted a list of the cycle's day titles.
    answers, history = _conversation(
        reference_assistant,
        "Qu'est-ce qu'un catalyseur territorial ?",
        "Combien sont-ils ?",
        "Et qui les forme ?",
    )
    third = answers[-1]
    assert "catalyseur territorial" in understand("Et qui les forme ?", history[:4]).text
    assert third.citations, third.answer
    assert all("catalys" in fold(c.quote).lower() for c in third.citations), third.answer


def test_a_date_follow_up_of_date_words_only_dates_the_previous_subject(reference_assistant):
    # « Depuis quand ? » after « Combien de jeunes en bénéficient ? » (the service civique)
    # quoted the whole list of the forms of engagement: its own words are date words only,
    # so no item was told apart as dating the subject. The subject is the previous one.
    answers, _ = _conversation(
        reference_assistant,
        "Qu'est-ce que le service civique ?",
        "Combien de jeunes en bénéficient ?",
        "Depuis quand ?",
    )
    since = answers[-1]
    assert "service civique, dispositif mis en place depuis 2010" in since.answer, since.answer
    assert "13,2 millions de bénévoles" not in since.answer, since.answer


def test_a_what_asked_of_a_verb_of_its_own_is_a_question_of_its_own(reference_assistant):
    # « Et les entreprises, elles proposent quoi ? » after « Combien d'actifs sont
    # intéressés ? » was read as the same count for the companies, and said the note gives
    # no such figure: « proposent quoi » asks what they propose. « ça donne quoi ? », « il se
    # passe quoi ? » still re-scope the previous question.
    _, offer = _converse(
        reference_assistant,
        "Combien d'actifs sont intéressés par le mécénat de compétences ?",
        "Et les entreprises, elles proposent quoi ?",
    )
    assert not offer.abstained, offer.answer
    assert "proposent des actions de bénévolat" in offer.answer, offer.answer
    history = [
        Turn(role="user", content="Combien de bénévoles compte le secteur associatif ?"),
        Turn(role="assistant", content="D'après le corpus : 13,2 millions de bénévoles [1]"),
    ]
    assert understand("Et pour les PME, ça donne quoi ?", history).intent.kind == "figure"


def test_an_ordinal_after_a_developed_point_points_into_the_same_list(reference_assistant):
    # « Et le premier ? » after « Détaille le troisième. » after « Quels sont les 4 leviers
    # de financement … ? » took the development's sentence for its point (« Sur ce point (« Si,
    # en 2006, les revenus d'activité … ») »): the ordinal counts the list's items.
    answers, _ = _conversation(
        reference_assistant,
        "Quels sont les 4 leviers de financement d'une association ?",
        "Détaille le troisième.",
        "Et le premier ?",
    )
    assert answers[1].answer.startswith("Sur ce point (« les revenus d’activité »)"), answers[1]
    assert answers[2].answer.startswith("Sur ce point (« les cotisations »)"), answers[2].answer


def test_a_follow_up_after_an_object_pronoun_follow_up_keeps_the_first_subject(
    reference_assistant,
):
    # « En quelle année ? » after « Qui l'a lancée ? » after « Qu'est-ce que l'Alliance
    # dynamique ? »: « l'a » names the subject by an object pronoun, which the chain did not
    # read (only « il », « elle », « en », « y » …). Searched with « Qui l'a lancée ? » alone,
    # it quoted « … plébiscités (… janvier 2018) » and « 2019 constitue une année charnière ».
    answers, history = _conversation(
        reference_assistant,
        "Qu'est-ce que l'Alliance dynamique ?",
        "Qui l'a lancée ?",
        "En quelle année ?",
    )
    assert "Alliance dynamique" in understand("En quelle année ?", history[:4]).text
    assert "2014" in answers[-1].citations[0].quote, answers[-1].answer
    _, history = _conversation(
        reference_assistant, "Qu'est-ce que le référentiel ?", "Qui l'a publié ?", "Et quand ?"
    )
    assert "référentiel" in understand("Et quand ?", history[:4]).text


def test_a_follow_up_asking_the_same_count_for_another_year_counts_the_same_thing(
    reference_assistant,
):
    # « Et en 2022 ? » after « Combien de salariés … ? » read « en 2022 » as a new subject,
    # counted nothing, and quoted « 140.000 à 240.000 personnes d'ici à 2022 » of the
    # inclusive enterprises. It asks the same count for a year the note does not cover.
    assert read_intent("Et en 2022 ?").new_subject == ""
    assert read_intent("Et aujourd'hui ?").new_subject == ""
    assert read_intent("Et en Belgique ?").new_subject == "en belgique"
    (_, follow), _ = _conversation(
        reference_assistant, "Combien de salariés compte le secteur associatif ?", "Et en 2022 ?"
    )
    assert follow.answer.startswith("Le corpus ne dit rien de 2022 précisément"), follow.answer
    assert "1,8 million de salariés" in follow.citations[0].quote, follow.answer


def test_a_rescoped_figure_is_the_new_subjects_or_none(reference_assistant):
    # « Et celui des fondations ? » after « Quel est le budget du secteur associatif ? »
    # quoted « 5,7 milliards d'euros … du financement privé » as the foundations' budget.
    # The note names the foundations, never their budget: it says it does not find it.
    (_, follow), history = _conversation(
        reference_assistant,
        "Quel est le budget du secteur associatif ?",
        "Et celui des fondations ?",
    )
    assert follow.abstained, follow.answer
    assert "ce chiffre" in follow.answer, follow.answer
    # The new subject's terms are read as written: « salariés » folded to « salaries »
    # stemmed to « salar », which no unit holds (« salariés » is « salari »).
    assert understand("Et côté salariés ?", history).rescoped == frozenset(analyze("salariés"))


def test_a_rescope_after_a_point_said_in_full_stays_on_that_point(reference_assistant):
    # « Et pour une petite association ? » after « Développe le deuxième. » answered « le
    # corpus n'en dit pas plus » on « risque politique »: that lead was not read as a
    # developed point, and the re-scope quoted the MOOC's « pérennité d'une association ».
    answers, history = _conversation(
        reference_assistant,
        "Quels sont les risques de l'hybridation ?",
        "Développe le deuxième.",
        "Et pour une petite association ?",
    )
    assert "n'en dit pas plus" in answers[1].answer, answers[1].answer
    assert last_question(history[:4]) == "risque politique"
    third = answers[2]
    assert third.answer.startswith("Le corpus ne parle pas de « petite association »")
    assert any("risque" in c.quote for c in third.citations), third.answer


def test_a_list_giving_the_figure_is_read_as_it_is_quoted(reference_assistant):
    # « Il dure combien de temps ? » after « Qu'est-ce que le MOOC ? » quoted the list of
    # the three axes cut to « Côté recherche : … une expérimentation durant 9 mois … »: the
    # whole list was scored, and its item on the MOOC (which gives no duration) held the
    # subject. Scored as quoted, it falls behind « Au travers de 4 modules de 2 heures, ce
    # MOOC … ».
    first = "Qu'est-ce que le MOOC ?"
    _, answer = _converse(reference_assistant, first, "Il dure combien de temps ?")
    assert "4 modules de 2 heures" in answer.citations[0].quote, answer.answer
    # The subject is still read on the whole list: « le secteur » of the item giving the
    # number of employees is the associations another item names.
    employees = reference_assistant.answer("Combien de salariés dans les associations ?")
    assert "1,8 million de salariés" in employees.answer, employees.answer


def test_what_a_parenthesis_lists_is_not_what_the_unit_is_about(reference_assistant):
    # « Et pour une fondation ? » after the three levers quoted « Une structure d'intérêt
    # général dispose de 4 leviers de financement : … le financement privé (entreprises,
    # fondations, dons …) »: the foundations there are a source of private funding.
    subject = frozenset(analyze("fondation"))
    text = "Le financement privé (entreprises, fondations, dons …) progresse."
    assert not names_subject(text, analyze(text), subject, ())
    named = "Les fondations (et leurs dons) progressent."
    assert names_subject(named, analyze(named), subject, ())
    first = "Quels sont les trois leviers du modèle socio-économique ?"
    _, answer = _converse(reference_assistant, first, "Et pour une fondation ?")
    assert "4 leviers de financement" not in answer.citations[0].quote, answer.answer


def test_a_figure_follow_up_of_measure_words_only_is_about_the_previous_subject(
    reference_assistant,
):
    # « Il dure combien de temps ? » after « Qui a créé le MOOC sur les modèles économiques
    # associatifs ? »: its own words (« dure », « temps ») only name the measure, and weighed
    # as the subject they favoured « … une expérimentation durant 9 mois … », a duration of
    # Le RAMEAU's experiment. What « il » stands for is the previous question's subject.
    first = "Qui a créé le MOOC sur les modèles économiques associatifs ?"
    _, answer = _converse(reference_assistant, first, "Il dure combien de temps ?")
    assert not answer.abstained, answer.answer
    assert "4 modules de 2 heures" in answer.citations[0].quote, answer.answer


def test_who_created_it_is_who_the_note_names_beside_its_creation(reference_assistant):
    # « Qui l'a créée ? » after the platform quoted « … de nature à créer des passerelles
    # entre acteurs … », sharing the verb only; the note says « Créée fin 2018 en partenariat
    # avec la Caisse des Dépôts, le CGET et le Groupe La Poste, elle … ».
    first = "Qu'est-ce que la plateforme « L'innovation territoriale en actions ! » ?"
    _, answer = _converse(reference_assistant, first, "Qui l'a créée ?")
    assert not answer.abstained, answer.answer
    assert "Créée fin 2018" in answer.citations[0].quote, answer.answer


def test_a_point_named_only_inside_a_parenthesis_is_not_developed_there(reference_assistant):
    # « Détaille le troisième. » after the four financing levers (the third: « les revenus
    # d'activité ») opened on « Un modèle socio-économique articule … des ressources de
    # financement (subventions, mécénat, revenus d'activité) … »: a parenthesis listing
    # the point says nothing of it.
    first = "Quels sont les quatre leviers de financement d'une structure d'intérêt général ?"
    _, answer = _converse(reference_assistant, first, "Détaille le troisième.")
    assert not answer.abstained, answer.answer
    assert "revenus d’activité" in answer.citations[0].quote, answer.answer
    assert "articule" not in answer.citations[0].quote, answer.answer


def test_a_rescoped_follow_up_is_not_answered_by_a_question_on_the_new_subject(
    reference_assistant,
):
    # « Et les entreprises ? » after the place of foundations quoted « Quels sont-ils ? …
    # Comment impactent-ils les entreprises … ? … Ce sont aussi des questions que se posent
    # les Fondations. »: a question the note leaves open says nothing of the companies.
    first = "Quelle est la place des fondations dans le financement des associations ?"
    _, answer = _converse(reference_assistant, first, "Et les entreprises ?")
    assert not answer.abstained
    opening = answer.citations[0].quote
    assert "Quels sont-ils" not in opening, answer.answer
    assert "entreprises" in opening, answer.answer


def test_a_follow_up_asking_a_complement_is_answered_by_the_unit_naming_it(
    reference_assistant,
):
    # « Chez quel éditeur ? » after « Quand a été publié le référentiel ? » quoted « … un
    # cheminement collectif qui a permis de parvenir à la publication du référentiel … »,
    # which names no publisher: the previous quote, « … publié chez JURIS Associations
    # (septembre 2019) … », was left out as already said, though it names what is asked.
    from assistant.answer.holds import fills_slot
    from assistant.search.query import asked_slot

    assert asked_slot("Chez quel éditeur ?") == "chez"
    assert asked_slot("Et avec qui ?") == "avec"
    assert asked_slot("Quel éditeur ?") == ""
    assert fills_slot("… publié chez JURIS Associations (septembre 2019) …", "chez")
    assert not fills_slot("… parvenir à la publication du référentiel …", "chez")
    _, answer = _converse(
        reference_assistant, "Quand a été publié le référentiel ?", "Chez quel éditeur ?"
    )
    assert "JURIS Associations" in answer.citations[0].quote, answer.answer


def test_a_pronoun_follow_up_is_about_the_name_the_previous_question_asked_about(
    reference_assistant,
):
    # « Comment y accéder ? » after « Qu'est-ce que le DLA ? » opened on « … leur modèle leur
    # permet d'accéder à une diversité de solutions » (richesses humaines); « Qu'a-t-il
    # produit ? » after « Qu'est-ce que le Fonjep ? » quoted « Le RAMEAU … produit de la
    # connaissance … ».
    from assistant.search.query import refers_back

    assert refers_back("Comment y accéder ?") and refers_back("Qu'a-t-il produit ?")
    assert refers_back("Qui l'a créée ?") and not refers_back("Comment accéder au DLA ?")
    _, access = _converse(reference_assistant, "Qu'est-ce que le DLA ?", "Comment y accéder ?")
    assert "DLA" in access.citations[0].quote, access.answer
    _, produced = _converse(reference_assistant, "Qu'est-ce que le Fonjep ?", "Qu'a-t-il produit ?")
    assert "fonjep" in produced.citations[0].quote.lower(), produced.answer
    assert "Le RAMEAU est un laboratoire" not in produced.answer, produced.answer


def test_a_rescoped_follow_up_quotes_no_unit_holding_only_the_previous_subject(tmp_path):
    # « Et pour les fondations ? »: a unit holding the previous question's words but not the
    # new subject (« La diversification des ressources … est au cœur des échanges … ») is
    # about the previous subject, however well it matches it.
    note = (
        "# Ressources\n\n"
        "Les associations diversifient leurs ressources financières depuis 2010.\n\n"
        "La diversification des ressources financières est au cœur des échanges entre pairs, "
        "qu'il s'agisse des modes d'investissement ou des modes d'évaluation.\n\n"
        "Au sein du cercle des fondations, les pratiques des pionnières sont partagées.\n\n"
        "# Autre\n\nLe conseil d'administration se réunit quatre fois par an.\n"
    )
    settings = corpus_of(tmp_path, {"note.md": note})
    first = "Comment les associations diversifient-elles leurs ressources financières ?"
    _, answer = _converse(Assistant(settings), first, "Et pour les fondations ?")
    assert not answer.abstained, answer.answer
    assert all("fondations" in c.quote for c in answer.citations), answer.answer


def test_a_word_made_of_words_is_held_whole(reference_assistant):
    # « Et sur les tiers-lieux ? » opened on « … les écosystèmes territoriaux soient les
    # lieux de construction collective … »: « lieux » alone is no « tiers-lieux ».
    _, answer = _converse(
        reference_assistant, "Que dit la note sur le mécénat ?", "Et sur les tiers-lieux ?"
    )
    assert not answer.abstained, answer.answer
    assert "tiers-lieux" in answer.citations[0].quote, answer.answer
    assert all("lieux de construction" not in c.quote for c in answer.citations), answer.answer
