"""Limits (OWASP LLM10) with clear messages, and no secret in prompts, logs or errors (LLM02).

Limits: question length, history length, retrieved k, output tokens and time, upload size
and count, questions per session. Secrets: an API key given by the environment never shows
in the prompt, a log record, an exception, a warning or the CLI's output, even when the
provider echoes it back in an error.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.answer.answering import AnswerError, Assistant
from assistant.answer.guards import check_question
from assistant.ingest.indexing import ingest
from assistant.models import Turn
from assistant.safety import bounded, redact
from harness.processes import clean_env

from .conftest import ROOT, make_settings

KEY = "sk-test-Zq8VbN3xK7mP2wR9tY4uL6"
QUESTION = "Quel était le budget total de l'association en 2018 ?"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("limits")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "budget.md").write_text(
        "# Budget\n\nEn 2018, le budget total de l'association a atteint 310 000 euros.\n",
        encoding="utf-8",
    )
    settings = make_settings(base / "data", corpus)
    ingest(settings)
    return settings


def _with(settings, **changes):
    """A copy with ``changes``, validated like the environment's values."""
    return type(settings)(**{**settings.model_dump(), **changes}, _env_file=None)


# --- question, history, k -----------------------------------------------------------------
def test_question_length_is_limited_with_a_clear_message(index):
    assistant = Assistant(_with(index, max_question_chars=50))
    with pytest.raises(AnswerError, match=r"Question trop longue .*maximum 50"):
        assistant.answer("budget " * 20)
    with pytest.raises(AnswerError, match="vide"):
        assistant.answer("   ")


def test_history_is_cut_to_its_limits(index):
    settings = _with(index, max_history_turns=3)
    assistant = Assistant(settings)
    turns = [Turn(role="user", content="x" * 10_000)] + [
        Turn(role="assistant", content=f"tour {i}") for i in range(5)
    ]
    _, kept = check_question(QUESTION, turns, settings)
    assert [t.content for t in kept] == ["tour 2", "tour 3", "tour 4"]
    _, kept = check_question(QUESTION, turns[:1], settings)
    assert len(kept[0].content) == settings.max_turn_chars == 4000
    with pytest.raises(AnswerError, match="Historique trop long"):
        assistant.answer(QUESTION, [Turn(role="user", content="a")] * 500)
    with pytest.raises(AnswerError, match="Historique trop long"):
        assistant.answer(QUESTION, [Turn(role="user", content="a" * 200_000)])


def test_retrieved_k_is_bounded(index):
    assistant = Assistant(index)
    for k in (0, 10_000):
        with pytest.raises(AnswerError, match="passages demandé invalide"):
            assistant.retrieve(QUESTION, k=k)
    assert assistant.retrieve(QUESTION, k=3)[1].passages


def test_cli_reports_an_out_of_range_setting_in_one_line(index):
    done = _cli(index, "ask", QUESTION, ASSISTANT_TOP_K="500")
    assert done.returncode != 0
    assert "ASSISTANT_TOP_K" in done.stderr and "Traceback" not in done.stderr


