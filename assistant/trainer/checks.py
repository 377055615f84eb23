"""The sheet's quality bar, checked without a model (the tests and the benchmark use it).

- every source quotes its chunk as indexed (the eval's matching rule: the quote's tokens
  are a contiguous run of the chunk's tokens);
- every line that states something names sources, and a line in the note's words is a run
  of one of its sources' quotes; a suggestion names sources that exist; a line the LLM
  wrote gives only figures found in its quotes, and mostly their words;
- every figure (and the clause it measures) is in its cited passage; every quiz answer is
  in its cited passage and the prompt is that passage with the answer blanked;
- no stating line is drawn from boilerplate (announcements repeated day after day),
  footnotes or headings: its source is a readable unit of its chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import RetrievedChunk
from ..search.retrieval import Retriever
from ..textnorm import contains_run, tokens
from .draft import supported
from .material import repeated_opening
from .sheet import BLANK, Sheet


@dataclass
class CheckReport:
    lines: int = 0
    valid_lines: int = 0
    sources: int = 0
    valid_sources: int = 0
    figures: int = 0
    valid_figures: int = 0
    quiz: int = 0
    valid_quiz: int = 0
    boilerplate: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def validity(self) -> float:
        checked = self.lines + self.sources
        return (self.valid_lines + self.valid_sources) / checked if checked else 1.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, other: CheckReport) -> None:
        for name in (
            "lines",
            "valid_lines",
            "sources",
            "valid_sources",
            "figures",
            "valid_figures",
            "quiz",
            "valid_quiz",
            "boilerplate",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems += other.problems


def inside(phrase: str, text: str) -> bool:
    needle = tokens(phrase)
    return bool(needle) and contains_run(tokens(text), needle)


def check_sheet(sheet: Sheet, retriever: Retriever) -> CheckReport:
    report = CheckReport()
    chunks = {c.id: c for c in retriever.chunks}
    readable: dict[int, bool] = {}
    boilerplate = getattr(retriever, "_boilerplate", None)
    for source in sheet.sources:
        report.sources += 1
        chunk = chunks.get(source.chunk_id)
        if chunk is not None and inside(source.quote, chunk.text):
            report.valid_sources += 1
        else:
            report.problems.append(f"[{source.marker}] quote not in its chunk: {source.quote[:80]}")
        units = retriever.units_of(RetrievedChunk.of(chunk, 0.0, 0)) if chunk else []
        readable[source.marker] = any(
            u.quotable and u.text == source.quote for u in units
        ) and not repeated_opening(source.quote, boilerplate)
    markers = {s.marker for s in sheet.sources}
    for part, line in sheet.cited():
        report.lines += 1
        known = bool(line.refs) and set(line.refs) <= markers
        quotes = [sheet.source(m).quote for m in line.refs if m in markers]
        if line.drafted:
            in_words = supported(line.text, quotes)
        else:
            in_words = line.suggested or any(inside(line.text, q) for q in quotes)
        if known and in_words:
            report.valid_lines += 1
        else:
            report.problems.append(f"{part}: line not found in its sources: {line.text[:80]}")
        if part != "further" and known and not all(readable[m] for m in line.refs):
            report.boilerplate += 1
            report.problems.append(f"{part}: drawn from a footnote, heading or boilerplate")
    for figure in sheet.figures:
        report.figures += 1
        quote = sheet.source(figure.ref).quote
        if inside(figure.value, quote) and inside(figure.measures, quote):
            report.valid_figures += 1
        else:
            report.problems.append(f"figure {figure.value!r} not in [{figure.ref}]")
    for item in sheet.quiz:
        report.quiz += 1
        quote = sheet.source(item.ref).quote
        filled = item.prompt.replace(BLANK, item.answer, 1)
        answer_ok = inside(item.answer, quote) and inside(filled, quote)
        if answer_ok and (not item.choices or item.answer in item.choices):
            report.valid_quiz += 1
        else:
            report.problems.append(f"quiz answer {item.answer!r} not in [{item.ref}]")
    return report
