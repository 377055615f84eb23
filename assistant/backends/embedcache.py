"""Passage vectors kept by model and exact text, so that no text is embedded twice.

Embedding is what an ingest costs (the default model embeds a few passages a second on two
cores). The cache answers for every text some earlier run already embedded: a re-ingest
after a chunking change (the sentences are mostly the same), a new index generation, a
second replica, the tests. Only passage (document) vectors are kept; a question is
embedded once anyway.

- **Key**: the embedder's ``cache_key`` (its model, and how texts are prefixed) and the
  SHA-256 of the exact text the model sees. Another model or another text is a miss, never
  a neighbour's vector.
- **Value**: the embedder's own float32 output, byte for byte (``float32`` little-endian),
  so a cached vector is exactly the one the model would give again.
- **Storage**: one SQLite file (default ``<data>/embedding-cache.sqlite3``), written one
  batch per transaction. SQLite's atomic commit means a crash or a SIGKILL mid-write loses
  at most that batch, never leaves half a row; each row also carries a CRC-32 of its key
  and bytes, checked on read, so a row damaged on disk is embedded again instead of served.
  Writers (two ingests, the replicas of one host) queue on SQLite's lock; ``INSERT OR
  IGNORE`` keeps the first writer's row (the model gives the same vector again). WAL mode,
  so readers never wait for a writer: the file must live on a local disk (or a volume one
  host mounts); SQLite's locks are not reliable over NFS or SMB.
- **Failures**: the cache only saves time. A read-only, full or damaged file is logged once
  and the model answers instead; it never stops an ingest.
- **Seed**: vectors shipped in the package (``assistant/resources/vectors/``) for the
  shipped note and the default model, read before the file: a fresh machine's first start
  embeds nothing (see :func:`assistant.resources.seed_vectors`).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import zlib
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import closing
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
# SQLite's default limit of bound parameters is 32,766 (999 before 3.32): stay well under.
_LOOKUP_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model  TEXT    NOT NULL,  -- the embedder's cache_key
    digest BLOB    NOT NULL,  -- sha256 of the exact text (UTF-8)
    dim    INTEGER NOT NULL,
    vector BLOB    NOT NULL,  -- float32 little-endian, dim * 4 bytes
    crc    INTEGER NOT NULL,  -- crc32 of digest + vector
    PRIMARY KEY (model, digest)
) WITHOUT ROWID
"""


