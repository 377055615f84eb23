"""Shared fixtures: real Chroma in tmp folders, the real reference corpus, offline models."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.fixture(scope="session")
def reference_index(tmp_path_factory):
    """The shipped corpus indexed once per test session with the default model."""
    from assistant.indexing import ingest

    data = tmp_path_factory.mktemp("reference-data")
    settings = make_settings(data)
    summary = ingest(settings)
    assert summary.added, summary.render()
    return settings


@pytest.fixture(scope="session")
def reference_assistant(reference_index):
    from assistant.answering import Assistant

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
