"""Study aids made offline from the sheets, every item cited to its passage: an FAQ per
sheet, flashcards (an Anki deck with ``genanki``, and CSV), a timeline of the dated events
of the note, and a mind map of the 21 days (a self-contained HTML page with an inline SVG,
and a PNG image of the same drawing).

The questions of the FAQ and the cards' fronts are templates around the note's words
(marked as suggestions); the answers are the note's sentences, each with its reference
(section, page).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import itertools
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..textnorm import fold
from .sheet import Sheet

_QUOTED = re.compile(r"«\s?([^»]{4,70}?)\s?»|“([^”]{4,70}?)”")
_A_YEAR = re.compile(r"(?<![\w,.\-/])(20(?:0[6-9]|1\d))(?![\w%\-/]|,\d)")
_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


def where(sheet: Sheet, marker: int) -> str:
    """« 12e jour – La diversité…, p. 31 » for a reference of the sheet."""
    source = sheet.source(marker)
    page = f", p. {source.page}" if source.page is not None else ", page inconnue"
    return f"{source.section}{page}"


@dataclass(frozen=True)
class QA:
    question: str  # a template around the note's words (a suggestion)
    answer: str  # the note's words
    ref: int
    where: str


def faq(sheet: Sheet) -> list[QA]:
    """Questions a participant asks, answered by the note's sentences."""
    items: list[QA] = []
    if sheet.key_messages:
        first = sheet.key_messages[0]
        items.append(
            QA(
                "Quelle est l'idée directrice de la séance ?",
                first.text,
                first.refs[0],
                where(sheet, first.refs[0]),
            )
        )
    for d in sheet.definitions:
        items.append(QA(f"Qu'est-ce que « {d.term} » ?", d.text, d.ref, where(sheet, d.ref)))
    for index, line in enumerate(sheet.key_messages[1:6], 1):
        topic = sheet.topics.get(index)
        if topic:  # what the key message is about (its rarest noun phrase)
            ref = line.refs[0]
            items.append(
                QA(f"Que dit la note sur « {topic} » ?", line.text, ref, where(sheet, ref))
            )
    for f in sheet.figures[:6]:
        answer = f.measures + (f" ({f.year})" if f.year and f.year not in f.measures else "")
        items.append(
            QA(f"Que mesure le chiffre « {f.value} » ?", answer, f.ref, where(sheet, f.ref))
        )
    for e in sheet.examples[:5]:
        items.append(
            QA(
                f"Quel exemple la note donne-t-elle avec {e.name} ?",
                e.line,
                e.ref,
                where(sheet, e.ref),
            )
        )
    return items


def faq_markdown(sheet: Sheet) -> str:
    lines = [
        f"# FAQ — {sheet.title}",
        "",
        "_Les questions sont proposées pour la séance (suggestions) ; chaque réponse est une "
        "phrase de la note, avec sa référence (section, page)._",
        "",
    ]
    for item in faq(sheet):
        lines += [f"## {item.question}", "", f"{item.answer}", "", f"> Source : {item.where}", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Card:
    front: str
    back: str
    where: str
    deck: str  # the sheet's title


def cards(sheet: Sheet) -> list[Card]:
    """A card per quiz item, definition and figure of the sheet."""
    found: list[Card] = []
    for item in sheet.quiz:
        found.append(Card(item.prompt, item.answer, where(sheet, item.ref), sheet.title))
    for d in sheet.definitions:
        found.append(Card(f"Définir : {d.term}", d.text, where(sheet, d.ref), sheet.title))
    for f in sheet.figures[:6]:
        found.append(
            Card(f"Que mesure « {f.value} » ?", f.measures, where(sheet, f.ref), sheet.title)
        )
    return found


def cards_csv(sheets: list[Sheet]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["recto", "verso", "source", "fiche"])
    for sheet in sheets:
        for card in cards(sheet):
            writer.writerow([card.front, card.back, card.where, card.deck])
    return buffer.getvalue()


def anki_deck(sheets: list[Sheet], name: str = "RAMEAU — Hybridation des modèles") -> bytes:
    """The cards as an Anki package (.apkg): one sub-deck per sheet, the source on the back."""
    import genanki

    def stable(text: str) -> int:
        return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)

    model = genanki.Model(
        stable("rameau-trainer-model"),
        "RAMEAU fiche",
        fields=[{"name": "Recto"}, {"name": "Verso"}, {"name": "Source"}],
        templates=[
            {
                "name": "Carte",
                "qfmt": "{{Recto}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Verso}}<br><small>{{Source}}</small>',
            }
        ],
    )
    decks = []
    for sheet in sheets:
        deck = genanki.Deck(stable(sheet.title), f"{name}::{sheet.title}")
        for card in cards(sheet):
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[
                        html.escape(card.front),
                        html.escape(card.back),
                        html.escape(card.where),
                    ],
                    guid=genanki.guid_for(card.deck, card.front),
                )
            )
        decks.append(deck)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cartes.apkg"
        genanki.Package(decks).write_to_file(str(path))
        return path.read_bytes()


