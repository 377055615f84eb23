"""« Quel montant … ? », « Combien de temps … ? », « Quelle part … ? »: a question that names
the measure of the one figure it asks is answered by a figure of that measure about its
subject, and when no passage gives one the assistant is less sure (it says « Le corpus ne
donne pas ce chiffre » or abstains) instead of quoting another figure with confidence."""


import pytest

from assistant.answer.answering import Assistant
from assistant.answer.evidence import judge
from assistant.answer.holds import gives
from assistant.answer.selection import score_units
from assistant.ingest.indexing import ingest
from assistant.search.definitions import long_forms
from assistant.search.query import read_intent, understand
from assistant.textnorm import analyze, says_average

from .conftest import make_settings


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("Quel est le montant des subventions publiques ?", "money"),
        ("Combien coûte un accompagnement ?", "money"),
        ("Quel est le budget annuel de l'association ?", "money"),
        ("Quelle part du budget pèse la masse salariale ?", "share"),  # a share of a budget
        ("Quel pourcentage des entreprises font du mécénat ?", "share"),
        ("Quel est le taux de réussite des ateliers ?", "share"),  # a rate, however asked
        ("Et le troisième, il pèse combien dans le budget ?", "share"),
        ("Combien de temps dure une mission ?", "duration"),
        ("Pendant combien d'années le programme a-t-il duré ?", "duration"),
        ("Combien de mois faut-il ?", "duration"),
        ("À partir de quel âge peut-on s'engager ?", "age"),
        ("How much funding went to associations?", "money"),
        ("What share of associations have a partner?", "share"),
        ("Quelle est la part des dons dans les ressources associatives ?", "share"),
        # « Quel est le poids de X ? » asks X's share; its economic weight is an amount.
        ("Quel est le poids des financements publics ?", "share"),
        ("Quel est le poids économique du secteur associatif ?", "money"),
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


def test_a_figure_the_note_does_not_give_is_not_answered(reference_assistant):
    # The note gives the associative budget in euros (« 70 milliards d'euros … 113 »), and
    # no salary of anyone.
    given = _evidence(reference_assistant, "À combien s'élève le budget du secteur associatif ?")
    assert given.figure_given
    answer = reference_assistant.answer("Quel est le salaire moyen d'un directeur d'association ?")
    assert answer.abstained and answer.answer.startswith("Je ne trouve pas")


