"""``report.html``: a self-contained page (inline SVG charts, no script, no remote asset)."""

from __future__ import annotations

from html import escape

_METRICS = [
    ("hit_at_1", "hit@1"),
    ("hit_at_5", "hit@5"),
    ("mrr_at_10", "MRR@10"),
    ("key_fact_recall", "Rappel des faits clés"),
    ("abstention_recall", "Abstention (hors corpus)"),
    ("false_abstention_rate", "Fausses abstentions"),
    ("citation_validity", "Citations valides"),
    ("quote_precision", "Citations pertinentes"),
    ("first_quote_on_point", "1re citation pertinente"),
    ("answer_defects", "Réponses à défaut"),
    ("leaning_quotes", "Citations orphelines"),
    ("llm_faithfulness", "Fidélité (LLM juge)"),
    ("llm_answer_correctness", "Exactitude (LLM juge)"),
]

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}
.bad{background:#fde8e8}.good{background:#e8f6ea}
details{margin:.6rem 0;padding:.4rem .8rem;border:1px solid #ddd;border-radius:6px}
summary{cursor:pointer;font-weight:600}
pre{white-space:pre-wrap;background:#f6f7f9;padding:.5rem;border-radius:4px;font-size:.85rem}
.muted{color:#667}
"""


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return escape(str(value))


def _bars(metrics: dict) -> str:
    rows = [(label, metrics.get(key)) for key, label in _METRICS if metrics.get(key) is not None]
    height = 26 * len(rows) + 10
    parts = [f'<svg width="720" height="{height}" role="img" aria-label="Métriques">']
    for i, (label, value) in enumerate(rows):
        y = 5 + i * 26
        width = max(0.0, min(1.0, float(value))) * 420
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>')
        parts.append(f'<rect x="220" y="{y}" width="420" height="18" fill="#eef0f4"/>')
        parts.append(f'<rect x="220" y="{y}" width="{width:.1f}" height="18" fill="#3b6fd8"/>')
        parts.append(f'<text x="{650}" y="{y + 15}" font-size="13">{float(value):.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(groups: dict[str, dict]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for _, label in _METRICS)
    rows = []
    for name, metrics in groups.items():
        cells = "".join(f"<td>{_fmt(metrics.get(key))}</td>" for key, _ in _METRICS)
        rows.append(f"<tr><td>{escape(name)}</td><td>{metrics['cases']}</td>{cells}</tr>")
    return f"<table><tr><th>Groupe</th><th>Cas</th>{head}</tr>{''.join(rows)}</table>"


def render_html(run, baseline_diff: list[dict] | None) -> str:
    report = run.report
    metrics = report["metrics"]
    out = [
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>",
        "<title>Évaluation de l'assistant</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Évaluation de l'assistant</h1>",
        f"<p class='muted'>Jeu : {escape(report['set'])} — {metrics['cases']} cas "
        f"({metrics['answerable']} avec réponse, {metrics['unanswerable']} hors corpus) — "
        f"durée {report['run_seconds']} s — latence p50 {metrics['latency_p50_ms']} ms, "
        f"p95 {metrics['latency_p95_ms']} ms</p>",
        "<h2>Vue d'ensemble</h2>",
        _bars(metrics),
    ]
    if baseline_diff:
        out.append(
            "<h2>Comparaison avec la référence</h2><table><tr><th>Métrique</th>"
            "<th>Référence</th><th>Actuel</th><th>Écart</th><th>Tolérance</th></tr>"
        )
        for row in baseline_diff:
            css = "bad" if row["regressed"] else ("good" if row["delta"] != 0 else "")
            out.append(
                f"<tr class='{css}'><td>{escape(row['metric'])}</td><td>{_fmt(row['baseline'])}"
                f"</td><td>{_fmt(row['current'])}</td><td>{row['delta']:+.3f}</td>"
                f"<td>{row['tolerance']}</td></tr>"
            )
        out.append("</table>")
    halves = report.get("halves") or {}
    if halves:
        out.append(
            "<h2>Par moitié</h2><p class='muted'>Deux moitiés fixes du jeu (tirées de "
            "l'identifiant de chaque cas) : régler sur « tune », vérifier sur « check ».</p>"
            + _table({"tout": metrics, **halves})
        )
    out.append("<h2>Par section</h2>" + _table(report["by_section"]))
    out.append("<h2>Par étiquette</h2>" + _table(report["by_tag"]))
    leaning = report.get("leaning") or []
    out.append(
        f"<h2>Citations orphelines ({len(leaning)})</h2><p class='muted'>Citations qui "
        "s'appuient sur une phrase que la réponse ne donne pas (« Ces chiffres… » sans les "
        "chiffres) : <code>leaning_quotes</code> d'eval-format.md.</p>"
    )
    if leaning:
        out.append("<table><tr><th>Cas</th><th>Citation</th></tr>")
        for row in leaning:
            out.append(
                f"<tr><td>{escape(row['id'])}</td><td style='text-align:left'>"
                f"{escape(row['quote'])}</td></tr>"
            )
        out.append("</table>")
    out.append(f"<h2>Cas en échec ({len(report['failing'])})</h2>")
    failing = set(report["failing"])
    for case, result, score in zip(run.cases, run.results, run.scores, strict=True):
        if case.id not in failing:
            continue
        why = []
        if not case.answerable:
            why.append("aurait dû s'abstenir")
        else:
            if result["abstained"]:
                why.append("abstention à tort")
            if not score["hit_at_5"]:
                why.append("preuve absente du top 5")
            if score["fact_coverage"] is not None and score["fact_coverage"] < 1:
                why.append(f"faits clés {score['fact_coverage']:.2f}")
            if score.get("first_on_point") is False:
                why.append("1re citation hors sujet")
        if score.get("defects"):
            why.append("défauts : " + ", ".join(score["defects"]))
        if score.get("leaning"):
            why.append(f"{len(score['leaning'])} citation(s) orpheline(s)")
        out.append(
            f"<details><summary>{escape(case.id)} — {escape(case.question)} "
            f"<span class='muted'>({escape(', '.join(why))})</span></summary>"
        )
        if case.history:
            out.append(
                "<p><b>Historique</b></p><pre>"
                + escape("\n".join(f"{t.role}: {t.content}" for t in case.history))
                + "</pre>"
            )
        out.append(f"<p><b>Réponse</b></p><pre>{escape(result['answer'])}</pre>")
        if case.evidence:
            out.append(
                f"<p><b>Preuve attendue</b></p><pre>{escape(' | '.join(case.evidence))}</pre>"
            )
        if case.key_facts:
            facts = " ; ".join(" / ".join(g) for g in case.key_facts)
            out.append(f"<p><b>Faits clés</b> : {escape(facts)}</p>")
        out.append("<p><b>Passages retrouvés</b></p><ol>")
        for passage in result["retrieved"][:5]:
            out.append(
                f"<li><span class='muted'>{escape(passage['section'])} "
                f"(score {passage['score']:.4f})</span><pre>{escape(passage['text'])}</pre></li>"
            )
        out.append("</ol></details>")
    out.append(
        "<h2>Réglages</h2><pre>"
        + escape("\n".join(f"{k}: {v}" for k, v in report["settings"].items()))
        + "</pre>"
    )
    out.append("</body></html>")
    return "".join(out)
