"""Named fault points for the crash tests: trace them, or SIGKILL the process at one.

The ingest and the store call :func:`fault` at each step where a crash must leave the
served index intact; the fault tests set the environment variables below. It lives apart
from both so that neither imports the other for it.
"""

from __future__ import annotations

import os
import signal

_fault_counts: dict[str, int] = {}


def fault(point: str) -> None:
    """A named point of the ingest, for the fault tests.

    ``ASSISTANT_FAULT_TRACE=FILE`` appends the point's name to FILE (flushed at once);
    ``ASSISTANT_FAULT_KILL_AT=point[:n]`` kills this process with SIGKILL the n-th time
    (default 1st) the point is reached. Unset (always, outside the tests): a dict lookup.
    """
    trace = os.environ.get("ASSISTANT_FAULT_TRACE")
    target = os.environ.get("ASSISTANT_FAULT_KILL_AT")
    if not trace and not target:
        return
    count = _fault_counts[point] = _fault_counts.get(point, 0) + 1
    if trace:
        with open(trace, "a", encoding="utf-8") as handle:
            handle.write(f"{point}:{count}\n")
            handle.flush()
            os.fsync(handle.fileno())
    if target:
        name, _, nth = target.partition(":")
        if name == point and count == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)
