"""How a question is read (issue 18): the kind of answer it asks for comes from how it asks
(« qui » opening a clause asks who, after a noun it is a relative; « qu'est-ce que » asks a
definition only when a phrase follows), and the words that qualify the asking
(« concrètement », « selon la note ») are not its topic."""

from __future__ import annotations

import pytest

from assistant.answer.answering import Assistant
from assistant.answer.holds import (
    announces,
    counts_bare_terms,
    enumerated_items,
    holds,
    names_agent,
    names_another,
    names_kinds,
    names_one,
    names_subject,
)
from assistant.leaning import leans
from assistant.models import Turn
from assistant.search.definitions import asked_term
from assistant.search.query import (
    asked_items,
    asked_one,
    asking_terms,
    example_of,
    example_qualifier,
    intent_in_context,
    qualifying_terms,
    read_intent,
    set_aside_terms,
    without_setting,
)
from assistant.textnorm import analyze, fold

from .conftest import corpus_of


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # « qui » opening the question or a clause, or after a preposition, asks who.
        ("Qui a présenté le pacte ?", "actors"),
        ("Lors de la table ronde, qui a présenté le bilan ?", "actors"),
        ("Ça ne concerne que les associations ? Qui d'autre est concerné ?", "actors"),
        ("Le guide a été publié par qui ?", "actors"),
        # After a noun it is a relative: the question asks something else.
        ("Que risque une association qui ne prend pas au sérieux son modèle ?", "explain"),
        ("Quel est le levier principal d'une organisation qui repose sur l'engagement ?",
         "explain"),
        # « Qu'est-ce qui … », « qu'est-ce que X permet … »: what a clause says, no definition.
        ("D'après l'introduction, qu'est-ce qui oblige à inventer de nouveaux modèles ?",
         "explain"),
        ("Qu'est-ce que le MOOC permet d'apprendre à un dirigeant d'association ?", "explain"),
        ("Qu'est-ce qu'un catalyseur territorial ?", "definition"),
        # « C'est quoi le salaire moyen / le taux de … ? » asks the figure a measure has.
        ("C'est quoi le salaire moyen d'un salarié associatif ?", "figure"),
        ("C'est quoi le taux de bénévolat en France ?", "figure"),
        ("Qu'est-ce que le budget participatif ?", "definition"),
        # « Concrètement » qualifies what is asked; alone it asks for examples.
        ("Concrètement, c'est quoi un modèle socio-économique ?", "definition"),
        ("Concrètement, ça donne quoi ?", "examples"),
        ("Concrètement, combien de bénévoles ?", "figure"),
        # A publisher is a body the note names, as a school or a network is.
        ("Chez quel éditeur le référentiel est-il paru ?", "actors"),
    ],
)
def test_the_kind_asked_comes_from_how_the_question_asks(question, kind):
    assert read_intent(question).kind == kind


@pytest.fixture
def defined(tmp_path):
    """Settings over a passage that names « le mécénat » often, and defines it once,
    mid-paragraph (400-character chunks)."""
    note = (
        "# Le mécénat\n\n"
        "Concrètement, le mécénat des entreprises progresse et le mécénat des particuliers "
        "aussi, selon les études. Le mécénat est un soutien matériel apporté sans "
        "contrepartie directe à une œuvre d'intérêt général. Les associations en "
        "bénéficient dans toutes les régions.\n\n"
        "# Les bénévoles\n\n"
        "Les bénévoles donnent leur temps aux associations, concrètement chaque semaine.\n"
    )
    return corpus_of(tmp_path, {"mecenat.md": note}, chunk_size=400, chunk_overlap=0)


@pytest.mark.parametrize(
    "question",
    ["C'est quoi le mécénat ?", "Concrètement, c'est quoi le mécénat ?"],
)
def test_a_definition_is_answered_by_the_sentence_that_defines(defined, question):
    answer = Assistant(defined).answer(question)
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("Le mécénat est un soutien"), answer.answer


@pytest.mark.parametrize(
    ("sentence", "leaning"),
    [
        ("26 d’entre eux se sont ainsi impliqués.", True),
        ("La plupart d’entre elles ont un salarié.", True),
        ("26 cabinets se sont impliqués.", False),
        ("Plus de 50 réseaux en sont membres.", False),
    ],
)
def test_a_part_of_what_the_sentence_before_named_leans_on_it(sentence, leaning):
    assert leans(sentence) is leaning


def test_a_count_of_them_is_quoted_with_what_they_are(tmp_path):
    settings = corpus_of(
        tmp_path,
        {
            "conseil.md": "# Le conseil\n\n"
            "Depuis 2008, Syntec Conseil et Le RAMEAU favorisent l'engagement des cabinets de "
            "conseil. 26 d’entre eux se sont ainsi impliqués auprès des associations.\n\n"
            "# Les fondations\n\n"
            "Les fondations soutiennent les associations depuis longtemps.\n"
        },
        chunk_size=400,
        chunk_overlap=0,
    )
    answer = Assistant(settings).answer("Combien de cabinets de conseil se sont engagés ?")
    assert not answer.abstained, answer.answer
    quote = answer.citations[0].quote
    assert "26 d’entre eux" in quote and "cabinets de" in quote, quote


@pytest.mark.parametrize(
    ("question", "qualifying"),
    [
        ("Quelles formes d'économie coexistent selon le webinaire ?", {"webinair"}),
        ("Concrètement, c'est quoi un modèle socio-économique selon Le RAMEAU ?", {"rameau"}),
        # Who says it, the subject of a verb of saying.
        (
            "Quelles tendances Charles-Benoît Heidsieck a-t-il mises en avant ?",
            {"charl", "benoit", "heidsieck"},
        ),
        ("Qu'a dit Gabriel Attal sur le mécénat ?", {"gabriel", "attal"}),
        # A name that is what is asked about qualifies nothing, nor does a name that is no
        # person's (« Que dit la note sur le MOOC ? »: the note says, of the MOOC).
        ("Quand Gabriel Attal a-t-il lancé le cycle ?", set()),
        ("Que dit la note prospective sur le MOOC ?", {"not"}),
        # « dire » asked of the assistant, « partage » or « annonce » as nouns: no one says.
        ("Peux-tu me dire quand Gabriel Attal a lancé le cycle ?", set()),
        ("Quel partage de la valeur Gabriel Attal propose-t-il ?", set()),
        ("Que contient l’annonce de Gabriel Attal ?", set()),
        # What « selon X » qualifies ends where a second question begins.
        (
            "Quelles formes coexistent selon le webinaire et quels acteurs les portent ?",
            {"webinair"},
        ),
        # The word introducing who says it is not asked either (« après » of « d'après »,
        # read with its accent as the question's terms are); « après » a time is asked.
        (
            "Quelles formes d'économie coexistent sur un territoire d'après le webinaire ?",
            {"webinair", "apres"},
        ),
        ("Que se passe-t-il après 2019 selon le webinaire ?", {"webinair"}),
        # The note asked of itself.
        ("Quels outils la note recommande-t-elle pour se former ?", {"not"}),
        # A word the rest of the question also holds is still asked about.
        ("Selon le webinaire sur les modèles, sur quoi reposent les modèles ?", {"webinair"}),
    ],
)
def test_who_says_it_is_not_what_is_asked(question, qualifying):
    assert qualifying_terms(question) == qualifying


@pytest.mark.parametrize(
    ("question", "set_aside"),
    [
        ("À part les subventions, quelles ressources une association mobilise-t-elle ?",
         {"subvent"}),
        ("Outre le mécénat, quels partenariats existent ?", {"mecenat"}),
        ("Hormis Le RAMEAU, qui a travaillé sur les modèles ?", {"rameau"}),
        ("Besides sponsorship, which partnerships exist?", {"sponsorship"}),
        # A word the rest of the question also asks stays asked.
        ("En dehors des fondations, quelles fondations d'entreprise agissent ?", set()),
        ("Quelles ressources une association mobilise-t-elle ?", set()),
    ],
)
def test_what_the_question_sets_aside_is_not_what_is_asked(question, set_aside):
    assert set_aside_terms(question) == set_aside


