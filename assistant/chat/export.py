"""A conversation as a Markdown document, each answer followed by its references.

Meant for trainers preparing a MOOC or workshop session: questions, answers with their
[n] markers, and for every marker the document, section, page and quoted sentences.
Everything taken from the corpus or the model is sanitised (no remote image, no script
link) since the file may be opened in any Markdown viewer.
"""

from __future__ import annotations

from datetime import datetime

from .conversation import Conversation
from .sanitize import escape_markdown, sanitize_markdown

ATTRIBUTION = (
    "Contenus issus des travaux du RAMEAU (www.lerameau.fr) : citez Le RAMEAU "
    "en cas de réutilisation."
)


def conversation_markdown(
    conversation: Conversation, exported_at: datetime | None = None, title: str | None = None
) -> str:
    """Render ``conversation`` as Markdown (UTF-8 text, ``\\n`` line ends)."""
    moment = exported_at or datetime.now().astimezone()
    lines = [
        f"# {escape_markdown(title or 'Conversation avec l’assistant RAMEAU')}",
        "",
        f"_Exportée le {moment:%d/%m/%Y à %H:%M}._",
        "",
    ]
    if not conversation.exchanges:
        lines += ["_Aucune question posée pour l’instant._", ""]
    for number, exchange in enumerate(conversation.exchanges, start=1):
        profile = f" — profil {escape_markdown(exchange.profile)}" if exchange.profile else ""
        lines += [
            f"## Question {number}{profile}",
            "",
            *_quote(sanitize_markdown(exchange.question)),
            "",
            "### Réponse",
            "",
            sanitize_markdown(exchange.answer).strip() or "_(réponse vide)_",
            "",
        ]
        if exchange.citations:
            lines += ["### Références", ""]
            for record in exchange.citations:
                lines += _reference(record)
            lines.append("")
    lines += ["---", "", f"_{ATTRIBUTION}_", ""]
    return "\n".join(lines)


def export_filename(exported_at: datetime | None = None) -> str:
    moment = exported_at or datetime.now().astimezone()
    return f"conversation-rameau-{moment:%Y-%m-%d-%H%M}.md"


def _reference(record: dict) -> list[str]:
    page = f", p. {record['page']}" if record.get("page") is not None else ""
    head = (
        f"- **[{record.get('marker')}]** {escape_markdown(record.get('source', ''))}{page} — "
        f"*{escape_markdown(record.get('section', ''))}*"
    )
    lines = [head]
    for quote in record.get("quotes") or []:
        lines += ["", *("  " + line for line in _quote(sanitize_markdown(f"« {quote} »")))]
    lines.append("")
    return lines


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in (text.strip() or " ").splitlines()]
