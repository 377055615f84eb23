"""Conversation history and feedback: Chainlit's SQLAlchemy data layer, schema made here.

Default: SQLite in the data folder (``<data_dir>/chat.db``); ``ASSISTANT_DATABASE_URL``
may name another SQLite file or a PostgreSQL database (``postgresql://…``, through the
``asyncpg`` driver): several chat processes (replicas) then share one history. The app
creates the tables at start-up (one process at a time on PostgreSQL) and adds any column a
newer Chainlit expects, so an upgrade never drops messages on an unknown column.

SQLite stores what PostgreSQL keeps as arrays and JSON (tags, metadata, props) as JSON
text: :class:`AssistantDataLayer` encodes those values on the way in and decodes them on
the way out, so the UI gets the same shapes from both databases.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..errors import AssistantError
from ..extras import missing_extra
from ..settings import Settings
from .history import HistoryState, HistoryUnavailable, KeptWrites, is_unreachable
from .owned import OwnedWrites, caller
from .storage import LocalStorageClient

log = logging.getLogger(__name__)


class DatabaseConfigError(AssistantError, ValueError):
    """The chat database URL cannot be used; the message says what to do."""


# Columns per table, as Chainlit 2.12's SQLAlchemyDataLayer writes and reads them.
# Types: (SQLite, PostgreSQL).
_TEXT = ("TEXT", "TEXT")
_BOOL = ("BOOLEAN", "BOOLEAN")
_INT = ("INTEGER", "INT")
_JSON = ("TEXT", "JSONB")
_ARRAY = ("TEXT", "TEXT[]")

TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "users": {
        "id": _TEXT,
        "identifier": _TEXT,
        "metadata": _JSON,
        "createdAt": _TEXT,
    },
    "threads": {
        "id": _TEXT,
        "createdAt": _TEXT,
        "name": _TEXT,
        "userId": _TEXT,
        "userIdentifier": _TEXT,
        "tags": _ARRAY,
        "metadata": _JSON,
    },
    "steps": {
        "id": _TEXT,
        "name": _TEXT,
        "type": _TEXT,
        "threadId": _TEXT,
        "parentId": _TEXT,
        "streaming": _BOOL,
        "waitForAnswer": _BOOL,
        "isError": _BOOL,
        "metadata": _JSON,
        "tags": _ARRAY,
        "input": _TEXT,
        "output": _TEXT,
        "createdAt": _TEXT,
        "command": _TEXT,
        "modes": _JSON,
        "start": _TEXT,
        "end": _TEXT,
        "generation": _JSON,
        "showInput": _TEXT,
        "language": _TEXT,
        "indent": _INT,
        "defaultOpen": _BOOL,
        "autoCollapse": _BOOL,
        "icon": _TEXT,
    },
    "elements": {
        "id": _TEXT,
        "threadId": _TEXT,
        "type": _TEXT,
        "url": _TEXT,
        "chainlitKey": _TEXT,
        "name": _TEXT,
        "display": _TEXT,
        "objectKey": _TEXT,
        "size": _TEXT,
        "page": _INT,
        "language": _TEXT,
        "forId": _TEXT,
        "mime": _TEXT,
        "props": _JSON,
        "autoPlay": _BOOL,
        "playerConfig": _JSON,
    },
    "feedbacks": {
        "id": _TEXT,
        "forId": _TEXT,
        "threadId": _TEXT,
        "value": _INT,
        "comment": _TEXT,
    },
}
_NOT_NULL = {
    ("users", "identifier"),
    ("steps", "name"),
    ("steps", "type"),
    ("steps", "threadId"),
    ("elements", "name"),
    ("feedbacks", "forId"),
    ("feedbacks", "value"),
}
_UNIQUE = {("users", "identifier")}
# How long a SQLite connection waits for another process's lock before it gives up.
_SQLITE_LOCK_WAIT_S = 30
_SCHEMA_LOCK = 0x617373697374  # PostgreSQL advisory lock key of the schema set-up ("assist")
_INDEXES = [
    ("threads", "userId"),
    ("steps", "threadId"),
    ("elements", "threadId"),
    ("feedbacks", "forId"),
]


def database_url(settings: Settings) -> str:
    """The async SQLAlchemy URL of the chat database."""
    raw = settings.database_url
    if not raw:
        return f"sqlite+aiosqlite:///{(settings.data_dir / 'chat.db').resolve()}"
    try:
        url = make_url(raw)
    except Exception as exc:
        raise DatabaseConfigError(
            f"ASSISTANT_DATABASE_URL illisible ({exc}) : attendu sqlite:///chemin/chat.db "
            "ou postgresql://utilisateur@hôte/base."
        ) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in {"postgresql", "postgres"}:
        missing = missing_extra("postgres", "L'historique sur PostgreSQL")
        if missing:
            raise DatabaseConfigError(missing)
        return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise DatabaseConfigError(
        f"Base « {backend} » non prise en charge pour l'historique : SQLite ou PostgreSQL."
    )


def schema_statements(dialect: str) -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` statements for ``dialect`` ('sqlite' or 'postgresql')."""
    column = 0 if dialect == "sqlite" else 1
    statements = []
    for table, columns in TABLES.items():
        parts = []
        for name, types in columns.items():
            definition = f'"{name}" {types[column]}'
            if name == "id":
                definition += " PRIMARY KEY"
            if (table, name) in _NOT_NULL:
                definition += " NOT NULL"
            if (table, name) in _UNIQUE:
                definition += " UNIQUE"
            parts.append(definition)
        statements.append(f"CREATE TABLE IF NOT EXISTS {table} (\n  " + ",\n  ".join(parts) + "\n)")
    for table, name in _INDEXES:
        statements.append(
            f'CREATE INDEX IF NOT EXISTS idx_{table}_{name.lower()} ON {table} ("{name}")'
        )
    return statements


