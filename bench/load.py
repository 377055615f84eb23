"""Load test of the chat with real websocket clients: ``python -m bench.load``.

Starts ``assistant chat --headless`` on a free loopback port (its own data folder: a copy
of ``--index``'s Chroma folder, or a fresh ingest of the corpus), then opens ``--sessions``
concurrent Socket.IO sessions exactly as the page does (local mode: ``POST /auth/header``
for the cookie, then the ``/ws/socket.io`` handshake with a session id), and has each ask
``--questions`` questions one after the other. Measured per question: time to the first
answer token (``stream_start``/``stream_token``) and to the end of the answer
(``task_end``); per session: errors (error or notice messages, time-outs, refused
connections) and unexpected disconnects; for the server: event-loop lag, seen as the
latency of a trivial route (``/auth/config``) probed every 100 ms during the run, and the
chat process's peak RSS.

Bounded: loopback only (the URL must be 127.0.0.1/localhost/::1), at most 500 sessions,
``--timeout`` per answer and ``--deadline`` for the whole run; stops by itself.
Figures are printed and written as JSON (``--output``).

    python -m bench.load                      # 50 sessions × 2 questions, default mode
    python -m bench.load --sessions 100 --index .assistant-data
    python -m bench.load --url http://127.0.0.1:8000   # an already running local chat
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from harness.chat import start_chat, user_message
from harness.processes import ROOT, rss_mb

MAX_SESSIONS = 500
QUESTIONS = [
    "Quels sont les trois leviers d'un modèle socio-économique ?",
    "Qu'est-ce que l'hybridation des ressources ?",
    "Quel est le rôle des alliances stratégiques ?",
    "Comment les associations diversifient-elles leurs financements ?",
    "Que dit la note sur les richesses humaines ?",
    "What is the MOOC about?",
    "Quelle est la place des territoires ?",
    "Comment évaluer l'impact social d'une association ?",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Session:
    index: int
    first_token_s: list[float] = field(default_factory=list)
    full_answer_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    disconnects: int = 0
    connected: bool = False
    closed: bool = False


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


async def login(http, url: str) -> str:
    """Local mode: the header login sets the session cookie; returns the Cookie header."""
    response = await http.post(f"{url}/auth/header")
    response.raise_for_status()
    return "; ".join(f"{k}={v}" for k, v in response.cookies.items())


@dataclass
class Barrier:
    """All sessions connect before any asks, and stay until all are done: N held at once."""

    total: int
    connected: int = 0
    finished: int = 0
    all_connected: asyncio.Event = field(default_factory=asyncio.Event)
    all_finished: asyncio.Event = field(default_factory=asyncio.Event)

    def arrive(self) -> None:
        self.connected += 1
        if self.connected >= self.total:
            self.all_connected.set()

    def leave(self) -> None:
        self.finished += 1
        if self.finished >= self.total:
            self.all_finished.set()


async def run_session(
    state: Session,
    url: str,
    cookie: str,
    questions: int,
    timeout_s: float,
    gate: asyncio.Semaphore,
    barrier: Barrier,
) -> None:
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    events: asyncio.Queue = asyncio.Queue()
    finished = False

    @client.on("stream_start")  # carries the first token of a streamed message
    async def on_stream_start(data):
        if data.get("type") != "user_message" and data.get("output"):
            await events.put(("token", time.perf_counter()))

    @client.on("stream_token")
    async def on_token(data):
        if not data.get("isInput"):
            await events.put(("token", time.perf_counter()))

    @client.on("new_message")
    async def on_message(data):
        if data.get("type") == "run" and data.get("name") == "on_message":
            await events.put(("start", time.perf_counter()))  # our question's run
        metadata = data.get("metadata") or {}
        if data.get("isError") or data.get("name") == "Error" or metadata.get("kind") == "notice":
            await events.put(("error", str(data.get("output", ""))[:120]))

    @client.on("task_end")
    async def on_end(data=None):
        await events.put(("end", time.perf_counter()))

    @client.on("disconnect")
    async def on_disconnect(*args):
        if not finished:
            state.disconnects += 1
            await events.put(("disconnect", time.perf_counter()))

    auth = {
        "sessionId": str(uuid.uuid4()),
        "clientType": "webapp",
        "userEnv": "{}",
        "chatProfile": None,
        "threadId": None,
    }
    async with gate:  # connections are opened a few at a time, as users arrive
        try:
            await client.connect(
                url,
                socketio_path="/ws/socket.io",
                headers={"Cookie": cookie, "Origin": url},
                auth=auth,
                transports=["websocket"],
                wait_timeout=timeout_s,
            )
        except Exception as exc:
            state.errors.append(f"connect: {type(exc).__name__}: {exc}")
            barrier.arrive()
            barrier.leave()
            return
    state.connected = True
    arrived = False
    try:
        await client.emit("connection_successful")
        # The chat is ready once on_chat_start has run: two task_end events (the connection's
        # and on_chat_start's). Asking earlier would interleave their events with the answer's.
        ends, ready_by = 0, time.perf_counter() + timeout_s
        while ends < 2:
            try:
                kind, _ = await asyncio.wait_for(
                    events.get(), timeout=max(0.01, ready_by - time.perf_counter())
                )
            except TimeoutError:
                state.errors.append("chat start not finished")
                return
            ends += kind == "end"
        barrier.arrive()
        arrived = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(barrier.all_connected.wait(), timeout=timeout_s)
        await asyncio.sleep(random.random() * 0.5)  # users do not all type at once
        for number in range(questions):
            question = QUESTIONS[(state.index + number) % len(QUESTIONS)]
            payload = user_message(question)
            while not events.empty():
                events.get_nowait()  # late events of the chat start or the previous answer
            sent = time.perf_counter()
            await client.emit("client_message", payload)
            first: float | None = None
            started = False  # a task_end before our run belongs to on_chat_start
            deadline = sent + timeout_s
            while True:
                try:
                    kind, value = await asyncio.wait_for(
                        events.get(), timeout=max(0.01, deadline - time.perf_counter())
                    )
                except TimeoutError:
                    state.errors.append(f"no answer after {timeout_s:.0f} s")
                    return
                if kind == "start":
                    started = True
                elif kind == "token" and first is None:
                    first = value
                elif kind == "error":
                    state.errors.append(f"message: {value} ({question[:30]})")
                elif kind == "disconnect":
                    return
                elif kind == "end" and started:
                    if first is None:
                        state.errors.append(f"answer ended without any token ({question[:30]})")
                    else:
                        state.first_token_s.append(first - sent)
                        state.full_answer_s.append(value - sent)
                    break
            await asyncio.sleep(0.5 + random.random())  # a user reads before asking again
    finally:
        if not arrived:
            barrier.arrive()
        barrier.leave()
        # Stay connected until every session is done: all are held at the same time.
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(barrier.all_finished.wait(), timeout=timeout_s)
        finished = True
        with contextlib.suppress(Exception):
            await client.disconnect()
        state.closed = True


async def probe_lag(http, url: str, stop: asyncio.Event, samples: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            await http.get(f"{url}/auth/config")
            samples.append(time.perf_counter() - started)
        except Exception:
            samples.append(float("nan"))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.1)


async def client_lag(stop: asyncio.Event, samples: list[float]) -> None:
    """Lag of this load generator's own loop (to tell it apart from the server's)."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        samples.append(time.perf_counter() - started - 0.05)


