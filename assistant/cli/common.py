"""What every command shares: the settings, read and checked once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # imported when a command runs: ``assistant --help`` stays light
    from ..answer.answering import Assistant


class PathArg(click.ParamType):
    """A path argument or option, through the same validator as the path settings
    (:func:`assistant.settings.checked_path`): an empty path is refused in one line rather
    than read as the current folder."""

    name = "chemin"

    def convert(self, value, param, ctx) -> Path:
        from ..settings import checked_path

        if isinstance(value, Path):
            value = str(value)
        what = param.opts[0] if param is not None and param.opts else "chemin"
        try:
            return checked_path(value, what)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


PATH = PathArg()


def settings_for(data: bool = False, **overrides):
    """The settings; with ``data``, the data folder is checked first (created if needed,
    and writable), so a bad ASSISTANT_DATA_DIR is one line, not a traceback later."""
    from ..settings import get_settings

    settings = get_settings(**{k: v for k, v in overrides.items() if v is not None})
    if data:
        check_folder(settings.data_dir, DATA_WHAT, DATA_HOW)
    return settings


DATA_WHAT, DATA_HOW = "Dossier de données", "ASSISTANT_DATA_DIR"


def open_reader(progress: bool = False, report: bool = True) -> Assistant:
    """The assistant of a read command (``ask``, ``fiche``): it serves what the data folder
    holds, which may be read-only; it builds only at a first start (no index at all), and
    then needs a writable folder like ``ingest``. With ``report``, the summary of that first
    build is written on stderr."""
    from ..answer.answering import Assistant

    settings = settings_for()
    check_readable_folder(settings.data_dir, DATA_WHAT, DATA_HOW)
    assistant = Assistant(settings)
    if assistant.store.generation is None:
        check_folder(settings.data_dir, DATA_WHAT, DATA_HOW)
    summary = assistant.ensure_index(progress=progress)
    if summary is not None and report:
        click.echo(summary.render(), err=True)
    if assistant.behind:
        click.echo(assistant.behind, err=True)
    return assistant


def check_readable_folder(path: Path, what: str, how: str) -> None:
    """A folder that may be read-only: it exists as a folder we can list, or not yet."""
    import os

    try:
        if not path.exists():
            if os.path.lexists(path):  # a link to nowhere, or a loop of links
                raise OSError(40, "lien symbolique cassé ou en boucle")
            return
        if not path.is_dir():
            raise NotADirectoryError(20, "ce n'est pas un dossier")
        if not os.access(path, os.R_OK | os.X_OK):
            raise PermissionError(13, "illisible")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise click.ClickException(
            f"{what} inutilisable : {path} ({reason}). Choisissez un dossier lisible "
            f"({how}). / Unusable folder."
        ) from None


def check_folder(path: Path, what: str, how: str) -> None:
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