class DocumentEmbedder(Protocol):
    name: str

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def text_digest(text: str) -> bytes:
    """The key of a text: SHA-256 of its UTF-8 bytes (lone surrogates kept, never raised)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _crc(digest: bytes, blob: bytes) -> int:
    return zlib.crc32(blob, zlib.crc32(digest))


def _as_rows(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(vectors, dtype="<f4"))


class EmbeddingCache:
    """The SQLite file of cached vectors. Thread- and process-safe; one connection per call
    (cheap, and safe across threads and forks)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False
        self._broken: str | None = None
        self._lock = threading.Lock()

    # --- plumbing -------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not self._ready:
                with self._lock:
                    # WAL: readers never wait for a writer; NORMAL sync: a power cut may
                    # lose the last batches, never corrupt the file (rows are all or nothing).
                    conn.execute("PRAGMA journal_mode = WAL")
                    conn.execute(_SCHEMA)
                    self._ready = True
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _failed(self, action: str, exc: Exception) -> None:
        if self._broken is None:
            self._broken = f"{type(exc).__name__}: {exc}"
            log.warning(
                "cache d'embeddings %s inutilisable (%s) : %s ; les passages sont calculés "
                "par le modèle. Supprimez ce fichier s'il est endommagé. / embedding cache "
                "unusable, the model is used instead.",
                self.path,
                action,
                self._broken,
            )

    # --- reads and writes ------------------------------------------------------------
    def get(self, model: str, digests: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vectors of ``digests`` (missing ones are absent from the result)."""
        if self._broken or not digests or not self.path.exists():
            return {}
        found: dict[bytes, np.ndarray] = {}
        try:
            with closing(self._connect()) as conn:
                unique = list(dict.fromkeys(digests))
                for start in range(0, len(unique), _LOOKUP_CHUNK):
                    part = unique[start : start + _LOOKUP_CHUNK]
                    marks = ",".join("?" * len(part))
                    rows = conn.execute(
                        f"SELECT digest, dim, vector, crc FROM vectors "
                        f"WHERE model = ? AND digest IN ({marks})",
                        [model, *part],
                    )
                    for digest, dim, blob, crc in rows:
                        if len(blob) != dim * 4 or _crc(digest, blob) != crc:
                            log.warning("cache d'embeddings : entrée endommagée ignorée")
                            continue
                        found[bytes(digest)] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        except sqlite3.Error as exc:
            self._failed("lecture", exc)
            return {}
        return found

    def put(self, model: str, digests: Sequence[bytes], vectors: np.ndarray) -> None:
        """Keep ``vectors`` (rows in the order of ``digests``), all in one transaction."""
        if self._broken or not len(digests):
            return
        rows = _as_rows(vectors)
        if rows.ndim != 2 or len(rows) != len(digests):
            raise ValueError("one vector per text expected")
        records = []
        for digest, row in zip(digests, rows, strict=True):
            blob = row.tobytes()
            records.append((model, digest, int(row.shape[0]), blob, _crc(digest, blob)))
        try:
            with closing(self._connect()) as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(
                        "INSERT OR IGNORE INTO vectors (model, digest, dim, vector, crc) "
                        "VALUES (?, ?, ?, ?, ?)",
                        records,
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except (sqlite3.Error, OSError) as exc:
            self._failed("écriture", exc)

    def count(self, model: str | None = None) -> int:
        if not self.path.exists():
            return 0
        try:
            with closing(self._connect()) as conn:
                if model is None:
                    return conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
                query = "SELECT count(*) FROM vectors WHERE model = ?"
                return conn.execute(query, (model,)).fetchone()[0]
        except sqlite3.Error as exc:
            self._failed("lecture", exc)
            return 0


class Seed:
    """Read-only vectors shipped with the package for one model (an ``.npz`` of
    ``digests`` (N × 32 bytes), ``vectors`` (N × dim float32) and ``model``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._rows: dict[bytes, int] | None = None
        self._vectors: np.ndarray | None = None
        self.model = ""
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._rows is not None:
                return
            with np.load(self.path, allow_pickle=False) as data:
                digests = data["digests"]
                self._vectors = np.asarray(data["vectors"], dtype=np.float32)
                self.model = str(data["model"])
            self._rows = {bytes(d): i for i, d in enumerate(digests)}

    def model_of(self) -> str:
        self._load()
        return self.model

    def get(self, digests: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        self._load()
        assert self._rows is not None and self._vectors is not None
        return {d: self._vectors[self._rows[d]] for d in digests if d in self._rows}

    def __len__(self) -> int:
        self._load()
        assert self._rows is not None
        return len(self._rows)


def write_seed(path: Path, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
    """Write a seed file (``scripts/seed_vectors.py``): one row per distinct text."""
    rows = _as_rows(vectors)
    digests = np.frombuffer(b"".join(text_digest(t) for t in texts), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp.npz")
    np.savez_compressed(
        temporary,
        model=np.array(model),
        digests=digests.reshape(len(texts), 32),
        vectors=rows.astype(np.float32),
    )
    temporary.replace(path)


class CachedEmbedder:
    """An embedder whose passage vectors come from the seed, then the cache, then the model.

    ``inner`` is built on the first miss only (``factory``): a start whose passages are all
    known never loads the model for them.
    """

    def __init__(
        self,
        factory,
        cache_key: str,
        cache: EmbeddingCache | None,
        seed: Seed | None = None,
        name: str | None = None,
    ) -> None:
        self._factory = factory
        self._inner: DocumentEmbedder | None = None
        self._inner_lock = threading.Lock()
        self.cache_key = cache_key
        self.name = name or cache_key
        self.cache = cache
        self.seed = seed if seed is not None and seed.model_of() == cache_key else None
        self.hits = 0
        self.misses = 0
        # Two calls at once (the ingest embeds one batch ahead) never embed a text twice:
        # the second waits for the first's vector.
        self._pending: dict[bytes, Future] = {}
        self._pending_lock = threading.Lock()

    @property
    def inner(self) -> DocumentEmbedder:
        if self._inner is None:
            with self._inner_lock:
                if self._inner is None:
                    self._inner = self._factory()
        return self._inner

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        digests = [text_digest(t) for t in texts]
        known: dict[bytes, np.ndarray] = {}
        if self.seed is not None:
            known.update(self.seed.get(digests))
        if self.cache is not None and len(known) < len(set(digests)):
            known.update(self.cache.get(self.cache_key, [d for d in digests if d not in known]))
        todo: dict[bytes, str] = {}
        waits: dict[bytes, Future] = {}  # texts another call is embedding right now
        mine: Future = Future()
        with self._pending_lock:
            for digest, text in zip(digests, texts, strict=True):
                if digest in known or digest in todo or digest in waits:
                    continue
                if digest in self._pending:
                    waits[digest] = self._pending[digest]
                else:
                    todo[digest] = text
                    self._pending[digest] = mine
        try:
            if todo:
                computed = np.asarray(self.inner.embed_documents(list(todo.values())), np.float32)
                if computed.ndim != 2 or len(computed) != len(todo):
                    raise ValueError("the embedder returned the wrong number of vectors")
                if self.cache is not None:
                    self.cache.put(self.cache_key, list(todo), computed)
                known.update(zip(todo, computed, strict=True))
            mine.set_result(known)
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        finally:
            with self._pending_lock:
                for digest in todo:
                    self._pending.pop(digest, None)
        for digest, future in waits.items():
            known[digest] = future.result()[digest]
        with self._pending_lock:
            self.misses += len(todo)
            self.hits += len(texts) - len(todo)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([known[d] for d in digests]).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)
