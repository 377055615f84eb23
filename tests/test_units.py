"""Readable units: lists whole, pronoun-led sentences kept with their antecedent, and the
lines a reader cannot use (notes, headings, series boilerplate) never quotable."""

import numpy as np

from assistant.answer.holds import has_quantity
from assistant.ingest.sentvectors import pack, unpack
from assistant.leaning import antecedent, leans_on_previous
from assistant.search.query import intent_in_context, read_intent
from assistant.textnorm import analyze
from assistant.textunits import (
    Boilerplate,
    name_sections,
    split_sentences,
    split_units,
    with_antecedents,
)

CHUNK = (
    "Les têtes de réseaux à la manoeuvre\n"
    "Le parcours consolide un cheminement engagé autour de 3 étapes majeures :\n"
    "• 2014-2015 : un parcours d’expérience ;\n"
    "• 2016-2017 : un transfert de savoir-faire ;\n"
    "• 2018-2019 : une appropriation territoriale.\n"
    "Le RAMEAU anime des ateliers. Celles-ci réunissent des dirigeants.\n"
    "Quels facteurs suscitent l’engagement ? Le guide en souligne cinq.\n"
    "Note : Rapport du RAMEAU, 2013\n"
    "A demain, 6ème jour du cycle pour découvrir les professionnels."
)


def _kinds(units):
    return [(u.kind, u.text.split("\n")[0][:25]) for u in units]


def test_a_list_stays_whole_with_its_lead_in_and_rows_follow_the_sentences():
    units = split_units(CHUNK)
    lists = [u for u in units if u.kind == "list"]
    assert len(lists) == 1
    assert lists[0].text.count("\n") == 3 and lists[0].text.endswith("territoriale.")
    assert not lists[0].incomplete
    sentences = split_sentences(CHUNK)
    for unit in units:
        # Each unit knows which sentences (and so which sentence vectors) it is made of.
        assert all(sentences[r] in unit.text for r in unit.rows)


def test_pronoun_led_sentences_and_text_questions_keep_their_context():
    units = split_units(CHUNK)
    texts = [u.text for u in units if u.quotable]
    assert "Le RAMEAU anime des ateliers. Celles-ci réunissent des dirigeants." in texts
    assert "Quels facteurs suscitent l’engagement ? Le guide en souligne cinq." in texts
    assert not any(t.startswith("Celles-ci") for t in texts)


def _series_boilerplate() -> Boilerplate:
    """Four days that each close on « A demain, Nème jour du cycle … », as the note does."""
    sections = {
        ("n.txt", f"{day}e jour"): [
            f"Texte du jour {day}.\nA demain, {day + 1}ème jour du cycle pour découvrir la suite."
        ]
        for day in range(1, 5)
    }
    return Boilerplate.from_sections(sections)


def test_headings_notes_and_series_boilerplate_are_never_quotable():
    boilerplate = _series_boilerplate()
    units = split_units(CHUNK, boilerplate)
    kinds = dict((u.text.split(" ")[0], u.kind) for u in units)
    assert kinds["Note"] == "note"
    assert kinds["A"] == "boilerplate"
    assert kinds["Les"] == "heading"  # « Les têtes de réseaux à la manoeuvre »
    # Without the corpus evidence (one section only), the same line is plain text.
    assert "A demain, 9ème jour du cycle pour découvrir la suite." not in Boilerplate()


def test_sentences_that_refer_back_stay_with_the_sentence_they_refer_to():
    # From the note's 14th day: « Tel est l'avis … » and « Depuis, … » mean nothing alone.
    text = (
        "S’allier n’est plus un choix, mais une nécessité. Tel est l’avis exprimé par 69% "
        "des Français, qui plébiscitent un « devoir d’alliance ».\n"
        "Le rapport a ouvert de nouvelles voies. Depuis, de nombreuses initiatives ont été "
        "lancées. Cependant, les territoires avancent à des rythmes différents."
    )
    texts = [u.text for u in split_units(text) if u.quotable]
    assert not any(t.startswith(("Tel est", "Depuis,", "Cependant")) for t in texts)
    assert any(t.startswith("S’allier") and "Tel est l’avis" in t for t in texts)
    # « Depuis 2010, … » gives its own time: it stands alone.
    alone = split_units("Le texte commence. Depuis 2010, le bénévolat progresse de 16,8%.")
    assert [u.text for u in alone][-1].startswith("Depuis 2010")


