"""What an extractive answer quotes, read as the person who asked: the sentence that
answers rather than the note's own questions, and for « combien de X ? » the figure of X
first, with only the line of a long list that gives it."""

import pytest

from assistant.answer.answering import Assistant
from assistant.answer.generation import ExtractiveGenerator
from assistant.answer.planning import plan_answer
from assistant.answer.selection import score_units
from assistant.chat.conversation import citation_records
from assistant.ingest.indexing import ingest
from assistant.search.query import read_intent, understand
from assistant.textnorm import fold, matches_inside
from assistant.textunits import split_sentences

from .conftest import corpus_of, make_settings


def _only_questions(quote: str) -> bool:
    sentences = [s for line in quote.split("\n") for s in split_sentences(line)]
    return all(s.rstrip(" .…»").endswith("?") for s in sentences)


def test_the_notes_own_questions_are_quoted_only_with_what_answers_them(reference_assistant):
    # The note asks « Quels sont-ils ? … » and closes the run with « Ce sont aussi des
    # questions que se posent les Fondations. »: that is no answer; the next sentence is.
    answer = reference_assistant.answer("Quel est le rôle des fondations ?")
    assert not answer.abstained
    first = answer.citations[0].quote
    assert matches_inside("leur place devient de plus en plus stratégique", first), first
    for citation in answer.citations:
        assert not _only_questions(citation.quote), citation.quote
        assert not citation.quote.rstrip().endswith(
            "Ce sont aussi des questions que se posent les Fondations."
        ), citation.quote


def test_a_list_of_questions_alone_is_no_answer_unless_questions_are_asked(
    reference_assistant,
):
    for question in (
        "Combien de bénévoles en France ?",
        "Quels sont les besoins des associations ?",
    ):
        answer = reference_assistant.answer(question)
        for citation in answer.citations:
            assert not _only_questions(citation.quote), (question, citation.quote)


def test_a_figure_asked_for_comes_first_with_its_list_line_only(reference_assistant):
    answer = reference_assistant.answer("Combien de bénévoles en France ?")
    assert not answer.abstained
    first = answer.citations[0]
    assert "13,2 millions de bénévoles" in first.quote
    # One line of the five-line list, under the sentence that introduces the list.
    shown = answer.answer
    assert "Toutes ces formes de mobilisation sont en progression :" in shown
    for other in ("1,8 million de salariés", "150 000 jeunes", "82% des structures"):
        assert other not in shown, other
    assert all(
        matches_inside(c.quote, r.text)
        for c in answer.citations
        for r in [next(p for p in answer.retrieved if p.id == c.chunk_id)]
    )


def test_intent_reads_what_a_figure_counts():
    assert read_intent("Combien de bénévoles en France ?").counted == "bénévoles"
    assert read_intent("Combien y a-t-il de salariés associatifs ?").counted == "salariés"
    assert read_intent("Sur combien d'associations portait l'étude ?").counted == "associations"
    assert read_intent("Quel nombre de jeunes en service civique ?").counted == "jeunes"
    assert read_intent("How many partnerships are there?").counted == ""  # French stems
    # Several figures asked, or none counted: nothing to single out.
    assert read_intent("Quels chiffres montrent la progression ?").counted == ""
    assert read_intent("À combien s'élève le budget ?").counted == ""


NOTE = (
    "# Chiffres du secteur\n\n"
    "Deux chiffres-clés illustrent le besoin de compétences des structures :\n"
    "• 82% des structures à finalité sociale ont un ou plusieurs besoins de compétences,\n"
    "• 61% des actifs sont intéressés pour s'engager en bénévolat de compétences.\n\n"
    "Toutes ces formes de mobilisation sont en progression :\n"
    "• le secteur emploie 1,8 million de salariés, un chiffre stable depuis dix ans ;\n"
    "• depuis 2010, l'engagement affiche une croissance de 16,8% avec 13,2 millions de "
    "bénévoles ;\n"
    "• près de 150 000 jeunes pourront s'engager en service civique cette année ;\n"
    "• un tiers des entreprises partenaires proposent des actions de mécénat de compétences.\n"
)


