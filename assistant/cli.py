"""The ``assistant`` command: ingest, ask, chat, eval. Errors are one clear line, exit ≠ 0."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import click

from . import __version__


class _Errors(click.Group):
    """Turn the project's own errors into a one-line message instead of a traceback."""

    def invoke(self, ctx: click.Context):
        from .errors import AssistantError

        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Interrompu.", err=True)
            sys.exit(130)
        except Exception as exc:
            from pydantic import ValidationError

            if isinstance(exc, ValidationError):
                raise click.ClickException(
                    "Réglage invalide / invalid setting: " + _pydantic_message(exc)
                ) from None
            raise


def _pydantic_message(exc) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(x) for x in error.get("loc", ()))
        parts.append(f"ASSISTANT_{field.upper()}: {error.get('msg')}")
    return "; ".join(parts)


def _settings(data: bool = False, **overrides):
    """The settings; with ``data``, the data folder is checked first (created if needed,
    and writable), so a bad ASSISTANT_DATA_DIR is one line, not a traceback later."""
    from .settings import get_settings

    settings = get_settings(**{k: v for k, v in overrides.items() if v is not None})
    if data:
        _check_folder(settings.data_dir, "Dossier de données", "ASSISTANT_DATA_DIR")
    return settings


def _check_folder(path: Path, what: str, how: str) -> None:
    import tempfile

    try:
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(20, "ce n'est pas un dossier")
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass  # can be written into
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"{what} inutilisable : {path} ({reason}). Choisissez un dossier existant ou "
            f"créable, accessible en écriture ({how}). / Unusable folder."
        ) from None


