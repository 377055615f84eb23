"""The chat app is built by a function from the settings; importing the chat's modules does
nothing (no Chainlit handler registered, no secret written, no folder made).

Each case runs in a fresh interpreter: Chainlit keeps one app per process in module globals,
and the other tests of this process import Chainlit too."""

from __future__ import annotations

import json
import subprocess
import sys

from assistant.chat.auth import hash_password
from assistant.resources import chat_app_root
from harness.processes import ROOT, clean_env

_PROBE = r"""
import importlib, json, os, pkgutil, sys
from pathlib import Path
import assistant.chat as chat
from chainlit.config import config

names = [m.name for m in pkgutil.iter_modules(chat.__path__) if m.name != "app"]
for name in names:
    importlib.import_module(f"assistant.chat.{name}")
data = Path(sys.argv[1])
imported = {
    "modules": len(names),
    "on_message": config.code.on_message is not None,
    "actions": sorted(config.code.action_callbacks),
    "secret": "CHAINLIT_AUTH_SECRET" in os.environ,
    "data_made": data.exists(),
}
built = None
if sys.argv[2] == "build":
    from assistant.chat.build import build_app
    from assistant.settings import get_settings

    app = build_app(get_settings())
    built = {
        "app": type(app).__name__,
        "on_message": config.code.on_message is not None,
        "on_chat_start": config.code.on_chat_start is not None,
        "on_chat_resume": config.code.on_chat_resume is not None,
        "data_layer": config.code.data_layer is not None,
        "password": config.code.password_auth_callback is not None,
        "header": config.code.header_auth_callback is not None,
        "actions": sorted(config.code.action_callbacks),
        "secret": bool(os.environ.get("CHAINLIT_AUTH_SECRET")),
        "html": config.features.unsafe_allow_html,
        "runtime_ready": app.runtime.ready,
    }
print(json.dumps({"imported": imported, "built": built}))
"""


def _probe(tmp_path, mode: str, **env: str) -> dict:
    data = tmp_path / "data"
    environ = clean_env(
        ASSISTANT_DATA_DIR=str(data),
        CHAINLIT_APP_ROOT=str(chat_app_root(tmp_path / "assets")),
        **env,
    )
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(data), mode],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_chat_modules_does_nothing(tmp_path):
    imported = _probe(tmp_path, "import")["imported"]
    assert imported["modules"] >= 15
    assert imported == {
        "modules": imported["modules"],
        "on_message": False,
        "actions": [],
        "secret": False,
        "data_made": False,
    }


def test_build_app_registers_every_handler_from_the_settings(tmp_path):
    built = _probe(tmp_path, "build")["built"]
    assert built["app"] == "ChatApp"
    assert built["on_message"] and built["on_chat_start"] and built["on_chat_resume"]
    assert built["data_layer"] and built["secret"]
    # Local mode (no users): the loopback header login, not the password form.
    assert built["header"] and not built["password"]
    assert built["actions"] == ["export_markdown", "prepare_sheet", "share_upload"]
    assert built["html"] is False
    # Nothing loaded yet: the assistant comes with the first request or the warm-up.
    assert built["runtime_ready"] is False


def test_build_app_with_users_asks_for_a_password(tmp_path):
    users = f"ana:{hash_password('un mot de passe assez long')}"
    built = _probe(tmp_path, "build", ASSISTANT_AUTH=users)["built"]
    assert built["password"] and not built["header"]
