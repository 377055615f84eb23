"""LLM-judged metrics with a fake judge: parsed, aggregated, reported; bad replies skipped."""

import json

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.evaluation.judge import Judge, parse_score
from assistant.evaluation.report import render_html
from assistant.evaluation.runner import run_eval

from .conftest import ROOT

GOLDEN = ROOT / "eval" / "golden.jsonl"


def test_parse_score_accepts_json_and_rejects_the_rest():
    assert parse_score('{"score": 0.8, "raison": "ok"}') == 0.8
    assert parse_score('Voici : {"score": 3}') == 1.0
    assert parse_score("pas de json") is None
    assert parse_score('{"note": 1}') is None


def test_judged_run_adds_metrics_and_per_case_scores(reference_index, tmp_path):
    lines = GOLDEN.read_text("utf-8").splitlines()
    small = tmp_path / "small.jsonl"
    # Two answered cases (the judge is asked only about answers, not abstentions).
    picked = [line for line in lines if json.loads(line)["id"].startswith("j03-leviers-0")][:2]
    small.write_text("\n".join(picked) + "\n", encoding="utf-8")
    replies = [
        '{"score": 1, "raison": "appuyé"}',
        '{"score": 0.5, "raison": "partiel"}',
        "réponse illisible",
        '{"score": 0.0, "raison": "faux"}',
    ]
    judge = Judge(reference_index, model=FakeListChatModel(responses=replies))
    run = run_eval(reference_index, small, judge=judge)
    metrics = run.report["metrics"]
    assert metrics["llm_faithfulness"] == 1.0  # the unreadable reply is left out
    assert metrics["llm_answer_correctness"] == 0.25
    assert run.results[0]["judge"] == {"faithfulness": 1.0, "answer_correctness": 0.5}
    assert "Fidélité (LLM juge)" in render_html(run, None)