def test_a_series_line_with_words_added_is_still_boilerplate():
    # « A demain, 21ème et dernier jour du cycle … » closes the series the other days open
    # with « A demain, Nème jour du cycle … »: same template, two words inserted.
    boilerplate = _series_boilerplate()
    assert "A demain, 21ème et dernier jour du cycle pour prendre de la hauteur." in boilerplate
    # Same first words, another sentence: not boilerplate.
    assert "A demain, nous verrons les alliances entre acteurs du territoire." not in boilerplate


def test_a_lead_in_whose_list_is_missing_is_not_quotable():
    units = split_units("Le modèle repose sur trois leviers :\nUne autre phrase complète ici.")
    assert units[0].kind == "heading" and units[1].quotable


def test_packed_vectors_round_trip_within_int8_precision():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    back = unpack(pack(vectors))
    assert back.shape == (5, 384)
    assert np.all(np.sum(back * vectors, axis=1) > 0.999)
    assert unpack(None) is None and unpack("autre-format") is None


def test_intent_reads_the_kind_of_answer_asked():
    assert read_intent("Combien de bénévoles en France ?").kind == "figure"
    assert read_intent("Résume le 12e jour").kind == "summary"
    assert read_intent("Résume le 12e jour").day == 12
    assert read_intent("Détaille le deuxième point").ordinal == 2
    assert read_intent("Et pour les fondations ?").new_subject == "les fondations"
    assert read_intent("When did the MOOC open?").kind == "date"
    # A follow-up that does not say what it wants asks what the previous question asked.
    follow_up = read_intent("Et côté salariés ?")
    assert intent_in_context(follow_up, "Combien de bénévoles ?", True).kind == "figure"


def test_a_quantity_is_not_a_year_a_day_or_an_ordinal():
    assert has_quantity("74% des associations")
    assert has_quantity("avec 13,2 millions de bénévoles")
    assert has_quantity("passer de 140.000 à 240.000 personnes")
    assert not has_quantity("le 10 septembre 2019, au 3ème jour")


def test_follow_ups_point_into_the_previous_answer_only_when_they_say_so():
    from assistant.models import Turn
    from assistant.search.query import pointed_point, previous_points

    history = [
        Turn(role="user", content="Quels sont les trois leviers ?"),
        Turn(
            role="assistant",
            content="D'après le corpus :\n1. Les richesses humaines. [1]\n"
            "2. Les ressources financières recouvrent deux logiques. [1]\n"
            "3. Les alliances stratégiques. [2]",
        ),
    ]
    assert previous_points(history)[1] == "Les ressources financières recouvrent deux logiques."
    second = read_intent("Détaille le deuxième point.")
    assert pointed_point(history, second.ordinal, second.points_back, second.ordinal_noun) == (
        "Les ressources financières recouvrent deux logiques."
    )
    last = read_intent("Et le dernier levier ?")
    pointed = pointed_point(history, last.ordinal, False, last.ordinal_noun)
    assert pointed.startswith("Les alliances")
    # A counted noun the previous answer never used starts a question of its own.
    fresh = read_intent("Quel est le premier outil du MOOC ?")
    assert pointed_point(history, fresh.ordinal, False, fresh.ordinal_noun) is None
    answer = "D'après le corpus : A un. [1] B deux. [2]"
    inline = [history[0], Turn(role="assistant", content=answer)]
    assert previous_points(inline) == ["A un.", "B deux."]


