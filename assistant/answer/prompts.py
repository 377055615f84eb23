"""Prompt templates are files (the top-level ``prompts/`` by default, shipped in the
package); this loads them by name and fills them."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from ..errors import AssistantError


class PromptError(AssistantError, RuntimeError):
    pass


@lru_cache(maxsize=64)
def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_prompt(prompts_dir: Path, name: str) -> str:
    path = Path(prompts_dir) / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"Prompt introuvable : {path}")
    return _read(str(path))


def variables(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def render(prompts_dir: Path, name: str, **values: str) -> str:
    template = load_prompt(prompts_dir, name)
    missing = variables(template) - set(values)
    if missing:
        raise PromptError(f"Variables manquantes pour {name}: {sorted(missing)}")
    return template.format(**values)
