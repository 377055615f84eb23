"""The real server over HTTP: password login, local mode's host check, origins, headers."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid

import bcrypt
import httpx
import pytest

from .conftest import chat_on_copy

pytestmark = pytest.mark.slow  # real chat servers over HTTP

ALLOWED = "https://portail.example"


@pytest.fixture(scope="module")
def password_server(reference_index, tmp_path_factory):
    hashed = bcrypt.hashpw(b"mot de passe long", bcrypt.gensalt(rounds=4)).decode()
    server = chat_on_copy(
        reference_index.data_dir,
        tmp_path_factory.mktemp("chat-auth"),
        "auth",
        ASSISTANT_AUTH=f"alice:{hashed},bob:{hashed}",
        ASSISTANT_AUTH_SECRET="s" * 48,
        ASSISTANT_ALLOWED_ORIGINS=ALLOWED,
    )
    yield server
    server.stop()


def test_password_login(password_server):
    with httpx.Client(base_url=password_server.url) as client:
        config = client.get("/auth/config").json()
        assert config["requireLogin"] and config["passwordAuth"] and not config["headerAuth"]
        assert client.get("/user").status_code == 401
        bad = client.post("/login", data={"username": "alice", "password": "faux"})
        assert bad.status_code == 401
        good = client.post("/login", data={"username": "alice", "password": "mot de passe long"})
        assert good.status_code == 200
        assert client.get("/user").json()["identifier"] == "alice"
        assert client.post("/auth/header").status_code == 400  # no header login here


def test_origins_http_and_socket(password_server):
    with httpx.Client(base_url=password_server.url) as client:
        allowed = client.options(
            "/project/settings",
            headers={"Origin": ALLOWED, "Access-Control-Request-Method": "GET"},
        )
        assert allowed.headers.get("access-control-allow-origin") == ALLOWED
        evil = client.options(
            "/project/settings",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in evil.headers
        handshake = "/ws/socket.io/?EIO=4&transport=polling"
        assert client.get(handshake, headers={"Origin": "https://evil.example"}).status_code == 400
        assert client.get(handshake, headers={"Origin": ALLOWED}).status_code == 200
        assert client.get(handshake, headers={"Origin": password_server.url}).status_code == 200


def test_page_is_french_local_and_protected(password_server):
    response = httpx.get(password_server.url + "/")
    assert '<html lang="fr">' in response.text
    assert "https://" not in response.text.split("<body")[0].replace('content="https', "")
    assert "img-src 'self'" in response.headers["content-security-policy"]
    fonts = httpx.get(password_server.url + "/public/fonts/inter.css")
    assert fonts.status_code == 200 and "woff2" in fonts.text


def test_local_mode_refuses_other_host_names(chat_server):
    with httpx.Client(base_url=chat_server.url) as client:
        assert client.post("/auth/header").status_code == 200
        rebinding = client.post("/auth/header", headers={"Host": "evil.example"})
        assert rebinding.status_code == 401


def _login(server, name: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url)
    response = client.post("/login", data={"username": name, "password": "mot de passe long"})
    assert response.status_code == 200
    return client


def _seed_thread(db, owner: str) -> tuple[str, str]:
    """A thread of ``owner`` with one answer; returns (thread id, step id)."""
    thread, step = str(uuid.uuid4()), str(uuid.uuid4())
    db.execute(
        'INSERT INTO threads ("id", "createdAt", "name", "userIdentifier") VALUES (?, ?, ?, ?)',
        (thread, "2025-01-01T00:00:00Z", "Budget", owner),
    )
    db.execute(
        'INSERT INTO steps ("id", "name", "type", "threadId", "output") VALUES (?, ?, ?, ?, ?)',
        (step, "Assistant", "assistant_message", thread, "Réponse"),
    )
    db.commit()
    return thread, step


def test_feedback_only_by_the_owner_of_the_thread(password_server):
    """Issue 12 item 2: another user's cookie may not add, overwrite or delete feedback."""
    db = sqlite3.connect(password_server.data_dir / "chat.db", timeout=30)
    alice_thread, alice_step = _seed_thread(db, "alice")
    _, bob_step = _seed_thread(db, "bob")
    alice, bob = _login(password_server, "alice"), _login(password_server, "bob")

    def feedback(client, **fields):
        body = {"feedback": {"value": 1, **fields}, "sessionId": str(uuid.uuid4())}
        return client.put("/feedback", json=body)

    own = feedback(alice, forId=alice_step, comment="Très utile")
    assert own.status_code == 200, own.text
    alice_feedback = own.json()["feedbackId"]

    def rows():
        return db.execute('SELECT "id", "forId", "comment" FROM feedbacks').fetchall()

    before = rows()
    assert feedback(bob, forId=alice_step, comment="spam").status_code == 403  # add
    overwrite = feedback(bob, id=alice_feedback, forId=bob_step, comment="écrasé")
    assert overwrite.status_code == 403  # her feedback id, aimed at his own message
    forged = feedback(bob, id=alice_feedback, forId=alice_step, comment="écrasé")
    assert forged.status_code == 403
    deleted = bob.request("DELETE", "/feedback", json={"feedbackId": alice_feedback})
    assert deleted.status_code == 403
    assert rows() == before == [(alice_feedback, alice_step, "Très utile")]

    assert feedback(bob, forId=bob_step).status_code == 200  # his own: allowed
    changed = feedback(alice, id=alice_feedback, forId=alice_step, comment="Corrigé")
    assert changed.status_code == 200
    thread_of = db.execute(
        'SELECT "threadId", "comment" FROM feedbacks WHERE "id" = ?', (alice_feedback,)
    ).fetchone()
    assert thread_of == (alice_thread, "Corrigé")
    gone = alice.request("DELETE", "/feedback", json={"feedbackId": alice_feedback})
    assert gone.status_code == 200
    assert not db.execute('SELECT 1 FROM feedbacks WHERE "id" = ?', (alice_feedback,)).fetchall()
    db.close()