class AssistantDataLayer(KeptWrites, OwnedWrites, SQLAlchemyDataLayer):
    """Chainlit's SQLAlchemy data layer, portable to SQLite, with pre-stored element files;
    no client-supplied id writes outside the caller's threads (:mod:`.owned`); a write the
    database cannot take is kept, retried and told (:mod:`.history`)."""

    def __init__(
        self, conninfo: str, storage: LocalStorageClient, history: HistoryState | None = None
    ) -> None:
        self.history = history if history is not None else HistoryState()
        self.dialect = make_url(conninfo).get_backend_name()
        connect_args = {"timeout": _SQLITE_LOCK_WAIT_S} if self.dialect == "sqlite" else None
        super().__init__(conninfo=conninfo, connect_args=connect_args, storage_provider=storage)
        self.storage = storage
        if self.dialect == "postgresql":
            # Chainlit's engine keeps pooled connections as they are: after a restart or
            # a fail-over of the server each one fails once, and Chainlit logs the failed
            # statement and drops the message. Checked on checkout instead (one round trip),
            # and renewed before idle-connection timeouts of proxies and poolers.
            from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
            from sqlalchemy.orm import sessionmaker

            self.engine = create_async_engine(conninfo, pool_pre_ping=True, pool_recycle=1800)
            self.async_session = sessionmaker(
                bind=self.engine, expire_on_commit=False, class_=AsyncSession
            )

    # --- schema ------------------------------------------------------------------
    async def ensure_schema(self) -> None:
        """Create missing tables, indexes and columns (idempotent)."""
        if self.dialect == "sqlite":
            await self._write_ahead_log()
        async with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                # Replicas start together: « CREATE TABLE IF NOT EXISTS » is not safe
                # against a concurrent creation in PostgreSQL (a unique violation in its
                # catalog), so one process at a time, until this transaction ends.
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK}
                )
            for statement in schema_statements(self.dialect):
                await conn.execute(text(statement))
            for table, columns in TABLES.items():
                present = await self._columns(conn, table)
                for name, types in columns.items():
                    if name not in present:
                        kind = types[0 if self.dialect == "sqlite" else 1]
                        log.info("chat database: adding column %s.%s", table, name)
                        await conn.execute(text(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}'))

    async def _write_ahead_log(self) -> None:
        """SQLite's journal in WAL mode (readers do not wait for a writer). The switch waits
        for no lock: while another process writes (a replica creating the schema at the
        same time) it fails at once with « database is locked ». It is retried until the
        writer is done, within the time SQLite waits for any other lock."""
        from sqlalchemy.exc import OperationalError

        deadline = asyncio.get_running_loop().time() + _SQLITE_LOCK_WAIT_S
        pause = 0.02
        while True:
            try:
                async with self.engine.connect() as conn:
                    await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                return
            except OperationalError as exc:
                locked = "database is locked" in str(exc)
                if not locked or asyncio.get_running_loop().time() + pause > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)

    async def _columns(self, conn, table: str) -> set[str]:
        if self.dialect == "sqlite":
            rows = await conn.execute(text(f"PRAGMA table_info({table})"))
            return {row[1] for row in rows}
        rows = await conn.execute(
            text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
            {"t": table},
        )
        return {row[0] for row in rows}

    # --- values in and out -------------------------------------------------------------
    async def execute_sql(self, query: str, parameters: dict):
        """Chainlit's ``execute_sql``, except that a database that does not answer raises
        :class:`HistoryUnavailable` (Chainlit returned None, read as « no row »: a lost
        write said nothing, an ownership check said « not yours »). A statement the
        database refuses is still logged and gives None, as in Chainlit."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            async with self.async_session() as session, session.begin():
                result = await session.execute(text(query), self._encode(parameters))
                if result.returns_rows:
                    rows = [dict(row._mapping) for row in result.fetchall()]
                    outcome = self.clean_result(rows)
                else:
                    outcome = result.rowcount
        except Exception as exc:
            if is_unreachable(exc):
                reason = (
                    f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                )
                self.history.failed(reason)
                self._retry_soon()
                raise HistoryUnavailable(reason) from None
            if not isinstance(exc, SQLAlchemyError):
                raise
            log.warning("chat database: statement refused (an error occurred): %s", exc)
            return None
        self.history.answered()
        return outcome

    def _encode(self, parameters: dict) -> dict:
        encoded = {}
        for key, value in parameters.items():
            if isinstance(value, dict) or (isinstance(value, list) and self.dialect == "sqlite"):
                value = json.dumps(value, ensure_ascii=False)
            encoded[key] = value
        return encoded

    async def get_all_user_threads(self, user_id=None, thread_id=None):
        threads = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
        for thread in threads or []:
            thread["tags"] = _as_list(thread.get("tags"))
            thread["metadata"] = _as_dict(thread.get("metadata"))
            for step in thread.get("steps", []):
                _decode_step(step)
            for element in thread.get("elements", []):
                element["props"] = _as_dict(element.get("props"))
        return threads

    async def get_step(self, step_id: str):
        step = await super().get_step(step_id)
        if step:
            _decode_step(step)
        return step

    # --- elements ------------------------------------------------------------------
    async def get_element(self, thread_id: str, element_id: str):
        """Chainlit's ``get_element`` runs ``json.loads`` on ``props``: a NULL (elements
        stored without props) or a decoded JSONB value made ``GET /project/thread/…/element/…``
        answer 500 to the thread's own author. Same query and shape, props decoded safely."""
        from chainlit.element import ElementDict

        rows = await self.execute_sql(
            'SELECT * FROM elements WHERE "threadId" = :thread_id AND "id" = :element_id',
            {"thread_id": thread_id, "element_id": element_id},
        )
        if not isinstance(rows, list) or not rows:
            return None
        row = rows[0]
        return ElementDict(
            id=row["id"],
            threadId=row.get("threadId"),
            type=row["type"],
            chainlitKey=row.get("chainlitKey"),
            url=row.get("url"),
            objectKey=row.get("objectKey"),
            name=row["name"],
            props=_as_dict(row.get("props")),
            display=row["display"],
            size=row.get("size"),
            language=row.get("language"),
            page=row.get("page"),
            autoPlay=row.get("autoPlay"),
            playerConfig=row.get("playerConfig"),
            forId=row.get("forId"),
            mime=row.get("mime"),
        )

    async def create_element(self, element) -> None:
        who = caller()
        await self.save("element", lambda: self._create_element(who, element))

    async def _create_element(self, who: str | None, element) -> None:
        """Elements whose bytes are already in storage (cited PDFs) are recorded as is."""
        if not await self.element_writable(element, who):
            return
        object_key = getattr(element, "object_key", None)
        if not (object_key and str(object_key).startswith("blob/")):
            await super().create_element(element)
            return
        if not element.for_id:
            return
        row = {k: v for k, v in element.to_dict().items() if v is not None}
        row.setdefault("threadId", None)  # the upsert's condition names it
        row["objectKey"] = object_key
        row["url"] = self.storage.read_url(object_key)
        row.pop("path", None)
        row["props"] = json.dumps(row.get("props") or {})  # never NULL (see get_element)
        columns = ", ".join(f'"{c}"' for c in row)
        values = ", ".join(f":{c}" for c in row)
        updates = ", ".join(f'"{c}" = :{c}' for c in row if c != "id")
        await self.execute_sql(
            f"INSERT INTO elements ({columns}) VALUES ({values}) "
            f'ON CONFLICT (id) DO UPDATE SET {updates} WHERE elements."threadId" = :threadId',
            row,
        )


