"""The metrics of eval-format.md, computed from result records (no model involved).

Each function states its algorithm; names match the keys of ``report.json``.
"""

from __future__ import annotations

import math

from ..textnorm import contains_run, tokens
from .dataset import Case

# The metrics ``assistant eval`` prints, in report.json's names (judge ones when present).
SUMMARY_METRICS = (
    "hit_at_1",
    "hit_at_5",
    "mrr_at_10",
    "key_fact_recall",
    "abstention_recall",
    "false_abstention_rate",
    "citation_validity",
    "latency_p50_ms",
    "latency_p95_ms",
    "llm_faithfulness",
    "llm_answer_correctness",
)


def first_hit_rank(case: Case, retrieved_texts: list[str], depth: int = 10) -> int | None:
    """1-based rank of the first retrieved chunk inside which any evidence matches."""
    needles = [tokens(e) for e in case.evidence if tokens(e)]
    for rank, text in enumerate(retrieved_texts[:depth], start=1):
        haystack = tokens(text)
        if any(contains_run(haystack, n) for n in needles):
            return rank
    return None


def fact_coverage(case: Case, answer: str) -> float | None:
    """Covered key-fact groups / all groups (a group is covered when any phrasing matches)."""
    if not case.key_facts:
        return None
    haystack = tokens(answer)
    covered = sum(
        1 for group in case.key_facts if any(contains_run(haystack, tokens(p)) for p in group)
    )
    return covered / len(case.key_facts)


def citation_validity(quotes: list[str], retrieved_texts: list[str]) -> tuple[int, int]:
    """(valid, total): a citation is valid when its quote matches inside one retrieved chunk."""
    chunks = [tokens(t) for t in retrieved_texts]
    valid = 0
    for quote in quotes:
        needle = tokens(quote)
        if needle and any(contains_run(chunk, needle) for chunk in chunks):
            valid += 1
    return valid, len(quotes)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = math.floor(k), math.ceil(k)
    if low == high:
        return ordered[int(k)]
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def case_scores(case: Case, result: dict) -> dict:
    texts = [r["text"] for r in result["retrieved"]]
    rank = first_hit_rank(case, texts) if case.answerable else None
    valid, total = citation_validity([c["quote"] for c in result["citations"]], texts)
    return {
        "hit_rank": rank,
        "hit_at_1": bool(rank == 1),
        "hit_at_5": bool(rank is not None and rank <= 5),
        "reciprocal_rank": 1.0 / rank if rank else 0.0,
        "fact_coverage": fact_coverage(case, result["answer"]) if case.answerable else None,
        "citations_valid": valid,
        "citations_total": total,
    }


def aggregate(cases: list[Case], results: list[dict], scores: list[dict]) -> dict:
    """All report.json metrics over a list of cases (any subset: a tag, a section)."""
    answerable = [(c, r, s) for c, r, s in zip(cases, results, scores, strict=True) if c.answerable]
    unanswerable = [(c, r) for c, r in zip(cases, results, strict=True) if not c.answerable]
    facts = [s["fact_coverage"] for _, _, s in answerable if s["fact_coverage"] is not None]
    valid = sum(s["citations_valid"] for s in scores)
    total = sum(s["citations_total"] for s in scores)
    latencies = [float(r["latency_ms"]) for r in results]
    return {
        "cases": len(cases),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit_at_1": _mean([float(s["hit_at_1"]) for _, _, s in answerable]),
        "hit_at_5": _mean([float(s["hit_at_5"]) for _, _, s in answerable]),
        "mrr_at_10": _mean([s["reciprocal_rank"] for _, _, s in answerable]),
        "key_fact_recall": _mean(facts),
        "abstention_recall": _mean([float(r["abstained"]) for _, r in unanswerable])
        if unanswerable
        else None,
        "false_abstention_rate": _mean([float(r["abstained"]) for _, r, _ in answerable]),
        "citation_validity": valid / total if total else 1.0,
        "citations": total,
        "latency_p50_ms": round(percentile(latencies, 0.5), 2),
        "latency_p95_ms": round(percentile(latencies, 0.95), 2),
    }
