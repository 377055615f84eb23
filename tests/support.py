"""Processes the tests and the benchmarks start: free ports, the offline environment, the
chat (started and polled until its index is ready) and a Chroma server on loopback.

Plain functions, no pytest: ``tests/conftest.py`` wraps them in fixtures, and ``bench/``
imports them too (``python -m bench.…`` from the checkout). Every process started here is
stopped by its id, never by name; it stays in the caller's process group, so that stopping
a test run (its group) stops the servers it started too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMA = Path(sys.executable).with_name("chroma")
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
# Settings of the caller that must not leak into a process under test.
_FOREIGN = ("ASSISTANT_", "CHAINLIT_", "LITERAL_", "DATABASE_URL")


def use_offline_defaults() -> None:
    """This process never phones home (telemetry, the Hugging Face hub), unless told to."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def clean_env(**extra: str | None) -> dict[str, str]:
    """The environment of a child process: the caller's, minus its assistant and chat
    settings, plus the offline variables and ``extra`` (``None`` removes a variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env.update(OFFLINE_ENV, PYTHONUNBUFFERED="1")
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def free_port() -> int:
    """A TCP port free on loopback right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """``(status, body)``; ``(0, b"")`` when nothing answers (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, wait_s: float = 15) -> None:
    """Stop a process started here, by its id; SIGKILL if it outlives ``wait_s``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def rss_mb(pid: int) -> float:
    """Resident memory of a live process (MB), NaN once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _spawn(cmd: list[str], log_path: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


# --- the chat --------------------------------------------------------------------------
@dataclass
class ChatServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    data_dir: Path | None = None  # ASSISTANT_DATA_DIR, when given
    http_s: float | None = None  # launch → first HTTP 200 on /
    ready_s: float | None = None  # launch → /assistant/health « ready » (index loaded)

    def stop(self) -> None:
        stop_process(self.process)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_chat(
    log_path: Path,
    *,
    command: list[str] | None = None,
    cwd: Path = ROOT,
    timeout_s: float = 180,
    poll_s: float = 0.25,
    **env: str | None,
) -> ChatServer:
    """``assistant chat --headless`` on a free loopback port, in a clean environment with
    extractive answers and ``env`` (``ASSISTANT_DATA_DIR=…``); returns once its health
    route says « ready », or raises with the server's log."""
    port = free_port()
    cmd = [*(command or [sys.executable, "-m", "assistant.cli"])]
    cmd += ["chat", "--headless", "--port", str(port)]
    environment = clean_env(**{"ASSISTANT_LLM_PROVIDER": "none", **env})
    started = time.perf_counter()
    log_path.unlink(missing_ok=True)
    process = _spawn(cmd, log_path, environment, cwd)
    data_dir = Path(env["ASSISTANT_DATA_DIR"]) if env.get("ASSISTANT_DATA_DIR") else None
    server = ChatServer(f"http://127.0.0.1:{port}", process, log_path, data_dir)
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"chat exited ({server.process.returncode}):\n{server.log()}")
        if server.http_s is None and http_get(server.url + "/")[0] == 200:
            server.http_s = time.perf_counter() - started
        if server.http_s is not None:
            status, body = http_get(server.url + "/assistant/health")
            if status == 200 and b'"ready"' in body:
                server.ready_s = time.perf_counter() - started
                return server
        time.sleep(poll_s)
    server.stop()
    raise RuntimeError(f"chat not ready after {timeout_s:.0f} s:\n{server.log()[-4000:]}")


# --- a Chroma server -------------------------------------------------------------------
class ChromaServer:
    """``chroma run`` on loopback over ``path``; can be stopped and started again on the
    same port (the server-down tests)."""

    def __init__(self, path: Path, log_path: Path, port: int | None = None) -> None:
        self.path, self.log_path = path, log_path
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return CHROMA.exists()

    def start(self, timeout_s: float = 60) -> ChromaServer:
        cmd = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        self.process = _spawn([*cmd, "--port", str(self.port)], self.log_path, clean_env(), ROOT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited:\n{self.log_path.read_text()}")
            if http_get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", 1.0)[0] == 200:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not start:\n{self.log_path.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None:
            stop_process(self.process, sig, wait_s=20)


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    return None