def test_a_rating_sent_before_its_message_is_stored_is_kept(password_server):
    """Chainlit stores a message in a background task after showing it: a thumbs-up
    clicked at once may arrive before the row. It waits for the row (here stored 0.5 s
    later), instead of a 403 « not yours » and a lost rating."""
    import threading

    db = sqlite3.connect(password_server.data_dir / "chat.db", timeout=30)
    thread, _ = _seed_thread(db, "alice")
    step = str(uuid.uuid4())
    alice = _login(password_server, "alice")
    body = {"feedback": {"value": 1, "forId": step}, "sessionId": str(uuid.uuid4())}
    answered: list[httpx.Response] = []
    sender = threading.Thread(target=lambda: answered.append(alice.put("/feedback", json=body)))
    sender.start()
    time.sleep(0.5)
    db.execute(
        'INSERT INTO steps ("id", "name", "type", "threadId", "output") VALUES (?, ?, ?, ?, ?)',
        (step, "Assistant", "assistant_message", thread, "Réponse"),
    )
    db.commit()
    sender.join(timeout=30)
    assert answered and answered[0].status_code == 200, answered and answered[0].text
    stored = db.execute('SELECT "threadId", "value" FROM feedbacks WHERE "forId" = ?', (step,))
    assert stored.fetchall() == [(thread, 1)]
    db.close()


def _socket_accepted(url: str, cookie: str, host: str, origin: str) -> bool:
    """Open the chat socket as the page does; True when Chainlit accepts the connection."""
    import socketio

    async def attempt() -> bool:
        client = socketio.AsyncClient(reconnection=False)
        auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "userEnv": "{}"}
        try:
            await client.connect(
                url,
                socketio_path="/ws/socket.io",
                headers={"Cookie": cookie, "Origin": origin, "Host": host},
                auth=auth,
                transports=["polling"],
                wait_timeout=20,
            )
        except Exception:
            return False
        await client.disconnect()
        return True

    return asyncio.run(attempt())


def test_local_mode_socket_refuses_other_host_names(chat_server):
    """Issue 12 item 4: a valid cookie with Host/Origin evil.example opens no socket."""
    server = chat_server
    with httpx.Client(base_url=server.url) as client:
        login = client.post("/auth/header")
        assert login.status_code == 200
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    local = server.url.removeprefix("http://")
    assert _socket_accepted(server.url, cookie, local, server.url)  # the page itself
    assert not _socket_accepted(server.url, cookie, "evil.example", "http://evil.example")
    assert not _socket_accepted(server.url, cookie, "evil.example:80", "http://evil.example:80")


