"""``assistant bench``: run the benchmarks of a checkout."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(
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
    for checkout in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (checkout / "bench" / "run.py").is_file():
            sys.exit(subprocess.call([sys.executable, "-m", "bench.run", *args], cwd=checkout))
    raise click.ClickException("bench/ absent : lancez depuis une copie du dépôt.")
