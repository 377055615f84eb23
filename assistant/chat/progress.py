"""What the chat says while an index is being built: passages done out of the total and
the time left, for the first start's corpus index and for an upload alike."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


def duration_text(seconds: float) -> str:
    """« 45 s », « 3 min 05 s », « 1 h 02 min »."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress_text(done: int, total: int, seconds_left: float | None) -> str:
    """« 40/133 passages, environ 35 s restantes » (the time once something is done)."""
    text = f"{done}/{total} passages"
    if done >= total > 0:
        return text + ", enregistrement de l'index"
    if seconds_left is None:
        return text + ", estimation du temps restant…"
    return text + f", environ {duration_text(seconds_left)} restantes"


@dataclass
class IndexProgress:
    """The progress of one ingest, updated from its worker thread through
    ``update(done, total)`` (the ingest's ``on_progress``) and read from the event loop."""

    done: int = 0
    total: int = 0
    started: float | None = None  # when embedding began (the first report)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, done: int, total: int) -> None:
        with self._lock:
            if self.started is None:
                self.started = time.monotonic()
            self.done, self.total = done, total

    def seconds_left(self, now: float | None = None) -> float | None:
        """Elapsed time per passage so far × passages left; None before the first batch."""
        with self._lock:
            if self.started is None or self.done <= 0 or self.total <= 0:
                return None
            elapsed = (time.monotonic() if now is None else now) - self.started
            return elapsed / self.done * max(self.total - self.done, 0)

    def text(self) -> str | None:
        """The progress line, or None before the ingest knows its total."""
        if self.total <= 0:
            return None
        return progress_text(min(self.done, self.total), self.total, self.seconds_left())
