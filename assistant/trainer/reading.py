"""The trainer's French reading of the note's sentences (spaCy): what a sentence leans on,
its noun phrases and its named entities.

Loading spaCy's pipeline costs seconds and parsing the whole note a few more, so a sheet
never parses at import time: the first sheet of an index parses every line of the corpus
in one batch and keeps the result in a file of the user's cache folder
(``~/.cache/assistant-rameau/trainer-reading-<model>.json``; never the data folder, which a
reader must not write); the next processes read that file and load no pipeline at all. A
line the file does not hold (an upload, an edit) is parsed on demand and added.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ..nlp import pipeline

log = logging.getLogger(__name__)

# The connectives the eval's ``leaning_quotes`` lists, with the ones French prose adds in the
# same use (a sentence that goes on from the one before): not a word list to grow per case.
_CONNECTIVES = re.compile(
    r"^(?:mais|ainsi|aussi|en effet|par ailleurs|de plus|en outre|toutefois|pourtant|donc|"
    r"enfin|cependant|néanmoins|en revanche|de même|d[’']ailleurs|dès lors|c[’']est pourquoi|"
    r"pour autant|par conséquent|en ce sens|dans ce cadre|à ce titre|pour cela|là encore|"
    r"avec (?:cette|ce|cet|ces)|tel est|telle est|tels sont|telles sont|vous y|"
    r"c[’']est ce que|c[’']est ce qui|depuis,|parmi eux|parmi elles)\b",
    re.IGNORECASE,
)
_DEMONSTRATIVE = {
    "ce", "cet", "cette", "ces", "cela", "ceci", "ça", "celui", "celle", "celles", "ceux",
    "celui-ci", "celle-ci", "ceux-ci", "celles-ci",
}  # fmt: skip
_PERSONAL = {"il", "ils", "elle", "elles"}
# « Il y a », « Il existe », « Il faut », « Il s'agit », « Il est + adjectif »: impersonal.
_IMPERSONAL = re.compile(
    r"^il\s+(?:y\s+a|y\s+avait|existe|existait|faut|fallait|s[’']agit|convient|reste|"
    r"importe|suffit|semble|apparaît|apparait|manque)\b",
    re.IGNORECASE,
)
_OPENING_SIGNS = re.compile(r"^[\s«“\"(•▪o\-–—*]*(?:\d{1,2}[.)]\s+)?")


@dataclass(frozen=True)
class Token:
    start: int  # character offsets in the sentence
    end: int
    pos: str
    dep: str
    head: int  # index of the head token in the sentence
    morph: str


@dataclass(frozen=True)
class Reading:
    """One line of the note as spaCy reads it (character offsets into ``text``)."""

    text: str
    tokens: tuple[Token, ...]
    noun_chunks: tuple[tuple[int, int], ...]
    entities: tuple[tuple[int, int, str], ...]  # start, end, label (ORG, LOC, PER, MISC)

    def words(self) -> list[str]:
        return [self.text[t.start : t.end] for t in self.tokens]

    @property
    def leans(self) -> bool:
        return leans(self)

    def entity_names(self) -> list[tuple[str, str]]:
        return [(self.text[s:e], label) for s, e, label in self.entities]

    def phrases(self) -> list[tuple[int, int]]:
        """The sentence's noun phrases as a room names them: a noun chunk without its
        determiner or preposition (« ressources financières »), with the « de » complements
        that follow it (« mobilisation des richesses humaines », « feuille de route »)."""
        return noun_phrases(self.text, self.tokens, self.noun_chunks)


_LEADING = {"DET", "ADP", "PRON", "CCONJ", "ADV", "PUNCT", "NUM"}
_OF = {"de", "des", "du", "d’", "d'"}


def noun_phrases(
    text: str, tokens: tuple[Token, ...] | list, chunks: tuple[tuple[int, int], ...] | list
) -> list[tuple[int, int]]:
    """Shared by the trainer and its tests: ``tokens`` need ``start``, ``end``, ``pos``."""
    starts = {t.start: i for i, t in enumerate(tokens)}
    spans: list[list[int]] = []  # token index ranges [first, last]
    for start, end in chunks:
        first = starts.get(start)
        if first is None:
            continue
        last = first
        while last + 1 < len(tokens) and tokens[last + 1].end <= end:
            last += 1
        while first <= last and tokens[first].pos in _LEADING:
            first += 1
        if first > last or not any(
            tokens[i].pos in ("NOUN", "PROPN") for i in range(first, last + 1)
        ):
            continue
        if spans and _joins(text, tokens, spans[-1][1], first):
            spans[-1][1] = last  # « feuille » + « de » + « route »
        else:
            spans.append([first, last])
    return [(tokens[a].start, tokens[b].end) for a, b in spans]


def _joins(text: str, tokens, previous_last: int, first: int) -> bool:  # tokens: Token-like
    """Only « de / des / du / d' » (and a determiner after it) between two phrases."""
    between = [text[t.start : t.end].lower() for t in tokens[previous_last + 1 : first]]
    return (
        bool(between)
        and between[0] in _OF
        and all(w in _OF or w in {"la", "le", "les", "l’", "l'"} for w in between)
    )