@click.group(cls=_Errors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assistant")
@click.option("-v", "--verbose", is_flag=True, help="Journal détaillé sur stderr.")
def main(verbose: bool) -> None:
    """Assistant cité sur les modèles socio-économiques d'intérêt général (Le RAMEAU).

    \b
    Exemples :
      assistant ingest                       # indexe le dossier corpus/
      assistant ask "Quels sont les trois leviers d'un modèle socio-économique ?"
      assistant chat                         # ouvre le chat sur http://127.0.0.1:8000
      assistant fiche "12e jour" --format docx --output fiche.docx
      assistant eval --set eval/golden.jsonl --output eval/results/run1
    """
    from .settings import OFFLINE_ENV

    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
def ingest(paths: tuple[Path, ...], quiet: bool) -> None:
    """Indexe des documents (PDF, .md, .txt) ; par défaut le dossier corpus/.

    Ne ré-indexe que ce qui a changé ; retire les passages des fichiers supprimés.

    \b
    Exemples :
      assistant ingest
      assistant ingest ~/notes-formation/ rapport.pdf
    """
    from .ingest.indexing import ingest as run_ingest

    settings = _settings(data=True)
    summary = run_ingest(settings, list(paths) or None, progress=not quiet)
    click.echo(summary.render())


@main.command()
@click.argument("question", required=False)
@click.option(
    "--stdin",
    "from_stdin",
    is_flag=True,
    help="Lit la question sur l'entrée standard (ou QUESTION = -).",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (champs de eval-format).")
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fichier JSON des tours précédents [{role, content}…] pour une question de suivi.",
)
@click.option("--full", is_flag=True, help="Réponse détaillée (profil formateur·rice).")
def ask(
    question: str | None, from_stdin: bool, as_json: bool, history: Path | None, full: bool
) -> None:
    """Pose une question et affiche la réponse citée.

    \b
    Exemples :
      assistant ask "Quels sont les trois leviers d'un modèle socio-économique ?"
      assistant ask --json "What is the MOOC about?"
      assistant ask --history tours.json "Et en 2018 ?"
      assistant ask - < question.txt           # longue question (même limite de taille)
    """
    from .answer.answering import Assistant
    from .models import Turn

    if from_stdin or question == "-":
        if question not in (None, "-"):
            raise click.UsageError(
                "Donnez la question en argument ou sur l'entrée standard, pas les deux."
            )
        question = _read_stdin_question()
    elif question is None:
        raise click.UsageError('Question manquante : `assistant ask "…"` ou `assistant ask -`.')

    turns = []
    if history:
        try:
            raw = json.loads(history.read_text(encoding="utf-8"))
            if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
                raise ValueError("attendu une liste [{role, content}…]")
            turns = [Turn(**t) for t in raw]
        except RecursionError:
            raise click.ClickException(
                f"Historique illisible ({history}) : JSON trop imbriqué. / History too nested."
            ) from None
        except (ValueError, TypeError) as exc:
            reason = " ".join(str(exc).split())[:200]  # one line, even for pydantic's
            raise click.ClickException(f"Historique illisible ({history}) : {reason}") from None
    assistant = Assistant(_settings(data=True))
    summary = assistant.ensure_index(progress=not as_json)
    if summary is not None and not as_json:
        click.echo(summary.render(), err=True)
    answer = assistant.answer(question, turns, detail="full" if full else "short")
    if as_json:
        click.echo(json.dumps(answer.to_result(), ensure_ascii=False, indent=2))
        return
    click.echo(answer.answer)
    if answer.citations:
        click.echo("\nSources :")
        seen = set()
        for citation in answer.citations:
            if citation.marker in seen:
                continue
            seen.add(citation.marker)
            page = f", p. {citation.page}" if citation.page is not None else ""
            click.echo(f"  [{citation.marker}] {citation.source} — {citation.section}{page}")


def _read_stdin_question() -> str:
    """The question from standard input (no 128 KiB argument cap), read up to a bound:
    the length limit itself is checked with the same message as for an argument."""
    from .settings import get_settings

    bound = get_settings().max_question_chars * 4 + 1  # UTF-8: at most 4 bytes a character
    data = click.get_binary_stream("stdin").read(bound)
    return data.decode("utf-8", "replace")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port.")
@click.option("--headless", is_flag=True, help="Ne pas ouvrir de navigateur.")
def chat(host: str, port: int, headless: bool) -> None:
    """Lance le chat web (Chainlit) sur le corpus indexé.

    \b
    Exemples :
      assistant chat
      assistant chat --port 8080 --headless
    """
    from .chat.launch import run_chat

    run_chat(_settings(data=True), host=host, port=port, headless=headless)


@main.group(name="eval", invoke_without_command=True)
@click.option(
    "--set",
    "set_path",
    type=click.Path(path_type=Path),
    default=Path("eval/golden.jsonl"),
    show_default=True,
    help="Jeu d'évaluation (format eval-format.md).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Dossier de sortie (results.jsonl, report.json, report.html).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
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

    from .evaluation.metrics import SUMMARY_METRICS
    from .evaluation.runner import (
        baseline_payload,
        compare_with_baseline,
        run_eval,
        write_outputs,
    )

    output = output or Path("eval/results") / datetime.now().strftime("%Y%m%d-%H%M%S")
    # Checked before the run, not after every case has been answered.
    _check_folder(output, "Dossier de sortie --output", "--output DOSSIER")
    settings = _settings(data=True)
    judge = None
    if llm_judge:
        from .evaluation.judge import Judge

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
    type=click.Path(path_type=Path),
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
    from .evaluation.feedback import export_feedback

    result = export_feedback(_settings(), output)
    click.echo(
        f"{result.drafts} brouillon(s) écrits dans {result.path}"
        + (f" ({result.skipped} retour(s) sans réponse retrouvée)" if result.skipped else "")
    )


@main.command()
@click.argument("theme", required=False)
@click.option(
    "--format",
    "formats",
    default=None,
    help="md, docx, pptx ou html ; plusieurs séparés par des virgules "
    "(défaut : md, et les quatre avec --all).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Fichier (un format) ou dossier ; avec --all, le dossier du parcours.",
)
@click.option(
    "--all", "all_days", is_flag=True, help="Le parcours : une fiche par jour, un index, un zip."
)
def fiche(theme: str | None, formats: str | None, output: Path | None, all_days: bool) -> None:
    """Prépare une fiche de séance (formation) : jour, section ou thème, chaque ligne citée.

    Sans --output, la fiche Markdown s'affiche ; les autres formats sont écrits dans le
    dossier courant.

    \b
    Exemples :
      assistant fiche "12e jour"
      assistant fiche "les alliances stratégiques" --format docx --output alliances.docx
      assistant fiche "hybridation des ressources" --format md,pptx,html --output fiches/
      assistant fiche --all --output parcours-21-jours/
    """
    from .answer.answering import Assistant
    from .trainer.pack import FORMATS, filename, render, write_pack

    chosen = tuple(
        dict.fromkeys(
            f.strip().lower().lstrip(".") for f in (formats or "").split(",") if f.strip()
        )
    )
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise click.UsageError(
            f"Format inconnu : {', '.join(unknown)} (choisir parmi {', '.join(FORMATS)})."
        )
    if all_days == bool(theme):
        raise click.UsageError(
            'Donnez un thème (`assistant fiche "12e jour"`) ou --all pour tout le parcours.'
        )
    assistant = Assistant(_settings(data=True))
    summary = assistant.ensure_index(progress=False)
    if summary is not None:
        click.echo(summary.render(), err=True)
    if all_days:
        folder = output or Path("fiches-seance")
        if folder.exists() and not folder.is_dir():
            raise click.UsageError(f"--output doit être un dossier avec --all : {folder}")

        def progress(done: int, total: int, sheet) -> None:
            click.echo(f"  {done}/{total} {sheet.title}", err=True)

        pack = write_pack(assistant, folder, chosen or FORMATS, progress)
        click.echo(
            f"{len(pack.sheets)} fiches, {len(pack.files)} fichiers en {pack.seconds:.1f} s → "
            f"{pack.folder}/ et {pack.archive}"
        )
        return
    from .trainer.build import build_sheet

    sheet = build_sheet(assistant, theme or "")
    chosen = chosen or ("md",)
    if output is None and chosen == ("md",):
        click.echo(render(sheet, "md").decode("utf-8"))
        return
    targets = []
    for fmt in chosen:
        if output is not None and len(chosen) == 1 and not output.is_dir() and output.suffix:
            target = output
        else:
            target = (output or Path.cwd()) / filename(sheet, fmt)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(sheet, fmt))
        targets.append(target)
    for target in targets:
        click.echo(f"Fiche écrite : {target}")


@main.group(name="index")
def index_group() -> None:
    """Voir, vérifier et choisir les générations de l'index (base locale).

    Chaque `assistant ingest` construit une nouvelle génération, la vérifie, puis y bascule ;
    rien n'est supprimé tant qu'une génération plus récente vérifiée ne la remplace pas.

    \b
    Exemples :
      assistant index status
      assistant index verify
      assistant index rollback                 # revient à la génération précédente
      assistant index rollback gen-20250101-120000-abcdef
    """


@index_group.command("status")
def index_status() -> None:
    """Liste les générations : servie, précédente, vérifiée ou non.

    \b
    Exemple :
      assistant index status
    """
    from .backends.store import collection_name, generation_report

    settings = _settings()
    generations, pointer, problem = generation_report(settings)
    name = collection_name(settings)
    click.echo(f"Index : {settings.chroma_dir} (collection {name})")
    if problem:
        click.echo(f"  attention : {problem}")
    elif pointer is None and generations:
        click.echo("  attention : pointeur d'index absent (CURRENT)")
    if not generations:
        click.echo("  aucune génération : lancez `assistant ingest`.")
    current = pointer.get("current") if pointer else None
    previous = pointer.get("previous") if pointer else None
    for generation in generations:
        role = {current: "actuelle", previous: "précédente"}.get(generation.name, "")
        if generation.ok:
            state = "vérifiée" if generation.committed else "inachevée (jamais mise en service)"
        else:
            state = f"ILLISIBLE : {generation.problem}"
        chunks = f"{generation.chunks(name)} passage(s)" if generation.readable else "—"
        when = (generation.manifest or {}).get("committed_at", "")
        label = f"{generation.name} ({role})" if role else generation.name
        click.echo(f"  {label} — {chunks} — {state}" + (f" — {when}" if when else ""))


@index_group.command("verify")
@click.argument("names", nargs=-1)
def index_verify(names: tuple[str, ...]) -> None:
    """Vérifie en profondeur les générations (par défaut toutes) ; code ≠ 0 si la
    génération actuelle ou une génération nommée est illisible.

    \b
    Exemples :
      assistant index verify
      assistant index verify gen-20250101-120000-abcdef
    """
    from .backends.store import generation_report, verify_generation

    settings = _settings()
    generations, pointer, problem = generation_report(settings)
    wanted = list(names) or [g.name for g in generations]
    current = pointer.get("current") if pointer else None
    failed = []
    for name in wanted:
        checked = verify_generation(settings, name)
        click.echo(f"  {name} : " + ("ok" if checked.ok else f"ILLISIBLE — {checked.problem}"))
        if not checked.ok and (names or name == current):
            failed.append(name)
    if problem is None and pointer is None and generations:
        problem = "pointeur d'index absent (CURRENT)"
    if problem:
        failed.append("pointeur")
        click.echo(f"  pointeur : {problem}")
    if failed:
        raise click.ClickException(
            "Index en défaut : " + ", ".join(failed) + " (voir `assistant index rollback`)."
        )


@index_group.command("rollback")
@click.argument("name", required=False)
def index_rollback(name: str | None) -> None:
    """Sert la génération NOM (par défaut la précédente), après vérification ; ne supprime rien.

    \b
    Exemples :
      assistant index rollback
      assistant index rollback gen-20250101-120000-abcdef
    """
    from .backends.store import rollback

    target, previous = rollback(_settings(), name)
    click.echo(
        f"Génération servie : {target}"
        + (f" (la précédente est maintenant {previous})." if previous else ".")
    )


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Mesure vitesse, mémoire et passage à l'échelle (docs/benchmarks.md).

    Lance ``python -m bench.run`` depuis la copie du dépôt ; les options lui sont passées.

    \b
    Exemples :
      assistant bench --help
      assistant bench --sections core,naive
      assistant bench --sections scale --scales 1,10 --stores embedded
    """
    import subprocess

    # The benchmark lives in the checkout, not in the package: the working directory,
    # else the folder above the package (an editable install).
    for checkout in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if (checkout / "bench" / "run.py").is_file():
            sys.exit(subprocess.call([sys.executable, "-m", "bench.run", *args], cwd=checkout))
    raise click.ClickException("bench/ absent : lancez depuis une copie du dépôt.")


def run() -> None:  # pragma: no cover - console entry point alias
    main()


if __name__ == "__main__":  # pragma: no cover
    main()
