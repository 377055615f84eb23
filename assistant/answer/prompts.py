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


# The answer prompt's variables: the system prompt takes the style, the user prompt the rest.
_SYSTEM_VARIABLES = {"style"}
_USER_VARIABLES = {"passages", "history", "question"}


def answer_prompt(prompts_dir: Path, detail: str = "short"):
    """The answer prompt as a LangChain ``ChatPromptTemplate`` (system + user, from
    ``system.fr.md``, ``style.<short|full>.fr.md`` and ``user.fr.md``), its style filled:
    it takes ``passages``, ``history`` and ``question``. Same messages as :func:`render`
    would write (both are ``str.format`` templates)."""
    from langchain_core.prompts import ChatPromptTemplate

    style = load_prompt(prompts_dir, f"style.{'full' if detail == 'full' else 'short'}.fr")
    system = load_prompt(prompts_dir, "system.fr")
    user = load_prompt(prompts_dir, "user.fr")
    for name, template, allowed in (
        ("system.fr", system, _SYSTEM_VARIABLES),
        ("user.fr", user, _USER_VARIABLES),
    ):
        unknown = variables(template) - allowed
        if unknown:
            raise PromptError(f"Variables inconnues dans {name}: {sorted(unknown)}")
    prompt = ChatPromptTemplate.from_messages([("system", system), ("human", user)])
    return prompt.partial(style=style.strip()) if "style" in variables(system) else prompt
