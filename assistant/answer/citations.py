"""Citations, built in one place for both kinds of answer.

An extractive answer cites the unit it quotes; an LLM answer cites, for each marker [n] it
wrote, the sentence of passage n closest to the claim the marker ends.
"""

from __future__ import annotations

import re

from ..models import Citation, RetrievedChunk
from ..textnorm import analyze
from ..textunits import split_sentences


def cite(passage: RetrievedChunk, quote: str, marker: int) -> Citation:
    """The citation of ``quote`` (verbatim text of ``passage``) under marker ``marker``."""
    return Citation(
        marker=marker,
        source=passage.source,
        section=passage.section,
        page=passage.page,
        quote=quote,
        chunk_id=passage.id,
    )


def citations_for_llm_text(text: str, passages: list[RetrievedChunk]) -> list[Citation]:
    """One citation per marker used, quoting the passage sentence closest to the claim."""
    citations: list[Citation] = []
    seen: set[int] = set()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        numbers = [int(n) for n in re.findall(r"\[(\d{1,3})\]", sentence)]
        claim = set(analyze(re.sub(r"\[\d+\]", "", sentence)))
        for number in numbers:
            if number in seen or not 1 <= number <= len(passages):
                continue
            seen.add(number)
            passage = passages[number - 1]
            options = split_sentences(passage.text) or [passage.text]
            quote = max(options, key=lambda s: len(claim & set(analyze(s))))
            citations.append(cite(passage, quote, number))
    return citations
