"""Issue 12, items 8-14 and "also noticed": hostile input and unlucky operators get one clear
line and a non-zero exit code, never a traceback, and the index is never lost.

Each case builds its own situation in temporary folders: a full disk (a small tmpfs in a
private mount namespace), a symbolic-link loop, undecodable bytes in a question, a deeply
nested history, a data folder that is a file or read-only, an evaluation output that is a
file, a busy port.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT, make_settings

pytestmark = pytest.mark.slow  # CLI processes, a tmpfs, a chat start

BUDGET = "# Budget\n\nEn 2018, le budget total de l'association a atteint 310 000 euros.\n"


def _env(**extra: str) -> dict[str, str]:
    from harness.processes import clean_env

    return clean_env(**extra)


def _cli(*args, env: dict[str, str], timeout: float = 300, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=timeout,
        **kwargs,
    )


def _one_clear_line(result) -> str:
    err = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
    assert result.returncode not in (0, None), err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error:"), err
    return lines[-1]


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "budget.md").write_text(BUDGET, encoding="utf-8")
    return folder


# --- item 8: a full disk ----------------------------------------------------------------
def _private_tmpfs_available() -> str | None:
    if not shutil.which("unshare"):
        return "unshare is missing"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt && echo ok"],
        capture_output=True,
        text=True,
    )
    return None if probe.stdout.strip() == "ok" else "no private mount namespace here"


@pytest.mark.parametrize("left_kb", [64, 900])
def test_full_disk_during_ingest_is_one_line_and_the_index_survives(tmp_path, corpus, left_kb):
    """A tmpfs of 6 MB holds the data folder; after a first ingest it is filled up to
    ``left_kb`` KB (the copy fails, or Chroma's own writes fail), then a second ingest runs."""
    reason = _private_tmpfs_available()
    if reason:
        pytest.skip(reason)
    bigger = tmp_path / "ajouts"
    bigger.mkdir()
    for n in range(40):
        (bigger / f"note-{n:02d}.md").write_text(
            f"# Note {n}\n\n" + f"Le comité {n} a examiné le projet numéro {n * 7919}. " * 30,
            encoding="utf-8",
        )
    data = tmp_path / "data"
    data.mkdir()
    python = sys.executable
    script = f"""
set -u
mount -t tmpfs -o size=6m tmpfs {data} || exit 90
cd {ROOT}
{python} -m assistant.cli ingest -q > {tmp_path}/first.out 2> {tmp_path}/first.err || exit 91
free=$(df -k --output=avail {data} | tail -1)
fill=$(( free - {left_kb} ))
[ "$fill" -gt 0 ] && dd if=/dev/zero of={data}/filler bs=1k count=$fill 2>/dev/null
{python} -m assistant.cli ingest -q {bigger} > {tmp_path}/second.out 2> {tmp_path}/second.err
echo $? > {tmp_path}/second.rc
rm -f {data}/filler
{python} -m assistant.cli ask "Quel budget l'association a-t-elle atteint en 2018 ?" \
  > {tmp_path}/ask.out 2> {tmp_path}/ask.err
echo $? > {tmp_path}/ask.rc
ls {data}/chroma > {tmp_path}/generations
"""
    env = _env(ASSISTANT_DATA_DIR=str(data), ASSISTANT_CORPUS_DIR=str(corpus))
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], env=env, timeout=600)
    assert done.returncode == 0, (tmp_path / "first.err").read_text()
    second_err = (tmp_path / "second.err").read_text()
    assert (tmp_path / "second.rc").read_text().strip() != "0", second_err
    assert "Traceback" not in second_err, second_err
    assert "Disque plein" in second_err and "Mo libres" in second_err, second_err
    assert (tmp_path / "ask.rc").read_text().strip() == "0", (tmp_path / "ask.err").read_text()
    assert "310 000" in (tmp_path / "ask.out").read_text()
    generations = [
        g for g in (tmp_path / "generations").read_text().split() if g.startswith("gen-")
    ]
    assert len(generations) == 1, generations  # the aborted copy gave its space back