@pytest.mark.parametrize(
    ("question", "items"),
    [
        ("Quelles grandes tendances des alliances Heidsieck a-t-il mises en avant ?", "tendanc"),
        ("À quels enjeux le rapport a-t-il cherché à répondre ?", "enjeux"),
        ("Quels sont les deux axes du partage des connaissances ?", "axe"),
        ("Quel outil la note recommande-t-elle ?", ""),  # one thing, no list
        ("Quels étaient les objectifs du programme ?", "object"),
        ("Combien de bénévoles ?", ""),
    ],
)
def test_a_plural_interrogative_asks_for_several_things(question, items):
    assert asked_items(question) == items


@pytest.mark.parametrize(
    ("text", "announcing"),
    [
        ("Il a mis en exergue les 3 tendances majeures des alliances territoriales :", True),
        ("C'est prendre deux risques : l'un technique, l'autre politique.", True),
        ("Elle répond aux questions suivantes : comment, pourquoi, avec qui ?", True),
        ("C'est l'une des tendances partagées par le président.", False),
        # One of them by its rank (« Quelles priorités … ? »).
        ("Après la transition juste, la seconde priorité est de transformer les modèles.", True),
        ("La 3ème tendance est la montée des tiers-lieux.", True),
        # Kinds of it named in a row (« Quelles formes d'économie … ? »): the noun, or the
        # pronoun standing for it, and what tells each kind.
        (
            "De l’économie de marché à celle de la redistribution, en passant par l’économie "
            "de l’engagement, c’est la diversité des modèles.",
            True,
        ),
        ("L’économie de marché et l’économie sociale coexistent.", False),  # one « de »
        # Another word of the same stem (« économique ») names no kind of « économie ».
        ("Le modèle économique de l’association suit l’économie du territoire.", False),
        # « celui des partenariats » stands for the ODD 17, not for the objectives far back.
        (
            "Les objectifs de développement durable offrent un cadre. Cette transversalité est "
            "incarnée par l’ODD 17, celui des partenariats.",
            False,
        ),
    ],
)
def test_a_unit_that_counts_or_lists_the_things_asked_announces_them(text, announcing):
    nouns = ("tendance", "risque", "question", "priorité", "économie", "objectifs")
    asked = next(analyze(word)[0] for word in nouns if word in text)
    assert announces(text, asked) is announcing


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Peux-tu me donner un exemple d'association qui joue le rôle de catalyseur ?", "associ"),
        ("Donne des exemples de nouvelles plateformes.", "plateform"),
        ("Donne-moi des exemples.", ""),
        # « en cas de » is no example asked for.
        ("Que faire en cas de difficulté de trésorerie ?", ""),
    ],
)
def test_examples_of_a_kind_of_thing(question, kind):
    assert example_of(question) == kind


@pytest.mark.parametrize(
    ("text", "naming"),
    [
        ("A l’instar de l’association Villes au Carré, implantée en région Centre.", True),
        ("Lancée avec la plateforme « Pousses.paris » en 2019.", True),
        ("Les associations sont à la manœuvre.", False),
        # Offsets are those of the text as written: a ligature or an ellipsis before the
        # noun does not shift where the name is looked for.
        ("Le cœur… c’est l’association Villes au Carré.", True),
        # A capital on the next line begins another line, not a name.
        ("Elles se regroupent en association\nLes membres votent.", False),
    ],
)
def test_a_unit_naming_one_of_the_kind_asked(text, naming):
    noun = "plateform" if "plateforme" in text else "associ"
    assert names_one(text, noun) is naming


@pytest.mark.parametrize(
    ("text", "counted", "counts"),
    [
        # « 26 d'entre elles » counts the noun phrase before it, read from whole words (the
        # « la » of « lancées » is no determiner).
        ("Des actions ont été lancées. 26 d’entre elles ont abouti.", "actions", True),
        ("Des actions ont été lancées. 26 d’entre elles ont abouti.", "fondations", False),
        # Decimal commas separate no items: « 13,2 millions de bénévoles, soit 24,2 % » is
        # no enumeration that would hide what is counted.
        ("En 2016 : 13,2 millions de bénévoles, soit 24,2 %. Ils sont 350.", "bénévoles", True),
        ("Les membres : collectivités, associations, entreprises. Ils sont 350.", "associations",
         False),
        # « 8 cas sur 10 » is a share: its « 10 » counts no associations (it answered
        # « Combien d'associations d'outre-mer … ? » with a confidence of 0.89).
        ("Dans 8 cas sur 10, les associations sont à la manœuvre.", "associations", False),
        ("Elles sont 350, sur tout le territoire, ces associations.", "associations", True),
    ],
)
def test_what_a_bare_number_counts(text, counted, counts):
    assert counts_bare_terms(text, analyze(counted)) is counts


def test_quel_poids_asks_a_share():
    intent = read_intent("Quel poids ont les financements publics dans les ressources ?")
    assert (intent.kind, intent.measure) == ("figure", "share")


def test_actors_are_named_bodies_and_the_kinds_of_actors_the_note_speaks_of():
    # « Qui prend l'initiative ? »: « les associations sont à la manœuvre » names who.
    answer = "Dans 8 cas sur 10, les associations sont à la manœuvre et à l’initiative."
    assert holds("actors", answer) > holds("actors", "Dans 8 cas sur 10, c'est à l'initiative.")
    assert holds("actors", "Le Medef et l’ESSEC ont publié un guide.") == 1.0


def test_a_verb_the_stemmer_leaves_whole_is_known_by_its_stem(tmp_path):
    # « s'engagent » stems to « engagent », « s'engager » to « engag »: the question's verb is
    # not unknown to a corpus that writes « l'engagement » and « s'engager ».
    settings = corpus_of(
        tmp_path,
        {
            "engagement.md": "# L'engagement\n\nL’engagement des salariés au sein "
            "d’associations est vecteur d'effets positifs pour les entreprises : "
            "attractivité, motivation, développement des compétences. Les salariés veulent "
            "s'engager. Un soutien direct les aide.\n"
        },
    )
    assistant = Assistant(settings)
    question = "Que gagnent les entreprises quand leurs salariés s'engagent ?"
    _, retrieval = assistant.retrieve(question)
    assert "engagent" in retrieval.known
    assert retrieval.idf["engagent"] == assistant.retriever.idf("engag")
    # A word the corpus does not have under any of its forms stays unknown, and only a
    # verb's « -ent » is taken off (« directeur » is not « direct »).
    assert "gagnent" not in retrieval.known
    assert assistant.retriever.known_form("directeur") is None
    assert assistant.retriever.known_form("engagent") == "engag"


def test_the_asked_items_reading_does_not_backtrack_on_runs_of_numbers():
    # « quels 2017 2018 … » once split its digits in exponentially many ways (half a second
    # at 7 years): the modifiers are now matched possessively, linear in the question.
    question = "Quels " + " ".join(str(1900 + i) for i in range(60)) + " ?"
    assert asked_items(question) == ""
    assert example_of("Des exemples de " + "grandes " * 200 + "?") == ""


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # An opening « quand » whose clause a comma closes before the question's own
        # interrogative word is a conjunction (« whenever »), not a date asked.
        ("Quand une asso se fait accompagner, ça peut viser quels objectifs ?", "explain"),
        ("Quand les entreprises s'engagent, qu'est-ce qui change pour elles ?", "explain"),
        # It asks a date when it is the question's own word, alone or with a second part.
        ("Quand le MOOC a-t-il ouvert ?", "date"),
        ("Quand a débuté le cycle, et où ?", "date"),
        ("Quand, et par qui, le référentiel a-t-il été publié ?", "date"),
        ("Et quand, au juste ?", "date"),
        ("Depuis quand Le RAMEAU parle-t-il d'une économie « passerelle », et dans quel "
         "document ?", "date"),
    ],
)
def test_an_opening_when_clause_is_no_date_asked(question, kind):
    assert read_intent(question).kind == kind


@pytest.mark.parametrize(
    ("question", "term"),
    [
        # A verb of meaning after the phrase put first, or before the phrase.
        ("La catalyse territoriale, ça consiste en quoi ?", "catalyse territoriale"),
        ("Le modèle socio-économique, ça recouvre quoi ?", "modèle socio-économique"),
        ("Le RAMEAU se présente comment ?", "RAMEAU"),
        ("En quoi consiste l'hybridation des ressources ?", "hybridation des ressources"),
        ("Comment se définit le mécénat de compétences ?", "mécénat de compétences"),
        # Asides (« au juste », « concrètement ») are not part of the phrase.
        ("Le RAMEAU, c'est quoi comme structure au juste ?", "RAMEAU"),
        ("C'est quoi au juste le mécénat de compétences ?", "mécénat de compétences"),
        ("Concrètement, c'est quoi un modèle socio-économique selon Le RAMEAU ?",
         "modèle socio-économique"),
    ],
)
def test_a_definition_asked_with_a_verb_of_meaning_reads_its_phrase(question, term):
    assert read_intent(question).kind == "definition"
    assert asked_term(question) == tuple(analyze(term))


