"""A text's sentences (:func:`split_sentences`, what ingest embeds one by one) and its
readable units: what an extractive answer may quote from a passage.

A unit is verbatim text of one chunk that reads on its own: a sentence; a lead-in sentence
(« … : ») with its whole list; a sentence opening on a pronoun or a connective (« Celles-ci
… », « Ce dernier … ») kept with the sentence it leans on. Units a reader cannot use are
marked and never quoted: footnote lines (« Note : … »), headings, and boilerplate, i.e. lines
a series repeats across sections (« A demain, 4ème jour du cycle … »), detected from the
corpus itself by :class:`Boilerplate`.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .leaning import LOOK_BACK, antecedent, leans_on_previous
from .leaning import leans as _leans
from .textnorm import analyze, tokens

# Sentence ends: a terminal sign, then a space and a capital, quote or bullet.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«“\"(\[A-ZÀ-ÖØ-Þ0-9•–-])")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; bullet lines are sentences of their own."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


# A bullet line: the signs PDFs and notes use for list items.
_ITEM = re.compile(r"^(?:[•▪◦●■\-–*]|o(?=\s)|\d{1,2}[.)](?=\s)|[a-z][.)](?=\s))\s*")
_NOTE = re.compile(r"^note\s*:", re.IGNORECASE)
_FINAL = (".", "!", "?", "…", ":", ";", "»", ")", "”", '"')
HEADING_CHARS = 90
# What a leaning sentence is quoted with: the unit just before it, when a reader can use it.
_LEANED_ON = ("sentence", "list", "heading")
MAX_LIST_ITEMS = 12
MAX_UNIT_CHARS = 1400


@dataclass(frozen=True)
class Unit:
    text: str
    kind: str  # "sentence" | "list" | "heading" | "note" | "boilerplate" | "question"
    position: int  # order in its chunk
    rows: tuple[int, ...] = ()  # its sentences' indices in split_sentences(chunk text)
    leans: bool = False  # opens on a word whose antecedent is not in the unit
    incomplete: bool = False  # a list that the chunk cuts (its end may be missing)
    # The verbatim runs of the chunk the text is made of, when it skips lines (a list's
    # lead-in and one of its items, see around_items); empty: the text is one run.
    parts: tuple[str, ...] = ()
    # What a leaning unit points at, read in the sentences before it (its section's previous
    # chunk included; leaning.antecedent): « le rapport interministériel … » for « Il a
    # recommandé 15 propositions … ». Empty when it does not lean or cannot be read.
    about: str = ""
    # Its items that only name a section of its document (« - Les ateliers », « - Les
    # professionnels de l'accompagnement » in the note's programme): see name_sections.
    titles: tuple[str, ...] = ()

    @property
    def quotable(self) -> bool:
        return self.kind in ("sentence", "list")

    @functools.cached_property
    def terms(self) -> tuple[str, ...]:
        """``analyze(text)``, once: units live as long as the index (Retriever.units_of),
        so every question scoring them reuses their terms."""
        return tuple(analyze(self.text))

    @functools.cached_property
    def asked_sentences(self) -> int:
        """How many of its first sentences are questions the text leaves open: a run of
        questions closed by a sentence that only names them (« Quels sont-ils ? … Comment
        impactent-ils les entreprises … ? Ce sont aussi des questions que se posent les
        Fondations. »). The rest is what the unit says (who asks them, « … leur place
        devient de plus en plus stratégique »); the questions' words are asked, not said.
        A question the next sentence answers (« A quoi servent les alliances ? A innover
        … ») is not open: 0. One whose next sentence says who will answer it (« Comment
        hybrider … maximiser son impact social … ? C'est la question à laquelle ce MOOC se
        propose de répondre, avec … ») is: the unit is quoted for who answers, and what it
        says is that, not the question's words."""
        sentences = split_sentences(self.text)
        for i, sentence in enumerate(sentences):
            if not asks(sentence):
                return i if names_questions(sentence, answered=True) else 0
        return 0

    @functools.cached_property
    def said(self) -> str:
        """Its text but the questions it leaves open (:attr:`asked_sentences`) and the items
        that only name a section of its document (:attr:`titles`): a contents names its
        topics and says nothing of them."""
        text = self.text
        if self.titles:
            text = "\n".join(line for line in text.split("\n") if line not in self.titles)
        if not self.asked_sentences:
            return text
        return " ".join(split_sentences(text)[self.asked_sentences :])

    @functools.cached_property
    def said_terms(self) -> tuple[str, ...]:
        return tuple(analyze(self.said)) if self.asked_sentences or self.titles else self.terms

    @functools.cached_property
    def read_terms(self) -> frozenset[str]:
        """What it says (:attr:`said_terms`: « Et les entreprises ? » is not answered by a
        question on how the entreprises are impacted) and the terms of what it points at
        (``about``): « Il a recommandé 15 propositions » is about the report its antecedent
        names. A list's lead-in (``about`` ending on « : ») adds none: it announces the
        items, which say what they are about."""
        if self.about.endswith(":"):
            return frozenset(self.said_terms)
        return frozenset(self.said_terms).union(analyze(self.about))

    @functools.cached_property
    def asks_only(self) -> bool:
        """:func:`only_asks`, once: nothing but questions, no answer to quote."""
        return only_asks(self)


