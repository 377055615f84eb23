"""Answer generators behind one interface: the extractive one (no model, no network) and the
LLM one. Both write from the same :class:`~.planning.Plan` and cite through
:mod:`.citations`; the :class:`~.answering.Assistant` decides before either runs whether
to answer at all, and filters what they produce.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Generator as Steps
from dataclasses import dataclass
from typing import Any, Protocol

from ..models import Answer, Citation, Turn
from ..settings import Settings
from ..textnorm import fold
from .citations import citations_for_llm_text, cite
from .framing import ABSTAIN_EN, ABSTAIN_FR, as_markdown, lead_for
from .guards import output_bound
from .llm import MarkerFilter, stream_completion
from .planning import Plan


@dataclass
class Request:
    """What a generator writes from: the question asked, the conversation, the plan."""

    question: str
    turns: list[Turn]
    plan: Plan
    english: bool
    detail: str = "short"  # "short" | "full"


class Generator(Protocol):
    mode: str  # recorded on the answer: "extractive" | "llm"

    def generate(self, request: Request) -> Steps[str, None, Answer]:
        """Yield text deltas; return the complete answer (its citations included)."""
        ...


class ExtractiveGenerator:
    """The plan's units quoted verbatim, each followed by its marker, under a lead."""

    mode = "extractive"

    def generate(self, request: Request) -> Steps[str, None, Answer]:
        answer = self.compose(request.plan, request.english, request.detail)
        yield from self.deltas(answer.answer)
        return answer

    @staticmethod
    def deltas(text: str) -> list[str]:
        """The text streamed word by word (whitespace kept), as a model would."""
        return re.split(r"(?<=\s)", text)

    @staticmethod
    def compose(plan: Plan, english: bool, detail: str) -> Answer:
        markers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        by_section = detail == "full" and plan.kind in ("answer", "point")
        section = None
        for scored in plan.chosen:
            passage, quote = scored.passage, scored.unit.text
            marker = markers.setdefault(passage.id, len(markers) + 1)
            # A list cut to its lead-in and one item is two verbatim runs: one quote each.
            for part in scored.unit.parts or (quote,):
                citations.append(cite(passage, part, marker))
            if by_section and passage.section != section:
                # --full: the passages in reading order, under their section's title.
                section = passage.section
                parts.append(f"**{section}**")
            parts.append(f"{as_markdown(quote)} [{marker}]")
        lead = lead_for(plan, english)
        if by_section:
            body = "\n".join(p if p.startswith("**") else f"- {p}" for p in parts)
            text = f"{lead}\n\n{body}"
        elif detail == "full" or plan.kind in ("section", "topic") or any("\n" in p for p in parts):
            # One point a line; a quoted list keeps its own lines under its point.
            body = "\n".join(f"- {p}" for p in parts)
            text = f"{lead}\n\n{body}"
        else:
            text = f"{lead} " + " ".join(parts)
        # Markers follow the order of first use; passages keep their retrieval ranks.
        return Answer(question="", answer=text, citations=citations, mode="extractive")


class LLMGenerator:
    """A LangChain chat model writes from the plan's passages (the LCEL generation chain of
    :mod:`.chain`); its markers are checked against them and each becomes a citation of the
    closest sentence."""

    mode = "llm"

    def __init__(self, settings: Settings, chat_model: Callable[[], Any]) -> None:
        self.settings = settings
        # Built on first use, inside generate(): a provider that cannot be set up is an
        # LLMError there, which the assistant answers with the extractive fallback.
        self.chat_model = chat_model

    def generate(self, request: Request) -> Steps[str, None, Answer]:
        passages = request.plan.passages
        # LangChain's retriever and chain types load in ~0.5 s: only the LLM path needs them.
        from ..search.documents import document_of
        from .chain import generation_chain

        inputs = {
            "question": request.question,
            "history": request.turns,
            "documents": [document_of(passage) for passage in passages],
        }
        chain = generation_chain(self.settings, self.chat_model(), request.detail)
        marker_filter = MarkerFilter(len(passages))
        text = ""
        bound = output_bound(self.settings)
        for delta in bound(stream_completion(chain, inputs)):
            visible = marker_filter.feed(delta)
            if visible:
                text += visible
                yield visible
        tail = marker_filter.flush()
        if tail:
            text += tail
            yield tail
        abstained = fold(ABSTAIN_FR)[:30] in fold(text) or fold(ABSTAIN_EN)[:30] in fold(text)
        return Answer(
            question=request.question,
            answer=text.strip(),
            citations=citations_for_llm_text(text, passages),
            abstained=abstained,
            mode="llm",
            warnings=[bound.truncated] if bound.truncated else [],
        )