@pytest.mark.parametrize(
    "question",
    [
        # The note gives the associative sector's budget, not Le RAMEAU's own.
        "Quel est le budget annuel du RAMEAU ?",
        # It gives durations (« Durant 21 jours … »), none of a DLA's support.
        "Combien de temps dure un accompagnement par un DLA ?",
        # It counts salaried staff of associations, not Le RAMEAU's.
        "Combien de salariés compte Le RAMEAU ?",
        # It names the Service Civique among forms of engagement, with no duration.
        "Quelle est la durée d'une mission de Service Civique ?",
        # A figure asked as a definition, of a measure the note never writes (no salary).
        "C'est quoi le salaire moyen d'un salarié associatif ?",
        # It tells how the workshops ran, no rate of their success (it gave « 8
        # associations … » as the figure asked when « le taux » named no measure).
        "Quel est le taux de réussite des ateliers de co-développement ?",
        # Its shares of the alliances are of who backs them (« 69% des Français … »), no
        # rate of their success: a rate is of what its noun names (« réussite »), as a
        # share is of what « quelle part de » names.
        "Quel est le taux de réussite des alliances ?",
        "Quel taux de réussite ont les alliances entre associations et entreprises ?",
        # « le bénévolat … affiche une croissance de 16,8% »: a share beside the noun is the
        # growth's, no rate of volunteering.
        "Quel est le taux de bénévolat ?",
        # « … trois axes … : - Côté recherche : … une expérimentation durant 9 mois … - Coté
        # terrain : … en partenariat avec l'ESSEC »: the duration is the item's, which names
        # no partnership; another item of the list does.
        "Quelle est la durée moyenne d'un partenariat ?",
        # Its shares are of public and private funding; it never writes « européens ».
        "Quel pourcentage des ressources des associations vient de fonds européens ?",
        # Nor a figure of the measure as asked: an average, a measure named by a phrase.
        # The note gives the sector's whole budget (« 70 milliards … 113 milliards d'euros »)
        # and a share of the average one (« 49% du budget moyen »): no average budget.
        "Quel est le budget moyen d'une association ?",
        # It counts the volunteers of the whole sector (« 13,2 millions de bénévoles »), none
        # per association.
        "Combien de bénévoles compte une association en moyenne ?",
        # « chiffre d'affaires » is one measure (a turnover), which the note never writes:
        # « Deux chiffres-clés … 82% … » and « Affaire à suivre » share its words only.
        "Quel est le chiffre d'affaires des associations ?",
    ],
)
def test_a_figure_about_another_subject_is_no_answer(reference_assistant, question):
    # The figure of the right measure is there, but about something else than the subject
    # the question names, or not as the question asks it (an average, a turnover): the
    # assistant says it does not find the figure.
    evidence = _evidence(reference_assistant, question)
    assert not evidence.figure_given
    answer = reference_assistant.answer(question)
    assert answer.abstained
    assert answer.answer.startswith("Je ne trouve pas ce chiffre dans le corpus")


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # A share of the subject, in a unit writing the rate's noun (« s'engager »).
        ("Quel est le taux d'engagement des actifs ?", "61%"),
        # A share beside the rate's noun, of the subject (« une croissance de 16,8% »).
        ("Quel est le taux de croissance du bénévolat ?", "16,8%"),
        # A share of the noun itself (« 74% des partenariats sont locaux »); the note never
        # writes « taux », which asks for the share as « quel pourcentage » does.
        ("Quel est le taux de partenariats locaux ?", "74%"),
        # A share naming what it counts; « 1,2 million de partenariats … entre des
        # associations » is a number, no rate.
        (
            "Quel taux d'associations ont noué des partenariats avec des entreprises ?",
            "une association sur trois",
        ),
        # A weight asked is a figure: a share, or an amount for an economic weight.
        # Read as an explanation, « Quel est le poids économique … ? » quoted « Durant 2
        # jours, les débats ont éclairé … la place structurante que joue le secteur
        # associatif … », and « Quel est le poids des financements publics ? » no figure.
        ("Quel est le poids économique du secteur associatif ?", "113 milliards"),
        ("Quel est le poids des financements publics ?", "44%"),
    ],
)
def test_a_rate_or_a_weight_asked_is_answered_by_its_figure(reference_assistant, question, figure):
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    assert figure in answer.citations[0].quote, answer.answer


def test_the_figure_asked_given_about_its_subject_is_answered(reference_assistant):
    answer = reference_assistant.answer("À combien s'élève le budget du secteur associatif ?")
    assert not answer.abstained
    assert "113 milliards" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Combien de bénévoles compte la France ?",
        "La France compte combien de bénévoles ?",
        "Combien de bénévoles en France ?",
        "combien de bénévoles compte la france ?",
    ],
)
def test_the_country_a_figure_is_asked_of_is_where_not_what(reference_assistant, question):
    """The note's figures are national: « compte la France » scopes the question as « en
    France » does, and « compte » asks the number as « combien » does — neither is a word
    the figure's sentence must hold (« 13,2 millions de bénévoles » names no country)."""
    answer = reference_assistant.answer(question)
    assert not answer.abstained, answer.answer
    assert "13,2 millions" in answer.answer


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # The counted thing under its acronym, defined elsewhere in the note.
        (
            "Combien d'objectifs de développement durable ont été fixés en 2015 ?",
            "Si, dès 2015, les 17 ODD donnaient le cadre des objectifs collectifs.",
        ),
        # A bare number whose noun is the subject said just before.
        (
            "Combien de membres compte le réseau des pionniers ?",
            "Le Réseau est riche de la diversité des membres qui le composent. "
            "Ils sont aujourd’hui plus de 350 sur les territoires.",
        ),
        # « N d'entre eux »: the number counts the noun the sentence before ends on.
        (
            "Combien de cabinets de conseil se sont engagés auprès d'associations ?",
            "Syntec Conseil favorise un engagement sociétal à forte valeur ajoutée des "
            "cabinets de conseil. 26 d’entre eux se sont ainsi impliqués.",
        ),
    ],
)
def test_a_count_given_without_its_noun_is_read(question, text):
    assert gives(read_intent(question), text)


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("Combien de membres compte le réseau ?", "Le réseau a été créé en 2016."),  # a year
        ("Combien de membres compte le réseau ?", "Ils sont plus de 350."),  # counts what?
        (  # an item of an enumeration is a kind of member, the number counts the members
            "Combien d'associations y a-t-il ?",
            "Le réseau est riche de ses membres : collectivités, associations, entreprises, "
            "institutions. Ils sont aujourd’hui plus de 350.",
        ),
        (  # « eux »: the firms, not the associations asked about
            "Combien d'associations se sont engagées ?",
            "Les associations sollicitent les cabinets. 26 d’entre eux ont répondu.",
        ),
        ("Combien d'objectifs ont été fixés ?", "Les 17 ODD donnaient le cadre."),  # no ODD
        (  # « trois » is a ratio's denominator: a share of associations, no partnerships
            "Combien de partenariats entre associations et entreprises ?",
            "Une association sur trois développe aujourd’hui des partenariats.",
        ),
        (
            "Combien d'objectifs de développement durable ?",
            "Les 12 DLA accompagnent les associations.",
        ),
    ],
)
def test_a_bare_number_or_another_acronym_gives_no_count(question, text):
    assert not gives(read_intent(question), text)