@pytest.mark.parametrize(
    "question",
    ["Comment ça se présente ?", "Et ça consiste en quoi, concrètement ?"],
)
def test_a_verb_of_meaning_with_no_phrase_asks_how(question):
    """« Comment ça se présente ? » names nothing to define: it asks how (or, with
    « concrètement », for examples)."""
    assert asked_term(question) == ()
    assert read_intent(question).kind in ("explain", "examples")


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Economie de la fonctionnalité, économie de la coopération, économie circulaire, "
         "circuits courts… sont autant d’angles nouveaux pour inventer les modèles.", 4),
        ("Les leviers sont les cotisations, les subventions, les dons et les revenus.", 4),
        # Commas of clauses, not of items; two things are no enumeration.
        ("C’est en juillet 2016 que le Medef a publié un guide, à l’attention des chefs "
         "d’entreprises, pour les informer sur la diversité des solutions existantes.", 0),
        ("Outre le crowdfunding et le contrat à impact social, cette tendance progresse.", 0),
        # Opening phrases are no items: no « et », « … » or « etc. » closes them.
        ("En 2019, en France, selon le RAMEAU, les associations ont innové.", 0),
    ],
)
def test_the_things_a_sentence_enumerates(text, items):
    assert enumerated_items(text) == items


def test_things_enumerated_in_the_note_s_words_are_examples():
    """« Donne-moi des exemples de nouvelles approches … »: an enumeration of common nouns
    gives examples as much as a sentence naming organisations does."""
    enumerating = (
        "Economie de la fonctionnalité, économie de la coopération, économie circulaire, "
        "circuits courts… sont autant d’angles nouveaux pour inventer les modèles."
    )
    assert holds("examples", enumerating) == 1.0
    clauses = (
        "Les structures ont ensuite la capacité de définir leur propre stratégie, en fonction "
        "des sujets identifiés et de l’offre disponible sur leur territoire."
    )
    assert holds("examples", clauses) == 0.0


def test_examples_spoken_of_are_not_examples_given():
    """« … 150 études de cas … : les richesses humaines, avec des exemples de pratiques
    d'engagement, … » tells what examples there will be and gives none: it holds examples
    less than the same list telling the practices themselves."""
    announcing = (
        "150 études de cas seront mises en ligne par l’Observatoire des partenariats :\n"
        "- Les richesses humaines, avec des exemples de pratiques d’engagement,\n"
        "- Les ressources financières, avec des exemples d’investissement sociétal,\n"
        "- Les alliances stratégiques, avec des exemples de co-construction territoriale."
    )
    plain = announcing.replace("des exemples de ", "").replace("des exemples d’", "")
    assert holds("examples", announcing, is_list=True) < holds("examples", plain, is_list=True)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # A share written « one X in three »: the figure a count of X also reads (counts).
        ("La plus grande évolution : une association sur trois développe des partenariats.",
         True),
        ("Dans 8 cas sur 10, les associations sont à l'initiative de la relation.", True),
        ("Elle a pris une fois sur la route la parole.", False),
        # A noun between « un » and « sur N » is no share when a plural noun follows.
        ("Un zoom sur trois tendances majeures.", False),
        ("Une démarche sur trois ans, lancée en 2019.", False),
    ],
)
def test_a_share_of_one_in_n_is_a_figure(text, figure):
    assert (holds("figure", text) == 1.0) is figure


def test_with_no_sentence_defining_it_the_one_opening_on_the_phrase_answers(
    reference_assistant,
):
    """« C'est quoi un catalyseur territorial ? »: no sentence of the note says « Le
    catalyseur territorial est … »; the one opening on it (« Les « Catalyseurs territoriaux »
    rassemblent des compétences … ») says what they are, where a cleft sentence naming them
    in passing (« C'est à l'occasion d'un voyage … des 350 « catalyseurs territoriaux » »)
    does not."""
    answer = reference_assistant.answer("C'est quoi un catalyseur territorial ?")
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("Les « Catalyseurs territoriaux »"), answer.answer
    # Such a sentence weighs as a figure asked does against one naming the phrase in passing:
    # « Le cycle sur l'hybridation … s'achève » (closer in meaning) came first.
    for question in ("C'est quoi l'hybridation ?", "Qu'est-ce que l'hybridation ?"):
        answer = reference_assistant.answer(question)
        assert answer.citations[0].quote.startswith("L’hybridation"), answer.answer


def test_for_examples_what_a_unit_holds_weighs_more_than_for_an_explanation():
    """Examples are read in more forms now (names, enumerations): whether a unit gives some
    weighs between the strict kinds (a figure, a date) and a how or why, which no form
    holds."""
    from assistant.answer.selection import Signals, _hand_score

    def score(fits, **kind):
        flags = {"strict": False, "explain": False, "examples": False} | kind
        return _hand_score(
            Signals(1.0, 1.0, 1.0, 1.0, fits, other_subject=False, set_aside=False,
                    announces=False, leans=False, incomplete=False, short=False, **flags),
            0.5,
        )

    examples = score(1.0, examples=True) / score(0.0, examples=True)
    strict = score(1.0, strict=True) / score(0.0, strict=True)
    other = score(1.0) / score(0.0)
    assert strict > examples > other


@pytest.mark.parametrize(
    "question",
    [
        "Qu'est-ce que le rapport de 2014 a recommandé ?",
        "Qu'est-ce que le MOOC permet d'apprendre ?",
        "Qu'est-ce que ces travaux du Fonjep ont produit ?",
        "Qu'est-ce que l'hybridation a changé pour les associations ?",
    ],
)
def test_what_a_clause_says_is_no_definition_asked(question):
    # A verb after the phrase makes it a clause: what the report recommended is asked, not
    # what a report is.
    assert asked_term(question) == ()
    assert read_intent(question).kind != "definition"


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("C'est quoi l'accompagnement à la carte ?", "accompagnement à la carte"),
        ("Qu'est-ce que la feuille de route des ODD ?", "feuille de route des ODD"),
        ("Qu'est-ce que le pro bono ?", "pro bono"),
    ],
)
def test_a_phrase_with_no_verb_is_still_defined(question, term):
    assert asked_term(question) == tuple(analyze(term))


@pytest.mark.parametrize(
    "question",
    [
        "La masse salariale, ça représente combien du budget d'une asso ?",
        "Combien de la population française est bénévole ?",
        "Les cotisations, c'est combien de l'ensemble des ressources ?",
    ],
)
def test_how_much_of_a_whole_asks_a_share(question):
    # « combien du budget » is how much of the budget, not a number of budgets: read as a
    # count, the masse salariale's 60 % to 80 % lost to the revenus d'activité's 49 %.
    intent = read_intent(question)
    assert intent.kind == "figure" and intent.measure == "share", intent
    assert not intent.counted
    # « combien de X » still counts X.
    assert read_intent("Combien de bénévoles compte la France ?").counted == "bénévoles"


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("Pourquoi les financeurs hésitent-ils à investir ?", True),
        ("À quoi ça sert d'identifier ses leviers ?", True),
        ("Qu'est-ce qui pousse les associations à chercher des fonds privés ?", True),
        ("Why do companies partner with associations?", True),
        ("Comment se déroule la démarche ?", False),
        ("Combien de bénévoles ?", False),
    ],
)
def test_a_reason_or_a_purpose_asked(question, why):
    assert read_intent(question).why is why


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Le choix est complexe pour un investisseur car les projets sont plus risqués.", True),
        ("Elles permettent de nombreuses possibilités, de la mutualisation aux fusions.", True),
        ("Un partenariat a été noué afin de publier un dossier annuel.", True),
        ("La motivation pour s’engager s’articule avec des enjeux sociétaux.", True),
        ("Le budget associatif est passé de 70 à 113 milliards d'euros.", False),
    ],
)
def test_a_unit_giving_a_reason(text, reason):
    assert (holds("reason", text) == 1.0) is reason