# --- item 9: a symbolic-link loop ---------------------------------------------------------
def test_symlink_loop_is_skipped_and_the_rest_indexed(tmp_path, corpus):
    (corpus / "boucle.md").symlink_to(corpus / "boucle2.md")
    (corpus / "boucle2.md").symlink_to(corpus / "boucle.md")
    (corpus / "soi.txt").symlink_to(corpus / "soi.txt")
    from assistant.ingest.indexing import ingest

    summary = ingest(make_settings(tmp_path / "data", corpus))
    assert summary.added == ["budget.md"]
    reasons = {s.source: s.reason for s in summary.skipped}
    assert set(reasons) == {"boucle.md", "boucle2.md", "soi.txt"}
    assert all("boucle de liens symboliques" in r for r in reasons.values())


# --- also noticed: an unreadable sub-folder -------------------------------------------------
def test_unreadable_subfolder_is_listed_as_skipped(tmp_path):
    """As root every folder is readable: the ingest then runs as « nobody »."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("setpriv is missing")
    base = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        base.chmod(0o777)
        corpus = base / "corpus"
        (corpus / "prive").mkdir(parents=True)
        (corpus / "budget.md").write_text(BUDGET, encoding="utf-8")
        (corpus / "prive" / "secret.md").write_text("# Secret\n\nTexte.\n", encoding="utf-8")
        for path in (corpus, corpus / "budget.md"):
            path.chmod(0o777 if path.is_dir() else 0o666)
        (corpus / "prive").chmod(0)
        data = base / "data"
        data.mkdir(mode=0o777)
        data.chmod(0o777)
        command = [sys.executable, "-m", "assistant.cli", "ingest", "-q"]
        env = _env(ASSISTANT_DATA_DIR=str(data), ASSISTANT_CORPUS_DIR=str(corpus))
        if os.geteuid() == 0:
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            # A checkout in a private folder (mktemp -d is 0700) cannot be run as nobody.
            probe = subprocess.run(
                [*nobody, sys.executable, "-c", "import assistant.cli"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            if probe.returncode != 0:
                pytest.skip("the checkout or its virtualenv is not readable by « nobody »")
            command = [*nobody, *command]
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        assert "1 ajouté(s)" in result.stdout
        assert "ignoré : prive — dossier illisible" in result.stdout, result.stdout
    finally:
        (base / "corpus" / "prive").chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


# --- item 10: undecodable bytes, lone surrogates --------------------------------------------
@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    from assistant.ingest.indexing import ingest

    base = tmp_path_factory.mktemp("indexed")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "budget.md").write_text(BUDGET, encoding="utf-8")
    settings = make_settings(base / "data", corpus)
    ingest(settings)
    return settings


def test_invalid_utf8_in_a_question_is_cleaned(indexed):
    env = _env(
        ASSISTANT_DATA_DIR=str(indexed.data_dir), ASSISTANT_CORPUS_DIR=str(indexed.corpus_dir)
    )
    question = b"Quel budget en 2018 ? \xff\xfe"
    result = _cli("ask", "--json", question, env=env)
    assert result.returncode == 0, result.stderr.decode()
    answer = json.loads(result.stdout)
    assert "310 000" in answer["answer"] and "\ufffd" in answer["question"]


def test_lone_surrogates_in_question_and_history(indexed, tmp_path):
    from assistant.answer.answering import Assistant
    from assistant.models import Turn

    history = tmp_path / "tours.json"
    history.write_text(
        '[{"role": "user", "content": "Le budget \\ud800 ?"},'
        ' {"role": "assistant", "content": "R\\udfff"}]',
        encoding="utf-8",
    )
    env = _env(
        ASSISTANT_DATA_DIR=str(indexed.data_dir), ASSISTANT_CORPUS_DIR=str(indexed.corpus_dir)
    )
    result = _cli("ask", "--history", str(history), "Et en 2018 ?", env=env)
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr.decode()
    assistant = Assistant(indexed)  # the chat's path: the same boundary
    try:
        turns = [Turn(role="user", content="Budget \ud800")]
        answer = assistant.answer("Quel budget en 2018 \udcff ?", turns)
        assert "310 000" in answer.answer
        answer.answer.encode("utf-8")
        answer.question.encode("utf-8")
    finally:
        assistant.store.close()


# --- item 11: a deeply nested history -------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[[1, 2]]", '"x"'],
)
def test_bad_history_files_are_one_line(indexed, tmp_path, content):
    history = tmp_path / "tours.json"
    history.write_text(content, encoding="utf-8")
    env = _env(
        ASSISTANT_DATA_DIR=str(indexed.data_dir), ASSISTANT_CORPUS_DIR=str(indexed.corpus_dir)
    )
    line = _one_clear_line(_cli("ask", "--history", str(history), "Et en 2018 ?", env=env))
    assert "Historique illisible" in line and len(line) < 400


# --- item 12: an unusable data folder --------------------------------------------------------
@pytest.mark.parametrize("kind", ["file", "proc", "read-only"])
@pytest.mark.parametrize("command", [["ingest", "-q"], ["ask", "Quel budget ?"]])
def test_unusable_data_folder_is_one_line(tmp_path, corpus, kind, command):
    if kind == "file":
        data = tmp_path / "data"
        data.write_text("pas un dossier")
    elif kind == "proc":
        data = Path("/proc/assistant-data")
    else:
        data = tmp_path / "ro"
        data.mkdir()
        data.chmod(stat.S_IRUSR | stat.S_IXUSR)
    env = _env(ASSISTANT_DATA_DIR=str(data), ASSISTANT_CORPUS_DIR=str(corpus))
    script = [sys.executable, "-m", "assistant.cli", *command]
    if kind == "read-only" and os.geteuid() == 0:
        # root writes anywhere: the folder is made read-only by a read-only bind mount.
        reason = _private_tmpfs_available()
        if reason:
            pytest.skip(reason)
        inner = " ".join(f"'{part}'" for part in script)
        script = ["unshare", "-rm", "sh", "-c", f"mount --bind -o ro {data} {data} && {inner}"]
    result = subprocess.run(script, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    line = _one_clear_line(result)
    assert "ASSISTANT_DATA_DIR" in line and str(data) in line


# --- item 13: eval --output on an existing file ------------------------------------------------
def test_eval_output_is_checked_before_the_run(tmp_path, corpus):
    target = tmp_path / "rapport"
    target.write_text("déjà là")
    golden = tmp_path / "golden.jsonl"
    golden.write_text(
        json.dumps({"id": "q1", "question": "Quel budget en 2018 ?", "answerable": True}) + "\n"
    )
    env = _env(ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_CORPUS_DIR=str(corpus))
    result = _cli("eval", "--set", str(golden), "--output", str(target), "-q", env=env, timeout=60)
    line = _one_clear_line(result)
    assert "--output" in line and str(target) in line
    assert not (tmp_path / "data" / "chroma").exists()  # refused before any work
    assert target.read_text() == "déjà là"


# --- item 14: the chat's port and host ---------------------------------------------------------
def test_chat_on_a_busy_port_exits_non_zero(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = _env(ASSISTANT_DATA_DIR=str(tmp_path / "data"))
        result = _cli("chat", "--headless", "--port", str(port), env=env, timeout=120)
    line = _one_clear_line(result)
    assert str(port) in line and "utilisé" in line
    assert "Chat sur" not in result.stderr.decode()  # no banner for a chat that never ran


@pytest.mark.parametrize("host", ["[::1]", "::1"])
def test_chat_ipv6_host_is_shown_and_resolved(host):
    from assistant.chat.launch import bind_host, display_url

    assert bind_host(host) == "::1"
    assert display_url(host, 8000) == "http://[::1]:8000"
    assert display_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert display_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"


# --- also noticed: long questions through standard input ------------------------------------
@pytest.mark.parametrize("how", [["-"], ["--stdin"]])
def test_question_from_standard_input(indexed, how):
    env = _env(
        ASSISTANT_DATA_DIR=str(indexed.data_dir), ASSISTANT_CORPUS_DIR=str(indexed.corpus_dir)
    )
    question = b"Quel budget l'association a-t-elle atteint en 2018 ?"
    result = _cli("ask", *how, input=question, env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "310 000" in result.stdout.decode()
    # Past Linux's 128 KiB cap on one argument: the same limit and message as an argument.
    huge = ("budget " * 40_000).encode()
    line = _one_clear_line(_cli("ask", *how, input=huge, env=env))
    assert "Question trop longue" in line
