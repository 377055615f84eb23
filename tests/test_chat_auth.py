"""Who may use the chat: password users, the loopback-only local mode, the session secret."""

from __future__ import annotations

import stat

import bcrypt
import pytest
from click.testing import CliRunner

from assistant.chat.auth import (
    AuthConfigError,
    bind_refusal,
    hash_password,
    host_of,
    is_loopback,
    parse_users,
    session_secret,
)
from tests.conftest import make_settings

HASH = bcrypt.hashpw(b"correct horse", bcrypt.gensalt(rounds=4)).decode()


def test_users_from_the_environment_and_from_a_file(tmp_path):
    users = parse_users(f"alice:{HASH}, bob:{HASH}")
    assert set(users.hashes) == {"alice", "bob"}
    file = tmp_path / "users"
    file.write_text(f"# utilisateurs du chat\nalice:{HASH}\n\n", "utf-8")
    assert set(parse_users(f"@{file}").hashes) == {"alice"}


def test_password_check():
    users = parse_users(f"alice:{HASH}")
    assert users.verify("alice", "correct horse")
    assert users.verify(" alice ", "correct horse")
    assert not users.verify("alice", "wrong")
    assert not users.verify("mallory", "correct horse")
    assert not users.verify("", "")


def test_long_passwords_work_both_ways():
    long = "é" * 100  # 200 bytes: past bcrypt's 72
    users = parse_users(f"alice:{hash_password(long)}")
    assert users.verify("alice", long)


@pytest.mark.parametrize(
    "spec",
    ["alice", "alice:plaintext", ":$2b$12$abc", "@/nonexistent/users-file", "  ,  "],
)
def test_bad_users_definitions_are_refused(spec):
    with pytest.raises(AuthConfigError):
        parse_users(spec)


def test_no_definition_means_local_mode():
    assert parse_users(None) is None and parse_users("  ") is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("chat.example.org", False),
        ("", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("header", "host"),
    [("localhost:8000", "localhost"), ("[::1]:8000", "::1"), ("127.0.0.1", "127.0.0.1")],
)
def test_host_of(header, host):
    assert host_of(header) == host


def test_local_mode_only_on_loopback(tmp_path):
    settings = make_settings(tmp_path)
    assert bind_refusal("127.0.0.1", settings) is None
    message = bind_refusal("0.0.0.0", settings)
    assert message and "ASSISTANT_AUTH" in message
    with_users = make_settings(tmp_path, auth=f"alice:{HASH}")
    assert bind_refusal("0.0.0.0", with_users) is None


def _replica_secret(settings, barrier, results) -> None:
    barrier.wait()
    results.put(session_secret(settings))


def test_replicas_starting_together_share_one_generated_secret(tmp_path):
    """Replicas sharing a data folder without ASSISTANT_AUTH_SECRET: whichever creates the
    secret first, every one signs with it (else a cookie of one is refused by the other).
    Processes released together, several rounds: each round a new data folder."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for round_ in range(5):
        settings = make_settings(tmp_path / f"data-{round_}")
        barrier, results = context.Barrier(6), context.Queue()
        processes = [
            context.Process(target=_replica_secret, args=(settings, barrier, results))
            for _ in range(6)
        ]
        for process in processes:
            process.start()
        seen = {results.get(timeout=30) for _ in processes}
        for process in processes:
            process.join(timeout=30)
        assert len(seen) == 1, f"round {round_}: {len(seen)} different secrets"
        assert (settings.data_dir / "chat-secret").read_text("utf-8") == seen.pop()
        assert not [p for p in settings.data_dir.iterdir() if p.name.endswith(".tmp")]
    (settings.data_dir / "chat-secret").write_text("court", encoding="utf-8")  # truncated
    replaced = session_secret(settings)
    assert len(replaced) >= 32 and session_secret(settings) == replaced


def test_session_secret_is_generated_once_and_private(tmp_path):
    settings = make_settings(tmp_path / "data")
    first = session_secret(settings)
    assert len(first) >= 32 and session_secret(settings) == first
    mode = (tmp_path / "data" / "chat-secret").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    configured = make_settings(tmp_path / "data", auth_secret="x" * 40)
    assert session_secret(configured) == "x" * 40


def test_cli_refuses_a_public_address_without_users(monkeypatch, tmp_path):
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["chat", "--host", "0.0.0.0", "--headless"])
    assert result.exit_code != 0
    assert "ASSISTANT_AUTH" in result.output and "Traceback" not in result.output


def test_cli_refuses_a_broken_users_definition(monkeypatch, tmp_path):
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_AUTH", "alice:not-a-hash")
    result = CliRunner().invoke(main, ["chat", "--headless"])
    assert result.exit_code != 0 and "nom:hash_bcrypt" in result.output


def test_login_throttle():
    from assistant.chat.auth import LoginThrottle

    throttle = LoginThrottle(attempts=3, window_s=60, max_names=2)
    for t in (0, 1, 2):
        assert not throttle.blocked("alice", now=t)
        throttle.failed("alice", now=t)
    assert throttle.blocked("alice", now=3)
    assert not throttle.blocked("bob", now=3)
    assert not throttle.blocked("alice", now=62.5)  # the window has passed
    throttle.succeeded("alice")
    assert not throttle.blocked("alice", now=4)
    for name in ("x", "y", "z"):  # bounded memory
        throttle.failed(name, now=5)
    assert len(throttle._failures) <= 3


@pytest.mark.parametrize("blank", ["   ", "", "\t\n"])
def test_a_blank_users_definition_is_local_mode_everywhere(tmp_path, blank):
    """Issue 12 item 1: blanks yield no user, so they are refused off loopback like unset."""
    settings = make_settings(tmp_path, auth=blank)
    assert parse_users(settings.auth) is None
    assert bind_refusal("0.0.0.0", settings) is not None
    assert bind_refusal("127.0.0.1", settings) is None


def test_cli_refuses_a_blank_users_definition_on_a_public_address(tmp_path):
    """Issue 12 item 1, end to end: `ASSISTANT_AUTH='   ' assistant chat --host 0.0.0.0`
    exits at once with one line; it used to serve a no-login chat on every interface."""
    import subprocess
    import sys

    from harness.processes import clean_env, free_port

    env = clean_env(ASSISTANT_DATA_DIR=str(tmp_path), ASSISTANT_AUTH="   ")
    command = [sys.executable, "-m", "assistant.cli", "chat", "--headless"]
    command += ["--host", "0.0.0.0", "--port", str(free_port())]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the chat started on 0.0.0.0 without any user")
    assert result.returncode != 0
    assert "ASSISTANT_AUTH" in result.stderr and "Traceback" not in result.stderr
    assert "connexion par mot de passe" not in result.stderr
