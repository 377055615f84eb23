"""Clean extraction artefacts and cut a text into pages.

The reference note is text extracted from a PDF. Its artefacts: page footers carrying the
page number (« © Association Le RAMEAU – … www.lerameau.fr  5 »), footnote numbers glued
to words (« ressources10 », « bénévoles[1]46 »), footnote blocks after a rule of spaces,
URL-only lines, words cut across lines (« socio-\\néconomiques »), blank lines between
every line. The same cleaning applies to the text layer of PDF pages.

Before any of that, :func:`remove_invisible` drops the characters a reader cannot see but a
model reads (Unicode tag characters, zero-width and bidi controls…): hidden instructions
never reach the index.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..safety import count_hiding, strip_invisible

# A footer: the copyright line that ends with the page number of the original PDF.
_FOOTER = re.compile(r"^\s*©.*?(\d{1,4})\s*$")
# The footnote rule: a long run of spaces alone on a line.
_RULE = re.compile(r"^[ \t\u00a0]{20,}$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_URL_ONLY = re.compile(r"^\s*(?:\d{1,3}\s+)?(?:(?:https?://|www\.)\S+\s*)+$", re.IGNORECASE)
_FOOTNOTE_START = re.compile(r"^(\d{1,3})\s+(\S.*)$")
# Footnote calls glued to a word or closing sign: « ressources10 », « (UNCPIE)12. »,
# « bénévoles[1]46 ». Only after lowercase letters or closing signs so that « CO2 »,
# « 3ème » or « G20 » survive.
_GLUED_CALL = re.compile(r"(?<=[a-zà-ÿœæ»”)\]])(?:\[\d{1,3}\])?\d{1,3}(?=[\s,.;:!?»)]|$)")
_BRACKET_CALL = re.compile(r"\[\d{1,3}\]")
# After a capitalised name: « ATTAL16 », « METI30 » (two or three digits; « CO2 » stays).
_UPPER_CALL = re.compile(r"(?<=[A-Z]{3})\d{2,3}(?=[\s,.;:!?»)]|$)")
# A call printed after the full stop: « … associatifs.24 Principal levier … ».
_CALL_AFTER_STOP = re.compile(r"(?<=[a-zà-ÿ»”)][.,;:])\d{1,3}(?=\s|$)")
# A call separated by spaces before a punctuation sign: « à grande échelle 9 . »
_SPACED_CALL = re.compile(r"(?<=[a-zà-ÿ]) \d{1,3} (?=[.,;:])")


@dataclass
class PageText:
    """Lines of one page (or of a stretch of text between two page boundaries)."""

    lines: list[str]
    page: int | None
    notes: list[str] = field(default_factory=list)
    note_numbers: set[int] = field(default_factory=set)


def remove_invisible(text: str) -> tuple[str, int]:
    """``text`` without invisible characters, and how many of them could hide content
    (tags, bidi overrides, variation selectors; zero-width spaces and soft hyphens are
    removed without being counted: PDFs are full of them)."""
    return strip_invisible(text), count_hiding(text)


def strip_footnote_calls(line: str, calls: frozenset[int] | set[int] = frozenset()) -> str:
    """Remove the footnote calls of a document whose notes are numbered ``calls``.

    A number is a call only when the document has a note of that number: a file without
    footnotes loses no digit (« hunter2. » in an upload was quoted « hunter. »), and a
    glued number that no note carries stays the source's word."""
    if not calls:
        return line

    def call(match: re.Match) -> str:
        digits = re.findall(r"\d+", match.group(0))
        return "" if digits and all(int(d) in calls for d in digits) else match.group(0)

    line = _BRACKET_CALL.sub(call, _GLUED_CALL.sub(call, line))
    line = _CALL_AFTER_STOP.sub(call, line)
    line = _UPPER_CALL.sub(call, line)
    return _SPACED_CALL.sub(call, line)


# The tail of a URL wrapped onto its own line: « content/uploads/2018/…_BAD.pdf ».
_URL_TAIL = re.compile(
    r"^\s*(?:[\w\-.%?=&~#+]*/[\w\-./%?=&~#+]*|[\w\-.%]+\.(?:pdf|html?|php|aspx?|docx?))\s*$",
    re.IGNORECASE,
)


def is_url_only(line: str) -> bool:
    """A line holding only URLs, or the wrapped tail of one (no prose on it)."""
    stripped = line.strip()
    if not stripped:
        return False
    return bool(_URL_ONLY.match(line) or (" " not in stripped and _URL_TAIL.match(line)))


