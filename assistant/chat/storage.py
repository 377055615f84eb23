"""Element files (cited passages, PDFs, uploads, exports) on local disk, content-addressed.

Chainlit's SQL data layer keeps element rows in the database and their bytes in a storage
client; the shipped clients are cloud buckets. This one writes under
``<data_dir>/chat-files/`` and, like a bucket, hands out signed, expiring read URLs served
by the app itself (``/assistant/files/…``, see :mod:`assistant.chat.web`).

Blobs are named by the SHA-256 of their bytes: a PDF cited a hundred times, or the same
passage cited in many answers, is stored once.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from chainlit.data.storage_clients.base import BaseStorageClient

from ..ingest.loading import file_sha256

ROUTE = "/assistant/files"
DEFAULT_TTL_S = 24 * 3600
_KEY = re.compile(r"^blob/[0-9a-f]{64}(\.[a-z0-9]{1,8})?$")
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/json": ".json",
}


class LocalStorageClient(BaseStorageClient):
    """A :class:`BaseStorageClient` on a local folder, with HMAC-signed read URLs."""

    def __init__(self, root: Path, secret: str, ttl_s: int = DEFAULT_TTL_S) -> None:
        self.root = Path(root)
        self._secret = secret.encode("utf-8")
        self.ttl_s = ttl_s
        (self.root / "blob").mkdir(parents=True, exist_ok=True)

    # --- writing -----------------------------------------------------------------
    def put_bytes(self, data: bytes, mime: str = "application/octet-stream") -> str:
        """Store ``data`` once; return its object key ``blob/<sha256><ext>``."""
        digest = hashlib.sha256(data).hexdigest()
        key = f"blob/{digest}{_extension(mime)}"
        target = self.root / key
        if not target.exists():
            _atomic_write(target, data)
        return key

    def put_file(self, path: Path, mime: str = "application/octet-stream") -> str:
        """Store a copy of the file at ``path`` (a copy: the original may change in place)."""
        digest = file_sha256(Path(path))
        key = f"blob/{digest}{_extension(mime)}"
        target = self.root / key
        if not target.exists():
            _atomic_copy(Path(path), target)
        return key

    async def upload_file(
        self,
        object_key: str,
        data: bytes | str,
        mime: str = "application/octet-stream",
        overwrite: bool = True,
        content_disposition: str | None = None,
    ) -> dict[str, Any]:
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        key = self.put_bytes(payload, mime)
        return {"object_key": key, "url": self.read_url(key)}

    async def delete_file(self, object_key: str) -> bool:
        # Blobs are shared by content (the same passage in many threads): a thread's
        # deletion removes its rows, never bytes another thread may still show.
        return True

    # --- reading -----------------------------------------------------------------
    def read_url(self, object_key: str, now: float | None = None) -> str:
        expires = int((now or time.time()) + self.ttl_s)
        signature = self._sign(object_key, expires)
        root_path = os.environ.get("CHAINLIT_ROOT_PATH", "").rstrip("/")
        return f"{root_path}{ROUTE}/{object_key}?exp={expires}&sig={signature}"

    async def get_read_url(self, object_key: str) -> str:
        return self.read_url(object_key)

    def resolve(self, object_key: str, expires: str, signature: str) -> Path | None:
        """The file for a signed request, or None (bad key, bad signature, expired)."""
        if not _KEY.match(object_key):
            return None
        try:
            deadline = int(expires)
        except ValueError:
            return None
        if deadline < time.time():
            return None
        if not hmac.compare_digest(self._sign(object_key, deadline), signature or ""):
            return None
        path = self.root / object_key
        return path if path.is_file() else None

    def _sign(self, object_key: str, expires: int) -> str:
        message = f"{object_key}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:40]

    async def close(self) -> None:
        return None


def media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _extension(mime: str) -> str:
    mime = (mime or "").split(";")[0].strip().lower()
    return _EXTENSIONS.get(mime) or ""


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def process_files_dir(parent: Path) -> Path:
    """``<parent>/<host>-<pid>``: this process's own folder for session files, created
    empty. Folders left by processes of this host that no longer run (killed before they
    could remove theirs) are removed on the way; other hosts' folders are left alone."""
    host = socket.gethostname()
    parent.mkdir(parents=True, exist_ok=True)
    for folder in parent.iterdir():
        name, _, pid = folder.name.rpartition("-")
        if folder.is_dir() and name == host and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    own = parent / f"{host}-{os.getpid()}"
    shutil.rmtree(own, ignore_errors=True)  # a pid reused after a crash
    own.mkdir()
    return own


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
