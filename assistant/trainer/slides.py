"""The sheet as slides (python-pptx), 16:9, on a designed master (a coloured title band,
the placeholders laid out for the wide format, a footer line): one section per part of
the session plan (opening, key messages, case, debate, quiz, wrap-up), each opened by a
divider slide giving its time and length; several bullets per slide, paginated so the
text fits its placeholder (a font size and a number of lines per slide computed from the
placeholder's size); each slide's references (document, section, page, exact passage)
in its speaker notes."""

from __future__ import annotations

import copy
import math
from io import BytesIO

from .markdown import LABELS, answer_label, clock
from .sheet import Sheet

# The wide format and the body placeholder, in points (1 in = 72 pt).
WIDTH_IN, HEIGHT_IN = 13.333, 7.5
_BODY = (0.6, 1.55, 12.1, 5.25)  # left, top, width, height (inches)
_TITLE = (0.6, 0.3, 12.1, 0.95)
_BAND_HEIGHT_IN = 1.35
_COLOUR = (0x1F, 0x4E, 0x79)
# Average width of a character as a share of the font size (Calibri-like text, a margin
# kept for capitals and wide letters), and the line height.
CHAR_WIDTH = 0.52
LINE_HEIGHT = 1.25
PARAGRAPH_GAP_PT = 6


def capacity(size: float, box=_BODY) -> tuple[int, int]:
    """(characters per line, lines) the body placeholder holds at ``size`` points."""
    width_pt = (box[2] - 0.2) * 72  # the text frame's insets
    height_pt = (box[3] - 0.1) * 72
    return int(width_pt / (CHAR_WIDTH * size)), int(height_pt / (LINE_HEIGHT * size))


def lines_needed(items: list[str], size: float) -> float:
    """Lines the items take at ``size`` (a line break « \v » inside an item starts a line)."""
    per_line, _ = capacity(size)
    gaps = PARAGRAPH_GAP_PT * max(0, len(items) - 1) / (LINE_HEIGHT * size)
    return (
        sum(max(1, math.ceil(len(part) / per_line)) for x in items for part in x.split("\v")) + gaps
    )


SIZES = (22, 20, 18, 16)


