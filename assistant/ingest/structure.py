"""Rebuild sections and paragraphs from cleaned pages.

Headings: Markdown ``#`` lines; the note's « 3EME JOUR –ENSEIGNEMENTS – … » day headings;
uppercase lines (possibly spread over two or three lines). Uppercase titles get their
accents back from the document's own vocabulary (« MODELE » → « modèle »), so sections
read « 3e jour – Les 3 leviers du modèle socio-économique ».
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..textnorm import fold
from .cleaning import PageText, normalise_line

_DAY = re.compile(
    r"^\s*(\d{1,2})\s*(?:ER|EME|ÈME|E|e|er|ème)\s+JOUR\s*[–—-]?\s*(.*)$", re.IGNORECASE
)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[•▪◦●■□➢►✓*]|[-–—](?=\s)|o(?=\s+[A-ZÀ-Ö])|\d{1,2}[.)](?=\s))")
_TERMINAL = (".", "!", "?", ":", ";", "…", "»", ")")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass
class Paragraph:
    text: str
    page: int | None
    kind: str = "text"  # text | bullet | subheading | note


@dataclass
class Section:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class _Line:
    text: str
    page: int | None
    blank_before: bool


class Vocabulary:
    """Spelling memory of a document, to restore accents and to judge hyphenations."""

    def __init__(self, text: str) -> None:
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        upper: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for word in _WORD.findall(text):
            if word.isupper() and len(word) > 1:
                upper[fold(word)] += 1
                continue
            forms[fold(word)][word.lower()] += 1
            lower[fold(word)] += 1
        self._forms = forms
        self._upper = upper
        self._lower = lower

    def knows(self, word: str) -> bool:
        return fold(word) in self._lower

    def best_form(self, word: str) -> str:
        key = fold(word)
        if key in self._forms:
            # Prefer the accented spelling when the text has both.
            return max(self._forms[key].items(), key=lambda kv: (kv[1], kv[0] != key))[0]
        return word.lower()

    def is_acronym(self, word: str) -> bool:
        key = fold(word)
        return self._upper[key] > 0 and self._lower[key] == 0 and len(word) <= 6

    def titlecase(self, title: str) -> str:
        """« LES 3 LEVIERS DU MODELE » → « Les 3 leviers du modèle »."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if not word.isupper():
                return word
            return word if self.is_acronym(word) else self.best_form(word)

        fixed = _WORD.sub(fix, title.strip())
        fixed = re.sub(r"\s+", " ", fixed)
        fixed = re.sub(r"\s*[–—]\s*", " – ", fixed)
        for i, ch in enumerate(fixed):
            if ch.isalpha():
                return fixed[:i] + ch.upper() + fixed[i + 1 :]
        return fixed


def _is_upper_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 6 or len(text) > 140:
        return False
    ratio = sum(c.isupper() for c in letters) / len(letters)
    return ratio > 0.85 and not text.rstrip().endswith((".", ",", ";"))


def _day_title(number: int, rest: str, vocab: Vocabulary) -> str:
    parts = [p.strip() for p in re.split(r"\s*[–—]\s*|\s+-\s+", rest) if p.strip()]
    # « ENSEIGNEMENTS – LES 3 LEVIERS … »: the first part is the kind of message.
    kinds = {"enseignements", "enseignement", "acteurs", "outils", "outil", "acteur"}
    if len(parts) > 1 and fold(parts[0]) in kinds:
        parts = parts[1:]
    label = "1er jour" if number == 1 else f"{number}e jour"
    title = vocab.titlecase(" – ".join(parts)) if parts else ""
    return f"{label} – {title}" if title else label


