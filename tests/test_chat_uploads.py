"""A file dropped in the chat: checks with French messages, a place of its own, its ingest."""

from __future__ import annotations

import threading

import pytest

from assistant.chat.uploads import (
    UploadRejected,
    check_upload,
    ingest_upload,
    outcome_message,
    place_upload,
    safe_filename,
)
from tests.conftest import make_settings
from tests.pdfs import make_blank_pdf, make_pdf

LINES = [
    "Rapport d'activite 2023",
    "Le budget de l'association a atteint 250 000 euros en 2023.",
    "Les benevoles ont anime 120 ateliers dans le quartier.",
]


@pytest.fixture
def settings(tmp_path, small_corpus):
    return make_settings(tmp_path / "data", corpus_dir=small_corpus)


def test_a_pdf_with_text_passes(settings, tmp_path):
    pdf = make_pdf(tmp_path / "rapport.pdf", [LINES, ["Deuxieme page : les partenaires."]])
    checked = check_upload(pdf, "Rapport 2023.PDF", settings)
    assert checked.kind == "pdf"
    assert checked.name == "Rapport 2023.pdf"
    assert checked.pages == 2 and checked.passages >= 1


@pytest.mark.parametrize("name", ["notes.md", "notes.txt", "notes.markdown"])
def test_text_and_markdown_pass(settings, tmp_path, name):
    path = tmp_path / "upload"
    path.write_text("# Titre\n\nUne phrase utile sur le mécénat de compétences.\n", "utf-8")
    checked = check_upload(path, name, settings)
    assert checked.kind in {"markdown", "text"} and checked.passages == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tableau.xlsx", b"PK\x03\x04...", "seuls les fichiers PDF"),
        ("script.html", b"<script>alert(1)</script>", "seuls les fichiers PDF"),
        ("image.png", b"\x89PNG\r\n", "seuls les fichiers PDF"),
        ("vide.txt", b"", "est vide"),
        ("faux.pdf", b"Ceci n'est pas un PDF, juste du texte.", "n'est pas un PDF"),
        ("binaire.txt", b"abc\x00\x01\x02def" * 10, "contenu binaire"),
        ("deguise.md", b"%PDF-1.7\n...", "contenu binaire"),
        ("corrompu.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", "ne peut pas être indexé"),
    ],
)
def test_rejections_say_why_in_french(settings, tmp_path, name, content, reason):
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(UploadRejected) as caught:
        check_upload(path, name, settings)
    message = str(caught.value)
    assert reason in message
    assert " / " not in message  # the French half only


def test_scanned_pdf_without_text_layer_is_rejected(settings, tmp_path):
    pdf = make_blank_pdf(tmp_path / "scan.pdf")
    with pytest.raises(UploadRejected, match="sans couche texte"):
        check_upload(pdf, "scan.pdf", settings)


def test_password_protected_pdf_is_rejected(settings, tmp_path):
    pdf = make_pdf(tmp_path / "secret.pdf", [LINES], user_password="motdepasse")
    with pytest.raises(UploadRejected, match=r"mot de passe|chiffré"):
        check_upload(pdf, "secret.pdf", settings)


def test_size_limit_follows_the_setting(tmp_path, small_corpus):
    settings = make_settings(tmp_path / "data", corpus_dir=small_corpus, max_upload_mb=0.001)
    path = tmp_path / "gros.txt"
    path.write_text("mot " * 1000, "utf-8")
    with pytest.raises(UploadRejected, match=r"trop volumineux.*limite est de 0\.001 Mo"):
        check_upload(path, "gros.txt", settings)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\moi\\note.MD", "note.md"),
        ("..hidden.txt", "hidden.txt"),
        ("a\x00b<c>|d.pdf", "abcd.pdf"),
        ("", "document"),
        ("x" * 300 + ".txt", "x" * 120 + ".txt"),
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given) == expected


def test_placement_never_replaces_a_corpus_file_or_another_upload(settings, tmp_path):
    first = tmp_path / "a.md"
    first.write_text("# Budget\n\nUn premier contenu sur le budget participatif.\n", "utf-8")
    checked = check_upload(first, "budget.md", settings)  # same name as a corpus file
    placed, existed = place_upload(checked, settings)
    assert placed.name == "budget-2.md" and not existed
    again, existed = place_upload(checked, settings)
    assert again == placed and existed
    second = tmp_path / "b.md"
    second.write_text("# Budget\n\nUn autre contenu, différent du premier.\n", "utf-8")
    other, _ = place_upload(check_upload(second, "budget.md", settings), settings)
    assert other.name == "budget-3.md"
    assert (settings.corpus_dir / "budget.md").read_text("utf-8").startswith("# Budget de")


def test_ingest_adds_only_the_upload(settings, tmp_path):
    from assistant.answer.answering import Assistant

    assistant = Assistant(settings)
    assistant.ensure_index()
    before = {c.id for c in assistant.store.all_chunks()}
    note = tmp_path / "note.md"
    note.write_text(
        "# Atelier\n\nLa ressourcerie du quartier a collecté 18 tonnes d'objets en 2022.\n",
        "utf-8",
    )
    checked = check_upload(note, "atelier.md", settings)
    placed, _ = place_upload(checked, settings)
    summary = ingest_upload(placed, settings, assistant, threading.Lock())
    after = {c.id for c in assistant.store.all_chunks()}
    assert before < after and not summary.removed and not summary.updated
    assert outcome_message(checked, placed, summary).startswith("« atelier.md » : 1 section")
    answer = assistant.answer("Combien de tonnes la ressourcerie a-t-elle collectées ?")
    assert {c.source for c in answer.citations} == {"atelier.md"}
    again = ingest_upload(placed, settings, assistant, threading.Lock())
    assert "déjà indexé" in outcome_message(checked, placed, again)


def test_a_copy_of_a_corpus_file_is_reported_as_a_duplicate(settings, tmp_path):
    from assistant.answer.answering import Assistant

    assistant = Assistant(settings)
    assistant.ensure_index()
    copy = tmp_path / "copie.txt"
    copy.write_bytes((settings.corpus_dir / "gouvernance.txt").read_bytes())
    checked = check_upload(copy, "copie.txt", settings)
    placed, _ = place_upload(checked, settings)
    summary = ingest_upload(placed, settings, assistant, threading.Lock())
    message = outcome_message(checked, placed, summary)
    assert "n'a pas été ajouté" in message and "doublon" in message


def test_ingest_with_progress_reports_and_returns_the_summary(settings, tmp_path):
    import asyncio

    from assistant.answer.answering import Assistant
    from assistant.chat.runtime import ChatRuntime
    from assistant.chat.storage import LocalStorageClient
    from assistant.chat.uploads import ingest_with_progress

    assistant = Assistant(settings)
    runtime = ChatRuntime(
        settings, LocalStorageClient(tmp_path / "files", "k" * 48), lambda _: assistant
    )
    note = tmp_path / "n.md"
    note.write_text("# Note\n\n" + "Une phrase sur les alliances territoriales. " * 200, "utf-8")
    checked = check_upload(note, "note.md", settings)
    placed, _ = place_upload(checked, settings)
    reports: list[tuple[int, int]] = []

    async def report(done, total, seconds):
        reports.append((done, total))

    summary = asyncio.run(ingest_with_progress(runtime, checked, placed, report, 0.001))
    runtime.close()
    assert summary.added == ["note.md"]
    assert all(0 <= done <= total == checked.passages for done, total in reports)
