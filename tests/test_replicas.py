"""Two chat replicas behind nginx (issue 13 item 2), all real processes started here: a
PostgreSQL cluster (the history), ``chroma run`` (the index), one data folder (uploads,
element files, the ingest lock), two ``assistant chat`` processes and nginx with sticky
sessions in front. Driven over HTTP and Socket.IO as the page does (tests/chat_client.py).

A conversation started on one replica is listed and resumed on the other, with its
feedback and cited elements (passages and a PDF page); an upload ingested through one is
cited by the other; a long-polling session (several HTTP requests) holds to one replica;
a replica stopped, its browsers go on with the other (last: it stops one).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.chat import ChatServer
from harness.chat_client import Browser, ChatClientError
from harness.processes import ARTIFACTS
from harness.replicas import REPLICA_PASSWORD, NginxProxy, Replicas, replica_settings

from .pdfs import make_pdf

pytestmark = pytest.mark.slow  # PostgreSQL, chroma run, two chats and nginx

PASSWORD = REPLICA_PASSWORD
BUDGET = "Quel était le budget total de l'association en 2018 ?"
JARDIN = "Combien de parcelles compte le jardin partagé de la Croix-Rousse ?"


def write_corpus(folder: Path) -> Path:
    """A small corpus: two notes and a PDF report (cited PDF pages become elements)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "budget.md").write_text(
        "# Budget de l'association\n\n"
        "En 2006, le budget total de l'association était de 120 000 euros.\n\n"
        "En 2018, le budget total de l'association a atteint 310 000 euros grâce au mécénat.\n",
        encoding="utf-8",
    )
    (folder / "benevolat.md").write_text(
        "# Bénévolat\n\nL'association compte 45 bénévoles réguliers qui animent les ateliers "
        "du samedi.\n",
        encoding="utf-8",
    )
    make_pdf(
        folder / "rapport-activite.pdf",
        [
            ["Rapport d'activité", "Le rapport présente les actions de l'année écoulée."],
            [
                "Partenariats",
                "La fondation partenaire finance la formation des bénévoles depuis 2015 "
                "au titre du mécénat de compétences.",
            ],
        ],
    )
    return folder


@dataclass
class Deployment:
    replicas: Replicas

    @property
    def a(self) -> ChatServer:
        return self.replicas.servers[0]

    @property
    def b(self) -> ChatServer:
        return self.replicas.servers[1]

    @property
    def proxy(self) -> NginxProxy:
        assert self.replicas.proxy is not None
        return self.replicas.proxy

    def address(self, server: ChatServer) -> str:
        return self.replicas.address(server)

    def browser(self, on: ChatServer) -> Browser:
        """A browser behind the proxy, pinned (by the sticky cookie) to replica ``on``."""
        browser = Browser(self.proxy.url)
        browser.pin(self.replicas.routes[self.address(on)])
        return browser


@pytest.fixture(scope="module")
def deployment(postgres_server, chroma_server, tmp_path_factory):
    reason = NginxProxy.missing()
    if reason:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("replicas")
    env = replica_settings(
        base / "data",
        write_corpus(base / "corpus"),
        chroma_server.port,
        postgres_server.database(),
        ["alice", "bob"],
    )
    replicas = Replicas(env, ARTIFACTS).start()
    yield Deployment(replicas)
    replicas.stop()


def run(coroutine):
    return asyncio.run(coroutine)


def sources(reply) -> set[str]:
    return {c.get("source") for c in reply.citations}


