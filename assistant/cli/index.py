"""``assistant index``: see, verify and choose the index generations."""

from __future__ import annotations

import click

from .common import DATA_HOW, DATA_WHAT, check_folder, check_readable_folder, settings_for


@click.group(name="index")
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


def _index_settings():
    """The settings, with a data folder that can at least be read (or is absent)."""
    settings = settings_for()
    check_readable_folder(settings.data_dir, DATA_WHAT, DATA_HOW)
    return settings


def pointer_problem(generations, pointer) -> str | None:
    """What is wrong with a pointer that could be read: absent beside generations, or
    naming a generation that is not on disk (served nothing: readers fall back)."""
    if pointer is None:
        return "pointeur d'index absent (CURRENT)" if generations else None
    names = {generation.name for generation in generations}
    if pointer["current"] not in names:
        return (
            f"le pointeur nomme {pointer['current']}, absente du disque (une autre génération "
            "est servie ; `assistant index rollback NOM` ou `assistant ingest`)"
        )
    return None


@index_group.command("status")
def index_status() -> None:
    """Liste les générations : servie, précédente, vérifiée ou non.

    \b
    Exemple :
      assistant index status
    """
    from ..backends.store import collection_name, generation_report

    settings = _index_settings()
    generations, pointer, problem = generation_report(settings)
    name = collection_name(settings)
    click.echo(f"Index : {settings.chroma_dir} (collection {name})")
    problem = problem or pointer_problem(generations, pointer)
    if problem:
        click.echo(f"  attention : {problem}")
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
    from ..backends.store import generation_report, verify_generation

    settings = _index_settings()
    generations, pointer, problem = generation_report(settings)
    wanted = list(names) or [g.name for g in generations]
    current = pointer.get("current") if pointer else None
    failed = []
    for name in wanted:
        checked = verify_generation(settings, name)
        click.echo(f"  {name} : " + ("ok" if checked.ok else f"ILLISIBLE — {checked.problem}"))
        if not checked.ok and (names or name == current):
            failed.append(name)
    problem = problem or pointer_problem(generations, pointer)
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
    from ..backends.store import rollback

    settings = _index_settings()
    check_folder(settings.data_dir, DATA_WHAT, DATA_HOW)  # the pointer is rewritten
    target, previous = rollback(settings, name)
    click.echo(
        f"Génération servie : {target}"
        + (f" (la précédente est maintenant {previous})." if previous else ".")
    )