def test_a_run_of_questions_is_quoted_only_with_the_sentence_that_answers_it():
    from assistant.textunits import only_asks

    text = (
        "Ces nouveaux modèles interrogent.\n"
        "Quels sont-ils ? Sont-ils durables ?... Ce sont aussi des questions que se posent "
        "les collectivités. Leur rôle devient central dans ce contexte.\n"
        "Une autre phrase suit ici."
    )
    quotable = [u.text for u in split_units(text) if u.quotable]
    asked = [t for t in quotable if "Quels sont-ils" in t]
    assert len(asked) == 1 and asked[0].endswith("Leur rôle devient central dans ce contexte.")
    # Nothing after the run in the chunk: nothing to quote it with.
    alone = split_units("Quels sont-ils ? Ce sont des questions que se posent les élus.")
    assert not any(u.quotable for u in alone)
    # A sentence saying who answers the question tells something: it answers.
    mooc = split_units(
        "Comment hybrider son modèle ? C’est la question à laquelle ce MOOC se propose de "
        "répondre, avec le témoignage de vingt dirigeants."
    )
    assert [u.kind for u in mooc] == ["sentence"]
    # A list cut from its lead-in by the chunk, made only of questions, answers nothing.
    questions = split_units("• Quels sont les besoins ?\n• Quel est le point de vue des élus ?")
    assert only_asks(questions[0])
    assert not only_asks(split_units(CHUNK)[1])


def test_the_questions_a_unit_leaves_open_are_not_what_it_says():
    # « Et les entreprises ? » after the place of foundations quoted « Quels sont-ils ? …
    # Comment impactent-ils les entreprises … ? Ce sont aussi des questions que se posent
    # les Fondations. … leur place devient … stratégique »: the companies are only asked
    # about there.
    text = (
        "Ces modèles interrogent.\n"
        "Quels sont-ils ? Comment impactent-ils les entreprises ?... Ce sont aussi des "
        "questions que se posent les fondations. Leur place devient stratégique.\n"
    )
    (open_questions,) = [u for u in split_units(text) if "Quels sont-ils" in u.text]
    assert open_questions.said == (
        "Ce sont aussi des questions que se posent les fondations. Leur place devient "
        "stratégique."
    )
    assert "entrepris" not in open_questions.read_terms
    assert "entrepris" in open_questions.terms  # still quoted whole
    assert {"fondat", "strateg"} <= open_questions.read_terms
    # A question the next sentence answers is no open question: its words are the topic.
    (answered,) = split_units("A quoi servent les alliances ? A innover ensemble.")
    assert answered.said == answered.text
    assert "allianc" in answered.read_terms


def test_a_list_cut_down_to_its_lead_in_and_one_item_cites_each_run():
    from assistant.textunits import around_items

    listed = next(u for u in split_units(CHUNK) if u.kind == "list")
    cut = around_items(listed, lambda line: "transfert" in line)
    assert cut is not None
    assert cut.text == (
        "Le parcours consolide un cheminement engagé autour de 3 étapes majeures :\n"
        "• 2016-2017 : un transfert de savoir-faire ;"
    )
    assert cut.parts == tuple(cut.text.split("\n"))  # two runs: the first item is skipped
    assert all(part in CHUNK for part in cut.parts)
    first = around_items(listed, lambda line: "2014-2015" in line)
    assert first is not None and first.parts == () and first.text in CHUNK
    assert around_items(listed, lambda line: "absent" in line) is None
    assert around_items(listed, lambda line: line.startswith("•")) is None


