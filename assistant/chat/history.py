"""History writes that fail are visible and kept: nothing lost without a word.

Chainlit's SQL data layer logs a failed statement and carries on: with PostgreSQL stopped
mid-session, a question was answered but never stored, the user was not told, a rating
was refused as « not yours » (the ownership check read « no row » from the error), and
the health route said « ready » (issue 21, PG-5/6).

Choice: the reply is shown, and its writes are **kept and retried**, in order, as soon as
the database answers again (every RETRY_S, and before any later write). The user is told
once per outage that the exchange is not saved yet and will be; the health route says
« dégradé » until every kept write is stored. Kept writes live in the chat process's
memory (at most MAX_PENDING): a process stopped during the outage loses them, and says so
in its log. Reads that fail raise :class:`HistoryUnavailable` instead of returning « no
row », so no ownership check ever turns a database error into « not yours ».
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import AssistantError

log = logging.getLogger(__name__)

RETRY_S = 2.0
MAX_PENDING = 5000
NOT_SAVED = (
    "L'historique est momentanément indisponible : cet échange n'est pas encore enregistré. "
    "Il le sera automatiquement dès le retour de la base."
)


class HistoryUnavailable(AssistantError):
    """The history database could not be reached (stopped, restarting, unreachable)."""

    public = True

    def __init__(self, reason: str = "") -> None:
        super().__init__(
            "L'historique des conversations est momentanément indisponible ; réessayez "
            "dans un instant. / Chat history temporarily unavailable."
        )
        self.reason = reason


def is_unreachable(exc: BaseException) -> bool:
    """A database error that says « the server is not there » (retry later), as opposed
    to a statement the database refuses (a bug: retrying would never succeed)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(exc, (OSError, TimeoutError, asyncio.TimeoutError, InterfaceError)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        return True
    cause = getattr(exc, "orig", None) or exc.__cause__
    if cause is not None and cause is not exc:
        if isinstance(cause, (OSError, TimeoutError, ConnectionError)):
            return True
        # asyncpg: ConnectionDoesNotExistError, CannotConnectNowError (starting up or
        # shutting down), AdminShutdown… all connection-level classes.
        name = type(cause).__name__
        return any(part in name for part in ("Connection", "CannotConnect", "Shutdown"))
    return False


Write = Callable[[], Awaitable[Any]]


class HistoryState:
    """Whether the history database answers, and the writes kept while it does not.
    Owned by the chat runtime (read by the health route), fed by the data layer."""

    def __init__(self) -> None:
        self.pending: deque[tuple[str, Write]] = deque()
        self.failing_since: float | None = None
        self.dropped = 0
        self.told: set[str] = set()  # sessions told during the current outage

    @property
    def degraded(self) -> bool:
        return self.failing_since is not None or bool(self.pending)

    def failed(self, reason: str) -> None:
        if self.failing_since is None:
            self.failing_since = time.monotonic()
            log.error("chat: history database unreachable (%s)", reason)

    def answered(self) -> None:
        if self.failing_since is not None and not self.pending:
            log.warning(
                "chat: history database back after %.0f s",
                time.monotonic() - self.failing_since,
            )
            self.failing_since = None
            self.told.clear()

    def keep(self, what: str, write: Write) -> None:
        if len(self.pending) >= MAX_PENDING:
            self.pending.popleft()
            self.dropped += 1
            log.error("chat: history write dropped (%d kept already)", MAX_PENDING)
        self.pending.append((what, write))


class KeptWrites:
    """Mixed into the data layer: :meth:`save` runs one write, or keeps it."""

    history: HistoryState
    _retry_task: asyncio.Task | None = None
    _flushing = False

    async def save(self, what: str, write: Write) -> Any:
        """Run ``write`` now, after any kept one (writes land in their order); when the
        database does not answer, keep it, tell the user and retry soon."""
        history = self.history
        if history.pending:
            await self.flush()
        if not history.pending:
            try:
                return await write()
            except HistoryUnavailable:
                pass
        history.keep(what, write)
        if history.failing_since is not None:
            await self._tell_user()
        self._retry_soon()
        return None

    async def flush(self) -> bool:
        """Store the kept writes in order; True when none is left."""
        history = self.history
        if self._flushing:
            return not history.pending
        self._flushing = True
        try:
            while history.pending:
                what, write = history.pending[0]
                try:
                    await write()
                except HistoryUnavailable:
                    return False
                except Exception:  # never again possible (a file gone): not a blocker
                    log.exception("chat: kept history write given up (%s)", what)
                else:
                    log.info("chat: kept history write stored (%s)", what)
                history.pending.popleft()
            history.answered()
            return True
        finally:
            self._flushing = False

    def _retry_soon(self) -> None:
        if self._retry_task is not None and not self._retry_task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._retry_task = loop.create_task(self._retry())

    async def _retry(self) -> None:
        """Until the database answers again and every kept write is stored: the health
        route says « dégradé » until then, even when nothing is left to write."""
        while self.history.degraded:
            await asyncio.sleep(RETRY_S)
            if await self.flush():
                try:
                    await self.execute_sql("SELECT 1", {})  # type: ignore[attr-defined]
                except HistoryUnavailable:
                    continue

    async def _tell_user(self) -> None:
        """A toast in the session this write runs for, once per outage."""
        from chainlit.context import ChainlitContextException, get_context

        try:
            context = get_context()
            session = context.session.id
        except (ChainlitContextException, AttributeError):
            return
        if session in self.history.told:
            return
        self.history.told.add(session)
        try:
            await context.emitter.send_toast(NOT_SAVED, "error")
        except Exception:  # the page left: the log and the health route still say it
            log.warning("chat: could not tell session %s that history is not saved", session)