def _quoted(assistant: Assistant, question: str):
    """The extractive answer's quotes (the step that decides to abstain, calibrated on the
    reference note, left out: this note is five lines long)."""
    query = understand(question, [])
    retrieval = assistant.retriever.search(query)
    scored = score_units(query, retrieval)
    plan = plan_answer(assistant.settings, query, retrieval, scored, "short")
    return ExtractiveGenerator.compose(plan, False, "short")


def test_combien_de_quotes_the_item_that_counts_it_under_its_lead_in(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "chiffres.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings(tmp_path / "data", folder)
    ingest(settings)
    assistant = Assistant(settings)
    for question, counted, others in (
        ("Combien de bénévoles compte le secteur ?", "13,2 millions", ("1,8 million", "82%")),
        ("Combien de salariés dans le secteur ?", "1,8 million", ("13,2 millions", "82%")),
        ("Combien de jeunes en service civique ?", "150 000 jeunes", ("1,8 million", "82%")),
    ):
        answer = _quoted(assistant, question)
        # The lead-in and the item are one citation: what it quotes is the item that
        # answers; the lead-in, said before it in the answer, is what it leans on — one
        # verbatim run with the first item, the citation's context above a later one (it
        # was a citation of its own, a claim the answer does not make).
        lead = "Toutes ces formes de mobilisation sont en progression :"
        assert lead in answer.answer
        first = answer.citations[0]
        assert first.marker == 1 and counted in first.quote, (question, answer.answer)
        assert first.context == lead or first.quote.startswith(lead), (question, first)
        assert all(c.quote != lead for c in answer.citations), answer.citations
        # The side panel shows both, as the answer does.
        record = citation_records(answer)[0]
        assert "\n".join(record["quotes"]).startswith(lead), record
        for other in others:
            assert other not in answer.answer, (question, other, answer.answer)
        text = (folder / "chiffres.md").read_text(encoding="utf-8")
        assert all(c.quote in text and c.context in text for c in answer.citations)
    # « Quels chiffres … ? » asks for the figures: the list is quoted whole.
    whole = _quoted(assistant, "Quels chiffres montrent que la mobilisation progresse ?")
    assert "13,2 millions" in whole.answer and "150 000 jeunes" in whole.answer


def test_a_year_that_names_something_is_not_a_year_the_note_misses(reference_assistant):
    # « le rapport interministériel de 2014 » names the report; the figure's sentence does
    # not repeat the year, the passage beside it does: no « ne dit rien de 2014 ».
    answer = reference_assistant.answer(
        "Combien de propositions a formulées le rapport interministériel de 2014 ?"
    )
    assert "15 propositions" in answer.citations[0].quote
    assert answer.answer.startswith("D'après le corpus")
    # A year the note never names is still said first.
    later = reference_assistant.answer("Combien de bénévoles en France en 2031 ?")
    assert later.answer.startswith("Le corpus ne dit rien de 2031")
    # A year the note names elsewhere, of another subject (« d'ici à 2022 » in a pact's
    # goal), says nothing of the budget that year.
    budget = reference_assistant.answer("Quel est le budget des associations en 2022 ?")
    assert budget.answer.startswith("Le corpus ne dit rien de 2022"), budget.answer


def test_which_kind_of_organisation_asks_for_the_one_named(reference_assistant):
    # « Which business school … ? » asks for an organisation, like « Qui … ? »: the
    # sentence that names it comes first, not the MOOC's description.
    for question in (
        "Which business school co-produced the MOOC?",
        "Which university took part?",
        "Quelle grande école a co-construit le MOOC ?",
        "Quel réseau accompagne les associations ?",
    ):
        assert read_intent(question).kind == "actors", question
    for question in (
        "Which levers does the note describe?",
        "Quel levier est le premier ?",
        "Which role do foundations play?",
        "Sous quelles formes les cabinets de conseil se sont-ils engagés ?",
    ):
        assert read_intent(question).kind != "actors", question
    answer = reference_assistant.answer("Which business school co-produced the MOOC?")
    assert not answer.abstained
    assert "ESSEC" in answer.citations[0].quote, answer.citations[0].quote


def test_a_rank_in_words_finds_the_rank_the_note_writes_in_digits(reference_assistant):
    # « la troisième économie » is the note's « 3ème « économie passerelle » »; read as a
    # word it matched « Dans un troisième temps, des sessions de co-développement … ».
    answer = reference_assistant.answer("Quelle est la troisième économie dont parle Le RAMEAU ?")
    assert not answer.abstained
    first = answer.citations[0].quote
    assert matches_inside("économie passerelle", first), first


def test_a_sentence_cut_from_what_it_names_is_found_and_says_it(reference_assistant):
    # « Il a recommandé 15 propositions » opens a chunk; « Il » is the 2014 report named in
    # the chunk before. Read alone it held none of the question's words and lost to the
    # pro bono figures; told what it points at, it answers, and the answer says what « Il »
    # is before the verbatim quote.
    answer = reference_assistant.answer(
        "Combien de propositions le rapport interministériel a-t-il faites ?"
    )
    assert not answer.abstained
    first = answer.citations[0].quote
    assert first.startswith("Il a recommandé 15 propositions"), first
    assert "(À propos du rapport interministériel sur l’engagement associatif" in answer.answer



def test_a_list_leaning_on_a_report_is_quoted_alone_told_what_it_points_at(reference_assistant):
    # The chunk opens on the pro bono list's last item, then « Cette tendance … le rapport
    # interministériel … », « Ce rapport est le fruit … », « Il a permis de répondre aux 6
    # enjeux suivants : … ». Glued to the orphan item, the enjeux were the tail of a run
    # opening on « 61% des actifs », and the pro bono list came first.
    answer = reference_assistant.answer(
        "Quels enjeux le rapport sur l'engagement des actifs a-t-il traités ?"
    )
    assert not answer.abstained
    first = answer.citations[0].quote
    assert first.startswith("Il a permis de répondre aux 6 enjeux suivants"), answer.answer
    assert "(À propos du rapport interministériel sur l’engagement associatif" in answer.answer

AXES = "\n".join(
    [
        "# Le programme",
        "",
        "## Ses axes",
        "",
        "Le programme de partage des connaissances s'organise depuis 2018 autour de trois "
        "axes complémentaires :",
        "",
        "- Côté recherche : la capitalisation, la modélisation et la publication des "
        "résultats de la recherche-action menée avec les têtes de réseau depuis plusieurs "
        "années.",
        "- Côté terrain : la réalisation d'un référentiel sur les spécificités des modèles "
        "d'intérêt général, et d'un cours en ligne ouvert à tous les dirigeants.",
        "- Côté accompagnement : le transfert de connaissances et de compétences vers les "
        "accompagnateurs, avec des ateliers de co-développement entre pairs.",
        "",
        "Ce programme est ouvert à toutes les structures.",
        "",
    ]
)


def test_a_list_the_chunk_cuts_is_quoted_whole(tmp_path):
    # Chunks of ~450 characters cut the list after its second axis: the third opens the
    # next chunk, orphan. The answer gave two axes of three.
    settings = corpus_of(tmp_path, {"axes.md": AXES}, chunk_size=450, chunk_overlap=0)
    answer = Assistant(settings).answer("Autour de quels axes s'organise le programme de partage ?")
    assert not answer.abstained
    for axis in ("Côté recherche", "Côté terrain", "Côté accompagnement"):
        assert axis in answer.answer, answer.answer
    # The list's lead-in comes first, its end right after its beginning.
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Le programme de partage"), quotes
    assert quotes[1].lstrip("-• ").startswith("Côté accompagnement"), quotes


def test_how_much_of_the_budget_quotes_the_share_of_it(reference_assistant):
    answer = reference_assistant.answer(
        "La masse salariale, ça représente combien du budget d'une association employeuse ?"
    )
    assert not answer.abstained
    first = answer.citations[0].quote
    assert "60 % et 80 %" in first, answer.answer


def test_a_date_asked_is_read_in_every_passage_retrieved(reference_assistant):
    # « Créée fin 2018 … » opens the chunk after the one naming the platform: read only
    # from the best four passages, it was never quoted, as a figure asked already was.
    answer = reference_assistant.answer(
        "When was the platform « L'innovation territoriale en actions ! » created?"
    )
    assert not answer.abstained
    assert any(c.quote.startswith("Créée fin 2018") for c in answer.citations), answer.answer


def test_why_is_answered_first_by_the_sentence_giving_the_reason(reference_assistant):
    # « … complexe pour un investisseur car les projets … sont plus risqués » gives the
    # reason; « tels sont les enjeux des investisseurs » (more shared words) came first.
    answer = reference_assistant.answer(
        "Pourquoi est-il difficile pour un investisseur de financer l'innovation sociétale ?"
    )
    assert not answer.abstained
    assert "car les projets d’intérêt général sont plus risqués" in answer.citations[0].quote



@pytest.mark.parametrize(
    "question",
    [
        "Pourquoi les assos doivent-elles inventer de nouveaux modèles économiques ?",
        "Pourquoi faut-il inventer de nouveaux modèles économiques pour les assos ?",
    ],
)
def test_why_a_necessity_is_answered_by_what_makes_it_necessary(reference_assistant, question):
    # « l'effet ciseau impose d'inventer … » states the necessity with its cause; « … sont
    # autant d'angles nouveaux … pour (re)inventer les modèles » is a purpose, no necessity:
    # it was quoted too, close behind on the shared words.
    answer = reference_assistant.answer(question)
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    assert "l’effet ciseau impose d’inventer" in quotes[0], answer.answer
    assert not any("autant d’angles nouveaux" in q for q in quotes), answer.answer


def test_a_which_question_is_answered_about_its_subject(reference_assistant):
    # « Quel rôle jouent les fondations ? »: « les nouvelles alliances jouent donc un rôle
    # structurant » shares the verb and the asked noun, and speaks of the alliances; the
    # units naming the foundations are about what is asked.
    answer = reference_assistant.answer("Quel rôle jouent les fondations ?")
    assert not answer.abstained
    assert "fondation" in answer.citations[0].quote.lower(), answer.answer
    assert "jouent donc un rôle structurant" not in answer.answer, answer.answer


def test_who_did_it_is_answered_by_a_unit_naming_who_did_it(reference_assistant):
    # « Qui a publié le référentiel ? »: « C'est un cheminement collectif qui a permis de
    # parvenir à la publication du référentiel … » names the organisations observed, not
    # who published; « … publié chez JURIS Associations » says who.
    answer = reference_assistant.answer("Qui a publié le référentiel ?")
    assert not answer.abstained
    first = answer.citations[0].quote
    assert "publié chez JURIS Associations" in first or "Le RAMEAU publie" in first, first


@pytest.mark.parametrize(
    "question",
    ["Quel est l'objectif chiffré du pacte d'ambition ?", "La catalyse territoriale, c'est quoi ?"],
)
def test_one_figure_or_one_definition_is_answered_by_one_quote(reference_assistant, question):
    # Further quotes scoring close to the one giving the figure or the definition were
    # off the point and added no key fact; a trainer's --full answer still reads the
    # passages around.
    short = reference_assistant.answer(question)
    assert not short.abstained
    assert len(short.citations) == 1, short.answer
    full = reference_assistant.answer(question, detail="full")
    assert len(full.citations) > 1, full.answer

def test_an_orphan_list_is_shown_after_its_lead_in():
    from assistant.answer.generation import about_lead

    assert about_lead("Deux chiffres-clés illustrent ce besoin :", False) == (
        "(Suite de « Deux chiffres-clés illustrent ce besoin : ») "
    )
    assert about_lead("le rapport interministériel de 2014", False) == (
        "(À propos du rapport interministériel de 2014) "
    )
    assert about_lead("les 3 leviers", False) == "(À propos des 3 leviers) "
    assert about_lead("", False) == ""


def test_what_the_question_sets_aside_is_not_quoted_first(reference_assistant):
    answer = reference_assistant.answer(
        "À part l'Union nationale des CPIE, quelles têtes de réseau ont travaillé sur les "
        "modèles socio-économiques ?"
    )
    assert not answer.abstained
    assert "Union nationale des CPIE" not in answer.citations[0].quote, answer.answer


def test_things_announced_inline_are_quoted_with_the_sentences_developing_them(tmp_path):
    note = (
        "# Le modèle\n\n"
        "Pour une association, ne pas prendre au sérieux la transformation de son modèle, "
        "c'est prendre deux risques : l'un technique, l'autre politique. Le risque "
        "technique, c'est de croire "
        "que « l'intendance suivra » ! Le risque politique, c'est de ne pas mettre en action "
        "le projet. Le rôle du modèle est de donner les moyens de mener ses actions.\n"
    )
    settings = corpus_of(tmp_path, {"modele.md": note}, chunk_size=600, chunk_overlap=0)
    answer = Assistant(settings).answer(
        "Que risque une association qui ne prend pas au sérieux la transformation de son modèle ?"
    )
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Pour une association"), quotes
    assert any("l'intendance suivra" in q for q in quotes[1:]), quotes
    assert any(q.startswith("Le risque politique") for q in quotes[1:]), quotes
    assert not any(q.startswith("Le rôle du modèle") for q in quotes), quotes


def test_a_verb_of_enabling_gives_a_reason_only_about_the_subject(reference_assistant):
    # « Pourquoi … hybrider leur modèle ? »: « ce MOOC permet de : … se familiariser avec
    # la démarche d'hybridation » says what the MOOC is for, not why to hybridise; a
    # causal connective, or « l'hybridation des modèles permet … », gives a reason.
    from assistant.answer.holds import gives_reason_about

    subject = {"hybrid", "model"}
    assert not gives_reason_about(
        "Au travers de 4 modules, ce MOOC permet de :\n• se familiariser avec l'hybridation",
        subject,
    )
    assert gives_reason_about(
        "L’hybridation des modèles permet de disposer d’une large palette de possibilités.",
        subject,
    )
    assert gives_reason_about("Ce MOOC est utile car les modèles évoluent.", subject)
    # A pronoun before the verb stands for what the unit said before it.
    synergies = (
        "Avec les autres associations : les synergies se multiplient. Elles permettent "
        "de nombreuses possibilités."
    )
    assert gives_reason_about(synergies, {"associ"})
    assert not gives_reason_about(synergies, {"hybrid"})
    # « pour permettre » is a purpose; a verb's stem is its noun's (« diversifier » and
    # « la diversité des modèles … permet »); « Ce qui permet » looks back.
    assert gives_reason_about("Il propose une vision pour permettre le dialogue.", subject)
    diversity = "C’est la diversité des modèles sur un territoire qui permet de mobiliser."
    assert gives_reason_about(diversity, {"diversifi"})
    assert gives_reason_about("Les alliances se nouent. Ce qui permet d’agir.", {"allianc"})
    query = understand("Pourquoi les associations doivent-elles hybrider leur modèle ?", [])
    scored = score_units(query, reference_assistant.retriever.search(query), depth=30)
    mooc = [s for s in scored if "ce MOOC permet de" in s.unit.text]
    assert mooc and all(s.fits == 0.0 for s in mooc)


def test_a_date_asked_quotes_a_list_cut_to_the_item_that_dates_the_subject(reference_assistant):
    # « Quand le MOOC a-t-il été lancé ? »: the 2018 programme's three axes, whole, gave the
    # research axis (« … avec le FONJEP depuis 2016 … ») before the one dating the MOOC's
    # launch. The list is cut to its lead-in and the item giving a date of the subject, as
    # it is to the item giving a figure asked.
    answer = reference_assistant.answer("Quand le MOOC a-t-il été lancé ?")
    assert not answer.abstained, answer.answer
    assert "5 septembre 2019" in answer.citations[0].quote, answer.answer
    assert "Côté recherche" not in answer.answer, answer.answer
    assert "A partir de 2018" in answer.answer  # the lead-in, what the item leans on

    # The words asking for the date are no subject an item must name: « Depuis quand … ? »
    # kept « depuis 2010, le bénévolat … » for the civic service.
    since = reference_assistant.answer(
        "Depuis quand le dispositif du service civique existe-t-il ?"
    )
    assert not since.abstained, since.answer
    assert "service civique" in since.citations[0].quote, since.answer
    assert "bénévolat associatif affiche" not in since.answer, since.answer


def test_a_list_counting_other_things_is_cut_to_the_items_naming_those_asked(
    reference_assistant,
):
    # « Quels sont les freins aux alliances ? »: the note's « 3 propositions en ressortent : »
    # was quoted whole, two long items on other subjects before the one naming the brakes.
    answer = reference_assistant.answer("Quels sont les freins aux alliances ?")
    quote = answer.citations[0].quote
    assert "freins techniques aux alliances innovantes" in quote, answer.answer
    assert "chaine de valeur" not in quote, answer.answer
    assert "3 propositions en restortent :" in answer.answer, answer.answer


def test_a_list_whose_lead_in_counts_nothing_else_is_quoted_whole():
    from assistant.answer.planning import items_named
    from assistant.answer.selection import Scored
    from assistant.models import RetrievedChunk
    from assistant.textunits import split_units

    text = (
        "Pour aller plus loin, nous vous invitons à :\n"
        "- Visionner le webinaire en replay,\n"
        "- Consulter les ressources disponibles sur le centre de ressources,\n"
        "- Télécharger le guide."
    )
    (unit,) = split_units(text)
    passage = RetrievedChunk(id="c", text=text, source="s", section="x", score=1.0, rank=1)
    scored = Scored(passage, unit, 1.0, 0.9, 1.0, 1.0)
    assert items_named(scored, "ressourc").unit.text == text
    counted = text.replace("nous vous invitons à :", "3 pistes s'offrent à vous :")
    (unit,) = split_units(counted)
    cut = items_named(Scored(passage, unit, 1.0, 0.9, 1.0, 1.0), "ressourc").unit.text
    assert cut.splitlines() == counted.splitlines()[:1] + counted.splitlines()[2:3]


def test_a_plural_which_question_asks_for_the_list_of_things_it_names(reference_assistant):
    # « Quels outils existent pour réfléchir à son modèle socio-économique ? » opened on « La
    # place du modèle socio-économique est claire : c'est un outil au service du projet »,
    # a sentence sharing the word; the note's list of tools came second.
    assert read_intent("Quels outils existent pour réfléchir à son modèle ?").kind == "list"
    assert read_intent("Quelles ressources peut-on consulter ?").kind == "list"
    assert read_intent("Quel est le rôle des fondations ?").kind != "list"
    answer = reference_assistant.answer(
        "Quels outils existent pour réfléchir à son modèle socio-économique ?"
    )
    first = answer.citations[0].quote
    assert "MOOC" in first and "référentiel" in first, answer.answer


def test_which_one_thing_is_answered_by_the_unit_naming_another(reference_assistant):
    # « Quel cycle a suivi « 21 jours pour convaincre » ? » quoted three sentences on the
    # cycle the question names, none on the one that follows it.
    answer = reference_assistant.answer("Quel cycle a suivi « 21 jours pour convaincre » ?")
    assert "ODD & innovations sociétales" in answer.answer, answer.answer


def test_examples_of_new_economic_approaches_are_the_kinds_of_economy_named(reference_assistant):
    answer = reference_assistant.answer(
        "Des exemples d'approches économiques nouvelles pour les entreprises ?"
    )
    assert "économie circulaire" in answer.citations[0].quote, answer.answer


def test_the_unit_counting_the_things_asked_comes_first(reference_assistant):
    # « Quels risques l'hybridation fait-elle courir ? » opened on « … il est possible d'en
    # qualifier à la fois les opportunités… et les risques ! », which names them without
    # saying which; « … c'est prendre deux risques : l'un technique, l'autre politique. »
    # came second.
    answer = reference_assistant.answer("Quels risques l'hybridation fait-elle courir ?")
    assert "deux risques" in answer.citations[0].quote, answer.answer


def test_a_name_asked_is_held_where_it_is_written_not_where_it_stems_alike(reference_assistant):
    # « Que fait l'Avise ? » quoted « A quoi servent les alliances ? … Tel est l'avis exprimé
    # par 69% des Français … »: « Avise » and « avis » analyse alike. The note names the
    # Avise among the partners of experiments (« … en partenariat, notamment, avec l'ADASI,
    # l'Avise, Syntec Conseil France … »).
    answer = reference_assistant.answer("Que fait l'Avise ?")
    assert "avis exprimé" not in answer.answer, answer.answer
    if not answer.abstained:
        assert "Avise" in answer.citations[0].quote, answer.answer


def test_a_topic_named_only_in_the_notes_contents_is_not_said_there(reference_assistant):
    # The note's programme lists its days' titles (« - Les ateliers - … - Les professionnels
    # de l'accompagnement - … »). « Qui sont les professionnels de l'accompagnement ? » quoted
    # that list alone: it holds every word asked and says nothing of them.
    for question, topic in (
        ("Qui sont les professionnels de l'accompagnement ?", "accompagn"),
        ("Quelle place pour les territoires ?", "territoir"),
    ):
        answer = reference_assistant.answer(question)
        assert not answer.abstained, (question, answer.answer)
        first = answer.citations[0].quote
        assert "Les catalyseurs territoriaux\n" not in first, (question, first)
        assert "Les ateliers\n" not in first, (question, first)
        assert topic in fold(first), (question, first)


CONTENTS = """# Sommaire

Ce guide se lit en quatre étapes :

- Le conseil d'administration
- Les bénévoles
- Le budget
- Les partenaires

# Le conseil d'administration

Le conseil d'administration se réunit quatre fois par an et vote le budget.

# Les bénévoles

Les bénévoles animent les ateliers du samedi et accueillent les familles.

# Le budget

Le budget repose sur les cotisations, une subvention de la commune et les dons.

# Les partenaires

La commune et deux entreprises du quartier soutiennent l'association.
"""


def test_a_list_of_the_documents_own_section_titles_names_them_without_saying(tmp_path):
    settings = corpus_of(tmp_path, {"guide.md": CONTENTS})
    assistant = Assistant(settings)
    answer = assistant.answer("Qui sont les bénévoles ?")
    assert not answer.abstained, answer.answer
    assert "animent les ateliers" in answer.citations[0].quote, answer.answer
    assert all("Les partenaires" not in c.quote for c in answer.citations), answer.answer


def test_a_locution_names_nothing_the_question_asks(reference_assistant):
    # « Quels effets ont les alliances ? » quoted « Celui-ci comprend en effet 3 axes … »;
    # « … par rapport aux entreprises ? » quoted « Ce rapport est le fruit de réflexions … ».
    answer = reference_assistant.answer("Quels effets ont les alliances ?")
    assert "établi les effets de ce mouvement" in answer.citations[0].quote, answer.answer
    answer = reference_assistant.answer(
        "Quelles sont les spécificités des associations par rapport aux entreprises ?"
    )
    assert not answer.abstained, answer.answer
    assert all("rapport" not in c.quote for c in answer.citations), answer.answer


def test_who_is_asked_is_no_word_of_what_is_asked(reference_assistant):
    # « Que dit la note sur le mécénat ? » quoted « … C'est ce que démontre la présente note
    # prospective. »: « la note » is who is asked, the unit says nothing of patronage.
    answer = reference_assistant.answer("Que dit la note sur le mécénat ?")
    assert not answer.abstained, answer.answer
    assert all("présente note" not in c.quote for c in answer.citations), answer.answer


def test_a_short_stem_is_held_where_its_word_is_written(reference_assistant):
    # « Les dons des particuliers, ça représente combien ? » quoted « 150 études de cas …
    # Cette base de données … »: « données » stems to « don » as « dons » does.
    for question in ("Les dons des particuliers, ça représente combien ?",):
        answer = reference_assistant.answer(question)
        assert all("base de données" not in c.quote for c in answer.citations), answer.answer
