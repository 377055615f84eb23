"""The golden set is sound, `assistant eval` writes its three files, and the gate bites."""

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from assistant.cleaning import split_pages
from assistant.cli import main
from assistant.evaluation.dataset import load_set
from assistant.evaluation.metrics import citation_validity, fact_coverage, first_hit_rank
from assistant.settings import PROJECT_ROOT
from assistant.structure import build_sections
from assistant.textnorm import contains_run, tokens

from .conftest import REFERENCE

GOLDEN = PROJECT_ROOT / "eval" / "golden.jsonl"
BASELINE = PROJECT_ROOT / "eval" / "baseline.json"


def test_golden_set_is_well_formed_and_grounded_in_the_corpus():
    cases = load_set(GOLDEN)
    assert len(cases) >= 80
    # Evidence must match the corpus as indexed (cleaned), not only the raw text.
    cleaned = "\n".join(
        s.text for s in build_sections(split_pages(REFERENCE.read_text("utf-8")), "Note")
    )
    corpus = tokens(cleaned)
    for case in cases:
        if case.answerable:
            assert case.evidence and case.key_facts, case.id
            for evidence in case.evidence:
                assert contains_run(corpus, tokens(evidence)), (case.id, evidence)
        else:
            assert not case.evidence and not case.key_facts, case.id
    assert sum(not c.answerable for c in cases) >= 12
    assert sum(bool(c.history) for c in cases) >= 6
    assert sum("anglais" in c.tags for c in cases) >= 6
    sections = Counter(c.tags[0] for c in cases if c.answerable)
    assert {f"jour-{n:02d}" for n in range(1, 22)} <= set(sections)
    assert all(count >= 2 for count in sections.values())


def test_metrics_follow_the_matching_rule():
    case = load_set(GOLDEN)[0]
    texts = ["rien à voir", "x " + case.evidence[0] + " y"]
    assert first_hit_rank(case, texts) == 2
    assert fact_coverage(case, "aucun fait") == 0.0
    assert citation_validity(["à voir"], texts) == (1, 1)
    assert citation_validity(["absent du texte"], texts) == (0, 1)


def test_eval_writes_results_reports_and_passes_its_own_baseline(
    reference_index, tmp_path, monkeypatch
):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        ["eval", "-q", "--set", str(GOLDEN), "--output", str(out), "--baseline", str(BASELINE)],
    )
    assert result.exit_code == 0, result.output
    lines = (out / "results.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == len(load_set(GOLDEN))
    assert set(first) >= {
        "id",
        "question",
        "answer",
        "abstained",
        "citations",
        "retrieved",
        "latency_ms",
    }
    assert len(first["retrieved"]) >= 5
    report = json.loads((out / "report.json").read_text("utf-8"))
    for key in (
        "hit_at_1",
        "hit_at_5",
        "mrr_at_10",
        "key_fact_recall",
        "abstention_recall",
        "false_abstention_rate",
        "citation_validity",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        assert key in report["metrics"]
    assert report["metrics"]["citation_validity"] == 1.0
    html = (out / "report.html").read_text("utf-8")
    assert "<svg" in html and "Par section" in html and "http" not in html.split("<body>")[1][:200]


@pytest.mark.parametrize(
    "degrade", [{"ASSISTANT_RETRIEVAL_MODE": "lexical", "ASSISTANT_TOP_K": "1"}]
)
def test_gate_fails_when_retrieval_gets_worse(reference_index, tmp_path, monkeypatch, degrade):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    for key, value in degrade.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(
        main, ["eval", "-q", "--output", str(tmp_path / "bad"), "--baseline", str(BASELINE)]
    )
    assert result.exit_code != 0
    assert "RÉGRESSION" in result.output and "hit_at_5" in result.output
    report = json.loads((tmp_path / "bad" / "report.json").read_text("utf-8"))
    assert any(row["regressed"] for row in report["baseline_comparison"])
