"""Where the package finds its own files and puts its data (see README « How it works »)."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.answer.prompts import variables
from assistant.resources import chat_app_root, chat_assets, prompts_dir, shipped_corpus
from assistant.settings import Settings
from harness.processes import ROOT

NOTE = "rameau-hybridation-modeles-socio-economiques-2019.txt"


def _settings() -> Settings:
    return Settings(_env_file=None)


def test_shipped_files_are_found_through_the_package():
    assert (shipped_corpus() / NOTE).is_file() and (shipped_corpus() / "README.md").is_file()
    assert variables((prompts_dir() / "user.fr.md").read_text("utf-8")) >= {"question"}
    assert (chat_assets() / "config.toml").is_file()


def test_a_project_folder_keeps_its_corpus_and_data(tmp_path, monkeypatch):
    (tmp_path / "corpus").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = _settings()
    assert settings.corpus_dir == tmp_path / "corpus"
    assert settings.data_dir == tmp_path / ".assistant-data"
    assert settings.prompts_dir == prompts_dir()


def test_elsewhere_the_shipped_note_and_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    settings = _settings()
    assert settings.corpus_dir == shipped_corpus()
    assert settings.data_dir == tmp_path / "xdg" / "assistant-rameau"
    assert not (tmp_path / ".assistant-data").exists()  # nothing scattered in the folder
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "ici"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "docs"))
    assert (_settings().data_dir, _settings().corpus_dir) == (tmp_path / "ici", tmp_path / "docs")


def test_the_chat_app_root_has_chainlit_s_layout_and_is_kept_in_step(tmp_path):
    root = chat_app_root(tmp_path)
    assert root == tmp_path / "chat-app"
    for path in (
        ".chainlit/config.toml",
        ".chainlit/translations/fr-FR.json",
        "public/fonts/inter.css",
        "public/icons/leader.svg",
        "chainlit.md",
        "chainlit_fr-FR.md",
    ):
        assert (root / path).is_file(), path
    config = root / ".chainlit" / "config.toml"
    assert config.read_bytes() == (chat_assets() / "config.toml").read_bytes()
    config.write_text("# changed by hand\n", encoding="utf-8")
    chat_app_root(tmp_path)
    assert config.read_bytes() == (chat_assets() / "config.toml").read_bytes()  # restored
    assert not list(root.rglob("*.tmp"))


def _tree(folder) -> dict[str, bytes]:
    found = {}
    for parent, _dirs, names in os.walk(folder, followlinks=True):
        for name in names:
            path = Path(parent) / name
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def test_the_top_level_files_are_the_source_the_package_ships():
    """``prompts/``, ``corpus/``, ``chainlit*.md``, ``.chainlit/`` and ``public/`` live at the
    project's top level; the package reaches them through links (the wheel copies them)."""
    assert prompts_dir().resolve() == ROOT / "prompts"
    assert shipped_corpus() == ROOT / "corpus"
    chat = chat_assets()
    for name, source in {
        "config.toml": ".chainlit/config.toml",
        "translations": ".chainlit/translations",
        "public": "public",
        "chainlit.md": "chainlit.md",
        "chainlit_fr-FR.md": "chainlit_fr-FR.md",
    }.items():
        assert (chat / name).is_symlink() and (chat / name).resolve() == ROOT / source, name
    assert {p.name for p in chat.iterdir()} == {
        "config.toml", "translations", "public", "chainlit.md", "chainlit_fr-FR.md",
    }  # fmt: skip


def test_assistant_chat_s_app_root_is_the_project_root_s_chainlit_layout(tmp_path):
    """``assistant chat`` serves a copy of exactly what ``chainlit run`` reads at the root."""
    root = chat_app_root(tmp_path)
    expected = {
        **{f".chainlit/{k}": v for k, v in _tree(ROOT / ".chainlit").items()},
        **{f"public/{k}": v for k, v in _tree(ROOT / "public").items()},
        "chainlit.md": (ROOT / "chainlit.md").read_bytes(),
        "chainlit_fr-FR.md": (ROOT / "chainlit_fr-FR.md").read_bytes(),
    }
    expected = {k: v for k, v in expected.items() if not k.endswith(".bak")}
    assert _tree(root) == expected