def test_a_share_asked_is_given_by_a_share_not_a_count():
    # « Quel pourcentage des fondations finance des associations ? » quoted « Une structure
    # d'intérêt général dispose de 4 leviers de financement : … (entreprises, fondations,
    # dons …) » at confidence .78: a number of levers, no share of anything.
    intent = read_intent("Quel pourcentage des fondations finance des associations ?")
    levers = (
        "Une structure d’intérêt général dispose de 4 leviers de financement : les "
        "cotisations, les subventions publiques, les revenus d’activité et le financement "
        "privé (entreprises, fondations, dons …)."
    )
    # What the share would be of, beside what is counted: the question's other words.
    assert not gives(intent, levers, analyze("finance associations"))
    assert gives(intent, "12% des fondations financent des associations.")
    shares = read_intent("Quelle part des associations est à l'initiative des partenariats ?")
    assert gives(shares, "3 associations sur 4 sont à l'initiative.")
    assert gives(shares, "Une association sur trois développe des partenariats.")


def test_a_noun_the_note_spells_out_as_an_acronym_is_counted_under_it(reference_assistant):
    # « Combien d'objectifs compte l'Agenda 2030 ? »: the note counts « les 17 ODD », and
    # spells the acronym out elsewhere (« objectifs de développement durable (ODD) »). With
    # « objectifs » alone, no initials gave « ODD »: the assistant said it did not find the
    # figure.
    answer = reference_assistant.answer("Combien d'objectifs compte l'Agenda 2030 ?")
    assert not answer.abstained, answer.answer
    assert "17 ODD" in answer.citations[0].quote, answer.answer
    # Another noun than the long form's head counts nothing under it.
    other = reference_assistant.answer("Combien de développements durables compte l'Agenda ?")
    assert "17 ODD" not in other.answer, other.answer


def test_the_long_form_of_an_acronym_is_read_from_the_words_before_or_after_it():
    text = (
        "Par ailleurs, l’agenda des objectifs de développement durable (ODD) offre un cadre. "
        "Le Fonds de coopération de la jeunesse et de l’éducation populaire (Fonjep) a lancé "
        "des travaux. Le CRESO – CEntre de Recherche sur l’Entreprenariat SOcial – publie."
    )
    forms = long_forms(text)
    assert forms["odd"] == "objectifs de developpement durable"
    assert forms["fonjep"].startswith("fonds de cooperation")
    assert forms["creso"] == "centre de recherche sur l’entreprenariat social"
    # Its first letter may open a word after an elision, as spells_out reads it.
    elided = long_forms("les acteurs de l’Insertion par l’Activité Economique (IAE), qui ont")
    assert elided == {"iae": "insertion par l’activite economique"}
    # Words in parentheses whose letters the words before do not give are no acronym.
    assert long_forms("Le budget (voir annexe) augmente.") == {}


def test_a_question_asking_more_than_the_figure_is_answered_in_part(reference_assistant):
    # « Quand … et combien … ? »: the date part is answered even where the count is not.
    intent = read_intent(
        "Quand a eu lieu le premier webinaire de sensibilisation et combien de personnes "
        "a-t-il rassemblées ?"
    )
    assert intent.one_figure and intent.asks_more and not intent.figure_only
    # « … et lequel est le plus complexe ? » asks which one, beside how many.
    assert read_intent(
        "Combien de modèles Le RAMEAU identifie-t-il, et lequel est le plus complexe ?"
    ).asks_more
    # A follow-up opening on « Et … » asks one thing.
    assert not read_intent("Et quelle part d'entre eux se joue au niveau local ?").asks_more


