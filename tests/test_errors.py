"""One error base: every project exception derives from ``AssistantError``, caught once."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from click.testing import CliRunner

import assistant
from assistant.cli import main
from assistant.errors import AssistantError

PACKAGE = Path(assistant.__file__).resolve().parent


def _exception_classes() -> dict[str, type]:
    """Every exception class defined in the package, found in the source and imported from
    its module (only modules that define one are imported: the chat's entry module builds
    the app when it is run)."""
    found: dict[str, type] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        if not names:
            continue
        module = ".".join(("assistant", *path.relative_to(PACKAGE).with_suffix("").parts))
        loaded = importlib.import_module(module.removesuffix(".__init__"))
        for name in names:
            cls = getattr(loaded, name)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                found[f"{module}.{name}"] = cls
    return found


def test_every_project_exception_derives_from_the_base():
    classes = _exception_classes()
    assert len(classes) >= 14, classes  # the scan found the classes (AnswerError, StoreError…)
    wrong = [name for name, cls in classes.items() if not issubclass(cls, AssistantError)]
    assert not wrong, f"derive these from AssistantError (assistant/errors.py): {wrong}"


def test_the_cli_turns_any_project_error_into_one_line(monkeypatch, tmp_path):
    from assistant.ingest import indexing

    class Odd(AssistantError):
        pass

    def fail(*_args, **_kwargs):
        raise Odd("Quelque chose d'attendu a échoué / expected failure")

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(indexing, "ingest", fail)
    result = CliRunner().invoke(main, ["ingest", "-q"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: Quelque chose d'attendu a échoué / expected failure"


def test_only_messages_written_for_the_user_are_public():
    from assistant.answer.answering import AnswerError
    from assistant.backends.store import StoreError
    from assistant.chat.uploads import UploadRejected

    assert AnswerError.public and UploadRejected.public
    assert not StoreError.public  # carries paths and host names: for the log only
    assert issubclass(AnswerError, ValueError) and issubclass(StoreError, RuntimeError)