def test_a_figure_counts_the_noun_that_follows_it():
    from assistant.answer.holds import counts

    assert counts("avec 13,2 millions de bénévoles;", "bénévoles")
    assert counts("auprès de plus d’une cinquantaine de projets", "projets")
    assert counts("Plus de 675 000 partenariats concernent les entreprises", "partenariats")
    assert counts("un tiers des entreprises engagées proposent du mécénat", "entreprises")
    assert counts("une association sur trois développe des partenariats", "associations")
    assert not counts("61% des actifs sont intéressés par le bénévolat", "bénévoles")
    assert not counts("Il a recommandé 15 propositions, touchant aux bénévoles", "bénévoles")
    assert not counts("depuis 2010 les bénévoles", "bénévoles")  # a year counts nothing
    # A size class of another noun counts nothing: « combien de salariés dans les assos »
    # quoted « Plus de 675 000 partenariats concernent les entreprises de plus de 10
    # salariés ». The same words opening the sentence count.
    assert not counts("les entreprises de plus de 10 salariés", "salariés")
    assert not counts("des communes de moins de 3 500 habitants", "habitants")
    assert counts("Plus de 10 salariés ont été formés.", "salariés")
    assert counts("un effectif de 1,8 million de salariés", "salariés")
    assert counts("une étude sur les pratiques de plus de 2 000 associations", "associations")


def test_a_sentence_pointing_back_past_its_first_word_is_read_with_the_one_before():
    """« A cette occasion, il a souligné … » (whose occasion? who?), « L'identification de
    ces 3 leviers permet … » (which levers?): read with the sentence before them; a sentence
    with an opening phrase of its own (« Dans un contexte de … , ») reads alone."""
    occasion = (
        "C’est l’une des tendances partagées par Charles-Benoît HEIDSIECK lors de la table "
        "ronde « Mécénat territorial ». A cette occasion, il a souligné la pertinence du "
        "mécénat, outil essentiel pour soutenir les structures."
    )
    (unit,) = split_units(occasion)
    assert "HEIDSIECK" in unit.text and "pertinence du mécénat" in unit.text
    levers = (
        "Enfin, la stratégie d’alliances de la structure impacte son modèle.\n"
        "L’identification de ces 3 leviers permet à l’organisation de se doter d’une vision "
        "systémique."
    )
    assert len(split_units(levers)) == 1
    alone = (
        "Le budget associatif est passé de 70 à 113 milliards d’euros. Dans un contexte de "
        "raréfaction des ressources, les associations innovent."
    )
    assert len(split_units(alone)) == 2
    # « A ce jour », « En ce qui concerne », « Jusqu'à ce que »: a demonstrative that
    # points at nothing before.
    openings = ("A ce jour,", "En ce qui concerne le financement,", "Jusqu’à ce que tout change,")
    for opening in openings:
        text = f"Le budget associatif a progressé. {opening} les associations innovent."
        assert len(split_units(text)) == 2, opening


REPORT = [
    "Cette tendance s’inscrit dans la continuité des analyses partagées dans le rapport "
    "interministériel sur l’engagement associatif des actifs, en novembre 2014.",
    "Ce rapport est le fruit de réflexions menées au sein d’un groupe de travail.",
    "Il a permis de répondre aux 6 enjeux suivants :",
    "• Comment concilier engagement associatif et activité professionnelle ?",
    "• Quel est le point de vue des partenaires sociaux ?",
]


def test_a_leaning_sentence_is_told_what_it_points_at():
    """« Il a recommandé 15 propositions » after a list of questions: « Il » is what the
    last statement before the list was about, « Ce rapport », i.e. the report named
    before it; « Ce rapport » itself points at that mention."""
    report = "le rapport interministériel sur l’engagement associatif des actifs, en novembre 2014"
    assert antecedent("Il a recommandé 15 propositions, touchant à : …", REPORT) == report
    assert antecedent("Ce rapport a souligné des enjeux.", REPORT[:1]) == report
    # « ces 3 leviers » is « les 3 leviers », not « des leviers financiers » closer to it.
    levers = [
        "Le modèle repose sur les 3 leviers : richesses humaines, ressources, alliances.",
        "Chacune de ces logiques s’appuie sur des leviers financiers différents.",
    ]
    assert antecedent("L’identification de ces 3 leviers permet …", levers).startswith(
        "les 3 leviers"
    )
    # No guess: a noun never named before, a pronoun whose antecedent is a plain subject.
    assert antecedent("Ces outils ont été déclinés.", REPORT) is None
    assert antecedent("Il a publié un guide.", ["Le Medef est actif depuis 2016."]) is None
    assert antecedent("Il y a 13 millions de bénévoles.", REPORT) is None


