"""Issue 21: every command, setting and path argument against hostile kinds of input.

A table drives it: each row is a command line (and its environment) in which one setting or
argument is made hostile — empty, blank, a file where a folder is expected and the reverse,
read-only, an uncreatable parent, a symbolic-link loop, ``/dev/zero``, a FIFO, a huge file,
deeply nested JSON, a lone surrogate, zero-width characters. Each must end in ONE line on
stderr and a non-zero exit, never a traceback, never a hang (a bounded read) — in process,
through click's runner, so the whole table runs in seconds.

The fixtures build the hostile things in a temporary folder; the shipped corpus, indexed
once per session (``reference_index``), serves the rows that need an index.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main

from .conftest import make_settings

HUGE_BYTES = 64 * 1024 * 1024  # a sparse file: huge to a reader, no disk used


def _deep_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """A folder of hostile things, the working directory of the command (never the
    checkout: an empty path must not reach it), and XDG_DATA_HOME inside it."""
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "a-file").write_text("pas un dossier\n", encoding="utf-8")
    (root / "a-folder").mkdir()
    (root / "loop").symlink_to(root / "loop")
    os.mkfifo(root / "fifo")
    (root / "zero").symlink_to("/dev/zero")
    with (root / "huge.json").open("wb") as handle:
        handle.truncate(HUGE_BYTES)
    (root / "deep.json").write_text(_deep_json(), encoding="utf-8")
    (root / "deep.jsonl").write_text(_deep_json() + "\n", encoding="utf-8")
    readonly = root / "read-only"
    readonly.mkdir()
    (readonly / "inside").mkdir()
    readonly.chmod(stat.S_IRUSR | stat.S_IXUSR)
    (root / "noext").write_text("un fichier sans extension\n", encoding="utf-8")
    work = tmp_path / "cwd"
    work.mkdir()
    (work / "secrets.txt").write_text("Le mot de passe est hunter2.\n", encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    yield root
    readonly.chmod(stat.S_IRWXU)


class Hung(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: int):
    """A command that blocks (a FIFO read) fails the test instead of hanging the suite."""

    def expire(*_):
        raise Hung(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(args: list[str], env: dict[str, str] | None = None, stdin: bytes | None = None):
    with deadline(120):
        result = CliRunner().invoke(main, args, env=env or {}, input=stdin)
    if isinstance(result.exception, Hung):
        raise result.exception
    return result


def one_clear_line(result) -> str:
    """Non-zero, no traceback (the runner keeps an escaped exception), one line said."""
    output = result.output
    assert result.exit_code not in (0, None), output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"escaped: {result.exception!r}\n{output}") from result.exception
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, "nothing said"
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1, output
    return errors[0]


# --- class 7: blank settings are unset, through one validator ------------------------------
@pytest.mark.parametrize(
    "name", ["ASSISTANT_CORPUS_DIR", "ASSISTANT_DATA_DIR", "ASSISTANT_EMBEDDING_MODEL"]
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_setting_means_unset(hostile, monkeypatch, name, blank):
    from assistant.settings import Settings

    default = Settings(_env_file=None)
    monkeypatch.setenv(name, blank)
    settings = Settings(_env_file=None)
    field = name.removeprefix("ASSISTANT_").lower()
    assert getattr(settings, field) == getattr(default, field)
    assert getattr(settings, field) not in (Path(""), Path("."), "")


def test_a_blank_corpus_dir_never_indexes_the_current_folder(hostile, tmp_path):
    data = tmp_path / "data"
    result = run(
        ["ingest", "-q"], env={"ASSISTANT_CORPUS_DIR": "", "ASSISTANT_DATA_DIR": str(data)}
    )
    assert result.exit_code == 0, result.output
    assert "secrets.txt" not in result.output
    assert not (Path.cwd() / "chroma").exists()


@pytest.mark.parametrize("value", ["a\x00b", "\ud800"])
@pytest.mark.parametrize("name", ["ASSISTANT_CORPUS_DIR", "ASSISTANT_DATA_DIR"])
def test_an_impossible_path_setting_is_one_line(hostile, name, value):
    # A NUL byte cannot go through the environment: the same validator sees it as an
    # override (a .env value), which is the path the environment takes too.
    from pydantic import ValidationError

    from assistant.settings import Settings

    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **{name.removeprefix("ASSISTANT_").lower(): value})
    assert name in str(caught.value)


EMPTY_PATH_ROWS = [
    ["ingest", ""],
    ["ingest", "   "],
    ["ask", "--history", "", "Quel budget ?"],
    ["eval", "--set", ""],
    ["eval", "--output", ""],
    ["eval", "--baseline", "  "],
    ["eval", "export-feedback", "--output", ""],
    ["fiche", "12e jour", "--output", ""],
]


@pytest.mark.parametrize("args", EMPTY_PATH_ROWS, ids=" ".join)
def test_an_empty_path_argument_is_one_line(hostile, tmp_path, args):
    # ``Path("")`` is the current folder: ``ingest ""`` indexed it, ``--output ""`` wrote there.
    line = one_clear_line(run(args, env={"ASSISTANT_DATA_DIR": str(tmp_path / "data")}))
    assert "vide" in line and "empty" in line
    assert not (tmp_path / "data").exists()  # refused before any work


# --- an index to be hostile with -----------------------------------------------------------
BUDGET = "# Budget\n\nEn 2018, le budget total de l'association a atteint 310 000 euros.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small corpus indexed once (two generations: CURRENT has a previous)."""
    from assistant.ingest.indexing import ingest

    base = tmp_path_factory.mktemp("built")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "budget.md").write_text(BUDGET, encoding="utf-8")
    settings = make_settings(base / "data", corpus)
    ingest(settings)
    (corpus / "budget.md").write_text(BUDGET + "\nLe conseil se réunit quatre fois.\n", "utf-8")
    ingest(settings)
    return base


