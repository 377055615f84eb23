"""Who may use the chat: password users, or one local user on the loopback interface.

- With ``ASSISTANT_AUTH`` set, users log in with a password checked against a bcrypt hash
  (``name:$2b$…`` pairs separated by commas, or ``@/path/to/file`` with one pair per line,
  so the hashes can live outside the repository). A third field gives roles:
  ``name:$2b$…:corpus`` may add a chat upload to the shared corpus (uploads are private
  to their uploader otherwise).
- Without it, the chat runs in local single-user mode: no login form, everyone reaching
  the page is the user « local » — allowed only when the server listens on a loopback
  address, and only for requests whose ``Host`` is a loopback name (no DNS rebinding).

The session cookie is signed with ``ASSISTANT_AUTH_SECRET`` when set; otherwise a random
secret is generated once and kept in ``<data_dir>/chat-secret`` (mode 0600).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt

from ..errors import AssistantError
from ..files import FileProblem, read_regular_text
from ..settings import Settings

log = logging.getLogger(__name__)

LOCAL_USER = "local"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_BCRYPT_MAX_BYTES = 72  # bcrypt reads no further; bcrypt>=5 refuses longer input


class AuthConfigError(AssistantError, ValueError):
    """The users definition cannot be read; the message says what to fix."""


ROLES = {"corpus": "may add a chat upload to the shared corpus"}


@dataclass(frozen=True)
class Users:
    hashes: dict[str, bytes]
    roles: dict[str, frozenset[str]] = field(default_factory=dict)

    def can_share(self, username: str | None) -> bool:
        """May ``username`` make an upload part of everyone's corpus?"""
        return "corpus" in self.roles.get((username or "").strip(), frozenset())

    def verify(self, username: str, password: str) -> bool:
        """Constant-effort check of ``password`` for ``username``."""
        known = self.hashes.get((username or "").strip())
        try:
            ok = bcrypt.checkpw(_password_bytes(password), known or _dummy_hash())
        except ValueError:
            return False
        return ok and known is not None


# $2b$, a two-digit cost (04-31), then 22 characters of salt and 31 of hash: 60 in all.
BCRYPT_HASH = re.compile(r"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$")
USERS_FILE_MAX_BYTES = 1024 * 1024


def parse_users(spec: str | None) -> Users | None:
    """Read ``ASSISTANT_AUTH``; None when unset (local mode)."""
    if spec is None or not spec.strip():
        return None
    spec = spec.strip()
    if spec.startswith("@"):
        path = Path(spec[1:]).expanduser()
        try:
            content = read_regular_text(path, USERS_FILE_MAX_BYTES, "Fichier des utilisateurs")
        except FileNotFoundError:
            raise AuthConfigError(
                f"Fichier des utilisateurs introuvable : {path}. / Users file not found."
            ) from None
        except FileProblem as exc:
            raise AuthConfigError(f"{exc} / Cannot read the users file.") from None
        entries = [line.strip() for line in content.splitlines()]
    else:
        entries = [part.strip() for part in spec.split(",")]
    hashes: dict[str, bytes] = {}
    roles: dict[str, frozenset[str]] = {}
    for entry in entries:
        if not entry or entry.startswith("#"):
            continue
        name, sep, hashed = entry.partition(":")
        hashed, _, granted = hashed.partition(":")  # bcrypt hashes hold no ':'
        name, hashed = name.strip(), hashed.strip()
        wanted = frozenset(r.strip() for r in granted.split("+") if r.strip())
        if wanted - set(ROLES):
            raise AuthConfigError(
                f"ASSISTANT_AUTH : rôle inconnu pour « {name} » "
                f"({', '.join(sorted(wanted - set(ROLES)))}) ; rôle possible : corpus. "
                "/ Unknown role."
            )
        roles[name] = wanted
        if not sep or not name or not BCRYPT_HASH.match(hashed):
            # The whole hash is checked at start: a truncated one (a line cut by a copy)
            # was accepted, and then nobody could log in, with no word why.
            raise AuthConfigError(
                "ASSISTANT_AUTH : entrée invalide, attendu « nom:hash_bcrypt » "
                "(générez le hash avec `python -m assistant.chat.auth`). "
                "/ Invalid entry, expected name:bcrypt_hash."
            )
        hashes[name] = hashed.encode("utf-8")
    if not hashes:
        raise AuthConfigError("ASSISTANT_AUTH ne définit aucun utilisateur. / No user defined.")
    return Users(hashes, roles)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_password_bytes(password), bcrypt.gensalt()).decode("ascii")


