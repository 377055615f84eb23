"""The bridge between the shared assistant and asyncio: streaming, errors, limits."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from assistant.answer.answering import AnswerError
from assistant.chat.runtime import ChatRuntime, RateLimiter
from assistant.chat.storage import LocalStorageClient
from assistant.models import Answer
from tests.conftest import make_settings


class FakeStore:
    def count(self):
        return 42


class FakeAssistant:
    """Stands for Assistant: records the calls, streams words then the Answer."""

    builds = 0

    def __init__(self, settings):
        FakeAssistant.builds += 1
        self.threads: set[str] = set()
        self.closed = threading.Event()
        self.store = FakeStore()

    def ensure_index(self, on_progress=None):
        return None

    def retrieve(self, question, history=None):
        return None, None

    def stream(self, question, history, detail, viewer=None):
        if not question.strip():
            raise AnswerError("La question est vide. / The question is empty.")
        self.threads.add(threading.current_thread().name)
        try:
            for word in ["D'après ", "le ", "corpus ", "[1]"]:
                time.sleep(0.01)
                yield word
            yield Answer(question=question, answer=f"{detail}:{len(history)}")
        finally:
            self.closed.set()


@pytest.fixture
def runtime(tmp_path):
    FakeAssistant.builds = 0
    runtime = ChatRuntime(
        make_settings(tmp_path), LocalStorageClient(tmp_path / "f", "k" * 48), FakeAssistant
    )
    yield runtime
    runtime.close()


def test_stream_yields_deltas_then_the_answer_off_the_loop(runtime):
    async def scenario():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        task = asyncio.create_task(ticker())
        items = [item async for item in runtime.stream("Q ?", [], "full")]
        task.cancel()
        return items, ticks

    items, ticks = asyncio.run(scenario())
    # Deltas arrive as they are produced; ones already waiting may be sent together (a
    # loaded machine), so the text is checked whole and the streaming by count.
    assert "".join(items[:-1]) == "D'après le corpus [1]" and len(items[:-1]) >= 2
    assert items[-1].answer == "full:0"
    assert ticks >= 3  # the event loop kept running while the assistant worked
    assistant = runtime.assistant()
    assert assistant.threads and all(n.startswith("assistant") for n in assistant.threads)


def test_one_assistant_for_all_sessions(runtime):
    async def collect(question):
        return [item async for item in runtime.stream(question, [], "short")]

    async def scenario():
        return await asyncio.gather(*(collect(f"Q{i}") for i in range(3)))

    results = asyncio.run(scenario())
    assert FakeAssistant.builds == 1 and len(results) == 3
    assert runtime.status() == {"status": "ready", "passages": 42}


def test_errors_cross_to_the_loop(runtime):
    async def scenario():
        return [item async for item in runtime.stream("   ", [], "short")]

    with pytest.raises(AnswerError, match="vide"):
        asyncio.run(scenario())


def test_a_stopped_stream_closes_the_generator(runtime):
    async def scenario():
        async for _ in runtime.stream("Q ?", [], "short"):
            break

    asyncio.run(scenario())
    assert runtime.assistant().closed.wait(2)


def test_status_before_and_after(runtime):
    assert runtime.status() == {"status": "idle"}
    runtime.warm_up()
    deadline = time.monotonic() + 5
    while not runtime.ready and time.monotonic() < deadline:
        time.sleep(0.01)
    assert runtime.ready


def test_build_errors_are_reported(tmp_path):
    def broken(settings):
        raise RuntimeError("corpus introuvable")

    runtime = ChatRuntime(make_settings(tmp_path), LocalStorageClient(tmp_path, "k" * 48), broken)
    with pytest.raises(RuntimeError):
        runtime.assistant()
    assert runtime.status() == {"status": "error", "error": "RuntimeError: corpus introuvable"}
    runtime.close()


def test_rate_limiter():
    limiter = RateLimiter(3, window_s=60)
    assert [limiter.allow(now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.retry_after(now=3) == pytest.approx(57)
    assert limiter.allow(now=60.5)
