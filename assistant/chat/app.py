"""Chainlit's entry module: ``assistant chat``, or ``chainlit run assistant/chat/app.py``.

Chainlit loads the app by running one file; that file builds the app from the settings.
Everything else lives in importable modules that do nothing at import: the handlers in
:mod:`assistant.chat.handlers` (with :mod:`.answers`, :mod:`.sheets`, :mod:`.upload_flow`),
the set-up and registration in :mod:`assistant.chat.build`.
"""

from assistant.chat.build import build_app
from assistant.settings import get_settings

app = build_app(get_settings())
