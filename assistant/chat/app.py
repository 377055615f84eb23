"""The Chainlit app: ``assistant chat`` or ``chainlit run assistant/chat/app.py``.

Handlers stay thin: they read the session, call :class:`~assistant.answer.answering.Assistant`
through :mod:`assistant.chat.runtime` (off the event loop, one shared assistant per
process) and hand the result to small modules for display (citations), safety
(sanitize, streaming), files (uploads, export) and persistence (datalayer, storage).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from pathlib import Path

import chainlit as cl
import chainlit.config as chainlit_config_module
import chainlit.server as chainlit_server_module
from chainlit.config import config as cl_config
from chainlit.data import get_data_layer
from chainlit.server import app as server_app
from chainlit.server import sio
from chainlit.utils import utc_now

from assistant.chat import ownership, web
from assistant.chat.auth import (
    LOCAL_USER,
    AuthConfigError,
    LoginThrottle,
    bind_refusal,
    host_of,
    is_loopback,
    parse_users,
    session_secret,
)
from assistant.chat.citations import (
    build_elements,
    retrieval_markdown,
    source_views,
    sources_footer,
    store_pdfs,
    uploads_dir,
)
from assistant.chat.conversation import Conversation, Exchange, answer_metadata
from assistant.chat.datalayer import files_root, make_data_layer
from assistant.chat.export import conversation_markdown, export_filename
from assistant.chat.profiles import TRAINER, chainlit_profiles, get_profile
from assistant.chat.progress import progress_text
from assistant.chat.runtime import ChatRuntime
from assistant.chat.sanitize import escape_markdown, sanitize_markdown
from assistant.chat.session import SessionState, kind_of, left_on
from assistant.chat.sheets import ASK_TOPIC, ASKED_TOPIC, REQUEST, sheet_files, sheet_request
from assistant.chat.storage import LocalStorageClient, process_files_dir
from assistant.chat.streaming import SafeStreamer
from assistant.chat.uploads import (
    ACCEPT,
    UploadRejected,
    check_upload,
    ingest_with_progress,
    outcome_message,
    place_upload,
    remove_placed,
    safe_filename,
    share_upload,
)
from assistant.errors import AssistantError
from assistant.ingest.indexing import IngestError
from assistant.models import Answer
from assistant.settings import get_settings
from assistant.trainer.build import build_sheet
from assistant.trainer.markdown import blocks as sheet_blocks

log = logging.getLogger("assistant.chat")
UNAVAILABLE = (
    "Désolé, une erreur empêche de répondre pour l'instant. Réessayez dans un moment ; "
    "si elle persiste, signalez-la à la personne qui gère l'assistant."
)

# --- process set-up (cheap: nothing is loaded before the first request) -----------------
settings = get_settings()
try:
    users = parse_users(settings.auth)
    refusal = bind_refusal(cl_config.run.host, settings)
except AuthConfigError as exc:
    raise SystemExit(str(exc)) from None
if refusal:
    raise SystemExit(refusal)

_secret = (
    os.environ.get("CHAINLIT_AUTH_SECRET") if settings.auth_secret is None else None
) or session_secret(settings)
os.environ["CHAINLIT_AUTH_SECRET"] = _secret

storage = LocalStorageClient(files_root(settings), _secret)
runtime = ChatRuntime(settings, storage)

# Chainlit keeps each session's uploads under <app root>/.files: keep them in the data
# folder instead (user files stay out of the project folder), one folder per process:
# Chainlit deletes the whole folder when it stops, which must not take the sessions of
# another replica sharing the data folder with it.
_session_files = process_files_dir(settings.data_dir / "chat-sessions")
chainlit_config_module.FILES_DIRECTORY = _session_files
chainlit_server_module.FILES_DIRECTORY = _session_files

# Security-relevant options are enforced here as well as in .chainlit/config.toml.
cl_config.features.unsafe_allow_html = False
cl_config.features.mcp.enabled = False
cl_config.features.mcp.user_servers.enabled = False
if cl_config.features.spontaneous_file_upload is not None:
    cl_config.features.spontaneous_file_upload.enabled = True
    cl_config.features.spontaneous_file_upload.accept = ACCEPT
    cl_config.features.spontaneous_file_upload.max_size_mb = math.ceil(settings.max_upload_mb)
    cl_config.features.spontaneous_file_upload.max_files = 5
_origins = web.parse_origins(settings.allowed_origins)
cl_config.project.allow_origins[:] = _origins  # the CORS middleware holds this very list
# Local mode: the socket gets the same loopback-Host check as the header login.
web.install(
    server_app, sio, storage, runtime.status, _origins, is_loopback if users is None else None
)
ownership.install(server_app, get_data_layer)

EXPORT_ACTION = "export_markdown"
SHEET_ACTION = "prepare_sheet"
SHARE_ACTION = "share_upload"


def state() -> SessionState:
    current = cl.user_session.get("state")
    if not isinstance(current, SessionState):
        current = SessionState.new(settings.rate_limit_per_minute)
        cl.user_session.set("state", current)
    return current


# --- authentication ---------------------------------------------------------------------
if users is not None:
    throttle = LoginThrottle()

    @cl.password_auth_callback
    async def password_login(username: str, password: str):
        name = (username or "").strip()[:128]
        if throttle.blocked(name):
            log.warning("chat: login refused for %r (too many failures)", name[:64])
            return None
        # bcrypt is slow on purpose: off the loop, and off the answering pool.
        if await asyncio.to_thread(users.verify, name, password):
            throttle.succeeded(name)
            return cl.User(identifier=name, metadata={"provider": "password"})
        throttle.failed(name)
        log.warning("chat: failed login for %r", name[:64])
        return None

else:

    @cl.header_auth_callback
    async def local_login(headers):
        # Local single-user mode: only pages reached by a loopback name (no DNS rebinding).
        if not is_loopback(host_of(headers.get("host"))):
            return None
        return cl.User(identifier=LOCAL_USER, metadata={"provider": "local"})


# --- persistence and life cycle ---------------------------------------------------------
@cl.data_layer
def data_layer():
    return make_data_layer(settings, storage)


@cl.on_app_startup
async def startup() -> None:
    layer = get_data_layer()
    if layer is not None:
        await layer.ensure_schema()
    runtime.warm_up()


@cl.on_app_shutdown
async def shutdown() -> None:
    runtime.close()


@cl.set_chat_profiles
async def chat_profiles(user=None, language=None):
    return chainlit_profiles()


@cl.on_chat_start
async def on_chat_start() -> None:
    cl.user_session.set("state", SessionState.new(settings.rate_limit_per_minute))


@cl.on_chat_resume
async def on_chat_resume(thread) -> None:
    steps = thread.get("steps") or []
    session = SessionState.new(settings.rate_limit_per_minute, Conversation.from_steps(steps))
    cl.user_session.set("state", session)
    session.awaiting_sheet_topic = left_on(steps) == ASKED_TOPIC
    answers = [s for s in steps if kind_of(s) == "answer"]
    if answers:
        await export_action().send(for_id=answers[-1]["id"])
    if thread.get("elements"):
        # The thread and its elements reach the page after this handler returns.
        close_side_panel_soon(1.5)


@cl.on_feedback
async def on_feedback(feedback) -> None:
    log.info("chat: feedback %s on %s", feedback.value, feedback.forId)


# --- messages ---------------------------------------------------------------------------
@cl.on_message
async def on_message(message: cl.Message) -> None:
    current = state()
    files = [e for e in (message.elements or []) if getattr(e, "path", None)]
    if files:
        await add_files(files, current)
    question = (message.content or "").strip()
    if not question:
        return
    if not current.rate.allow():
        wait = math.ceil(current.rate.retry_after())
        await cl.Message(
            content=f"Vous avez posé beaucoup de questions en une minute : réessayez dans "
            f"{wait} s.",
            metadata={"kind": "notice"},
        ).send()
        return
    if get_profile(cl.user_session.get("chat_profile")).name == TRAINER:
        topic = sheet_request(question)
        if topic is None and current.awaiting_sheet_topic:
            topic = question
        if topic is not None:
            await prepare_sheet(topic)
            return
    await answer(question, current)


async def answer(question: str, current: SessionState) -> None:
    profile = get_profile(cl.user_session.get("chat_profile"))
    if not await ensure_ready():
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
    history = current.conversation.history(settings.max_history_turns)
    started = time.perf_counter()
    first: float | None = None
    try:
        async for item in runtime.stream(question, history, profile.detail, viewer()):
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
    views, stored = await runtime.run(views_and_pdfs, result)
    message.elements = build_elements(views, stored)
    shown = sanitize_markdown(result.answer)
    footer = sources_footer(views)
    message.content = shown + (f"\n\n{footer}" if footer else "")
    message.metadata = answer_metadata(result, profile.name, shown)
    message.actions = [export_action()] + ([sheet_action()] if profile.name == TRAINER else [])
    await message.send()
    close_side_panel_soon()
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


SIDE_PANEL_DELAY_S = 0.6


def close_side_panel_soon(delay_s: float = SIDE_PANEL_DELAY_S) -> None:
    """Close the side panel Chainlit opens by itself.

    Chainlit 2.12 opens the side panel with *every* side element of the chat whenever new
    ones arrive, titled after the last one (upstream issue #2932, no option yet). The page
    does so after rendering the new elements, so the close is sent a moment later; the
    panel then opens only when the user clicks a [n].
    """

    async def close() -> None:
        await asyncio.sleep(delay_s)
        try:
            await cl.ElementSidebar.set_elements([])
        except Exception:  # the page may be gone
            log.debug("chat: could not close the side panel", exc_info=True)

    task = asyncio.create_task(close())
    _background.add(task)
    task.add_done_callback(_background.discard)


_background: set[asyncio.Task] = set()  # keeps fire-and-forget tasks alive until done


def views_and_pdfs(result: Answer):
    """Blocking part of showing an answer: find cited pages, store cited PDFs."""
    views = source_views(result, settings)
    return views, store_pdfs(views, runtime.pdf_file)


PROGRESS_INTERVAL_S = 1.0


def preparation_text() -> str:
    progress = runtime.index_progress
    line = progress.text() if progress is not None else None
    head = "Préparation de l'index du corpus (premier démarrage)"
    return f"{head} : {line}…" if line else f"{head}…"


async def ensure_ready() -> bool:
    """Wait for the shared assistant, telling the user when the index is being built."""
    if runtime.ready:
        return True
    notice = cl.Message(content=preparation_text(), metadata={"kind": "notice"})
    await notice.send()
    task = asyncio.ensure_future(runtime.get_assistant())
    try:
        # Passages done out of the total and the time left, about once a second.
        while not task.done():
            await asyncio.wait({task}, timeout=PROGRESS_INTERVAL_S)
            text = preparation_text()
            if not task.done() and text != notice.content:
                notice.content = text
                await notice.update()
        task.result()
    except Exception as exc:
        log.exception("chat: the assistant could not be built")
        notice.content = (
            f"L'index du corpus n'a pas pu être préparé ({type(exc).__name__}). "
            "Vérifiez le dossier du corpus puis relancez `assistant ingest`."
        )
        await notice.update()
        return False
    await notice.remove()
    return True


async def finish_step(step: cl.Step, output: str, error: bool = False) -> None:
    step.output = output
    step.is_error = error
    step.end = utc_now()
    await step.update()


# --- session sheets (trainers) --------------------------------------------------------
def sheet_action() -> cl.Action:
    return cl.Action(
        name=SHEET_ACTION,
        payload={},
        label=REQUEST,
        tooltip="Fiche citée d'un jour, d'une section ou d'un thème : Word, PowerPoint, HTML",
        icon="file-text",
    )


@cl.action_callback(SHEET_ACTION)
async def on_sheet_action(action: cl.Action) -> None:
    await prepare_sheet("")


async def prepare_sheet(topic: str) -> None:
    """Ask the topic when missing, stream the sheet, then offer its files."""
    current = state()
    current.awaiting_sheet_topic = not topic
    if not topic:
        await cl.Message(content=ASK_TOPIC, metadata={"kind": ASKED_TOPIC}).send()
        return
    if not await ensure_ready():
        return
    assistant = await runtime.get_assistant()
    try:
        sheet = await runtime.run(build_sheet, assistant, topic, viewer())
    except AssistantError as exc:
        if not exc.public:
            log.error("chat: sheet failed: %s", exc)
        text = str(exc).split(" / ")[0] if exc.public else UNAVAILABLE
        await cl.Message(content=text, metadata={"kind": "notice"}).send()
        return
    except Exception:
        log.exception("chat: sheet failed")
        await cl.Message(content=UNAVAILABLE, metadata={"kind": "notice"}).send()
        return
    message = cl.Message(content="")
    streamer = SafeStreamer(message)
    for block in sheet_blocks(sheet):
        await streamer.feed(block + "\n")
        await asyncio.sleep(0)  # each block reaches the page as it comes
    files = await runtime.run(sheet_files, sheet)
    message.elements = [
        cl.File(name=name, content=content, mime=mime, display="inline")
        for name, content, mime in files
    ]
    message.content = (
        streamer.shown + "\n\n**Télécharger la fiche** (Word, PowerPoint, HTML, Markdown) :"
    )
    message.metadata = {"kind": "sheet", "topic": topic, "title": sheet.title}
    message.actions = [sheet_action()]
    await message.send()


# --- uploads ----------------------------------------------------------------------------
async def add_files(files: list, current: SessionState) -> None:
    for element in files:
        if current.uploads >= settings.max_uploads_per_session:
            await cl.Message(
                content=f"« {escape_markdown(element.name or 'document')} » n'est pas ajouté : "
                f"la limite de {settings.max_uploads_per_session} fichiers par conversation "
                "est atteinte.",
                metadata={"kind": "upload"},
            ).send()
            continue
        if await add_file(element):
            current.uploads += 1


async def add_file(element) -> bool:
    """Check, copy and ingest one uploaded file, showing each stage in one message.

    Returns whether the file passed the checks (the ingest itself may still skip it).
    """
    name = escape_markdown(element.name or "document")
    progress = cl.Message(content=f"**Vérification** — « {name} »…", metadata={"kind": "upload"})
    await progress.send()
    try:
        checked = await runtime.run(check_upload, Path(element.path), element.name, settings)
    except UploadRejected as exc:
        progress.content = f"**Document refusé** — {escape_markdown(str(exc))}"
        await progress.update()
        return False
    if not await ensure_ready():
        return False
    owner = viewer()  # password users: the upload is private to its uploader
    placed, existed = await runtime.run(place_upload, checked, settings, owner is None)
    shown = escape_markdown(placed.name)

    async def report(done: int, total: int, seconds_left: float | None) -> None:
        progress.content = (
            f"**Indexation en cours** — « {shown} » : {progress_text(done, total, seconds_left)}…"
        )
        await progress.update()

    await report(0, checked.passages, None)
    try:
        summary = await ingest_with_progress(runtime, checked, placed, report, owner=owner)
    except Exception as exc:
        if not existed:
            remove_placed(placed)
        if isinstance(exc, IngestError):  # e.g. another ingest holds the data folder
            reason = escape_markdown(str(exc).split(" / ")[0])
        else:
            log.exception("chat: ingest of an upload failed")
            reason = "erreur interne"
        progress.content = f"**Document refusé** — « {shown} » n'a pas pu être indexé : {reason}"
        await progress.update()
        return True
    if not existed and any(s.source == placed.name for s in summary.skipped):
        remove_placed(placed)
    ok = placed.name in summary.added + summary.updated + summary.unchanged
    outcome = escape_markdown(outcome_message(checked, placed, summary))
    if ok and owner is not None:
        outcome += " Document privé : il n'est cité que dans vos réponses."
        if users is not None and users.can_share(owner):
            progress.actions = [share_action(placed.name)]
    progress.content = ("**Document ajouté** — " if ok else "**Document refusé** — ") + outcome
    await progress.update()
    return True


def viewer() -> str | None:
    """The password user asking (their private uploads are searched too), or None in local
    mode, where uploads join the shared corpus."""
    if users is None:
        return None
    user = cl.user_session.get("user")
    return getattr(user, "identifier", None) or None


def share_action(name: str) -> cl.Action:
    return cl.Action(
        name=SHARE_ACTION,
        payload={"file": name},
        label="Ajouter au corpus partagé",
        tooltip="Rendre ce document citable par tous les utilisateurs",
        icon="users",
    )


@cl.action_callback(SHARE_ACTION)
async def share_uploaded(action: cl.Action) -> None:
    name = safe_filename(str((action.payload or {}).get("file", "")))
    path = uploads_dir(settings) / name
    try:
        assistant = await runtime.get_assistant()
        done = await runtime.run(
            share_upload, path, settings, assistant, runtime.ingest_lock, viewer(), users
        )
        text = f"**Document partagé** — {escape_markdown(done)}"
    except UploadRejected as exc:
        text = f"**Partage refusé** — {escape_markdown(str(exc))}"
    except IngestError as exc:
        text = f"**Partage refusé** — {escape_markdown(str(exc).split(' / ')[0])}"
    await cl.Message(content=text, metadata={"kind": "upload"}).send()


# --- export -----------------------------------------------------------------------------
def export_action() -> cl.Action:
    return cl.Action(
        name=EXPORT_ACTION,
        payload={},
        label="Exporter la conversation (Markdown)",
        tooltip="Télécharger les questions, réponses et références en Markdown",
        icon="download",
    )


@cl.action_callback(EXPORT_ACTION)
async def export_conversation(action: cl.Action) -> None:
    markdown = conversation_markdown(state().conversation)
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
