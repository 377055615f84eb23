"""Issue 21, class 1: a private upload changes nothing another user can observe.

A differential test. The shipped note is indexed; everything Bob (a chat user with no
uploads) and the CLI can observe is recorded — answers, confidence, retrieved passages and
their scores, the closest topics of an abstention, trainer sheets and their refusals, the
``ask`` and ``fiche`` commands' output, the health route, the errors of « share » — then
Alice uploads a private file through the chat's own upload functions, and everything is
recorded again: it must be identical. Alice's file is made to disturb every statistic the
search computes over chunks: a word the note does not know (« quorvelium », which turned
Bob's abstention at 0.38 into a confident answer at 0.82 when word statistics were shared),
and one of the note's sentences repeated in three sections (a « repeated line », which
made that sentence vanish from Bob's answers when the repeated-line model was shared).
"""

from __future__ import annotations

import json
import shutil
import threading

import bcrypt
import pytest
from click.testing import CliRunner

from assistant.answer.answering import Assistant
from assistant.chat.auth import parse_users
from assistant.chat.citations import owner_uploads, uploads_dir
from assistant.chat.uploads import (
    UploadRejected,
    check_upload,
    ingest_upload,
    place_upload,
    share_upload,
)
from assistant.cli import main
from assistant.trainer.build import build_sheet
from assistant.trainer.markdown import render
from assistant.trainer.scope import SheetError

from .conftest import make_settings

UNKNOWN = "Qu'est-ce que le quorvelium dans le financement des associations ?"
ORDINARY = [
    "Quels sont les leviers de l'hybridation des modèles socio-économiques ?",
    "Quel rôle jouent les fondations ?",
    "Résume le 12e jour",
]
# The question whose answer's first quote Alice's file repeats in three sections.
REPEATED_FROM = "Qu'est-ce qu'un modèle socio-économique ?"
HASH = bcrypt.hashpw(b"mot de passe long", bcrypt.gensalt(rounds=4)).decode()
TOPICS = ["12e jour", "les alliances stratégiques", "le quorvelium"]


def _alice_file(repeated: str) -> str:
    sections = []
    for title in ("Séance du mardi", "Séance du jeudi", "Séance du samedi"):
        sections.append(
            f"# {title}\n\n{repeated}\n\n"
            f"Chaque {title.split()[-1]}, le quorvelium finance les associations du quartier "
            "grâce au quorvelium solidaire.\n"
        )
    return "\n".join(sections)


def _answer(assistant: Assistant, question: str, viewer: str | None) -> dict:
    answer = assistant.answer(question, viewer=viewer)
    return {
        "answer": answer.answer,
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "citations": [(c.source, c.section, c.quote) for c in answer.citations],
        "retrieved": [(p.id, p.score, p.dense_rank, p.lexical_rank) for p in answer.retrieved],
    }


def _sheet(assistant: Assistant, topic: str, viewer: str | None) -> str:
    try:
        return render(build_sheet(assistant, topic, viewer=viewer, use_llm=False))
    except SheetError as exc:
        return f"SheetError: {exc}"


