"""Ids are owned by the server: no client-supplied id writes outside the caller's threads.

Chainlit takes many ids from the page: a question's message id (``client_message``), an
edited message (``edit_message``), a custom element's id and thread (``PUT`` / ``DELETE
/project/element``), a feedback id (``PUT /feedback``). Its SQL data layer then writes
with ``INSERT … ON CONFLICT (id) DO UPDATE``: a message sent with the id of someone else's
answer moved that answer into the sender's thread with the sender's text, after which
« rating it » or deleting its feedback passed every ownership check (issue 21, IDOR-5).

Every write path of the data layer ends here, so the rule is enforced once, for every
route and socket event, present or future:

- a write names its thread; a thread that has an author is written only by that author
  (the logged-in user of the Chainlit session the write runs for);
- an existing row keeps its thread: the upsert of a step or an element only updates a
  row of the same thread (``ON CONFLICT … DO UPDATE … WHERE`` the stored thread is the
  written one), a feedback only one about the same message;
- deleting a step, an element or a feedback needs the caller to own its thread.

A refused write is dropped and logged (it comes from a forged request: the page never
sends one). Outside a Chainlit session (tests, maintenance scripts) there is no caller
and only the row rules apply.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from chainlit.data.utils import queue_until_user_message

log = logging.getLogger(__name__)


def caller() -> str | None:
    """The logged-in user of the Chainlit session this write runs for (a socket event, a
    route, or a background task started from one); None outside any session."""
    from chainlit.context import ChainlitContextException, get_context

    try:
        user = get_context().session.user
    except (ChainlitContextException, AttributeError):
        return None
    return getattr(user, "identifier", None)


class OwnedWrites:
    """Mixed into the SQLAlchemy data layer before Chainlit's class (see module doc)."""

    # --- the checks ---------------------------------------------------------------------
    async def _rows(self, query: str, parameters: dict) -> list[dict]:
        rows = await self.execute_sql(query, parameters)  # type: ignore[attr-defined]
        return rows if isinstance(rows, list) else []

    async def thread_author(self, thread_id: str | None) -> str | None:
        """The thread's author; None for a thread not stored yet or without one."""
        if not thread_id:
            return None
        rows = await self._rows(
            'SELECT "userIdentifier" FROM threads WHERE "id" = :id', {"id": thread_id}
        )
        return (rows[0].get("userIdentifier") or None) if rows else None

    async def may_write(self, thread_id: str | None, who: str | None, what: str) -> bool:
        """Whether ``who`` may write into ``thread_id`` (its author, or a thread nobody
        owns yet: a conversation being created)."""
        if who is None:
            return True
        author = await self.thread_author(thread_id)
        if author is None or author == who:
            return True
        log.warning("chat: %s refused: %r wrote into a thread of another user", what, who)
        return False

    async def _thread_of(self, table: str, row_id: str) -> tuple[bool, str | None]:
        rows = await self._rows(f'SELECT "threadId" FROM {table} WHERE "id" = :id', {"id": row_id})
        return (True, rows[0].get("threadId")) if rows else (False, None)

    # --- threads ------------------------------------------------------------------------
    async def update_thread(self, thread_id: str, *args: Any, **kwargs: Any):
        who = caller()
        return await self.save(  # type: ignore[attr-defined]
            "thread", lambda: self._update_thread(who, thread_id, *args, **kwargs)
        )

    async def _update_thread(self, who: str | None, thread_id: str, *args: Any, **kwargs: Any):
        if not await self.may_write(thread_id, who, "thread update"):
            return None
        return await super().update_thread(thread_id, *args, **kwargs)  # type: ignore[misc]

    # --- steps --------------------------------------------------------------------------
    async def create_step(self, step_dict: dict) -> None:
        """Chainlit's ``create_step``, except that a stored message never changes thread."""
        who, step = caller(), dict(step_dict)
        await self.save("message", lambda: self._create_step(who, step))  # type: ignore[attr-defined]

    async def _create_step(self, who: str | None, step_dict: dict) -> None:
        import json

        thread_id = step_dict.get("threadId")
        if not await self.may_write(thread_id, who, "message"):
            return
        await self._update_thread(who, thread_id)
        step_dict["showInput"] = (
            str(step_dict.get("showInput", "")).lower() if "showInput" in step_dict else None
        )
        parameters = {
            key: value
            for key, value in step_dict.items()
            if value is not None and not (isinstance(value, dict) and not value)
        }
        parameters["metadata"] = json.dumps(step_dict.get("metadata", {}))
        parameters["generation"] = json.dumps(step_dict.get("generation", {}))
        written = await self._upsert_where("steps", parameters, 'steps."threadId" = :threadId')
        if written == 0:
            log.warning("chat: message refused: its id belongs to another conversation")

    @queue_until_user_message()
    async def update_step(self, step_dict: dict) -> None:
        await self.create_step(step_dict)

    @queue_until_user_message()
    async def delete_step(self, step_id: str) -> None:
        who = caller()
        await self.save("message deletion", lambda: self._delete_step(who, step_id))  # type: ignore[attr-defined]

    async def _delete_step(self, who: str | None, step_id: str) -> None:
        found, thread_id = await self._thread_of("steps", step_id)
        if not found or not await self.may_write(thread_id, who, "message deletion"):
            return
        for table, column in (("feedbacks", "forId"), ("elements", "forId"), ("steps", "id")):
            await self.execute_sql(  # type: ignore[attr-defined]
                f'DELETE FROM {table} WHERE "{column}" = :id', {"id": step_id}
            )

    # --- elements -----------------------------------------------------------------------
    async def element_writable(self, element, who: str | None) -> bool:
        """An element is written into its own thread only, by that thread's author."""
        thread_id = getattr(element, "thread_id", None)
        if not await self.may_write(thread_id, who, "element"):
            return False
        found, stored = await self._thread_of("elements", str(element.id))
        if found and stored != thread_id:
            log.warning("chat: element refused: its id belongs to another conversation")
            return False
        return True

    @queue_until_user_message()
    async def delete_element(self, element_id: str, thread_id: str | None = None) -> None:
        who = caller()
        await self.save(  # type: ignore[attr-defined]
            "element deletion", lambda: self._delete_element(who, element_id, thread_id)
        )

    async def _delete_element(self, who: str | None, element_id: str, thread_id: str | None):
        found, stored = await self._thread_of("elements", element_id)
        if not found or not await self.may_write(stored, who, "element deletion"):
            return
        if thread_id and thread_id != stored:
            log.warning("chat: element deletion refused: not in the thread named")
            return
        rows = await self._rows(
            'SELECT "objectKey" FROM elements WHERE "id" = :id', {"id": element_id}
        )
        storage = getattr(self, "storage_provider", None)
        if storage is not None and rows and rows[0].get("objectKey"):
            await storage.delete_file(object_key=rows[0]["objectKey"])
        await self.execute_sql(  # type: ignore[attr-defined]
            'DELETE FROM elements WHERE "id" = :id', {"id": element_id}
        )

    # --- feedback -----------------------------------------------------------------------
    async def upsert_feedback(self, feedback) -> str:
        """Chainlit's ``upsert_feedback``, on one's own messages only; an existing feedback
        id only updates the feedback of the same message."""
        who = caller()
        feedback.id = feedback.id or str(uuid.uuid4())
        written = await self.save(  # type: ignore[attr-defined]
            "feedback", lambda: self._upsert_feedback(who, feedback)
        )
        return written or ""

    async def _upsert_where(self, table: str, parameters: dict, guard: str):
        """``INSERT … ON CONFLICT (id) DO UPDATE … WHERE guard``: a row with that id is
        updated only when the stored row passes ``guard`` (same thread, same message);
        returns what ``execute_sql`` returns (0 when the guard refused)."""
        columns = ", ".join(f'"{key}"' for key in parameters)
        values = ", ".join(f":{key}" for key in parameters)
        updates = ", ".join(f'"{key}" = :{key}' for key in parameters if key != "id")
        return await self.execute_sql(  # type: ignore[attr-defined]
            f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (id) DO UPDATE "
            f"SET {updates} WHERE {guard}",
            parameters,
        )

    async def _upsert_feedback(self, who: str | None, feedback) -> str:
        from dataclasses import asdict

        found, thread_id = await self._thread_of("steps", feedback.forId)
        if not found or not await self.may_write(thread_id, who, "feedback"):
            return ""
        feedback.threadId = thread_id  # the stored message's thread, never the request's
        parameters = {k: v for k, v in asdict(feedback).items() if v is not None}
        written = await self._upsert_where("feedbacks", parameters, 'feedbacks."forId" = :forId')
        if written == 0:
            log.warning("chat: feedback refused: its id belongs to another message")
            return ""
        return feedback.id

    async def delete_feedback(self, feedback_id: str) -> bool:
        who = caller()
        done = await self.save(  # type: ignore[attr-defined]
            "feedback deletion", lambda: self._delete_feedback(who, feedback_id)
        )
        return bool(done)

    async def _delete_feedback(self, who: str | None, feedback_id: str) -> bool:
        rows = await self._rows(
            'SELECT "forId" FROM feedbacks WHERE "id" = :id', {"id": feedback_id}
        )
        if not rows:
            return False
        found, thread_id = await self._thread_of("steps", rows[0].get("forId") or "")
        if (not found and who is not None) or not await self.may_write(
            thread_id, who, "feedback deletion"
        ):
            return False
        await self.execute_sql(  # type: ignore[attr-defined]
            'DELETE FROM feedbacks WHERE "id" = :id', {"id": feedback_id}
        )
        return True
