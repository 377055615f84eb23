"""Untrusted text made safe: corpus passages, uploads and LLM output are data, never code.

One place for every consumer (CLI, evaluation, chat):

- :func:`strip_invisible` removes the characters a reader cannot see but a model reads:
  Unicode tag characters (U+E0000–E007F, « ASCII smuggling »), zero-width and bidi
  controls, variation selectors, soft hyphens, C0/C1 controls. Applied at ingest (so
  hidden instructions never reach the index) and to every answer.
- :func:`sanitize_markdown` makes Markdown safe to render (rules below); :func:`sanitize_output`
  is both, the filter applied to LLM answers and extractive quotes.
- :func:`redact` removes configured secrets (API keys, tokens) from any text bound for a
  log, an exception message or a user.
- :func:`bounded` caps a stream of LLM deltas in characters and seconds (OWASP LLM10).

Markdown rules, applied outside code (fenced blocks and single-line code spans are left as
typed, since Markdown never interprets their content):

- images never load: an inline image becomes its alt text, and any other ``![`` is split
  (``! [``) so that no image syntax survives, whatever its form (inline, reference);
- links keep only ``http``, ``https`` and ``mailto`` destinations; any other destination
  (``javascript:``, ``data:``, ``vbscript:``, ``file:``, relative, protocol-relative) is
  dropped and the link text kept; destinations are checked after decoding entities and
  removing the whitespace and control characters a browser would ignore;
- link reference definitions are neutralised (shown as text);
- raw HTML and autolinks cannot form: every ``<`` becomes ``&lt;``.

The browser side adds its own guards (Chainlit renders without raw HTML, react-markdown
drops ``javascript:`` URLs, and the page's Content-Security-Policy blocks remote images);
this module is the layer that also protects what is stored, exported and printed.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable, Iterator

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_PLACEHOLDER_OPEN = "\ue000"
_PLACEHOLDER_CLOSE = "\ue001"
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")
_REFERENCE_DEFINITION = re.compile(r"^( {0,3})\[(?=[^\]\n]*\]:)", re.M)
_MAX_SCAN = 2000  # bound every forward scan: no quadratic blow-up on « [[[[[… »
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>!#|~])")


def sanitize_markdown(text: str) -> str:
    """Return ``text`` with remote images, unsafe links and raw HTML neutralised."""
    if not text:
        return ""
    text = text.replace(_PLACEHOLDER_OPEN, "").replace(_PLACEHOLDER_CLOSE, "")
    masked, code = _mask_code(text)
    masked = _rewrite_links_and_images(masked)
    masked = masked.replace("![", "! [")
    masked = _REFERENCE_DEFINITION.sub(r"\1\\[", masked)
    masked = masked.replace("<", "&lt;")
    return _unmask(masked, code)


def escape_markdown(text: str) -> str:
    """Escape a plain string (a file name, a section title) for use inside our Markdown."""
    text = (text or "").replace("\n", " ").replace(_PLACEHOLDER_OPEN, "")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text.replace(_PLACEHOLDER_CLOSE, ""))


def is_safe_url(destination: str) -> bool:
    """True for ``http(s):`` and ``mailto:`` destinations, as a browser would read them."""
    url = _IGNORED_IN_URL.sub("", html.unescape(_unescape_backslashes(destination))).lower()
    match = _SCHEME.match(url)
    return bool(match) and match.group(1) in SAFE_SCHEMES


# --- code masking ----------------------------------------------------------------------
def _mask_code(text: str) -> tuple[str, list[str]]:
    """Replace code (fenced blocks, single-line spans) by placeholders, keeping it aside."""
    code: list[str] = []

    def keep(segment: str) -> str:
        code.append(segment)
        return f"{_PLACEHOLDER_OPEN}{len(code) - 1}{_PLACEHOLDER_CLOSE}"

    out: list[str] = []
    lines = text.splitlines(keepends=True)
    i = 0
    prose: list[str] = []
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i].rstrip("\r\n"))
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            end = i + 1
            while end < len(lines) and not closing.match(lines[end].rstrip("\r\n")):
                end += 1
            out.append(_mask_spans("".join(prose), keep))
            prose = []
            # An unclosed fence runs to the end of the document, as in CommonMark.
            out.append(keep("".join(lines[i : end + 1])))
            i = end + 1
            continue
        prose.append(lines[i])
        i += 1
    out.append(_mask_spans("".join(prose), keep))
    return "".join(out), code


def _mask_spans(text: str, keep) -> str:
    """Mask code spans that open and close on one line (other backticks stay as text)."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        out.append(_mask_line_spans(line, keep))
    return "".join(out)


