"""Real PDF files made by the tests (fpdf2)."""

from __future__ import annotations

from pathlib import Path


def make_pdf(path: Path, pages: list[list[str]], user_password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if user_password is not None:
        pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line)
            pdf.ln(2)
    pdf.output(str(path))
    return path


def make_blank_pdf(path: Path) -> Path:
    """A PDF whose pages have no text layer (like a scan)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)
    pdf.output(str(path))
    return path
