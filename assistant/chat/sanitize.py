"""What the chat shows is untrusted (retrieved passages, uploads, LLM output): the filter.

The rules live in :mod:`assistant.safety`, shared with the CLI and the evaluation. The chat
passes every piece of corpus or model text through :func:`sanitize_markdown` here, which is
``safety.sanitize_output``: invisible characters removed (tags, zero-width, bidi), then
Markdown made safe (no remote image, only ``http(s)``/``mailto`` links, no raw HTML, no
reference definitions). It is idempotent, so text the answering code already filtered
can go through it again, and prefix-stable enough to filter a stream as it grows
(:mod:`assistant.chat.streaming`).
"""

from __future__ import annotations

from ..safety import escape_markdown, is_safe_url, sanitize_output

__all__ = ["escape_markdown", "is_safe_url", "sanitize_markdown"]


def sanitize_markdown(text: str) -> str:
    """``text`` fit to render in the chat (see the module docstring)."""
    return sanitize_output(text)
