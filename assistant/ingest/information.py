"""What each sentence of a chunk names, read at ingest by spaCy: the organisations, people
and places it names (named entities ORG, PER, LOC) and the numbers it gives. A section's
summary favours the units that tell the most of these (:mod:`assistant.answer.summary`);
spaCy reads them better than capitalised words do (docs/evaluation.md, issue 18).

spaCy never runs at query time (a fresh ``assistant ask`` could not load it in its budget):
the reading travels with its chunk as one metadata string, like the sentence vectors, one
list per sentence of :func:`assistant.textunits.split_sentences`. The shipped note's reading
is shipped too (``assistant/resources/readings/information-<model>.json.gz``, written by
``scripts/seed_information.py``), so a first start loads no pipeline; only other files'
sentences are parsed. Without spaCy (or its model), chunks carry no reading and the summary
reads capitalised words and digits instead.
"""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

from ..errors import AssistantError
from ..models import Chunk
from ..textnorm import fold
from .sentvectors import sentences_of

log = logging.getLogger(__name__)

FORMAT = "inf1"
LABELS = ("ORG", "PER", "LOC")  # MISC (titles, events…) measured worse: docs/evaluation.md


def read_sentences(sentences: list[str], model: str) -> list[list[str]]:
    """Each sentence's named entities (folded) and numbers (« #82 »), parsed in one batch."""
    from ..nlp import pipeline

    nlp = pipeline(model, parser=False)
    skip = [name for name in ("lemmatizer",) if name in nlp.pipe_names]
    out: list[list[str]] = []
    for doc in nlp.pipe(sentences, batch_size=64, disable=skip):
        names = {fold(e.text) for e in doc.ents if e.label_ in LABELS}
        numbers = {"#" + t.text for t in doc if t.like_num}
        out.append(sorted(names | numbers))
    return out


def pack(rows: list[list[str]]) -> str:
    return FORMAT + ":" + json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def unpack(blob: str | None) -> list[frozenset[str]] | None:
    """The per-sentence readings of :func:`pack`, or None for a missing or foreign blob."""
    if not blob or not blob.startswith(FORMAT + ":"):
        return None
    try:
        rows = json.loads(blob[len(FORMAT) + 1 :])
    except ValueError:
        return None
    if not isinstance(rows, list):
        return None
    return [frozenset(row) if isinstance(row, list) else frozenset() for row in rows]


def shipped(path: Path | None, model: str) -> dict[str, list[str]]:
    """The shipped note's sentence readings (sentence → items), when made with ``model``."""
    if path is None or not path.is_file():
        return {}
    try:
        raw = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError):
        return {}
    if not isinstance(raw, dict) or raw.get("model") != model:
        return {}
    sentences = raw.get("sentences", {})
    return sentences if isinstance(sentences, dict) else {}


def write_shipped(readings: dict[str, list[str]], model: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"model": model, "sentences": readings}, ensure_ascii=False, sort_keys=True)
    path.write_bytes(gzip.compress(data.encode("utf-8"), mtime=0))


def information_of(chunks: list[Chunk], model: str, seed: Path | None) -> dict[str, str]:
    """Chunk id → its packed reading; a sentence the seed does not hold is parsed (one batch
    for all). Without spaCy, no chunk gets one."""
    if not chunks:
        return {}
    known = shipped(seed, model)
    missing = list(dict.fromkeys(s for c in chunks for s in sentences_of(c.text) if s not in known))
    if missing:
        try:
            known = known | dict(zip(missing, read_sentences(missing, model), strict=True))
        except (AssistantError, ImportError, OSError) as exc:
            log.warning("no spaCy reading of the chunks (%s): summaries read capitals", exc)
            return {}
    return {c.id: pack([known[s] for s in sentences_of(c.text)]) for c in chunks}