@pytest.mark.parametrize(
    ("text", "counted", "counts_it"),
    [
        ("avec plus de 20 dirigeants de structures associatives", "associations", False),
        ("une étude sur les pratiques de plus de 2 000 associations agréées", "associations", True),
        ("une étude sur les pratiques de plus de 2 000 associations agréées", "assos", True),
        ("les 17 objectifs de développement durable", "objectifs", True),
        ("12 initiatives locales ont vu le jour", "initiatives", True),
    ],
)
def test_an_adjective_of_the_counted_word_s_stem_is_not_what_is_counted(text, counted, counts_it):
    # Snowball gives « associatives » and « associations » one stem: « 20 dirigeants de
    # structures associatives » answered « combien d'assos ? ».
    from assistant.answer.holds import counts

    assert counts(text, counted) is counts_it


def test_a_verb_the_stemmer_leaves_whole_matches_the_note_s_form(tmp_path):
    # « changent » keeps its ending (Snowball), the note writes « changement »: the
    # question's word is read as the corpus knows it when a unit is scored.
    from assistant.answer.selection import score_units
    from assistant.search.query import understand

    note = (
        "# Les ODD\n\n"
        "Les ODD donnent un cadre commun aux organisations publiques et privées, partout "
        "dans le monde, depuis 2015.\n\n"
        "Les ODD se caractérisent par un triple changement de paradigme pour les "
        "organisations.\n"
    )
    settings = corpus_of(tmp_path, {"odd.md": note}, chunk_size=400, chunk_overlap=0)
    assistant = Assistant(settings)
    query = understand("En quoi les ODD changent-ils les organisations ?", [])
    retrieval = assistant.retriever.search(query)
    assert retrieval.forms == {"changent": "chang"}
    lexical = {s.unit.text[:30]: s.lexical for s in score_units(query, retrieval)}
    assert lexical["Les ODD se caractérisent par u"] > lexical["Les ODD donnent un cadre commu"]


@pytest.mark.parametrize(
    "question",
    [
        "Qu'est-ce que le changement d'échelle ?",
        "Qu'est-ce que l'offre de services ?",
        "Qu'est-ce que l'aide à domicile ?",
        "Qu'est-ce que la formation à distance ?",
    ],
)
def test_a_noun_that_looks_like_a_verb_is_still_defined(question):
    # Review of session 13: « changement », « offre », « à » folded to « a » read as a clause.
    assert read_intent(question).kind == "definition"
    assert asked_term(question)


def test_combien_de_l_counts_only_after_an_apostrophe():
    # Review of session 13: « de l. » also matched « de leviers ».
    intent = read_intent("Combien de leviers de financement y a-t-il ?")
    assert intent.counted == "leviers" and intent.measure != "share"


def test_a_definition_given_in_apposition_answers(reference_assistant):
    # The note says what societal investment is in apposition (« … à l'investissement
    # sociétal, un engagement structurant au service d'actions d'intérêt général ») and
    # nowhere with « est »: that sentence answers, not one naming it in passing.
    answer = reference_assistant.answer("Qu'est-ce que l'investissement sociétal ?")
    assert not answer.abstained
    assert "un engagement structurant" in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize(
    ("text", "acronym", "spelled"),
    [
        (
            "Pour se doter d'une vision systémique de la question, le Fonds de coopération de "
            "la jeunesse et de l'éducation populaire (Fonjep) a lancé, dès 2017, des travaux.",
            "Fonjep",
            True,
        ),
        (
            "Le Centre de ressources du dispositif local d'accompagnement (CRDLA) Environnement "
            "a piloté ce travail.",
            "CRDLA",
            True,
        ),
        ("le rapport du Commissariat général à l'égalité des territoires (CGET)", "CGET", True),
        # A parenthesis naming it after words it does not abbreviate, or naming another one.
        ("Le RAMEAU a lancé un programme avec eux (Fonjep).", "Fonjep", False),
        ("le Commissariat général à l'égalité des territoires (CGET)", "DLA", False),
        ("Le Fonjep finance des postes.", "Fonjep", False),
        # The short form first, its long form after it in parentheses or between dashes.
        ("Les Actes de l’UCLY (Université Catholique de Lyon) paraissent.", "UCLY", True),
        ("Le CRESO – CEntre de Recherche sur l’Entreprenariat SOcial – publie.", "CRESO", True),
        ("L'UCLY (un partenaire) publie.", "UCLY", False),
    ],
)
def test_an_acronym_is_spelled_out_by_the_words_before_it(text, acronym, spelled):
    from assistant.search.definitions import spells_out

    assert spells_out(text, tuple(analyze(acronym))) is spelled


@pytest.mark.parametrize(
    ("question", "spelled"),
    [
        ("Qu'est-ce que le Fonjep ?", "Fonds de coopération de la jeunesse"),
        ("Qu'est-ce que le CRDLA ?", "Centre de ressources du dispositif local"),
    ],
)
def test_what_an_acronym_is_answers_with_what_it_stands_for(reference_assistant, question, spelled):
    # « Qu'est-ce que le Fonjep ? » quoted the results given at its general meeting: no
    # sentence says « Le Fonjep est … », but one spells it out.
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    assert spelled in answer.citations[0].quote, answer.answer


def test_a_name_the_note_never_says_what_it_is_is_said_so_with_where_it_is_named(
    reference_assistant,
):
    # « Qu'est-ce que l'Avise ? » quoted « Tel est l'avis exprimé par 69% des Français … »
    # (« Avise » and « avis » analyse alike), « Qu'est-ce que l'ADASI ? » a sentence on the
    # MOOC, as if they said what it is. The note names them among partners, and never says.
    for question, name in (("Qu'est-ce que l'Avise ?", "Avise"), ("C'est quoi l'ADASI ?", "ADASI")):
        answer = reference_assistant.answer(question)
        assert answer.answer.startswith(f"Le corpus ne dit pas ce qu'est « {name} »"), answer.answer
        assert all(name in c.quote for c in answer.citations), answer.answer
    # A name the note sets a noun beside says what it is: answered as before.
    answer = reference_assistant.answer("C'est quoi le G10 ?")
    assert "instance de dialogue" in answer.citations[0].quote, answer.answer
    # A trainer's --full answer gathers the passages naming it, not the first alone.
    full = reference_assistant.answer("Qu'est-ce que l'ADASI ?", detail="full")
    assert full.answer.startswith("Le corpus ne dit pas ce qu'est « ADASI »"), full.answer
    assert len({c.section for c in full.citations}) >= 2, full.answer


def test_a_phrase_the_note_names_and_never_defines_is_said_so(reference_assistant):
    # « C'est quoi le mécénat de compétences ? » quoted the Pro Bono Lab figures (« 61% des
    # actifs … bénévolat/mécénat de compétences ») as if they said what it is: the note
    # names it among the human resources and never defines it. Said so, as of a name.
    answer = reference_assistant.answer("C'est quoi le mécénat de compétences ?")
    lead = "Le corpus ne dit pas ce qu'est « mécénat de compétences »"
    assert answer.answer.startswith(lead), answer.answer
    assert all("mécénat de compétences" in c.quote for c in answer.citations), answer.answer
    # Written in the plural, with its hyphen (« la montée en puissance des tiers-lieux »).
    answer = reference_assistant.answer("Qu'est-ce qu'un tiers-lieu ?")
    assert answer.answer.startswith("Le corpus ne dit pas ce qu'est « tiers-lieu »"), answer.answer
    assert all("tiers-lieux" in c.quote for c in answer.citations), answer.answer
    # A phrase the note defines, explains after a colon or sets a noun beside is answered
    # as before.
    for question in (
        "C'est quoi un modèle socio-économique ?",
        "Qu'est-ce que l'effet ciseau ?",
        "C'est quoi le mécénat ?",
    ):
        answer = reference_assistant.answer(question)
        assert not answer.answer.startswith("Le corpus ne dit pas"), answer.answer


