"""The chat driven as its page drives it: HTTP (login, thread list, thread, feedback,
elements, uploads) and the Socket.IO session (new or resumed conversation, questions,
answers with their elements). Shared by the replica tests and ``bench/replicas.py``.

One :class:`Browser` is one browser: its cookies (the session cookie, the proxy's sticky
cookie) go with every HTTP request and with the socket's handshake.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from harness.chat import user_message

SOCKET_PATH = "/ws/socket.io"


class ChatClientError(RuntimeError):
    """The chat did not do what a page expects (refused, silent, an error message)."""


@dataclass
class Reply:
    """One question's outcome, as the page shows it."""

    question: str
    answer: dict[str, Any]  # the answer message (new_message merged with its updates)
    elements: list[dict[str, Any]]  # elements sent for the answer (cited passages, PDFs)
    messages: list[dict[str, Any]]  # every message of the run (uploads, notices…)
    first_token_s: float | None
    total_s: float

    @property
    def thread_id(self) -> str:
        return self.answer["threadId"]

    @property
    def citations(self) -> list[dict[str, Any]]:
        return (self.answer.get("metadata") or {}).get("citations") or []


class Browser:
    """Cookies and HTTP calls of one browser on ``base_url`` (a replica or the proxy)."""

    def __init__(self, base_url: str, timeout_s: float = 60) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout_s)
        self.replicas: list[str] = []  # X-Assistant-Replica of each answer (behind the proxy)

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    def pin(self, route: str) -> None:
        """Set the proxy's sticky cookie (tests choose the replica a browser lands on)."""
        self.http.cookies.set("assistant_replica", route)

    def keep_login(self, cookies: dict[str, str]) -> None:
        """Carry another browser's login cookies over (not its sticky cookie)."""
        for name, value in cookies.items():
            if name != "assistant_replica":
                self.http.cookies.set(name, value)

    def _seen(self, response) -> None:
        replica = response.headers.get("x-assistant-replica")
        if replica:
            # « a, b » when nginx tried a (down) before b: the last one answered.
            self.replicas.append(replica.split(",")[-1].strip())

    async def request(self, method: str, path: str, **kwargs):
        response = await self.http.request(method, path, **kwargs)
        self._seen(response)
        return response

    async def login(self, name: str, password: str) -> None:
        response = await self.request(
            "POST", "/login", data={"username": name, "password": password}
        )
        if response.status_code != 200:
            raise ChatClientError(
                f"login {name}: HTTP {response.status_code} {response.text[:200]}"
            )

    async def threads(self) -> list[dict]:
        body = {"pagination": {"first": 50, "cursor": None}, "filter": {}}
        response = await self.request("POST", "/project/threads", json=body)
        response.raise_for_status()
        return response.json()["data"]

    async def thread(self, thread_id: str) -> dict:
        response = await self.request("GET", f"/project/thread/{thread_id}")
        response.raise_for_status()
        return response.json()

    async def element(self, thread_id: str, element_id: str) -> dict:
        response = await self.request("GET", f"/project/thread/{thread_id}/element/{element_id}")
        response.raise_for_status()
        return response.json()

    async def wait_for_step(self, thread_id: str, step_id: str, timeout_s: float = 20) -> dict:
        """The thread once ``step_id`` is stored in it (Chainlit writes messages to the
        database in background tasks, after they are shown)."""
        deadline = time.monotonic() + timeout_s
        while True:
            response = await self.request("GET", f"/project/thread/{thread_id}")
            if response.status_code == 200:
                thread = response.json()
                if any(s["id"] == step_id for s in thread.get("steps") or []):
                    return thread
            if time.monotonic() > deadline:
                raise ChatClientError(f"message {step_id} not stored after {timeout_s:.0f} s")
            await asyncio.sleep(0.1)

    async def feedback(self, for_id: str, value: int, comment: str | None = None) -> str:
        body = {
            "feedback": {"forId": for_id, "value": value, "comment": comment},
            "sessionId": str(uuid.uuid4()),
        }
        response = await self.request("PUT", "/feedback", json=body)
        response.raise_for_status()
        return response.json()["feedbackId"]

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())

    async def session(
        self,
        thread_id: str | None = None,
        timeout_s: float = 60,
        transports: tuple[str, ...] = ("websocket",),
        profile: str | None = None,
    ) -> ChatSession:
        """A connected chat session: a new conversation, or ``thread_id`` resumed.
        ``transports=("polling",)``: Socket.IO's long polling, one HTTP request per
        exchange (what a page falls back to when websockets are blocked)."""
        session = ChatSession(self, thread_id, profile=profile)
        await session.connect(timeout_s, list(transports))
        return session


