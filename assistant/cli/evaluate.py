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
    "--half",
    type=click.Choice(["tune", "check"]),
    default=None,
    help="N'évalue qu'une moitié fixe du jeu (tirée de l'identifiant de chaque cas).",
)
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
    half: str | None,
    llm_judge: bool,
    quiet: bool,
) -> None:
    """Évalue l'assistant sur un jeu de questions attendues et compare à une référence.

    \b
    Exemples :
      assistant eval --set eval/golden.jsonl --output eval/results/run1
      assistant eval --output /tmp/run --baseline eval/baseline.json
      assistant eval --output /tmp/run --baseline eval/baseline.json --update-baseline
      assistant eval --half tune --output /tmp/tune
      assistant eval export-feedback --output eval/drafts.jsonl
    """
    if ctx.invoked_subcommand is not None:
        return
    from datetime import datetime

    from ..evaluation.dataset import load_set
    from ..evaluation.metrics import SUMMARY_METRICS
    from ..evaluation.runner import (
        BaselineError,
        baseline_payload,
        compare_with_baseline,
        run_eval,
        write_outputs,
    )

    if half is not None and update_baseline:
        # A baseline holds the whole set's figures and each half's; one half cannot make one.
        raise click.ClickException("--update-baseline s'utilise sur le jeu entier, sans --half")
    output = output or Path("eval/results") / datetime.now().strftime("%Y%m%d-%H%M%S")
    # Everything the end of the run needs is checked before it, not after every case has
    # been answered: the output folder, the reference (read, parsed, its shape) or, with
    # --update-baseline, the place it will be written to.
    target = baseline or Path("eval/baseline.json")
    reference = None
    if update_baseline:
        _check_writable_file(target)
    elif baseline is not None:
        reference = _read_baseline(baseline)
    load_set(set_path)  # a malformed set: one line now
    check_folder(output, "Dossier de sortie --output", "--output DOSSIER")
    settings = settings_for(data=True)
    judge = None
    if llm_judge:
        from ..evaluation.judge import Judge

        judge = Judge(settings)
    if reference is not None and half is not None and half not in reference.get("halves", {}):
        raise click.ClickException(
            f"La référence {baseline} n'a pas de chiffres pour la moitié « {half} » "
            "(réécrivez-la avec --update-baseline sur le jeu entier)"
        )
    run = run_eval(settings, set_path, progress=not quiet, judge=judge, half=half)
    diff = None
    if reference is not None:
        try:
            diff = compare_with_baseline(run.report["metrics"], reference, half)
        except BaselineError as exc:
            raise click.ClickException(f"Référence {baseline} : {exc}") from None
    write_outputs(run, output, diff)
    metrics = run.report["metrics"]
    halves = run.report["halves"]
    click.echo(f"{metrics['cases']} cas en {run.report['run_seconds']} s → {output}")
    click.echo(f"  {'':24} {'tout':>8}" + "".join(f" {name:>8}" for name in halves))
    for key in SUMMARY_METRICS:
        if key not in metrics:
            continue
        cells = [metrics.get(key)] + [part.get(key) for part in halves.values()]
        click.echo(f"  {key:24}" + "".join(f" {_cell(value):>8}" for value in cells))
    if update_baseline:
        try:
            target.write_text(
                json.dumps(baseline_payload(run), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
        except OSError as exc:
            raise click.ClickException(
                f"Référence --baseline non écrite ({target} : {exc.strerror}). / Not written."
            ) from None
        click.echo(f"Référence mise à jour : {target}")
        return
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


def _cell(value) -> str:
    return "—" if value is None else f"{round(value, 4):g}"


MAX_BASELINE_BYTES = 4 * 1024 * 1024


def _read_baseline(path: Path) -> dict:
    """The reference, read and checked before the run: a regular file under a bound, a
    JSON object whose ``metrics`` is an object of numbers."""
    from ..files import FileProblem, read_regular_text

    try:
        reference = json.loads(read_regular_text(path, MAX_BASELINE_BYTES, "Référence"))
    except FileNotFoundError:
        raise click.ClickException(
            f"Référence introuvable : {path} (créez-la avec --update-baseline)"
        ) from None
    except FileProblem as exc:
        raise click.ClickException(str(exc)) from None
    except RecursionError:
        raise click.ClickException(f"Référence illisible ({path}) : JSON trop imbriqué.") from None
    except ValueError as exc:
        reason = " ".join(str(exc).split())[:200]
        raise click.ClickException(f"Référence illisible ({path}) : {reason}") from None
    metrics = reference.get("metrics") if isinstance(reference, dict) else None
    tolerances = reference.get("tolerances", {}) if isinstance(reference, dict) else None
    if (
        not isinstance(metrics, dict)
        or not isinstance(tolerances, dict)
        or not all(_number_or_none(v) for v in (*metrics.values(), *tolerances.values()))
    ):
        raise click.ClickException(
            f'Référence illisible ({path}) : attendu {{"metrics": {{nom: nombre}}, …}}.'
        )
    return reference


def _number_or_none(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _check_writable_file(path: Path) -> None:
    """Where --update-baseline will write: not a folder, in a folder that exists."""
    if path.is_dir() or not path.parent.is_dir() or (path.exists() and not path.is_file()):
        raise click.ClickException(
            f"Référence --baseline inscriptible attendue : {path} (un fichier, dans un "
            "dossier existant). / --baseline must be a writable file."
        )


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