def _mask_line_spans(line: str, keep) -> str:
    out: list[str] = []
    i = 0
    while i < len(line):
        if line[i] != "`":
            j = line.find("`", i)
            j = len(line) if j < 0 else j
            out.append(line[i:j])
            i = j
            continue
        run_end = i
        while run_end < len(line) and line[run_end] == "`":
            run_end += 1
        run = run_end - i
        if _escaped(line, i):
            out.append(line[i:run_end])
            i = run_end
            continue
        close = _find_run(line, run_end, run)
        if close < 0:
            out.append(line[i:run_end])
            i = run_end
            continue
        out.append(keep(line[i : close + run]))
        i = close + run
    return "".join(out)


def _find_run(line: str, start: int, length: int) -> int:
    """Index of the next run of exactly ``length`` backticks from ``start``, or -1."""
    i = start
    while i < len(line):
        if line[i] == "`":
            j = i
            while j < len(line) and line[j] == "`":
                j += 1
            if j - i == length:
                return i
            i = j
        else:
            i += 1
    return -1


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    k = index - 1
    while k >= 0 and text[k] == "\\":
        backslashes += 1
        k -= 1
    return backslashes % 2 == 1


def _unmask(text: str, code: list[str]) -> str:
    pattern = re.compile(f"{_PLACEHOLDER_OPEN}(\\d+){_PLACEHOLDER_CLOSE}")
    return pattern.sub(lambda m: code[int(m.group(1))], text)


