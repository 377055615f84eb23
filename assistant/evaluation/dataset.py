"""Load and validate an evaluation set in the eval-format.md JSON Lines format."""

from __future__ import annotations

import hashlib
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


# Two fixed halves of any set, to tune on one and check on the other (issue 18). A case's
# half follows from its id alone, so adding cases never moves an old case to the other half.
HALVES = ("tune", "check")


def half_of(case_id: str) -> str:
    """« tune » or « check »: the parity of the first byte of SHA-256(id, UTF-8)."""
    return HALVES[hashlib.sha256(case_id.encode("utf-8")).digest()[0] % 2]


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