def _cli(settings, monkeypatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _share_errors(settings, assistant) -> list[str]:
    """What Bob is told when he tries to share files: his guesses at Alice's file name and
    a name nobody uploaded must read alike (no probing of file names)."""
    users = parse_users(f"bob:{HASH}:corpus")
    said = []
    for folder in (uploads_dir(settings), owner_uploads(settings, "alice")):
        for name in ("notes-alice.md", "jamais-ajoute.md"):
            try:
                share_upload(folder / name, settings, assistant, threading.Lock(), "bob", users)
                said.append("shared")
            except UploadRejected as exc:
                said.append(str(exc))
    return said


def _observe(settings, assistant: Assistant, monkeypatch) -> dict:
    from assistant.chat.runtime import ChatRuntime
    from assistant.chat.storage import LocalStorageClient

    seen: dict = {}
    for viewer in ("bob", None):
        for question in [UNKNOWN, REPEATED_FROM, *ORDINARY]:
            seen[(viewer, question)] = _answer(assistant, question, viewer)
        for topic in TOPICS:
            seen[(viewer, "sheet", topic)] = _sheet(assistant, topic, viewer)
    for question in (UNKNOWN, REPEATED_FROM):
        code, out = _cli(settings, monkeypatch, "ask", question, "--json")
        result = json.loads(out) if code == 0 else out
        if isinstance(result, dict):
            result.pop("latency_ms", None)
        seen[("cli", question)] = (code, result)
    for topic in TOPICS:
        seen[("cli", "fiche", topic)] = _cli(settings, monkeypatch, "fiche", topic)
    runtime = ChatRuntime(settings, LocalStorageClient(settings.data_dir / "files", "s" * 32))
    runtime._assistant = assistant
    seen["health"] = runtime.public_status()
    seen["share"] = _share_errors(settings, assistant)
    return seen


@pytest.fixture
def world(reference_index, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(reference_index.data_dir, data)
    return make_settings(data, reference_index.corpus_dir)


def test_another_users_upload_changes_nothing_bob_or_the_cli_can_observe(
    world, tmp_path, monkeypatch
):
    serving = Assistant(world)  # the chat's long-lived assistant, before and after
    try:
        before = _observe(world, serving, monkeypatch)
        first = before[("bob", REPEATED_FROM)]
        assert before[("bob", UNKNOWN)]["abstained"], before[("bob", UNKNOWN)]
        assert not first["abstained"] and first["citations"], first
        repeated = first["citations"][0][2]

        dropped = tmp_path / "session-alice" / "notes-alice.md"
        dropped.parent.mkdir()
        dropped.write_text(_alice_file(repeated), encoding="utf-8")
        checked = check_upload(dropped, dropped.name, world)
        placed, _ = place_upload(checked, world, reuse=False, owner="alice")
        summary = ingest_upload(placed, world, serving, threading.Lock(), owner="alice")
        assert placed.name in summary.added, summary.render()

        # Alice herself is answered from her file: the upload did take part.
        mine = serving.answer(UNKNOWN, viewer="alice")
        assert placed.name in {p.source for p in mine.retrieved}, mine

        after = _observe(world, serving, monkeypatch)
        fresh = Assistant(world)  # and a process started after the upload
        try:
            after_fresh = _observe(world, fresh, monkeypatch)
        finally:
            fresh.store.close()
    finally:
        serving.store.close()
    for observed in (after, after_fresh):
        changed = [key for key in before if before[key] != observed[key]]
        assert not changed, {key: (before[key], observed[key]) for key in changed}
    assert repeated in after[("bob", REPEATED_FROM)]["answer"]


@pytest.mark.slow  # a real chat server, driven over Socket.IO as the page does
def test_in_the_chat_bobs_answers_and_sheets_do_not_move_when_alice_uploads(
    reference_index, tmp_path
):
    """The chat's own handlers, end to end: Bob's answers (text, citations, confidence),
    his sheets and their refusals (« Thèmes proches »), and the health route, recorded
    before and after Alice drops her file in her own conversation."""
    import asyncio

    from harness.chat_client import Browser

    from .conftest import chat_on_copy

    server = chat_on_copy(
        reference_index.data_dir,
        tmp_path,
        "isolation",
        ASSISTANT_AUTH=f"alice:{HASH},bob:{HASH}",
        ASSISTANT_AUTH_SECRET="s" * 48,
    )
    password = "mot de passe long"

    def shown(messages: list[dict]) -> list:
        return [
            (
                m.get("output"),
                (m.get("metadata") or {}).get("kind"),
                (m.get("metadata") or {}).get("confidence"),
                (m.get("metadata") or {}).get("citations"),
            )
            for m in messages
        ]

    async def bob_sees(bob: Browser) -> dict:
        seen: dict = {}
        chat = await bob.session()
        for question in [UNKNOWN, REPEATED_FROM, *ORDINARY]:
            seen[question] = shown(await chat.exchange(question))
        await chat.close()
        trainer = await bob.session(profile="Formateur·rice")
        for topic in ("les alliances stratégiques", "le quorvelium"):
            seen[topic] = shown(await trainer.exchange(f"Prépare une fiche de séance sur {topic}"))
        await trainer.close()
        seen["health"] = (await bob.request("GET", "/assistant/health")).json()
        return seen

    async def scenario():
        async with Browser(server.url) as alice, Browser(server.url) as bob:
            await alice.login("alice", password)
            await bob.login("bob", password)
            before = await bob_sees(bob)
            repeated = before[REPEATED_FROM][-1][3][0]["quotes"][0]
            dropped = tmp_path / "notes-alice.md"
            dropped.write_text(_alice_file(repeated), encoding="utf-8")
            session = await alice.session()
            reference = await session.upload(dropped, "text/markdown")
            reply = await session.ask(UNKNOWN, files=[reference])
            mine = await session.ask("Résume la section Séance du mardi")
            assert "notes-alice.md" in {c["source"] for c in mine.citations}, mine.citations
            await session.close()
            after = await bob_sees(bob)
            return before, after, reply, repeated

    try:
        before, after, reply, repeated = asyncio.run(scenario())
    finally:
        server.stop()
    uploads = [
        m["output"] for m in reply.messages if (m.get("metadata") or {}).get("kind") == "upload"
    ]
    assert any("Document ajouté" in text for text in uploads), uploads
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, {key: (before[key], after[key]) for key in changed}
    assert any(repeated in str(m[0]) for m in after[REPEATED_FROM])
    assert before[UNKNOWN][-1][1] != "answer" or before[UNKNOWN][-1][2] < 0.5
