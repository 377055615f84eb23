"""The golden set is sound, `assistant eval` writes its three files, and the gate bites."""

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.evaluation.dataset import Case, load_set
from assistant.evaluation.metrics import (
    aggregate,
    answer_defects,
    case_scores,
    citation_validity,
    fact_coverage,
    first_hit_rank,
    on_point,
)
from assistant.ingest.cleaning import split_pages
from assistant.ingest.structure import build_sections
from assistant.textnorm import contains_run, tokens

from .conftest import REFERENCE, ROOT

GOLDEN = ROOT / "eval" / "golden.jsonl"
BASELINE = ROOT / "eval" / "baseline.json"


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


def _result(answer: str, quotes: list[str], abstained: bool = False) -> dict:
    return {
        "answer": answer,
        "abstained": abstained,
        "citations": [
            {"source": "n.txt", "section": "S", "page": 1, "quote": q, "marker": i + 1}
            for i, q in enumerate(quotes)
        ],
        "retrieved": [{"text": " ".join(quotes), "source": "n.txt", "section": "S", "page": 1}],
        "latency_ms": 1.0,
    }


def test_quote_on_point_needs_five_tokens_in_a_row_or_a_key_fact():
    case = Case(
        id="c",
        question="?",
        evidence=["les richesses humaines, les ressources financières et les alliances"],
        key_facts=[["74%"]],
    )
    assert on_point(case, "Il comprend les ressources financières et les alliances stratégiques.")
    assert not on_point(case, "Les ressources financières sont diverses.")  # 3 tokens only
    assert on_point(case, "74 % des associations ont un partenariat.")
    # An evidence string shorter than 5 tokens must be held whole.
    short = Case(id="s", question="?", evidence=["effet ciseau"], key_facts=[["x y z"]])
    assert on_point(short, "L’effet ciseau impose d’inventer.")
    assert not on_point(short, "Un effet de levier.")


def test_first_quote_is_the_first_marker_of_the_text_and_precision_aggregates():
    case = Case(id="c", question="?", evidence=["alpha beta gamma delta epsilon"], key_facts=[])
    quotes = ["alpha beta gamma delta epsilon zeta.", "Autre."]
    result = _result("Autre [2] puis alpha [1].", quotes)
    score = case_scores(case, result)
    assert score["quotes_on_point"] == 1 and score["first_on_point"] is False
    metrics = aggregate([case], [result], [score])
    assert metrics["quote_precision"] == 0.5 and metrics["first_quote_on_point"] == 0.0
    assert metrics["answer_defects"] == 0.0


@pytest.mark.parametrize(
    ("answer", "quotes", "defect"),
    [
        (
            "Les trois axes sont les suivants : [1]",
            ["Les trois axes sont les suivants :"],
            "dangling_lead_in",
        ),
        ("Réponse :\nrien ensuite", [], "dangling_lead_in"),
        ("Voir [1].", ["Note : Rapport du RAMEAU, 2013."], "footnote"),
        ("Voir [1].", ["Les partenariats associatifs24 se développent."], "footnote"),
        ("Voir [1].", ["Une étude publiée en mars 201759, montre."], "footnote"),
        ("Voir [1].", ["Le modèle « socio-économique » 78 est décrit."], "footnote"),
        ("Voir [1].", ["Les 3 leviers du modèle socio-économique"], "heading"),
        ("A [1] B [2].", ["La même phrase.", "La même  phrase."], "duplicate_quote"),
    ],
)
def test_answer_defects_are_found(answer, quotes, defect):
    assert defect in answer_defects(_result(answer, quotes))


def test_a_clean_answer_has_no_defect():
    answer = "D'après le corpus :\n\n- Il comprend 3 axes : [1]\n- les richesses humaines ;"
    quotes = [
        "Il comprend 3 axes :\n- les richesses humaines ;\n- les ressources financières.",
        "En 2018, 74 % des associations (1,2 million) ont un partenariat.",
    ]
    assert answer_defects(_result(answer, quotes)) == []


def test_a_lead_in_quoted_on_two_lines_is_followed_by_its_item():
    # A list cut to one item: the lead-in's quote spans two lines, indented in the answer.
    answer = (
        "D'après le corpus :\n\n- Les formes d'engagement sont diverses.\n"
        "  Toutes progressent :\n  - avec 1,8 million de salariés ; [1]"
    )
    quotes = [
        "Les formes d'engagement sont diverses.\nToutes progressent :",
        "• avec 1,8 million de salariés ;",
    ]
    assert answer_defects(_result(answer, quotes)) == []


@pytest.mark.slow  # the whole golden set through the CLI
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
        "quote_precision",
        "first_quote_on_point",
        "answer_defects",
        "leaning_quotes",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        assert key in report["metrics"]
        assert key in report["halves"]["tune"] and key in report["halves"]["check"]
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