def test_own_thread_element_route_answers(password_server):
    """Issue 12 item 15: the elements the app stores (cited passages and PDFs, no props)
    made `GET /project/thread/<thread>/element/<id>` answer 500 to the thread's owner."""
    from chainlit.context import init_http_context
    from chainlit.element import Pdf, Text
    from chainlit.user import User

    from assistant.chat.datalayer import AssistantDataLayer
    from assistant.chat.storage import LocalStorageClient

    data = password_server.data_dir
    storage = LocalStorageClient(data / "chat-files", "s" * 48)
    layer = AssistantDataLayer(f"sqlite+aiosqlite:///{data / 'chat.db'}", storage)
    thread_id, answer_id = str(uuid.uuid4()), str(uuid.uuid4())

    async def store() -> list[str]:
        init_http_context()
        user = await layer.create_user(User(identifier="alice"))
        await layer.update_thread(thread_id, name="Leviers", user_id=user.id)
        await layer.create_step(
            {"id": answer_id, "threadId": thread_id, "type": "assistant_message", "name": "A"}
        )
        passage = Text(name="[1]", content="passage", display="side", for_id=answer_id)
        passage.thread_id = thread_id
        key = storage.put_bytes(b"%PDF-1.4 fake", "application/pdf")
        pdf = Pdf(name="[2]", url=storage.read_url(key), object_key=key, page=3)
        pdf.for_id, pdf.thread_id, pdf.display = answer_id, thread_id, "side"
        for element in (passage, pdf):
            await layer.create_element(element)
        await layer.engine.dispose()
        return [passage.id, pdf.id]

    ids = asyncio.run(store())
    alice, bob = _login(password_server, "alice"), _login(password_server, "bob")
    for element_id in ids:
        response = alice.get(f"/project/thread/{thread_id}/element/{element_id}")
        assert response.status_code == 200, response.text
        assert response.json()["id"] == element_id and response.json()["props"] == {}
        assert bob.get(f"/project/thread/{thread_id}/element/{element_id}").status_code == 401


def test_no_route_or_socket_event_writes_with_another_users_ids(password_server):
    """Issue 21 (IDOR-5): Bob's session replays every write Chainlit lets a page make —
    a question and an edit reusing the ids of Alice's messages, a custom element written
    and removed with her element's id and thread, feedback on her answer and with her
    feedback's id, sharing threads (off in config.toml), resuming her thread — and Alice's
    conversation is exactly as it was. A message sent with the id of her answer used to
    move that answer into Bob's thread, with his text."""
    from harness.chat import user_message
    from harness.chat_client import Browser, ChatClientError

    password = "mot de passe long"

    def mine(thread: dict) -> dict:
        return {
            "steps": sorted((s["id"], s["threadId"], s["output"]) for s in thread["steps"]),
            "feedback": sorted(
                (s["id"], s["feedback"]["id"], s["feedback"]["comment"])
                for s in thread["steps"]
                if s.get("feedback")
            ),
            "elements": sorted((e["id"], e["forId"], e["name"]) for e in thread["elements"]),
        }

    async def scenario():
        async with Browser(password_server.url) as alice, Browser(password_server.url) as bob:
            await alice.login("alice", password)
            await bob.login("bob", password)
            session = await alice.session()
            reply = await session.ask("Quels sont les trois leviers de l'hybridation ?")
            await session.close()
            thread_id, answer_id = reply.thread_id, reply.answer["id"]
            await alice.feedback(answer_id, 1, "Très utile")
            before = mine(await alice.wait_for_step(thread_id, answer_id))
            question_id = next(s[0] for s in before["steps"] if s[0] != answer_id)
            element_id = before["elements"][0][0]
            feedback_id = before["feedback"][0][1]

            his = await bob.session()
            own = await his.ask("Qu'est-ce que le mécénat de compétences ?")
            for step_id in (answer_id, question_id):
                forged = user_message("Texte de Bob", his.thread_id)
                forged["message"]["id"] = step_id
                await his.client.emit("client_message", forged)
                await his.client.emit(
                    "edit_message", {"message": {**forged["message"], "output": "Modifié"}}
                )
            await asyncio.sleep(3)  # Chainlit writes in background tasks
            custom = {
                "id": element_id,
                "type": "custom",
                "threadId": thread_id,
                "forId": answer_id,
                "name": "x",
                "display": "inline",
                "props": {},
            }
            codes = {}
            for method in ("PUT", "DELETE"):
                response = await bob.request(
                    method, "/project/element", json={"sessionId": his.id, "element": custom}
                )
                codes[f"{method} element"] = response.status_code
            rate = {"feedback": {"forId": answer_id, "value": 0}, "sessionId": his.id}
            codes["rate hers"] = (await bob.request("PUT", "/feedback", json=rate)).status_code
            takeover = {
                "feedback": {"id": feedback_id, "forId": own.answer["id"], "value": 0},
                "sessionId": his.id,
            }
            codes["her feedback id"] = (
                await bob.request("PUT", "/feedback", json=takeover)
            ).status_code
            codes["delete hers"] = (
                await bob.request("DELETE", "/feedback", json={"feedbackId": feedback_id})
            ).status_code
            for who, thread in ((bob, his.thread_id), (alice, thread_id)):
                share = {"threadId": thread, "isShared": True}
                response = await who.request("PUT", "/project/thread/share", json=share)
                codes[f"share {thread == thread_id}"] = response.status_code
            codes["read shared"] = (
                await bob.request("GET", f"/project/share/{thread_id}")
            ).status_code
            await asyncio.sleep(1)
            await his.close()
            try:
                await (await bob.session(thread_id=thread_id)).close()
                codes["resume hers"] = "accepted"
            except ChatClientError:
                codes["resume hers"] = "refused"
            after = mine(await alice.thread(thread_id))
            bob_thread = mine(await bob.thread(his.thread_id))
            return before, after, bob_thread, codes

    before, after, bob_thread, codes = asyncio.run(scenario())
    assert after == before, (before, after)
    assert codes == {
        "PUT element": 200,  # Chainlit answers; the data layer wrote nothing (after == before)
        "DELETE element": 200,
        "rate hers": 403,
        "her feedback id": 403,
        "delete hers": 403,
        "share False": 403,
        "share True": 403,
        "read shared": 404,
        "resume hers": "refused",
    }, codes
    assert not {s[0] for s in bob_thread["steps"]} & {s[0] for s in before["steps"]}


