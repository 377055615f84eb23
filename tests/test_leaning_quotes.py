"""`leaning_quotes` (eval-format.md) on hand-made answers, and the two fixed halves."""

import json

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.evaluation.dataset import Case, half_of
from assistant.evaluation.metrics import aggregate, case_scores, leaning_quotes, opens_leaning

from .conftest import ROOT

FIGURES = (
    "Le bénévolat progresse : 13,2 millions de bénévoles en 2019. "
    "Ces chiffres montrent une réelle dynamique du secteur. "
    "Il y a aussi 1,8 million de salariés."
)
LIST = (
    "Le modèle socio-économique repose sur 3 leviers :\n"
    "• les richesses humaines ;\n"
    "• les ressources financières ;\n"
    "• Enfin, la stratégie d’alliances de la structure impacte son modèle."
)


def _result(quotes: list[str], chunks: list[str], answer: str | None = None, abstained=False):
    if answer is None:
        answer = "D'après le corpus :\n" + "\n".join(f"{q} [{i + 1}]" for i, q in enumerate(quotes))
    return {
        "answer": answer,
        "abstained": abstained,
        "citations": [
            {"source": "n.txt", "section": "S", "page": 1, "quote": q, "marker": i + 1}
            for i, q in enumerate(quotes)
        ],
        "retrieved": [
            {"text": t, "source": "n.txt", "section": "S", "page": 1, "score": 1.0} for t in chunks
        ],
        "latency_ms": 1.0,
    }


def test_an_orphan_demonstrative_is_counted():
    quote = "Ces chiffres montrent une réelle dynamique du secteur."
    assert leaning_quotes(_result([quote], [FIGURES])) == [quote]


def test_the_same_quote_with_its_previous_sentence_is_not():
    previous = "Le bénévolat progresse : 13,2 millions de bénévoles en 2019."
    quote = "Ces chiffres montrent une réelle dynamique du secteur."
    assert leaning_quotes(_result([previous, quote], [FIGURES])) == []
    # Given in the answer's own text rather than as a quote: given all the same.
    answer = f"{previous}\n{quote} [1]"
    assert leaning_quotes(_result([quote], [FIGURES], answer=answer)) == []
    # Its first sentence decides, even when the quote runs on.
    two = "Ces chiffres montrent une réelle dynamique du secteur. Il y a aussi 1,8 million"
    assert leaning_quotes(_result([two], [FIGURES])) == [two]


@pytest.mark.parametrize(
    "opening",
    [
        "Il y a aussi 1,8 million de salariés.",
        "Il faut inventer de nouveaux modèles.",
        "Il est important de mobiliser les bénévoles.",
        "Il est essentiel d’en comprendre les ressorts.",
        "Il existe trois leviers.",
        "Il ne s’agit pas de remplacer l’État.",
        "Il est urgent que les acteurs coopèrent.",
        "De plus en plus d’associations hybrident leurs ressources.",
        "Cependant les ressources se raréfient.",
        "Certaines associations innovent.",
        "Celebrer les bénévoles.",
        "C’est en 2019 que le MOOC a ouvert.",
        "Avec les entreprises, les partenariats progressent.",
    ],
)
def test_impersonal_and_plain_openings_are_not_leaning(opening):
    assert not opens_leaning(opening)
    assert leaning_quotes(_result([opening], [f"Autre chose. {opening}"])) == []


@pytest.mark.parametrize(
    "opening",
    [
        "Ces chiffres montrent une dynamique.",
        "Cette tendance s’inscrit dans la continuité.",
        "Celle-ci repose sur les alliances.",
        "C’est ce que montre l’étude.",
        "Il a mis en exergue les 3 tendances.",
        "Il est issu des travaux du RAMEAU.",
        "Elles permettent de co-construire.",
        "Leurs pratiques évoluent : 30 % font du mécénat.",
        "Vous y trouverez les outils.",
        "Telle est l’ambition du programme.",
        "Avec cette clarification, le sens est partagé.",
        "Avec ce programme, les DLA sont outillés.",
        "En effet, les ressources se raréfient.",
        "Par ailleurs, l’État se désengage.",
        "De plus, les fondations s’engagent.",
        "Mais les besoins augmentent.",
        "Ainsi, 74 % des partenariats sont locaux.",
        "- Ces chiffres montrent une dynamique.",
        "• Leurs pratiques évoluent.",
        "2. Enfin, la stratégie d’alliances compte.",
        "3) ces chiffres montrent une dynamique.",
    ],
)
def test_leaning_openings_after_any_list_prefix(opening):
    assert opens_leaning(opening)
    assert leaning_quotes(_result([opening], [f"Autre chose. {opening}"])) == [opening]


def test_a_list_item_leans_on_the_previous_line():
    item = "• Enfin, la stratégie d’alliances de la structure impacte son modèle."
    assert leaning_quotes(_result([item], [LIST])) == [item]
    previous = "• les ressources financières ;"
    assert leaning_quotes(_result([previous, item], [LIST])) == []
    # The list's lead-in is not the previous line of its last item.
    lead_in = "Le modèle socio-économique repose sur 3 leviers :"
    assert leaning_quotes(_result([lead_in, item], [LIST])) == [item]