def test_a_number_naming_one_of_a_series_counts_nothing():
    # « l'ODD 17 » is the seventeenth goal, not seventeen goals.
    intent = read_intent("Combien d'objectifs de développement durable ont été fixés ?")
    text = (
        "L'agenda des objectifs de développement durable (ODD) offre un cadre. Cette "
        "transversalité est incarnée par l'ODD 17, celui des partenariats."
    )
    assert not gives(intent, text)


def test_a_percentage_is_no_count_but_gives_a_share():
    # « 87% des Maires » is a share of the mayors: no answer to how many were asked, the
    # answer to what share of them think so.
    text = "Tel est l’avis exprimé par 69% des Français et 87% des Maires."
    assert not gives(read_intent("Combien de maires ont été interrogés ?"), text)
    assert gives(read_intent("Quelle part des maires partage cet avis ?"), text)
    # A number of them still counts.
    assert gives(read_intent("Combien de maires ?"), "L'enquête a interrogé 400 maires.")



@pytest.mark.parametrize(
    ("question", "text", "given"),
    [
        # How many of them do something, and the note gives the share of them that do it:
        # that share answers.
        ("Combien d'actifs sont intéressés ?",
         "61% des actifs français sont intéressés pour s’engager en bénévolat.", True),
        ("Combien d'associations ont un partenariat avec une entreprise ?",
         "La plus grande évolution porte sur les entreprises : une association sur trois "
         "développe aujourd’hui des partenariats avec ces dernières.", True),
        # A share of them doing something else answers nothing …
        ("Combien de maires ont été interrogés pour le rapport de l'Observatoire ?",
         "Tel est l’avis exprimé par 69% des Français et 87% des Maires, selon le rapport de "
         "l'Observatoire.", False),
        ("Combien d'associations ont un partenariat avec une entreprise ?",
         "74% des associations affirment avoir des relations avec les collectivités.", False),
        # … nor does a share of them when the question asks nothing of them but their number.
        ("Combien d'associations y a-t-il en France ?",
         "74% des associations affirment avoir des relations partenariales.", False),
    ],
)
def test_a_share_of_them_doing_what_is_asked_answers_how_many_do_it(question, text, given):
    assert gives(read_intent(question), text) is given


def test_a_share_of_the_subjects_own_words_gives_the_share_asked(reference_assistant):
    # « quelle part des ressources » names the whole; the note gives the share in the
    # subject's own words (« 44% du financement associatif, les financements publics »).
    answer = reference_assistant.answer(
        "Les financements publics représentent quelle part des ressources des associations ?"
    )
    assert not answer.abstained, answer.answer
    assert "44%" in answer.citations[0].quote, answer.answer


def test_the_share_of_a_part_within_a_whole_is_of_the_part(reference_assistant):
    # « la part des dons dans les ressources associatives »: a share of donations. « 44% du
    # financement associatif, les financements publics … » is a share of the whole, of
    # another part; the note gives none of donations, and says so.
    intent = read_intent("Quelle est la part des dons dans les ressources associatives ?")
    assert intent.counted == "dons" and intent.part_in_whole
    subject = ["ressourc", "associ"]
    public = "Représentant 44% du financement associatif, les financements publics sont …"
    assert not gives(intent, public, subject)
    assert gives(intent, "Les dons représentent 12% des ressources associatives.", subject)
    # The whole part is named: a share of « financement » is not one of « financement privé ».
    private = read_intent("Quelle est la part du financement privé dans le budget ?")
    assert private.part_in_whole
    assert not gives(private, "Les financements publics représentent 49% du budget.", ["budget"])
    assert gives(private, "Le financement privé pèse 5% du budget.", ["budget"])
    # A clause after the part's noun is not the part: the share is of the mayors.
    mayors = read_intent("Quelle proportion de maires voit son territoire engagé dans un projet ?")
    assert mayors.part_terms == ("mair",)
    assert gives(mayors, "76% des maires déclarent que leur territoire est engagé.", ["projet"])
    # A share asked of the whole (« quelle part des ressources … ? ») is still given by it.
    whole = read_intent("Les financements publics représentent quelle part des ressources ?")
    assert not whole.part_in_whole
    answer = reference_assistant.answer(
        "Quelle est la part des dons des particuliers dans les ressources associatives ?"
    )
    assert answer.abstained, answer.answer
    assert "ce chiffre" in answer.answer
    public_share = reference_assistant.answer(
        "Quelle est la part des financements publics dans les ressources des associations ?"
    )
    assert "44%" in public_share.citations[0].quote, public_share.answer


