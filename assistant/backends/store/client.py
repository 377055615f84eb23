"""Chroma clients: the local one over a generation folder, the HTTP one to a server.

Everything that touches ``chromadb`` directly goes through :func:`chromadb_module`, which
is called when a client is built, never at import time.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ...errors import AssistantError
from ...settings import Settings


class StoreError(AssistantError, RuntimeError):
    """The vector store cannot be reached or opened; the message says what to do."""


def chromadb_module():
    """``chromadb``, imported on first use, with a clear error when it is missing."""
    # Chroma's own telemetry is on by default: switch it off before chromadb is imported.
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        import chromadb
    except ImportError as exc:
        raise StoreError(
            f"Le paquet chromadb est introuvable ({exc}) : réinstallez l'assistant "
            "(`pip install -e .`). / chromadb is not installed."
        ) from None
    return chromadb


def not_found_errors() -> tuple[type[BaseException], ...]:
    """What Chroma raises for a collection that does not exist (by version: both)."""
    from chromadb.errors import NotFoundError

    return (NotFoundError, ValueError)


def chroma_settings():
    chromadb_module()
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def server_unreachable(settings: Settings, exc: BaseException) -> StoreError:
    return StoreError(
        f"Serveur Chroma injoignable sur {settings.chroma_host}:{settings.chroma_port} "
        f"({type(exc).__name__}). Démarrez-le (`chroma run --path …`) ou retirez "
        "ASSISTANT_CHROMA_HOST pour utiliser la base locale. / Chroma server unreachable."
    )


def http_client(settings: Settings):
    """A client of the configured server, checked with one heartbeat."""
    import httpx

    headers = {}
    if settings.chroma_token is not None:
        headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
    chromadb = chromadb_module()
    try:
        client = chromadb.HttpClient(
            host=settings.chroma_host or "localhost",
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            headers=headers or None,
            settings=chroma_settings(),
        )
        # Chroma's client waits forever by default: a stalled server must not hang us.
        with contextlib.suppress(AttributeError):
            client._server._session.timeout = httpx.Timeout(
                max(30.0, 6 * settings.chroma_timeout_s), connect=settings.chroma_timeout_s
            )
        client.heartbeat()
        return client
    except Exception as exc:
        raise server_unreachable(settings, exc) from None


def persistent_client(path: Path):
    """A local client over one generation folder."""
    chromadb = chromadb_module()
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings())
    except Exception as exc:
        raise StoreError(
            f"Impossible d'ouvrir la base locale {path} : {type(exc).__name__}: {exc}. "
            "Relancez `assistant ingest` pour la reconstruire. / Cannot open the local store."
        ) from None


def close(client) -> None:
    if client is not None:
        with contextlib.suppress(Exception):
            client.close()
