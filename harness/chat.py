"""The chat server (``assistant chat``, or another launcher) on a free loopback port, polled
until its index is ready; what a chat page sends for a question; the browser the tests and
``bench/measure.py`` drive (Debian's Chromium)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .processes import ARTIFACTS, ROOT, clean_env, free_port, http_get, spawn, stop_process

# Debian's Chromium, driven headless by Playwright (tests and bench/measure.py alike).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


# --- the chat --------------------------------------------------------------------------
@dataclass
class ChatServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    data_dir: Path | None = None  # ASSISTANT_DATA_DIR, when given
    http_s: float | None = None  # launch → first HTTP 200 on /
    ready_s: float | None = None  # launch → /assistant/health « ready » (index loaded)
    started: float | None = None  # perf_counter() at launch (when not waiting for ready)

    def stop(self) -> None:
        stop_process(self.process)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_chat(
    log_path: Path,
    *,
    command: list[str] | None = None,
    arguments: tuple[str, ...] = ("chat", "--headless"),
    cwd: Path = ROOT,
    timeout_s: float = 180,
    poll_s: float = 0.25,
    wait_ready: bool = True,
    **env: str | None,
) -> ChatServer:
    """``assistant chat --headless`` on a free loopback port, in a clean environment with
    extractive answers and ``env`` (``ASSISTANT_DATA_DIR=…``); returns once its health
    route says « ready » (``wait_ready=False``: once the page answers, the index maybe
    still being built), or raises with the server's log. ``command`` and ``arguments``
    start another launcher (``chainlit run assistant/chat/app.py --headless``); the port
    is added after them."""
    port = free_port()
    cmd = [*(command or [sys.executable, "-m", "assistant.cli"])]
    cmd += [*arguments, "--port", str(port)]
    environment = clean_env(**{"ASSISTANT_LLM_PROVIDER": "none", **env})
    started = time.perf_counter()
    log_path.unlink(missing_ok=True)
    process = spawn(cmd, log_path, environment, cwd)
    data_dir = Path(env["ASSISTANT_DATA_DIR"]) if env.get("ASSISTANT_DATA_DIR") else None
    server = ChatServer(f"http://127.0.0.1:{port}", process, log_path, data_dir)
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"chat exited ({server.process.returncode}):\n{server.log()}")
        if server.http_s is None and http_get(server.url + "/")[0] == 200:
            server.http_s = time.perf_counter() - started
            if not wait_ready:
                server.started = started
                return server
        if server.http_s is not None:
            status, body = http_get(server.url + "/assistant/health")
            if status == 200 and b'"ready"' in body:
                server.ready_s = time.perf_counter() - started
                return server
        time.sleep(poll_s)
    server.stop()
    raise RuntimeError(f"chat not ready after {timeout_s:.0f} s:\n{server.log()[-4000:]}")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    return None


@contextlib.contextmanager
def shots_on_failure(page, name: str):
    """On failure, keep a screenshot and the page text next to the other artefacts."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"chat-{name}-failure.png"))
        (ARTIFACTS / f"chat-{name}-failure.txt").write_text(page.inner_text("body"), "utf-8")
        raise


def user_message(question: str, thread_id: str = "", files: list[dict] | None = None) -> dict:
    """The ``client_message`` payload the chat page sends for a question (Socket.IO)."""
    return {
        "message": {
            "id": str(uuid.uuid4()),
            "threadId": thread_id,
            "name": "Utilisateur",
            "type": "user_message",
            "output": question,
            "createdAt": datetime.now(UTC).isoformat(),
            "metadata": {},
        },
        "fileReferences": files or [],
    }


# Themes a trainer would prepare a session on: the sheet tests and the benchmark check
# validity over all of them.
TRAINER_THEMES = (
    "les alliances stratégiques",
    "l'hybridation des ressources",
    "le mécénat de compétences",
    "les catalyseurs territoriaux",
    "le service civique et le bénévolat",
    "les partenariats entre associations et entreprises",
    "l'investissement sociétal",
    "les objectifs de développement durable",
    "le MOOC sur les modèles économiques associatifs",
    "les têtes de réseaux associatives",
    "les ressources financières des associations",
)
