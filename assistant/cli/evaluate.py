"""``assistant eval``: the golden set, its report and the quality gate; feedback drafts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import PATH, check_folder, settings_for


@click.group(name="eval", invoke_without_command=True)
@click.option(
    "--set",
    "set_path",
    type=PATH,
    default=Path("eval/golden.jsonl"),
    show_default=True,
    help="Jeu d'évaluation (format eval-format.md).",
)
@click.option(
    "--output",
    type=PATH,
    default=None,
    help="Dossier de sortie (results.jsonl, report.json, report.html).",
)
@click.option(
    "--baseline",
    type=PATH,
    default=None,
    help="Référence à comparer (ex. eval/baseline.json) : code ≠ 0 si une métrique régresse.",
)
@click.option("--update-baseline", is_flag=True, help="Réécrit la référence avec ce résultat.")
@click.option(
    "--llm-judge",
    is_flag=True,
    help="Ajoute fidélité et exactitude jugées par le LLM configuré (hors porte qualité).",
)
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
@click.pass_context
def eval_(
    ctx,
    set_path: Path,
    output: Path | None,
    baseline: Path | None,
    update_baseline: bool,
    llm_judge: bool,
    quiet: bool,
) -> None:
    """Évalue l'assistant sur un jeu de questions attendues et compare à une référence.

    \b
    Exemples :
      assistant eval --set eval/golden.jsonl --output eval/results/run1
      assistant eval --output /tmp/run --baseline eval/baseline.json
      assistant eval --output /tmp/run --baseline eval/baseline.json --update-baseline
      assistant eval export-feedback --output eval/drafts.jsonl
    """
    if ctx.invoked_subcommand is not None:
        return
    from datetime import datetime

    from ..evaluation.metrics import SUMMARY_METRICS
    from ..evaluation.runner import (
        baseline_payload,
        compare_with_baseline,
        run_eval,
        write_outputs,
    )

    output = output or Path("eval/results") / datetime.now().strftime("%Y%m%d-%H%M%S")
    # Checked before the run, not after every case has been answered.
    check_folder(output, "Dossier de sortie --output", "--output DOSSIER")
    settings = settings_for(data=True)
    judge = None
    if llm_judge:
        from ..evaluation.judge import Judge

        judge = Judge(settings)
    run = run_eval(settings, set_path, progress=not quiet, judge=judge)
    diff = None
    if baseline is not None and baseline.is_file() and not update_baseline:
        try:
            reference = json.loads(baseline.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise click.ClickException(f"Référence illisible ({baseline}) : {exc}") from None
        diff = compare_with_baseline(run.report["metrics"], reference)
    write_outputs(run, output, diff)
    metrics = run.report["metrics"]
    click.echo(f"{metrics['cases']} cas en {run.report['run_seconds']} s → {output}")
    for key in SUMMARY_METRICS:
        if key not in metrics:
            continue
        value = metrics.get(key)
        click.echo(f"  {key:24} {value if value is None else round(value, 4)}")
    if update_baseline:
        target = baseline or Path("eval/baseline.json")
        target.write_text(
            json.dumps(baseline_payload(run), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        click.echo(f"Référence mise à jour : {target}")
        return
    if baseline is not None and not baseline.is_file():
        raise click.ClickException(
            f"Référence introuvable : {baseline} (créez-la avec --update-baseline)"
        )
    if diff:
        regressions = [row for row in diff if row["regressed"]]
        for row in diff:
            flag = "RÉGRESSION" if row["regressed"] else "ok"
            click.echo(
                f"  {flag:10} {row['metric']:24} {row['baseline']:.4f} → "
                f"{row['current']:.4f} ({row['delta']:+.4f}, tolérance {row['tolerance']})"
            )
        if regressions:
            names = ", ".join(r["metric"] for r in regressions)
            raise click.ClickException(f"Qualité en baisse par rapport à la référence : {names}")


@eval_.command("export-feedback")
@click.option(
    "--output",
    type=PATH,
    default=Path("eval/feedback-drafts.jsonl"),
    show_default=True,
    help="Fichier JSONL des brouillons de cas.",
)
def export_feedback_cmd(output: Path) -> None:
    """Transforme les réponses notées 👎 dans le chat en brouillons de cas d'évaluation.

    Chaque brouillon reprend la question, l'historique, la réponse donnée et ses passages ;
    « answerable », « evidence » et « key_facts » restent à compléter avant de l'ajouter
    au jeu (eval/golden.jsonl).

    \b
    Exemples :
      assistant eval export-feedback
      assistant eval export-feedback --output /tmp/brouillons.jsonl
    """
    from ..evaluation.feedback import export_feedback

    result = export_feedback(settings_for(), output)
    click.echo(
        f"{result.drafts} brouillon(s) écrits dans {result.path}"
        + (f" ({result.skipped} retour(s) sans réponse retrouvée)" if result.skipped else "")
    )