def split_pages(text: str, known_page: int | None = None) -> list[PageText]:
    """Cut text into stretches at page footers and footnote blocks.

    A stretch that ends on a footer gets that footer's page number; the others keep
    ``known_page`` (the real page for a PDF page, ``None`` for plain text) because the
    extracted text does not say which page they were on.
    Footnote blocks are removed from the flow: URL-only notes are dropped, the other
    notes (bibliographic references) are kept in ``notes`` so no content is lost.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = text.split("\n")
    pages: list[PageText] = []
    current: list[str] = []
    notes: list[str] = []
    numbers: set[int] = set()
    i = 0
    n = len(lines)

    def close(page: int | None) -> None:
        nonlocal current, notes, numbers
        if any(line.strip() for line in current) or notes:
            current = strip_known_calls(current, numbers)
            page = page if page is not None else known_page
            pages.append(PageText(current, page, notes, numbers))
        current, notes, numbers = [], [], set()

    closed_by_rule = False
    while i < n:
        line = lines[i]
        footer = _FOOTER.match(line)
        if footer:
            number = int(footer.group(1))
            if closed_by_rule and not any(x.strip() for x in current) and pages:
                # Footnotes sat just above this footer: they closed the same page.
                pages[-1].page = number
            else:
                close(number)
            closed_by_rule = False
            i += 1
            continue
        if _RULE.match(line):
            block, j = _read_footnotes(lines, i + 1)
            if block:
                for note in block:
                    match = _FOOTNOTE_START.match(note)
                    if match:
                        numbers.add(int(match.group(1)))
                    if is_url_only(note):
                        continue
                    body = _URL.sub("", match.group(2) if match else note).strip(" -–:")
                    if len(body) > 3:
                        notes.append(body)
                # Footnotes sit at the bottom of a page: what follows is a new page.
                close(None)
                closed_by_rule = True
                i = j
                continue
            i += 1
            continue
        if line.strip():
            closed_by_rule = False
        if not is_url_only(line):
            current.append(line)
        i += 1
    close(None)
    if known_page is None:
        _interpolate_pages(pages)
    return pages


def strip_known_calls(lines: list[str], numbers: set[int]) -> list[str]:
    """Remove the calls of the notes printed at the bottom of this page.

    Knowing the page's own note numbers makes the shapes the generic patterns must leave
    alone safe to strip: a call glued to a capitalised name (« CGET4 ») or to a year
    (« en 201413 » for note 13), standing after a closing quote (« … » 65 ») or at the
    start of a wrapped line (« 78 permet… »), after a stop (« ….91 Ce ») or between spaces
    before a comma (« MOOC 82 , »).
    """
    if not numbers:
        return lines
    calls = "|".join(str(number) for number in sorted(numbers, reverse=True))
    glued = re.compile(
        rf"(?<=[A-Za-zÀ-ÿ]{{2}})(?:{calls})(?=[\s,.;:!?»)]|$)"
        rf"|(?<=\b(?:19|20)\d\d)(?:{calls})(?=[\s,.;:!?»)]|$)"
        rf"|(?<=[»”\".;:])\s*(?:{calls})(?=\s|$)"
        rf"|(?<=[A-Za-zÀ-ÿ)]) (?:{calls}) (?=[,.;:])"
    )
    # Before a closing quote the space stays: « … socio-économique 71 » → « … socio-économique »
    spaced = re.compile(rf"(?<=[A-Za-zÀ-ÿ)]) (?:{calls})(?= [»”])")
    leading = re.compile(rf"^(?:{calls})\s+(?=[a-zà-ÿ])")
    out: list[str] = []
    for index, line in enumerate(lines):
        line = spaced.sub("", glued.sub("", line))
        previous = next((x for x in reversed(out) if x.strip()), "") if index else ""
        # A wrapped call opens the line after a closing quote: « … socio-économique » ⏎ 78 permet
        if previous.rstrip().endswith(("»", "”", '"')):
            line = leading.sub("", line)
        out.append(line)
    return out


def _interpolate_pages(pages: list[PageText]) -> None:
    """Number the stretches between two footers when their count fits the page gap.

    Between footers « 19 » and « 24 » exactly four stretches mean pages 20-23; any
    other count means a page break left no trace, so those stretches stay unnumbered.
    """
    known = [(i, p.page) for i, p in enumerate(pages) if p.page is not None]
    for (i, a), (j, b) in itertools.pairwise(known):
        if a is not None and b is not None and b - a == j - i:
            for offset, k in enumerate(range(i + 1, j), start=1):
                pages[k].page = a + offset


def _read_footnotes(lines: list[str], start: int) -> tuple[list[str], int]:
    """Read the notes after a footnote rule; return them and the index after the block."""
    n = len(lines)
    block: list[str] = []
    j = start
    while j < n:
        candidate = lines[j]
        stripped = candidate.strip()
        if not stripped:
            k = j + 1
            while k < n and not lines[k].strip():
                k += 1
            if not block or (k < n and _is_note_line(lines[k])):
                j = k
                continue
            # A wrapped note can straddle a blank line (« … en France\n\nmars 2016 »)
            # when another note follows right after it.
            if k + 1 < n and not lines[k][:1].isspace() and _is_note_line(lines[k + 1]):
                j = k
                continue
            break
        if _is_note_line(candidate):
            block.append(stripped)
        elif block and not candidate[:1].isspace() and not _FOOTER.match(candidate):
            # A wrapped note: glue it to the previous one.
            sep = "" if block[-1].endswith(("-", "/")) else " "
            block[-1] = block[-1] + sep + stripped
        else:
            break
        j += 1
    return block, j


def _is_note_line(line: str) -> bool:
    return bool((_FOOTNOTE_START.match(line) and not line[:1].isspace()) or is_url_only(line))


def normalise_line(line: str, calls: frozenset[int] | set[int] = frozenset()) -> str:
    """Per-line cleaning: footnote calls (of the notes numbered ``calls``, see
    :func:`strip_footnote_calls`), inline URLs, odd spaces."""
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    line = _URL.sub("", line) if _URL.search(line) and len(_URL.sub("", line).strip()) > 0 else line
    line = strip_footnote_calls(line, calls)
    return re.sub(r"[ \t]+", " ", line).strip()
