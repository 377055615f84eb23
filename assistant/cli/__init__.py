"""The ``assistant`` command: ingest, ask, chat, eval, fiche, index, bench — one module a
command. Errors are one clear line, exit ≠ 0."""

from __future__ import annotations

import logging
import os
import sys

import click

from .. import __version__
from .ask import ask
from .bench import bench
from .chat import chat
from .evaluate import eval_
from .fiche import fiche
from .index import index_group
from .ingest import ingest


class _Errors(click.Group):
    """Turn the project's own errors into a one-line message instead of a traceback."""

    def invoke(self, ctx: click.Context):
        from ..errors import AssistantError

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
        except BaseException as exc:
            # A panic of Chroma's Rust bindings is a BaseException: one line too.
            from ..backends.store.chroma_internals import is_rust_panic, panic_text

            if not is_rust_panic(exc):
                raise
            raise click.ClickException(
                f"chromadb a échoué (panique Rust : {panic_text(exc)}). La base a peut-être "
                "été écrite par une autre version de chromadb : voyez `assistant index "
                "status`, ou relancez `assistant ingest`. / chromadb panicked."
            ) from None


def _pydantic_message(exc) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(x) for x in error.get("loc", ()))
        parts.append(f"ASSISTANT_{field.upper()}: {error.get('msg')}")
    return "; ".join(parts)


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
    from ..settings import OFFLINE_ENV

    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


for command in (ingest, ask, chat, eval_, fiche, index_group, bench):
    main.add_command(command)


def run() -> None:  # pragma: no cover - console entry point alias
    main()
