"""The CLI through Click's runner: help everywhere, JSON answers, clear errors."""

import json

import click
from click.testing import CliRunner

from assistant.answer.prompts import load_prompt, variables
from assistant.cli import main
from assistant.settings import Settings


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_has_help_with_examples():
    runner = CliRunner()
    for path, command in _commands(main):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert command.help and "Exemple" in command.help, path


def test_ask_json_gives_the_levers_with_section_titles(reference_index, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    result = CliRunner().invoke(
        main, ["ask", "--json", "Quels sont les trois leviers d'un modèle socio-économique ?"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) >= {
        "question",
        "answer",
        "abstained",
        "citations",
        "retrieved",
        "latency_ms",
    }
    assert not payload["abstained"]
    assert any("3e jour" in c["section"] for c in payload["citations"])
    assert {"source", "section", "page", "quote"} <= set(payload["citations"][0])
    assert {"text", "source", "section", "page", "score"} <= set(payload["retrieved"][0])


def test_errors_are_one_line_without_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "d"))
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(tmp_path / "absent")])
    assert result.exit_code != 0
    assert "introuvable" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("ASSISTANT_TOP_K", "abc")
    result = runner.invoke(main, ["ask", "question"])
    assert result.exit_code != 0 and "ASSISTANT_TOP_K" in result.output
    monkeypatch.delenv("ASSISTANT_TOP_K")
    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", "9")
    result = runner.invoke(main, ["ask", "question"])
    assert result.exit_code != 0 and "Chroma" in result.output
    assert "Traceback" not in result.output


def test_ingest_reports_a_summary(tmp_path, small_corpus, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "d"))
    result = CliRunner().invoke(main, ["ingest", "-q", str(small_corpus)])
    assert result.exit_code == 0, result.output
    assert "2 ajouté(s)" in result.output


def test_prompts_exist_and_declare_their_variables():
    folder = Settings(_env_file=None).prompts_dir  # the shipped ones
    assert variables(load_prompt(folder, "system.fr")) == {"style"}
    assert variables(load_prompt(folder, "user.fr")) == {"passages", "history", "question"}
    for name in ("style.short.fr", "style.full.fr"):
        assert not variables(load_prompt(folder, name))