def test_the_weight_of_a_part_in_a_whole_is_its_share(reference_assistant):
    # « Quel poids ont … les cotisations … dans le financement associatif ? » asks the share
    # of the dues, as « la part des cotisations dans … » does: it quoted the share of
    # activity revenue (a share, of another part), or said the note gives no figure.
    asked = (
        "Quel poids ont aujourd'hui les cotisations des adhérents dans le financement associatif ?",
        "Combien pèsent les cotisations dans le budget des associations ?",
        "Quel poids représentent les cotisations dans les ressources des associations ?",
        "Quelle est la part des cotisations dans le financement des associations ?",
        # « Quel est le poids des … dans … ? » quoted the activity revenue's 49 % of the budget.
        "Quel est le poids des cotisations dans le budget des associations ?",
    )
    for question in asked:
        intent = read_intent(question)
        assert intent.part_in_whole and intent.part_terms[:1] == ("cotis",), (question, intent)
        answer = reference_assistant.answer(question)
        assert not answer.abstained, (question, answer.answer)
        # The whole need not be named again: « leur part … sous la barre des 10 % » is the
        # dues' share of the sector's resources.
        assert "sous la barre des 10 %" in answer.citations[0].quote, (question, answer.answer)
    # A word of the part the note never writes (« adhérents ») no unit can hold: the part
    # is what it does write. One it writes stays asked: no share of private donors' gifts.
    donors = reference_assistant.answer(
        "Quel poids ont les dons des particuliers dans les ressources associatives ?"
    )
    assert donors.abstained and "ce chiffre" in donors.answer, donors.answer
    public = reference_assistant.answer(
        "Quel est le poids des financements publics dans le budget des associations ?"
    )
    assert "44%" in public.citations[0].quote, public.answer
    # Not a part of a whole: a weight asked of no whole, a place in a ranking; an economic
    # weight is an amount.
    assert not read_intent("Quel poids ont les associations ?").part_in_whole
    economic = read_intent("Quel est le poids économique des associations ?")
    assert not economic.part_in_whole and economic.measure != "share", economic


def test_a_ratio_is_no_count_of_what_it_divides(reference_assistant):
    # « Dans 8 cas sur 10, les associations sont à la manœuvre … » gives no number of
    # associations, let alone of those overseas.
    answer = reference_assistant.answer(
        "Combien d'associations d'outre-mer ont un partenariat avec une entreprise ?"
    )
    assert answer.abstained and "ce chiffre" in answer.answer, answer.answer


def test_the_part_is_read_as_written_and_its_share_must_be_of_it(reference_assistant):
    # « leurs » is no « le » followed by « urs »; a word between the verb and the part is
    # skipped (« largement »).
    assert read_intent("Combien pèsent leurs dons dans leur budget ?").part_terms == tuple(
        analyze("dons")
    )
    largely = read_intent(
        "Combien pèsent largement les cotisations dans le financement associatif ?"
    )
    assert largely.part_terms == ("cotis",)
    # Accents kept: « collectivités » is the note's « collect », not « collectivit ».
    local = "Quel poids ont les collectivités dans les alliances territoriales ?"
    assert read_intent(local).part_terms == tuple(analyze("collectivités"))
    answer = reference_assistant.answer(local)
    assert not answer.abstained and "74%" in answer.answer, answer.answer
    # « 61% des actifs … bénévolat/mécénat de compétences » is a share of the working
    # people, not of patronage.
    patronage = read_intent("Quel poids a le mécénat dans le financement des associations ?")
    assert not gives(
        patronage,
        "61% des actifs français sont intéressés pour s'engager en bénévolat/mécénat de "
        "compétences auprès de structures d'intérêt général.",
    )
    assert gives(patronage, "Le mécénat représente 5 % du financement associatif.")


def test_the_words_of_the_measure_asked_do_not_say_what_it_is_about(reference_assistant):
    # « Combien de temps dure le MOOC ? »: « … une expérimentation durant 9 mois … » shares
    # « dur- » and came first; « Au travers de 4 modules de 2 heures, ce MOOC … » gives the
    # MOOC's duration.
    answer = reference_assistant.answer("Combien de temps dure le MOOC ?")
    assert not answer.abstained
    assert "4 modules de 2 heures" in answer.citations[0].quote, answer.answer