async def drive(args, url: str, pid: int | None) -> dict:
    import httpx

    async with httpx.AsyncClient(timeout=30) as http:
        cookie = await login(http, url)
        sessions = [Session(i) for i in range(args.sessions)]
        gate = asyncio.Semaphore(args.connect_concurrency)
        barrier = Barrier(args.sessions)
        stop = asyncio.Event()
        lag: list[float] = []
        own_lag: list[float] = []
        peak_rss = 0.0
        probes = [
            asyncio.create_task(probe_lag(http, url, stop, lag)),
            asyncio.create_task(client_lag(stop, own_lag)),
        ]
        started = time.perf_counter()
        tasks = [
            asyncio.create_task(
                run_session(s, url, cookie, args.questions, args.timeout, gate, barrier)
            )
            for s in sessions
        ]
        held = 0  # sessions connected at the same time, at most
        try:
            pending = set(tasks)
            while pending:
                _, pending = await asyncio.wait(pending, timeout=0.5)
                held = max(held, sum(1 for s in sessions if s.connected and not s.closed))
                if pid:
                    peak_rss = max(peak_rss, rss_mb(pid))
                if time.perf_counter() - started > args.deadline:
                    for task in pending:
                        task.cancel()
                    for s in sessions:
                        s.errors.append("run deadline reached")
                    break
        finally:
            stop.set()
            await asyncio.gather(*probes, return_exceptions=True)
            await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.perf_counter() - started
    first = [v for s in sessions for v in s.first_token_s]
    full = [v for s in sessions for v in s.full_answer_s]
    lag_ok = [v for v in lag if v == v]

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    return {
        "sessions": args.sessions,
        "sessions_connected": sum(1 for s in sessions if s.connected),
        "sessions_held_at_once": held,
        "questions_per_session": args.questions,
        "answers": len(full),
        "answers_expected": args.sessions * args.questions,
        "errors": sum(len(s.errors) for s in sessions),
        "error_samples": sorted({e for s in sessions for e in s.errors})[:5],
        "disconnects": sum(s.disconnects for s in sessions),
        "first_token_p50_ms": ms(percentile(first, 0.5)),
        "first_token_p95_ms": ms(percentile(first, 0.95)),
        "full_answer_p50_ms": ms(percentile(full, 0.5)),
        "full_answer_p95_ms": ms(percentile(full, 0.95)),
        "full_answer_max_ms": ms(max(full) if full else None),
        "loop_lag_probe_p50_ms": ms(percentile(lag_ok, 0.5)),
        "loop_lag_probe_p95_ms": ms(percentile(lag_ok, 0.95)),
        "loop_lag_probe_max_ms": ms(max(lag_ok) if lag_ok else None),
        "loop_lag_probe_failures": len(lag) - len(lag_ok),
        "client_loop_lag_p95_ms": ms(percentile(own_lag, 0.95)),
        "server_peak_rss_mb": round(peak_rss, 1) if pid else None,
        "wall_s": round(wall, 1),
        "answers_per_s": round(len(full) / wall, 2) if wall else None,
        "cpu_cores": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2, help="questions per session")
    parser.add_argument("--url", help="an already running chat on loopback (local mode)")
    parser.add_argument("--index", type=Path, help="data folder whose index is copied")
    parser.add_argument("--timeout", type=float, default=120.0, help="per answer, seconds")
    parser.add_argument("--deadline", type=float, default=600.0, help="whole run, seconds")
    parser.add_argument("--connect-concurrency", type=int, default=10)
    parser.add_argument("--output", type=Path, default=Path("test-artifacts/load.json"))
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be between 1 and {MAX_SESSIONS}")
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        parser.error("loopback only: the URL must be 127.0.0.1, localhost or ::1")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    server = None
    work = None
    url = args.url.rstrip("/") if args.url else None
    try:
        if url is None:
            work = Path(tempfile.mkdtemp(prefix="chat-load-"))
            data_dir = work / "data"
            index = args.index or ROOT / ".assistant-data"
            if (index / "chroma").is_dir():
                shutil.copytree(index / "chroma", data_dir / "chroma")
            print("starting the chat on loopback …", file=sys.stderr)
            server = start_chat(
                args.output.with_suffix(".server.log"),
                timeout_s=600,
                ASSISTANT_DATA_DIR=str(data_dir),
                # One question per session per second at most: the limiter is not under test.
                ASSISTANT_RATE_LIMIT_PER_MINUTE="60",
            )
            url = server.url
        figures = asyncio.run(drive(args, url, server.process.pid if server else None))
    finally:
        if server is not None:
            server.stop()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    args.output.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    return figures


if __name__ == "__main__":  # pragma: no cover
    main()
