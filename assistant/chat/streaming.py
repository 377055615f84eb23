"""Stream an answer into a Chainlit message without ever showing unsanitised Markdown.

Each delta is appended to the raw text; the whole raw text is sanitised again and only
what changed is sent: usually a suffix (cheap), the whole text when sanitising rewrote an
earlier part (a link completed into ``javascript:``, an image, …). So a construct that only
becomes dangerous once complete is never displayed, even for one frame.
"""

from __future__ import annotations

from collections.abc import Callable

from .sanitize import sanitize_markdown


class SafeStreamer:
    def __init__(self, message, sanitize: Callable[[str], str] = sanitize_markdown) -> None:
        self.message = message
        self.sanitize = sanitize
        self.raw = ""
        self.shown = ""
        self.tokens = 0

    async def feed(self, delta: str) -> None:
        if not delta:
            return
        self.raw += delta
        safe = self.sanitize(self.raw)
        if safe == self.shown:
            return
        if safe.startswith(self.shown):
            await self.message.stream_token(safe[len(self.shown) :])
        else:
            await self.message.stream_token(safe, is_sequence=True)
        self.shown = safe
        self.tokens += 1
