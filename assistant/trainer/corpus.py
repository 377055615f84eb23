"""What the trainer reads off the whole corpus rather than the sheet's scope, computed once
per index and kept on the retriever: the words the note writes in lower case, and the cache
the other corpus-wide tables (acronyms, names, figures, word groups) are kept in."""

from __future__ import annotations

import re
from collections.abc import Callable
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