# --- inline links and images ------------------------------------------------------------
def _rewrite_links_and_images(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        bracket = text.find("[", i)
        if bracket < 0:
            out.append(text[i:])
            break
        if _escaped(text, bracket):
            out.append(text[i : bracket + 1])
            i = bracket + 1
            continue
        parsed = _parse_inline_link(text, bracket)
        if parsed is None:
            out.append(text[i : bracket + 1])
            i = bracket + 1
            continue
        end, label, destination = parsed
        is_image = bracket > 0 and text[bracket - 1] == "!" and not _escaped(text, bracket - 1)
        if is_image:
            out.append(text[i : bracket - 1])
            alt = _rewrite_links_and_images(label).strip() or "image"
            out.append(f"[image : {alt}]".replace("[", "\\[").replace("]", "\\]"))
        elif is_safe_url(destination):
            out.append(text[i:bracket])
            out.append(
                "[" + _rewrite_links_and_images(label) + text[bracket + 1 + len(label) : end]
            )
        else:
            out.append(text[i:bracket])
            out.append(_rewrite_links_and_images(label))
        i = end
    return "".join(out)


def _parse_inline_link(text: str, start: int) -> tuple[int, str, str] | None:
    """Parse ``[label](destination "title")`` at ``start``: (end, label, destination)."""
    depth = 0
    i = start
    limit = min(len(text), start + _MAX_SCAN)
    close = -1
    while i < limit:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                close = i
                break
        i += 1
    if close < 0 or close + 1 >= len(text) or text[close + 1] != "(":
        return None
    label = text[start + 1 : close]
    i = close + 2
    limit = min(len(text), i + _MAX_SCAN)
    while i < limit and text[i] in " \t\n":
        i += 1
    if i < limit and text[i] == "<":
        end_dest = i + 1
        while end_dest < limit and text[end_dest] not in ">\n":
            end_dest += 2 if text[end_dest] == "\\" else 1
        if end_dest >= limit or text[end_dest] != ">":
            return None
        destination = text[i + 1 : end_dest]
        i = end_dest + 1
    else:
        begin = i
        parens = 0
        while i < limit:
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char in " \t\n" or ord(char) < 0x20:
                break
            if char == "(":
                parens += 1
            elif char == ")":
                if parens == 0:
                    break
                parens -= 1
            i += 1
        destination = text[begin:i]
    # Optional title, then the closing parenthesis.
    while i < limit and text[i] in " \t\n":
        i += 1
    if i < limit and text[i] in "\"'(":
        closer = ")" if text[i] == "(" else text[i]
        i += 1
        while i < limit and text[i] != closer:
            i += 2 if text[i] == "\\" else 1
        i += 1
        while i < limit and text[i] in " \t\n":
            i += 1
    if i >= len(text) or text[i] != ")":
        return None
    return i + 1, label, destination


def _unescape_backslashes(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


# --- invisible characters ---------------------------------------------------------------
# Suspicious: they hide text from a human reader while a model still reads it.
_HIDING = (
    "\U000e0000-\U000e007f"  # Unicode tag characters (ASCII smuggling)
    "\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f"  # bidi embeddings, overrides, marks
    "\ufe00-\ufe0f\U000e0100-\U000e01ef"  # variation selectors (data smuggling)
    "\ufff9-\ufffb"  # interlinear annotations
)
# Harmless but invisible: zero-width spaces and joiners, word joiner, BOM, soft hyphen,
# invisible operators, Hangul fillers, Mongolian vowel separator.
_SILENT = "\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e\u115f\u1160\u3164\uffa0\u034f"
# C0 and C1 controls except tab, line feed, carriage return and form feed.
_CONTROLS = "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
_HIDING_RE = re.compile(f"[{_HIDING}]")
_INVISIBLE_RE = re.compile(f"[{_HIDING}{_SILENT}{_CONTROLS}]")


def strip_invisible(text: str) -> str:
    """``text`` without the characters a reader cannot see (tags, zero-width, bidi…)."""
    return _INVISIBLE_RE.sub("", text) if text else ""


def count_hiding(text: str) -> int:
    """How many characters of ``text`` could hide content (tags, bidi, selectors)."""
    return len(_HIDING_RE.findall(text)) if text else 0


def sanitize_output(text: str) -> str:
    """The filter every answer and quote goes through: invisible characters removed,
    then Markdown made safe (no remote image, no unsafe link, no raw HTML)."""
    return sanitize_markdown(strip_invisible(text))


def valid_unicode(text: str) -> str:
    """``text`` as valid Unicode: bytes that were not UTF-8 (kept by Python as lone
    surrogates, e.g. in a command-line argument) and lone surrogates from JSON become
    U+FFFD, so the tokenizer and every encoder downstream accept it."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that are not escaped bytes (JSON "\ud800")
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def safe_display(name: str) -> str:
    """A file name fit for a one-line summary or a terminal: undecodable bytes shown as
    escapes, control and invisible characters (newlines, ANSI escapes, bidi overrides,
    form feeds) replaced by « ? »."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _INVISIBLE_RE.sub("?", re.sub(r"[\t\n\r\f]", "?", name))


# --- secrets -------------------------------------------------------------------------------
_KEY_PATTERNS = re.compile(
    r"(?:sk|pk|rk)-[A-Za-z0-9_\-]{12,}"  # OpenAI-style keys
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/\-]{12,}=*"  # Authorization headers
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with the given secret values, and anything shaped like an API key or a
    bearer token, replaced by ``***``."""
    if not text:
        return ""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return _KEY_PATTERNS.sub("***", text)


# --- bounded LLM output (OWASP LLM10) ---------------------------------------------------------
class Bound:
    """Caps a stream of text deltas at ``max_chars`` characters and ``max_seconds``."""

    def __init__(self, max_chars: int, max_seconds: float) -> None:
        self.max_chars = max_chars
        self.max_seconds = max_seconds
        self.truncated: str | None = None  # why the stream was cut, if it was

    def __call__(self, deltas: Iterable[str]) -> Iterator[str]:
        started = time.monotonic()
        sent = 0
        iterator = iter(deltas)
        try:
            for delta in iterator:
                room = self.max_chars - sent
                if len(delta) >= room:
                    if room > 0:
                        yield delta[:room]
                    self.truncated = f"réponse tronquée à {self.max_chars} caractères"
                    return
                sent += len(delta)
                yield delta
                if time.monotonic() - started > self.max_seconds:
                    self.truncated = f"réponse interrompue après {self.max_seconds:.0f} s"
                    return
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()


def bounded(deltas: Iterable[str], max_chars: int, max_seconds: float) -> Iterator[str]:
    """``deltas`` cut at ``max_chars`` characters or after ``max_seconds`` seconds."""
    return Bound(max_chars, max_seconds)(deltas)
