"""First start: from ``assistant chat`` in a fresh data folder to the first cited answer.

The chat is launched, and as soon as its page answers a Socket.IO client opens a session
exactly as the page does and asks one question; the time is taken from the launch to the
end of that answer. Every notice the chat shows meanwhile (the index being prepared, its
progress) is kept with its time, so the progress display is measured too.

    python -m bench.firststart                    # the shipped note, fresh data folder
    python -m bench.firststart --corpus ~/notes   # another corpus (nothing seeded)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

from harness.chat import start_chat, user_message

QUESTION = "Quels sont les trois leviers d'un modèle socio-économique ?"


async def ask_over_socket(url: str, question: str, timeout_s: float = 300) -> dict:
    """One session, one question. Times are ``time.perf_counter()`` values."""
    import httpx
    import socketio

    async with httpx.AsyncClient() as http:
        response = await http.post(f"{url}/auth/header")
        response.raise_for_status()
        cookie = "; ".join(f"{k}={v}" for k, v in response.cookies.items())

    client = socketio.AsyncClient(reconnection=False)
    events: asyncio.Queue = asyncio.Queue()
    notices: list[tuple[float, str]] = []
    answer = {"text": "", "first_token": None}

    def on_step(data) -> None:
        metadata = data.get("metadata") or {}
        output = str(data.get("output") or "")
        if metadata.get("kind") == "notice":
            notices.append((time.perf_counter(), output))
        elif data.get("type") == "assistant_message" and output:
            answer["text"] = output

    @client.on("new_message")
    async def on_new(data):
        on_step(data)
        if data.get("type") == "run" and data.get("name") == "on_message":
            await events.put("start")

    @client.on("update_message")
    async def on_update(data):
        on_step(data)

    @client.on("stream_token")
    async def on_token(data):
        if answer["first_token"] is None and not data.get("isInput"):
            answer["first_token"] = time.perf_counter()

    @client.on("task_end")
    async def on_end(data=None):
        await events.put("end")

    auth = {
        "sessionId": str(uuid.uuid4()),
        "clientType": "webapp",
        "userEnv": "{}",
        "chatProfile": None,
        "threadId": None,
    }
    await client.connect(
        url,
        socketio_path="/ws/socket.io",
        headers={"Cookie": cookie, "Origin": url},
        auth=auth,
        transports=["websocket"],
        wait_timeout=timeout_s,
    )
    try:
        await client.emit("connection_successful")
        ends = 0
        while ends < 2:  # the connection's and on_chat_start's task_end
            ends += await asyncio.wait_for(events.get(), timeout_s) == "end"
        sent = time.perf_counter()
        await client.emit("client_message", user_message(question))
        started = False
        while True:
            event = await asyncio.wait_for(events.get(), timeout_s)
            if event == "start":
                started = True
            elif event == "end" and started:
                break
        return {
            "sent": sent,
            "end": time.perf_counter(),
            "first_token": answer["first_token"],
            "answer": answer["text"],
            "notices": notices,
        }
    finally:
        await client.disconnect()


def _cpu_seconds(pid: int) -> float:
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_start(
    data_dir: Path,
    log_path: Path,
    *,
    question: str = QUESTION,
    command: list[str] | None = None,
    timeout_s: float = 600,
    **env: str | None,
) -> dict:
    """Launch the chat on ``data_dir`` (fresh), ask at once, stop it. Seconds from launch."""
    server = start_chat(
        log_path,
        command=command,
        wait_ready=False,
        poll_s=0.05,
        timeout_s=timeout_s,
        ASSISTANT_DATA_DIR=str(data_dir),
        **env,
    )
    try:
        result = asyncio.run(ask_over_socket(server.url, question, timeout_s))
        cpu_s = _cpu_seconds(server.process.pid)
    finally:
        server.stop()
    launched = server.started or 0.0
    return {
        "http_200_s": server.http_s,
        "first_answer_s": result["end"] - launched,
        "first_token_s": (result["first_token"] - launched) if result["first_token"] else None,
        "cpu_s": cpu_s,  # the chat process's CPU time up to the answer (load-independent)
        "cited": bool(re.search(r"\[\d+\]", result["answer"])),
        "answer_chars": len(result["answer"]),
        "notices": [(round(t - launched, 2), text) for t, text in result["notices"]],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.firststart", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: note)")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--no-seed", action="store_true", help="ignore the shipped vectors")
    args = parser.parse_args(argv)
    env: dict[str, str] = {}
    if args.corpus:
        env["ASSISTANT_CORPUS_DIR"] = str(args.corpus.resolve())
    if args.no_seed:
        env["ASSISTANT_EMBEDDING_SEED"] = "false"
    with tempfile.TemporaryDirectory(prefix="assistant-first-start-") as tmp:
        result = first_start(
            Path(tmp) / "data", Path(tmp) / "chat.log", question=args.question, **env
        )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return result


if __name__ == "__main__":
    sys.exit(0 if main().get("cited") else 1)
