"""Optional LLM-judged metrics: faithfulness and answer correctness (French judge prompts).

Off by default and never part of the gate: a judge model is slower, costs money and is
not deterministic. Each metric asks the judge for a JSON ``{"score", "raison"}``; a reply
that is not valid JSON counts as missing, never as 0 or 1.
"""

from __future__ import annotations

import json
import re

from ..answer.llm import format_passages, make_chat_model
from ..answer.prompts import render
from ..models import RetrievedChunk
from ..settings import Settings
from .dataset import Case

_JSON = re.compile(r"\{.*\}", re.DOTALL)


def parse_score(text: str) -> float | None:
    match = _JSON.search(text or "")
    if not match:
        return None
    try:
        score = float(json.loads(match.group(0))["score"])
    except (ValueError, KeyError, TypeError):
        return None
    return min(1.0, max(0.0, score))


class Judge:
    def __init__(self, settings: Settings, model=None) -> None:
        self.settings = settings
        self.model = model or make_chat_model(settings)

    def _ask(self, prompt: str) -> float | None:
        from langchain_core.messages import HumanMessage

        try:
            reply = self.model.invoke([HumanMessage(content=prompt)])
        except Exception:  # a judge failure leaves the metric missing for that case
            return None
        return parse_score(str(reply.content))

    def faithfulness(
        self, question: str, answer: str, passages: list[RetrievedChunk]
    ) -> float | None:
        prompt = render(
            self.settings.prompts_dir,
            "judge.faithfulness.fr",
            passages=format_passages(passages),
            question=question,
            answer=answer,
        )
        return self._ask(prompt)

    def correctness(self, case: Case, answer: str) -> float | None:
        if not case.reference_answer:
            return None
        prompt = render(
            self.settings.prompts_dir,
            "judge.correctness.fr",
            question=case.question,
            reference=case.reference_answer,
            answer=answer,
        )
        return self._ask(prompt)


def judge_run(judge: Judge, cases: list[Case], results: list[dict]) -> dict:
    """Adds per-case judge scores to ``results`` and returns the aggregate metrics."""
    faithful: list[float] = []
    correct: list[float] = []
    for case, result in zip(cases, results, strict=True):
        if not case.answerable or result["abstained"]:
            continue
        passages = [
            RetrievedChunk(
                id=str(i),
                rank=i,
                **{k: r[k] for k in ("text", "source", "section", "page", "score")},
            )
            for i, r in enumerate(result["retrieved"], start=1)
        ]
        f = judge.faithfulness(case.question, result["answer"], passages)
        c = judge.correctness(case, result["answer"])
        result["judge"] = {"faithfulness": f, "answer_correctness": c}
        if f is not None:
            faithful.append(f)
        if c is not None:
            correct.append(c)
    return {
        "llm_faithfulness": sum(faithful) / len(faithful) if faithful else None,
        "llm_answer_correctness": sum(correct) / len(correct) if correct else None,
        "llm_judged_cases": len(faithful),
    }
