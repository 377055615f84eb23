"""The session sheet as typed records: every stating line points to its sources [n], and
each source quotes the indexed passage verbatim (document, section, page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BLANK = "____"  # the gap of a quiz prompt


@dataclass(frozen=True)
class Source:
    """A reference [n]: the passage of the corpus a line is drawn from, quoted verbatim."""

    marker: int
    source: str
    section: str
    page: int | None
    quote: str  # a readable unit of the chunk, as indexed
    chunk_id: str

    @property
    def where(self) -> str:
        page = f", p. {self.page}" if self.page is not None else ""
        return f"{self.source} — {self.section}{page}"


@dataclass(frozen=True)
class Line:
    """One stated line. ``suggested``: built for the trainer (a template around cited
    material), not the note's own words; it still names the sources it is built on.
    ``drafted``: the LLM's wording of its sources (LLM mode)."""

    text: str
    refs: tuple[int, ...]
    suggested: bool = False
    drafted: bool = False  # written by the LLM from its sources, checked against them
    links: tuple[str, ...] = ()  # the note's URLs for what the line says (its footnotes)


@dataclass(frozen=True)
class Figure:
    value: str  # as written in the note (« 13,2 millions »)
    measures: str  # the clause of the note around it
    year: str  # a year the clause gives, "" when none
    ref: int


@dataclass(frozen=True)
class Example:
    name: str  # what the entry shows: the names one cited line gives, « X (XY) et Z »
    line: str  # the note's sentence about it
    ref: int
    names: tuple[str, ...] = ()  # one name per entity of the entry, as written in the line
    aliases: tuple[str, ...] = ()  # every name of the entry's entities (acronyms too)


@dataclass(frozen=True)
class Definition:
    term: str
    text: str  # the note's defining sentence
    ref: int


@dataclass(frozen=True)
class QuizItem:
    prompt: str  # the note's sentence with a blank « ____ »
    choices: tuple[str, ...]  # () for a fill-in-the-blank
    answer: str  # found verbatim in the cited passage
    ref: int
    kind: Literal["figure", "name", "term"] = "figure"


@dataclass(frozen=True)
class PlanStep:
    """One step of the session plan: when it starts and how long it lasts (minutes), what
    to do, the part of the sheet it uses, and the references it rests on."""

    start: int
    minutes: int
    title: str
    activity: str
    material: str
    refs: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScopeEntry:
    source: str
    section: str
    pages: tuple[int, ...]


@dataclass
class Sheet:
    topic: str  # what was asked
    title: str
    kind: Literal["day", "section", "theme"]
    scope: list[ScopeEntry]
    objectives: list[Line] = field(default_factory=list)
    key_messages: list[Line] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    questions: list[Line] = field(default_factory=list)
    quiz: list[QuizItem] = field(default_factory=list)
    further: list[Line] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    mode: Literal["extractive", "llm"] = "extractive"
    warnings: list[str] = field(default_factory=list)
    day: int | None = None
    plan: list[PlanStep] = field(default_factory=list)
    # What each key message is about (its rarest noun phrase, by the message's index): the
    # FAQ's questions.
    topics: dict[int, str] = field(default_factory=dict)
    minutes: int = 120  # the session's length the plan is timed for

    def source(self, marker: int) -> Source:
        return self.sources[marker - 1]

    def cited(self) -> list[tuple[str, Line]]:
        """Every line that states something, with the part of the sheet it belongs to."""
        lines: list[tuple[str, Line]] = []
        lines += [("objectives", x) for x in self.objectives]
        lines += [("key_messages", x) for x in self.key_messages]
        lines += [("figures", Line(f.measures, (f.ref,))) for f in self.figures]
        lines += [("examples", Line(e.line, (e.ref,))) for e in self.examples]
        lines += [("definitions", Line(d.text, (d.ref,))) for d in self.definitions]
        lines += [("questions", x) for x in self.questions]
        lines += [("quiz", Line(q.prompt.replace(BLANK, q.answer, 1), (q.ref,))) for q in self.quiz]
        lines += [("further", x) for x in self.further]
        return lines
