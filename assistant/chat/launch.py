"""``assistant chat``: check the bind address, then run the Chainlit app in this process.

Chainlit reads ``.chainlit/config.toml``, ``public/`` and ``chainlit.md`` from its app
root (``CHAINLIT_APP_ROOT``, else the current folder): the shipped chat assets are copied
into ``<data folder>/chat-app`` (:func:`assistant.resources.chat_app_root`) and the app
root set there before Chainlit is imported, so the command works from any folder and from
an installed wheel.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import click

from ..resources import chat_app_root
from ..settings import OFFLINE_ENV, Settings
from .auth import bind_refusal, parse_users

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
    # A bad users definition stops here (AuthConfigError: one line from the CLI).
    users = parse_users(settings.auth)
    refusal = bind_refusal(host, settings)
    if refusal:
        raise click.UsageError(refusal)
    if not 0 < port < 65536:
        raise click.UsageError(f"Port invalide : {port}.")
    host = bind_host(host)
    check_port(host, port)
    # Same process, same environment: the app reads the same ASSISTANT_* settings.
    os.environ.update(chainlit_environment(chat_app_root(settings.data_dir), host, port))

    # Imported only now: chainlit reads its configuration from the app root at import.
    from .datalayer import check_database

    check_database(settings)  # a database down: DatabaseConfigError, one line from the CLI
    from chainlit.cli import run_chainlit
    from chainlit.config import config

    config.run.headless = headless
    config.run.watch = False
    config.run.debug = False
    config.run.no_cache = True
    click.echo(
        f"Chat sur {display_url(host, port)} "
        f"({'connexion par mot de passe' if users is not None else 'mode local, sans connexion'}). "
        "Ctrl+C pour arrêter.",
        err=True,
    )
    try:
        run_chainlit(str(APP_PATH))
    except SystemExit as exc:  # uvicorn's start-up failure: not a clean stop
        if exc.code not in (None, 0):
            raise click.ClickException(
                f"Le chat n'a pas pu démarrer sur {display_url(host, port)} (voir le message "
                "ci-dessus). / The chat could not start."
            ) from None
        raise


def bind_host(host: str) -> str:
    """The address to bind: ``[::1]`` (as in a URL) is the IPv6 address ``::1``."""
    host = host.strip()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def display_url(host: str, port: int) -> str:
    host = bind_host(host)
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def check_port(host: str, port: int) -> None:
    """Fail now, in one line, when the address cannot be listened on (a port in use used
    to print the banner, then uvicorn's error, and exit 0)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise click.ClickException(
            f"Adresse d'écoute inconnue : {host} ({exc.strerror}). / Unknown host."
        ) from None
    # Every address the name stands for, not only the one the server binds: with
    # `--host localhost` the server listens on 127.0.0.1, while a browser may try [::1]
    # first and reach whichever other process holds [::1] on that port.
    # Browsers take « localhost » for both loopbacks whatever /etc/hosts says.
    if host.lower().rstrip(".") == "localhost" and socket.has_ipv6:
        infos = [*infos, (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0))]
    seen = set()
    for number, (family, kind, proto, _name, address) in enumerate(infos):
        if kind != socket.SOCK_STREAM:
            continue
        if (family, address[:2]) in seen:
            continue
        seen.add((family, address[:2]))
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    shown = f"[{address[0]}]" if family == socket.AF_INET6 else address[0]
                    raise click.ClickException(
                        f"Le port {port} est déjà utilisé sur {shown} ({host}) : arrêtez "
                        "l'autre serveur ou choisissez-en un autre avec --port. / Port "
                        "already in use."
                    ) from None
                if number and exc.errno == errno.EADDRNOTAVAIL:
                    continue  # e.g. no IPv6 on this machine: nobody can hold it either
                raise click.ClickException(
                    f"Impossible d'écouter sur {host}:{port} ({exc.strerror}). / Cannot listen."
                ) from None