def test_a_conversation_moves_between_replicas(deployment):
    """Started on A (two answers, a thumbs-up, cited passages and a PDF page), then
    listed, read, resumed and continued on B; A sees B's additions."""
    a, b = deployment.a, deployment.b

    async def on_a():
        async with deployment.browser(a) as browser:
            await browser.login("alice", PASSWORD)
            session = await browser.session()
            report = await session.ask(
                "Depuis quand la fondation partenaire finance-t-elle la formation des bénévoles ?"
            )
            budget = await session.ask(BUDGET)
            # Rated at once: the server waits for the answer's row, still being stored.
            feedback = await browser.feedback(budget.answer["id"], 1, "Très clair")
            await session.close()
            return budget, report, feedback, set(browser.replicas), dict(browser.http.cookies)

    budget, report, feedback_id, seen_a, cookies = run(on_a())
    assert seen_a == {deployment.address(a)}
    assert "310 000" in budget.answer["output"] and "budget.md" in sources(budget)
    assert "rapport-activite.pdf" in sources(report)
    pdf_elements = [e for e in report.elements if e.get("type") == "pdf"]
    assert pdf_elements and all(e.get("page") == 2 for e in pdf_elements)
    thread_id = budget.thread_id
    assert report.thread_id == thread_id

    async def on_b():
        async with deployment.browser(b) as browser:
            browser.keep_login(cookies)  # signed by A, accepted by B (one shared secret)
            listed = await browser.threads()
            thread = await browser.thread(thread_id)
            elements = [await browser.element(thread_id, e["id"]) for e in thread["elements"]]
            files = [await browser.request("GET", e["url"]) for e in thread["elements"]]
            session = await browser.session(thread_id)
            follow_up = await session.ask("Et en 2006 ?")
            await session.close()
            return listed, thread, elements, files, session.resumed, follow_up, browser.replicas

    listed, thread, elements, files, resumed, follow_up, seen_b = run(on_b())
    assert set(seen_b) == {deployment.address(b)}
    assert thread_id in [t["id"] for t in listed]
    answers = {s["id"]: s for s in thread["steps"] if s["type"] == "assistant_message"}
    assert answers[budget.answer["id"]]["feedback"]["value"] == 1
    assert answers[budget.answer["id"]]["feedback"]["id"] == feedback_id
    assert answers[budget.answer["id"]]["feedback"]["comment"] == "Très clair"
    # Every element the answers showed on A is stored, readable and served on B.
    shown = {e["id"] for e in budget.elements + report.elements}
    assert shown and shown <= {e["id"] for e in thread["elements"]}
    assert {e["id"] for e in elements} == {e["id"] for e in thread["elements"]}
    assert all(f.status_code == 200 for f in files), [f.status_code for f in files]
    pdf_bytes = [
        f.content for f, e in zip(files, thread["elements"], strict=True) if e["type"] == "pdf"
    ]
    assert pdf_bytes and all(body.startswith(b"%PDF") for body in pdf_bytes)
    assert resumed is not None and resumed["id"] == thread_id
    assert budget.answer["id"] in {s["id"] for s in resumed["steps"]}
    # The resumed conversation keeps its history: « Et en 2006 ? » is about the budget.
    assert follow_up.thread_id == thread_id
    assert "120 000" in follow_up.answer["output"] and "budget.md" in sources(follow_up)

    async def back_on_a():
        async with deployment.browser(a) as browser:
            browser.keep_login(cookies)
            return await browser.thread(thread_id)

    again = run(back_on_a())
    assert follow_up.answer["id"] in {s["id"] for s in again["steps"]}


def test_another_user_cannot_resume_the_thread_on_either_replica(deployment):
    async def scenario():
        async with deployment.browser(deployment.a) as alice:
            await alice.login("alice", PASSWORD)
            session = await alice.session()
            reply = await session.ask(BUDGET)
            await session.close()
        refusals = []
        for server in (deployment.a, deployment.b):
            async with deployment.browser(server) as bob:
                await bob.login("bob", PASSWORD)
                try:
                    await bob.session(reply.thread_id, timeout_s=20)
                except ChatClientError as exc:
                    refusals.append(str(exc))
                listed = await bob.threads()
                assert reply.thread_id not in [t["id"] for t in listed]
        return refusals

    refusals = run(scenario())
    assert len(refusals) == 2 and all("refused" in r for r in refusals), refusals