def test_postgres_stopped_mid_session_loses_nothing_without_a_word(reference_index, tmp_path):
    """Issue 21 (PG-5, PG-6), through the real server: PostgreSQL stopped after a first
    exchange. The question asked meanwhile is answered and the user is told it is not
    saved yet; health says « dégradé »; rating the first answer says « unavailable », not
    « not yours »; once PostgreSQL is back, the exchange is in the thread and health is
    « ready » again. It used to be answered, never stored, and nobody told."""
    from harness.chat_client import Browser
    from harness.postgres import PostgresServer

    if PostgresServer.missing():
        pytest.skip(PostgresServer.missing())
    hashed = bcrypt.hashpw(b"mot de passe long", bcrypt.gensalt(rounds=4)).decode()
    postgres = PostgresServer(tmp_path / "outage-postgres.log").start()
    server = None
    try:
        server = chat_on_copy(
            reference_index.data_dir,
            tmp_path,
            "outage",
            ASSISTANT_AUTH=f"alice:{hashed}",
            ASSISTANT_AUTH_SECRET="s" * 48,
            ASSISTANT_DATABASE_URL=postgres.database(),
        )

        async def health(browser) -> str:
            return (await browser.request("GET", "/assistant/health")).json()["status"]

        async def scenario():
            async with Browser(server.url) as alice:
                await alice.login("alice", "mot de passe long")
                session = await alice.session()
                first = await session.ask("Quels sont les trois leviers de l'hybridation ?")
                await alice.wait_for_step(first.thread_id, first.answer["id"])
                seen = {"before": await health(alice)}
                await asyncio.to_thread(postgres.pause)
                second = await session.ask("Qu'est-ce que le mécénat de compétences ?")
                await asyncio.sleep(1)  # Chainlit writes after showing
                seen["told"] = any("pas encore enregistré" in t["message"] for t in session.toasts)
                seen["during"] = await health(alice)
                rating = {"feedback": {"forId": first.answer["id"], "value": 1}, "sessionId": "x"}
                seen["rating"] = (await alice.request("PUT", "/feedback", json=rating)).status_code
                await asyncio.to_thread(postgres.resume)
                for _ in range(60):
                    if await health(alice) == "ready":
                        break
                    await asyncio.sleep(0.5)
                seen["after"] = await health(alice)
                thread = await alice.wait_for_step(first.thread_id, second.answer["id"])
                seen["stored"] = [
                    s["output"] for s in thread["steps"] if s["type"] == "user_message"
                ]
                await session.close()
                return seen

        seen = asyncio.run(scenario())
        assert seen == {
            "before": "ready",
            "told": True,
            "during": "dégradé",
            "rating": 503,
            "after": "ready",
            "stored": [
                "Quels sont les trois leviers de l'hybridation ?",
                "Qu'est-ce que le mécénat de compétences ?",
            ],
        }, seen
    finally:
        if server is not None:
            server.stop()
        postgres.stop()