def _password_bytes(password: str | None) -> bytes:
    return (password or "").encode("utf-8")[:_BCRYPT_MAX_BYTES]


@functools.cache
def _dummy_hash() -> bytes:
    """A valid hash of a random password: unknown users cost the same time as known ones."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt())


class LoginThrottle:
    """Slows password guessing: after ``attempts`` failures for a name within ``window_s``,
    further attempts for that name are refused (without checking) until the window ends."""

    def __init__(self, attempts: int = 5, window_s: float = 900.0, max_names: int = 10_000):
        self.attempts = attempts
        self.window_s = window_s
        self.max_names = max_names
        self._failures: dict[str, list[float]] = {}

    def blocked(self, name: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        recent = [t for t in self._failures.get(name, []) if now - t < self.window_s]
        return len(recent) >= self.attempts

    def failed(self, name: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._failures) >= self.max_names:
            self._failures = {
                k: v for k, v in self._failures.items() if v and now - v[-1] < self.window_s
            }
        history = [t for t in self._failures.get(name, []) if now - t < self.window_s]
        self._failures[name] = [*history, now][-self.attempts :]

    def succeeded(self, name: str) -> None:
        self._failures.pop(name, None)


# --- network policy ---------------------------------------------------------------------
def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and the usual names of the loopback interface."""
    if not host:
        return False
    host = host.strip().lower().strip("[]")
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(header: str | None) -> str:
    """The host name of a ``Host`` header value (``[::1]:8000`` → ``::1``)."""
    value = (header or "").strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value[1:]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def bind_refusal(host: str, settings: Settings) -> str | None:
    """Why the chat may not listen on ``host``, or None when it may.

    "Password mode" is decided by the same parser the app uses (not by the raw setting
    being non-empty): a value that yields no user (blanks) is local mode everywhere, so
    it is refused off loopback like an unset one. Raises :class:`AuthConfigError` for a
    definition that cannot be read."""
    if is_loopback(host) or parse_users(settings.auth) is not None:
        return None
    return (
        f"Refus d'écouter sur {host} sans authentification : le mode local sans mot de passe "
        "n'est permis que sur la boucle locale (127.0.0.1, ::1). Définissez ASSISTANT_AUTH "
        "(utilisateurs « nom:hash_bcrypt », voir `python -m assistant.chat.auth`) ou utilisez "
        "--host 127.0.0.1. / Refusing a non-loopback address without ASSISTANT_AUTH."
    )


# --- session secret ---------------------------------------------------------------------
def session_secret(settings: Settings) -> str:
    """The secret signing session cookies: configured, or generated once per data folder.

    Replicas sharing a data folder start together: the first to create the file wins and
    the others read it, so that all sign with one secret (a cookie or a file link signed
    by one replica is valid on the others)."""
    if settings.auth_secret is not None and settings.auth_secret.get_secret_value():
        return settings.auth_secret.get_secret_value()
    path = settings.data_dir / "chat-secret"
    existing = _read_secret(path)
    if existing:
        return existing
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".chat-secret.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)  # atomic, and fails when another process was first
        log.info("chat: generated a session secret in %s", path)
    except FileExistsError:
        if not _read_secret(path):  # an empty or truncated file: replaced
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    secret = _read_secret(path)
    if not secret:
        raise AuthConfigError(f"Secret de session illisible : {path}. / Unreadable secret.")
    return secret


def _read_secret(path: Path) -> str | None:
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return existing if len(existing) >= 32 else None


def main() -> None:  # pragma: no cover - interactive helper
    """``python -m assistant.chat.auth [name]``: print a ``name:hash`` line for ASSISTANT_AUTH."""
    import getpass
    import sys

    name = sys.argv[1] if len(sys.argv) > 1 else input("Nom d'utilisateur : ").strip()
    password = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Confirmez : ") != password or len(password) < 8:
        sys.exit("Mots de passe différents ou trop court (8 caractères minimum).")
    print(f"{name}:{hash_password(password)}")


if __name__ == "__main__":  # pragma: no cover
    main()
