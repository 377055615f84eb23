"""Answer Markdown is untrusted (retrieved text, LLM output): what the chat lets through."""

from __future__ import annotations

import re

import pytest

from assistant.chat.sanitize import escape_markdown, is_safe_url, sanitize_markdown
from assistant.chat.streaming import SafeStreamer


def no_image(text: str) -> bool:
    """No image syntax survives: « ! » directly followed by « [ »."""
    return "![" not in text


@pytest.mark.parametrize(
    "markdown",
    [
        "![logo](http://evil.example/pixel.png?secret=1)",
        "![](https://evil.example/a.png)",
        '![a](<https://evil.example/a b.png> "titre")',
        "![a][ref]\n\n[ref]: https://evil.example/x.png",
        "![ref]\n\n[ref]: https://evil.example/x.png",
        "[![badge](https://evil.example/b.svg)](https://ok.example)",
        "\\\\![x](https://evil.example/x.png)",
        "texte ![x](https://evil.example/x.png) [1]",
    ],
)
def test_remote_images_never_survive(markdown):
    safe = sanitize_markdown(markdown)
    assert no_image(safe), safe


@pytest.mark.parametrize(
    "markdown",
    [
        "[clic](javascript:alert(1))",
        "[clic](JAVASCRIPT:alert(1))",
        "[clic](java&#115;cript:alert(1))",
        "[clic](&#x6A;avascript:alert(1))",
        "[clic](<java\tscript:alert(1)>)",
        "[clic]( javascript:alert(1) )",
        "[clic](vbscript:msgbox(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[clic](file:///etc/passwd)",
        "[clic](//evil.example/phish)",
        "[clic](/project/file/abc)",
        '[clic](javascript:alert(1) "titre")',
    ],
)
def test_unsafe_links_lose_their_destination(markdown):
    safe = sanitize_markdown(markdown)
    assert "clic" in safe
    assert "](" not in safe, safe


def test_safe_links_are_kept():
    markdown = "Voir [le site](https://www.lerameau.fr) et [écrire](mailto:contact@example.org)."
    assert sanitize_markdown(markdown) == markdown


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<img src=x onerror=alert(1)>", "<img"),
        ("<script>alert(1)</script>", "<script"),
        ("<a href='javascript:alert(1)'>x</a>", "<a "),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<javascript:alert(1)>", "<javascript"),
        ("<https://evil.example>", "<https"),
        ("<!-- commentaire -->", "<!--"),
    ],
)
def test_raw_html_and_autolinks_are_shown_as_text(markdown, forbidden):
    safe = sanitize_markdown(markdown)
    assert forbidden not in safe
    assert "&lt;" in safe


def test_reference_definitions_are_neutralised():
    safe = sanitize_markdown("[texte][r]\n\n[r]: javascript:alert(1)")
    assert re.search(r"^\\\[r\]:", safe, re.M), safe


def test_answer_text_and_markers_are_untouched():
    answer = (
        "D'après le corpus : Les modèles socio-économiques sont composés de 3 leviers "
        "complémentaires : richesses humaines, ressources financières et alliances "
        "stratégiques. [1] Représentant 44% du financement associatif… [2]\n\n- point [3]"
    )
    assert sanitize_markdown(answer) == answer


def test_code_is_left_as_typed_but_only_when_it_really_is_code():
    fenced = "```\n![x](https://evil.example/x.png) <b>\n```"
    assert sanitize_markdown(fenced) == fenced
    span = "`<b>![x](https://e.example/x.png)</b>`"
    assert sanitize_markdown(span) == span
    # An unclosed span is not code: its content is sanitised.
    assert no_image(sanitize_markdown("`ouvert ![x](https://evil.example/x.png)"))
    # A span does not cross a blank line (paragraphs are parsed apart).
    assert no_image(sanitize_markdown("`a\n\n![x](https://evil.example/x.png)\n\n`"))
    # A link whose text holds a code span is still checked as a whole.
    assert "](" not in sanitize_markdown("[`x`](javascript:alert(1))")


def test_no_quadratic_blow_up_on_brackets():
    sanitize_markdown("[" * 20_000 + "](" * 5_000)


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.lerameau.fr", True),
        ("http://example.org/a?b=c", True),
        ("mailto:a@b.fr", True),
        ("javascript:alert(1)", False),
        ("  JaVaScRiPt:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:image/png;base64,AAAA", False),
        ("/relative/path", False),
        ("#ancre", False),
    ],
)
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe


def test_escape_markdown_makes_plain_text_inert():
    escaped = escape_markdown("![x](javascript:1) <b>*gras*</b> [1]")
    assert "![" not in escaped and "<b>" not in escaped and "[1]" not in escaped
    assert sanitize_markdown(escaped).count("\\") >= 6


class FakeMessage:
    def __init__(self):
        self.content = ""
        self.calls: list[tuple[str, bool]] = []

    async def stream_token(self, token: str, is_sequence: bool = False):
        self.calls.append((token, is_sequence))
        self.content = token if is_sequence else self.content + token


async def _stream(deltas):
    message = FakeMessage()
    streamer = SafeStreamer(message)
    shown = []
    for delta in deltas:
        await streamer.feed(delta)
        shown.append(message.content)
    return message, shown


@pytest.mark.parametrize(
    "deltas",
    [
        ["Voir ", "![lo", "go](https://evil.example/p.png", ") fin [1]"],
        ["Un [lien](java", "script:alert(1)", ") puis du texte."],
    ],
)
def test_streaming_never_shows_an_unsafe_prefix(deltas):
    import asyncio

    message, shown = asyncio.run(_stream(deltas))
    for state in shown:
        assert no_image(state) and "javascript:alert(1))" not in state, state
    assert message.content == sanitize_markdown("".join(deltas))


def test_streaming_sends_only_suffixes_in_the_usual_case():
    import asyncio

    deltas = ["D'après ", "le ", "corpus ", ": ", "trois ", "leviers ", "[1]"]
    message, _ = asyncio.run(_stream(deltas))
    assert message.content == "".join(deltas)
    assert not any(is_sequence for _, is_sequence in message.calls)


@pytest.mark.parametrize(
    "markdown",
    [
        "![a](https://e.example/x.png) [b](javascript:x) <i> [r]: https://e.example [1]",
        "[ok](https://www.lerameau.fr) `code <b>` ~~~\n![x](y)\n~~~",
        "texte\u200b caché\U000e0041\U000e0042 [1]",
    ],
)
def test_filtering_twice_changes_nothing(markdown):
    once = sanitize_markdown(markdown)
    assert sanitize_markdown(once) == once


def test_invisible_characters_are_removed():
    hidden = "Réponse [1]\u200b\u202e\U000e0049\U000e0047\U000e004e\U000e004f\U000e0052\U000e0045"
    assert sanitize_markdown(hidden) == "Réponse [1]"
