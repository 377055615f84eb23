"""Issue 21, class 2: message, element and feedback ids are owned by the server.

Chainlit's data layer upserts by id (``ON CONFLICT (id) DO UPDATE``), and many ids come
from the page. Bob's session replays each write Chainlit can make on a client's behalf —
a question (``client_message``), an edited message (``edit_message``), a removed message,
a custom element written or removed (``PUT`` / ``DELETE /project/element``), a feedback
written or deleted, a thread renamed or shared — with the ids of Alice's conversation.
Alice's conversation must be exactly as it was, on SQLite and on a real PostgreSQL.
The same writes over the real server's routes and socket events: ``test_chat_server.py``.
"""

from __future__ import annotations

import uuid

from chainlit.context import init_http_context
from chainlit.element import CustomElement, Text
from chainlit.types import Feedback
from chainlit.user import User

from tests.test_chat_datalayer import _conversation, database, new_layer, run, sql_errors

__all__ = ["database", "sql_errors"]  # fixtures


async def _alice_rows(layer, thread_id: str) -> dict:
    rows = {}
    for table, column in (
        ("threads", "id"),
        ("steps", "threadId"),
        ("elements", "threadId"),
        ("feedbacks", "threadId"),
    ):
        found = await layer.execute_sql(
            f'SELECT * FROM {table} WHERE "{column}" = :id ORDER BY "id"', {"id": thread_id}
        )
        rows[table] = found
    return rows


def _message(step_id: str, thread_id: str, text: str) -> dict:
    return {
        "id": step_id,
        "threadId": thread_id,
        "type": "user_message",
        "name": "bob",
        "output": text,
        "createdAt": "2026-12-04T10:00:00Z",
        "metadata": {},
    }


def test_no_write_with_another_users_ids_touches_her_conversation(database, sql_errors):
    layer = new_layer(database)

    async def scenario():
        alice, thread_id, answer_id = await _conversation(layer)
        steps = await layer.execute_sql(
            'SELECT "id" FROM steps WHERE "threadId" = :t', {"t": thread_id}
        )
        question_id = next(s["id"] for s in steps if s["id"] != answer_id)
        element_id = (await layer.get_thread(thread_id))["elements"][0]["id"]
        feedback_id = (await layer.get_step(answer_id))["feedback"]["id"]
        before = await _alice_rows(layer, thread_id)

        bob = await layer.create_user(User(identifier="bob"))
        init_http_context(user=bob)  # every write below runs for Bob's session
        bob_thread = str(uuid.uuid4())
        await layer.update_thread(bob_thread, name="Bob", user_id=bob.id)
        await layer.create_step(_message(str(uuid.uuid4()), bob_thread, "Ma question"))
        bob_step = (await layer.get_thread(bob_thread))["steps"][0]["id"]

        # client_message / edit_message reusing her ids, in his thread and in hers.
        for step_id in (answer_id, question_id):
            await layer.create_step(_message(step_id, bob_thread, "Texte de Bob"))
            await layer.update_step(_message(step_id, bob_thread, "Texte de Bob"))
            await layer.create_step(_message(step_id, thread_id, "Texte de Bob"))
        await layer.create_step(_message(str(uuid.uuid4()), thread_id, "Dans son fil"))
        # message removed (an edit removes the messages after it in the session).
        await layer.delete_step(answer_id)
        # custom elements (PUT / DELETE /project/element): her id, his thread and hers.
        for thread in (bob_thread, thread_id):
            await layer.create_element(
                CustomElement(id=element_id, for_id=bob_step, thread_id=thread, name="x")
            )
        await layer.create_element(
            Text(name="[9]", content="pirate", for_id=answer_id, thread_id=thread_id)
        )
        await layer.delete_element(element_id, bob_thread)
        await layer.delete_element(element_id, thread_id)
        # feedback: on her answer; her feedback id on his own message; deleting hers.
        assert not await layer.upsert_feedback(Feedback(forId=answer_id, value=0))
        assert not await layer.upsert_feedback(
            Feedback(id=feedback_id, forId=bob_step, value=0, comment="écrasé")
        )
        assert not await layer.delete_feedback(feedback_id)
        # thread renamed, taken over or shared through the data layer.
        await layer.update_thread(thread_id, name="Volé", user_id=bob.id)
        await layer.update_thread(thread_id, metadata={"is_shared": True})

        after = await _alice_rows(layer, thread_id)
        bob_rows = await _alice_rows(layer, bob_thread)
        return before, after, bob_rows, alice

    before, after, bob_rows, _ = run(scenario(), layer)
    assert after == before
    # Bob's own writes did land (the checks refuse other users' ids only).
    assert [s["output"] for s in bob_rows["steps"]] == ["Ma question"]
    assert bob_rows["feedbacks"] == [] and bob_rows["elements"] == []


def test_ones_own_writes_still_update_by_id(database, sql_errors):
    """The page edits its own message and rates its own answer again by the same ids."""
    layer = new_layer(database)

    async def scenario():
        user, thread_id, answer_id = await _conversation(layer)
        init_http_context(user=user)
        step_id = str(uuid.uuid4())
        await layer.create_step(_message(step_id, thread_id, "Première version"))
        await layer.update_step(_message(step_id, thread_id, "Seconde version"))
        feedback_id = (await layer.get_step(answer_id))["feedback"]["id"]
        again = await layer.upsert_feedback(
            Feedback(id=feedback_id, forId=answer_id, value=0, comment="Finalement non")
        )
        step = await layer.get_step(step_id)
        feedback = (await layer.get_step(answer_id))["feedback"]
        deleted = await layer.delete_feedback(feedback_id)
        return step, again, feedback, deleted, feedback_id

    step, again, feedback, deleted, feedback_id = run(scenario(), layer)
    assert step["output"] == "Seconde version"
    assert again == feedback_id and feedback["value"] == 0 and deleted
