"""The store's factory: one backend per kind, chosen from the settings, and Chroma imported
only when a client is built (the backends themselves are tested through the ingest, the
fault tests, the recovery tests and, for the server, tests/test_chroma_server.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.backends.store import StoreError, backend_of, open_store
from assistant.backends.store.embedded import EmbeddedStore

from .conftest import ROOT, make_settings


def test_the_settings_choose_the_backend(tmp_path):
    settings = make_settings(tmp_path)
    assert backend_of(settings) == "embedded"
    assert backend_of(make_settings(tmp_path, chroma_host="127.0.0.1")) == "server"
    store = open_store(settings)
    try:
        assert isinstance(store, EmbeddedStore)
        assert store.count() == 0 and store.generation is None  # first start: empty
    finally:
        store.close()


def test_a_missing_chromadb_is_said_plainly(tmp_path, monkeypatch):
    store = open_store(make_settings(tmp_path))  # nothing indexed yet: no client built
    monkeypatch.setitem(sys.modules, "chromadb", None)  # ``import chromadb`` now fails
    try:
        with pytest.raises(StoreError, match="chromadb est introuvable"):
            store.stage()
    finally:
        store.close()
    # The unfinished generation folder was given back.
    assert not [p for p in (tmp_path / "chroma").iterdir() if p.name.startswith("gen-")]


def test_importing_the_store_does_no_work():
    env = {k: v for k, v in os.environ.items() if k != "ANONYMIZED_TELEMETRY"}
    env["PYTHONPATH"] = str(ROOT)
    code = (
        "import os, sys, assistant.backends.store; "
        "print(os.environ.get('ANONYMIZED_TELEMETRY'), 'chromadb' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "False"]


def _open_files_under(folder) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_closed_reader_holds_no_file_of_its_copy(tmp_path, small_corpus):
    """A reader opens a private copy of the generation and deletes it when it moves on or
    closes: Chroma's client must let go of the copy's files (``Client.close()``, chromadb
    >= 1.5.2), or a long-lived chat keeps every deleted copy's space and descriptors."""
    from assistant.ingest.indexing import ingest

    settings = make_settings(tmp_path / "data", small_corpus)
    ingest(settings)
    store = open_store(settings)
    copy = store._copy
    assert store.count() > 0 and _open_files_under(copy)
    store.close()
    assert not copy.exists()
    assert _open_files_under(copy) == [], "Chroma's client kept the reader's copy open"