@pytest.mark.parametrize(
    ("sentence", "defined"),
    [
        # A noun phrase, a colon, one phrase: what the phrase is named as.
        (
            "Cette proximité est privilégiée par une nouvelle forme d’ingénierie : la « "
            "catalyse territoriale ».",
            ("catalys", "territorial"),
        ),
        (
            "La co-construction se structure autour d’un nouveau métier : catalyse "
            "territoriale ».",
            ("catalys", "territorial"),
        ),
        # A noun phrase, a colon, then what it is.
        (
            "Les structures d’intérêt général sont confrontées à l’effet ciseau : "
            "l’accroissement des besoins sociétaux et la raréfaction des ressources.",
            ("effet", "ciseau"),
        ),
        # A sentence opening on a noun phrase with no article, the phrase up to its
        # participle.
        (
            "Principal levier d’une organisation d’intérêt général fondée sur l’engagement : "
            "les richesses humaines mobilisées au service du projet.",
            ("richess", "humain"),
        ),
        # An enumeration after the colon names no one thing.
        ("Elle apporte une triple réponse : économique, sociale et environnementale.", None),
        ("Ils sont composés de 3 leviers complémentaires : richesses humaines, ressources.", None),
    ],
)
def test_a_phrase_announced_by_a_noun_and_a_colon_is_defined(sentence, defined):
    from assistant.search.definitions import defined_subjects

    subjects = defined_subjects([sentence])
    assert (defined in subjects) if defined else subjects == [], subjects


def test_a_list_item_opening_on_the_phrase_does_not_say_what_it_is(reference_assistant):
    # « C'est quoi les richesses humaines ? » opened on the list announcing 150 case studies
    # (« - Les richesses humaines, avec des exemples de pratiques d'engagement, »): an item
    # the lead-in's sentence goes on past is no statement on the thing.
    from assistant.answer.holds import opens_on_term

    listing = (
        "150 études de cas seront mises en ligne, pour chaque levier :\n"
        "• Les richesses humaines, avec des exemples de pratiques d’engagement,\n"
        "• Les ressources financières, avec des exemples d’investissement sociétal."
    )
    assert not opens_on_term(listing, ("richess", "humain"))
    assert opens_on_term("Les richesses humaines sont le premier levier.", ("richess", "humain"))
    answer = reference_assistant.answer("C'est quoi les richesses humaines ?")
    assert "Principal levier" in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize(
    ("text", "name", "apposed"),
    [
        ("auprès du G10, instance de dialogue informelle entre les acteurs", "G10", True),
        ("Le RAMEAU, co-pilote du groupe 5 avec le METI", "Le RAMEAU", True),
        ("avec l’ADASI, une association qui accompagne", "ADASI", True),
        ("la pertinence du mécénat, outil essentiel pour soutenir", "mécénat", True),
        # An enumeration, a verb, a reference's date, a preposition: nothing said of it.
        ("avec l’ADASI, Opus 3 et Le RAMEAU", "ADASI", False),
        ("par Pro Bono Lab, illustrent que cet engagement", "Pro Bono Lab", False),
        ("(Le RAMEAU, février 2013)", "Le RAMEAU", False),
        ("en partenariat avec l’ADASI, autour de 3 dynamiques", "ADASI", False),
        ("l’apport de l’ESSEC, les travaux de recherche du RAMEAU", "ESSEC", False),
    ],
)
def test_a_noun_set_beside_a_name_says_what_it_is(text, name, apposed):
    from assistant.search.definitions import apposes

    assert apposes(text, name) is apposed


@pytest.mark.parametrize(
    ("question", "must"),
    [
        ("Pourquoi les associations doivent-elles transformer leur modèle ?", True),
        ("Pourquoi faut-il diversifier ses ressources ?", True),
        ("Pourquoi est-il nécessaire de s'allier ?", True),
        ("Why should associations change their model?", True),
        ("Pourquoi le MOOC a-t-il été créé ?", False),  # a reason, no necessity
        ("Quelles démarches faut-il faire ?", False),  # a necessity, no reason asked
    ],
)
def test_why_a_necessity_is_read(question, must):
    assert read_intent(question).must is must


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Quel rôle jouent les fondations ?", ("fondat",)),
        ("Quelle place occupe le mécénat dans les ressources ?", ("mecenat", "ressourc")),
        ("Quel collectif anime le Carrefour des innovations sociales ?",
         ("carrefour", "innov", "social")),
        # « Quel est le rôle de X ? »: X, up to a preposition scoping it.
        ("Quelle est la place du mécénat ?", ("mecenat",)),
        ("Quel est le rôle des collectivités territoriales ?", ("collect", "territorial")),
        ("Quelle est la place des fondations dans les alliances ?", ("fondat",)),
        # No verb after the asked noun, or no inversion: no subject read this way.
        ("Quels leviers de financement dispose une structure ?", ()),
        ("Quel rôle pour les fondations ?", ()),
        ("Quel est le budget des associations ?", ()),
    ],
)
def test_the_subject_after_the_verb_of_a_which_question_is_read(question, subject):
    assert read_intent(question).subject_terms == subject


def test_the_role_of_a_subject_is_answered_by_units_naming_it(reference_assistant):
    # « Quel est le rôle de l'État ? » quoted, after the sentence on the State, « Des
    # exemples ? Le CRESO … » on academic actors: the subject of « le rôle de » was not read.
    # (The sentence illustrating the quote on the State follows it: « Citons en particulier
    # … », test_a_sentence_illustrating_the_first_quote_follows_it.)
    answer = reference_assistant.answer("Quel est le rôle de l'État ?")
    assert answer.citations, answer.answer
    assert all(
        "etat" in fold(c.quote).lower() or c.quote.startswith("Citons") for c in answer.citations
    ), answer.answer
    assert "CRESO" not in answer.answer, answer.answer


def test_the_role_asked_is_lifted_where_the_note_writes_it(reference_assistant):
    # « Le rôle du modèle socio-économique est de se donner les moyens … » closes a passage on
    # the two risks, ranked 6th: « rôle » and « modèle socio-économique » apart are all over
    # the note, and the answer opened on « … qui ont joué un rôle pionnier … ».
    answer = reference_assistant.answer("Quel est le rôle du modèle socio-économique ?")
    assert answer.citations, answer.answer
    assert answer.citations[0].quote.startswith("Le rôle du modèle socio-économique est de")


@pytest.mark.parametrize(
    "question",
    ["Et concrètement, ça sert à quoi ?", "Un modèle socio-économique, ça sert à quoi ?"],
)
def test_a_purpose_asked_after_the_verb_is_a_purpose(question):
    # « ça sert à quoi » asks what for, as « à quoi ça sert » does: « concrètement » made it a
    # request for examples, and a follow-up after a definition inherited « definition ».
    intent = read_intent(question)
    assert (intent.kind, intent.why) == ("explain", True)
    previous = "Qu'est-ce qu'un modèle socio-économique ?"
    assert intent_in_context(intent, previous, True, question).kind == "explain"


def test_a_subject_of_several_words_lifts_the_passages_naming_it_in_a_row(reference_assistant):
    # « collectivités territoriales »: « collect » and « territorial » are all over the note
    # apart (« capacité collective … sur les territoires »). The answer opened on « Toutes les
    # organisations sont concernées … par les ODD », naming no local authority; the passages
    # naming them ranked below the five whose units are read.
    answer = reference_assistant.answer("Quel est le rôle des collectivités territoriales ?")
    assert answer.citations, answer.answer
    assert "collectivit" in fold(answer.citations[0].quote).lower(), answer.answer


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("Qui a publié le référentiel ?", "publi"),
        ("Et qui l'a co-piloté ?", "pilot"),
        ("Qui co-anime avec Le RAMEAU le centre de ressources ?", "anim"),
        ("Qui est Christophe Itier ?", ""),  # a name, no deed
        ("Qui est à l'origine des ateliers ?", ""),
        ("Quels acteurs accompagnent les associations ?", ""),
    ],
)
def test_who_did_what_reads_the_verb(question, verb):
    assert read_intent(question).agent_of == verb


