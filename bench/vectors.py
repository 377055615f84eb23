"""A disk cache of passage vectors, so the 10× and 100× indexes can be rebuilt in minutes.

Embedding ~13,000 passages with the default model takes about half an hour on 2 cores.
The benchmark embeds each passage once (key: model + the exact text the model sees), keeps
the vectors under ``--cache``, and rebuilds the indexes from them: the ingest it times at
scale is the real ``assistant.ingest.indexing.ingest`` (discovery, parsing, chunking, Chroma
writes) with the model call answered from the cache; the model's own speed is measured
separately on a sample, and the two are added up as an *estimated* cold ingest.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.backends.embeddings import make_embedder, model_slug
from assistant.ingest.changes import chunk_document
from assistant.ingest.loading import discover, load
from assistant.ingest.sentvectors import embedded_texts
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def passage_texts(files: list[Path], settings: Settings) -> list[str]:
    """What the dense model sees for every chunk of ``files`` (section titles and sentences,
    each once), as ``ingest`` would cut them."""
    texts: dict[str, None] = {}
    for file in discover(files):
        document = load(file)
        for chunk in chunk_document(document, settings):
            texts.update(dict.fromkeys(embedded_texts(chunk)))
    return list(texts)


class VectorCache:
    """Vectors keyed by sha1(model, text); one ``.npy`` + one key list per model."""

    def __init__(self, folder: Path, model: str) -> None:
        self.folder = Path(folder)
        self.model = model
        stem = self.folder / f"vectors-{model_slug(model)}"
        self._keys_path = stem.with_suffix(".keys")
        self._npy_path = stem.with_suffix(".npy")
        self._index: dict[str, int] = {}
        self._blocks: list[np.ndarray] = []
        self._rows = 0
        if self._keys_path.exists() and self._npy_path.exists():
            keys = self._keys_path.read_text(encoding="ascii").split()
            vectors = np.load(self._npy_path)
            if len(keys) == len(vectors):
                self._index = {k: i for i, k in enumerate(keys)}
                self._blocks = [vectors]
                self._rows = len(keys)
        self._dirty = False

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.model}\x00{text}".encode()).hexdigest()

    def __len__(self) -> int:
        return self._rows

    def _matrix(self) -> np.ndarray:
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0] if self._blocks else np.zeros((0, 0), np.float32)

    def missing(self, texts: list[str]) -> list[str]:
        seen: set[str] = set()
        out = []
        for text in texts:
            key = self.key(text)
            if key not in self._index and key not in seen:
                seen.add(key)
                out.append(text)
        return out

    def get(self, texts: list[str]) -> np.ndarray | None:
        """Vectors of ``texts`` in order, or None if any is missing."""
        rows = [self._index.get(self.key(t)) for t in texts]
        if any(r is None for r in rows):
            return None
        return self._matrix()[rows]

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        for text in texts:
            self._index[self.key(text)] = self._rows
            self._rows += 1
        self._blocks.append(vectors)
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        matrix = self._matrix()
        keys = sorted(self._index, key=self._index.__getitem__)
        tmp_npy = self._npy_path.with_suffix(".tmp.npy")
        np.save(tmp_npy, matrix)
        tmp_keys = self._keys_path.with_suffix(".tmp")
        tmp_keys.write_text("\n".join(keys) + "\n", encoding="ascii")
        tmp_npy.replace(self._npy_path)
        tmp_keys.replace(self._keys_path)
        self._dirty = False


@dataclass
class CachingEmbedder:
    """The ``Embedder`` ingest uses at scale: cached vectors, the real model for misses."""

    cache: VectorCache
    batch_size: int = 16
    name: str = ""
    hits: int = 0
    misses: int = 0
    miss_seconds: float = 0.0
    _model: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.name = self.cache.model

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        # The ingest embeds a batch ahead, from another thread: one call at a time here.
        with self._lock:
            return self._embed_documents(texts)

    def _embed_documents(self, texts: list[str]) -> np.ndarray:
        vectors = self.cache.get(texts)
        if vectors is not None:
            self.hits += len(texts)
            return vectors
        if self._model is None:
            self._model = make_embedder(self.cache.model, self.batch_size)
        started = time.perf_counter()
        vectors = self._model.embed_documents(texts)  # type: ignore[attr-defined]
        self.miss_seconds += time.perf_counter() - started
        self.misses += len(texts)
        self.cache.add(texts, vectors)
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        if self._model is None:
            self._model = make_embedder(self.cache.model, self.batch_size)
        return self._model.embed_query(text)  # type: ignore[attr-defined]


@dataclass
class FillReport:
    embedded: int
    seconds: float
    workers: int

    @property
    def rate(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0


def fill_cache(
    cache: VectorCache,
    texts: list[str],
    *,
    workers: int = 2,
    block: int = 512,
    nice: int = 0,
    batch_size: int = 16,
    log=print,
) -> FillReport:
    """Embed the texts the cache lacks, ``workers`` single-threaded processes at a time.

    One process per core with ``OMP_NUM_THREADS=1`` stays fast when other jobs share the
    cores (OpenMP threads spin-wait badly then). Texts go in order, block by block, and the
    cache is saved after each block, so an interrupted fill resumes where it stopped.
    """
    todo = cache.missing(texts)
    started = time.perf_counter()
    if not todo:
        return FillReport(0, 0.0, workers)
    log(
        f"  embedding {len(todo)} passages missing from the cache "
        f"({workers} processes, one-off; saved in {cache.folder})"
    )
    done = 0
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        for start in range(0, len(todo), block):
            part = todo[start : start + block]
            shards = [part[i::workers] for i in range(workers)]
            procs = []
            for n, shard in enumerate(shards):
                if not shard:
                    continue
                src = Path(tmp) / f"in-{n}.json"
                out = Path(tmp) / f"out-{n}.npy"
                src.write_text(json.dumps(shard, ensure_ascii=False), encoding="utf-8")
                env = {**os.environ, "OMP_NUM_THREADS": "1"}
                cmd = [
                    sys.executable,
                    "-m",
                    "bench.worker",
                    "embed",
                    "--model",
                    cache.model,
                    "--batch-size",
                    str(batch_size),
                    "--texts",
                    str(src),
                    "--out",
                    str(out),
                ]
                procs.append(
                    (
                        n,
                        shard,
                        out,
                        subprocess.Popen(
                            cmd,
                            cwd=ROOT,
                            env=env,
                            preexec_fn=(lambda: os.nice(nice)) if nice else None,
                        ),
                    )
                )
            for _n, shard, out, proc in procs:
                if proc.wait() != 0:
                    raise RuntimeError(f"embedding worker failed (exit {proc.returncode})")
                cache.add(shard, np.load(out))
            cache.save()
            done += len(part)
            elapsed = time.perf_counter() - started
            log(f"    {done}/{len(todo)} passages, {done / elapsed:.1f}/s")
    return FillReport(done, time.perf_counter() - started, workers)
