"""Session sheets in the chat (« Formateur·rice » profile): recognise the request, ask the
topic when it is missing, stream the sheet and give its downloads as files. The sheet
itself comes from :mod:`assistant.trainer`."""

from __future__ import annotations

import asyncio
import re

import chainlit as cl

from ..errors import AssistantError
from ..textnorm import fold
from ..trainer.build import build_sheet
from ..trainer.markdown import blocks as sheet_blocks
from ..trainer.pack import filename, render
from ..trainer.sheet import Sheet
from .core import UNAVAILABLE, ChatCore, log, notice
from .streaming import SafeStreamer

REQUEST = "Préparer une fiche de séance"
SHEET_ACTION = "prepare_sheet"
ASK_TOPIC = (
    "Sur quel thème, quel jour ou quelle section préparer la fiche ? Par exemple : "
    "« 12e jour », « les alliances stratégiques », « l'hybridation des ressources »."
)
ASKED_TOPIC = "sheet_topic"  # the metadata kind of the question above
MIME = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
    "faq": "text/markdown",
    "csv": "text/csv",
    "apkg": "application/octet-stream",
}
_REQUEST = re.compile(
    r"^\s*(?:prepar\w*|fai[st]\w*|cree\w*|genere\w*|donne\w*)?\s*(?:-?moi\s+)?"
    r"(?:une\s+)?fiche\s+de\s+seance\b\s*(?:(?:sur|pour|:|du|de|des|le|la|les)\b\s*)?(?P<topic>.*)$"
)


def sheet_request(text: str) -> str | None:
    """``None``: not a sheet request; ``""``: a request without its topic; else the topic
    (« Prépare une fiche de séance sur le 12e jour » → « le 12e jour »)."""
    folded = fold(text).strip().rstrip(" ?.!")
    match = _REQUEST.match(folded)
    if not match:
        return None
    start = len(folded) - len(match.group("topic"))
    return text.strip().rstrip(" ?.!")[start:].strip(' :«»"')


def sheet_files(sheet: Sheet) -> list[tuple[str, bytes, str]]:
    """The sheet's downloads: (file name, content, MIME type), Word and PowerPoint first."""
    return [
        (filename(sheet, fmt), render(sheet, fmt), MIME[fmt])
        for fmt in ("docx", "pptx", "html", "md", "faq", "apkg", "csv")
    ]


def sheet_action() -> cl.Action:
    return cl.Action(
        name=SHEET_ACTION,
        payload={},
        label=REQUEST,
        tooltip="Fiche citée d'un jour, d'une section ou d'un thème : Word, PowerPoint, HTML",
        icon="file-text",
    )


class SheetHandlers(ChatCore):
    async def on_sheet_action(self, action: cl.Action) -> None:
        await self.prepare_sheet("")

    async def prepare_sheet(self, topic: str) -> None:
        """Ask the topic when missing, stream the sheet, then offer its files."""
        current = self.state()
        current.awaiting_sheet_topic = not topic
        if not topic:
            await cl.Message(content=ASK_TOPIC, metadata={"kind": ASKED_TOPIC}).send()
            return
        if not await self.ensure_ready():
            return
        assistant = await self.runtime.get_assistant()
        try:
            sheet = await self.runtime.run(build_sheet, assistant, topic, self.viewer())
        except AssistantError as exc:
            if not exc.public:
                log.error("chat: sheet failed: %s", exc)
            await notice(str(exc).split(" / ")[0] if exc.public else UNAVAILABLE)
            return
        except Exception:
            log.exception("chat: sheet failed")
            await notice(UNAVAILABLE)
            return
        message = cl.Message(content="")
        streamer = SafeStreamer(message)
        for block in sheet_blocks(sheet):
            await streamer.feed(block + "\n")
            await asyncio.sleep(0)  # each block reaches the page as it comes
        files = await self.runtime.run(sheet_files, sheet)
        message.elements = [
            cl.File(name=name, content=content, mime=mime, display="inline")
            for name, content, mime in files
        ]
        message.content = (
            streamer.shown
            + "\n\n**Télécharger la fiche** (Word, PowerPoint, HTML, Markdown) **et ses aides à "
            "l'étude** (FAQ, cartes mémoire Anki et CSV) :"
        )
        message.metadata = {"kind": "sheet", "topic": topic, "title": sheet.title}
        message.actions = [sheet_action()]
        await message.send()
