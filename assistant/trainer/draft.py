"""The LLM draft of a sheet: the model rewrites the key messages from the very units the
extractive sheet cites, and each line it writes is kept only when it can be checked
against them: it names existing sources, its figures are in their quotes, and most of its
words are. Lines that fail are dropped (and counted in the sheet's warnings); with too few
lines left, or the provider down, the extractive messages stay."""

from __future__ import annotations

import dataclasses
import logging
import re

from ..answer.answering import Assistant
from ..answer.guards import output_bound, secrets_of
from ..answer.llm import LLMError, format_passages, stream_completion
from ..answer.prompts import render
from ..models import RetrievedChunk
from ..safety import redact, sanitize_output
from ..textnorm import analyze, contains_run, tokens
from .sheet import Line, Sheet

log = logging.getLogger(__name__)

MIN_LINES = 3
MAX_LINES = 8
SUPPORT = 0.6  # share of a line's content words its cited quotes must hold
_MARKER = re.compile(r"\[(\d{1,3})\]")
_NUMBER = re.compile(r"\d+(?:[ .,\u202f\u00a0]\d+)*")


def supported(text: str, quotes: list[str]) -> bool:
    """Could a reader find ``text`` in ``quotes``: every number it gives is there as
    written, and most of its content words are."""
    body = _MARKER.sub("", text)
    quoted = tokens(" ".join(quotes))
    for number in _NUMBER.findall(body):
        if not contains_run(quoted, tokens(number)):
            return False
    words = set(analyze(body))
    if not words:
        return False
    held = set(analyze(" ".join(quotes)))
    return len(words & held) / len(words) >= SUPPORT


def draft_with_llm(assistant: Assistant, sheet: Sheet) -> Sheet:
    cited = list(dict.fromkeys(m for line in sheet.key_messages for m in line.refs))
    cited += [f.ref for f in sheet.figures if f.ref not in cited]
    sources = [sheet.source(m) for m in cited]
    if not sources:
        return sheet
    passages = [
        RetrievedChunk(
            id=s.chunk_id,
            text=s.quote,
            source=s.source,
            section=s.section,
            page=s.page,
            score=1.0,
            rank=n,
        )
        for n, s in enumerate(sources, 1)
    ]
    settings = assistant.settings
    from langchain_core.messages import HumanMessage, SystemMessage

    messages = [
        SystemMessage(content=render(settings.prompts_dir, "trainer.system.fr")),
        HumanMessage(
            content=render(
                settings.prompts_dir,
                "trainer.user.fr",
                title=sheet.title,
                passages=format_passages(passages),
            )
        ),
    ]
    try:
        bound = output_bound(settings)
        text = "".join(bound(stream_completion(assistant.chat_model, messages)))
    except LLMError as exc:
        reason = redact(str(exc), secrets_of(settings))
        log.warning("sheet: LLM unavailable, extractive sheet kept: %s", reason)
        sheet.warnings.append(f"LLM indisponible, fiche extractive à la place ({reason}).")
        return sheet
    kept: list[Line] = []
    dropped = 0
    for raw in text.splitlines():
        line = sanitize_output(raw.strip().lstrip("-•*0123456789.) ").strip())
        if not line:
            continue
        numbers = [int(n) for n in _MARKER.findall(line)]
        valid = all(1 <= n <= len(sources) for n in numbers)
        if not numbers or not valid or len(kept) >= MAX_LINES:
            dropped += 1
            continue
        quotes = [sources[n - 1].quote for n in numbers]
        body = _MARKER.sub("", line).strip()
        if not supported(body, quotes):
            dropped += 1
            continue
        refs = tuple(dict.fromkeys(cited[n - 1] for n in numbers))
        kept.append(Line(body, refs, drafted=True))
    if len(kept) < MIN_LINES:
        sheet.warnings.append(
            "Le brouillon du LLM ne pouvait pas être vérifié contre la note : messages clés "
            "extractifs gardés."
        )
        return sheet
    if dropped:
        sheet.warnings.append(
            f"{dropped} ligne(s) du LLM écartée(s) : sans passage de la note pour les appuyer."
        )
    return dataclasses.replace(sheet, key_messages=kept, mode="llm")
