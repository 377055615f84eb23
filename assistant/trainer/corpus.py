"""What the trainer reads off the whole corpus rather than the sheet's scope, computed once
per index and kept on the retriever: the words the note writes in lower case, and the cache
the other corpus-wide tables (acronyms, names, figures, word groups) are kept in."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..search.retrieval import Retriever
from ..textnorm import fold

T = TypeVar("T")


def cached(retriever: Retriever, name: str, make: Callable[[], T], extra: Any = None) -> T:
    """``make()`` once per loaded index: kept on the retriever (which one index shares
    across sheets and chat sessions) under ``name``, made again when the index changes —
    a re-ingest that edits text but keeps the number of chunks included — or ``extra``."""
    signature = (retriever.version, extra)
    cache = getattr(retriever, name, None)
    if cache is not None and cache[0] == signature:
        return cache[1]
    value = make()
    setattr(retriever, name, (signature, value))
    return value


def vocabulary(retriever: Retriever) -> frozenset[str]:
    """Words the corpus writes in lower case: a capitalised one of them opening a
    name (« Haut conseil ») is a common word, not a name."""

    def make() -> frozenset[str]:
        return frozenset(
            fold(w)
            for chunk in retriever.chunks
            for w in re.findall(r"(?<![\w’'-])[a-zà-ÿ][\w’'-]+", chunk.text)
        )

    return cached(retriever, "_trainer_words", make)


def reader(retriever: Retriever):  # -> reading.Reader (imported lazily)
    """The spaCy readings of the corpus's lines, kept in the user's cache folder (keyed by
    the line's text, so any corpus shares it): a sheet reads its scope's lines in one batch
    (:func:`read_lines`), loading the pipeline only when some are not in the file yet. Not
    in the data folder: `fiche` reads an index and never writes there (issue 21)."""
    from .reading import Reader

    def make() -> Reader:
        from .. import resources

        model = retriever.settings.nlp_model
        cached_file = readings_cache_dir() / f"trainer-reading-{model}.json"
        return Reader(cached_file, model, resources.shipped_readings(model))

    return cached(retriever, "_trainer_reader", make)


def readings_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/assistant-rameau`` (``~/.cache/assistant-rameau``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assistant-rameau"


def read_lines(retriever: Retriever, units: list) -> None:
    """Read, in one batch, the lines (and their sentences) of ``units`` (textunits.Unit)
    the readings file does not hold yet, and keep them."""
    from ..textunits import split_sentences

    lines: list[str] = []
    for unit in units:
        for line in unit.text.split("\n"):
            lines.append(_line_of(line))
            lines += [s.strip() for s in split_sentences(line) if s.strip()]
    found = reader(retriever)
    found.read_all([x for x in lines if x])
    found.save()


def _line_of(line: str) -> str:
    from ..textunits import is_item, strip_bullet

    return strip_bullet(line) if is_item(line) else line.strip()


def line_leans(retriever: Retriever, line: str) -> bool:
    """Read alone, ``line`` leans on the sentence before it (spaCy's reading of its opening,
    or the units' own test): it is never shown alone (a quiz prompt, an example)."""
    from .material import leans_alone

    line = _line_of(line)
    return bool(line) and (leans_alone(line) or reader(retriever).read(line).leans)
