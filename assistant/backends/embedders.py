"""The embedder the settings ask for: an in-process model or an embeddings service, behind
the embedding cache and the shipped seed vectors.

One factory for the ingest and the answers, so both always embed the same way; the
backends it chooses from (:mod:`.embeddings`, :mod:`.embedservice`, :mod:`.embedcache`)
never import it back.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import resources
from ..settings import Settings
from .embedcache import CachedEmbedder, EmbeddingCache, Seed
from .embeddings import Embedder, canonical_name, make_embedder
from .embedservice import ServiceEmbedder, resolve_prefixes, service_cache_key


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the settings describe — the in-process model or the embeddings service
    — behind the embedding cache (when on) and the shipped seed vectors. One per process
    for the same settings."""
    return _embedder_for(
        settings.embedding_model,
        settings.embedding_batch_size,
        tuple(settings.embedding_urls),
        settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None,
        settings.embedding_prefixes,
        settings.embedding_concurrency,
        settings.embedding_timeout_s,
        settings.embedding_max_retries,
        str(settings.embedding_cache_file) if settings.embedding_cache_file else None,
        settings.embedding_seed,
        settings.embedding_request_size,
    )


@lru_cache(maxsize=8)
def _embedder_for(
    model: str,
    batch_size: int,
    urls: tuple[str, ...],
    api_key: str | None,
    prefixes: str,
    concurrency: int,
    timeout_s: float,
    max_retries: int,
    cache_file: str | None,
    seed: bool = True,
    request_size: int | None = None,
) -> Embedder:
    if urls:
        mode = resolve_prefixes(prefixes, model)
        key = service_cache_key(model, mode)

        def factory() -> Embedder:
            return ServiceEmbedder(
                list(urls),
                model,
                api_key=api_key,
                prefixes=mode,
                batch_size=request_size or batch_size,
                concurrency=concurrency,
                timeout_s=timeout_s,
                max_retries=max_retries,
            )

        name = model
    else:
        key = name = canonical_name(model)

        def factory() -> Embedder:
            return make_embedder(model, batch_size)

    seed_path = resources.seed_vectors(key) if seed else None
    return CachedEmbedder(
        factory,
        key,
        EmbeddingCache(Path(cache_file)) if cache_file else None,
        Seed(seed_path) if seed_path else None,
        name=name,
    )
