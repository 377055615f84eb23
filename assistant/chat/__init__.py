"""The Chainlit chat: a thin web front on :class:`assistant.answer.answering.Assistant`.

Modules, one concern each:

- ``app``: the Chainlit handlers (``chainlit run assistant/chat/app.py``);
- ``launch``: ``assistant chat`` — checks the bind address, then starts Chainlit;
- ``runtime``: the one ``Assistant`` per process, streaming off the loop;
- ``session`` / ``conversation``: what one session keeps (exchanges, rate limit, uploads);
- ``auth``: password users (bcrypt), local single-user mode, the session secret;
- ``profiles``: chat profiles and their starters;
- ``citations``: side elements, the « Sources » footer and the search step of an answer;
- ``sanitize`` / ``streaming``: untrusted Markdown made safe, also while it streams;
- ``uploads``: checking and ingesting a file dropped in the chat;
- ``export``: a conversation as Markdown with its references;
- ``datalayer`` / ``storage``: history and feedback in SQL, element files on local disk;
- ``web``: security headers, page rewriting for closed networks, file and health routes.

Nothing heavy happens at import time.
"""