@pytest.fixture
def index(built, tmp_path):
    """A private copy of the built index: (data folder, corpus folder, environment)."""
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(built / "data", data, symlinks=True)
    shutil.copytree(built / "corpus", corpus)
    env = {"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(corpus)}
    return data, corpus, env


def generations_of(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "chroma").iterdir() if p.name.startswith("gen-"))


# --- class 6: pointer and manifest files, bounded and regular --------------------------------
def _make_pointer(data: Path, kind: str) -> None:
    pointer = data / "chroma" / "CURRENT"
    pointer.unlink()
    if kind == "/dev/zero":
        pointer.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(pointer)
    elif kind == "huge":
        with pointer.open("wb") as handle:
            handle.truncate(HUGE_BYTES)
    elif kind == "symlink loop":
        pointer.symlink_to(pointer)


POINTER_KINDS = ["/dev/zero", "fifo", "huge", "symlink loop"]


@pytest.mark.parametrize("kind", POINTER_KINDS)
def test_a_hostile_pointer_fails_verify_in_one_line(index, kind):
    data, _corpus, env = index
    _make_pointer(data, kind)
    line = one_clear_line(run(["index", "verify"], env=env))
    assert "pointeur" in line


@pytest.mark.parametrize("kind", POINTER_KINDS)
def test_a_hostile_pointer_is_a_warning_in_status_and_ask_still_answers(index, kind):
    data, _corpus, env = index
    _make_pointer(data, kind)
    status = run(["index", "status"], env=env)
    assert status.exit_code == 0 and "attention : pointeur" in status.output, status.output
    answer = run(["ask", "Quel budget en 2018 ?"], env=env)
    assert answer.exit_code == 0, answer.output
    assert "310 000" in answer.output


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "huge"])
def test_a_hostile_manifest_is_read_bounded(index, kind):
    data, _corpus, env = index
    current = json.loads((data / "chroma" / "CURRENT").read_text("utf-8"))["current"]
    manifest = data / "chroma" / current / "generation.json"
    manifest.unlink()
    if kind == "/dev/zero":
        manifest.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(manifest)
    else:
        with manifest.open("wb") as handle:
            handle.truncate(HUGE_BYTES)
    status = run(["index", "status"], env=env)
    assert status.exit_code == 0 and "Traceback" not in status.output, status.output
    assert run(["ask", "Quel budget en 2018 ?"], env=env).exit_code == 0


def test_verify_fails_when_current_names_a_missing_generation(index):
    data, _corpus, env = index
    pointer = data / "chroma" / "CURRENT"
    record = json.loads(pointer.read_text("utf-8"))
    shutil.rmtree(data / "chroma" / record["current"])
    line = one_clear_line(run(["index", "verify"], env=env))
    assert record["current"] in line or "pointeur" in line
    status = run(["index", "status"], env=env)
    assert f"attention : le pointeur nomme {record['current']}" in status.output, status.output


# --- class 3: readers never write and never build --------------------------------------------
def _fingerprint(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != "writer.lock"
    }


