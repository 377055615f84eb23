"""Load and validate an evaluation set in the eval-format.md JSON Lines format."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ..errors import AssistantError
from ..models import Turn


class EvalSetError(AssistantError, ValueError):
    pass


class Case(BaseModel):
    id: str
    question: str
    history: list[Turn] = Field(default_factory=list)
    answerable: bool = True
    evidence: list[str] = Field(default_factory=list)
    key_facts: list[list[str]] = Field(default_factory=list)
    reference_answer: str | None = None
    tags: list[str] = Field(default_factory=list)


def load_set(path: Path) -> list[Case]:
    path = Path(path)
    if not path.is_file():
        raise EvalSetError(f"Jeu d'évaluation introuvable : {path}")
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = Case.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise EvalSetError(f"{path}:{number} : cas invalide ({exc})") from None
        if case.id in seen:
            raise EvalSetError(f"{path}:{number} : identifiant en double « {case.id} »")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise EvalSetError(f"{path} ne contient aucun cas")
    return cases
