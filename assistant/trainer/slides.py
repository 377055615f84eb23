"""The sheet as slides (python-pptx): a title slide, one slide per key message, the
figures in groups, examples, questions and the quiz; each slide's references (document,
section, page, exact passage) in its notes."""

from __future__ import annotations

from io import BytesIO

from .markdown import LABELS, answer_label
from .sheet import Sheet

FIGURES_PER_SLIDE = 5
ITEMS_PER_SLIDE = 5
MAX_SLIDE_CHARS = 700


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SLIDE_CHARS else text[: MAX_SLIDE_CHARS - 1] + "…"


def render_pptx(sheet: Sheet) -> bytes:
    from pptx import Presentation
    from pptx.util import Pt

    deck = Presentation()
    title_layout, content_layout = deck.slide_layouts[0], deck.slide_layouts[1]

    def notes(slide, markers) -> None:
        lines = []
        for marker in dict.fromkeys(markers):
            source = sheet.source(marker)
            quote = " / ".join(x.strip() for x in source.quote.split("\n"))
            lines.append(f"[{marker}] {source.where}\n« {quote} »")
        slide.notes_slide.notes_text_frame.text = "\n\n".join(lines) or "—"

    def bullets(title: str, items: list[str], markers, size: int = 18) -> None:
        slide = deck.slides.add_slide(content_layout)
        slide.shapes.title.text = title
        frame = slide.placeholders[1].text_frame
        frame.word_wrap = True
        for index, item in enumerate(items):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = _clip(item)
            for run in paragraph.runs:
                run.font.size = Pt(size)
        notes(slide, markers)

    cover = deck.slides.add_slide(title_layout)
    cover.shapes.title.text = f"Fiche de séance — {sheet.title}"
    cover.placeholders[1].text = "Le RAMEAU — « L'hybridation des modèles socio-économiques »"
    notes(cover, [])
    if sheet.objectives:
        bullets(
            LABELS["objectives"],
            [
                x.text + (" (suggestion)" if x.suggested else "") + " " + _refs(x.refs)
                for x in sheet.objectives
            ],
            [m for x in sheet.objectives for m in x.refs],
            16,
        )
    for number, line in enumerate(sheet.key_messages, 1):
        parts = [p.lstrip("•▪-–* ").strip() for p in line.text.split("\n")]
        parts[-1] += " " + _refs(line.refs)
        size = 18 if len(line.text) < 400 else 14
        bullets(f"Message clé {number}", parts, line.refs, size)
    for start in range(0, len(sheet.figures), FIGURES_PER_SLIDE):
        group = sheet.figures[start : start + FIGURES_PER_SLIDE]
        bullets(
            LABELS["figures"],
            [f"{f.value} — {f.measures} [{f.ref}]" for f in group],
            [f.ref for f in group],
            14,
        )
    if sheet.examples:
        group = sheet.examples[:ITEMS_PER_SLIDE]
        bullets(
            LABELS["examples"],
            [f"{e.name} [{e.ref}]" for e in group],
            [e.ref for e in group],
        )
    if sheet.questions:
        bullets(
            LABELS["questions"],
            [x.text + (" (suggestion)" if x.suggested else "") for x in sheet.questions],
            [m for x in sheet.questions for m in x.refs],
            16,
        )
    for number, item in enumerate(sheet.quiz, 1):
        choices = [f"{letter}) {c}" for letter, c in zip("ABCD", item.choices, strict=False)]
        slide_items = [item.prompt, *choices]
        bullets(f"Quiz — question {number}", slide_items, [item.ref], 16)
    if sheet.quiz:
        bullets(
            LABELS["answers"],
            [f"{n}. {answer_label(item)} [{item.ref}]" for n, item in enumerate(sheet.quiz, 1)],
            [item.ref for item in sheet.quiz],
            16,
        )
    buffer = BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _refs(markers) -> str:
    return "".join(f"[{m}]" for m in markers)