def leans(reading: Reading) -> bool:
    """Read alone, the sentence leans on the one before it: it opens (after a bullet or a
    list number) on a demonstrative (« Ces chiffres… », « Cet accompagnement… »), a
    personal subject pronoun that is not impersonal (« Il a recommandé… », not « Il existe
    … »), a possessive determiner (« Leur modèle… », « Son action… ») or a connective
    (« Avec cette clarification… », « En effet… »), the definition of the eval's
    ``leaning_quotes``, read with the sentence's morphology."""
    text = reading.text
    skip = _OPENING_SIGNS.match(text)
    offset = skip.end() if skip else 0
    rest = text[offset:]
    if _CONNECTIVES.match(rest):
        return True
    first = next((t for t in reading.tokens if t.start >= offset and t.pos != "PUNCT"), None)
    if first is None:
        return False
    word = text[first.start : first.end].lower()
    morph = first.morph
    if word in _DEMONSTRATIVE or ("PronType=Dem" in morph and word not in {"c’", "c'"}):
        # « C'est en juillet 2016 que… » is a cleft; « C'est ce que… » is caught above.
        return True
    if "Poss=Yes" in morph and first.pos == "DET":
        return True
    if word in _PERSONAL:
        # Only the impersonal forms the eval lists: the parser reads « Il permet de
        # répondre… » as impersonal (expl:subj) where « Il » is a centre of resources.
        if _IMPERSONAL.match(rest):
            return False
        # « Il est + adjectif » (« Il est essentiel de… »): impersonal.
        after = [t for t in reading.tokens if t.start > first.start][:2]
        is_adjective = (
            len(after) == 2
            and text[after[0].start : after[0].end].lower() == "est"
            and after[1].pos == "ADJ"
        )
        return not (word == "il" and is_adjective)
    return False


_HEADING_CHARS = 90
_FINAL = (".", "!", "?", "…", ":", ";", "»", ")", "”", '"')


def is_heading(text: str) -> bool:
    """A short line with no final punctuation: a title of the note, not a message."""
    text = text.strip()
    return len(text) < _HEADING_CHARS and not text.endswith(_FINAL)


