"""Session sheets in the chat (« Formateur·rice » profile): recognise the request, and give
the sheet's downloads as files. The sheet itself comes from :mod:`assistant.trainer`."""

from __future__ import annotations

import re

from ..textnorm import fold
from ..trainer.pack import filename, render
from ..trainer.sheet import Sheet

REQUEST = "Préparer une fiche de séance"
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
        for fmt in ("docx", "pptx", "html", "md")
    ]
