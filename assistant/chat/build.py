"""The chat app built from the settings: process set-up, then every handler registered with
Chainlit. Called once, by the Chainlit entry module :mod:`assistant.chat.app`; importing
this module does nothing.

Chainlit keeps one app per process (its ``config.code`` and its server are module globals),
so :func:`build_app` configures that process: call it once per process.
"""

from __future__ import annotations

import math
import os

import chainlit as cl
import chainlit.config as chainlit_config_module
import chainlit.server as chainlit_server_module
from chainlit.config import config as cl_config
from chainlit.data import get_data_layer
from chainlit.server import app as server_app
from chainlit.server import sio

from ..settings import Settings
from . import ownership, web
from .answers import EXPORT_ACTION
from .auth import AuthConfigError, bind_refusal, is_loopback, parse_users, session_secret
from .datalayer import files_root, make_data_layer
from .handlers import ChatApp
from .runtime import ChatRuntime
from .sheets import SHEET_ACTION
from .storage import LocalStorageClient, process_files_dir
from .upload_flow import SHARE_ACTION
from .uploads import ACCEPT


def build_app(settings: Settings) -> ChatApp:
    """Set up this process's chat from ``settings`` and register its handlers.

    Cheap: the assistant and its index are loaded on the first request (or by the start-up
    warm-up), not here. A bad users definition or an unsafe bind address stops the process
    with its one-line message.
    """
    try:
        users = parse_users(settings.auth)
        refusal = bind_refusal(cl_config.run.host, settings)
    except AuthConfigError as exc:
        raise SystemExit(str(exc)) from None
    if refusal:
        raise SystemExit(refusal)

    secret = (
        os.environ.get("CHAINLIT_AUTH_SECRET") if settings.auth_secret is None else None
    ) or session_secret(settings)
    os.environ["CHAINLIT_AUTH_SECRET"] = secret  # Chainlit reads its JWT secret there
    storage = LocalStorageClient(files_root(settings), secret)
    app = ChatApp(settings, users, storage, ChatRuntime(settings, storage))
    configure_chainlit(settings, app, users is None)
    register(app)
    return app


def configure_chainlit(settings: Settings, app: ChatApp, local: bool) -> None:
    # Chainlit keeps each session's uploads under <app root>/.files: keep them in the data
    # folder instead (user files stay out of the project folder), one folder per process:
    # Chainlit deletes the whole folder when it stops, which must not take the sessions of
    # another replica sharing the data folder with it.
    session_files = process_files_dir(settings.data_dir / "chat-sessions")
    chainlit_config_module.FILES_DIRECTORY = session_files
    chainlit_server_module.FILES_DIRECTORY = session_files

    # Security-relevant options are enforced here as well as in .chainlit/config.toml.
    features = cl_config.features
    features.unsafe_allow_html = False
    features.mcp.enabled = False
    features.mcp.user_servers.enabled = False
    if features.spontaneous_file_upload is not None:
        features.spontaneous_file_upload.enabled = True
        features.spontaneous_file_upload.accept = ACCEPT
        features.spontaneous_file_upload.max_size_mb = math.ceil(settings.max_upload_mb)
        features.spontaneous_file_upload.max_files = 5
    origins = web.parse_origins(settings.allowed_origins)
    cl_config.project.allow_origins[:] = origins  # the CORS middleware holds this very list
    # Local mode: the socket gets the same loopback-Host check as the header login.
    web.install(
        server_app,
        sio,
        app.storage,
        app.runtime.public_status,
        origins,
        is_loopback if local else None,
    )
    ownership.install(server_app, get_data_layer)


def register(app: ChatApp) -> None:
    """Every Chainlit callback, each a method of ``app``."""
    if app.users is not None:
        cl.password_auth_callback(app.password_login)
    else:
        cl.header_auth_callback(app.local_login)
    cl.data_layer(lambda: make_data_layer(app.settings, app.storage, app.runtime.history))
    cl.on_app_startup(app.startup)
    cl.on_app_shutdown(app.shutdown)
    cl.set_chat_profiles(app.chat_profiles)
    cl.on_chat_start(app.on_chat_start)
    cl.on_chat_resume(app.on_chat_resume)
    cl.on_feedback(app.on_feedback)
    cl.on_message(app.on_message)
    cl.action_callback(SHEET_ACTION)(app.on_sheet_action)
    cl.action_callback(SHARE_ACTION)(app.share_uploaded)
    cl.action_callback(EXPORT_ACTION)(app.export_conversation)