class Reader:
    """The readings of the corpus's lines, kept in ``path`` between processes."""

    def __init__(self, path: Path | None, model: str, shipped: Path | None = None) -> None:
        """``shipped``: the readings of the shipped note made with the same pipeline (gzip
        JSON, ``scripts/seed_readings.py``): a first sheet of the note loads no pipeline."""
        self.path = path
        self.model = model
        self._readings: dict[str, Reading] = {}
        self._lock = threading.Lock()
        self._dirty = False
        for source in (shipped, path):
            for text, row in _stored(source, model).items():
                self._readings[text] = _decode(text, row)

    def read(self, text: str) -> Reading:
        """The reading of ``text``: kept, else cut out of a kept line that holds it (a
        sentence of a list item, a line the quiz splits otherwise), else parsed."""
        found = self._readings.get(text)
        if found is None:
            found = self._inside(text)
            if found is None:
                self.read_all([text])
                found = self._readings[text]
            self._readings.setdefault(text, found)
        return found

    def _inside(self, text: str) -> Reading | None:
        if len(text) < 20:
            return None
        for line, reading in list(self._readings.items()):
            at = line.find(text)
            if at >= 0:
                return _cut(reading, at, at + len(text))
        return None

    def read_all(self, texts: list[str]) -> None:
        """Parse, in one batch, the lines not read yet."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._readings))
        if not missing:
            return
        with self._lock:
            nlp = pipeline(self.model)
            # Lemmas are not read here: the lemmatizer is left out of this run only (the
            # pipeline is shared with the rest of the process).
            skip = [name for name in ("lemmatizer",) if name in nlp.pipe_names]
            docs = nlp.pipe(missing, batch_size=64, disable=skip)
            for text, doc in zip(missing, docs, strict=True):
                self._readings[text] = _from_doc(text, doc)
            self._dirty = True
        log.info("spaCy read %d lines", len(missing))

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        rows = {text: _encode(r) for text, r in self._readings.items()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(
                json.dumps({"model": self.model, "lines": rows}, ensure_ascii=False), "utf-8"
            )
            temporary.replace(self.path)
            self._dirty = False
        except OSError as exc:  # a read-only data folder: the readings stay in memory
            log.warning("trainer readings not saved: %s", exc)


def _stored(path: Path | None, model: str) -> dict:
    """The lines a readings file holds (``.json`` or ``.json.gz``), when it was made with
    ``model``; nothing when it is missing or unreadable (the lines are parsed again)."""
    if path is None or not path.is_file():
        return {}
    try:
        data = path.read_bytes()
        raw = json.loads(gzip.decompress(data) if path.suffix == ".gz" else data)
    except (OSError, ValueError, EOFError):
        return {}
    if not isinstance(raw, dict) or raw.get("model") != model:
        return {}
    lines = raw.get("lines", {})
    return lines if isinstance(lines, dict) else {}


def write_shipped(reader: Reader, path: Path) -> int:
    """Write ``reader``'s readings as a shipped file (gzip JSON); returns the line count."""
    rows = {text: _encode(r) for text, r in sorted(reader._readings.items())}
    payload = json.dumps({"model": reader.model, "lines": rows}, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(payload.encode("utf-8"), mtime=0))
    return len(rows)


def _cut(reading: Reading, start: int, end: int) -> Reading:
    """The part of a reading between two offsets, offsets made relative to it (heads are
    kept as indices of the whole line: only the tokens' own fields are read)."""
    return Reading(
        reading.text[start:end],
        tuple(
            Token(t.start - start, t.end - start, t.pos, t.dep, t.head, t.morph)
            for t in reading.tokens
            if t.start >= start and t.end <= end
        ),
        tuple((a - start, b - start) for a, b in reading.noun_chunks if a >= start and b <= end),
        tuple(
            (a - start, b - start, label)
            for a, b, label in reading.entities
            if a >= start and b <= end
        ),
    )


def _from_doc(text: str, doc) -> Reading:  # doc: a spaCy Doc
    tokens = tuple(
        Token(t.idx, t.idx + len(t.text), t.pos_, t.dep_, t.head.i, str(t.morph)) for t in doc
    )
    try:
        chunks = tuple((c.start_char, c.end_char) for c in doc.noun_chunks)
    except ValueError:  # no parser in the pipeline
        chunks = ()
    entities = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    return Reading(text, tokens, chunks, entities)


def _encode(reading: Reading) -> list:
    return [
        [[t.start, t.end, t.pos, t.dep, t.head, t.morph] for t in reading.tokens],
        [list(c) for c in reading.noun_chunks],
        [list(e) for e in reading.entities],
    ]


def _decode(text: str, row: list) -> Reading:
    tokens, chunks, entities = row
    return Reading(
        text,
        tuple(Token(*t) for t in tokens),
        tuple((s, e) for s, e in chunks),
        tuple((s, e, label) for s, e, label in entities),
    )
