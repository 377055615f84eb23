"""``assistant ingest``: index documents, only what changed."""

from __future__ import annotations

from pathlib import Path

import click

from .common import PATH, settings_for


@click.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
def ingest(paths: tuple[Path, ...], quiet: bool) -> None:
    """Indexe des documents (PDF, .md, .txt) ; par défaut le dossier corpus/.

    Ne ré-indexe que ce qui a changé ; retire les passages des fichiers supprimés.

    \b
    Exemples :
      assistant ingest
      assistant ingest ~/notes-formation/ rapport.pdf
    """
    from ..ingest.indexing import ingest as run_ingest

    settings = settings_for(data=True)
    summary = run_ingest(settings, list(paths) or None, progress=not quiet)
    click.echo(summary.render())
