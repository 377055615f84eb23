"""``assistant fiche``: a session sheet or the 21-day course pack."""

from __future__ import annotations

from pathlib import Path

import click

from .common import PATH, open_reader


@click.command()
@click.argument("theme", required=False)
@click.option(
    "--format",
    "formats",
    default=None,
    help="md, docx, pptx, html, ou les aides à l'étude faq, csv, apkg (cartes mémoire "
    "Anki) ; plusieurs séparés par des virgules (défaut : md ; avec --all les quatre "
    "formats de fiche, les FAQ, la frise, la carte des 21 jours et les cartes mémoire).",
)
@click.option(
    "--output",
    "-o",
    type=PATH,
    default=None,
    help="Fichier (un format) ou dossier ; avec --all, le dossier du parcours.",
)
@click.option(
    "--all", "all_days", is_flag=True, help="Le parcours : une fiche par jour, un index, un zip."
)
@click.option(
    "--duree",
    "minutes",
    type=click.IntRange(30, 480),
    default=120,
    show_default=True,
    help="Durée de la séance en minutes (le déroulé minuté de la fiche).",
)
def fiche(
    theme: str | None, formats: str | None, output: Path | None, all_days: bool, minutes: int
) -> None:
    """Prépare une fiche de séance (formation) : jour, section ou thème, chaque ligne citée.

    Sans --output, la fiche Markdown s'affiche ; les autres formats sont écrits dans le
    dossier courant.

    \b
    Exemples :
      assistant fiche "12e jour"
      assistant fiche "12e jour" --duree 90
      assistant fiche "les alliances stratégiques" --format docx --output alliances.docx
      assistant fiche "hybridation des ressources" --format md,pptx,html --output fiches/
      assistant fiche --all --output parcours-21-jours/
    """
    from ..trainer.pack import AIDS, FORMATS, filename, render, write_pack

    chosen = tuple(
        dict.fromkeys(
            f.strip().lower().lstrip(".") for f in (formats or "").split(",") if f.strip()
        )
    )
    unknown = [f for f in chosen if f not in FORMATS + AIDS]
    if unknown:
        raise click.UsageError(
            f"Format inconnu : {', '.join(unknown)} (choisir parmi {', '.join(FORMATS + AIDS)})."
        )
    if all_days == bool(theme):
        raise click.UsageError(
            'Donnez un thème (`assistant fiche "12e jour"`) ou --all pour tout le parcours.'
        )
    single = None if all_days else single_target(output, chosen or ("md",))
    assistant = open_reader()
    if all_days:
        folder = output or Path("fiches-seance")
        if folder.exists() and not folder.is_dir():
            raise click.UsageError(f"--output doit être un dossier avec --all : {folder}")

        def progress(done: int, total: int, sheet) -> None:
            click.echo(f"  {done}/{total} {sheet.title}", err=True)

        sheet_formats = tuple(f for f in chosen if f in FORMATS) or FORMATS
        try:
            pack = write_pack(assistant, folder, sheet_formats, progress, minutes)
        except OSError as exc:
            raise click.ClickException(
                f"--output : parcours non écrit ({folder} : {exc.strerror or exc}). / Not written."
            ) from None
        click.echo(
            f"{len(pack.sheets)} fiches, {len(pack.files)} fichiers en {pack.seconds:.1f} s → "
            f"{pack.folder}/ et {pack.archive}"
        )
        return
    from ..trainer.build import build_sheet

    sheet = build_sheet(assistant, theme or "", minutes=minutes)
    chosen = chosen or ("md",)
    if output is None and chosen == ("md",):
        click.echo(render(sheet, "md").decode("utf-8"))
        return
    targets = []
    for fmt in chosen:
        target = single or (output or Path.cwd()) / filename(sheet, fmt)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render(sheet, fmt))
        except OSError as exc:
            raise click.ClickException(
                f"--output : fiche non écrite ({target} : {exc.strerror or exc}). Choisissez "
                "un dossier accessible en écriture. / Sheet not written."
            ) from None
        targets.append(target)
    for target in targets:
        click.echo(f"Fiche écrite : {target}")


def single_target(output: Path | None, chosen: tuple[str, ...]) -> Path | None:
    """The file ``--output`` names, or None when it names a folder (or nothing).

    Decided before the sheet is built. One format and a name with an extension: that file,
    and the extension must be the format's (``--format docx --output x.md`` wrote Word
    into a ``.md``); a name without extension is a folder, so an existing file without
    extension is refused rather than used as one. Several formats: a folder."""
    if output is None or output.is_dir():
        return None
    if output.suffix:
        if len(chosen) > 1:
            raise click.UsageError(
                f"--output {output} : un dossier est attendu avec plusieurs formats."
            )
        wanted = "." + chosen[0]
        if output.suffix.lower() != wanted:
            raise click.UsageError(
                f"--output {output} : l'extension ne correspond pas au format {chosen[0]} "
                f"(attendu {output.stem}{wanted}). / Extension does not match the format."
            )
        return output
    if output.exists() or output.is_symlink():
        raise click.UsageError(
            f"--output {output} : fichier existant sans extension ; donnez un dossier ou un "
            f"nom en « .{chosen[0]} ». / Existing file without extension."
        )
    return None