def test_a_quote_opening_its_passage_leans_unless_another_passage_gives_what_it_leans_on():
    quote = "Ces chiffres montrent une réelle dynamique du secteur."
    opening = "Ces chiffres montrent une réelle dynamique du secteur. Il y a aussi 1,8 million."
    previous = "Le bénévolat progresse : 13,2 millions de bénévoles en 2019."
    assert leaning_quotes(_result([quote], [opening])) == [quote]
    assert leaning_quotes(_result([previous, quote], [opening, FIGURES])) == []
    assert leaning_quotes(_result([quote], ["Rien à voir."])) == [quote]  # found nowhere


def test_the_metric_is_a_share_of_the_quotes_of_answered_cases():
    case = Case(id="c", question="?", evidence=["13,2 millions de bénévoles"], key_facts=[])
    orphan = "Ces chiffres montrent une réelle dynamique du secteur."
    plain = "Le bénévolat progresse : 13,2 millions de bénévoles en 2019."
    answered = _result([orphan, "Il y a aussi 1,8 million de salariés."], [FIGURES])
    clean = _result([plain], [FIGURES])
    abstained = _result([orphan], [FIGURES], abstained=True)  # not an answer: left out
    results = [answered, clean, abstained]
    scores = [case_scores(case, r) for r in results]
    assert scores[0]["leaning"] == [orphan] and scores[2]["leaning"] == []
    metrics = aggregate([case] * 3, results, scores)
    assert metrics["leaning_quotes"] == pytest.approx(1 / 3)
    assert aggregate([case], [abstained], [scores[2]])["leaning_quotes"] is None


def test_halves_are_fixed_by_the_case_id():
    # SHA-256 of the id decides, whatever the set: pinned, since moving a case to the other
    # half would make figures measured before and after incomparable.
    assert half_of("intro-ctx-01") == "check" and half_of("unans-01") == "tune"
    ids = [f"case-{n}" for n in range(400)]
    tune = sum(half_of(i) == "tune" for i in ids)
    assert 160 < tune < 240


def _small_set(tmp_path, count=6):
    lines = (ROOT / "eval" / "golden.jsonl").read_text("utf-8").splitlines()[:count]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, [json.loads(line)["id"] for line in lines]


def test_eval_reports_both_halves_and_runs_one(reference_index, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    small, ids = _small_set(tmp_path)
    assert {half_of(i) for i in ids} == {"tune", "check"}
    out = tmp_path / "all"
    result = CliRunner().invoke(main, ["eval", "-q", "--set", str(small), "--output", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert set(report["halves"]) == {"tune", "check"}
    assert report["metrics"]["cases"] == len(ids)
    assert sum(h["cases"] for h in report["halves"].values()) == len(ids)
    assert "leaning_quotes" in report["metrics"] and "leaning_quotes" in report["halves"]["tune"]
    html = (out / "report.html").read_text("utf-8")
    assert "Par moitié" in html and "Citations orphelines" in html

    one = tmp_path / "tune"
    result = CliRunner().invoke(
        main, ["eval", "-q", "--set", str(small), "--output", str(one), "--half", "tune"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in (one / "results.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [i for i in ids if half_of(i) == "tune"]
    assert list(json.loads((one / "report.json").read_text("utf-8"))["halves"]) == ["tune"]


def test_half_runs_need_a_baseline_with_halves(reference_index, tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    small, _ = _small_set(tmp_path, 2)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"metrics": {"hit_at_5": 0.5}}), encoding="utf-8")
    args = ["eval", "-q", "--set", str(small), "--output", str(tmp_path / "o"), "--half", "check"]
    result = CliRunner().invoke(main, [*args, "--baseline", str(baseline)])
    assert result.exit_code != 0 and "moitié « check »" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, [*args, "--baseline", str(baseline), "--update-baseline"])
    assert result.exit_code != 0 and "sans --half" in result.output
    assert json.loads(baseline.read_text("utf-8")) == {"metrics": {"hit_at_5": 0.5}}


def test_the_gate_reads_leaning_quotes_as_lower_is_better_and_halves_apart():
    from assistant.evaluation.runner import BaselineError, compare_with_baseline

    baseline = {
        "metrics": {"leaning_quotes": 0.10},
        "tolerances": {"leaning_quotes": 0.02},
        "halves": {"tune": {"leaning_quotes": 0.20}},
    }
    rows = {r["metric"]: r for r in compare_with_baseline({"leaning_quotes": 0.13}, baseline)}
    assert rows["leaning_quotes"]["regressed"] and rows["leaning_quotes"]["direction"] == "lower"
    rows = {r["metric"]: r for r in compare_with_baseline({"leaning_quotes": 0.01}, baseline)}
    assert not rows["leaning_quotes"]["regressed"]
    # A half is compared with that half's figures, not with the whole set's.
    (row,) = compare_with_baseline({"leaning_quotes": 0.13}, baseline, "tune")
    assert not row["regressed"]
    with pytest.raises(BaselineError):
        compare_with_baseline({"leaning_quotes": 0.13}, baseline, "check")