def paginate(items: list[str], sizes=SIZES) -> list[tuple[list[str], int]]:
    """Items in slides that hold them: all on one slide at the largest font that fits,
    else several slides at the smallest, as many items on each as fit; an item longer than
    a slide is cut at a sentence (the notes keep the whole passage)."""
    for size in sizes:
        if lines_needed(items, size) <= capacity(size)[1]:
            return [(items, size)]
    size = sizes[-1]
    per_line, rows = capacity(size)
    pages: list[tuple[list[str], int]] = []
    current: list[str] = []
    for item in items:
        if lines_needed([item], size) > rows:
            item = _cut(item, per_line * (rows - 1))
        if current and lines_needed([*current, item], size) > rows:
            pages.append((current, size))
            current = []
        current.append(item)
    if current:
        pages.append((current, size))
    return pages


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    stop = max(head.rfind(". "), head.rfind(" ; "), head.rfind(", "))
    return (head[: stop + 1] if stop > limit // 2 else head.rsplit(" ", 1)[0]) + " …"


def _design(deck) -> None:  # deck: pptx.Presentation
    """The master for the wide format: a coloured band behind the titles, placeholders
    moved and sized for 16:9, white bold titles, dark body text."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    deck.slide_width, deck.slide_height = Inches(WIDTH_IN), Inches(HEIGHT_IN)
    master = deck.slide_master
    # A band drawn on a scratch deck, its XML put behind the master's placeholders.
    scratch = Presentation()
    shape = scratch.slides.add_slide(scratch.slide_layouts[6]).shapes.add_shape(
        MSO_SHAPE.RECTANGLE, 0, 0, Inches(WIDTH_IN), Inches(_BAND_HEIGHT_IN)
    )
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor(*_COLOUR)
    shape.line.fill.background()
    master.shapes._spTree.insert(2, copy.deepcopy(shape._element))
    rule = scratch.slides[0].shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Inches(0.6), Inches(7.0), Inches(12.1), Pt(1.5)
    )
    rule.fill.solid()
    rule.fill.fore_color.rgb = RGBColor(*_COLOUR)
    rule.line.fill.background()
    master.shapes._spTree.insert(3, copy.deepcopy(rule._element))
    for layout in (master, *deck.slide_layouts):
        for placeholder in layout.placeholders:
            kind = placeholder.placeholder_format.type
            name = str(kind)
            if "TITLE" in name and "SUB" not in name:
                box = _TITLE
            elif "BODY" in name or "OBJECT" in name or "SUBTITLE" in name:
                box = _BODY
            else:  # date, footer, slide number: along the bottom rule
                box = None
            if box is not None:
                placeholder.left, placeholder.top = Inches(box[0]), Inches(box[1])
                placeholder.width, placeholder.height = Inches(box[2]), Inches(box[3])
            else:
                placeholder.top = Inches(7.05)
    title_style = master.placeholders[0].text_frame.paragraphs[0].font
    title_style.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    title_style.bold = True
    title_style.size = Pt(30)


def render_pptx(sheet: Sheet) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    deck = Presentation()
    _design(deck)
    title_layout, content_layout = deck.slide_layouts[0], deck.slide_layouts[1]
    sections: list[tuple[str, list]] = []  # (name, slide ids)

    def notes(slide, markers) -> None:
        lines = []
        for marker in dict.fromkeys(markers):
            source = sheet.source(marker)
            quote = " / ".join(x.strip() for x in source.quote.split("\n"))
            lines.append(f"[{marker}] {source.where}\n« {quote} »")
        slide.notes_slide.notes_text_frame.text = "\n\n".join(lines) or "—"

    def add(slide) -> None:
        sections[-1][1].append(slide.slide_id)

    def footer(slide, text: str) -> None:
        box = slide.shapes.add_textbox(Inches(0.6), Inches(7.05), Inches(12.1), Inches(0.35))
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = text
        paragraph.runs[0].font.size = Pt(10)
        paragraph.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)

    def bullets(title: str, items: list[str], markers) -> None:
        pages = paginate(items)
        for number, (page, size) in enumerate(pages, 1):
            slide = deck.slides.add_slide(content_layout)
            suffix = f" ({number}/{len(pages)})" if len(pages) > 1 else ""
            slide.shapes.title.text = title + suffix
            _fit_title(slide.shapes.title)
            frame = slide.placeholders[1].text_frame
            frame.word_wrap = True
            for index, item in enumerate(page):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                paragraph.text = item
                paragraph.space_after = Pt(PARAGRAPH_GAP_PT)
                for run in paragraph.runs:
                    run.font.size = Pt(size)
            footer(slide, f"{sheet.title} — {sections[-1][0]}")
            notes(slide, markers)
            add(slide)

    def divider(step) -> None:
        sections.append((step.title if step else "Ouverture", []))
        if step is None:
            return
        slide = deck.slides.add_slide(content_layout)
        slide.shapes.title.text = step.title
        _fit_title(slide.shapes.title)
        frame = slide.placeholders[1].text_frame
        frame.word_wrap = True
        frame.paragraphs[0].text = f"{clock(step.start)} — {step.minutes} min"
        frame.paragraphs[0].runs[0].font.size = Pt(24)
        frame.paragraphs[0].runs[0].font.bold = True
        for text in (step.activity, f"Support : {step.material}"):
            paragraph = frame.add_paragraph()
            paragraph.text = _cut(text, 420)
            paragraph.runs[0].font.size = Pt(18)
        footer(slide, f"{sheet.title} — {step.title}")
        notes(slide, step.refs)
        add(slide)

    steps = {step.title: step for step in sheet.plan}
    sections.append(("Ouverture", []))
    cover = deck.slides.add_slide(title_layout)
    cover.shapes.title.text = f"Fiche de séance — {sheet.title}"
    _fit_title(cover.shapes.title)
    cover.placeholders[1].text = (
        f"Le RAMEAU — « L'hybridation des modèles socio-économiques » · séance de "
        f"{clock(sheet.minutes)}"
    )
    notes(cover, [])
    add(cover)
    if sheet.plan:
        bullets(
            LABELS["plan"],
            [f"{clock(p.start)} · {p.minutes} min — {p.title}" for p in sheet.plan],
            [],
        )
    if sheet.objectives:
        bullets(
            LABELS["objectives"],
            [
                x.text + (" (suggestion)" if x.suggested else "") + " " + _refs(x.refs)
                for x in sheet.objectives
            ],
            [m for x in sheet.objectives for m in x.refs],
        )
    divider(steps.get("Messages clés"))
    # Several messages per slide, a list's items as lines of its bullet.
    messages = []
    for number, line in enumerate(sheet.key_messages, 1):
        parts = [p.lstrip("•▪-–* ").strip() for p in line.text.split("\n")]
        messages.append(f"{number}. " + "\v– ".join(parts) + " " + _refs(line.refs))
    for start in range(0, len(messages), 3):
        group = sheet.key_messages[start : start + 3]
        bullets(
            LABELS["key_messages"], messages[start : start + 3], [m for x in group for m in x.refs]
        )
    if sheet.figures:
        bullets(
            LABELS["figures"],
            [f"{f.value} — {f.measures} [{f.ref}]" for f in sheet.figures],
            [f.ref for f in sheet.figures],
        )
    divider(steps.get("Activité : étude de cas"))
    if sheet.examples:
        bullets(
            LABELS["examples"],
            [f"{e.name} — {e.line} [{e.ref}]" for e in sheet.examples],
            [e.ref for e in sheet.examples],
        )
    divider(steps.get("Débat"))
    if sheet.questions:
        bullets(
            LABELS["questions"],
            [x.text + (" (suggestion)" if x.suggested else "") for x in sheet.questions],
            [m for x in sheet.questions for m in x.refs],
        )
    divider(steps.get("Quiz"))
    for number, item in enumerate(sheet.quiz, 1):
        choices = [f"{letter}) {c}" for letter, c in zip("ABCD", item.choices, strict=False)]
        bullets(f"Quiz — question {number}", [item.prompt, *choices], [item.ref])
    if sheet.quiz:
        bullets(
            LABELS["answers"],
            [f"{n}. {answer_label(item)} [{item.ref}]" for n, item in enumerate(sheet.quiz, 1)],
            [item.ref for item in sheet.quiz],
        )
    divider(steps.get("Synthèse et suites"))
    if sheet.further:
        bullets(
            LABELS["further"],
            [
                x.text.split("\n")[0] + " " + _refs(x.refs) + "".join(f" — {u}" for u in x.links)
                for x in sheet.further
            ],
            [m for x in sheet.further for m in x.refs],
        )
    _sections(deck, [(name, ids) for name, ids in sections if ids])
    buffer = BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _fit_title(shape) -> None:
    """A title on one or two lines of its band."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    size = 30 if len(shape.text) <= 55 else 24 if len(shape.text) <= 80 else 20
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _sections(deck, sections: list[tuple[str, list[int]]]) -> None:
    """PowerPoint sections (p14:sectionLst), one per part of the session plan."""
    from lxml import etree

    p14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    presentation = deck.part._element
    ext_list = presentation.find(f"{{{p}}}extLst")
    if ext_list is None:
        ext_list = etree.SubElement(presentation, f"{{{p}}}extLst")
    ext = etree.SubElement(ext_list, f"{{{p}}}ext", uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}")
    listing = etree.SubElement(ext, f"{{{p14}}}sectionLst", nsmap={"p14": p14})
    for index, (name, ids) in enumerate(sections):
        section = etree.SubElement(
            listing,
            f"{{{p14}}}section",
            name=name,
            id=f"{{{index + 1:08d}-0000-4000-8000-000000000000}}",
        )
        slides = etree.SubElement(section, f"{{{p14}}}sldIdLst")
        for slide_id in ids:
            etree.SubElement(slides, f"{{{p14}}}sldId", id=str(slide_id))


def _refs(markers) -> str:
    return "".join(f"[{m}]" for m in markers)