def test_a_unit_cut_from_its_antecedent_by_the_chunk_boundary_is_told_it():
    first = "\n".join(REPORT[:4])
    second = "• Quel est le point de vue des partenaires sociaux ?\nIl a recommandé 15 mesures."
    chunks = [("s", first, split_units(first)), ("s", second, split_units(second))]
    told = with_antecedents(chunks)
    (recommends,) = [u for u in told[1] if u.text.startswith("Il a recommandé")]
    assert recommends.leans and recommends.about.startswith("le rapport interministériel")
    assert "interministeriel" in recommends.read_terms
    # Another section's sentences are not read.
    other = with_antecedents([("s", first, split_units(first)), ("t", second, split_units(second))])
    assert not [u for u in other[1] if u.about]


def test_a_leaning_sentence_is_not_glued_to_items_cut_from_their_lead_in():
    """A chunk opening on the last item of a list whose lead-in is in the chunk before: the
    sentence leaning on the item stays with it (« Cette tendance » names nothing before),
    but those whose antecedent can be read stand alone, told it. Glued, « Il a permis de
    répondre aux 6 enjeux suivants : … » was the tail of a run opening on « • 61% … »."""
    chunk = "\n".join(["• 61% des actifs français sont intéressés pour s’engager.", *REPORT])
    units = split_units(chunk)
    assert [u.text.split("\n")[0][:22] for u in units] == [
        "• 61% des actifs franç",
        "Ce rapport est le frui",
        "Il a permis de répondr",
    ]
    assert units[0].text.endswith("en novembre 2014.")
    told = with_antecedents([("s", chunk, units)])[0]
    assert all(u.about.startswith("le rapport interministériel") for u in told[1:])
    # A run opening on a sentence that reads alone is one unit, as before.
    whole = split_units("\n".join(["Le bénévolat progresse.", *REPORT]))
    assert [u.kind for u in whole] == ["list"]


def test_items_cut_from_their_lead_in_are_told_it_past_the_chunks_overlap():
    lead = "Deux chiffres-clés illustrent ce besoin :"
    first = "\n".join([lead, "• 82% des structures ont des besoins de compétences,"])
    # The next chunk repeats the last item (the chunks overlap), then goes on.
    second = "\n".join(
        [
            "• 82% des structures ont des besoins de compétences,",
            "• 61% des actifs sont intéressés pour s’engager.",
        ]
    )
    told = with_antecedents([("s", first, split_units(first)), ("s", second, split_units(second))])
    (items,) = told[1]
    assert items.leans and items.about == lead
    # Its lead-in announces the items: it adds no term of its own to what they are about.
    assert items.read_terms == frozenset(items.terms)


def test_an_ordinal_standing_for_a_noun_is_read_with_the_sentence_naming_it():
    """« Le dernier réalisé en juillet … à Montargis a porté sur … »: the last of the study
    trips the sentence before names. Read alone it held neither « voyage » nor « Cercle
    RSE », and « Le voyage … à Montargis, il portait sur quoi ? » quoted the sentence before
    without it."""
    trips = (
        "Les voyages d’étude du Cercle RSE en illustrent chaque année des exemples. Le "
        "dernier réalisé en juillet dernier à Montargis a porté sur « les nouveaux modèles "
        "économiques »."
    )
    (unit,) = split_units(trips)
    assert "Cercle RSE" in unit.text and "Montargis" in unit.text
    for standing in ("La première a été lancée en 2014.", "Les autres sont des fondations."):
        assert leans_on_previous(standing), standing
    for alone in (
        "Le dernier rapport montre une évolution.",
        "La première société du secteur a publié un guide.",
        "Le premier levier est humain.",
        "Les autres associations suivent.",
    ):
        assert not leans_on_previous(alone), alone


