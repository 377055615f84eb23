"""Chroma clients: the local one over a generation folder, the HTTP one to a server.

Everything that touches ``chromadb`` directly goes through :func:`chromadb_module`, which
is called when a client is built, never at import time. Only Chroma's public API is used
here; what it lacks is in :mod:`.chroma_internals`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from ...errors import AssistantError
from ...settings import Settings
from . import chroma_internals as internals

log = logging.getLogger(__name__)

#: Chroma's public REST API: the heartbeat a server answers once it is up.
HEARTBEAT_PATH = "/api/v2/heartbeat"


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
    import httpx

    where = f"{settings.chroma_host}:{settings.chroma_port}"
    if isinstance(exc, httpx.TimeoutException):
        return StoreError(
            f"Le serveur Chroma sur {where} ne répond pas (délai de "
            f"{settings.chroma_timeout_s:g} s dépassé, {type(exc).__name__}) : redémarrez-le, "
            "ou réglez ASSISTANT_CHROMA_TIMEOUT_S. / Chroma server not responding."
        )
    return StoreError(
        f"Serveur Chroma injoignable sur {where} "
        f"({describe(exc)}). Démarrez-le (`chroma run --path …`) ou retirez "
        "ASSISTANT_CHROMA_HOST pour utiliser la base locale. / Chroma server unreachable."
    )


def describe(exc: BaseException) -> str:
    """A failure of a Chroma call in a few words, on one line (a Rust panic included)."""
    if internals.is_rust_panic(exc):
        return f"panique de chromadb (Rust) : {internals.panic_text(exc)}"
    return type(exc).__name__


def message(exc: BaseException) -> str:
    """``str(exc)``; for a Rust panic, its one-line description."""
    return describe(exc) if internals.is_rust_panic(exc) else str(exc)


def explain(exc: BaseException) -> str:
    """A failure of a Chroma call with its message, on one line for a Rust panic."""
    if internals.is_rust_panic(exc):
        return describe(exc)
    return f"{type(exc).__name__}: {exc}"


def chroma_failure(exc: BaseException) -> bool:
    """What a Chroma call may raise that the store turns into its own error: an
    ``Exception``, or a panic of its Rust bindings (a ``BaseException``)."""
    return isinstance(exc, Exception) or internals.is_rust_panic(exc)


def http_client(settings: Settings):
    """A client of the configured server, checked with one heartbeat. Every request,
    the first ones included, gives up after the settings' timeout: a stalled server is
    a clear error, never a hang."""
    import httpx

    headers = {}
    if settings.chroma_token is not None:
        headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
    host = settings.chroma_host or "localhost"
    scheme = "https" if settings.chroma_ssl else "http"
    chromadb = chromadb_module()
    try:
        # HttpClient sends requests while it is built (the tenant, the database) without
        # any timeout, and its timeout can only be set once it is built: a heartbeat with
        # the timeout first, so that a server stalled at start fails here.
        httpx.get(
            f"{scheme}://{host}:{settings.chroma_port}{HEARTBEAT_PATH}",
            headers=headers,
            timeout=settings.chroma_timeout_s,
        ).raise_for_status()
        client = chromadb.HttpClient(
            host=host,
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            headers=headers or None,
            settings=chroma_settings(),
        )
        timeout = httpx.Timeout(
            max(30.0, 6 * settings.chroma_timeout_s), connect=settings.chroma_timeout_s
        )
        if not internals.set_http_timeout(client, timeout):
            log.warning(
                "chromadb %s: no timeout on the Chroma server's requests "
                "(tests/test_chroma_internals.py says what moved)",
                getattr(chromadb, "__version__", "?"),
            )
        client.heartbeat()
        return client
    except BaseException as exc:
        if not chroma_failure(exc):
            raise
        raise server_unreachable(settings, exc) from None


def persistent_client(path: Path):
    """A local client over one generation folder."""
    chromadb = chromadb_module()
    try:
        return internals.without_panic_noise(
            lambda: chromadb.PersistentClient(path=str(path), settings=chroma_settings())
        )
    except BaseException as exc:
        if not chroma_failure(exc):
            raise
        raise StoreError(
            f"Impossible d'ouvrir la base locale {path} : {explain(exc)}. "
            "Relancez `assistant ingest` pour la reconstruire. / Cannot open the local store."
        ) from None


def close(client) -> None:
    """Release the client's files (``Client.close()``, chromadb >= 1.5.2): a reader's copy
    is deleted after, and an open file would keep its space and descriptors."""
    if client is not None:
        with contextlib.suppress(Exception):
            client.close()
