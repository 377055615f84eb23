"""Issue 12, items 3, 6 and 7: a read command never deletes or rebuilds an index.

Each case builds a data folder with two generations — the corpus (A), then a folder added
with ``ingest PATH`` (B, the current one) — breaks it as an operator or a disk would, and
checks that ``ask`` serves a verified generation and says so, that no generation is
deleted or rebuilt, and that ``assistant index status|verify|rollback`` lets the operator
see and choose.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.backends.store import POINTER, open_store
from assistant.ingest.indexing import ingest

from .conftest import ROOT, make_settings

pytestmark = pytest.mark.slow  # CLI processes on real indexes

MINUTES = (
    "# Procès-verbal du conseil\n\n"
    "Le conseil d'administration a voté un budget prévisionnel de 987 000 euros pour le "
    "programme Zéphyrine.\n"
)
QUESTION = "Quel budget le conseil a-t-il voté pour le programme Zéphyrine ?"


def _ids(settings) -> set[str]:
    store = open_store(settings)
    try:
        return store.ids()
    finally:
        store.close()


def _generations(settings) -> list[str]:
    return sorted(p.name for p in settings.chroma_dir.iterdir() if p.name.startswith("gen-"))


@pytest.fixture
def world(tmp_path, small_corpus):
    settings = make_settings(tmp_path / "data", small_corpus)
    ingest(settings)
    first = json.loads((settings.chroma_dir / POINTER).read_text())["current"]
    extra = tmp_path / "ajouts"
    extra.mkdir()
    (extra / "proces-verbal.md").write_text(MINUTES, encoding="utf-8")
    ingest(settings, [extra])
    pointer = json.loads((settings.chroma_dir / POINTER).read_text())
    assert pointer["previous"] == first
    return {
        "settings": settings,
        "a": first,
        "b": pointer["current"],
        "all_ids": _ids(settings),
        "tmp": tmp_path,
    }


def _ask(settings, question: str = QUESTION, *args: str) -> subprocess.CompletedProcess:
    from harness.processes import clean_env

    env = clean_env(
        ASSISTANT_DATA_DIR=str(settings.data_dir), ASSISTANT_CORPUS_DIR=str(settings.corpus_dir)
    )
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", *args, question],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run_cli(settings, *args: str) -> subprocess.CompletedProcess:
    from harness.processes import clean_env

    env = clean_env(
        ASSISTANT_DATA_DIR=str(settings.data_dir), ASSISTANT_CORPUS_DIR=str(settings.corpus_dir)
    )
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _cli(settings, *args: str, monkeypatch):
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    return CliRunner().invoke(main, list(args))


def test_deleted_pointer_serves_the_newest_verified_generation(world):
    """Item 6: deleting CURRENT used to rebuild from corpus/ and delete every generation,
    losing what `ingest PATH` had added."""
    settings = world["settings"]
    (settings.chroma_dir / POINTER).unlink()
    result = _ask(settings)
    assert result.returncode == 0, result.stderr
    assert "987 000" in result.stdout and "proces-verbal.md" in result.stdout
    assert "pointeur d'index absent" in result.stderr and world["b"] in result.stderr
    assert "Traceback" not in result.stderr
    assert _generations(settings) == sorted([world["a"], world["b"]])  # nothing deleted
    assert not (settings.chroma_dir / POINTER).exists()  # a reader writes nothing
    verify = _run_cli(settings, "index", "verify")
    assert verify.returncode != 0 and "pointeur d'index absent" in verify.stdout
    assert _ids(settings) == world["all_ids"]
    # The next ingest (a writer) builds on the recovered generation: nothing added is lost.
    ingest(settings)
    assert _ids(settings) == world["all_ids"]
    assert world["b"] in _generations(settings)


def test_empty_sqlite_in_the_current_generation_is_detected(world):
    """Item 7: a 0-byte chroma.sqlite3 was written into, the corpus re-indexed, and the
    good generation deleted."""
    settings = world["settings"]
    broken = settings.chroma_dir / world["b"] / "chroma.sqlite3"
    broken.write_bytes(b"")
    result = _ask(settings, "Combien de bénévoles réguliers compte l'association ?")
    assert result.returncode == 0, result.stderr
    assert "45 bénévoles" in result.stdout
    assert "0 octet" in result.stderr and world["a"] in result.stderr
    assert broken.stat().st_size == 0  # never opened by Chroma, never written into
    assert _generations(settings) == sorted([world["a"], world["b"]])
    pointer = json.loads((settings.chroma_dir / POINTER).read_text())
    assert pointer["current"] == world["b"]  # readers do not rewrite the pointer
    # A writer starts from the verified generation and keeps the broken one (not proven
    # superseded): an operator decides.
    summary = ingest(settings)
    assert summary.generation == world["a"] and not summary.changed  # corpus unchanged
    assert world["a"] in _generations(settings) and world["b"] in _generations(settings)
    assert _ids(settings) and broken.stat().st_size == 0


def test_truncated_sqlite_falls_back_too(world):
    settings = world["settings"]
    broken = settings.chroma_dir / world["b"] / "chroma.sqlite3"
    with broken.open("r+b") as handle:
        handle.truncate(50 * 1024)
    store = open_store(settings)
    try:
        assert store.generation == world["a"] and world["b"] in (store.notice or "")
    finally:
        store.close()


@pytest.mark.parametrize("kind", ["relative", "absolute", "symlink"])
def test_pointer_outside_the_data_folder_is_not_followed(world, small_corpus, kind):
    """Item 3: a pointer naming ``../../elsewhere/chroma/gen-…`` was followed silently."""
    settings = world["settings"]
    elsewhere = make_settings(world["tmp"] / "elsewhere", world["tmp"] / "secret")
    (world["tmp"] / "secret").mkdir()
    (world["tmp"] / "secret" / "secret.md").write_text(
        "# Secret\n\nLe code du coffre de la trésorerie est Quetzalcoatl-4471.\n", "utf-8"
    )
    ingest(elsewhere)
    outside = json.loads((elsewhere.chroma_dir / POINTER).read_text())["current"]
    target = elsewhere.chroma_dir / outside
    pointer_file = settings.chroma_dir / POINTER
    pointer = json.loads(pointer_file.read_text())
    if kind == "relative":
        pointer["current"] = f"../../elsewhere/chroma/{outside}"
    elif kind == "absolute":
        pointer["current"] = str(target)
    else:  # a generation-looking name that is a link to another folder
        (settings.chroma_dir / "gen-20990101-000000-abcdef").symlink_to(target)
        pointer["current"] = "gen-20990101-000000-abcdef"
    pointer_file.write_text(json.dumps(pointer))
    store = open_store(settings)
    try:
        served_ids = store.ids()
        assert store.generation in (world["a"], world["b"])
        assert store.notice
    finally:
        store.close()
    assert served_ids and served_ids <= world["all_ids"]
    result = _ask(settings, "Quel est le code du coffre de la trésorerie ?")
    assert "Quetzalcoatl" not in result.stdout
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_index_status_verify_and_rollback(world, monkeypatch):
    settings = world["settings"]
    status = _cli(settings, "index", "status", monkeypatch=monkeypatch)
    assert status.exit_code == 0, status.output
    assert f"{world['b']} (actuelle)" in status.output
    assert f"{world['a']} (précédente)" in status.output
    verify = _cli(settings, "index", "verify", monkeypatch=monkeypatch)
    assert verify.exit_code == 0 and verify.output.count(": ok") == 2, verify.output

    rolled = _cli(settings, "index", "rollback", monkeypatch=monkeypatch)
    assert rolled.exit_code == 0, rolled.output
    pointer = json.loads((settings.chroma_dir / POINTER).read_text())
    assert (pointer["current"], pointer["previous"]) == (world["a"], world["b"])
    assert _generations(settings) == sorted([world["a"], world["b"]])
    assert _ids(settings) < world["all_ids"]  # A: before the minutes were added
    back = _cli(settings, "index", "rollback", world["b"], monkeypatch=monkeypatch)
    assert back.exit_code == 0 and _ids(settings) == world["all_ids"]

    (settings.chroma_dir / world["a"] / "chroma.sqlite3").write_bytes(b"")
    status = _cli(settings, "index", "status", monkeypatch=monkeypatch)
    assert "ILLISIBLE" in status.output and "0 octet" in status.output
    refused = _cli(settings, "index", "rollback", world["a"], monkeypatch=monkeypatch)
    assert refused.exit_code != 0 and "non rétablie" in refused.output
    assert "Traceback" not in refused.output
    unknown = _cli(settings, "index", "rollback", "../x", monkeypatch=monkeypatch)
    assert unknown.exit_code != 0 and "inconnue" in unknown.output
    (settings.chroma_dir / world["b"] / "chroma.sqlite3").write_bytes(b"")
    verify = _cli(settings, "index", "verify", monkeypatch=monkeypatch)
    assert verify.exit_code != 0 and "Traceback" not in verify.output


def test_every_generation_broken_is_one_line_and_nothing_is_rebuilt(world):
    settings = world["settings"]
    for name in (world["a"], world["b"]):
        (settings.chroma_dir / name / "chroma.sqlite3").write_bytes(b"")
    result = _ask(settings)
    assert result.returncode != 0
    assert "Aucune génération d'index vérifiée" in result.stderr
    assert "Traceback" not in result.stderr
    assert _generations(settings) == sorted([world["a"], world["b"]])


def test_a_generation_is_deleted_only_once_superseded(world, tmp_path):
    """Two more ingests: A is an ancestor of the current generation, so it goes; a
    generation outside the current one's lineage (built after a rollback) stays."""
    settings = world["settings"]
    extra = tmp_path / "ajouts"
    (extra / "autre.md").write_text("# Autre\n\nLes ateliers ont lieu le mardi.\n", "utf-8")
    ingest(settings, [extra])
    assert world["a"] not in _generations(settings)  # superseded by B, then by C
    from assistant.backends.store import rollback

    rollback(settings, world["b"])
    (extra / "troisieme.md").write_text("# Trois\n\nLa fête a lieu en juin.\n", "utf-8")
    summary = ingest(settings, [extra])
    pointer = json.loads((settings.chroma_dir / POINTER).read_text())
    assert pointer["current"] == summary.generation and pointer["previous"] == world["b"]
    assert len(_generations(settings)) == 3  # C kept: never superseded by D


def test_unfinished_builds_are_still_swept(world):
    settings = world["settings"]
    leftover = settings.chroma_dir / "gen-20000101-000000-abcdef"
    leftover.mkdir()
    (leftover / "chroma.sqlite3").write_bytes(b"")
    ingest(settings, [Path(world["tmp"]) / "ajouts"])  # unchanged: sweeps only
    assert not leftover.exists()
