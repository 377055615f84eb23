"""Core benchmark: cold ingest, unchanged re-ingest, warm answer latency, peak RSS.

Usage: .venv/bin/python -m bench.core [--rounds 3]
Prints numbers with their setup; it asserts nothing (figures go in the closing notes and
docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from harness.processes import ROOT, use_offline_defaults

use_offline_defaults()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the golden questions")
    args = parser.parse_args()

    from assistant.answer.answering import Assistant
    from assistant.evaluation.dataset import load_set
    from assistant.ingest.indexing import ingest
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), _env_file=None)
        print(f"setup: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"python {platform.python_version()}, model {settings.embedding_model}, "
              f"chunk {settings.chunk_size}/{settings.chunk_overlap}, top_k {settings.top_k}")
        started = time.perf_counter()
        cold = ingest(settings)
        cold_s = time.perf_counter() - started
        print(f"cold ingest: {cold_s:.1f} s, {cold.chunks_total} chunks "
              f"({cold.chunks_total / cold_s:.1f} chunks/s, model load included)")
        started = time.perf_counter()
        ingest(settings)
        print(f"re-ingest, nothing changed: {time.perf_counter() - started:.2f} s")

        assistant = Assistant(settings)
        cases = load_set(ROOT / "eval" / "golden.jsonl")
        assistant.answer(cases[0].question)  # warm-up: BM25 build, first query
        latencies = []
        for _ in range(args.rounds):
            for case in cases:
                started = time.perf_counter()
                assistant.answer(case.question, case.history)
                latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"warm answer (extractive, {len(latencies)} questions): "
              f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
              f"max {latencies[-1]:.1f} ms")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