def test_an_english_count_reads_the_french_cognate_of_its_noun(reference_assistant):
    # « How many partnerships … ? » quoted « une association sur trois développe … des
    # partenariats »: no noun was read as counted in English, and « trois » read as a
    # number of partnerships. The noun before the verb is counted, as its French cognate.
    assert read_intent("How many partnerships are there?").counted_english == ("partnership",)
    assert read_intent("How many French associations have a partner?").counted_english == (
        "associ",
    )
    answer = reference_assistant.answer(
        "How many partnerships are there between associations and companies?"
    )
    assert "1,2 million de partenariats" in answer.citations[0].quote, answer.answer
    # An English noun with no cognate in the note (« volunteers ») counts nothing: the
    # figures are read as before, and the question is not said unanswered for it.
    assert not reference_assistant.answer("How many volunteers are there in France?").abstained


def test_a_day_the_quotes_never_name_is_said_missing(reference_assistant):
    # « … le webinaire … du 19 septembre … ? » was answered « D'après le corpus : Lancé en
    # mars 2019, un premier webinaire, a réuni près de 150 participants », as if that were
    # the day asked. The answer now says the note says nothing of that day first.
    answer = reference_assistant.answer(
        "Combien de participants le webinaire du 19 septembre a-t-il réunis ?"
    )
    assert answer.answer.startswith("Le corpus ne dit rien du 19 septembre précisément")
    # A day the quote names is no day missing.
    named = reference_assistant.answer("Qu'est-ce qui sera dévoilé le 23 octobre ?")
    assert "23 octobre" in named.answer and "rien du" not in named.answer, named.answer


def test_a_share_of_a_whole_that_comes_from_a_part_is_the_parts(reference_assistant):
    # « Quelle part du financement des associations vient des fonds européens ? » was read
    # as a share of « financement » alone, and answered with the private funding's 5 % and
    # the public funding's 44 %. The part is where the share comes from: the note never
    # gives the European funds' share.
    intent = read_intent("Quelle part du financement des associations vient des fonds européens ?")
    assert intent.part_in_whole and intent.part_terms == tuple(analyze("fonds européens"))
    assert read_intent("Quelle part du budget provient des cotisations ?").part_terms == tuple(
        analyze("cotisations")
    )
    answer = reference_assistant.answer(
        "Quelle part du financement des associations vient des fonds européens ?"
    )
    assert answer.abstained, answer.answer
    public = reference_assistant.answer(
        "Quelle part du financement associatif provient des financements publics ?"
    )
    assert "44%" in public.citations[0].quote, public.answer


def test_a_figure_missing_is_not_said_beside_what_the_note_says_of_someone_else(
    reference_assistant,
):
    # « Le RAMEAU, il a quel budget … ? »: the note never gives it, and the answer said so
    # beside « Le budget associatif est passé de 70 milliards … » — the sector's, read as
    # what the note says of Le RAMEAU.
    answer = reference_assistant.answer("Le RAMEAU, quel budget a-t-il et combien de salariés ?")
    assert answer.abstained, answer.answer
    assert "milliards" not in answer.answer, answer.answer


def test_who_says_a_figure_is_not_what_the_figure_is_about(reference_assistant):
    # « Selon Le RAMEAU, combien de partenariats … ? »: a number of partnerships that does
    # not name Le RAMEAU gives the figure; the question abstained (« ce chiffre »).
    answer = reference_assistant.answer("Selon Le RAMEAU, combien de partenariats y a-t-il ?")
    assert not answer.abstained, answer.answer
    assert "partenariats" in answer.citations[0].quote, answer.answer


def test_a_year_the_note_never_writes_does_not_move_the_search(reference_assistant):
    # « … en 2023 ? »: embedded with the question, the year the note never writes moved it
    # away from the passage giving the number of volunteers, and the answer abstained. The
    # year is judged apart: the note has nothing of 2023, and gives its own figure.
    answer = reference_assistant.answer("Combien de bénévoles en France en 2023 ?")
    assert not answer.abstained, answer.answer
    assert "2023" in answer.answer and "13,2 millions" in answer.answer, answer.answer