@dataclass
class ChatSession:
    browser: Browser
    thread_id: str | None = None
    profile: str | None = None  # a chat profile (« Formateur·rice »), as the page sends it
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    resumed: dict | None = None  # the thread the server sent back on resume
    client: Any = None
    http: Any = None
    transport_sid: str | None = None
    events: asyncio.Queue = field(default_factory=asyncio.Queue)
    toasts: list[dict] = field(default_factory=list)  # notices the page shows a moment

    async def connect(self, timeout_s: float, transports: list[str]) -> None:
        import aiohttp
        import socketio

        # Long polling sends one HTTP request per exchange, each with the browser's
        # cookies (the proxy's sticky cookie among them). The Socket.IO client sends the
        # given headers with its handshake only, and aiohttp's cookie jar ignores cookies
        # of an IP address: its HTTP session carries them on every request instead.
        cookie = self.browser.cookie_header()
        self.http = aiohttp.ClientSession(headers={"Cookie": cookie})
        client = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.client = client
        queue = self.events

        for name in ("new_message", "update_message", "element", "resume_thread"):
            client.on(name, _forward(queue, name))
        client.on("task_end", _forward(queue, "task_end"))
        client.on("resume_thread_error", _forward(queue, "resume_thread_error"))
        client.on("stream_start", _forward(queue, "stream_start"))
        client.on("stream_token", _forward(queue, "stream_token"))
        client.on("disconnect", _forward(queue, "disconnect"))
        client.on("toast", lambda data=None, *args: self.toasts.append(data))
        auth = {
            "sessionId": self.id,
            "clientType": "webapp",
            "userEnv": "{}",
            "chatProfile": quote(self.profile) if self.profile else None,
            "threadId": self.thread_id,
        }
        try:
            await client.connect(
                self.browser.base_url,
                socketio_path=SOCKET_PATH,
                headers={"Cookie": cookie, "Origin": self.browser.base_url},
                auth=auth,
                transports=transports,
                wait_timeout=timeout_s,
            )
        except Exception as exc:
            await self.close()
            raise ChatClientError(f"socket refused: {type(exc).__name__}: {exc}") from None
        self.transport_sid = client.eio.sid  # Engine.IO's id, in every polling request
        await client.emit("connection_successful")
        # Ready when the server is done with the connection: a new chat sends two
        # task_end (the connection's, on_chat_start's), a resumed one its thread.
        ends = 0
        deadline = time.monotonic() + timeout_s
        while True:
            kind, data, _ = await self._next(deadline, "chat start")
            if kind == "resume_thread":
                self.resumed = data
                return
            if kind == "resume_thread_error":
                raise ChatClientError(f"resume refused: {data}")
            if kind == "task_end":
                ends += 1
                if ends >= 2 and self.thread_id is None:
                    return

    async def _next(self, deadline: float, what: str) -> tuple[str, Any, float]:
        try:
            kind, data, at = await asyncio.wait_for(
                self.events.get(), timeout=max(0.01, deadline - time.monotonic())
            )
        except TimeoutError:
            raise ChatClientError(f"{what}: nothing from the server in time") from None
        if kind == "disconnect":
            raise ChatClientError(f"{what}: disconnected")
        return kind, data, at

    async def upload(self, path: Path, mime: str) -> dict:
        """Attach a file to this session (the page's paper clip); its file reference."""
        with path.open("rb") as handle:
            response = await self.browser.request(
                "POST",
                "/project/file",
                params={"session_id": self.id},
                files={"file": (path.name, handle, mime)},
            )
        if response.status_code != 200:
            raise ChatClientError(f"upload: HTTP {response.status_code} {response.text[:200]}")
        return {"id": response.json()["id"]}

    async def ask(
        self, question: str, files: list[dict] | None = None, timeout_s: float = 180
    ) -> Reply:
        """Send a message as the page does; wait for the end of its run."""
        while not self.events.empty():
            self.events.get_nowait()
        payload = user_message(question, self.thread_id or "", files)
        sent = time.perf_counter()
        await self.client.emit("client_message", payload)
        messages: dict[str, dict] = {}
        elements: list[dict] = []
        first: float | None = None
        started = False
        deadline = time.monotonic() + timeout_s
        while True:
            kind, data, at = await self._next(deadline, f"answer to {question[:40]!r}")
            if kind in {"new_message", "update_message"}:
                if data.get("type") == "run" and data.get("name") == "on_message":
                    started = True
                messages.setdefault(data["id"], {}).update(data)
            elif kind == "stream_start":
                messages.setdefault(data["id"], {}).update(data)
                if data.get("type") == "assistant_message" and data.get("output"):
                    first = first or at
            elif kind == "stream_token" and not data.get("isInput"):
                first = first or at
            elif kind == "element":
                elements.append(data)
            elif kind == "task_end" and started:
                break
        done = time.perf_counter()
        answers = [
            m for m in messages.values() if (m.get("metadata") or {}).get("kind") == "answer"
        ]
        errors = [
            m
            for m in messages.values()
            if m.get("isError") or (m.get("metadata") or {}).get("kind") == "notice"
        ]
        if errors or not answers:
            shown = [str(m.get("output", ""))[:200] for m in errors or messages.values()]
            raise ChatClientError(f"no answer to {question[:40]!r}: {shown}")
        answer = answers[-1]
        self.thread_id = answer.get("threadId") or self.thread_id
        mine = [e for e in elements if e.get("forId") == answer["id"]]
        return Reply(
            question,
            answer,
            mine,
            list(messages.values()),
            None if first is None else first - sent,
            done - sent,
        )

    async def exchange(self, text: str, timeout_s: float = 180) -> list[dict[str, Any]]:
        """Send a message; every message the run shows (answers, sheets, notices), in
        order, once it ends — for runs that are not one answer (a session sheet)."""
        while not self.events.empty():
            self.events.get_nowait()
        await self.client.emit("client_message", user_message(text, self.thread_id or ""))
        messages: dict[str, dict] = {}
        started = False
        deadline = time.monotonic() + timeout_s
        while True:
            kind, data, _ = await self._next(deadline, f"run of {text[:40]!r}")
            if kind in {"new_message", "update_message", "stream_start"}:
                if data.get("type") == "run" and data.get("name") == "on_message":
                    started = True
                messages.setdefault(data["id"], {}).update(data)
            elif kind == "task_end" and started:
                break
        return [m for m in messages.values() if m.get("type") == "assistant_message"]

    async def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.disconnect()
        if self.http is not None:
            await self.http.close()


def _forward(queue: asyncio.Queue, name: str):
    async def handler(data=None, *args):
        await queue.put((name, data, time.perf_counter()))

    return handler
