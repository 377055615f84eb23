"""Shared fixtures (this is the suite's pytest plugin): real Chroma in tmp folders, the
real reference corpus, offline models, a chat server and a Chroma server on loopback.

The processes themselves are started by the ``harness/`` package (shared with ``bench/``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from harness.chat import CHROMIUM, CHROMIUM_ARGS, start_chat
from harness.chroma import ChromaServer
from harness.postgres import PostgresServer
from harness.processes import ARTIFACTS, ROOT, use_offline_defaults

use_offline_defaults()


def pytest_configure(config):
    """Chainlit imported in-process (the chat modules' tests) reads its app root at import
    and fills it when empty: give it the shipped assets, as ``assistant chat`` does, rather
    than let it write a default ``.chainlit/`` into the checkout."""
    from assistant.resources import chat_app_root

    os.environ.setdefault("CHAINLIT_APP_ROOT", str(chat_app_root(ARTIFACTS)))


CORPUS = ROOT / "corpus"
REFERENCE = CORPUS / "rameau-hybridation-modeles-socio-economiques-2019.txt"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """Tests never read the developer's own ASSISTANT_* settings."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key, raising=False)


def make_settings(data_dir: Path, corpus_dir: Path = CORPUS, **overrides):
    from assistant.settings import Settings

    return Settings(data_dir=data_dir, corpus_dir=corpus_dir, _env_file=None, **overrides)


def corpus_of(tmp_path: Path, files: dict[str, str], **overrides):
    """Settings over a corpus of the given files (name -> text) written in
    ``tmp_path/corpus``, ingested into ``tmp_path/data``; ``overrides`` go to the settings."""
    from assistant.ingest.indexing import ingest

    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp_path / "data", folder, **overrides)
    ingest(settings)
    return settings


@pytest.fixture(scope="session")
def reference_index(tmp_path_factory):
    """The shipped corpus indexed once per test session with the default model.

    ``TESTS_REFERENCE_DATA`` names a folder to keep it in across sessions: ``.ci/run``
    runs the fast and the slow tests as two sessions of one checkout, and the second
    finds the index unchanged (~1 s instead of a 20-40 s ingest). Tests never write to it.
    """
    from assistant.ingest.indexing import ingest

    kept = os.environ.get("TESTS_REFERENCE_DATA")
    data = Path(kept) if kept else tmp_path_factory.mktemp("reference-data")
    settings = make_settings(data)
    summary = ingest(settings)
    assert summary.added or summary.unchanged, summary.render()
    return settings


@pytest.fixture(scope="session")
def reference_assistant(reference_index):
    from assistant.answer.answering import Assistant

    return Assistant(reference_index)


@pytest.fixture
def small_corpus(tmp_path):
    """A folder of small French notes the tests can edit."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "budget.md").write_text(
        "# Budget de l'association\n\n"
        "En 2006, le budget total de l'association était de 120 000 euros.\n\n"
        "En 2018, le budget total de l'association a atteint 310 000 euros grâce au mécénat.\n\n"
        "# Bénévolat\n\n"
        "L'association compte 45 bénévoles réguliers qui animent les ateliers du samedi.\n",
        encoding="utf-8",
    )
    (folder / "gouvernance.txt").write_text(
        "Le conseil d'administration se réunit quatre fois par an.\n"
        "La présidente est élue pour trois ans par l'assemblée générale.\n",
        encoding="utf-8",
    )
    return folder


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def chat_on_copy(indexed: Path, workdir: Path, name: str, **env: str):
    """A chat server on a copy of the data folder ``indexed`` (no two processes open the
    same Chroma folder); its log goes to ``test-artifacts/<name>-server.log``."""
    data_dir = copy_tree(indexed, workdir / "data")
    return start_chat(ARTIFACTS / f"{name}-server.log", ASSISTANT_DATA_DIR=str(data_dir), **env)


@pytest.fixture(scope="session")
def chat_server(reference_index, tmp_path_factory):
    """The one chat server of the session: local mode, extractive answers, the reference
    index (copied: ingesting again would cost 20-40 s)."""
    server = chat_on_copy(reference_index.data_dir, tmp_path_factory.mktemp("chat-e2e"), "e2e")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """``chroma run`` on loopback for the module (tests may stop and restart it)."""
    if not ChromaServer.available():
        pytest.skip("the chroma CLI is not installed")
    base = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(base / "store", base / "chroma.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL cluster of the session (initdb in /tmp, a free loopback port); each test
    asks it for a fresh database (``postgres_server.database()``)."""
    reason = PostgresServer.missing()
    if reason:
        pytest.skip(reason)
    server = PostgresServer(ARTIFACTS / "postgres.log").start()
    yield server
    server.stop()


@pytest.fixture()
def browser(tmp_path):
    """Chromium (Debian's) with a fresh persistent profile per test (Playwright refuses
    --user-data-dir in args), French, downloads kept for the test to open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="fr-FR",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(30_000)
        yield context
        context.close()