# --- LLM output ------------------------------------------------------------------------------
class Endless(BaseChatModel):
    """A model that never stops talking (a runaway or adversarial provider)."""

    delay_s: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "endless"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="bla [1] "))])

    def _stream(
        self, messages, stop=None, run_manager=None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        while True:
            if self.delay_s:
                time.sleep(self.delay_s)
            yield ChatGenerationChunk(message=AIMessageChunk(content="bla [1] "))


def test_output_is_capped_in_characters(index):
    settings = _with(index, llm_max_tokens=16)
    answer = Assistant(settings, chat_model=Endless()).answer(QUESTION)
    assert len(answer.answer) <= 16 * 6
    assert any("tronquée" in w for w in answer.warnings)


def test_output_is_capped_in_time(index):
    settings = _with(index, llm_timeout_s=0.3, llm_max_retries=0)
    started = time.monotonic()
    answer = Assistant(settings, chat_model=Endless(delay_s=0.02)).answer(QUESTION)
    assert time.monotonic() - started < 5
    assert any("interrompue" in w for w in answer.warnings)


def test_bounded_closes_the_source():
    closed = []

    def source():
        try:
            while True:
                yield "abc"
        finally:
            closed.append(True)

    assert "".join(bounded(source(), 10, 60)) == "abcabcabca"
    assert closed == [True]


# --- chat limits (upload size and count, questions per session) ---------------------------
def test_upload_size_limit_has_a_clear_message(index, tmp_path):
    from assistant.chat.uploads import UploadRejected, check_upload

    big = tmp_path / "gros.txt"
    big.write_bytes(b"Texte. " * 200_000)
    with pytest.raises(UploadRejected, match=r"trop volumineux .*limite est de 1 Mo"):
        check_upload(big, "gros.txt", _with(index, max_upload_mb=1))


def test_upload_count_and_rate_limits_are_settings_with_messages(index, tmp_path):
    """The chat's own handlers, in a Chainlit context whose emitter records what the page
    would be sent (Chainlit's test stub, recording)."""
    import asyncio
    from types import SimpleNamespace

    import chainlit as cl
    from chainlit.context import init_http_context
    from chainlit.emitter import BaseChainlitEmitter

    from assistant.chat.datalayer import files_root
    from assistant.chat.handlers import ChatApp
    from assistant.chat.runtime import ChatRuntime, RateLimiter
    from assistant.chat.storage import LocalStorageClient

    said: list[str] = []

    class Recorder(BaseChainlitEmitter):
        async def send_step(self, step_dict):
            said.append(step_dict.get("output") or "")

    settings = _with(
        index, data_dir=tmp_path / "data", max_uploads_per_session=1, rate_limit_per_minute=2
    )
    storage = LocalStorageClient(files_root(settings), "secret " * 8)
    app = ChatApp(settings, None, storage, ChatRuntime(settings, storage))

    async def scenario() -> None:
        context = init_http_context()
        context.emitter = Recorder(context.session)
        current = app.state()
        current.uploads = 1  # this conversation has had its one file
        dropped = SimpleNamespace(name="notes.md", path=str(tmp_path / "notes.md"))
        await app.add_files([dropped], current)
        current.rate.allow(), current.rate.allow()  # two questions this minute
        await app.on_message(cl.Message(content="Quel est le budget ?"))

    asyncio.run(scenario())
    assert any(
        "n'est pas ajouté" in s and "limite de 1 fichiers par conversation" in s for s in said
    ), said
    assert any("réessayez dans" in s for s in said), said
    limiter = RateLimiter(3, window_s=60)
    assert [limiter.allow(now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.retry_after(now=3) == pytest.approx(57)
    assert limiter.allow(now=61)


# --- secrets ------------------------------------------------------------------------------------
class _EchoingProvider(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that refuses the key and quotes it back, as some do."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        body = json.dumps(
            {"error": {"message": f"Incorrect API key provided: {auth}", "type": "auth"}}
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def echoing_provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoingProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_api_key_never_reaches_logs_errors_or_answers(index, echoing_provider, caplog):
    settings = _with(
        index,
        llm_provider="openai",
        llm_model="gpt-test",
        llm_base_url=echoing_provider,
        llm_api_key=KEY,
        llm_max_retries=0,
        llm_timeout_s=5,
    )
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert KEY not in settings.model_dump_json()
    caplog.set_level(logging.DEBUG)
    assistant = Assistant(settings)
    answer = assistant.answer(QUESTION)
    assert answer.mode == "extractive" and answer.warnings  # fell back, said why
    assert "***" in answer.warnings[0]  # the echoed key was redacted
    everything = [answer.model_dump_json()]
    for record in caplog.records:
        everything.append(record.getMessage())
        if record.exc_info:
            everything.append(logging.Formatter().formatException(record.exc_info))
    assert not [text for text in everything if KEY in text or KEY[8:] in text]
    from assistant.answer.llm import build_messages

    messages = build_messages(settings, QUESTION, [], answer.retrieved, "short")
    assert all(KEY not in str(m.content) for m in messages)


def test_cli_never_prints_the_key(index, echoing_provider):
    done = _cli(
        index,
        "-v",
        "ask",
        QUESTION,
        ASSISTANT_LLM_PROVIDER="openai",
        ASSISTANT_LLM_MODEL="gpt-test",
        ASSISTANT_LLM_BASE_URL=echoing_provider,
        ASSISTANT_LLM_API_KEY=KEY,
        ASSISTANT_LLM_MAX_RETRIES="0",
    )
    assert done.returncode == 0, done.stderr
    assert "310 000" in done.stdout
    assert KEY not in done.stdout + done.stderr
    assert KEY[8:] not in done.stdout + done.stderr


def test_redact_removes_given_secrets_and_key_shapes():
    text = f"key={KEY} header=Bearer abcdefghijklmnop token=s3cr3t-t0k3n"
    cleaned = redact(text, ["s3cr3t-t0k3n"])
    assert KEY not in cleaned and "abcdefghijklmnop" not in cleaned and "s3cr3t" not in cleaned


def _cli(settings, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = clean_env(
        ASSISTANT_DATA_DIR=str(settings.data_dir),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
