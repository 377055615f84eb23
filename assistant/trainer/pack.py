"""The course pack: one sheet per day of the cycle, an index of the days, in one folder and
one zip archive."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..answer.answering import Assistant
from ..textnorm import fold, tokens
from . import aids
from .build import build_sheet
from .links import note_links
from .plan import DEFAULT_MINUTES
from .scope import SheetError
from .sheet import Sheet

FORMATS = ("md", "docx", "pptx", "html")
# The study aids of one sheet: its FAQ (Markdown) and its flashcards (CSV, Anki).
AIDS = ("faq", "csv", "apkg")


def slug(text: str, limit: int = 60) -> str:
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words)[:limit].strip("-") or "fiche"


def render(sheet: Sheet, fmt: str) -> bytes:
    """One sheet in one format, as the bytes of its file."""
    if fmt == "md":
        from .markdown import render as render_md

        return render_md(sheet).encode("utf-8")
    if fmt == "docx":
        from .word import render_docx

        return render_docx(sheet)
    if fmt == "pptx":
        from .slides import render_pptx

        return render_pptx(sheet)
    if fmt == "html":
        from .html import render_html

        return render_html(sheet).encode("utf-8")
    if fmt == "faq":
        return aids.faq_markdown(sheet).encode("utf-8")
    if fmt == "csv":
        return aids.cards_csv([sheet]).encode("utf-8")
    if fmt == "apkg":
        return aids.anki_deck([sheet])
    choices = ", ".join(FORMATS + AIDS)
    raise SheetError(f"Format inconnu : {fmt} (choisir parmi {choices}).")


def filename(sheet: Sheet, fmt: str) -> str:
    suffix = {"faq": "-faq.md", "csv": "-cartes.csv", "apkg": "-cartes.apkg"}.get(fmt, f".{fmt}")
    if sheet.day is not None:
        return f"jour-{sheet.day:02d}-{slug(sheet.title.split('–', 1)[-1])}{suffix}"
    return f"fiche-{slug(sheet.title)}{suffix}"


def days_of(assistant: Assistant) -> list[int]:
    found = set()
    for chunk in assistant.retriever.chunks:
        match = re.match(r"(\d+)\s*(?:e|er|ère|re)\s+jour\b", chunk.section)
        if match:
            found.add(int(match.group(1)))
    return sorted(found)


def links_page(assistant: Assistant) -> str:
    """Every URL of the note, once per place it is cited, with the section and the words of
    the note it goes with: the links the indexed text lost, for the whole course."""
    retriever = assistant.retriever
    sources = list(dict.fromkeys(c.source for c in retriever.chunks))
    rows = []
    for source in sources:
        chunks = [(c.section, " " + " ".join(tokens(c.text)) + " ") for c in retriever.chunks]
        seen: set[tuple[str, str]] = set()
        for link in note_links(retriever, source):
            needle = " " + " ".join(tokens(link.anchor)[-5:]) + " " if link.anchor else ""
            section = next((sec for sec, text in chunks if needle and needle in text), "")
            if (link.url, section) in seen:
                continue
            seen.add((link.url, section))
            what = link.label or (f"« {link.anchor}… »" if link.anchor else "pied de page")
            rows.append(f"| {section or '—'} | {what.replace('|', '/')} | {link.url} |")
    return (
        "# Liens de la note\n\nLes adresses que la note donne (notes de bas de page, liens des "
        "pages), avec la section et les mots de la note qu'elles documentent.\n\n"
        "| Section | Passage | Lien |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )


def _write_aids(folder: Path, sheets: list[Sheet], formats: tuple[str, ...]) -> list[Path]:
    """The course's study aids: the timeline, the mind map of the 21 days (HTML and PNG),
    the flashcards of every day (Anki and CSV)."""
    written = []
    events = aids.timeline(sheets)
    files = {s.title: filename(s, "html") for s in sheets} if "html" in formats else {}
    chart = aids.mind_map(sheets, files)
    for name, content in (
        ("frise-chronologique.md", aids.timeline_markdown(events).encode("utf-8")),
        ("carte-21-jours.html", aids.mind_map_html(chart).encode("utf-8")),
        ("carte-21-jours.png", aids.mind_map_png(chart)),
        ("cartes-21-jours.csv", aids.cards_csv(sheets).encode("utf-8")),
        ("cartes-21-jours.apkg", aids.anki_deck(sheets)),
    ):
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


@dataclass
class Pack:
    folder: Path
    archive: Path
    sheets: list[Sheet] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def write_pack(
    assistant: Assistant,
    folder: Path,
    formats: tuple[str, ...] = FORMATS,
    progress: Callable[[int, int, Sheet], None] | None = None,
    minutes: int = DEFAULT_MINUTES,
) -> Pack:
    started = time.perf_counter()
    days = days_of(assistant)
    if not days:
        raise SheetError("Aucun « jour » dans le corpus indexé : pas de parcours à écrire.")
    folder.mkdir(parents=True, exist_ok=True)
    pack = Pack(folder, folder.with_suffix(".zip"))
    rows = []
    for number, day in enumerate(days, 1):
        sheet = build_sheet(assistant, f"{day}e jour", minutes=minutes)
        pack.sheets.append(sheet)
        links = []
        for fmt in (*formats, "faq"):
            path = folder / filename(sheet, fmt)
            path.write_bytes(render(sheet, fmt))
            pack.files.append(path)
            links.append(f"[{fmt}]({path.name})")
        first = sheet.key_messages[0].text.split("\n")[0] if sheet.key_messages else ""
        rows.append(f"| {day} | {sheet.title} | {first[:140]} | {' · '.join(links)} |")
        if progress:
            progress(number, len(days), sheet)
    index = folder / "index.md"
    index.write_text(
        "# Parcours « 21 jours pour convaincre » — fiches de séance\n\n"
        "Une fiche par jour du cycle, tirée de la note du RAMEAU : chaque ligne cite son "
        "passage [n] (document, section, page).\n\n"
        "Aides à l'étude : [frise chronologique](frise-chronologique.md) · "
        "[carte des 21 jours](carte-21-jours.html) ([image](carte-21-jours.png)) · "
        "cartes mémoire ([Anki](cartes-21-jours.apkg), [CSV](cartes-21-jours.csv)) · "
        "[liens de la note](liens.md) ; une FAQ par jour (`-faq.md`).\n\n"
        "| Jour | Thème | Premier message clé | Fichiers |\n|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    pack.files.insert(0, index)
    links = folder / "liens.md"
    links.write_text(links_page(assistant), encoding="utf-8")
    pack.files.insert(1, links)
    pack.files[2:2] = _write_aids(folder, pack.sheets, formats)
    with zipfile.ZipFile(pack.archive, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in pack.files:
            archive.write(path, f"{folder.name}/{path.name}")
    pack.seconds = time.perf_counter() - started
    return pack
