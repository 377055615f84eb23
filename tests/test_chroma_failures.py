"""Chroma failing under the assistant: one clear line, never a traceback, never a hang.

- a panic of chromadb's Rust bindings (a ``BaseException``, which ``except Exception``
  let through as a traceback) opening a store: the reader's error, one line;
- a Chroma server that accepts connections but never answers (stalled at start):
  Chroma's HTTP client waited forever while it was built (its requests have no timeout
  until one is set on the built client); now a clear error after the client timeout.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import pytest

from assistant.backends.store import POINTER, StoreError, open_store
from assistant.ingest.indexing import ingest
from harness.processes import clean_env

from .conftest import ROOT, make_settings
from .test_chroma_internals import break_migrations

QUESTION = "Quel était le budget total de l'association en 2018 ?"


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_clear_line(done: subprocess.CompletedProcess, *expected: str) -> None:
    assert done.returncode != 0
    err = done.stderr
    assert "Traceback" not in err and "panicked" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    for text in expected:
        assert text in err, err


def test_a_rust_panic_opening_the_store_is_one_clear_line(tmp_path, small_corpus):
    settings = make_settings(tmp_path / "data", small_corpus)
    ingest(settings)
    current = json.loads((settings.chroma_dir / POINTER).read_text())["current"]
    break_migrations(settings.chroma_dir / current)

    with pytest.raises(StoreError, match="panique de chromadb"):
        open_store(settings)
    env = {"ASSISTANT_DATA_DIR": str(settings.data_dir)}
    env["ASSISTANT_CORPUS_DIR"] = str(small_corpus)
    _one_clear_line(_cli("ask", QUESTION, **env), "panique de chromadb (Rust)", current)
    _one_clear_line(_cli("index", "verify", **env), current)


@pytest.fixture
def silent_server():
    """A port that accepts TCP connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def test_a_server_stalled_at_start_is_a_clear_error_after_the_timeout(tmp_path, silent_server):
    settings = make_settings(
        tmp_path / "data", chroma_host="127.0.0.1", chroma_port=silent_server, chroma_timeout_s=1
    )
    started = time.monotonic()
    with pytest.raises(StoreError, match="ne répond pas"):
        open_store(settings)
    assert time.monotonic() - started < 5
    done = _cli(
        "ask",
        QUESTION,
        ASSISTANT_DATA_DIR=str(tmp_path / "data"),
        ASSISTANT_CHROMA_HOST="127.0.0.1",
        ASSISTANT_CHROMA_PORT=str(silent_server),
        ASSISTANT_CHROMA_TIMEOUT_S="1",
    )
    _one_clear_line(done, "ne répond pas", f"127.0.0.1:{silent_server}")


@pytest.mark.slow  # a real `chroma run`, stopped with SIGSTOP
def test_a_stopped_chroma_run_is_a_clear_error_after_the_timeout(tmp_path, chroma_server):
    settings = make_settings(
        tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server.port,
        chroma_timeout_s=1,
    )
    open_store(settings).close()  # it answers
    chroma_server.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError, match="ne répond pas"):
            open_store(settings)
        assert time.monotonic() - started < 5
    finally:
        chroma_server.process.send_signal(signal.SIGCONT)
    open_store(settings).close()  # and answers again
