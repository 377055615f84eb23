"""The limits and filters around an answer (OWASP LLM01/02/05/10; see :mod:`assistant.safety`).

What comes in — the question, the history, the number of passages asked — is bounded by
the settings; what goes out — LLM text and quotes alike — passes the output filter and
carries no secret.
"""

from __future__ import annotations

import logging

from ..errors import AssistantError
from ..models import Answer, Turn
from ..safety import Bound, redact, sanitize_output, strip_invisible, valid_unicode
from ..settings import Settings

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 6  # generous: French averages ~4 characters per token


class AnswerError(AssistantError, ValueError):
    """The question cannot be answered as asked (empty, too long…)."""

    public = True  # written for the person asking: shown as is in the chat


def check_question(
    question: str, history: list[Turn] | None, settings: Settings
) -> tuple[str, list[Turn]]:
    """The question and history as the steps read them, cleaned at the boundary."""
    # Invisible characters go, as at ingest: « bud\u200bget » is the word « budget ».
    question = strip_invisible(valid_unicode(question or "")).strip()
    if not question:
        raise AnswerError("La question est vide. / The question is empty.")
    if len(question) > settings.max_question_chars:
        raise AnswerError(
            f"Question trop longue ({len(question)} caractères, maximum "
            f"{settings.max_question_chars}) : reformulez plus brièvement. "
            "/ Question too long."
        )
    turns = [t if isinstance(t, Turn) else Turn(**t) for t in (history or [])]
    turns = [Turn(role=t.role, content=strip_invisible(valid_unicode(t.content))) for t in turns]
    return question, limit_history(turns, settings)


def safe_answer(answer: Answer, settings: Settings) -> Answer:
    """The answer as every consumer gets it: LLM text and extractive quotes go through the
    output filter (no invisible characters, remote images, unsafe links or raw HTML), and
    warnings carry no secret."""
    secrets = secrets_of(settings)
    return answer.model_copy(
        update={
            "answer": sanitize_output(answer.answer),
            "citations": [
                c.model_copy(
                    update={
                        "quote": sanitize_output(c.quote),
                        "context": sanitize_output(c.context),
                    }
                )
                for c in answer.citations
            ],
            "warnings": [sanitize_output(redact(w, secrets)) for w in answer.warnings],
        }
    )


def secrets_of(settings: Settings) -> list[str]:
    values = [settings.llm_api_key, settings.chroma_token, settings.auth_secret]
    return [v.get_secret_value() for v in values if v is not None]


def limit_history(turns: list[Turn], settings: Settings) -> list[Turn]:
    """The last ``max_history_turns`` turns, each cut to ``max_turn_chars``; a history far
    over the limits is refused rather than read."""
    most_turns = settings.max_history_received_turns
    most_chars = settings.max_history_received_chars
    if len(turns) > most_turns or any(len(t.content) > most_chars for t in turns):
        raise AnswerError(
            f"Historique trop long (au plus {most_turns} tours de "
            f"{most_chars} caractères) : seuls les {settings.max_history_turns} derniers "
            "tours servent, envoyez-les seuls. / History too long."
        )
    limit = settings.max_history_turns
    kept = turns[-limit:] if limit else []
    if len(turns) > len(kept):
        log.info("history: %d earlier turns dropped (limit %d)", len(turns) - len(kept), limit)
    return [Turn(role=t.role, content=t.content[: settings.max_turn_chars]) for t in kept]


def check_k(k: int | None, settings: Settings) -> int | None:
    if k is not None and not 1 <= k <= settings.max_passages:
        raise AnswerError(
            f"Nombre de passages demandé invalide ({k}) : entre 1 et {settings.max_passages}. "
            "/ Invalid number of passages."
        )
    return k


def output_bound(settings: Settings) -> Bound:
    """LLM output capped in characters (from ``llm_max_tokens``) and in time."""
    return Bound(
        max_chars=settings.llm_max_tokens * CHARS_PER_TOKEN,
        max_seconds=settings.llm_timeout_s * (1 + settings.llm_max_retries),
    )