@pytest.mark.parametrize(
    ("text", "verb", "named"),
    [
        ("Le RAMEAU publie aujourd’hui le fruit de ses travaux.", "publi", True),
        ("Le référentiel, publié chez JURIS Associations (2019), permet de comprendre.", "publi",
         True),
        ("Un groupe de travail, co-piloté par la DJEPVA et Le RAMEAU, s'est réuni.", "pilot",
         True),
        # The title published is no one who published it; a deed with no one named.
        ("Il a permis la publication du référentiel « Les modèles », publié aujourd’hui.",
         "publi", False),
        ("Il est essentiel de publier ses comptes.", "publi", False),
        # « Qui le pratique ? »: a noun (after « de », « des », a possessive) names the
        # practices, not who practises — an agent noun names who does it.
        ("L’Observatoire des partenariats publie des exemples de pratiques d’engagement.",
         "pratiqu", False),
        ("Le Mouvement associatif et ses représentants ont débattu.", "represent", True),
        # « créer » stems to three letters (« cre »), whole; who created it is named behind
        # « en partenariat avec », past a date.
        ("Créée fin 2018 en partenariat avec la Caisse des Dépôts, le CGET et le Groupe La "
         "Poste, elle se propose de répondre aux 7 questions.", "cre", True),
        ("Le rapport du Comité 21 en démontre les avancées. Cette approche est de nature à "
         "créer des passerelles entre acteurs.", "cre", False),
    ],
)
def test_a_unit_names_who_did_the_deed_asked(text, verb, named):
    assert names_agent(text, verb) is named


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        (
            "Depuis quand Le RAMEAU mène-t-il ses recherches ? Il me faut l'année pour ma "
            "diapo d'introduction.",
            "Depuis quand Le RAMEAU mène-t-il ses recherches ?",
        ),
        (
            "J'aimerais une liste pour mon module. Quels outils pour se former ?",
            "Quels outils pour se former ?",
        ),
        # One sentence, or none that asks: nothing is left out.
        ("Il me faut la date du lancement du MOOC ?", "Il me faut la date du lancement du MOOC ?"),
        ("Il me faut la date du lancement du MOOC.", "Il me faut la date du lancement du MOOC."),
        # A sentence asking for more is part of the question.
        (
            "Quelle part des partenariats est locale ? Merci de préciser la source.",
            "Quelle part des partenariats est locale ? Merci de préciser la source.",
        ),
        (
            "Je m'intéresse au mécénat. Combien d'entreprises le pratiquent ?",
            "Je m'intéresse au mécénat. Combien d'entreprises le pratiquent ?",
        ),
        # A greeting and the asker's role, before the question: not what it is about (their
        # organisation may be).
        (
            "Bonjour, je suis trésorière d'une association sportive : comment diversifier nos "
            "financements ?",
            "d'une association sportive : comment diversifier nos financements ?",
        ),
        (
            "Bonjour, je dirige une association d'insertion, par où commencer pour revoir "
            "notre modèle ?",
            "je dirige une association d'insertion, par où commencer pour revoir notre modèle ?",
        ),
        ("Bonjour ! Qu'est-ce que le DLA ?", "Qu'est-ce que le DLA ?"),
        # The situation asked about is the question's own (« dépend … des subventions »).
        (
            "Notre association dépend à 80% des subventions, est-ce un risque ?",
            "Notre association dépend à 80% des subventions, est-ce un risque ?",
        ),
    ],
)
def test_what_the_asker_needs_the_answer_for_is_not_searched(question, searched):
    assert without_setting(question) == searched


def test_a_sentence_saying_what_the_answer_is_for_does_not_pull_in_its_words(
    reference_assistant,
):
    # « la date de départ pour mon support de formation » shares « départ », « formation »
    # with passages about something else: the answer quoted a list of 2018's steps.
    answer = reference_assistant.answer(
        "Le RAMEAU fait des recherches sur les modèles associatifs depuis quand ? J'ai besoin "
        "de la date de départ pour mon support de formation."
    )
    assert "Depuis 2008" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "one"),
    [
        ("Quel nouveau cycle prend le relais une fois « 21 jours … » terminé ?", "cycl"),
        ("Quelle plateforme d'orientation a été lancée en 2019 ?", "plateform"),
        ("Quel outil la note recommande-t-elle ?", "outil"),
        ("Quel est le rôle de l'État ?", ""),  # « quel est … »: what it asks is after
        ("Quelles plateformes existent ?", ""),  # several: asked_items
        ("Combien de bénévoles ?", ""),
    ],
)
def test_a_singular_interrogative_asks_for_one_thing(question, one):
    assert asked_one(question) == one


def test_one_thing_asked_is_named_by_a_name_the_question_does_not_give():
    # « Quel nouveau cycle prend le relais une fois « 21 jours pour convaincre » terminé ? »
    # quoted three sentences on « 21 jours pour convaincre » itself, and not « C'est le cycle «
    # ODD & innovations sociétales … » qui débute dès demain ».
    asked = set(analyze("Quel cycle suit « 21 jours pour convaincre » une fois terminé ?"))
    assert names_another(
        "C’est le cycle « ODD & innovations sociétales : à l’écoute des territoires ! » qui"
        " débute dès demain.",
        "cycl",
        asked,
    )
    assert not names_another(
        "Le cycle « 21 jours pour convaincre » qui s’achève en a retracé le chemin.", "cycl", asked
    )
    assert not names_another("Le cycle s’achève : et après ?", "cycl", asked)
    assert names_another("la plateforme Pousses.paris, lancée en 2019", "plateform", set())


def test_examples_of_a_qualified_thing_may_be_kinds_of_its_qualifier():
    # « Donne-moi des exemples de nouvelles approches économiques … » quoted a guide on
    # employee volunteering first, and « Economie de la fonctionnalité, économie de la
    # coopération, économie circulaire, circuits courts… » fifth.
    question = "Donne-moi des exemples de nouvelles approches économiques que les PME explorent."
    assert example_qualifier(question) == "econom"
    assert example_qualifier("Un exemple d'association ?") == ""
    assert names_kinds(
        "Economie de la fonctionnalité, économie de la coopération, économie circulaire.",
        "econom",
    )
    assert not names_kinds("Les modèles économiques évoluent.", "econom")


def test_how_a_list_question_asks_names_nothing_it_asks_about(reference_assistant):
    # « Quels outils existent pour les associations ? » opened on « La tâche est immense,
    # mais si les réseaux nationaux s'articulent avec ceux qui existent dans les territoires
    # … »: « existent » (rare in the note, so heavy) is how the question asks.
    assert asking_terms("Quels outils existent pour les associations ?") == set(analyze("existent"))
    assert asking_terms("Quelles ressources peut-on consulter ?") == set(analyze("peut-on"))
    assert asking_terms("À quelles ingénieries existantes s'ajoute-t-elle ?") == frozenset()
    answer = reference_assistant.answer("Quels outils existent pour les associations ?")
    assert "existent dans les territoires" not in answer.citations[0].quote, answer.answer
    assert "outils" in answer.citations[0].quote, answer.answer


def test_the_verb_of_a_role_asked_is_how_the_question_asks(reference_assistant):
    # « Quel rôle joue l'État dans le financement des associations ? » quoted « … les
    # acteurs de l'IAE, qui ont joué un rôle pionnier dans l'hybridation … » second, for
    # « joué un rôle »: the role of other actors in something else.
    assert asking_terms("Quel rôle joue l'État dans le financement ?") == set(analyze("joue"))
    assert asking_terms("Quelle place occupent les fondations ?") == set(analyze("occupent"))
    assert asking_terms("Les fondations jouent-elles un rôle ?") == frozenset()
    answer = reference_assistant.answer(
        "Quel rôle joue l'État dans le financement des associations ?"
    )
    assert "financements publics" in answer.citations[0].quote, answer.answer
    assert not any("rôle pionnier" in c.quote for c in answer.citations), answer.answer

def test_a_sentence_illustrating_the_first_quote_follows_it(reference_assistant):
    # « Quel est le rôle de l'État ? » quoted « Au plus haut niveau de l'Etat, ce mouvement
    # est lui aussi pris en compte. » alone: the sentence after it, « Citons en particulier
    # la démarche de co-construction avec les acteurs de l'IAE … », says how.
    answer = reference_assistant.answer("Quel est le rôle de l'État ?")
    quotes = [c.quote for c in answer.citations]
    assert "Au plus haut niveau de l’Etat" in quotes[0], answer.answer
    assert len(quotes) > 1 and quotes[1].startswith("Citons en particulier"), answer.answer
    # A figure or a date asked is given by its quote, with no example of what it says.
    figure = reference_assistant.answer(
        "Quand a eu lieu le premier webinaire de sensibilisation et combien de personnes "
        "a-t-il rassemblées ?"
    )
    assert "Par exemple" not in figure.answer, figure.answer


