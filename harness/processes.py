"""Processes the tests and the benchmarks start, the basics: the offline environment of a
child, free loopback ports, HTTP polling, stopping a process by its id, its memory.

Plain functions, no pytest: ``tests/`` and ``bench/`` both import this package (from the
checkout; it is not shipped). Every process started here is stopped by its id, never by
name; it stays in the caller's process group, so that stopping a test run (its group)
stops the servers it started too."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import urllib.request
from pathlib import Path

from assistant.settings import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
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


def spawn(cmd: list[str], log_path: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
