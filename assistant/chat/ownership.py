"""Feedback may only be written or deleted by the owner of the thread it belongs to.

Chainlit's ``PUT /feedback`` and ``DELETE /feedback`` check that a user is logged in, not
that the message or the feedback is theirs: with any valid cookie one could rate someone
else's answer, overwrite their comment or delete it (upstream issue #2975, advisory
GHSA-j9j5-49xj-4x24, closed without a fix). The same two routes are registered here in
front of Chainlit's: they resolve the thread from the server's own records (never from the
request), check its author, then hand over to Chainlit's handler.

Thread sharing: Chainlit's ``PUT /project/thread/share`` and ``GET /project/share/…`` do
not read ``allow_thread_sharing``; they are refused here while config.toml turns it off.
What any write may touch, whatever the route or socket event: :mod:`.owned`.
"""

import asyncio
import logging
import os
import time
from collections.abc import Callable

# Imported at module level, without postponed annotations: FastAPI reads the handlers'
# annotations (the request models, Chainlit's current-user dependency) at registration.
from chainlit import server as chainlit_server
from chainlit.types import DeleteFeedbackRequest, ShareThreadRequest, UpdateFeedbackRequest
from fastapi import HTTPException, Request

from .history import HistoryUnavailable

log = logging.getLogger(__name__)
STORING_WAIT_S = 3.0  # how long a rating waits for its message's row (see thread_of_step)


async def thread_of_step(layer, step_id: str, wait_s: float = 0.0) -> str | None:
    """The thread of a stored message; waits up to ``wait_s`` for a message being stored.

    Chainlit shows a message first and stores it in a background task: a rating clicked
    right after an answer may reach the server before the answer's row does (more so on a
    PostgreSQL server than on a local file), and was refused as « not yours »."""
    query = 'SELECT "threadId" FROM steps WHERE "id" = :id'
    deadline = time.monotonic() + wait_s
    while True:
        rows = await layer.execute_sql(query, {"id": step_id})
        if isinstance(rows, list) and rows:
            return rows[0].get("threadId")
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(0.1)


async def feedback_row(layer, feedback_id: str) -> dict | None:
    rows = await layer.execute_sql(
        'SELECT "forId", "threadId" FROM feedbacks WHERE "id" = :id', {"id": feedback_id}
    )
    return rows[0] if isinstance(rows, list) and rows else None


async def owns_thread(layer, user, thread_id: str | None) -> bool:
    if not thread_id or user is None:
        return False
    try:
        author = await layer.get_thread_author(thread_id)
    except ValueError:  # Chainlit's answer for an unknown thread; a database error
        return False  # (HistoryUnavailable) is not « not yours »: it goes up, a 503
    return bool(author) and author == getattr(user, "identifier", None)


def sharing_allowed() -> bool:
    """``[features] allow_thread_sharing`` of the chat's config.toml (off by default)."""
    from chainlit.config import config

    return bool(getattr(config.features, "allow_thread_sharing", False))


def install(app, get_layer: Callable[[], object]) -> None:
    """Put the checked feedback routes before Chainlit's own."""
    refused = HTTPException(
        status_code=403, detail="Ce message n'appartient pas à vos conversations."
    )

    def unavailable(exc: HistoryUnavailable) -> HTTPException:
        return HTTPException(
            status_code=503,
            detail="L'historique est momentanément indisponible : votre retour n'est pas "
            "enregistré, réessayez dans un instant.",
        )

    async def update_feedback(
        request: Request,
        update: UpdateFeedbackRequest,
        current_user: chainlit_server.UserParam,
    ):
        layer = get_layer()
        try:
            if layer is not None:
                feedback = update.feedback
                thread_id = await thread_of_step(layer, feedback.forId, wait_s=STORING_WAIT_S)
                if not await owns_thread(layer, current_user, thread_id):
                    log.warning("chat: feedback refused on a message of another user")
                    raise refused
                if feedback.id:
                    existing = await feedback_row(layer, feedback.id)
                    if existing is not None and existing.get("forId") != feedback.forId:
                        raise refused  # someone else's feedback id, aimed at one's own message
                feedback.threadId = thread_id  # the server's record, not the request's
            return await chainlit_server.update_feedback(request, update, current_user)
        except HistoryUnavailable as exc:
            raise unavailable(exc) from None

    async def delete_feedback(
        request: Request,
        payload: DeleteFeedbackRequest,
        current_user: chainlit_server.UserParam,
    ):
        layer = get_layer()
        try:
            if layer is not None:
                existing = await feedback_row(layer, payload.feedbackId)
                if existing is None:
                    raise HTTPException(status_code=404, detail="Retour introuvable.")
                thread_id = await thread_of_step(layer, existing.get("forId") or "")
                if not await owns_thread(layer, current_user, thread_id):
                    log.warning("chat: feedback deletion refused for another user's message")
                    raise refused
            return await chainlit_server.delete_feedback(request, payload, current_user)
        except HistoryUnavailable as exc:
            raise unavailable(exc) from None

    async def share_thread(
        request: Request,
        payload: ShareThreadRequest,
        current_user: chainlit_server.UserParam,
    ):
        """Chainlit's share route does not read ``allow_thread_sharing``: the API shared a
        thread (publishing its message ids) although the configuration turns sharing off."""
        if not sharing_allowed():
            raise HTTPException(
                status_code=403, detail="Le partage des conversations est désactivé."
            )
        return await chainlit_server.share_thread(request, payload, current_user)

    async def shared_thread(
        request: Request, thread_id: str, current_user: chainlit_server.UserParam
    ):
        if not sharing_allowed():
            raise HTTPException(status_code=404, detail="Thread not found")
        return await chainlit_server.get_shared_thread(request, thread_id, current_user)

    prefix = os.environ.get("CHAINLIT_ROOT_PATH", "").rstrip("/")  # as Chainlit's router
    before = len(app.router.routes)
    app.add_api_route(f"{prefix}/feedback", update_feedback, methods=["PUT"])
    app.add_api_route(f"{prefix}/feedback", delete_feedback, methods=["DELETE"])
    app.add_api_route(f"{prefix}/project/thread/share", share_thread, methods=["PUT"])
    app.add_api_route(f"{prefix}/project/share/{{thread_id}}", shared_thread, methods=["GET"])
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
