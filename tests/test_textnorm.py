from collections import Counter

from assistant.textnorm import analyze, matches_inside, tokens


def test_tokens_follow_eval_format_rule():
    assert tokens("Les « Richesses » humaines, 1,2 million") == [
        "les",
        "richesses",
        "humaines",
        "1",
        "2",
        "million",
    ]
    assert matches_inside("« 1,2 million »", "soit 1.2 million de partenariats")
    assert matches_inside("socio-\néconomiques", "modèles socio-économiques")
    assert not matches_inside("6", "en 2016")
    assert not matches_inside("", "anything")


def test_analyze_folds_accents_stems_and_drops_stop_words():
    terms = analyze("Quels sont les leviers des modèles socio-économiques ?")
    assert "quel" not in terms and "les" not in terms
    assert analyze("levier") == analyze("leviers")
    assert analyze("économique") == analyze("economique")
    # Years stay whole so that 2018 never matches 2008.
    assert "2018" in analyze("en 2018") and "2008" not in analyze("en 2018")


def test_ligatures_fold_in_matching_and_in_bm25_terms():
    # A user typing « oeuvre » or « coeur » must find « œuvre » / « cœur » (eval-format.md).
    assert matches_inside("mise en oeuvre", "la mise en œuvre du projet")
    assert matches_inside("cœur de métier", "le coeur de metier")
    assert tokens("Æ ß") == ["ae", "ss"]
    assert analyze("œuvre") == analyze("oeuvre")
    assert analyze("cœur") == analyze("coeur")


def test_the_short_forms_people_write_are_the_words_of_the_note():
    # « les assos », « une asso » are how leaders write « associations »: a question so
    # written is not one about words the note never has.
    assert analyze("les assos") == analyze("les associations")
    assert analyze("une asso") == analyze("une association")
    assert analyze("Assos") == analyze("associations")


def test_counts_and_ranks_in_words_are_the_notes_digits():
    # The note writes « les 3 leviers », « une 3ème économie passerelle »; leaders write
    # « les trois leviers », « la troisième économie »: the same terms.
    assert analyze("les trois leviers") == analyze("les 3 leviers")
    assert analyze("la troisième économie") == analyze("la 3ème économie")
    assert analyze("le 3e jour") == analyze("le troisième jour")
    assert analyze("douze ans") == analyze("12 ans")
    # Words that are numbers only sometimes stay words; a year stays whole.
    assert analyze("un regard neuf") == ["regard", "neuf"]
    assert analyze("le premier levier") != analyze("le 1er levier")
    assert analyze("en 2019") == ["2019"]


def test_aujourd_hui_is_one_term():
    # Cut in two at its apostrophe, it counted twice and weighed as much as the subject of
    # « Quel poids ont aujourd'hui les cotisations … ? ».
    assert analyze("aujourd'hui") == analyze("aujourd’hui") == ["aujourd"]


def test_words_of_the_asking_are_no_topic():
    # « on a quoi comme ressources : un truc à lire ? »: « comme » and « truc » weighed as
    # the question's topic words and pulled in sentences holding « comme ».
    assert analyze("on a quoi comme ressources : un truc à lire ?") == analyze(
        "on a quoi ressources : un à lire ?"
    )


def test_a_verb_in_ifier_and_its_noun_in_ification_are_one_term():
    # « Pourquoi … diversifier leurs ressources ? » did not hold the note's « diversification
    # des ressources »: Snowball stems the verb « diversifi », the noun « diversif ».
    assert analyze("diversifier") == analyze("diversification") == analyze("diversifient")
    assert analyze("identifiés") == analyze("l'identification")
    # Other words keep their stems.
    assert analyze("diversité") != analyze("diversification")
    assert analyze("spécificités") == ["specif"]


def test_a_feminine_adjective_and_its_masculine_are_one_term():
    # « Quelle part du budget des associations vient des subventions publiques ? »: Snowball
    # stems « publiques » to « publiqu » and « publics » to « public », so the note's
    # « financements publics » shared no term with the question. The same split cuts
    # « nouvelles » (« nouvel ») from « nouveaux », « créatives » from « créatif ».
    assert analyze("subventions publiques") == analyze("subventions publics")
    assert analyze("nouvelles alliances") == analyze("nouveaux alliances")
    assert analyze("créatives") == analyze("créatif")
    assert analyze("novatrices") == analyze("novateur")
    # A form that is a noun of its own keeps its stem: « entreprises » is not the
    # participle « entrepris », « directrice » is the noun.
    assert analyze("entreprises") == analyze("entreprise")
    assert analyze("entreprises") != analyze("entrepris")
    # Words that already shared a stem keep it.
    assert analyze("territoriale") == analyze("territoriaux") == ["territorial"]
    assert analyze("publication") != analyze("public")


def test_the_shipped_masculine_forms_are_spacys_exceptions():
    """The table read by ``analyze`` is generated from the installed French pipeline's
    lemma exceptions (scripts/seed_adjectives.py); it fails when the pipeline's tables or
    the selection change without the file being written again."""
    from assistant.adjectives import from_pipeline
    from assistant.textnorm import masculine_forms

    assert from_pipeline() == masculine_forms()


def test_the_shipped_agent_nouns_are_spacys():
    """The agent nouns read as their verb are generated from the installed French
    pipeline's nouns and verbs (scripts/seed_adjectives.py); it fails when the pipeline's
    tables or the selection change without the file being written again."""
    from assistant.agent_nouns import agent_verbs, from_pipeline

    shipped = agent_verbs()
    assert from_pipeline() == shipped
    assert shipped["editeur"] == "edit"  # « éditeur » of « éditer »
    assert shipped["investisseur"] == "invest"  # of « investir »
    # No verb of that form in French: not an agent noun.
    assert "directeur" not in shipped and "secteur" not in shipped and "valeur" not in shipped


def test_locutions_are_function_words():
    # « par rapport aux » is no report, « en effet » no effect, « d'une part » no share.
    assert analyze("les associations par rapport aux entreprises") == ["associ", "entrepris"]
    assert analyze("Celui-ci comprend en effet 3 axes") == analyze("Celui-ci comprend 3 axes")
    assert "part" not in analyze("d'une part les dons, d’autre part les cotisations")
    # « Comment y faire face ? » after « Qu'est-ce que l'effet ciseau ? » quoted the ODD's
    # « passage d'un « face à face » … »: to face something names no face.
    assert analyze("Comment y faire face ?") == []
    assert analyze("les associations font face aux besoins") == ["associ", "besoin"]
    assert "fac" in analyze("un « face à face »")
    assert "rapport" in analyze("Ce rapport est le fruit de réflexions")
    assert "effet" in analyze("l'effet ciseau")
    # « face à face » is a phrase of its own, « Face à la crise » a preposition.
    assert analyze("un « face à face »").count(analyze("face")[0]) == 2
    assert analyze("Face à la crise") == analyze("la crise")


def test_bm25_reads_locutions_as_analyze_does():
    from assistant.search.lexical import TermCounter

    counter = TermCounter()
    text = "Les pratiques au sein des entreprises, en effet, par rapport aux associations."
    assert counter(text) == Counter(analyze(text))
    assert counter.word_local
