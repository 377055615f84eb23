"""``assistant ask``: one question, its cited answer (text or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import PATH, open_reader

if TYPE_CHECKING:  # imported when the command runs (by open_reader)
    from ..answer.answering import Assistant


@click.command()
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
    type=PATH,
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
    from ..models import Turn

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
        text = _read_history(history)
        try:
            raw = json.loads(text)
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
    assistant: Assistant = open_reader(progress=not as_json, report=not as_json)
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


def _read_history(path: Path) -> str:
    """The history file, a regular file read up to the history's own bound (JSON escapes
    counted): ``--history /dev/zero`` once read forever."""
    from ..files import FileProblem, read_regular_text
    from ..settings import get_settings

    bound = get_settings().max_history_received_chars * 6 + 65536
    try:
        return read_regular_text(path, bound, "Historique --history")
    except FileNotFoundError:
        raise click.ClickException(f"Historique introuvable : {path}. / No such file.") from None
    except FileProblem as exc:
        raise click.ClickException(str(exc)) from None


def _read_stdin_question() -> str:
    """The question from standard input (no 128 KiB argument cap), read up to a bound:
    the length limit itself is checked with the same message as for an argument."""
    from ..settings import get_settings

    bound = get_settings().max_question_chars * 4 + 1  # UTF-8: at most 4 bytes a character
    data = click.get_binary_stream("stdin").read(bound)
    return data.decode("utf-8", "replace")
