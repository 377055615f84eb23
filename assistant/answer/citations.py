"""Citations, built in one place for both kinds of answer.

An extractive answer cites the unit it quotes; an LLM answer cites, for each marker [n] it
wrote, the sentence of passage n closest to the claim the marker ends.
"""

from __future__ import annotations

import re

from ..models import Citation, RetrievedChunk
from ..textnorm import analyze
from ..textunits import is_item, split_sentences


def cite(passage: RetrievedChunk, quote: str, marker: int, context: str = "") -> Citation:
    """The citation of ``quote`` (verbatim text of ``passage``) under marker ``marker``;
    ``context``: the verbatim text it leans on, quoted before it (a list's lead-in)."""
    return Citation(
        marker=marker,
        source=passage.source,
        section=passage.section,
        page=passage.page,
        quote=quote,
        chunk_id=passage.id,
        context=context,
    )


def cite_runs(passage: RetrievedChunk, runs: tuple[str, ...], marker: int) -> list[Citation]:
    """The citations of a list cut to its lead-in and the items that answer (``runs``: its
    verbatim runs, in order): one per run holding items, a run of lead-in lines alone just
    above it as its context. A lead-in cited on its own counted as a claim the answer
    makes, when it only says what the items are."""
    citations: list[Citation] = []
    context: list[str] = []
    for run in runs:
        if any(is_item(line) for line in run.split("\n")):
            citations.append(cite(passage, run, marker, "\n".join(context)))
            context = []
        else:
            context.append(run)
    # A lead-in no item follows (not made by around_items) is cited as it stands.
    citations += [cite(passage, run, marker) for run in context]
    return citations


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