@dataclass(frozen=True)
class Event:
    year: int
    month: int  # 0 when the note gives none
    date: str  # as the note writes it (« avril 2019 », « 2014 »)
    text: str  # the note's sentence
    where: str


def timeline(sheets: list[Sheet]) -> list[Event]:
    """The dated events the sheets quote (2006 → 2019), in time order, once each."""
    found: dict[str, Event] = {}
    for sheet in sheets:
        for source in sheet.sources:
            if source.quote.lower().startswith("note"):
                continue  # a footnote's reference, not an event
            for line in source.quote.split("\n"):
                for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«])", line.strip(" •▪-")):
                    match = _A_YEAR.search(sentence)
                    if match is None or len(sentence) > 400 or len(sentence) < 30:
                        continue
                    before = sentence[: match.start()]
                    if re.search(r"[A-ZÀ-Ý][\w-]+\s$", before) and not re.search(
                        r"(?i:\b(?:en|depuis|dès|fin|début|le|de|au)\s)$", before
                    ):
                        continue  # « l'Agenda 2030 »-like: a name
                    month_match = re.search(rf"\b({'|'.join(_MONTHS)})\s$", before.lower())
                    month = _MONTHS.index(month_match.group(1)) + 1 if month_match else 0
                    date = (f"{month_match.group(1)} " if month_match else "") + match.group(1)
                    key = fold(sentence)
                    if key not in found:
                        found[key] = Event(
                            int(match.group(1)),
                            month,
                            date,
                            sentence,
                            where(sheet, source.marker),
                        )
    return sorted(found.values(), key=lambda e: (e.year, e.month))


def timeline_markdown(events: list[Event]) -> str:
    lines = [
        "# Frise chronologique de la note (2006 → 2019)",
        "",
        "_Chaque événement est une phrase de la note, avec sa section et sa page._",
        "",
        "| Date | Événement | Source |",
        "|---|---|---|",
    ]
    for event in events:
        text = event.text.replace("|", "/")
        lines.append(f"| {event.date} | {text} | {event.where} |")
    return "\n".join(lines) + "\n"


# --- the mind map -----------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    label: str
    kind: str  # "centre" | "day" | "actor" | "tool"
    x: float
    y: float
    where: str = ""
    href: str = ""


@dataclass(frozen=True)
class MindMap:
    nodes: list[Node]
    edges: list[tuple[int, int, str]]  # node indices, kind ("branch", "shared:<name>")
    size: int