def build_sections(
    pages: list[PageText], default_title: str, markdown: bool = False
) -> list[Section]:
    """Turn cleaned pages into sections of paragraphs (with pages)."""
    # Spellings are learnt from body text only: headings are the uppercase we must fix.
    raw_text = "\n".join(
        line for p in pages for line in p.lines if not _is_upper_heading(line.strip())
    )
    vocab = Vocabulary(raw_text)
    # The document's note numbers: only they can be footnote calls (none without notes).
    calls = frozenset(number for page in pages for number in page.note_numbers)
    lines: list[_Line] = []
    for page in pages:
        blank = True
        for raw in page.lines:
            text = normalise_line(raw, calls)
            if not text:
                blank = True
                continue
            lines.append(_Line(text, page.page, blank))
            blank = False
        for note in page.notes:
            lines.append(_Line("\x00NOTE " + normalise_line(note, calls), page.page, True))

    sections: list[Section] = [Section(default_title)]
    notes: list[Paragraph] = []
    buffer: list[_Line] = []

    def flush_paragraph() -> None:
        if not buffer:
            return
        text = buffer[0].text
        for nxt in buffer[1:]:
            text = _join(text, nxt.text, vocab)
        first = buffer[0]
        kind = "bullet" if _BULLET.match(first.text) else "text"
        sections[-1].paragraphs.append(Paragraph(text.strip(), first.page, kind))
        buffer.clear()

    def start_section(title: str) -> None:
        flush_paragraph()
        carried: list[Paragraph] = []
        paragraphs = sections[-1].paragraphs
        # Each day of the note opens with a cover title printed above its heading
        # (« Les 3 leviers du modèle socio-économique »): it belongs to the new section.
        while (
            paragraphs
            and paragraphs[-1].kind == "text"
            and len(paragraphs[-1].text) < 150
            and not paragraphs[-1].text.rstrip().endswith((".", "?", ":", ";"))
            and not (paragraphs[-1].text.rstrip().endswith("!") and len(paragraphs[-1].text) > 80)
            and len(carried) < 2
        ):
            carried.insert(0, paragraphs.pop())
        if notes:
            paragraphs.extend(notes)
            notes.clear()
        for paragraph in carried:
            paragraph.kind = "subheading"
        sections.append(Section(title, carried))

    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if text.startswith("\x00NOTE "):
            notes.append(Paragraph("Note : " + text[6:], line.page, "note"))
            i += 1
            continue
        if markdown:
            md = _MD_HEADING.match(text)
            if md:
                start_section(md.group(2).strip())
                i += 1
                continue
        day = None if markdown else _DAY.match(text)
        if day and _is_upper_heading(text):
            rest = day.group(2)
            i += 1
            while (
                rest.rstrip().endswith("-") and i < len(lines) and _is_upper_heading(lines[i].text)
            ):
                rest = rest.rstrip() + lines[i].text.strip()
                i += 1
            start_section(_day_title(int(day.group(1)), rest, vocab))
            continue
        if not markdown and _is_upper_heading(text):
            parts = [text]
            i += 1
            while (
                i < len(lines)
                and len(parts) < 3
                and _is_upper_heading(lines[i].text)
                and not _DAY.match(lines[i].text)
            ):
                joiner = "" if parts[-1].endswith("-") else " "
                parts[-1] = parts[-1] + joiner + lines[i].text if joiner == "" else parts[-1]
                if joiner:
                    parts.append(lines[i].text)
                i += 1
            start_section(vocab.titlecase(" ".join(parts)))
            continue
        if buffer and _breaks(buffer[-1], line):
            flush_paragraph()
        buffer.append(line)
        # A short title-like line followed by a capitalised line is a sub-heading.
        i += 1
    flush_paragraph()
    if notes:
        sections[-1].paragraphs.extend(notes)
    return [s for s in sections if s.paragraphs]


def _breaks(previous: _Line, line: _Line) -> bool:
    """Does ``line`` start a new paragraph after ``previous``?"""
    text = line.text
    if _BULLET.match(text):
        return True
    prev = previous.text.rstrip()
    if not line.blank_before:
        # Within a block: a short line with no end punctuation followed by a capital
        # is a sub-heading (« Une transformation à l'œuvre »).
        return False
    if text[:1].islower() or text[:1] in ",;)":
        return False
    if prev.endswith(_TERMINAL):
        return True
    # A title-like line: short, no terminal punctuation, next line capitalised.
    return len(prev) < 80 and text[:1].isupper()


def _join(text: str, nxt: str, vocab: Vocabulary) -> str:
    if _BULLET.match(nxt):
        return text + "\n" + nxt
    if text.endswith("-") and nxt[:1].islower():
        head = re.search(r"(\w+)-$", text)
        tail = re.match(r"(\w+)", nxt)
        if head and tail:
            glued = head.group(1) + tail.group(1)
            hyphenated = f"{head.group(1)}-{tail.group(1)}"
            # Keep the hyphen of compounds (« socio-économiques »); drop a typesetting
            # hyphen when the document knows the whole word and not the compound.
            if vocab.knows(glued) and fold(hyphenated) not in fold(" ".join([text, nxt])):
                return text[:-1] + nxt
        return text + nxt
    return text + " " + nxt
