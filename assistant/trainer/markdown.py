"""The sheet as Markdown: what the CLI prints, the chat streams, and the pack writes."""

from __future__ import annotations

from collections.abc import Iterator

from ..safety import sanitize_output
from .sheet import Line, Sheet

SUGGESTION = "_(suggestion)_"
NOTE_AIM = "Ce que la note se propose de montrer :"
ATTRIBUTION = (
    "Contenus issus des travaux du RAMEAU (www.lerameau.fr) : citez Le RAMEAU en cas de "
    "réutilisation."
)
LABELS = {
    "scope": "Périmètre",
    "objectives": "Objectifs pédagogiques",
    "key_messages": "Messages clés",
    "figures": "Chiffres clés",
    "examples": "Exemples",
    "definitions": "Définitions",
    "questions": "Questions pour les participants",
    "quiz": "Quiz",
    "answers": "Corrigé du quiz",
    "further": "Pour aller plus loin",
    "plan": "Déroulé de la séance",
    "sources": "Références",
}


def refs(markers: tuple[int, ...]) -> str:
    return "".join(f"[{m}]" for m in markers)


def clock(minutes: int) -> str:
    """« 0h00 », « 1h35 »: a time from the session's start."""
    return f"{minutes // 60}h{minutes % 60:02d}"


def cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def pages(sheet: Sheet, marker: int) -> str:
    page = sheet.source(marker).page
    return f"[{marker}] p. {page}" if page is not None else f"[{marker}]"


def intro(sheet: Sheet) -> str:
    how = "rédigée par le LLM à partir des passages cités" if sheet.mode == "llm" else "extractive"
    return (
        f"Fiche {how} : chaque ligne renvoie à la note par un numéro [n] (document, section, "
        "page, passage exact en fin de fiche). Les lignes marquées « (suggestion) » sont "
        "proposées pour la séance à partir des passages cités : ce ne sont pas les mots de "
        "la note."
    )


def _line(line: Line, numbered: int | None = None) -> str:
    lead = f"{numbered}." if numbered is not None else "-"
    text = line.text.split("\n")
    first = f"{lead} {text[0]}"
    rest = [f"   - {item.lstrip('•▪-–* ').strip()}" for item in text[1:]]
    tail = f" {refs(line.refs)}" + (f" {SUGGESTION}" if line.suggested else "")
    tail += "".join(f" — {url}" for url in line.links)
    if rest:
        rest[-1] += tail
        return "\n".join([first, *rest])
    return first + tail


def blocks(sheet: Sheet) -> Iterator[str]:
    """The Markdown, block by block (the chat streams them as they come)."""
    yield f"# Fiche de séance — {sheet.title}\n\n_{intro(sheet)}_\n"
    for warning in sheet.warnings:
        yield f"> ⚠ {warning}\n"
    scope = [
        f"- {e.section} — {e.source}" + (_page_range(e.pages) if e.pages else "")
        for e in sheet.scope
    ]
    yield f"## {LABELS['scope']}\n\n" + "\n".join(scope) + "\n"
    if sheet.plan:
        rows = [
            "| Horaire | Durée | Étape | Déroulé | Support | Réf. |",
            "|---|---|---|---|---|---|",
            *(
                f"| {clock(p.start)} | {p.minutes} min | **{p.title}** | {cell(p.activity)} | "
                f"{cell(p.material)} | {refs(p.refs) or '—'} |"
                for p in sheet.plan
            ),
        ]
        yield (f"## {LABELS['plan']} ({clock(sheet.minutes)})\n\n" + "\n".join(rows) + "\n")
    if sheet.objectives:
        body = "\n".join(
            _line(x) if x.suggested else f"- {NOTE_AIM} « {x.text} » {refs(x.refs)}"
            for x in sheet.objectives
        )
        yield f"## {LABELS['objectives']}\n\n{body}\n"
    body = "\n".join(_line(x, i) for i, x in enumerate(sheet.key_messages, 1))
    yield f"## {LABELS['key_messages']}\n\n{body}\n"
    if sheet.figures:
        rows = [
            "| Chiffre | Ce qu'il mesure | Année | Source |",
            "|---|---|---|---|",
            *(
                f"| **{cell(f.value)}** | {cell(f.measures)} | {f.year or '—'} | "
                f"{pages(sheet, f.ref)} |"
                for f in sheet.figures
            ),
        ]
        yield f"## {LABELS['figures']}\n\n" + "\n".join(rows) + "\n"
    if sheet.examples:
        body = "\n".join(f"- **{e.name}** — {e.line} [{e.ref}]" for e in sheet.examples)
        yield f"## {LABELS['examples']}\n\n{body}\n"
    if sheet.definitions:
        body = "\n".join(f"- **{d.term}** — {d.text} [{d.ref}]" for d in sheet.definitions)
        yield f"## {LABELS['definitions']}\n\n{body}\n"
    if sheet.questions:
        body = "\n".join(_line(x) for x in sheet.questions)
        yield f"## {LABELS['questions']}\n\n{body}\n"
    if sheet.quiz:
        items = []
        for number, item in enumerate(sheet.quiz, 1):
            kind = "QCM" if item.choices else "À compléter"
            items.append(f"{number}. ({kind}) {item.prompt}")
            for letter, choice in zip("ABCD", item.choices, strict=False):
                items.append(f"   - {letter}) {choice}")
        yield f"## {LABELS['quiz']}\n\n" + "\n".join(items) + "\n"
        answers = [
            f"{n}. {answer_label(item)} — {pages(sheet, item.ref)}"
            for n, item in enumerate(sheet.quiz, 1)
        ]
        yield f"### {LABELS['answers']}\n\n" + "\n".join(answers) + "\n"
    if sheet.further:
        body = "\n".join(_line(x) for x in sheet.further)
        yield f"## {LABELS['further']}\n\n{body}\n"
    references = []
    for source in sheet.sources:
        quote = " / ".join(x.strip() for x in source.quote.split("\n"))
        references.append(f"- **[{source.marker}]** {source.where}  \n  « {quote} »")
    yield f"## {LABELS['sources']}\n\n" + "\n".join(references) + f"\n\n---\n\n_{ATTRIBUTION}_\n"


def answer_label(item) -> str:
    if item.choices:
        letter = "ABCD"[item.choices.index(item.answer)]
        return f"{letter}) {item.answer}"
    return item.answer


def _page_range(found: tuple[int, ...]) -> str:
    if len(found) == 1:
        return f", p. {found[0]}"
    return f", p. {found[0]}–{found[-1]}"


def render(sheet: Sheet) -> str:
    return sanitize_output("\n".join(blocks(sheet)))