def around_items(unit: Unit, keep: Callable[[str], bool]) -> Unit | None:
    """A list cut down to its lead-in and the items ``keep`` accepts (« Toutes ces formes de
    mobilisation sont en progression : » and the one item that gives the figure asked);
    None when the list has no such item, or only such items."""
    if unit.kind != "list":
        return None
    lines = unit.text.split("\n")
    items = [i for i, line in enumerate(lines) if is_item(line)]
    wanted = [i for i in items if keep(lines[i])]
    if not wanted or len(wanted) == len(items):
        return None
    # Each wanted item under its own lead-in (the text lines just above its run of items),
    # and a lead-in that leans (« Toutes ces formes… : ») under the sentence it leans on.
    heads: set[int] = set()
    for i in wanted:
        j = i
        while j > 0 and is_item(lines[j - 1]):
            j -= 1
        while j > 0 and not is_item(lines[j - 1]):
            j -= 1
            heads.add(j)
            if not _leans(lines[j]):
                break
    kept = sorted(heads) + wanted
    kept.sort()
    # Rows: each line's sentences, in the order split_units numbered them.
    per_line = [len(split_sentences(line)) or 1 for line in lines]
    rows: tuple[int, ...] = ()
    if sum(per_line) == len(unit.rows):
        starts = [sum(per_line[:i]) for i in range(len(lines))]
        rows = tuple(r for i in kept for r in unit.rows[starts[i] : starts[i] + per_line[i]])
    runs: list[list[int]] = []  # consecutive lines: one verbatim run each
    for i in kept:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = tuple("\n".join(lines[i] for i in run) for run in runs)
    return Unit(
        "\n".join(lines[i] for i in kept),
        "list",
        unit.position,
        rows,
        unit.leans,
        False,
        parts if len(parts) > 1 else (),
        unit.about,
    )


def is_item(line: str) -> bool:
    return bool(_ITEM.match(line)) and len(line) > 2


def strip_bullet(line: str) -> str:
    return _ITEM.sub("", line, count=1).strip()


def is_heading(text: str) -> bool:
    text = text.strip()
    if len(text) >= HEADING_CHARS or is_item(text):
        return False
    return not text.endswith(_FINAL) or bool(_TITLE_LINE.fullmatch(text))


# A line that only names a title (« La table ronde “Intérêt général : quels modèles
# socio-économiques pour l'avenir ?” »): a noun (its determiner, one qualifier) and the title
# in quotes, which ends it. It heads what follows, and says nothing (the title's own « ? »
# made it read as a sentence).
_TITLE_LINE = re.compile(r"(?:[^\W\d_][\w’'-]*\s+){1,3}[«“\"][^»”\"]+[»”\"]")


def _titles(items: list[str]) -> int:
    """How many of the items are titles (headings once their bullet is off)."""
    return sum(is_heading(strip_bullet(item)) for item in items)


def template_key(sentence: str) -> str:
    """The opening of a sentence with its numbers blanked: « A demain, 4ème jour du cycle »
    and « A demain, 5ème jour du cycle » share one key."""
    words = [re.sub(r"\d+", "#", w) for w in tokens(sentence)[:6]]
    return " ".join(words) if len(words) >= 4 else ""


