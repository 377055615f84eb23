"""Optional LLM answering through LangChain: provider chosen by settings, streamed, bounded.

The chat model is built lazily by :func:`make_chat_model` (LangChain's ``init_chat_model``),
the prompt is :func:`.prompts.answer_prompt`, the chain :mod:`.chain`; nothing here runs unless
``ASSISTANT_LLM_PROVIDER`` is set. Markers that point to no retrieved passage are held
back while streaming and dropped, so the user never sees an invented reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import AssistantError
from ..models import RetrievedChunk, Turn
from ..settings import Settings
from .prompts import answer_prompt


class LLMError(AssistantError, RuntimeError):
    """The LLM provider failed (timeout, refused, misconfigured)."""


# ASSISTANT_LLM_PROVIDER → init_chat_model's provider name ("openai-compatible" is the
# OpenAI client on another base URL: Ollama, vLLM, LM Studio…).
_PROVIDERS = {"openai": "openai", "openai-compatible": "openai", "mistral": "mistralai"}


def chat_model_arguments(settings: Settings) -> tuple[str, dict]:
    """``(model_provider, keyword arguments)`` for LangChain's ``init_chat_model``, from the
    settings; a setting missing for the provider is an :class:`LLMError` naming it."""
    provider = settings.llm_provider
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if provider == "none":
        raise LLMError("Aucun fournisseur LLM configuré (ASSISTANT_LLM_PROVIDER).")
    if provider not in _PROVIDERS:
        raise LLMError(f"Fournisseur LLM inconnu : {provider}")
    if not settings.llm_model:
        raise LLMError("ASSISTANT_LLM_MODEL est requis avec un fournisseur LLM.")
    common = {
        "temperature": settings.llm_temperature,
        "max_tokens": settings.llm_max_tokens,
        "max_retries": settings.llm_max_retries,
    }
    if provider == "openai-compatible" and not settings.llm_base_url:
        raise LLMError("ASSISTANT_LLM_BASE_URL est requis pour un point d'accès compatible.")
    if provider == "openai" and not key:
        raise LLMError("ASSISTANT_LLM_API_KEY est requis pour OpenAI.")
    if provider in ("openai", "openai-compatible"):
        return "openai", {
            **common,
            "base_url": settings.llm_base_url,
            # Local servers (Ollama, vLLM) accept any key; the client insists on one.
            "api_key": key or "not-needed",
            "timeout": settings.llm_timeout_s,
            "streaming": True,
        }
    if not key:
        raise LLMError("ASSISTANT_LLM_API_KEY est requis pour Mistral.")
    return "mistralai", {
        **common,
        "api_key": key,
        "endpoint": settings.llm_base_url or "https://api.mistral.ai/v1",
        "timeout": int(settings.llm_timeout_s),  # ChatMistralAI takes whole seconds
    }


def make_chat_model(settings: Settings):
    """The configured provider's LangChain chat model, through ``init_chat_model`` (the
    provider's package imported only now)."""
    from langchain.chat_models import init_chat_model

    provider, arguments = chat_model_arguments(settings)
    try:
        return init_chat_model(settings.llm_model, model_provider=provider, **arguments)
    except ImportError as exc:  # the provider's integration package is not installed
        raise LLMError(f"Fournisseur {provider} indisponible : {exc}") from exc


_TAG = re.compile(r"</?\s*(passage|passages|question|historique)\b[^>]*>", re.IGNORECASE)
_FAKE_MARKER = re.compile(r"^\s*\[(\d{1,3})\]", re.MULTILINE)


def _neutralise(text: str) -> str:
    """Passage text cannot close its own delimiters nor pose as another numbered passage."""
    text = _TAG.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)
    return _FAKE_MARKER.sub(lambda m: f"({m.group(1)})", text)


def format_passages(passages: list[RetrievedChunk]) -> str:
    """Numbered passages, each inside ``<passage n=…>`` delimiters the text cannot forge."""
    blocks = []
    for number, passage in enumerate(passages, start=1):
        where = f"{passage.source} — {passage.section}"
        if passage.page is not None:
            where += f", p. {passage.page}"
        blocks.append(
            f'<passage n="{number}" source="{_neutralise(where)}">\n'
            f"{_neutralise(passage.text)}\n</passage>"
        )
    return "\n\n".join(blocks)


def format_history(history: list[Turn], limit: int = 6) -> str:
    turns = history[-limit:]
    if not turns:
        return "(aucune)"
    return "\n".join(
        f"{'Utilisateur' if t.role == 'user' else 'Assistant'} : {_neutralise(t.content[:800])}"
        for t in turns
    )


def prompt_inputs(question: str, history: list[Turn], passages: list[RetrievedChunk]) -> dict:
    """The answer prompt's variables (see :func:`.prompts.answer_prompt`)."""
    return {
        "passages": format_passages(passages),
        "history": format_history(history),
        "question": question,
    }


def build_messages(
    settings: Settings,
    question: str,
    history: list[Turn],
    passages: list[RetrievedChunk],
    detail: str,
):
    """The system and user messages the model is sent."""
    prompt = answer_prompt(settings.prompts_dir, detail)
    return prompt.format_messages(**prompt_inputs(question, history, passages))


_MARKER = re.compile(r"\[(\d{1,3})\]")


class MarkerFilter:
    """Streams text through, holding back ``[…`` until it is known to be a valid marker."""

    def __init__(self, valid: int) -> None:
        self.valid = valid
        self._pending = ""

    def feed(self, delta: str) -> str:
        self._pending += delta
        out = ""
        while self._pending:
            start = self._pending.find("[")
            if start < 0:
                out += self._pending
                self._pending = ""
                break
            out += self._pending[:start]
            self._pending = self._pending[start:]
            match = re.match(r"\[(\d{0,3})(\]?)", self._pending)
            assert match is not None
            if match.group(2):  # complete « [n] »
                number = int(match.group(1)) if match.group(1) else 0
                if 1 <= number <= self.valid:
                    out += match.group(0)
                self._pending = self._pending[match.end() :]
                continue
            if match.end() == len(self._pending) and len(match.group(1)) < 3:
                break  # wait for more text
            out += self._pending[0]
            self._pending = self._pending[1:]
        return out

    def flush(self) -> str:
        rest, self._pending = self._pending, ""
        return "" if _MARKER.fullmatch(rest) else rest


def strip_invalid_markers(text: str, valid: int) -> str:
    return _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= valid else "", text)


def stream_completion(runnable, inputs, config=None) -> Iterator[str]:
    """Text deltas streamed by a LangChain chat model, or by a chain ending in one (the
    answer chain); provider errors become :class:`LLMError`. ``config``: the LangChain run
    config of the chain it runs in (callbacks, tags)."""
    try:
        for chunk in runnable.stream(inputs, config):
            content = getattr(chunk, "content", chunk)
            if isinstance(content, list):  # some providers stream content blocks
                content = "".join(
                    part.get("text", "") if isinstance(part, dict) else str(part)
                    for part in content
                )
            if content:
                yield str(content)
    except LLMError:
        raise
    except Exception as exc:
        raise LLMError(f"Le fournisseur LLM a échoué : {type(exc).__name__}: {exc}") from exc