def test_ask_and_fiche_write_nothing_into_the_data_folder(index):
    data, _corpus, env = index
    before = _fingerprint(data)
    assert run(["ask", "Quel budget en 2018 ?"], env=env).exit_code == 0
    assert run(["fiche", "Budget"], env=env).exit_code == 0
    after = _fingerprint(data)
    assert sorted(after) == sorted(before)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, changed


def test_a_reader_never_builds_when_the_current_generation_is_rejected(index):
    # The current generation is broken and the corpus changed: `ask` used to build a new
    # generation and move CURRENT past the one the operator could roll back to.
    data, corpus, env = index
    pointer = data / "chroma" / "CURRENT"
    record = json.loads(pointer.read_text("utf-8"))
    (data / "chroma" / record["current"] / "chroma.sqlite3").write_bytes(b"")
    (corpus / "budget.md").write_text(BUDGET.replace("310 000", "320 000"), "utf-8")
    generations = generations_of(data)
    result = run(["ask", "Quel budget en 2018 ?"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(pointer.read_text("utf-8")) == record
    assert generations_of(data) == generations
    assert "310 000" in result.output  # the previous generation, served and said
    assert "assistant ingest" in result.output


def test_a_corpus_edited_since_the_ingest_is_said_and_left_to_ingest(index):
    data, corpus, env = index
    pointer = (data / "chroma" / "CURRENT").read_text("utf-8")
    (corpus / "budget.md").write_text(BUDGET.replace("310 000", "80 000"), "utf-8")
    result = run(["ask", "Quel budget en 2018 ?"], env=env)
    assert result.exit_code == 0 and "Index en retard" in result.output, result.output
    assert (data / "chroma" / "CURRENT").read_text("utf-8") == pointer
    assert run(["ingest", "-q"], env=env).exit_code == 0
    assert "80 000" in run(["ask", "Quel budget en 2018 ?"], env=env).output


def test_a_first_start_still_indexes_the_corpus(tmp_path, hostile):
    corpus = tmp_path / "fresh-corpus"
    corpus.mkdir()
    (corpus / "budget.md").write_text(BUDGET, encoding="utf-8")
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "fresh"), "ASSISTANT_CORPUS_DIR": str(corpus)}
    result = run(["ask", "Quel budget en 2018 ?"], env=env)
    assert result.exit_code == 0 and "310 000" in result.output, result.output


def _read_only(data: Path, *command, env: dict[str, str]):
    """``assistant COMMAND`` with the data folder on a read-only bind mount (root writes
    anywhere, so a mode is not enough), in a private mount namespace."""
    import subprocess
    import sys

    from harness.processes import clean_env

    if not shutil.which("unshare"):
        pytest.skip("unshare is missing")
    parts = [sys.executable, "-m", "assistant.cli", *map(str, command)]
    inner = " ".join(f"'{part}'" for part in parts)
    script = f"mount --bind -o ro '{data}' '{data}' && {inner}"
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.stderr.startswith(("mount:", "unshare:")):
        pytest.skip(f"no private mount namespace here: {result.stderr.strip()}")
    return result