def test_an_upload_through_one_replica_is_cited_by_the_other(deployment, tmp_path):
    note = tmp_path / "jardin-partage.md"
    note.write_text(
        "# Jardin partagé\n\nLe jardin partagé de la Croix-Rousse compte 37 parcelles "
        "cultivées par les habitants du quartier.\n",
        encoding="utf-8",
    )

    async def upload_on_a():
        async with deployment.browser(deployment.a) as browser:
            await browser.login("alice", PASSWORD)
            session = await browser.session()
            reference = await session.upload(note, "text/markdown")
            reply = await session.ask(JARDIN, files=[reference])
            await session.close()
            return reply, set(browser.replicas)

    uploaded, seen = run(upload_on_a())
    assert seen == {deployment.address(deployment.a)}
    added = [m for m in uploaded.messages if (m.get("metadata") or {}).get("kind") == "upload"]
    assert any("Document ajouté" in m.get("output", "") for m in added), added

    async def ask_on_b(user: str):
        async with deployment.browser(deployment.b) as browser:
            await browser.login(user, PASSWORD)
            session = await browser.session()
            reply = await session.ask(JARDIN)
            await session.close()
            return reply

    alice = run(ask_on_b("alice"))
    assert "jardin-partage.md" in sources(alice), alice.answer["output"][:300]
    assert "37" in alice.answer["output"]
    # A private upload stays private on the other replica too.
    bob = run(ask_on_b("bob"))
    assert "jardin-partage.md" not in sources(bob)


def test_a_long_polling_session_holds_to_one_replica(deployment):
    """No cookie yet: nginx picks a replica and pins the browser to it with its cookie;
    Socket.IO's long polling (one HTTP request per exchange, the page's fallback when
    websockets are blocked) only works if every request lands on that replica."""

    async def scenario():
        async with Browser(deployment.proxy.url) as browser:
            await browser.login("alice", PASSWORD)
            assert browser.http.cookies.get("assistant_replica")  # set by nginx
            session = await browser.session(transports=("polling",))
            reply = await session.ask(BUDGET)
            await session.close()
            return reply, session.transport_sid, browser.replicas

    reply, sid, replicas = run(scenario())
    assert "310 000" in reply.answer["output"]
    polled = [line.split() for line in deployment.proxy.access_log() if f"sid={sid}" in line]
    assert len(polled) >= 3, polled  # the exchanges of one question, each a request
    assert {fields[-2] for fields in polled} == set(replicas) and len(set(replicas)) == 1


def test_a_replica_stopped_its_browsers_go_on_with_the_other(deployment):
    """Last (it stops replica B): a browser pinned to B keeps its login, finds its
    conversation and continues it on A; nginx moved it there by itself."""
    a, b = deployment.a, deployment.b

    async def before():
        async with deployment.browser(b) as browser:
            await browser.login("alice", PASSWORD)
            session = await browser.session()
            reply = await session.ask(BUDGET)
            await browser.wait_for_step(reply.thread_id, reply.answer["id"])
            await session.close()
            return reply, dict(browser.http.cookies), browser.replicas

    first, cookies, seen = run(before())
    assert set(seen) == {deployment.address(b)}
    b.stop()

    async def after():
        async with deployment.browser(b) as browser:  # the same cookies, B's sticky key
            browser.keep_login(cookies)
            listed = [t["id"] for t in await browser.threads()]
            session = await browser.session(first.thread_id)
            follow_up = await session.ask("Et en 2006 ?")
            await session.close()
            return listed, session.resumed, follow_up, browser.replicas

    listed, resumed, follow_up, seen = run(after())
    assert set(seen) == {deployment.address(a)}
    assert first.thread_id in listed
    assert resumed is not None and first.answer["id"] in {s["id"] for s in resumed["steps"]}
    assert follow_up.thread_id == first.thread_id and "120 000" in follow_up.answer["output"]
