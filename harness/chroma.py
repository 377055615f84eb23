"""``chroma run`` on loopback, stopped and started again on the same port by the tests."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from .processes import ROOT, clean_env, free_port, http_get, spawn, stop_process

CHROMA = Path(sys.executable).with_name("chroma")


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
        self.process = spawn([*cmd, "--port", str(self.port)], self.log_path, clean_env(), ROOT)
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
