"""Reading the small files an operator names or the index keeps, bounded.

Pointer, manifests, history, baseline, evaluation set, users file: each is read only when it
is a regular file and only up to a size bound. A link to ``/dev/zero`` once grew a process
to 24 GB until the OOM killer ended it, and a FIFO named ``CURRENT`` hung every command:
the file is opened without blocking (a FIFO opens at once), checked with ``fstat`` on that
very descriptor (no race with a swap of the name), then read up to the bound plus one byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import AssistantError


class FileProblem(AssistantError):
    """The file exists but cannot be read as a small regular file (one French line)."""


def describe(path: Path) -> str:
    """A path as one line (no control character from a hostile name)."""
    text = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else "?" for c in text)


def read_regular(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Raises :class:`FileNotFoundError` when nothing is there (callers decide what absence
    means) and :class:`FileProblem` for everything else, with the reason."""
    shown = describe(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise FileProblem(f"{what} illisible ({shown} : {exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(f"{what} : {shown} est un dossier, pas un fichier.")
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(
                f"{what} : {shown} n'est pas un fichier ordinaire (périphérique, tube, "
                "socket). / Not a regular file."
            )
        if info.st_size > limit:
            raise FileProblem(_too_big(what, shown, limit))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileProblem(f"{what} illisible ({shown} : {exc.strerror}).") from None
    finally:
        os.close(fd)
    if size > limit:  # grew while being read
        raise FileProblem(_too_big(what, shown, limit))
    return b"".join(chunks)


def read_regular_text(path: Path, limit: int, what: str) -> str:
    """:func:`read_regular`, decoded as UTF-8 (a wrong byte: one line, not a traceback)."""
    data = read_regular(path, limit, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"{what} : {describe(path)} n'est pas du texte UTF-8 (octet {exc.start})."
        ) from None


def _too_big(what: str, shown: str, limit: int) -> str:
    return f"{what} : {shown} dépasse {limit:,} octets. / File too large.".replace(",", " ")
