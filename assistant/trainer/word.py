"""The sheet as a Word document (python-docx): headings per part, tables for figures, the
quiz key and the references."""

from __future__ import annotations

from io import BytesIO

from .markdown import ATTRIBUTION, LABELS, answer_label, clock, intro, refs
from .sheet import Line, Sheet

# Column widths (cm) of the tables on an A4 page with 2 cm margins (17 cm of text).
_FIGURE_WIDTHS = (3.2, 9.6, 1.6, 2.6)
_PLAN_WIDTHS = (1.5, 1.5, 2.4, 7.6, 2.4, 1.6)
_ANSWER_WIDTHS = (1.6, 11.4, 4.0)


def _french_page(document) -> None:  # document: docx.Document
    """A4, 2 cm margins, French language on every style, Calibri 11 left-aligned (list
    items hold line breaks), spacing after paragraphs, headings in the sheet's colour."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for style in styles:
        properties = getattr(style.element, "get_or_add_rPr", None)
        if properties is None:
            continue
        run_properties = properties()
        language = run_properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            run_properties.append(language)
        language.set(qn("w:val"), "fr-FR")
    for level, size in ((0, 22), (1, 15), (2, 12)):
        name = "Title" if level == 0 else f"Heading {level}"
        style = styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)


def _sized(table, widths: tuple[float, ...]) -> None:
    """Fixed column widths (Word ignores the column's width without the cells')."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)  # the grid LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                # Table cells left-aligned: justified narrow columns leave holes.
                paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
                for run in paragraph.runs:
                    run.font.size = Pt(9.5)


def render_docx(sheet: Sheet) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    _french_page(document)
    document.core_properties.language = "fr-FR"
    document.core_properties.title = f"Fiche de séance — {sheet.title}"
    document.core_properties.author = "Assistant RAMEAU"
    document.add_heading(f"Fiche de séance — {sheet.title}", level=0)
    document.add_paragraph(intro(sheet)).runs[0].italic = True
    for warning in sheet.warnings:
        document.add_paragraph(f"⚠ {warning}")

    document.add_heading(LABELS["scope"], level=1)
    for entry in sheet.scope:
        pages = f", p. {entry.pages[0]}–{entry.pages[-1]}" if entry.pages else ""
        if len(entry.pages) == 1:
            pages = f", p. {entry.pages[0]}"
        document.add_paragraph(f"{entry.section} — {entry.source}{pages}", style="List Bullet")

    def lines(title: str, items: list[Line], numbered: bool = False) -> None:
        if not items:
            return
        document.add_heading(title, level=1)
        style = "List Number" if numbered else "List Bullet"
        for line in items:
            paragraph = document.add_paragraph(style=style)
            parts = line.text.split("\n")
            paragraph.add_run(parts[0])
            for item in parts[1:]:
                paragraph.add_run("\n– " + item.lstrip("•▪-–* ").strip())
            paragraph.add_run(f" {refs(line.refs)}").bold = True
            if line.suggested:
                paragraph.add_run(" (suggestion)").italic = True
            for url in line.links:
                paragraph.add_run(f" — {url}").italic = True

    if sheet.plan:
        document.add_heading(f"{LABELS['plan']} ({clock(sheet.minutes)})", level=1)
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        header = ("Horaire", "Durée", "Étape", "Déroulé", "Support", "Réf.")
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for step in sheet.plan:
            row = table.add_row().cells
            row[0].text = clock(step.start)
            row[1].text = f"{step.minutes} min"
            row[2].text = step.title
            row[3].text = step.activity
            row[4].text = step.material
            row[5].text = refs(step.refs) or "—"
        _sized(table, _PLAN_WIDTHS)
    lines(LABELS["objectives"], sheet.objectives)
    lines(LABELS["key_messages"], sheet.key_messages, numbered=True)
    if sheet.figures:
        document.add_heading(LABELS["figures"], level=1)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("Chiffre", "Ce qu'il mesure", "Année", "Source"), strict=True
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for figure in sheet.figures:
            row = table.add_row().cells
            page = sheet.source(figure.ref).page
            row[0].text = figure.value
            row[1].text = figure.measures
            row[2].text = figure.year or "—"
            row[3].text = f"[{figure.ref}]" + (f" p. {page}" if page is not None else "")
        _sized(table, _FIGURE_WIDTHS)
    if sheet.examples:
        document.add_heading(LABELS["examples"], level=1)
        for example in sheet.examples:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(example.name).bold = True
            paragraph.add_run(f" — {example.line} [{example.ref}]")
    if sheet.definitions:
        document.add_heading(LABELS["definitions"], level=1)
        for definition in sheet.definitions:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(definition.term).bold = True
            paragraph.add_run(f" — {definition.text} [{definition.ref}]")
    lines(LABELS["questions"], sheet.questions)
    if sheet.quiz:
        document.add_heading(LABELS["quiz"], level=1)
        for number, item in enumerate(sheet.quiz, 1):
            kind = "QCM" if item.choices else "À compléter"
            document.add_paragraph(f"{number}. ({kind}) {item.prompt}")
            for letter, choice in zip("ABCD", item.choices, strict=False):
                document.add_paragraph(f"{letter}) {choice}", style="List Bullet 2")
        document.add_heading(LABELS["answers"], level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Question", "Réponse", "Source"), strict=True):
            cell.text = text
        for number, item in enumerate(sheet.quiz, 1):
            row = table.add_row().cells
            page = sheet.source(item.ref).page
            row[0].text = str(number)
            row[1].text = answer_label(item)
            row[2].text = f"[{item.ref}]" + (f" p. {page}" if page is not None else "")
        _sized(table, _ANSWER_WIDTHS)
    lines(LABELS["further"], sheet.further)
    document.add_heading(LABELS["sources"], level=1)
    for source in sheet.sources:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"[{source.marker}] ").bold = True
        paragraph.add_run(source.where)
        quote = document.add_paragraph(
            "« " + " / ".join(x.strip() for x in source.quote.split("\n")) + " »"
        )
        quote.paragraph_format.left_indent = Pt(18)
        quote.runs[0].italic = True
    document.add_paragraph(ATTRIBUTION).runs[0].italic = True
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