def test_a_read_only_data_folder_serves_answers_and_verifies(index):
    data, _corpus, env = index
    asked = _read_only(data, "ask", "Quel budget en 2018 ?", env=env)
    assert asked.returncode == 0 and "310 000" in asked.stdout, asked.stderr
    verified = _read_only(data, "index", "verify", env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ILLISIBLE" not in verified.stdout


# --- class 4: documents keyed by where they are in the corpus --------------------------------
def _passages(data: Path, corpus: Path) -> list[str]:
    from assistant.backends.store import open_store

    store = open_store(make_settings(data, corpus))
    try:
        return sorted(chunk.text for chunk in store.all_chunks())
    finally:
        store.close()


@pytest.mark.parametrize("how", ["moved", "re-rooted by ASSISTANT_CORPUS_DIR"])
def test_a_moved_corpus_replaces_its_passages(index, tmp_path, how):
    # Moving the corpus folder (or pointing ASSISTANT_CORPUS_DIR at a copy) and editing a
    # file left the old passages served beside the new ones: « 310 000 » quoted after the
    # file said 80 000; the unchanged files were reported as duplicates of themselves.
    data, corpus, env = index
    (corpus / "autre.md").write_text("# Autre\n\nLe siège est à Lyon depuis 2015.\n", "utf-8")
    assert run(["ingest", "-q"], env=env).exit_code == 0
    moved = tmp_path / "elsewhere" / "corpus"
    moved.parent.mkdir()
    if how == "moved":
        corpus.rename(moved)
    else:
        shutil.copytree(corpus, moved)
    (moved / "budget.md").write_text(BUDGET.replace("310 000", "80 000"), "utf-8")
    env = {**env, "ASSISTANT_CORPUS_DIR": str(moved)}
    result = run(["ingest", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert "doublon" not in result.output, result.output
    assert "1 mis à jour" in result.output and "1 inchangé" in result.output, result.output
    texts = " ".join(_passages(data, moved))
    assert "80 000" in texts and "310 000" not in texts
    assert texts.count("Lyon") == 1
    answer = run(["ask", "Quel budget en 2018 ?"], env=env)
    assert "80 000" in answer.output and "310 000" not in answer.output, answer.output


def test_another_corpus_folder_replaces_the_old_one(index, tmp_path):
    data, _corpus, env = index
    other = tmp_path / "other-corpus"
    other.mkdir()
    (other / "gouvernance.md").write_text("# Gouvernance\n\nLe bureau compte 7 membres.\n")
    env = {**env, "ASSISTANT_CORPUS_DIR": str(other)}
    assert run(["ingest", "-q"], env=env).exit_code == 0
    texts = " ".join(_passages(data, other))
    assert "7 membres" in texts and "310 000" not in texts


def test_a_subfolder_ingest_keeps_the_rest_of_the_corpus(index):
    data, corpus, env = index
    sub = corpus / "annexes"
    sub.mkdir()
    (sub / "lieu.md").write_text("# Lieu\n\nLe siège est à Lyon depuis 2015.\n", "utf-8")
    assert run(["ingest", "-q", str(sub)], env=env).exit_code == 0
    texts = " ".join(_passages(data, corpus))
    assert "Lyon" in texts and "310 000" in texts
    result = run(["ingest", "-q"], env=env)
    assert "doublon" not in result.output and "2 inchangé" in result.output, result.output


# --- class 8: operator mistakes are one line, inputs checked before a long run ---------------
def _hostile_path(hostile: Path, kind: str) -> str:
    return {
        "folder": str(hostile / "a-folder"),
        "file": str(hostile / "a-file"),
        "symlink loop": str(hostile / "loop"),
        "/dev/zero": str(hostile / "zero"),
        "fifo": str(hostile / "fifo"),
        "huge": str(hostile / "huge.json"),
        "deep JSON": str(hostile / "deep.json"),
        "deep JSONL": str(hostile / "deep.jsonl"),
        "missing": str(hostile / "missing.json"),
        "read-only": str(hostile / "read-only" / "inside" / "x"),
        "uncreatable parent": "/proc/assistant-nope/x/y",
        "existing extension-less file": str(hostile / "noext"),
    }[kind]


HISTORY_KINDS = ["folder", "symlink loop", "/dev/zero", "fifo", "huge", "deep JSON", "missing"]


@pytest.mark.parametrize("kind", HISTORY_KINDS)
def test_ask_history_hostile_is_one_line(hostile, index, kind):
    _data, _corpus, env = index
    path = _hostile_path(hostile, kind)
    line = one_clear_line(run(["ask", "--history", path, "Et en 2018 ?"], env=env))
    assert "istorique" in line and len(line) < 400


SET_KINDS = ["folder", "symlink loop", "/dev/zero", "fifo", "huge", "deep JSONL", "missing"]


@pytest.mark.parametrize("kind", SET_KINDS)
def test_eval_set_hostile_is_one_line_before_any_work(hostile, tmp_path, kind):
    data = tmp_path / "data"
    args = ["eval", "-q", "--set", _hostile_path(hostile, kind), "--output", str(tmp_path / "o")]
    one_clear_line(run(args, env={"ASSISTANT_DATA_DIR": str(data)}))
    assert not (data / "chroma").exists()


BASELINE_KINDS = ["folder", "symlink loop", "/dev/zero", "fifo", "huge", "deep JSON", "file"]


@pytest.mark.parametrize("kind", BASELINE_KINDS)
def test_eval_baseline_is_checked_before_the_run(hostile, tmp_path, kind):
    golden = tmp_path / "golden.jsonl"
    golden.write_text(json.dumps({"id": "q1", "question": "Quel budget ?"}) + "\n", "utf-8")
    data = tmp_path / "data"
    args = ["eval", "-q", "--set", str(golden), "--output", str(tmp_path / "o")]
    line = one_clear_line(
        run(
            [*args, "--baseline", _hostile_path(hostile, kind)],
            env={"ASSISTANT_DATA_DIR": str(data)},
        )
    )
    assert "éférence" in line
    assert not (data / "chroma").exists()  # found before the run, not after every case


def test_eval_update_baseline_to_a_folder_is_refused_before_the_run(hostile, tmp_path):
    golden = tmp_path / "golden.jsonl"
    golden.write_text(json.dumps({"id": "q1", "question": "Quel budget ?"}) + "\n", "utf-8")
    data = tmp_path / "data"
    args = ["eval", "-q", "--set", str(golden), "--output", str(tmp_path / "o")]
    folder = _hostile_path(hostile, "folder")
    line = one_clear_line(
        run(
            [*args, "--baseline", folder, "--update-baseline"],
            env={"ASSISTANT_DATA_DIR": str(data)},
        )
    )
    assert "éférence" in line
    assert not (data / "chroma").exists()


def test_a_lone_surrogate_in_an_eval_question_keeps_report_html(index, tmp_path):
    _data, _corpus, env = index
    golden = tmp_path / "golden.jsonl"
    golden.write_text('{"id": "q1", "question": "Quel budget \\ud800 en 2018 ?"}\n', "utf-8")
    result = run(["eval", "-q", "--set", str(golden), "--output", str(tmp_path / "o")], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "\ufffd" in (tmp_path / "o" / "report.html").read_text("utf-8")


@pytest.mark.parametrize(
    "kind", ["uncreatable parent", "existing extension-less file", "folder-for-file"]
)
def test_fiche_output_hostile_is_one_line(hostile, index, kind):
    _data, _corpus, env = index
    if kind == "folder-for-file":
        target = str(hostile / "a-file") + "/x"
    else:
        target = _hostile_path(hostile, kind)
    line = one_clear_line(run(["fiche", "Budget", "--format", "docx", "--output", target], env=env))
    assert "--output" in line


def test_fiche_output_read_only_is_one_line(hostile, index):
    _data, _corpus, env = index
    folder = hostile / "ro-output"
    folder.mkdir()
    result = _read_only(folder, "fiche", "Budget", "--format", "docx", "--output", folder, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().startswith("Error: --output"), result.stderr


@pytest.mark.parametrize("kind", ["file", "symlink loop"])
@pytest.mark.parametrize("command", ["rollback", "status", "verify"])
def test_index_commands_with_a_hostile_data_dir_are_one_line(hostile, index, kind, command):
    _data, _corpus, env = index
    target = hostile / ("a-file" if kind == "file" else "loop")
    result = run(["index", command], env={**env, "ASSISTANT_DATA_DIR": str(target)})
    assert "ASSISTANT_DATA_DIR" in one_clear_line(result)


def test_index_rollback_on_a_read_only_data_dir_is_one_line(index):
    data, _corpus, env = index
    result = _read_only(data, "index", "rollback", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "ASSISTANT_DATA_DIR" in result.stderr and len(result.stderr.splitlines()) == 1


def test_zero_width_characters_inside_question_words_are_removed(index):
    from assistant.answer.guards import check_question
    from assistant.settings import Settings

    question, _turns = check_question(
        "Quel bud\u200bget en 20\u200d18 ?", [], Settings(_env_file=None)
    )
    assert question == "Quel budget en 2018 ?"


# --- class 9: the unclear cases, decided ------------------------------------------------------
GOOD_HASH = "$2b$04$" + "a" * 22 + "b" * 31


@pytest.mark.parametrize(
    "spec",
    [
        "alice:" + GOOD_HASH[:-1],  # truncated by one character
        "alice:" + GOOD_HASH[:30],
        "alice:$2b$12$",
        "alice:$2b$99$" + GOOD_HASH[7:],  # no such cost
        "alice:" + GOOD_HASH + "x",
    ],
    ids=["minus-one", "half", "prefix-only", "cost-99", "one-too-many"],
)
def test_a_malformed_bcrypt_hash_is_refused_at_start(spec):
    from assistant.chat.auth import AuthConfigError, parse_users

    with pytest.raises(AuthConfigError, match="nom:hash_bcrypt"):
        parse_users(spec)
    assert parse_users("alice:" + GOOD_HASH) is not None


def test_the_chat_refuses_a_truncated_hash_in_one_line(hostile, tmp_path):
    env = {"ASSISTANT_AUTH": "alice:" + GOOD_HASH[:40], "ASSISTANT_DATA_DIR": str(tmp_path)}
    line = one_clear_line(run(["chat", "--headless", "--port", "1"], env=env))
    assert "ASSISTANT_AUTH" in line


@pytest.mark.parametrize("users", ["@{zero}", "@{fifo}", "@{folder}", "@{loop}"])
def test_a_hostile_users_file_is_one_line(hostile, tmp_path, users):
    spec = users.format(
        zero=hostile / "zero",
        fifo=hostile / "fifo",
        folder=hostile / "a-folder",
        loop=hostile / "loop",
    )
    line = one_clear_line(run(["chat", "--headless"], env={"ASSISTANT_AUTH": spec}))
    assert "utilisateurs" in line


def test_localhost_is_refused_when_ipv6_loopback_holds_the_port():
    import socket

    import click

    from assistant.chat.launch import check_port

    try:
        holder = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        holder.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with holder:
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(click.ClickException, match=r"\[::1\]"):
            check_port("localhost", port)
    check_port("localhost", port)  # free again: accepted


@pytest.mark.parametrize("topic", ["-1e jour", "jour -3", "+2e jour", "le \u22122e jour"])
def test_fiche_refuses_a_signed_day(index, topic):
    _data, _corpus, env = index
    line = one_clear_line(run(["fiche", "--", topic], env=env))  # `--`: not an option
    assert "Jour invalide" in line


def test_ask_reads_no_day_in_a_signed_number():
    from assistant.search.query import read_intent

    assert read_intent("Résume le -1e jour").day is None
    assert read_intent("Résume le 12e jour").day == 12


@pytest.mark.parametrize(
    "output, message",
    [("x.md", "extension"), ("x.DOCX", None), ("x.pptx", "extension")],
)
def test_fiche_output_extension_must_match_its_format(index, tmp_path, output, message):
    _data, _corpus, env = index
    target = tmp_path / output
    result = run(["fiche", "Budget", "--format", "docx", "--output", str(target)], env=env)
    if message is None:
        assert result.exit_code == 0 and target.read_bytes()[:2] == b"PK", result.output
    else:
        assert message in one_clear_line(result) and not target.exists()


def test_an_uploaded_password_is_quoted_with_its_digit(index):
    data, corpus, env = index
    (corpus / "acces.md").write_text(
        "# Accès\n\nLe mot de passe du wifi de la salle est « hunter2. »\n", "utf-8"
    )
    assert run(["ingest", "-q"], env=env).exit_code == 0
    assert "hunter2." in " ".join(_passages(data, corpus))
    answer = run(["ask", "Quel est le mot de passe du wifi de la salle ?"], env=env)
    assert "hunter2." in answer.output, answer.output


# --- the whole matrix: every setting that names a place × every command ----------------------
PLACE_SETTINGS = [
    "ASSISTANT_DATA_DIR",
    "ASSISTANT_CORPUS_DIR",
    "ASSISTANT_EMBEDDING_CACHE_PATH",
    "ASSISTANT_PROMPTS_DIR",
]
PLACE_KINDS = ["file", "folder", "symlink loop", "/dev/zero", "fifo", "uncreatable parent"]
COMMANDS = {
    "ingest": ["ingest", "-q"],
    "ask": ["ask", "Quel budget en 2018 ?"],
    "fiche": ["fiche", "Budget"],
    "index status": ["index", "status"],
    "index verify": ["index", "verify"],
    "index rollback": ["index", "rollback"],
    "eval": ["eval", "-q", "--set", "{golden}", "--output", "{output}"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", PLACE_KINDS)
@pytest.mark.parametrize("setting", PLACE_SETTINGS)
def test_every_command_survives_every_hostile_place(
    hostile, index, tmp_path, setting, kind, command
):
    """Whatever the setting names, a command answers or fails in one line: never a
    traceback, never a hang, never a runaway read. (A command that does not use the
    setting may succeed.)"""
    _data, _corpus, env = index
    golden = tmp_path / "golden.jsonl"
    golden.write_text(json.dumps({"id": "q1", "question": "Quel budget en 2018 ?"}) + "\n")
    args = [part.format(golden=golden, output=tmp_path / "out") for part in COMMANDS[command]]
    place = _hostile_path(hostile, kind) if kind != "file" else str(hostile / "a-file")
    result = run(args, env={**env, setting: place})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"escaped: {result.exception!r}\n{result.output}"
        ) from result.exception
    assert "Traceback" not in result.output, result.output
    if result.exit_code:
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1, result.output