def test_a_figure_asked_of_a_titled_thing_comes_from_a_passage_naming_it(reference_assistant):
    # « Combien de participants le webinaire « Transformer son modèle socio-économique » … ? »
    # was answered with « un premier webinaire, a réuni près de 150 participants » — another
    # webinar, of a Paris programme, in a passage that never names the title asked.
    answer = reference_assistant.answer(
        "Combien de participants le webinaire « Transformer son modèle socio-économique »"
        " a-t-il réunis ?"
    )
    assert answer.abstained, answer.answer
    assert "150" not in answer.answer, answer.answer
    # A passage naming the title gives its figure (« … ce MOOC se propose de répondre, avec
    # le témoignage de plus de 20 dirigeants … », under the MOOC's title).
    named = reference_assistant.answer(
        "Combien de dirigeants témoignent dans le MOOC « Nouveaux modèles économiques"
        " associatifs » ?"
    )
    assert not named.abstained, named.answer
    assert "20 dirigeants" in named.answer, named.answer


def test_a_date_asked_of_a_titled_thing_comes_from_a_passage_naming_it(reference_assistant):
    # « Quand le guide « L'investissement sociétal en actions ! » est-il sorti ? » opened on
    # « C'est en juillet 2016 que le Medef a publié un guide … », another guide, in a passage
    # holding « investissement sociétal » and « actions » but never the title in a row.
    answer = reference_assistant.answer(
        "Quand le guide « L'investissement sociétal en actions ! » est-il sorti ?"
    )
    assert "octobre 2018" in answer.citations[0].quote, answer.answer
    assert "Medef" not in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize(
    ("question", "average"),
    [
        ("Quel est le budget moyen d'une association ?", True),
        ("Combien d'heures donne un bénévole en moyenne ?", True),
        ("Quelle est la durée moyenne d'un partenariat ?", True),
        ("Quel est le montant médian des dons ?", True),
        ("How many hours does a volunteer give on average?", True),
        ("Quel est le budget d'une association ?", False),
        # « moyen » as a noun (a means) asks no average.
        ("Combien de moyens sont mis en œuvre ?", False),
        ("Les associations moyennes ont-elles plus de partenaires ?", False),  # not a figure
    ],
)
def test_an_average_asked_is_read(question, average):
    assert read_intent(question).average is average


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("les revenus d’activité représentaient 49% du budget moyen d’une association", True),
        ("Un bénévole donne en moyenne 3 heures par semaine.", True),
        ("La durée médiane est de 2 ans.", True),
        ("Le budget associatif est passé de 70 milliards d’euros à 113 milliards.", False),
        ("Tout d’abord, elles sont un moyen pour innover.", False),  # a means, no average
    ],
)
def test_an_average_written_is_read(text, written):
    assert says_average(text) is written


def test_a_figure_given_as_an_average_answers_the_average_asked(reference_assistant):
    # « 49% du budget moyen d'une association » is a share of the average budget: a share
    # asked of it is given.
    evidence = _evidence(
        reference_assistant,
        "Quelle part du budget moyen d'une association venait des revenus d'activité en 2006 ?",
    )
    assert evidence.figure_given


def test_an_agent_noun_the_note_never_writes_is_read_as_its_verb(reference_assistant):
    # « éditeur » is never written; « … référentiel …, édité chez Juris Associations » is.
    # The question's main word counted as unknown, and the assistant said it found nothing.
    retriever = reference_assistant.retriever
    assert retriever.known_form("editeur") == "edit"
    assert retriever.known_form("directeur") is None  # no verb « directer »
    answer = reference_assistant.answer("Qui est l'éditeur du référentiel ?")
    assert not answer.abstained, answer.answer
    assert "Juris" in answer.citations[0].quote or "JURIS" in answer.citations[0].quote


def test_the_share_of_what_weighs_is_the_share_asked(reference_assistant):
    # « Quelle est la part des revenus d'activité ? » said the note gives no figure: its share
    # is written as the subject of a verb of weighing (« … les revenus d'activité ne
    # représentaient que 49% du budget moyen … »), the cotisations' as « leur part … ».
    for question, figure in (
        ("Quelle est la part des revenus d'activité ?", "49%"),
        ("Quelle est la part des cotisations ?", "10 %"),
    ):
        answer = reference_assistant.answer(question)
        assert not answer.abstained, (question, answer.answer)
        assert figure in answer.citations[0].quote, (question, answer.answer)
    # A share of something else is still none: the note gives no share of donations.
    assert reference_assistant.answer("Quelle est la part des dons ?").abstained
