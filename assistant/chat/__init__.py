"""The Chainlit chat: a thin web front on :class:`assistant.answer.answering.Assistant`.

Modules, one concern each:

- ``app``: Chainlit's entry module (``chainlit run assistant/chat/app.py``), which calls
- ``build``: ``build_app(settings)`` — process set-up, every handler registered with Chainlit;
- ``handlers``: ``ChatApp``, the handlers of one process: login, life cycle, message dispatch,
  made of ``core`` (session, waiting for the index) and the groups ``answers`` (search step,
  streamed cited answer, export), ``sheets`` (trainers' session sheets) and ``upload_flow``
  (a dropped file's check, indexing progress and sharing);
- ``launch``: ``assistant chat`` — checks the bind address, then starts Chainlit;
- ``runtime``: the one ``Assistant`` per process, streaming off the loop;
- ``session`` / ``conversation``: what one session keeps (exchanges, rate limit, uploads);
- ``auth``: password users (bcrypt), local single-user mode, the session secret;
- ``profiles``: chat profiles and their starters;
- ``citations``: side elements, the « Sources » footer and the search step of an answer;
- ``sanitize`` / ``streaming``: untrusted Markdown made safe, also while it streams;
- ``uploads``: checking, placing and ingesting a dropped file;
- ``export``: a conversation as Markdown with its references;
- ``datalayer`` / ``storage``: history and feedback in SQL, element files on local disk;
- ``web``: security headers, page rewriting for closed networks, file and health routes.

Importing any of them does nothing: only ``app`` builds the chat, when Chainlit runs it.
"""