class Boilerplate:
    """Sentences a corpus repeats across sections: the same words, or the same opening with
    other numbers, in at least ``min_sections`` sections of one document."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys = frozenset(keys)
        # The same template with a few words inserted (« A demain, 21ème et dernier jour du
        # cycle » beside « A demain, Nème jour du cycle »): keys by their first three words.
        self._by_opening: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for key in self.keys:
            words = tuple(key.split(" "))
            self._by_opening[words[:3]].append(words[3:])

    @classmethod
    def from_sections(
        cls, texts_by_section: dict[tuple[str, str], list[str]], min_sections: int = 3
    ) -> Boilerplate:
        sections_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        for (source, section), texts in texts_by_section.items():
            for text in texts:
                for line in text.split("\n"):
                    for sentence in split_sentences(line):
                        key = template_key(sentence)
                        if key:
                            sections_of[(source, key)].add(section)
        return cls(key for (_, key), found in sections_of.items() if len(found) >= min_sections)

    def __contains__(self, sentence: str) -> bool:
        key = template_key(sentence)
        if not key:
            return False
        if key in self.keys:
            return True
        words = [re.sub(r"\d+", "#", w) for w in tokens(sentence)[:9]]
        return any(
            _in_order(rest, words[3 : 3 + len(rest) + _MAX_INSERTED])
            for rest in self._by_opening.get(tuple(words[:3]), ())
        )


_MAX_INSERTED = 3  # words a repeated line may add to its template and still be it


def _in_order(needle: tuple[str, ...], words: list[str]) -> bool:
    """Whether ``needle``'s words appear in ``words`` in order (others may come between)."""
    remaining = iter(words)
    return all(word in remaining for word in needle)


def split_units(
    text: str, boilerplate: Boilerplate | None = None, opens_section: bool = False
) -> list[Unit]:
    """The units of one chunk's text, in reading order. ``opens_section``: the chunk is the
    first of its section, so a sentence opening it (« Ce centre de ressources… ») leans on
    the section's heading, which its citation shows: it reads alone."""
    boilerplate = boilerplate or Boilerplate()
    raw: list[tuple[str, str, tuple[int, ...]]] = []  # text, kind, sentence indices
    row = 0
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        sentences = split_sentences(line)
        rows = tuple(range(row, row + len(sentences)))
        row += len(sentences)
        if _NOTE.match(line):
            raw.append((line, "note", rows))
            continue
        if is_item(line):
            raw.append((line, "item", rows))
            continue
        for offset, sentence in enumerate(sentences):
            if sentence in boilerplate:
                kind = "boilerplate"
            elif is_heading(sentence):
                kind = "heading"
            else:
                kind = "sentence"
            raw.append((sentence, kind, (rows[offset],)))

    units: list[Unit] = []
    i = 0
    while i < len(raw):
        sentence, kind, rows = raw[i]
        start = i
        if kind == "item":
            items, item_rows, i = _take_items(raw, i)
            incomplete = i >= len(raw)
            if units and units[-1].kind == "heading" and 2 * _titles(items) <= len(items):
                # Items under a heading (« La table ronde “…” » then « • Le Secrétaire d'Etat,
                # Gabriel ATTAL, a donné sa vision … »): the heading says what they are about.
                # (Not titles under a title, mostly: a table of contents says nothing.)
                body, about = "\n".join(items), units[-1].text
                unit = Unit(body, "list", len(units), item_rows, False, incomplete, about=about)
                units.append(unit)
                continue
            # Items with no lead-in in this chunk: the list started in the previous chunk.
            units.append(Unit("\n".join(items), "list", len(units), item_rows, True, incomplete))
            continue
        if kind == "sentence" and sentence.rstrip().endswith(":"):
            items, item_rows, j = _take_items(raw, i + 1)
            if not items:
                # A lead-in whose list is missing reads as a dangling sentence: not quotable.
                units.append(Unit(sentence, "heading", len(units), rows))
                i += 1
                continue
            incomplete = j >= len(raw) or len(items) >= MAX_LIST_ITEMS
            body = "\n".join([sentence, *items])
            unit = Unit(body, "list", len(units), rows + item_rows, False, incomplete)
            i = j
        else:
            unit = Unit(sentence, kind, len(units), rows)
            i += 1
        if kind == "sentence" and leans_on_previous(sentence):
            # What it points at matters only when the unit before it leans itself.
            points_at = None
            if units and units[-1].leans:
                points_at = antecedent(sentence, [line for line, *_ in raw[:start]])
            unit = _with_antecedent(units, unit, opens_section, points_at)
        units.append(unit)
    return _with_answers(units)