def test_who_heads_an_organisation_is_a_person_named_by_a_role(reference_assistant):
    # « Qui dirige Le RAMEAU ? » quoted the MOOC's « témoignage de plus de 20 dirigeants de
    # structures associatives »: « dirige » read as a word of the topic and as a deed the
    # acronyms near « dirigeants » did. The verb asks who holds the role.
    assert asking_terms("Qui dirige Le RAMEAU ?") == set(analyze("dirige"))
    assert read_intent("Qui le dirige ?").asks_for == "holder"
    answer = reference_assistant.answer("Qui dirige Le RAMEAU ?")
    first = answer.citations[0].quote
    assert "dirigeants" not in first, answer.answer
    assert "JULLIEN" in first or "HEIDSIECK" in first, answer.answer


def test_who_did_it_is_found_where_the_note_names_the_doer_by_an_agent_noun(
    reference_assistant,
):
    # « Qui a fondé Le RAMEAU ? » quoted « … une 3ème « économie passerelle », fondée sur
    # les coopérations … »: the note names the founder as « Charles-Benoît HEIDSIECK,
    # Président-fondateur du RAMEAU », and « fondateur » shares no stem with « fondé ».
    from assistant.agent_nouns import agent_nouns_of

    assert "fondateur" in agent_nouns_of("fond")
    answer = reference_assistant.answer("Qui a fondé Le RAMEAU ?")
    assert "HEIDSIECK" in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Qui a écrit le référentiel ?",
        "Qui est l'auteur du référentiel ?",
        "Qui a rédigé le référentiel ?",
    ],
)
def test_who_wrote_a_work_is_who_the_note_says_published_it(reference_assistant, question):
    # « Qui a écrit le référentiel ? » said « Je ne trouve pas cette information » (the note
    # never writes « écrit » of it: the word weighed as one the note must know), though it
    # says « Le RAMEAU publie … le référentiel … édité chez Juris Associations ». Writing,
    # publishing and editing a work all name its author; the verb is how the question asks.
    asking = asking_terms(question)
    assert asking and not asking & set(analyze("référentiel")), asking
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    first = answer.citations[0].quote
    assert "publié chez JURIS Associations" in first or "Le RAMEAU publie" in first, answer.answer


def test_who_wrote_a_work_opens_on_the_unit_naming_who(reference_assistant):
    # « Qui a rédigé la note prospective ? » opened on « Loin d'être un rêve … C'est ce que
    # démontre la présente note prospective. », which names no author; « … la note
    # prospective « … » que publie aujourd'hui même Le RAMEAU » does.
    answer = reference_assistant.answer("Qui a rédigé la note prospective ?")
    assert "Le RAMEAU" in answer.citations[0].quote, answer.answer
    # … and who published the référentiel, another work, is not said to have written it.
    assert all("référentiel" not in c.quote for c in answer.citations), answer.answer
    # The subject after its verb in a relative clause names who did it, as before it.
    assert names_agent("la note « Vers demain » que publie aujourd'hui Le RAMEAU.", "publ")
    assert not names_agent("la note « Vers demain » que publie la presse.", "publ")


def test_a_word_of_degree_before_what_is_asked_names_no_topic(reference_assistant):
    # « Quelles sont les grandes tendances des partenariats ? » opened on « C'est en juillet
    # 2016 que le Medef a publié un guide … illustré par 25 études de cas de grandes
    # entreprises … »: « grandes » says which trends are asked, not what they are about.
    assert asking_terms("Quelles sont les grandes tendances des partenariats ?") == {"grand"}
    assert asking_terms("What are the main risks of hybridisation?") == {"main"}
    # Without a complement, the word may name a kind (« grandes entreprises », not PME).
    assert asking_terms("Quelles grandes entreprises sont engagées ?") == frozenset()
    answer = reference_assistant.answer("Quelles sont les grandes tendances des partenariats ?")
    assert "Medef" not in answer.citations[0].quote, answer.answer
    assert "partenariats" in answer.citations[0].quote, answer.answer


def test_the_kind_of_things_asked_names_no_topic(reference_assistant):
    # « Quelles sont les trois familles de ressources d'une association ? » said it found
    # nothing: « familles » is no word of the note, and was read as something asked about.
    # « types », « sortes », « catégories », « genres » of things say how they are asked
    # (as a word of degree does); the things are what is asked for.
    assert asking_terms("Quelles sont les trois familles de ressources d'une association ?") == {
        "famill"
    }
    assert asked_items("Quelles sont les grandes catégories de ressources ?") == "ressourc"
    assert asking_terms("Quels types d'acteurs accompagnent les associations ?") == {"typ"}
    # Not a classifier: a family or a type the question asks about.
    assert asking_terms("Quelles aides pour les familles de bénévoles ?") == frozenset()
    question = "Quelles sont les trois familles de ressources d'une association ?"
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    assert "3 leviers" in answer.citations[0].quote, answer.answer


def test_a_summary_named_as_a_thing_is_no_summary_asked(reference_assistant):
    # « Dans quel numéro de Juris Associations trouve-t-on la synthèse des enseignements, et
    # de quand date-t-il ? » was read as a request to summarise (« synthèse »), and answered
    # five points of « ce que dit le corpus à ce sujet » for one fact.
    question = (
        "Dans quel numéro de Juris Associations trouve-t-on la synthèse des enseignements, "
        "et de quand date-t-il ?"
    )
    assert read_intent(question).kind != "summary"
    assert read_intent("Qui a rédigé la synthèse ?").kind == "actors"
    for asked in ("Quelle est la synthèse du 12e jour ?", "Fais-moi une synthèse de la note."):
        assert read_intent(asked).kind == "summary", asked
    answer = reference_assistant.answer(question)
    assert "dossier 603" in answer.citations[0].quote, answer.answer
    assert len({c.marker for c in answer.citations}) <= 2, answer.answer


def test_which_thing_sums_it_up_is_no_summary_asked(reference_assistant):
    # « Quelle formule résume la place du modèle socio-économique dans le projet ? » was read
    # as a request to summarise a section (« résume »): six « points clés » of the
    # hybridation section, none of them the formula.
    question = "Quelle formule résume la place du modèle socio-économique dans le projet ?"
    assert read_intent(question).kind != "summary"
    assert read_intent("Qu'est-ce qui résume le mieux la démarche ?").kind != "summary"
    for asked in ("Résume le 12e jour.", "Peux-tu résumer la section sur les études ?"):
        assert read_intent(asked).kind == "summary", asked
    answer = reference_assistant.answer(question)
    assert "outil au service du projet" in answer.citations[0].quote, answer.answer

def test_a_question_on_the_note_s_wording_asks_with_words_of_wording(reference_assistant):
    # « Quelle image la note utilise-t-elle pour expliquer le sens du mot « économie » ? »
    # said it found nothing: « image », « utilise », « sens », « mot » weighed as words the
    # note must know, and it writes none of them where it says « L'économie, c'est
    # « l'équilibre de la maison » ».
    question = "Quelle image la note utilise-t-elle pour expliquer le sens du mot « économie » ?"
    assert asking_terms(question) == set(analyze("image note utilise sens mot"))
    assert read_intent(question).kind == "definition"
    assert asking_terms("Quel terme désigne les catalyseurs ?") == set(analyze("terme désigne"))
    assert asking_terms("Que veut dire le mot « alliance » ?") == set(analyze("veut mot"))
    # Without a wording named, the same words ask nothing of the kind.
    assert asking_terms("Pour expliquer leur modèle, que font les associations ?") == set()
    assert asking_terms("La note utilise-t-elle des études de cas ?") == set()
    assert read_intent("Le sens des mots compte-t-il pour les associations ?").kind != (
        "definition"
    )
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    assert "équilibre de la maison" in answer.citations[0].quote, answer.answer

