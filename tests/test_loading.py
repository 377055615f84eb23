import pytest

from assistant.ingest.chunking import MAX_BLOCK, chunk_sections
from assistant.ingest.loading import LoadError, discover, load

from .conftest import CORPUS, REFERENCE
from .pdfs import make_blank_pdf, make_pdf


def _load(path):
    files = list(discover([path]))
    assert len(files) == 1
    return load(files[0])


def test_pdf_pages_keep_their_numbers_and_headings(tmp_path):
    pdf = make_pdf(
        tmp_path / "guide.pdf",
        [
            ["GUIDE DU FINANCEMENT ASSOCIATIF", "Le mecenat represente 5 % des ressources."],
            ["LES PARTENARIATS", "Les alliances strategiques renforcent le projet associatif."],
        ],
    )
    document = _load(pdf)
    titles = [s.title for s in document.sections]
    assert titles == ["Guide du financement associatif", "Les partenariats"]
    pages = {p.page for s in document.sections for p in s.paragraphs}
    assert pages == {1, 2}
    chunks = chunk_sections(document.sections, "guide.pdf", "k")
    assert [(c.section, c.page) for c in chunks] == [
        ("Guide du financement associatif", 1),
        ("Les partenariats", 2),
    ]


def test_encrypted_pdf_with_empty_password_is_read(tmp_path):
    pdf = make_pdf(tmp_path / "open.pdf", [["Texte lisible malgre le chiffrement."]], "")
    document = _load(pdf)
    assert "Texte lisible" in document.sections[0].text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("vide.txt", b"", "vide"),
        ("faux.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("binaire.txt", b"\x00\x01\x02\x03binary", "binaire"),
    ],
)
def test_bad_files_raise_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        _load(path)


def test_password_protected_and_scanned_pdfs_are_refused(tmp_path):
    locked = make_pdf(tmp_path / "locked.pdf", [["Secret."]], user_password="motdepasse")
    with pytest.raises(LoadError, match="mot de passe"):
        _load(locked)
    with pytest.raises(LoadError, match="couche texte"):
        _load(make_blank_pdf(tmp_path / "scan.pdf"))


def test_windows_1252_text_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "ancien.txt"
    path.write_bytes("Les bénévoles de l'été.".encode("cp1252"))
    document = _load(path)
    assert "bénévoles" in document.sections[0].text
    assert document.warnings


def test_reference_note_chunks_carry_section_and_never_straddle():
    files = [f for f in discover([CORPUS]) if f.path == REFERENCE]
    document = load(files[0])
    chunks = chunk_sections(document.sections, files[0].source, files[0].key, 900, 150)
    # A lead-in and its list, or a passage carrying the sentence its first one leans on,
    # may pass the chunk size, never MAX_BLOCK times it.
    assert all(len(c.text) <= 900 * MAX_BLOCK for c in chunks)
    titles = {s.title for s in document.sections}
    assert {c.section for c in chunks} == titles
    for section in document.sections:
        for chunk in (c for c in chunks if c.section == section.title):
            assert chunk.text.split("\n")[0][:40] in section.text
    assert len({c.id for c in chunks}) == len(chunks)
    # Ids derive from content: the same input gives the same ids.
    again = chunk_sections(document.sections, files[0].source, files[0].key, 900, 150)
    assert [c.id for c in again] == [c.id for c in chunks]