def _with_antecedent(
    units: list[Unit], unit: Unit, opens_section: bool, points_at: str | None = None
) -> Unit:
    """``unit`` opens on words that lean on what comes before it (« Ces chiffres… », « Cet
    accompagnement repose sur : … »): it is quoted with the sentence, list or heading just
    before it (taken off ``units``), never alone. With nothing before it in the chunk, it
    leans on the section's heading when it opens the section (its citation shows the
    heading), else on a sentence of another chunk: then it is marked as leaning. So is it
    when what is before it leans itself and ``points_at`` (its antecedent, read in the
    chunk) can be told instead."""
    if not units:
        return replace(unit, leans=not opens_section)
    previous = units[-1]
    if (
        previous.kind not in _LEANED_ON
        # What it leans on leans itself on another chunk (items whose lead-in the boundary
        # cut off), and what it points at can be read (``points_at``): glued, the orphan
        # would open the quote and each leaning sentence after it lengthen the run (« • 61%
        # … Cette tendance … Ce rapport … Il a permis de répondre aux 6 enjeux suivants :
        # … »). It stands alone, told what it points at (with_antecedents).
        or (previous.leans and points_at)
        # A question and what follows it, or a sentence only naming the questions before
        # it (« Ce sont aussi des questions que… »): see _with_answers.
        or asks(previous.text)
        or names_questions(previous.text)
        or len(previous.text) + len(unit.text) >= MAX_UNIT_CHARS
    ):
        return replace(unit, leans=True)
    units.pop()
    glue = " " if previous.kind == unit.kind == "sentence" else "\n"
    return Unit(
        previous.text + glue + unit.text,
        "list" if "list" in (previous.kind, unit.kind) else "sentence",
        previous.position,
        previous.rows + unit.rows,
        previous.leans and previous.kind != "heading",
        unit.incomplete,
    )


def _with_answers(units: list[Unit]) -> list[Unit]:
    """A question the text asks (« Quels facteurs … ? ») is quoted with what answers it,
    the next unit; with nothing after it, it is not quoted at all. A run of questions is
    one question, and so is a run closed by a sentence that only names them (« Ce sont
    aussi des questions que se posent les Fondations. »): it answers nothing, the sentence
    after it does."""
    out: list[Unit] = []
    for unit in units:
        if out and out[-1].kind == "question":
            question = out.pop()
            if unit.quotable:
                glue = "\n" if unit.kind == "list" else " "
                names = unit.kind == "sentence" and names_questions(unit.text)
                unit = Unit(
                    question.text + glue + unit.text,
                    "question" if names else unit.kind,
                    question.position,
                    question.rows + unit.rows,
                    question.leans,
                    unit.incomplete,
                )
            else:
                out.append(Unit(question.text, "heading", question.position, question.rows))
        if unit.kind == "sentence" and asks(unit.text):
            unit = Unit(unit.text, "question", unit.position, unit.rows, unit.leans)
        out.append(unit)
    if out and out[-1].kind == "question":
        last = out.pop()
        out.append(Unit(last.text, "heading", last.position, last.rows))
    return out


# « Quelle est la place … ?... »: a question trailed by an ellipsis still asks.
_ASKS = re.compile(r"\?\s*(?:\.{2,}|…)?$")
# A sentence that only says the sentences before it are questions (« Ce sont aussi des
# questions que se posent les Fondations. », « Telles sont les questions … »). One that
# says who answers them (« C'est la question à laquelle ce MOOC se propose de répondre,
# avec … ») tells something: it is an answer.
_NAMES_QUESTIONS = re.compile(
    r"^(?:c[’']est|ce sont|tel(?:le)?s? (?:est|sont)|voilà|voici|autant de|these are|such are)"
    r"\b(?:\s+[\w’']+){0,3}?\s+(?:questions?|interrogations?|questionnements?)\b",
    re.IGNORECASE,
)
_ANSWERED = re.compile(r"\b(?:répon\w*|answer\w*)", re.IGNORECASE)


