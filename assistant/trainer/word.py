"""The sheet as a Word document (python-docx): headings per part, tables for figures, the
quiz key and the references."""

from __future__ import annotations

from io import BytesIO

from .markdown import ATTRIBUTION, LABELS, answer_label, intro, refs
from .sheet import Line, Sheet


def render_docx(sheet: Sheet) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
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