def mind_map(sheets: list[Sheet], files: dict[str, str] | None = None, size: int = 1800) -> MindMap:
    """The 21 days around the cycle; each day's actors (its named examples) and tools (the
    programmes and platforms its key messages name in quotes) around it; a day linked to
    the other days that name the same actor."""
    centre = size / 2
    nodes = [Node("21 jours pour convaincre", "centre", centre, centre)]
    edges: list[tuple[int, int, str]] = []
    actors_of: dict[str, list[int]] = {}
    radius = size * 0.30
    for index, sheet in enumerate(sheets):
        angle = 2 * math.pi * index / max(1, len(sheets)) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        short = sheet.title.split("–", 1)[-1].strip()
        day = f"J{sheet.day} · {short}" if sheet.day is not None else short
        first_ref = sheet.key_messages[0].refs[0] if sheet.key_messages else None
        nodes.append(
            Node(
                day,
                "day",
                x,
                y,
                where(sheet, first_ref) if first_ref else sheet.title,
                (files or {}).get(sheet.title, ""),
            )
        )
        day_index = len(nodes) - 1
        edges.append((0, day_index, "branch"))
        leaves: list[tuple[str, str, str]] = []
        for example in sheet.examples[:2]:
            leaves.append(
                (
                    example.names[0] if example.names else example.name,
                    "actor",
                    where(sheet, example.ref),
                )
            )
        tools = []
        for line in sheet.key_messages:
            for match in _QUOTED.finditer(line.text):
                title = (match.group(1) or match.group(2) or "").strip()
                if title[:1].isupper() and len(title.split()) <= 7 and title not in tools:
                    tools.append(title)
                    leaves.append((title, "tool", where(sheet, line.refs[0])))
                if len(tools) >= 1:
                    break
            if len(tools) >= 1:
                break
        for number, (label, kind, source) in enumerate(leaves[:3]):
            spread = (number - (min(3, len(leaves)) - 1) / 2) * 0.09
            leaf_angle = angle + spread
            lx = centre + radius * 1.42 * math.cos(leaf_angle)
            ly = centre + radius * 1.42 * math.sin(leaf_angle)
            nodes.append(Node(label, kind, lx, ly, source))
            edges.append((day_index, len(nodes) - 1, "branch"))
            if kind == "actor":
                actors_of.setdefault(fold(label), []).append(day_index)
        for example in sheet.examples:
            for name in example.names:
                days = actors_of.setdefault(fold(name), [])
                if day_index not in days:
                    days.append(day_index)
    shared = set()
    for name, days in sorted(actors_of.items()):
        for a, b in itertools.pairwise(days):
            if a != b and (a, b) not in shared:
                shared.add((a, b))
                edges.append((a, b, f"shared:{name}"))
    return MindMap(nodes, edges, size)


_COLOURS = {"centre": "#1F4E79", "day": "#2E75B6", "actor": "#C55A11", "tool": "#548235"}