def asks(text: str) -> bool:
    """A question: it ends on « ? » (an ellipsis after it included)."""
    return bool(_ASKS.search(text.rstrip()))


def names_questions(sentence: str, answered: bool = False) -> bool:
    """A sentence naming the questions before it; ``answered``: also one saying who answers
    them (« C'est la question à laquelle ce MOOC se propose de répondre »)."""
    sentence = sentence.lstrip('«“"( ')
    return bool(_NAMES_QUESTIONS.match(sentence)) and (answered or not _ANSWERED.search(sentence))


def only_asks(unit: Unit) -> bool:
    """Nothing but questions (« • Quels sont les besoins … ?\n• Quel est le point de vue … ? »,
    a list cut from its lead-in by the chunk): no answer to quote."""
    lines = [strip_bullet(line) for line in unit.text.split("\n") if line.strip()]
    sentences = [s for line in lines for s in split_sentences(line)]
    return bool(sentences) and all(asks(s) or names_questions(s) for s in sentences)


def _take_items(
    raw: list[tuple[str, str, tuple[int, ...]]], start: int
) -> tuple[list[str], tuple[int, ...], int]:
    items: list[str] = []
    rows: tuple[int, ...] = ()
    j = start
    while j < len(raw) and raw[j][1] == "item" and len(items) < MAX_LIST_ITEMS:
        items.append(raw[j][0])
        rows += raw[j][2]
        j += 1
    return items, rows, j


def name_sections(units: list[Unit], headings: Iterable[frozenset[str]]) -> list[Unit]:
    """``units`` with each list's items that only name a section of their document marked
    (:attr:`Unit.titles`). ``headings``: the terms of each of its sections' titles.

    An item names a section when its terms are all its title's (« Le centre de ressources »
    of « Les centres de ressources numériques »). A list is a contents when two items or more,
    and half of them at least, name sections: one short item that happens to be a title's
    words (« - le budget » in a list of resources) stays what the list says."""
    titles = [h for h in headings if h]
    if not titles:
        return units
    out: list[Unit] = []
    for unit in units:
        if unit.kind == "list":
            items = [line for line in unit.text.split("\n") if is_item(line)]
            named = []
            for line in items:
                terms = frozenset(analyze(strip_bullet(line)))
                if terms and any(terms <= title for title in titles):
                    named.append(line)
            if len(named) >= 2 and 2 * len(named) >= len(items):
                unit = replace(unit, titles=tuple(named))
        out.append(unit)
    return out


def with_antecedents(chunks: list[tuple[str, str, list[Unit]]]) -> list[list[Unit]]:
    """Each chunk's units (``chunks``: key of its section, text, units; in reading order),
    a leaning unit told what it points at (:func:`leaning.antecedent`), read in the sentences
    before it: its chunk's, then its section's previous chunks' (the chunk boundary cut
    « Ce rapport … » from « Il a recommandé 15 propositions … »)."""
    out: list[list[Unit]] = []
    read: dict[str, list[str]] = {}  # section key -> its last sentences read
    for section, text, units in chunks:
        sentences = split_sentences(text)
        before = read.get(section, [])
        if sentences and sentences[0] in before:
            # The chunks overlap: what this one repeats of the previous one is not before it.
            before = before[: len(before) - 1 - before[::-1].index(sentences[0])]
        told: list[Unit] = []
        for unit in units:
            if unit.leans and unit.quotable and unit.rows:
                first = sentences[unit.rows[0]] if unit.rows[0] < len(sentences) else unit.text
                about = antecedent(first, before + sentences[: unit.rows[0]])
                if about:
                    unit = replace(unit, about=about)
            told.append(unit)
        out.append(told)
        # What antecedent() reads back, and the chunks' overlap it may have to skip.
        read[section] = (before + sentences)[-2 * LOOK_BACK :]
    return out

