from assistant.ingest.cleaning import split_pages
from assistant.ingest.structure import build_sections

from .conftest import REFERENCE


def _sections():
    return build_sections(split_pages(REFERENCE.read_text(encoding="utf-8")), "Note")


def test_reference_note_has_intro_headings_21_days_and_closing_section():
    titles = [s.title for s in _sections()]
    days = [t for t in titles if " jour – " in t]
    assert len(days) == 21
    assert days[0] == "1er jour – La diversité des modèles"
    assert "3e jour – Les 3 leviers du modèle socio-économique" in titles
    assert "21e jour – ODD & hybridation des modèles socio-économiques" in titles
    assert titles[0] == "Contexte & objectifs de la note prospective"
    assert "Définition d’un concept multi-facette" in titles
    assert "Spécificités des modèles socio-économiques d’intérêt général" in titles
    assert titles[-1] == "Pour aller plus loin"


def test_reference_note_is_cleaned_without_losing_content():
    sections = _sections()
    text = "\n".join(s.text for s in sections)
    assert "©" not in text and "http" not in text
    assert "richesses humaines, ressources financières et alliances stratégiques" in text
    assert "socio-économiques" in text and "socioéconomiques" not in text
    # The footer « … www.lerameau.fr  5 » carries page 5 to the definition section.
    definition = next(s for s in sections if s.title.startswith("Définition"))
    assert {p.page for p in definition.paragraphs} == {5}
    # Cover titles printed above a day heading belong to that day.
    day3 = next(s for s in sections if s.title.startswith("3e jour"))
    assert day3.paragraphs[0].text == "Les 3 leviers du modèle socio-économique"


def test_markdown_headings_are_sections():
    pages = split_pages("# Titre A\n\nTexte un.\n\n## Titre B\n\nTexte deux.\n")
    sections = build_sections(pages, "Doc", markdown=True)
    assert [(s.title, s.text) for s in sections] == [
        ("Titre A", "Texte un."),
        ("Titre B", "Texte deux."),
    ]
