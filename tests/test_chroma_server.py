"""Scale-out: the same code against a real ``chroma run`` started here on loopback.

Ingest (generation collections switched through a pointer collection), answer from the CLI,
an ingest killed mid-build (the served collection is untouched, the next run converges and
sweeps the unfinished one), the server going down (a fast, one-line error and exit ≠ 0,
no traceback) and coming back (the same long-lived reader answers again).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from assistant.backends.store import StoreError, open_store
from assistant.backends.store.server import pointer_name
from assistant.ingest.indexing import ingest
from harness.processes import clean_env

from .conftest import ROOT, make_settings

pytestmark = pytest.mark.slow  # a real `chroma run` server, stopped and restarted

QUESTION = "Quel était le budget total de l'association en 2018 ?"


@pytest.fixture(scope="module")
def server(chroma_server):
    return chroma_server


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server-corpus")
    (folder / "budget.md").write_text(
        "# Budget\n\nEn 2018, le budget total de l'association a atteint 310 000 euros.\n",
        encoding="utf-8",
    )
    (folder / "benevolat.md").write_text(
        "# Bénévolat\n\nL'association compte 45 bénévoles réguliers le samedi.\n",
        encoding="utf-8",
    )
    return folder


def _settings(tmp_path, corpus, server, **extra):
    return make_settings(
        tmp_path / "local",
        corpus,
        chroma_host="127.0.0.1",
        chroma_port=server.port,
        chroma_timeout_s=2,
        **extra,
    )


def _env(settings) -> dict[str, str]:
    return clean_env(
        ASSISTANT_DATA_DIR=str(settings.data_dir),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        ASSISTANT_CHROMA_HOST="127.0.0.1",
        ASSISTANT_CHROMA_PORT=str(settings.chroma_port),
        ASSISTANT_CHROMA_TIMEOUT_S="2",
        ASSISTANT_COLLECTION=settings.collection,
    )


def _cli(settings, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env={**_env(settings), **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_ingest_and_answer_through_the_server(server, corpus, tmp_path):
    settings = _settings(tmp_path, corpus, server, collection="srv1")
    first = ingest(settings)
    assert sorted(first.added) == ["benevolat.md", "budget.md"]
    assert not (tmp_path / "local" / "chroma").exists()  # nothing written locally
    again = ingest(settings)
    assert not again.changed and again.generation == first.generation
    done = _cli(settings, "ask", QUESTION)
    assert done.returncode == 0, done.stderr
    assert "310 000" in done.stdout

    store = open_store(settings)
    names = {c.name for c in store.client.list_collections()}
    assert pointer_name(store.name) in names and first.generation in names
    # Two more versions: the oldest generation collection is swept, the previous is kept.
    (corpus / "budget.md").write_text(
        "# Budget\n\nEn 2018, le budget total de l'association a atteint 310 000 euros.\n\n"
        "Le mécénat en représente un tiers.\n",
        encoding="utf-8",
    )
    second = ingest(settings)
    assert second.updated == ["budget.md"]
    (corpus / "nouveau.md").write_text("# Nouveau\n\nUne fête a lieu en juin.\n", "utf-8")
    third = ingest(settings)
    assert third.added == ["nouveau.md"]
    names = {c.name for c in store.client.list_collections()}
    assert {second.generation, third.generation} <= names
    assert first.generation not in names
    time.sleep(1.1)  # past the reader's pointer cache
    assert store.count() == third.chunks_total
    assert store.generation == third.generation  # the reader followed the pointer
    (corpus / "nouveau.md").unlink()


def test_counting_the_served_generation_costs_no_request(server, corpus, tmp_path, monkeypatch):
    """A sheet or an answer checks the index's size dozens of times (is it still fresh?);
    on a server each count was a request. The pointer carries the verified size of the
    generation it names, and a generation is never written after the switch: the size comes
    from the pointer read. Shown with the server stopped inside the reader's pointer window
    (widened here): the count still answers, and equals the collection's own count."""
    from assistant.backends.store import server as server_backend

    settings = _settings(tmp_path, corpus, server, collection="srv5")
    done = ingest(settings)
    store = open_store(settings)
    try:
        assert store.count() == store.collection.count() == done.chunks_total
        monkeypatch.setattr(server_backend, "SERVER_POINTER_TTL_S", 600.0)
        store.refresh(force=True)
        server.stop(signal.SIGKILL)
        try:
            assert store.count() == done.chunks_total
        finally:
            server.start()
    finally:
        store.close()


def test_a_killed_server_mode_ingest_leaves_the_served_collection_intact(server, corpus, tmp_path):
    settings = _settings(tmp_path, corpus, server, collection="srv2")
    ingest(settings)
    store = open_store(settings)
    before, served = store.ids(), store.generation
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ajout.md").write_text("# Ajout\n\nLes adhérents votent le budget.\n", "utf-8")
    (extra / "ajout2.md").write_text("# Ajout 2\n\nLe bureau se réunit chaque mois.\n", "utf-8")
    killed = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "-q", str(extra)],
        cwd=ROOT,
        env={
            **_env(settings),
            "ASSISTANT_FAULT_KILL_AT": "chunks-written:1",
            "ASSISTANT_EMBEDDING_BATCH_SIZE": "1",
        },
        capture_output=True,
        timeout=180,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store.refresh(force=True)
    assert store.generation == served and store.ids() == before
    names = {c.name for c in store.client.list_collections()}
    assert len([n for n in names if n.startswith("srv2-")]) == 3  # served, pointer, unfinished
    summary = ingest(settings, [extra])
    assert sorted(summary.added) == ["ajout.md", "ajout2.md"]
    names = {c.name for c in store.client.list_collections()}
    assert sorted(n for n in names if n.startswith("srv2-")) == sorted(
        [served, summary.generation, pointer_name(store.name)]
    )


def test_server_down_is_a_fast_clear_error_and_recovery_is_automatic(server, corpus, tmp_path):
    from assistant.answer.answering import Assistant

    settings = _settings(tmp_path, corpus, server, collection="srv3")
    ingest(settings)
    reader = Assistant(settings)  # a long-lived process, like the chat
    assert "310 000" in reader.answer(QUESTION).answer
    server.stop(signal.SIGKILL)
    try:
        started = time.monotonic()
        done = _cli(settings, "ask", QUESTION)
        assert done.returncode != 0
        assert "Serveur Chroma injoignable" in done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
        assert time.monotonic() - started < 30  # process start + model load, no waiting
        ingest_down = _cli(settings, "ingest", "-q")
        assert ingest_down.returncode != 0 and "Traceback" not in ingest_down.stderr
        assert "injoignable" in ingest_down.stderr
        started = time.monotonic()
        time.sleep(1.1)  # past the reader's pointer cache
        with pytest.raises(StoreError, match="injoignable"):
            reader.answer(QUESTION)
        assert time.monotonic() - started < 8
    finally:
        server.start()
    assert "310 000" in reader.answer(QUESTION).answer  # the same reader, no restart
    done = _cli(settings, "ask", QUESTION)
    assert done.returncode == 0 and "310 000" in done.stdout


def test_token_is_sent_as_a_bearer_header(server, corpus, tmp_path):
    settings = _settings(tmp_path, corpus, server, collection="srv4", chroma_token="t0k3n")
    from assistant.backends.store.chroma_internals import http_session

    store = open_store(settings)
    headers = http_session(store.client).headers
    assert headers.get("Authorization") == "Bearer t0k3n"
