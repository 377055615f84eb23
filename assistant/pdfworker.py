"""Parse one PDF in a child process bounded in memory and time.

pypdf has had a steady stream of denial-of-service advisories (crafted streams that loop
or inflate): a parse that runs away is killed without taking the ingest or the chat down.
Protocol: ``python -m assistant.pdfworker FILE`` prints ``{"pages": [...]}`` or
``{"error": "..."}`` as JSON on stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MEMORY_LIMIT_MB = 1024
TIME_LIMIT_S = 60.0


class PdfWorkerError(RuntimeError):
    pass


def _limit_memory() -> None:  # runs in the child, before exec
    import resource

    limit = MEMORY_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def parse_in_child(path: Path, timeout: float = TIME_LIMIT_S) -> list[str]:
    """Page texts of ``path``; raises ``LoadError`` with a readable reason."""
    from .loading import LoadError

    try:
        done = subprocess.run(
            [sys.executable, "-m", "assistant.pdfworker", str(path)],
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LoadError(
            f"lecture du PDF interrompue après {timeout:.0f} s / PDF parsing timed out"
        ) from None
    try:
        payload = json.loads(done.stdout.decode("utf-8") or "{}")
    except ValueError:
        payload = {}
    if "pages" in payload:
        return payload["pages"]
    if "error" in payload:
        raise LoadError(payload["error"])
    raise LoadError(
        "lecture du PDF arrêtée (mémoire ou fichier malformé) / PDF parser crashed "
        f"(code {done.returncode})"
    )


def main(argv: list[str]) -> int:
    from .loading import LoadError, read_pdf_pages

    try:
        pages = read_pdf_pages(Path(argv[0]))
        sys.stdout.write(json.dumps({"pages": pages}))
    except LoadError as exc:
        sys.stdout.write(json.dumps({"error": str(exc)}))
    except MemoryError:
        sys.stdout.write(json.dumps({"error": "PDF trop gourmand en mémoire / PDF too large"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
