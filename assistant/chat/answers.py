"""Answering in the chat: the search step, the streamed answer, its cited passages and PDF
pages as side elements, and the conversation's Markdown export."""

from __future__ import annotations

import asyncio
import time

import chainlit as cl
from chainlit.utils import utc_now

from ..errors import AssistantError
from ..models import Answer
from .citations import build_elements, retrieval_markdown, source_views, sources_footer, store_pdfs
from .conversation import Exchange, answer_metadata
from .core import UNAVAILABLE, ChatCore, finish_step, log
from .export import conversation_markdown, export_filename
from .profiles import TRAINER, get_profile
from .sanitize import escape_markdown, sanitize_markdown
from .session import SessionState
from .sheets import sheet_action
from .streaming import SafeStreamer

EXPORT_ACTION = "export_markdown"


def export_action() -> cl.Action:
    return cl.Action(
        name=EXPORT_ACTION,
        payload={},
        label="Exporter la conversation (Markdown)",
        tooltip="Télécharger les questions, réponses et références en Markdown",
        icon="download",
    )


class AnswerHandlers(ChatCore):
    async def answer(self, question: str, current: SessionState) -> None:
        profile = get_profile(cl.user_session.get("chat_profile"))
        if not await self.ensure_ready():
            return
        # Under the current run, like the answer message: the step shows above the answer.
        run = cl.context.current_step
        step = cl.Step(
            name="Recherche dans le corpus",
            type="retrieval",
            show_input=False,
            parent_id=run.id if run else None,
        )
        step.start = utc_now()
        await step.send()
        message = cl.Message(content="")
        streamer = SafeStreamer(message)
        result: Answer | None = None
        history = current.conversation.history(self.settings.max_history_turns)
        started = time.perf_counter()
        first: float | None = None
        try:
            async for item in self.runtime.stream(question, history, profile.detail, self.viewer()):
                if isinstance(item, Answer):
                    result = item
                else:
                    first = first or time.perf_counter()
                    await streamer.feed(item)
        except asyncio.CancelledError:  # the user pressed « stop »
            await finish_step(step, "_Recherche interrompue._")
            raise
        except AssistantError as exc:
            if exc.public:  # e.g. a question too long: the message is for the user
                await finish_step(step, f"_Question non traitée : {escape_markdown(str(exc))}_")
                message.content = str(exc).split(" / ")[0]
            else:  # e.g. the Chroma server is down: the message (paths, hosts) is for the log
                log.error("chat: answering failed: %s", exc)
                await finish_step(step, "_La recherche a échoué._", error=True)
                message.content = UNAVAILABLE
            message.metadata = {"kind": "notice"}
            await message.send()
            return
        except Exception:
            log.exception("chat: answering failed")
            await finish_step(step, "_La recherche a échoué._", error=True)
            message.content = UNAVAILABLE
            message.metadata = {"kind": "notice"}
            await message.send()
            return
        assert result is not None
        streamed = time.perf_counter()
        await finish_step(step, retrieval_markdown(result))
        views, stored = await self.runtime.run(self.views_and_pdfs, result, self.viewer())
        message.elements = build_elements(views, stored)
        shown = sanitize_markdown(result.answer)
        footer = sources_footer(views)
        message.content = shown + (f"\n\n{footer}" if footer else "")
        message.metadata = answer_metadata(result, profile.name, shown)
        message.actions = [export_action()] + ([sheet_action()] if profile.name == TRAINER else [])
        await message.send()
        self.close_side_panel_soon()
        done = time.perf_counter()
        log.info(
            "chat: answer in %.0f ms (first token %.0f ms, streamed %.0f ms, %d citations, %s)",
            (done - started) * 1000,
            ((first or streamed) - started) * 1000,
            (streamed - started) * 1000,
            len(views),
            profile.detail,
        )
        current.conversation.add(
            Exchange(
                question=result.question,
                answer=shown,
                citations=message.metadata["citations"],
                profile=profile.name,
                abstained=result.abstained,
            )
        )

    def views_and_pdfs(self, result: Answer, viewer: str | None = None):
        """Blocking part of showing an answer: find cited pages, store cited PDFs (a
        worker thread: ``viewer`` is read on the loop, where the session is)."""
        views = source_views(result, self.settings, viewer)
        return views, store_pdfs(views, self.runtime.pdf_file)

    async def export_conversation(self, action: cl.Action) -> None:
        markdown = conversation_markdown(self.state().conversation)
        document = cl.File(
            name=export_filename(),
            content=markdown.encode("utf-8"),
            mime="text/markdown",
            display="inline",
        )
        await cl.Message(
            content="Voici la conversation exportée, avec les références de chaque réponse :",
            elements=[document],
            metadata={"kind": "export"},
        ).send()
