"""End-to-end: the real chat server, driven in Debian's Chromium (headless) by Playwright.

One server per session (local single-user mode, extractive answers, the reference
corpus). Screenshots go to ``test-artifacts/`` (kept by CI). Skipped, with the reason,
when Chromium or Playwright is missing; never ``playwright install``.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.chat import chromium_missing, shots_on_failure, start_chat
from harness.processes import ARTIFACTS, ROOT

pytestmark = [
    pytest.mark.slow,  # the chat server driven by Chromium
    pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or ""),
]

QUESTION = "Quels sont les trois leviers d'un modèle socio-économique ?"


@pytest.fixture(scope="module")
def server(chat_server):
    return chat_server


@pytest.fixture(scope="module")
def chainlit_run(reference_index, tmp_path_factory):
    """``chainlit run assistant/chat/app.py`` from the project root, as docs/chat.md says:
    Chainlit's own launcher, its app root the current folder (no CHAINLIT_APP_ROOT)."""
    data = shutil.copytree(reference_index.data_dir, tmp_path_factory.mktemp("run") / "data")
    server = start_chat(
        ARTIFACTS / "chainlit-run-server.log",
        command=[sys.executable, "-m", "chainlit"],
        arguments=("run", "assistant/chat/app.py", "--headless"),
        cwd=ROOT,
        ASSISTANT_DATA_DIR=str(data),
    )
    yield server
    server.stop()


class PageWatch:
    """Every host the page contacts and every CSP violation it reports."""

    def __init__(self, page) -> None:
        self.page = page
        self.hosts: set[str] = set()
        self.paths: set[str] = set()
        self.csp: list[str] = []
        self.session_started = False
        page.on("request", self.request)
        page.on("websocket", self.websocket)
        page.on(
            "console",
            lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def request(self, request) -> None:
        url = urlsplit(request.url)
        self.hosts.add(url.hostname or request.url)
        self.paths.add(url.path)

    def websocket(self, socket) -> None:
        def received(payload) -> None:
            if "on_chat_start" in str(payload):
                self.session_started = True

        socket.on("framereceived", received)

    def wait_session(self, timeout_s: float = 30.0) -> None:
        """Wait for the chat session (uploads need it; the page shows before it exists)."""
        deadline = time.monotonic() + timeout_s
        while not self.session_started:
            assert time.monotonic() < deadline, "no chat session"
            self.page.wait_for_timeout(50)


def _wait_enabled(page, selector: str, timeout_s: float = 30.0) -> None:
    """Wait for a button to be enabled (the page's CSP forbids wait_for_function)."""
    deadline = time.monotonic() + timeout_s
    while page.locator(selector).is_disabled():
        assert time.monotonic() < deadline, f"{selector} still disabled"
        page.wait_for_timeout(100)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"chat-{name}.png"), full_page=False)


def db_rows(data_dir: Path, query: str, *args) -> list[tuple]:
    with sqlite3.connect(data_dir / "chat.db") as db:
        return db.execute(query, args).fetchall()


def wait_for_rows(data_dir: Path, query: str, *args, timeout_s: float = 10.0) -> list[tuple]:
    deadline = time.monotonic() + timeout_s
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        rows = db_rows(data_dir, query, *args)
        if rows:
            return rows
        time.sleep(0.2)
    return rows