def mind_map_html(chart: MindMap) -> str:
    """One self-contained page: an inline SVG, no script, no external resource."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.size} {chart.size}" '
        f'width="100%" role="img" aria-label="Carte des 21 jours">'
    ]
    for a, b, kind in chart.edges:
        one, two = chart.nodes[a], chart.nodes[b]
        if kind == "branch":
            parts.append(
                f'<line x1="{one.x:.0f}" y1="{one.y:.0f}" x2="{two.x:.0f}" y2="{two.y:.0f}" '
                'stroke="#9DC3E6" stroke-width="2"/>'
            )
        else:
            mx, my = chart.size / 2, chart.size / 2
            parts.append(
                f'<path d="M{one.x:.0f},{one.y:.0f} Q{mx:.0f},{my:.0f} {two.x:.0f},{two.y:.0f}" '
                f'fill="none" stroke="#F4B183" stroke-width="1.5" stroke-dasharray="6 4">'
                f"<title>{html.escape(kind.split(':', 1)[1])}</title></path>"
            )
    for node in chart.nodes:
        colour = _COLOURS[node.kind]
        radius = {"centre": 90, "day": 14, "actor": 7, "tool": 7}[node.kind]
        label = html.escape(_short(node.label, 26 if node.kind == "day" else 34))
        tip = html.escape(f"{node.label} — {node.where}" if node.where else node.label)
        anchor = "middle"
        text_y = node.y + radius + 18 + _stagger(chart, node)
        circle = (
            f'<circle cx="{node.x:.0f}" cy="{node.y:.0f}" r="{radius}" fill="{colour}">'
            f"<title>{tip}</title></circle>"
        )
        text = (
            f'<text x="{node.x:.0f}" y="{text_y:.0f}" text-anchor="{anchor}" '
            f'font-size="{20 if node.kind == "day" else 15}" fill="{colour}" '
            f'font-family="sans-serif">{label}</text>'
        )
        if node.kind == "centre":
            text = (
                f'<text x="{node.x:.0f}" y="{node.y - 4:.0f}" text-anchor="middle" '
                'font-size="18" fill="#fff" font-family="sans-serif">21 jours'
                f'<tspan x="{node.x:.0f}" dy="22">pour convaincre</tspan></text>'
            )
        if node.href:
            parts.append(f'<a href="{html.escape(node.href)}">{circle}{text}</a>')
        else:
            parts.append(circle + text)
    parts.append("</svg>")
    legend = (
        '<p class="legend"><span style="color:#2E75B6">● jour</span> · '
        '<span style="color:#C55A11">● acteur</span> · '
        '<span style="color:#548235">● outil / programme</span> · '
        '<span style="color:#F4B183">- - jours qui citent le même acteur</span>. '
        "Survolez un point pour sa référence (section, page).</p>"
    )
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        "<title>Carte des 21 jours</title><style>body{font-family:sans-serif;margin:1rem}"
        "svg{max-width:1100px}</style></head><body><h1>Carte des 21 jours</h1>"
        + legend
        + "".join(parts)
        + "</body></html>"
    )


def mind_map_png(chart: MindMap) -> bytes:
    """The same drawing as a PNG (Pillow), for slides and print."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (chart.size, chart.size), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 18)
        small = ImageFont.truetype("DejaVuSans.ttf", 14)
    except OSError:
        font = small = ImageFont.load_default()
    for a, b, kind in chart.edges:
        one, two = chart.nodes[a], chart.nodes[b]
        if kind == "branch":
            draw.line((one.x, one.y, two.x, two.y), fill="#9DC3E6", width=2)
        else:
            mx, my = chart.size / 2, chart.size / 2
            points = [
                (
                    (1 - t) ** 2 * one.x + 2 * (1 - t) * t * mx + t**2 * two.x,
                    (1 - t) ** 2 * one.y + 2 * (1 - t) * t * my + t**2 * two.y,
                )
                for t in (i / 30 for i in range(31))
            ]
            draw.line(points, fill="#F4B183", width=2)
    for node in chart.nodes:
        colour = _COLOURS[node.kind]
        radius = {"centre": 90, "day": 14, "actor": 7, "tool": 7}[node.kind]
        draw.ellipse(
            (node.x - radius, node.y - radius, node.x + radius, node.y + radius), fill=colour
        )
        label = _short(node.label, 26 if node.kind == "day" else 34)
        use = font if node.kind in ("day", "centre") else small
        if node.kind == "centre":
            draw.multiline_text(
                (node.x, node.y),
                "21 jours\npour convaincre",
                fill="white",
                font=use,
                anchor="mm",
                align="center",
            )
        else:
            offset = radius + 4 + _stagger(chart, node)
            draw.text((node.x, node.y + offset), label, fill=colour, font=use, anchor="ma")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _stagger(chart: MindMap, node: Node) -> int:
    """Neighbouring days' labels on three lines in turn: they never overlap."""
    match = re.match(r"J(\d+)", node.label)
    if node.kind != "day" or match is None:
        return 0
    return 22 * (int(match.group(1)) % 3)  # J21 and J1 side by side: 0 and 22


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
