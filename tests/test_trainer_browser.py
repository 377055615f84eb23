"""The trainer's session sheet in the real chat (Chromium) and its HTML in the browser.

The « Formateur·rice » profile's starter asks for the topic, the sheet streams in, and its
Word / PowerPoint / HTML / Markdown files are offered as downloads; the Word file the page
gives is opened back by python-docx. The printable HTML page is rendered and printed to
PDF by the same browser."""

from __future__ import annotations

import re

import pytest

from assistant.trainer.build import build_sheet
from assistant.trainer.pack import render
from harness.chat import chromium_missing, shots_on_failure
from harness.processes import ARTIFACTS

pytestmark = [
    pytest.mark.slow,  # the chat server driven by Chromium
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or ""),
]


def settle_on_thread(page) -> None:
    """After the first message of a conversation the page moves to ``/thread/<id>`` about
    0.1 s after the reply shows, and its message box is mounted again, empty: text typed
    in between is lost (the CI failures of this test). Type once the page is there."""
    page.wait_for_url(re.compile(r"/thread/[0-9a-f-]+"), timeout=30_000)
    page.locator("#chat-input").wait_for()


def ask_for_a_sheet(page, url: str) -> None:
    """The « Formateur·rice » profile's starter, until the chat asks for the topic and the
    page is ready for the answer."""
    page.goto(url)
    page.get_by_text("Bienvenue !").wait_for()
    page.locator("#chat-profiles").click()
    page.locator('[data-test="select-item:Formateur·rice"]').click()
    starter = page.locator('[id="starter-préparer-une-fiche-de-séance"]')
    starter.wait_for()
    starter.click()
    page.get_by_text("Sur quel thème, quel jour ou quelle section").wait_for(timeout=60_000)
    settle_on_thread(page)


def test_trainer_starter_asks_the_topic_streams_the_sheet_and_offers_files(
    chat_server, browser, tmp_path
):
    from docx import Document

    page = browser.new_page()
    with shots_on_failure(page, "trainer"):
        ask_for_a_sheet(page, chat_server.url)
        page.locator("#chat-input").fill("les alliances stratégiques")
        page.keyboard.press("Enter")
        sheet = page.locator('[data-step-type="assistant_message"]').last
        sheet.get_by_text("Fiche de séance — 14e jour").first.wait_for(timeout=60_000)
        sheet.get_by_text("Télécharger la fiche").wait_for(timeout=60_000)
        text = sheet.inner_text()
        assert "Messages clés" in text and "Chiffres clés" in text and "Références" in text
        stem = "jour-14-les-alliances-strategiques"
        link = sheet.locator(f'a[download="{stem}.docx"]')
        link.wait_for()
        for name in ("pptx", "html", "md"):
            assert sheet.locator(f'a[download="{stem}.{name}"]').count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-trainer-sheet.png"))
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / "fiche.docx"
        download.value.save_as(saved)
        document = Document(str(saved))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert "Messages clés" in headings


def test_the_topic_asked_survives_a_reconnection(chat_server, browser):
    """A network blip while the chat waits for the topic: Socket.IO reconnects, Chainlit
    clears the page's pending question (``clear_ask``), and the trainer's reply used to go
    out as an ordinary question, answered instead of giving the sheet."""
    page = browser.new_page()
    with shots_on_failure(page, "trainer-reconnect"):
        ask_for_a_sheet(page, chat_server.url)
        browser.set_offline(True)
        page.wait_for_timeout(1_500)
        with page.expect_websocket(timeout=30_000):  # the page's socket after the blip
            browser.set_offline(False)
        page.wait_for_timeout(1_000)  # the reconnection's clear_ask reaches the page
        page.locator("#chat-input").fill("12e jour")
        page.keyboard.press("Enter")
        sheet = page.locator('[data-step-type="assistant_message"]').last
        sheet.get_by_text("Fiche de séance — 12e jour").first.wait_for(timeout=60_000)


def test_printable_html_renders_in_the_browser(reference_assistant, browser, tmp_path):
    sheet = build_sheet(reference_assistant, "12e jour")
    path = tmp_path / "fiche.html"
    path.write_bytes(render(sheet, "html"))
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert page.locator("h1").inner_text().startswith("Fiche de séance — 12e jour")
    sections = page.locator("h2").all_inner_texts()
    assert "Messages clés" in sections and "Quiz" in sections and "Références" in sections
    # The figures' own table and the key messages' own list (the session plan is a table
    # too, and comes first).
    figures = page.locator("section", has=page.locator("h2", has_text="Chiffres clés"))
    assert figures.locator("table tbody tr").count() == len(sheet.figures)
    messages = page.locator("section", has=page.locator("h2", has_text="Messages clés"))
    assert messages.locator("ol > li").count() == len(sheet.key_messages)
    # Each [n] of the page leads to its reference.
    link = page.locator("a.ref").first
    marker = link.inner_text().strip("[]")
    link.click()
    assert page.evaluate("location.hash") == f"#ref-{marker}"
    assert page.locator(f"#ref-{marker}").inner_text().startswith(f"[{marker}]")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (ARTIFACTS / "trainer-sheet.pdf").write_bytes(pdf)
    assert requests == [path.as_uri()] or all(u.startswith("file:") for u in requests)
    page.screenshot(path=str(ARTIFACTS / "trainer-sheet-html.png"))
