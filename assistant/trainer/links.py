"""The note's links, restored: cleaning removes URLs from the indexed text (footnotes that
are only a link, link lines the PDF extraction prints at the foot of a page), so the
trainer reads them back from the source document and binds each to the sentence it
documents.

- a footnote « 25 https://www.coursera.org/… » goes with the sentence that carries its
  call (« Découvrez le contenu des 4 modules ici25. »);
- a link line with no call goes with the sentence of its page whose words its address
  shares most (« …plateformecapitalisation.org » with « la plateforme … »); with none in
  common it is listed in the pack's page of links only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..ingest.cleaning import _FOOTER, _RULE, _URL, _read_footnotes, normalise_line
from ..search.retrieval import Retriever
from ..textnorm import fold, tokens
from .corpus import cached

_FOOTNOTE = re.compile(r"^(\d{1,3})\s+(.*)$")
_ANCHOR_WORDS = 7


@dataclass(frozen=True)
class NoteLink:
    url: str
    anchor: str  # the words of the note the link goes with (before the call), cleaned
    label: str  # the footnote's own text, when it has some besides the address


def note_links(retriever: Retriever, source: str) -> list[NoteLink]:
    """Every URL of ``source`` (a file of the corpus folder), in reading order, once per
    place it is cited. [] when the file is not there (an upload)."""

    def make() -> list[NoteLink]:
        path = Path(retriever.settings.corpus_dir) / source
        if path.suffix.lower() not in (".txt", ".md") or not path.is_file():
            return []
        return _read_links(path.read_text("utf-8", errors="replace"))

    return cached(retriever, f"_trainer_links_{source}", make)


def _clean_url(url: str) -> str:
    return url.rstrip(".,;)»")


def _read_links(text: str) -> list[NoteLink]:
    lines = text.replace("\r\n", "\n").split("\n")
    found: list[NoteLink] = []
    body: list[str] = []  # the current page's prose
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FOOTER.match(line):
            # The footer itself carries the association's site: one link of the note too.
            found += [NoteLink(_clean_url(u), "", "") for u in _URL.findall(line)]
            body = []
            i += 1
            continue
        if _RULE.match(line):
            block, j = _read_footnotes(lines, i + 1)
            if block:
                page = " ".join(body)
                for note in block:
                    urls = [_clean_url(u) for u in _URL.findall(note)]
                    if not urls:
                        continue
                    match = _FOOTNOTE.match(note)
                    label = _URL.sub("", match.group(2) if match else note).strip(" -–:")
                    anchor = _call_anchor(page, int(match.group(1))) if match else ""
                    anchor = anchor or _best_sentence(page, urls[0])
                    found += [NoteLink(u, anchor, label) for u in urls]
                # Link lines printed right after the notes belong to the same page.
                k = j
                while k < len(lines) and (not lines[k].strip() or _only_urls(lines[k])):
                    for url in _URL.findall(lines[k]):
                        found.append(NoteLink(_clean_url(url), _best_sentence(page, url), ""))
                    k += 1
                body = []
                i = k
                continue
        if _only_urls(line):
            page = " ".join(body)
            found += [
                NoteLink(_clean_url(u), _best_sentence(page, u), "") for u in _URL.findall(line)
            ]
        elif line.strip():
            body.append(line.strip())
        i += 1
    return found


def _only_urls(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not _URL.sub("", stripped).strip(" -–")


def _call_anchor(page: str, number: int) -> str:
    """The words before the call of note ``number`` (« … 4 modules ici25 » → « … ici »)."""
    page = re.sub(r"-\s+(?=[a-zà-ÿ])", "", page)  # « socio- économiques » cut at a line end
    pattern = rf"(?<=[A-Za-zÀ-ÿ»”\".;:)\]]){number}(?=[\s,.;:!?»)]|$)"
    matches = list(re.finditer(pattern, page))
    if not matches:
        return ""
    before = normalise_line(page[: matches[-1].start()])
    return " ".join(before.split()[-_ANCHOR_WORDS:])


def _best_sentence(page: str, url: str) -> str:
    """The page's sentence sharing most words with the address ("" when none does)."""
    sentences = _page_sentences(page)
    if not sentences:
        return ""
    words = {w for w in re.split(r"[^a-z]+", fold(url)) if len(w) > 3} - {"https", "http", "html"}

    def shared(item: tuple[str, str, frozenset[str]]) -> int:
        _, folded, long_words = item
        return sum(1 for w in words if w in folded or any(t in w for t in long_words))

    best = max(sentences, key=shared)
    # No word in common: the link is not bound to a sentence (it stays in the pack's list
    # of links) rather than bound to a wrong one.
    return " ".join(best[0].split()[:_ANCHOR_WORDS]) if shared(best) else ""


@functools.lru_cache(maxsize=64)
def _page_sentences(page: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """A page's sentences, cleaned, folded and with their long words (once per page)."""
    found = []
    for sentence in re.split(r"(?<=[.!?:])\s+", page):
        if len(sentence) > 30:
            clean = normalise_line(sentence)
            folded = fold(clean)
            found.append((clean, folded, frozenset(_long(folded))))
    return tuple(found)


def _long(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z]+", text) if len(t) > 5}


def anchor_in(anchor: str, text: str) -> bool:
    """The link's anchor words are a run of ``text`` (its last five words at least)."""
    needle = tokens(anchor)[-5:]
    if not needle:
        return False
    hay = tokens(text)
    return any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))


def bind_links(retriever: Retriever, pieces: list) -> dict[int, tuple[str, ...]]:
    """The note's URLs each piece of the scope documents (by ``id(piece)``): the piece
    holding the link's anchor words, else the first piece of the passage holding them (a
    link that goes with a heading lands with the heading's passage)."""
    bound: dict[int, list[str]] = {}
    first_of: dict[str, object] = {}
    for piece in pieces:
        first_of.setdefault(piece.passage.id, piece)
    # Tokens once per piece and per passage (a sheet has a few dozen of each).
    piece_tokens = [(p, " " + " ".join(tokens(p.unit.text)) + " ") for p in pieces]
    chunk_tokens = {p.passage.id: " " + " ".join(tokens(p.passage.text)) + " " for p in pieces}
    for source in dict.fromkeys(p.passage.source for p in pieces):
        for link in note_links(retriever, source):
            needle = _needle(link.anchor)
            if not needle:
                continue
            target = next(
                (p for p, text in piece_tokens if p.passage.source == source and needle in text),
                None,
            )
            if target is None:
                chunk = next((c for c, text in chunk_tokens.items() if needle in text), None)
                target = first_of.get(chunk) if chunk else None
            if target is not None:
                urls = bound.setdefault(id(target), [])
                if link.url not in urls:
                    urls.append(link.url)
    return {key: tuple(urls) for key, urls in bound.items()}


def _needle(anchor: str) -> str:
    words = tokens(anchor)[-5:]
    return " " + " ".join(words) + " " if words else ""


def anchored_line(piece, urls: tuple[str, ...], links: list[NoteLink]) -> str:  # piece: Piece
    """The line of the piece the links go with (the one holding an anchor), else its first."""
    from .material import lines_of

    lines = lines_of(piece.unit)
    anchors = [link.anchor for link in links if link.url in urls and link.anchor]
    return next((x for x in lines if any(anchor_in(a, x) for a in anchors)), lines[0])
