"""A throw-away PostgreSQL cluster (Debian's binaries) on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from .processes import clean_env, free_port, stop_process


# --- a PostgreSQL cluster ----------------------------------------------------------------
def postgres_bin() -> Path | None:
    """Debian's PostgreSQL binaries (``/usr/lib/postgresql/<version>/bin``, newest first),
    else ``initdb`` on the PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if found:
        return found[0].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def postgres_account() -> tuple[int, int] | None:
    """(uid, gid) the cluster runs as: ourselves, or — PostgreSQL refuses to run as root —
    the ``postgres`` account of the Debian package (``nobody`` when it is missing)."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    import pwd

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    return None


class PostgresServer:
    """A throw-away PostgreSQL cluster: ``initdb`` in a temporary folder, ``postgres`` in
    the foreground on a free loopback port (its unix socket in the same folder), trust
    authentication for the superuser ``assistant``; ``database()`` creates a fresh
    database and returns its URL. Durability is switched off: tests never crash it."""

    USER = "assistant"

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.port = free_port()
        self.bin = postgres_bin()
        self.account = postgres_account()
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self._options: list[str] = []

    @staticmethod
    def missing() -> str | None:
        """Why a cluster cannot be started here, or None."""
        if postgres_bin() is None:
            return "PostgreSQL is not installed (apt-get install -y postgresql)"
        if postgres_account() is None:
            return "running as root without a 'postgres' or 'nobody' account to run PostgreSQL"
        return None

    def _run_as(self, cmd: list[str], **kwargs) -> subprocess.Popen:
        assert self.account is not None and self.folder is not None
        uid, gid = self.account
        as_other = uid != os.getuid()
        return subprocess.Popen(
            cmd,
            cwd=self.folder,
            env=clean_env(LC_ALL="C.UTF-8", HOME=str(self.folder)),
            user=uid if as_other else None,
            group=gid if as_other else None,
            extra_groups=[] if as_other else None,
            **kwargs,
        )

    def start(self, timeout_s: float = 60) -> PostgresServer:
        reason = self.missing()
        if reason:
            raise RuntimeError(reason)
        assert self.bin is not None and self.account is not None
        # Under /tmp itself: pytest's own temporary folders are private to root (0700),
        # where the postgres account could not reach its data.
        self.folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
        os.chown(self.folder, *self.account)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        data = self.folder / "data"
        with self.log_path.open("ab") as log:
            flags = ["-U", self.USER, "--auth=trust", "-E", "UTF8", "--no-sync"]
            initdb = self._run_as(
                [self._tool("initdb"), "-D", str(data), *flags],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if initdb.wait(timeout=120) != 0:
                raise RuntimeError(f"initdb failed:\n{self.log_path.read_text()[-3000:]}")
            settings = {
                "port": self.port,
                "listen_addresses": "127.0.0.1",
                "unix_socket_directories": self.folder,
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "max_connections": 200,
            }
            self._options = [part for k, v in settings.items() for part in ("-c", f"{k}={v}")]
        return self._serve(timeout_s)

    def _serve(self, timeout_s: float) -> PostgresServer:
        assert self.folder is not None
        with self.log_path.open("ab") as log:
            self.process = self._run_as(
                [self._tool("postgres"), "-D", str(self.folder / "data"), *self._options],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited:\n{self.log_path.read_text()[-3000:]}")
            ready = subprocess.run(
                [self._tool("pg_isready"), *self._address()],
                capture_output=True,
            )
            if ready.returncode == 0:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"postgres did not start:\n{self.log_path.read_text()[-3000:]}")

    def _tool(self, name: str) -> str:
        assert self.bin is not None
        return str(self.bin / name)

    def _address(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", self.USER]

    def client(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        """Run a client program (``pg_dump``, ``pg_restore``, ``psql``…) against the server,
        as ourselves (clients connect over TCP: root may run them)."""
        return subprocess.run(
            [self._tool(tool), *self._address(), *args],
            check=True,
            capture_output=True,
            text=True,
            env=clean_env(),
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{database}"

    def database(self, name: str | None = None) -> str:
        """Create a database (a fresh random name by default); its URL."""
        name = name or f"chat_{uuid.uuid4().hex[:12]}"
        self.client("createdb", name)
        return self.url(name)

    def restart(self, timeout_s: float = 60) -> PostgresServer:
        """Stop the server and start it again on the same data and port (clients'
        connections are cut, as in a fail-over or a maintenance restart)."""
        if self.process is not None:
            stop_process(self.process, signal.SIGINT, wait_s=30)
        return self._serve(timeout_s)

    def pause(self) -> None:
        """Stop the server, keeping its data and port (an outage); :meth:`resume` ends it."""
        if self.process is not None:
            stop_process(self.process, signal.SIGINT, wait_s=30)

    def resume(self, timeout_s: float = 60) -> PostgresServer:
        return self._serve(timeout_s)

    def stop(self) -> None:
        if self.process is not None:
            # SIGINT: PostgreSQL's « fast » shutdown (SIGTERM waits for clients to leave).
            stop_process(self.process, signal.SIGINT, wait_s=30)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
