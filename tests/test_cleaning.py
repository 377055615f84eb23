from assistant.ingest.cleaning import split_pages, strip_footnote_calls
from assistant.ingest.structure import build_sections

FOOTER = "© Association Le RAMEAU – 1, allée Charles V – 94300 Vincennes – www.lerameau.fr  7"


NOTES = frozenset({1, 10, 24, 46})  # the document's footnotes: only they can be called


def test_glued_footnote_calls_are_removed_but_numbers_kept():
    assert (
        strip_footnote_calls("la diversité des ressources10 est", NOTES)
        == "la diversité des ressources est"
    )
    assert strip_footnote_calls("des bénévoles[1]46 engagés", NOTES) == "des bénévoles engagés"
    assert (
        strip_footnote_calls("associatifs.24 Principal levier", NOTES)
        == "associatifs. Principal levier"
    )
    assert strip_footnote_calls("réduire le CO2 et le G20", NOTES) == "réduire le CO2 et le G20"
    assert strip_footnote_calls("en 2019, 3ème levier", NOTES) == "en 2019, 3ème levier"


def test_a_number_no_note_carries_is_the_source_s_word():
    # Issue 21: an uploaded « hunter2. » was quoted « hunter. » (a final digit taken for a
    # footnote call). A file without footnotes loses no digit; one with notes loses only
    # the numbers of its notes.
    assert strip_footnote_calls("Le mot de passe est hunter2.") == "Le mot de passe est hunter2."
    assert strip_footnote_calls("Le mot de passe est hunter2.", NOTES).endswith("hunter2.")
    assert strip_footnote_calls("des ressources10 et", frozenset()) == "des ressources10 et"
    sections = build_sections(split_pages("# Accès\n\nLe mot de passe est hunter2.\n"), "Doc")
    assert "hunter2." in sections[0].text


def test_footers_give_pages_and_footnote_blocks_are_moved_out_of_the_text():
    text = "\n".join(
        [
            "Le modèle socio-économique repose sur des ressources2 variées et sur",
            "",
            "des alliances solides.",
            " " * 40,
            "",
            "2 Rapport « Ensemble, accélérons ! » (SGMAP, janvier 2016)",
            "3 https://www.example.org/page",
            "https://www.example.org/page",
            " Suite de la page suivante, qui parle des socio-",
            "économiques et des bénévoles.",
            FOOTER,
        ]
    )
    pages = split_pages(text)
    assert [p.page for p in pages] == [None, 7]
    assert pages[0].notes == ["Rapport « Ensemble, accélérons ! » (SGMAP, janvier 2016)"]
    sections = build_sections(pages, "Doc")
    body = sections[0].text
    assert "ressources variées et sur des alliances solides." in body
    assert "socio-économiques" in body
    assert "http" not in body and "©" not in body
    assert "Note : Rapport « Ensemble, accélérons ! »" in body


def test_pages_between_two_footers_are_numbered_only_when_the_count_fits():
    text = "\n".join(
        [
            "Page A.",
            FOOTER.replace("7", "4"),
            "Page B.",
            " " * 30,
            "1 Note.",
            " Page C.",
            FOOTER.replace("7", "6"),
        ]
    )
    assert [p.page for p in split_pages(text)] == [4, 5, 6]


def test_calls_of_the_pages_own_notes_are_stripped_in_every_shape():
    rule = " " * 40
    text = (
        "Un travail piloté par le SGMAP et le CGET4.\n"
        "Après une publication collective en 201413, Le RAMEAU a capitalisé.\n"
        "La plateforme « Innovation en actions ! » 65 a pour objectif de partager.\n"
        "La plateforme « Trajectoire socio-économique »\n"
        "78 permet de comprendre.\n"
        "Des outils – plateforme 80 , webinaire 81 , MOOC 82 , centre de ressources.\n"
        'Le "pacte d\'ambition".91 Ce dernier a été élaboré.\n'
        "Le CO2 et le G20 restent, comme les 3 leviers et les 65 ans.\n"
        "Le webinaire « Transformer son modèle 71 », animé aujourd’hui.\n"
        f"{rule}\n"
        "4 Rapport « Ensemble, accélérons ! » (SGMAP – CGET, janvier 2016)\n"
        "13 Typologie des modèles (CPCA, janvier 2014)\n"
        "65 https://innovation.example.org/\n"
        "78 http://trajectoire.example.org/\n"
        "80 https://a.example.org/\n81 https://b.example.org/\n82 https://c.example.org/\n"
        "91 https://d.example.org/\n71 https://e.example.org/\n"
        "© Association Le RAMEAU – www.lerameau.fr  7\n"
    )
    page = split_pages(text)[0]
    body = "\n".join(page.lines)
    assert "le CGET." in body and "en 2014," in body
    assert "actions ! » a pour objectif" in body and "\npermet de comprendre" in body
    assert "plateforme, webinaire, MOOC, centre" in body
    assert 'ambition". Ce dernier' in body
    assert "Le CO2 et le G20 restent, comme les 3 leviers et les 65 ans." in body
    assert "« Transformer son modèle », animé" in body
    assert page.note_numbers == {4, 13, 65, 71, 78, 80, 81, 82, 91}
