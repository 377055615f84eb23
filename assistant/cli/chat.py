"""``assistant chat``: start the web chat."""

from __future__ import annotations

import click

from .common import settings_for


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port.")
@click.option("--headless", is_flag=True, help="Ne pas ouvrir de navigateur.")
def chat(host: str, port: int, headless: bool) -> None:
    """Lance le chat web (Chainlit) sur le corpus indexé.

    \b
    Exemples :
      assistant chat
      assistant chat --port 8080 --headless
    """
    from ..chat.launch import run_chat

    run_chat(settings_for(data=True), host=host, port=port, headless=headless)
