"""The chat's handlers, one object per process: login, life cycle, sessions and the message
dispatch. Answers, session sheets and uploads are handled by the groups it puts together
(:mod:`.answers`, :mod:`.sheets`, :mod:`.upload_flow`); :func:`assistant.chat.build.build_app`
registers its methods with Chainlit.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field

import chainlit as cl
from chainlit.data import get_data_layer

from .answers import AnswerHandlers, export_action
from .auth import LOCAL_USER, LoginThrottle, host_of, is_loopback
from .conversation import ANSWER_KIND, Conversation
from .core import log, notice
from .profiles import TRAINER, chainlit_profiles, get_profile
from .session import SessionState, kind_of, left_on
from .sheets import ASKED_TOPIC, SheetHandlers, sheet_request
from .upload_flow import UploadHandlers


@dataclass
class ChatApp(AnswerHandlers, SheetHandlers, UploadHandlers):
    throttle: LoginThrottle = field(default_factory=LoginThrottle)

    # --- login ----------------------------------------------------------------------------
    async def password_login(self, username: str, password: str) -> cl.User | None:
        assert self.users is not None
        name = (username or "").strip()[:128]
        if self.throttle.blocked(name):
            log.warning("chat: login refused for %r (too many failures)", name[:64])
            return None
        # bcrypt is slow on purpose: off the loop, and off the answering pool.
        if await asyncio.to_thread(self.users.verify, name, password):
            self.throttle.succeeded(name)
            return cl.User(identifier=name, metadata={"provider": "password"})
        self.throttle.failed(name)
        log.warning("chat: failed login for %r", name[:64])
        return None

    async def local_login(self, headers) -> cl.User | None:
        # Local single-user mode: only pages reached by a loopback name (no DNS rebinding).
        if not is_loopback(host_of(headers.get("host"))):
            return None
        return cl.User(identifier=LOCAL_USER, metadata={"provider": "local"})

    # --- life cycle -----------------------------------------------------------------------
    async def startup(self) -> None:
        layer = get_data_layer()
        if layer is not None:
            await layer.ensure_schema()
        self.runtime.warm_up()

    async def shutdown(self) -> None:
        self.runtime.close()

    async def chat_profiles(self, user=None, language=None):
        return chainlit_profiles()

    async def on_chat_start(self) -> None:
        cl.user_session.set("state", SessionState.new(self.settings.rate_limit_per_minute))

    async def on_chat_resume(self, thread) -> None:
        steps = thread.get("steps") or []
        session = SessionState.new(
            self.settings.rate_limit_per_minute, Conversation.from_steps(steps)
        )
        session.awaiting_sheet_topic = left_on(steps) == ASKED_TOPIC
        cl.user_session.set("state", session)
        answers = [s for s in steps if kind_of(s) == ANSWER_KIND]
        if answers:
            await export_action().send(for_id=answers[-1]["id"])
        if thread.get("elements"):
            # The thread and its elements reach the page after this handler returns.
            self.close_side_panel_soon(1.5)

    async def on_feedback(self, feedback) -> None:
        log.info("chat: feedback %s on %s", feedback.value, feedback.forId)

    # --- messages -------------------------------------------------------------------------
    async def on_message(self, message: cl.Message) -> None:
        current = self.state()
        files = [e for e in (message.elements or []) if getattr(e, "path", None)]
        if files:
            await self.add_files(files, current)
        question = (message.content or "").strip()
        if not question:
            return
        if not current.rate.allow():
            wait = math.ceil(current.rate.retry_after())
            await notice(
                f"Vous avez posé beaucoup de questions en une minute : réessayez dans {wait} s."
            )
            return
        if get_profile(cl.user_session.get("chat_profile")).name == TRAINER:
            topic = sheet_request(question)
            if topic is None and current.awaiting_sheet_topic:
                topic = question
            if topic is not None:
                await self.prepare_sheet(topic)
                return
        await self.answer(question, current)