def test_antecedents_are_not_guessed_past_an_opening_phrase_or_a_time():
    # Review of session 13: « Elle » is the ministre, not « ce cadre »; « Cette année » points
    # at no mention; a noun after « Les autres » is no participle.
    before = [
        "Le cadre de la loi de 1901 est connu.",
        "Dans ce cadre, la ministre a réuni les acteurs.",
    ]
    assert antecedent("Elle a recommandé des mesures.", before) is None
    assert antecedent("Cette année, les dons ont augmenté.", ["L’année 2019 a été dure."]) is None
    assert not leans_on_previous("Les autres salariés sont souvent à temps partiel.")
    assert not leans_on_previous("La dernière année a été marquée par la crise.")


def test_a_line_naming_only_a_title_heads_the_items_under_it():
    # « La table ronde “Intérêt général : quels modèles … pour l'avenir ?” » ended on the
    # title's « ? » and was quoted as a sentence: « Et concrètement, ça sert à quoi un modèle
    # socio-économique ? » opened on it. It is a heading, and the items under it (« • Le
    # Secrétaire d'Etat, Gabriel ATTAL, a donné sa vision … ») are about it: they read as
    # the table ronde's, not as a list cut from another chunk.
    text = (
        "Le Forum a été l’occasion de 2 temps forts.\n"
        "La table ronde “Intérêt général : quels modèles socio-économiques pour l’avenir ?”\n"
        "• Le Secrétaire d’Etat, Gabriel ATTAL, a donné sa vision sur les enjeux.\n"
        "• La directrice de la recherche a rendu compte de 12 ans de travaux."
    )
    units = split_units(text)
    assert [u.kind for u in units] == ["sentence", "heading", "list"]
    assert not units[-1].leans and units[-1].about.startswith("La table ronde")
    assert {"table", "rond"} & units[-1].read_terms
    # A sentence quoting a title says something; a table of contents under a heading
    # (titles, mostly) is still a list from elsewhere.
    assert split_units("Il a rappelé le cycle « 21 jours pour convaincre ».")[0].kind == "sentence"
    contents = split_units("Acteurs pour accompagner\n- Les ateliers\n- Le centre de ressources")
    assert contents[-1].leans and not contents[-1].about


def test_items_naming_the_documents_sections_are_named_not_said():
    sections = [frozenset(analyze(t)) for t in ("Le budget", "Les bénévoles", "Les partenaires")]
    contents = split_units(
        "Ce guide se lit en trois étapes :\n- Le budget\n- Les bénévoles\n- Les partenaires"
    )
    (unit,) = name_sections(contents, sections)
    assert unit.titles == ("- Le budget", "- Les bénévoles", "- Les partenaires")
    assert "benevol" not in unit.said_terms and "guid" in unit.said_terms
    assert "benevol" in unit.terms  # still quoted whole, when quoted
    # One item that happens to be a title's words is what the list says.
    resources = split_units(
        "Les ressources de l'association :\n- Le budget\n- les dons des particuliers\n"
        "- une subvention de la commune"
    )
    (unit,) = name_sections(resources, sections)
    assert unit.titles == () and "budget" in unit.said_terms


def test_a_question_whose_answerer_is_named_is_asked_not_said():
    # « … maximiser son impact social … ? C'est la question à laquelle ce MOOC se propose de
    # répondre, avec … »: quoted whole (it tells who answers), but the question's words are
    # not what it says — « Comment mesurer l'impact social ? » opened on it.
    (unit,) = split_units(
        "Comment maximiser son impact social dans le temps ? C’est la question à laquelle ce "
        "MOOC se propose de répondre, avec le témoignage de vingt dirigeants."
    )
    assert unit.quotable and unit.asked_sentences == 1
    assert "impact" not in unit.said_terms and "temoignag" in unit.said_terms
