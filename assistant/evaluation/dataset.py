"""Load and validate an evaluation set in the eval-format.md JSON Lines format."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ..errors import AssistantError
from ..files import FileProblem, read_regular_text
from ..models import Turn
from ..safety import valid_unicode


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


MAX_SET_BYTES = 64 * 1024 * 1024


def load_set(path: Path) -> list[Case]:
    """The cases of ``path``: a regular file under a bound, each line a case, every text
    valid Unicode (a lone surrogate from a JSON escape becomes U+FFFD here, as at the
    question boundary: it once crashed report.html after the whole run)."""
    path = Path(path)
    try:
        text = read_regular_text(path, MAX_SET_BYTES, "Jeu d'évaluation --set")
    except FileNotFoundError:
        raise EvalSetError(f"Jeu d'évaluation introuvable : {path}") from None
    except FileProblem as exc:
        raise EvalSetError(str(exc)) from None
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = Case.model_validate(_valid_texts(json.loads(line)))
        except RecursionError:
            raise EvalSetError(f"{path}:{number} : cas invalide (JSON trop imbriqué)") from None
        except (json.JSONDecodeError, ValidationError) as exc:
            reason = " ".join(str(exc).split())[:300]
            raise EvalSetError(f"{path}:{number} : cas invalide ({reason})") from None
        if case.id in seen:
            raise EvalSetError(f"{path}:{number} : identifiant en double « {case.id} »")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise EvalSetError(f"{path} ne contient aucun cas")
    return cases


def _valid_texts(value):
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, list):
        return [_valid_texts(item) for item in value]
    if isinstance(value, dict):
        return {_valid_texts(key): _valid_texts(item) for key, item in value.items()}
    return value
