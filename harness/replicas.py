"""Chat replicas behind nginx, on one database, Chroma server and data folder
(docs/deploy.md)."""

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
from dataclasses import dataclass, field
from pathlib import Path

from .chat import ChatServer, start_chat
from .processes import ROOT, clean_env, free_port, spawn, stop_process

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
        self.process = spawn(cmd, self.log_path, clean_env(), self.folder)
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
