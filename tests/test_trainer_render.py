"""The trainer's outputs rendered to images (issue #19): Word and slides through LibreOffice
headless (then poppler's pdftoppm), the HTML sheet and the mind map through Chromium
headless. The images are checked (page format, ink on every page) and kept in
``TRAINER_RENDER_DIR`` when set, to be looked at. The slides' text is measured against its
placeholders with a real font: nothing overflows.

Needs the Debian packages libreoffice-writer, libreoffice-impress, poppler-utils and
chromium (.ci/run installs them); skipped without them.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.util import Emu

from assistant.trainer import aids
from assistant.trainer.build import build_sheet
from assistant.trainer.pack import render

pytestmark = pytest.mark.slow


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"{names[0]} is not installed")


@pytest.fixture(scope="module")
def outputs(reference_assistant, tmp_path_factory) -> dict[str, Path]:
    folder = Path(os.environ.get("TRAINER_RENDER_DIR") or tmp_path_factory.mktemp("render"))
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for topic, key in (("12e jour", "day"), ("les alliances stratégiques", "theme")):
        sheet = build_sheet(reference_assistant, topic, use_llm=False)
        for fmt in ("docx", "pptx", "html"):
            path = folder / f"{key}.{fmt}"
            path.write_bytes(render(sheet, fmt))
            written[f"{key}.{fmt}"] = path
    sheets = [build_sheet(reference_assistant, f"{d}e jour", use_llm=False) for d in range(1, 22)]
    chart = aids.mind_map(sheets)
    (folder / "carte.html").write_text(aids.mind_map_html(chart), "utf-8")
    (folder / "carte.png").write_bytes(aids.mind_map_png(chart))
    written["carte.html"] = folder / "carte.html"
    written["carte.png"] = folder / "carte.png"
    written["_folder"] = folder
    return written


def _pdf_pages(office: str, source: Path, out: Path) -> tuple[Path, list[Path]]:
    out.mkdir(exist_ok=True)
    profile = out / "profile"
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = out / (source.stem + ".pdf")
    subprocess.run(
        [_tool("pdftoppm"), "-r", "50", "-png", str(pdf), str(out / source.stem)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return pdf, sorted(out.glob(f"{source.stem}-*.png"))


def _page_size_pt(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    line = next(x for x in info.splitlines() if x.startswith("Page size:"))
    width, height = (float(v) for v in line.split(":")[1].split("pts")[0].split(" x "))
    return width, height


def _inked(image: Path) -> bool:
    """Not a blank page: some pixels far from white."""
    gray = Image.open(image).convert("L")
    # Pillow 12 deprecates getdata() for get_flattened_data().
    pixels = gray.get_flattened_data() if hasattr(gray, "get_flattened_data") else gray.getdata()
    return sum(1 for p in pixels if p < 200) > 50


def test_word_renders_as_a4_pages(outputs):
    office = _tool("soffice", "libreoffice")
    for key in ("day", "theme"):
        pdf, pages = _pdf_pages(office, outputs[f"{key}.docx"], outputs["_folder"] / "word")
        width, height = _page_size_pt(pdf)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (width, height)  # A4
        assert pages and all(_inked(p) for p in pages)


def test_slides_render_as_16_9(outputs):
    office = _tool("soffice", "libreoffice")
    for key in ("day", "theme"):
        pdf, pages = _pdf_pages(office, outputs[f"{key}.pptx"], outputs["_folder"] / "slides")
        width, height = _page_size_pt(pdf)
        assert abs(width / height - 16 / 9) < 0.01, (width, height)
        deck = Presentation(outputs[f"{key}.pptx"])
        assert len(pages) == len(deck.slides) and all(_inked(p) for p in pages)


def test_html_and_mind_map_render_in_chromium(outputs):
    chromium = _tool("chromium", "chromium-browser")
    folder = outputs["_folder"]
    for name in ("day.html", "carte.html"):
        shot = folder / f"{Path(name).stem}-chromium.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={shot}", "--window-size=1280,1600", outputs[name].as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        assert _inked(shot), name
    assert Image.open(outputs["carte.png"]).size == (1800, 1800) and _inked(outputs["carte.png"])


def _font(size_pt: float) -> ImageFont.FreeTypeFont:
    # Measured in points at 1 px per point; DejaVu Sans is wider than Calibri/Carlito, so
    # text that fits here fits in PowerPoint and LibreOffice.
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, round(size_pt))
        except OSError:
            continue
    pytest.skip("DejaVu Sans not found")


def _text_height(frame, width_pt: float) -> float:
    height = 0.0
    for paragraph in frame.paragraphs:
        size = next((r.font.size.pt for r in paragraph.runs if r.font.size), 18.0)
        font = _font(size)
        text = "".join(r.text for r in paragraph.runs)
        lines = 0
        for part in text.split("\v") if "\v" in text else text.split("\n"):
            words, line = part.split(), ""
            count = 1
            for word in words:
                trial = f"{line} {word}".strip()
                if font.getlength(trial) > width_pt and line:
                    count += 1
                    line = word
                else:
                    line = trial
            lines += count
        gap = paragraph.space_after.pt if paragraph.space_after is not None else 0
        height += lines * size * 1.2 + gap
    return height


def test_slide_text_fits_its_placeholders(outputs):
    problems = []
    for key in ("day", "theme"):
        deck = Presentation(outputs[f"{key}.pptx"])
        for number, slide in enumerate(deck.slides, 1):
            for shape in slide.placeholders:
                if not shape.has_text_frame or not shape.text_frame.text.strip():
                    continue
                frame = shape.text_frame
                inset = Emu(frame.margin_left + frame.margin_right).pt
                width = Emu(shape.width).pt - inset - 20  # bullet indent
                height = Emu(shape.height).pt - Emu(frame.margin_top + frame.margin_bottom).pt
                needed = _text_height(frame, width)
                if needed > height * 1.02:
                    problems.append(
                        f"{key} slide {number} « {shape.text_frame.text[:50]} »: "
                        f"{math.ceil(needed)} pt in {math.floor(height)} pt"
                    )
    assert not problems, "\n".join(problems)


def test_the_fit_measure_catches_overflowing_text(tmp_path):
    """The measure above can fail: a long passage at 28 pt in a body placeholder does not
    fit it."""
    from pptx.util import Pt

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Trop long"
    paragraph = slide.placeholders[1].text_frame.paragraphs[0]
    paragraph.text = "Les alliances stratégiques constituent le troisième levier. " * 12
    paragraph.runs[0].font.size = Pt(28)
    path = tmp_path / "long.pptx"
    deck.save(path)
    with pytest.raises(AssertionError, match="slide 1"):
        test_slide_text_fits_its_placeholders({"day.pptx": path, "theme.pptx": path})