def test_starter_cited_answer_feedback_and_history(server, browser):
    page = browser.new_page()
    with shots_on_failure(page, "flow"):
        watch = PageWatch(page)

        # 1. The French welcome and the starters.
        page.goto(server.url)
        page.get_by_text("Bienvenue !").wait_for()
        starter = page.locator("#starter-les-3-leviers")
        starter.wait_for()
        assert page.locator("#starters button").count() >= 4
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert any(p.startswith("/public/fonts/inter-latin") for p in watch.paths), watch.paths
        shot(page, "01-welcome")

        # 2. A starter: the answer streams in, then gets its citation links.
        starter.click()
        assistant = page.locator('[data-step-type="assistant_message"]').last
        assistant.get_by_text("D'après le corpus").wait_for()
        citation = assistant.locator(".element-link", has_text="[1]").first
        citation.wait_for()
        assert page.locator('[data-step-type="user_message"]').last.inner_text().strip() == QUESTION
        assert "Sources" in assistant.inner_text()
        shot(page, "02-answer")

        # 3. A citation opens the exact passage with its section and document (the side
        # panel Chainlit opens by itself on new elements is closed by the app first).
        page.locator("#side-view-title").wait_for(state="detached", timeout=10_000)
        citation.click()
        assert page.locator("#side-view-title").inner_text().strip() == "[1]"
        panel = page.locator("#side-view-content")
        panel.get_by_text("Passage complet").wait_for()
        text = panel.inner_text()
        assert "Section" in text and "Document" in text
        assert "rameau-hybridation-modeles-socio-economiques-2019.txt" in text
        assert "levier" in text.lower()
        page.wait_for_timeout(500)
        shot(page, "03-citation")

        # 4. Thumbs up with a comment, persisted in the database.
        assistant.hover()
        assistant.locator(".positive-feedback-off").click()
        page.get_by_role("dialog").locator("textarea").fill("Test E2E : réponse utile")
        page.locator("#submit-feedback").click()
        assistant.locator(".positive-feedback-on").wait_for()
        rows = wait_for_rows(
            server.data_dir,
            "SELECT value, comment FROM feedbacks WHERE comment = ?",
            "Test E2E : réponse utile",
        )
        assert rows == [(1, "Test E2E : réponse utile")]
        shot(page, "04-feedback")

        # 5. Reload: the conversation is in the history and its sources still open.
        page.wait_for_url("**/thread/**")
        page.reload()
        history = page.locator("#thread-history")
        history.get_by_text(QUESTION[:20]).first.wait_for()
        resumed = page.locator('[data-step-type="assistant_message"]').first
        resumed.get_by_text("D'après le corpus").wait_for()
        page.wait_for_timeout(2_000)  # the app closes the panel opened for the resumed elements
        page.locator("#side-view-title").wait_for(state="detached", timeout=10_000)
        resumed.locator(".element-link", has_text="[1]").first.click()
        page.locator("#side-view-content").get_by_text("Passage complet").wait_for()
        page.wait_for_timeout(500)
        shot(page, "05-history")

        # 6. A follow-up in the reopened conversation is answered from the corpus.
        page.locator("#chat-input").fill("Et les alliances stratégiques, à quoi servent-elles ?")
        page.keyboard.press("Enter")
        follow_up = page.locator('[data-step-type="assistant_message"]').nth(1)
        follow_up.locator(".element-link").first.wait_for()
        assert "Sources" in follow_up.inner_text()

        # 7. Export of the conversation as Markdown.
        page.get_by_text("Exporter la conversation (Markdown)").first.click()
        page.get_by_text("Voici la conversation exportée").wait_for()
        page.get_by_text("conversation-rameau-").first.wait_for()

        # No outside host, no blocked resource.
        assert watch.hosts <= {"127.0.0.1", "localhost"}, watch.hosts
        assert not watch.csp, watch.csp


def test_upload_is_indexed_and_cited(server, browser, tmp_path):
    note = tmp_path / "atelier-financement.md"
    note.write_text(
        "# Atelier financement participatif\n\n"
        "Le financement participatif de l'association des Jardins de Lomme a réuni "
        "4 812 donateurs en 2021 pour rénover la serre pédagogique.\n",
        encoding="utf-8",
    )
    page = browser.new_page()
    watch = PageWatch(page)
    with shots_on_failure(page, "upload"):
        page.goto(server.url)
        page.locator("#starter-les-3-leviers").wait_for()
        watch.wait_session()
        page.locator('input[type="file"]').first.set_input_files(str(note))
        page.get_by_text("atelier-financement.md").first.wait_for()
        composer = page.locator("#chat-input")
        composer.fill(
            "Combien de donateurs a réunis le financement participatif des Jardins de Lomme ?"
        )
        submit = page.locator("#chat-submit")
        submit.wait_for()
        _wait_enabled(page, "#chat-submit")  # enabled once the file is uploaded
        submit.click()

        page.get_by_text("Document ajouté").wait_for(timeout=60_000)
        answer = page.locator('[data-step-type="assistant_message"]').last
        answer.get_by_text("4 812").wait_for(timeout=30_000)
        answer.locator(".element-link").first.wait_for()
        assert "atelier-financement.md" in answer.inner_text()
        shot(page, "06-upload")
        assert (server.data_dir / "uploads" / "atelier-financement.md").is_file()


def _face(browser, url: str, name: str) -> dict:
    """What a visitor sees of the app: its name, language, style sheets, welcome, starters."""
    page = browser.new_page()
    with shots_on_failure(page, name):
        page.goto(url)
        page.locator("#starters button").first.wait_for()
        page.get_by_text("Bienvenue !").wait_for()
        face = {
            "title": page.title(),
            "lang": page.evaluate("document.documentElement.lang"),
            "css": sorted(
                urlsplit(href).path
                for href in page.evaluate(
                    "[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)"
                )
                if "/public/" in href
            ),
            "starters": page.evaluate(
                "[...document.querySelectorAll('#starters button')].map(b => b.id)"
            ),
            "accent": page.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--primary')"
            ),
        }
    page.close()
    return face


def test_chainlit_run_from_the_root_serves_the_same_app_as_assistant_chat(
    server, chainlit_run, browser
):
    """The top-level ``.chainlit/``, ``public/`` and ``chainlit*.md`` are the app's: run by
    Chainlit from the checkout or by ``assistant chat`` (its copy in the data folder), the
    same name, language, style sheets, welcome and starters — not Chainlit's defaults."""
    ours = _face(browser, server.url, "face-assistant-chat")
    theirs = _face(browser, chainlit_run.url, "face-chainlit-run")
    assert ours["title"] == "Assistant RAMEAU" and ours["lang"] == "fr"
    assert "/public/assistant.css" in ours["css"] and ours["starters"], ours
    assert theirs == ours
