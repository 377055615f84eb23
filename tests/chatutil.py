"""Helpers shared by the chat tests: a chat server on a copy of the session's index.

Ingesting the reference corpus takes 20-40 s here: the server reuses the session index
(``reference_index`` in conftest) through a copy of its data folder, so that no two
processes open the same Chroma folder. One server per session (memoised here).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from assistant.chat import measure

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# The same headless flags as the chat's own measurement script.
CHROMIUM = Path(measure.CHROMIUM)
CHROMIUM_ARGS = list(measure.ARGS)

_state: dict[str, object] = {}


def clean_environment(**extra: str) -> dict[str, str]:
    """A clean environment: no outside setting leaks into the app under test."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ASSISTANT_", "CHAINLIT_", "LITERAL_", "DATABASE_URL"))
    }
    env.update(
        ANONYMIZED_TELEMETRY="False",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ASSISTANT_LLM_PROVIDER="none",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def data_dir_copy(indexed: Path, target: Path) -> Path:
    """``target`` made a copy of ``indexed`` (a data folder holding an index)."""
    shutil.copytree(indexed, target, dirs_exist_ok=True)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ChatServer:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(data_dir: Path, name: str = "chat", timeout_s: float = 180, **env: str):
    """``assistant chat --headless`` on a free loopback port; waits until the index is ready."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{name}-server.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "chat", "--headless", "--port", str(port)],
        cwd=ROOT,
        env=clean_environment(ASSISTANT_DATA_DIR=str(data_dir), **env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = ChatServer(f"http://127.0.0.1:{port}", data_dir, process, log_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chat server exited ({process.returncode}):\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/assistant/health", timeout=2) as response:
                if b'"ready"' in response.read():
                    return server
        except OSError:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"chat server not ready after {timeout_s} s:\n{server.log()}")


def shared_server(indexed: Path, tmp_path_factory) -> ChatServer:
    """The one chat server of the test session (local mode, extractive answers)."""
    if "server" not in _state:
        data_dir = data_dir_copy(indexed, tmp_path_factory.mktemp("chat-e2e"))
        server = start_server(data_dir, name="e2e")
        _state["server"] = server
        import atexit

        atexit.register(server.stop)
    return _state["server"]  # type: ignore[return-value]


def chromium_missing() -> str | None:
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    return None
