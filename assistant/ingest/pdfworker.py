"""Parse one PDF in a child process bounded in memory and time.

pypdf has had a steady stream of denial-of-service advisories (crafted streams that loop
or inflate): a parse that runs away is killed without taking the ingest or the chat down.
Protocol: ``python -m assistant.ingest.pdfworker FILE`` prints
``{"pages": [...], "warnings": [...]}`` or ``{"error": "..."}`` as JSON on stdout.

Inside the child: the empty password is tried on encrypted files; more than
:data:`MAX_PAGES` pages or :data:`MAX_TEXT_CHARS` characters of text are refused; text a
reader cannot see is left out — invisible text (render mode 3) on pages without an image
(on a scanned page it is the OCR layer, kept), and text under 1 pt — and counted;
pypdf's warnings about a damaged file become one warning.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import subprocess
import sys
from pathlib import Path

from ..errors import LoadError

MEMORY_LIMIT_MB = 1024
TIME_LIMIT_S = 60.0
MAX_PAGES = 2000
MAX_TEXT_CHARS = 20_000_000
MIN_VISIBLE_PT = 1.0


class PdfText(list):
    """Page texts, with the warnings of the extraction."""

    def __init__(self, pages: list[str], warnings: list[str] | None = None) -> None:
        super().__init__(pages)
        self.warnings = list(warnings or [])


def _limit_memory() -> None:  # runs in the child, before exec
    import resource

    limit = MEMORY_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def parse_in_child(path: Path, timeout: float | None = None) -> PdfText:
    """Page texts of ``path``; raises ``LoadError`` with a readable reason."""

    timeout = TIME_LIMIT_S if timeout is None else timeout
    try:
        done = subprocess.run(
            [sys.executable, "-m", "assistant.ingest.pdfworker", str(path)],
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LoadError(
            f"lecture du PDF interrompue après {timeout:.0f} s (fichier trop complexe ou "
            "malformé) / PDF parsing timed out"
        ) from None
    try:
        payload = json.loads(done.stdout.decode("utf-8") or "{}")
    except ValueError:
        payload = {}
    if "pages" in payload:
        return PdfText(payload["pages"], payload.get("warnings"))
    if "error" in payload:
        raise LoadError(payload["error"])
    raise LoadError(
        "lecture du PDF arrêtée (mémoire ou fichier malformé) / PDF parser crashed "
        f"(code {done.returncode})"
    )


# --- in the child ------------------------------------------------------------------------------
class _Visibility:
    """Follows the graphics state through pypdf's visitors to tell visible text."""

    def __init__(self, has_images: bool) -> None:
        self.has_images = has_images
        self.render_mode = 0
        self.stack: list[int] = []
        self.parts: list[str] = []
        self.hidden = 0

    def before(self, operator: bytes, args, cm, tm) -> None:
        if operator == b"q":
            self.stack.append(self.render_mode)
        elif operator == b"Q":
            if self.stack:
                self.render_mode = self.stack.pop()
        elif operator == b"Tr" and args:
            with contextlib.suppress(TypeError, ValueError):
                self.render_mode = int(args[0])

    def text(self, text: str, cm, tm, font, size) -> None:
        if not text.strip():
            self.parts.append(text)
            return
        invisible = self.render_mode in (3, 7) and not self.has_images
        if invisible or _effective_size(size, cm, tm) < MIN_VISIBLE_PT:
            self.hidden += 1
            if text.endswith("\n"):
                self.parts.append("\n")
            return
        self.parts.append(text)


def _scale(matrix) -> float:
    try:
        a, b, c, d = (float(x) for x in matrix[:4])
        return math.sqrt(abs(a * d - b * c))
    except (TypeError, ValueError, IndexError):
        return 1.0


def _effective_size(size, cm, tm) -> float:
    try:
        return abs(float(size)) * _scale(tm) * _scale(cm)
    except (TypeError, ValueError):
        return MIN_VISIBLE_PT


def _page_has_images(page) -> bool:
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if not xobjects:
            return False
        xobjects = xobjects.get_object()
        return any(xobjects[name].get_object().get("/Subtype") == "/Image" for name in xobjects)
    except Exception:
        return True  # unsure: keep invisible text (it may be an OCR layer)


def extract_pages(path: Path) -> dict:
    """``{"pages": [...], "warnings": [...]}``; raises ``LoadError`` (runs in the child)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    damage: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if len(damage) < 5:
                damage.append(record.getMessage()[:120])

    handler = _Collect(level=logging.WARNING)
    logging.getLogger("pypdf").addHandler(handler)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError("PDF chiffré par mot de passe / password-protected PDF")
            except LoadError:
                raise
            except Exception as exc:
                raise LoadError(f"PDF chiffré illisible / encrypted PDF ({exc})") from exc
        count = len(reader.pages)
        if count == 0:
            raise LoadError("PDF sans aucune page / PDF with no page")
        if count > MAX_PAGES:
            raise LoadError(
                f"PDF trop long ({count} pages, maximum {MAX_PAGES}) : découpez-le / too many pages"
            )
        pages: list[str] = []
        hidden = 0
        total = 0
        for page in reader.pages:
            seen = _Visibility(_page_has_images(page))
            page.extract_text(visitor_operand_before=seen.before, visitor_text=seen.text)
            text = "".join(seen.parts)
            hidden += seen.hidden
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise LoadError(
                    f"PDF trop volumineux en texte (plus de {MAX_TEXT_CHARS:,} caractères) "
                    "/ too much text".replace(",", " ")
                )
            pages.append(text)
    except LoadError:
        raise
    except RecursionError:
        raise LoadError("PDF malformé (structure trop imbriquée) / malformed PDF") from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"PDF illisible ou corrompu / unreadable or corrupt PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises many types on crafted files
        if type(exc).__name__ == "LimitReachedError":
            raise LoadError(
                "PDF trop volumineux une fois décompressé (bombe de décompression ?) "
                "/ decompression limit reached"
            ) from None
        raise LoadError(f"PDF illisible / unreadable PDF ({type(exc).__name__})") from exc
    finally:
        logging.getLogger("pypdf").removeHandler(handler)
    warnings = []
    if hidden:
        warnings.append(
            f"{hidden} fragment(s) de texte invisible (mode invisible ou police < 1 pt) "
            "ignoré(s) : texte caché possible"
        )
    if damage:
        warnings.append("PDF endommagé, lu en mode réparation : " + damage[0])
    return {"pages": pages, "warnings": warnings}


def main(argv: list[str]) -> int:

    try:
        payload = extract_pages(Path(argv[0]))
    except LoadError as exc:
        payload = {"error": str(exc)}
    except MemoryError:
        payload = {"error": "PDF trop gourmand en mémoire / PDF too large"}
    sys.stdout.write(json.dumps(payload))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