def _decode_step(step: dict) -> None:
    step["metadata"] = _as_dict(step.get("metadata"))
    if step.get("generation") is not None:
        step["generation"] = _as_dict(step.get("generation")) or None
    if step.get("tags") is not None:
        step["tags"] = _as_list(step.get("tags"))


def _as_dict(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return {}


def _as_list(value: Any) -> list | None:
    if value is None or isinstance(value, list):
        return value
    if isinstance(value, str) and value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        return decoded if isinstance(decoded, list) else [str(decoded)]
    return None


def check_database(settings: Settings, timeout_s: float = 10.0) -> None:
    """Reach the chat database once before the chat starts (blocking): a PostgreSQL server
    down or a wrong URL is one line and exit code 1, not a traceback followed by a chat
    that silently keeps no history. SQLite needs no check (the file is created)."""
    import asyncio

    url = database_url(settings)
    if not url.startswith("postgresql"):
        return
    shown = make_url(url).render_as_string(hide_password=True).replace("+asyncpg", "")

    async def probe() -> None:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(url, connect_args={"timeout": timeout_s})
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(asyncio.wait_for(probe(), timeout_s + 5))
    except Exception as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
        raise DatabaseConfigError(
            f"Base de l'historique injoignable ({shown}) : {type(exc).__name__}"
            + (f" — {reason}" if reason else "")
            + ". Démarrez PostgreSQL ou corrigez ASSISTANT_DATABASE_URL (utilisateur, mot de "
            "passe, hôte, port, base). / Chat database unreachable."
        ) from None


def make_data_layer(
    settings: Settings, storage: LocalStorageClient, history: HistoryState | None = None
) -> AssistantDataLayer:
    """``history``: the chat runtime's view of the database (the health route reads it)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return AssistantDataLayer(database_url(settings), storage, history)


def files_root(settings: Settings) -> Path:
    return settings.data_dir / "chat-files"