def test_the_request_a_question_is_wrapped_in_is_not_searched(reference_assistant):
    # « Cite une étude sur les partenariats. » said it found nothing (« cite », a word the
    # note never writes, weighed as the subject's); « Donne-moi un chiffre clé sur les
    # partenariats associations-entreprises » opened on the MOOC's « 4 modules de 2 heures »
    # (the wrapper moved the question's vector).
    from assistant.search.query import without_request

    assert without_request("Cite une étude sur les partenariats.") == (
        "une étude sur les partenariats."
    )
    assert without_request("Peux-tu me donner un exemple d'association ?") == (
        "un exemple d'association ?"
    )
    assert without_request("Donne-moi une citation sur l'hybridation.") == "l'hybridation."
    # A trainer asks for quotes in a question too: « Quelles citations puis-je utiliser pour
    # illustrer l'hybridation ? » said it found nothing (« citations », « utiliser »).
    for question in (
        "Quelles citations puis-je utiliser pour illustrer l'hybridation ?",
        "Quelles phrases clés retenir sur l'hybridation ?",
        "Quels extraits citer à propos de l'hybridation ?",
    ):
        assert without_request(question) == "l'hybridation ?", question
        quotes = reference_assistant.answer(question)
        assert not quotes.abstained, (question, quotes.answer)
        assert "hybridation" in quotes.citations[0].quote.lower(), (question, quotes.answer)
    for kept in ("Quelles plateformes sont citées ?", "Donne", "Le RAMEAU donne-t-il des cours ?"):
        assert without_request(kept) == kept
    # The kind of figure asked is how the question asks, not what about.
    assert asking_terms("Quels sont les chiffres clés du bénévolat ?") == set(
        analyze("chiffres clés")
    )
    answer = reference_assistant.answer("Cite une étude sur les partenariats.")
    assert not answer.abstained, answer.answer
    assert "Associations & Partenariats" in answer.citations[0].quote, answer.answer
    figure = reference_assistant.answer(
        "Donne-moi un chiffre clé sur les partenariats associations-entreprises."
    )
    assert "MOOC" not in figure.citations[0].quote, figure.answer

def test_a_definition_the_chunk_cut_is_quoted_as_the_next_chunk_holds_it(reference_assistant):
    # « Qu'est-ce que la catalyse territoriale ? » quoted « … une nouvelle forme d'ingénierie :
    # la « catalyse territoriale ». », where a chunk ends; the next chunk holds the same
    # sentences and goes on with what it is: « Ces acteurs … sont les chevilles ouvrières … ».
    answer = reference_assistant.answer("Qu'est-ce que la catalyse territoriale ?")
    first = answer.citations[0].quote
    assert "catalyse territoriale" in first and "chevilles ouvrières" in first, answer.answer


def test_a_kind_named_in_one_organisation_s_name_is_not_the_kind(reference_assistant):
    # « Et pour les fondations ? » after « Quelles sont les grandes tendances des
    # partenariats ? » opened on « La co-construction territoriale … aux côtés de la
    # Fondation du Nord et de la Fondation de Lille … »: two foundations' names, not the
    # kind the follow-up moves to.
    kind = frozenset(analyze("fondations"))
    text = "aux côtés de la Fondation du Nord et de la Fondation de Lille."
    assert not names_subject(text, analyze(text), kind, ())
    for text in (
        "Ce sont aussi des questions que se posent les Fondations.",
        "Au sein du Cercle Fondations d'avenir, les pratiques sont partagées.",
        "72% avec les autres associations et fondations.",
    ):
        assert names_subject(text, analyze(text), kind, ()), text
    question = "Quelles sont les grandes tendances des partenariats ?"
    first = reference_assistant.answer(question)
    turns = [Turn(role="user", content=question), Turn(role="assistant", content=first.answer)]
    answer = reference_assistant.answer("Et pour les fondations ?", turns)
    assert "Fondation du Nord" not in answer.citations[0].quote, answer.answer


def test_one_figure_asked_is_answered_by_the_unit_giving_it(reference_assistant):
    # « Les salaires pèsent combien dans le budget d'une association employeuse ? » quoted
    # « … entre 60 % et 80 % de leur budget » then « Si, en 2006, les revenus d'activité ne
    # représentaient que 49% du budget … », another share of the budget: a unit giving the
    # one figure asked answers it, as a definition's does.
    answer = reference_assistant.answer(
        "Les salaires pèsent combien dans le budget d'une association employeuse ?"
    )
    assert "60 % et 80 %" in answer.citations[0].quote, answer.answer
    assert len(answer.citations) == 1, answer.answer
    question = "Combien de partenariats entre associations et entreprises en France ?"
    first = reference_assistant.answer(question)
    turns = [Turn(role="user", content=question), Turn(role="assistant", content=first.answer)]
    local = reference_assistant.answer("Et quelle part est locale ?", turns)
    assert local.citations[0].quote.startswith("74% des partenariats"), local.answer
    assert len(local.citations) == 1, local.answer
    # A trainer's --full answer still reads more.
    full = reference_assistant.answer(
        "Les salaires pèsent combien dans le budget d'une association employeuse ?",
        detail="full",
    )
    assert len(full.citations) > 1, full.answer


def test_a_word_the_note_writes_with_another_ending_is_known(reference_assistant):
    # « Quelle part des associations travaille avec des entreprises ? » said « Je ne trouve
    # pas cette information »: « travaille » analyses to « travaill », which the note never
    # writes (it writes « travail »), and as an unknown word it weighed most in the share of
    # the question's words the note knows. The note says « une association sur trois
    # développe aujourd'hui des partenariats avec ces dernières ».
    answer = reference_assistant.answer(
        "Quelle part des associations travaille avec des entreprises ?"
    )
    assert not answer.abstained, answer.answer
    assert "une association sur trois" in answer.citations[0].quote, answer.answer


def test_the_talk_a_question_opens_on_is_no_word_the_note_must_write(reference_assistant):
    # « On parle beaucoup d'hybridation, c'est quoi concrètement ? » said it found nothing:
    # « beaucoup », a word the note never writes, weighed as a word of the subject, and the
    # phrase asked was read as « beaucoup d'hybridation ».
    from assistant.search.definitions import asked_term

    question = "On parle beaucoup d'hybridation, c'est quoi concrètement ?"
    assert asked_term(question) == tuple(analyze("hybridation"))
    assert asking_terms(question) == set(analyze("beaucoup"))
    assert asked_term("J'entends souvent parler du pro bono, c'est quoi ?") == ("pro", "bono")
    assert asking_terms("De quoi parle la note ?") == set()
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    assert "hybridation" in answer.citations[0].quote.lower(), answer.answer


def test_how_it_works_is_asked_by_a_verb_that_names_nothing(reference_assistant):
    # « Le mécénat, ça marche comment ? » opened on « De l'économie de marché à celle de la
    # redistribution … »: « marche » and « marché » stem alike.
    assert asking_terms("Le mécénat, ça marche comment ?") == set(analyze("marche"))
    assert asking_terms("Comment fonctionne le DLA ?") == set(analyze("fonctionne"))
    assert asking_terms("Le marché de l'emploi associatif évolue-t-il ?") == set()
    answer = reference_assistant.answer("Le mécénat, ça marche comment ?")
    assert "marché" not in answer.citations[0].quote, answer.answer
    assert "mécénat" in answer.citations[0].quote.lower(), answer.answer


def test_a_question_after_who_asks_is_answered(reference_assistant):
    # « Bonjour, je suis trésorière d'une association sportive : comment diversifier nos
    # financements ? » said it found nothing: « trésorière » is the asker, not the subject.
    answer = reference_assistant.answer(
        "Bonjour, je suis trésorière d'une association sportive : comment diversifier nos "
        "financements ?"
    )
    assert not answer.abstained, answer.answer
    assert "divers" in answer.citations[0].quote.lower(), answer.answer


def test_the_way_something_goes_is_asked_in_words_the_note_need_not_write(reference_assistant):
    # « Le bénévolat est-il en hausse ou en baisse ? » said it found nothing: the note writes
    # « une croissance de 16,8% », « en progression », never « hausse » or « baisse ».
    assert asking_terms("Le bénévolat est-il en hausse ou en baisse ?") == {"hauss", "baiss"}
    assert asking_terms("La baisse des subventions est-elle grave ?") == frozenset()
    answer = reference_assistant.answer("Le bénévolat est-il en hausse ou en baisse ?")
    assert not answer.abstained, answer.answer
    assert "croissance de 16,8%" in answer.answer, answer.answer
    answer = reference_assistant.answer("Les cotisations sont-elles en baisse ?")
    assert not answer.abstained, answer.answer
    assert "ayant diminué" in answer.citations[0].quote, answer.answer
