"""One :class:`~assistant.answer.answering.Assistant` per process, and the bridge to asyncio.

The assistant (store, embedder, retriever) is built lazily — at app start-up in the
background, or at the first question — then shared read-only by every session. Blocking
work runs in a small thread pool: ``Assistant.stream`` is iterated in a worker thread and
its items cross to the event loop through an :class:`asyncio.Queue`, so streaming never
blocks other sessions. Per-session state lives in the Chainlit session, not here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..answer.answering import Assistant
from ..models import Answer, Turn
from ..settings import Settings
from .history import HistoryState
from .progress import IndexProgress
from .storage import LocalStorageClient

log = logging.getLogger(__name__)

T = TypeVar("T")
WORKERS = 4
MAX_BATCH_CHARS = 2000
_DONE = object()


@dataclass(frozen=True)
class StoredFile:
    object_key: str
    url: str


class ChatRuntime:
    """Process-wide resources of the chat: the assistant, the worker pool, file storage."""

    def __init__(
        self,
        settings: Settings,
        storage: LocalStorageClient,
        factory: Callable[[Settings], Assistant] = Assistant,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self._factory = factory
        self._assistant: Assistant | None = None
        self._build_lock = threading.Lock()
        self._error: str | None = None
        self._building = False
        # The first start's corpus index, while it is being built (shown in the chat).
        self.index_progress: IndexProgress | None = None
        self.ingest_lock = threading.Lock()
        self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="assistant")
        self._pdf_keys: dict[tuple[str, int, int], str] = {}
        # The history database as the data layer last found it (the health route reads it).
        self.history = HistoryState()

    # --- the assistant ------------------------------------------------------------------
    def assistant(self) -> Assistant:
        """Build the assistant (and the index, on first start) once; blocking."""
        if self._assistant is not None:
            return self._assistant
        with self._build_lock:
            if self._assistant is None:
                self._building = True
                try:
                    started = time.perf_counter()
                    assistant = self._factory(self.settings)
                    self.index_progress = IndexProgress()
                    summary = assistant.ensure_index(on_progress=self.index_progress.update)
                    if summary is not None:
                        log.warning("chat: first start, corpus indexed\n%s", summary.render())
                    if getattr(assistant, "behind", None):
                        log.warning("chat: %s", assistant.behind)
                    # One search warms everything the first question needs (the lexical
                    # index is built on first use, the embedding model's first call is slow).
                    assistant.retrieve("modèle socio-économique")
                    log.info("chat: assistant ready in %.1f s", time.perf_counter() - started)
                    self._assistant = assistant
                    self._error = None
                except Exception as exc:
                    self._error = f"{type(exc).__name__}: {exc}"
                    raise
                finally:
                    self._building = False
                    self.index_progress = None
        return self._assistant

    @property
    def ready(self) -> bool:
        return self._assistant is not None

    def status(self) -> dict[str, Any]:
        """Readiness for probes (blocking when ready: it counts the indexed passages)."""
        if self._assistant is not None:
            try:
                passages = self._assistant.store.count()
            except Exception as exc:
                return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
            if self.history.degraded:
                # Answers go on; the exchanges wait for the database (see .history).
                return {
                    "status": "dégradé",
                    "passages": passages,
                    "history": "base de l'historique injoignable",
                    "unsaved_writes": len(self.history.pending),
                }
            return {"status": "ready", "passages": passages}
        if self._error:
            return {"status": "error", "error": self._error}
        status: dict[str, Any] = {"status": "loading" if self._building else "idle"}
        progress = self.index_progress
        if progress is not None and progress.total:
            status["indexed"], status["passages"] = progress.done, progress.total
        return status

    def public_status(self) -> dict[str, str]:
        """What ``/assistant/health`` tells anyone, logged in or not: the state word only
        (« ready », « dégradé » while the history database is unreachable, « loading »,
        « idle », « error »). No passage count — it rose with
        every private upload, telling anyone that someone had uploaded something — and no
        error text (paths, hosts); the operator reads those in the log and with
        ``assistant index status``."""
        return {"status": str(self.status()["status"])}

    def warm_up(self) -> None:
        """Start building the assistant in the background (app start-up)."""

        def build() -> None:
            try:
                self.assistant()
            except Exception:
                log.exception("chat: the assistant could not be built")

        threading.Thread(target=build, name="assistant-warm-up", daemon=True).start()

    async def get_assistant(self) -> Assistant:
        return await self.run(self.assistant)

    # --- off the event loop -----------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    async def stream(
        self, question: str, history: list[Turn], detail: str, viewer: str | None = None
    ) -> AsyncIterator[str | Answer]:
        """``Assistant.stream`` as an async iterator; exceptions re-raised on the loop side."""
        assistant = await self.get_assistant()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            generator = assistant.stream(question, history, detail, viewer=viewer)
            try:
                for item in generator:
                    loop.call_soon_threadsafe(queue.put_nowait, item)
                    if stop.is_set():
                        break
            except BaseException as exc:
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                generator.close()
                loop.call_soon_threadsafe(queue.put_nowait, _DONE)

        future = loop.run_in_executor(self.executor, produce)
        pending: list = []
        try:
            while True:
                item = pending.pop(0) if pending else await queue.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, str):
                    # Deltas already waiting are sent together: fewer, larger socket messages.
                    while not queue.empty() and len(item) < MAX_BATCH_CHARS:
                        following = queue.get_nowait()
                        if not isinstance(following, str):
                            pending.append(following)
                            break
                        item += following
                yield item
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await asyncio.shield(future)

    # --- files --------------------------------------------------------------------
    def pdf_file(self, path: Path) -> StoredFile:
        """Store a cited PDF once (content-addressed); blocking, cached by size and mtime."""
        stat = path.stat()
        cache_key = (str(path), stat.st_size, stat.st_mtime_ns)
        object_key = self._pdf_keys.get(cache_key)
        if object_key is None:
            object_key = self.storage.put_file(path, "application/pdf")
            self._pdf_keys[cache_key] = object_key
        return StoredFile(object_key, self.storage.read_url(object_key))

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class RateLimiter:
    """At most ``limit`` events in any ``window_s`` seconds (one per session)."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._events: deque[float] = deque()

    def allow(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        while self._events and now - self._events[0] >= self.window_s:
            self._events.popleft()
        if len(self._events) >= self.limit:
            return False
        self._events.append(now)
        return True

    def retry_after(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        if not self._events:
            return 0.0
        return max(0.0, self.window_s - (now - self._events[0]))
