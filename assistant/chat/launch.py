"""``assistant chat``: check the bind address, then run the Chainlit app in this process.

Chainlit reads ``.chainlit/config.toml``, ``public/`` and ``chainlit.md`` from its app
root (``CHAINLIT_APP_ROOT``, else the current folder): the shipped chat assets are copied
into ``<data folder>/chat-app`` (:func:`assistant.resources.chat_app_root`) and the app
root set there before Chainlit is imported, so the command works from any folder and from
an installed wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..resources import chat_app_root
from ..settings import OFFLINE_ENV, Settings
from .auth import AuthConfigError, bind_refusal, parse_users

APP_PATH = Path(__file__).resolve().parent / "app.py"


def chainlit_environment(app_root: Path, host: str, port: int) -> dict[str, str]:
    """Environment variables the Chainlit server needs (no secret among them)."""
    return {
        "CHAINLIT_APP_ROOT": str(app_root),
        "CHAINLIT_HOST": host,
        "CHAINLIT_PORT": str(port),
        **OFFLINE_ENV,
    }


def run_chat(settings: Settings, host: str = "127.0.0.1", port: int = 8000, headless: bool = False):
    """Start the chat server (blocking) on ``host:port``."""
    try:
        users = parse_users(settings.auth)
        refusal = bind_refusal(host, settings)
    except AuthConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if refusal:
        raise click.UsageError(refusal)
    if not 0 < port < 65536:
        raise click.UsageError(f"Port invalide : {port}.")
    # Same process, same environment: the app reads the same ASSISTANT_* settings.
    os.environ.update(chainlit_environment(chat_app_root(settings.data_dir), host, port))

    # Imported only now: chainlit reads its configuration from the app root at import.
    from chainlit.cli import run_chainlit
    from chainlit.config import config

    config.run.headless = headless
    config.run.watch = False
    config.run.debug = False
    config.run.no_cache = True
    click.echo(
        f"Chat sur http://{_display_host(host)}:{port} "
        f"({'connexion par mot de passe' if users is not None else 'mode local, sans connexion'}). "
        "Ctrl+C pour arrêter.",
        err=True,
    )
    run_chainlit(str(APP_PATH))


def _display_host(host: str) -> str:
    if host in {"0.0.0.0", "::"}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
