"""What the chat adds to Chainlit's web server: security, closed-network page, two routes.

- Security headers on every response, with a Content-Security-Policy whose ``img-src`` is
  the app itself: even a remote image slipping past the Markdown sanitiser cannot load.
  Inline scripts of the page are allowed by hash, no ``unsafe-eval``.
- The page Chainlit serves links Google Fonts and a KaTeX stylesheet from outside hosts;
  they are removed (fonts are served from ``public/fonts``, LaTeX is off), so the page
  makes no outbound request and works on a closed network.
- Origins: HTTP CORS and the Socket.IO handshake accept the page's own origin plus
  ``ASSISTANT_ALLOWED_ORIGINS`` (Chainlit leaves the socket open to any origin).
- Routes: ``/assistant/files/…`` serves stored element files on a valid signature
  (see :mod:`assistant.chat.storage`); ``/assistant/health`` tells whether the index is
  ready (for probes and tests).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Callable

from .auth import host_of
from .storage import ROUTE, LocalStorageClient, media_type

_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>\s*", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.I | re.S)
_HOST_OK = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")


def parse_origins(value: str) -> list[str]:
    """``ASSISTANT_ALLOWED_ORIGINS`` (comma-separated) as a clean list, ``*`` kept as is."""
    origins = []
    for part in (value or "").split(","):
        part = part.strip().rstrip("/")
        if part:
            origins.append(part)
    return origins


def origin_checker(allowed: list[str]) -> Callable[[str | None, dict], bool]:
    """Socket.IO origin policy: same origin as the request, or one of ``allowed``."""
    allowed_set = set(allowed)

    def check(origin: str | None, environ: dict | None = None) -> bool:
        if not origin or "*" in allowed_set or origin in allowed_set:
            return True
        environ = environ or {}
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        same = {f"{scheme}://{host}"}
        if scheme in {"ws", "wss"}:
            same.add(f"{'https' if scheme == 'wss' else 'http'}://{host}")
        else:
            same.add(f"{'https' if scheme == 'http' else 'http'}://{host}")
        return origin in same

    return check


def rewrite_page(html: str) -> str:
    """Drop ``<link>`` tags pointing to other hosts (web fonts, KaTeX, preconnects), and
    declare the page French."""
    return _EXTERNAL_LINK.sub("", html).replace('<html lang="en">', '<html lang="fr">', 1)


def content_security_policy(html: str | None, host: str | None) -> str:
    hashes = []
    if html:
        for script in _INLINE_SCRIPT.findall(html):
            digest = hashlib.sha256(script.encode("utf-8")).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    sockets = ""
    if host and _HOST_OK.match(host):
        sockets = f" ws://{host} wss://{host}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(hashes),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self'{sockets}",
            "media-src 'self' blob:",
            "frame-src 'self' blob:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


class SecurityMiddleware:
    """Pure ASGI middleware: security headers everywhere, page rewriting for HTML."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
        start: dict = {}
        body = bytearray()
        is_html = False

        async def wrapped_send(message) -> None:
            nonlocal is_html
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                is_html = content_type.startswith(b"text/html")
                if is_html:
                    start.update(message)
                    return
                message["headers"] = _with_security_headers(headers, None, host)
                await send(message)
                return
            if message["type"] == "http.response.body" and is_html:
                body.extend(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = rewrite_page(body.decode("utf-8"))
                payload = page.encode("utf-8")
                headers = [
                    (k, v)
                    for k, v in start.get("headers", [])
                    if k.lower() not in {b"content-length", b"content-encoding"}
                ]
                headers.append((b"content-length", str(len(payload)).encode()))
                start["headers"] = _with_security_headers(headers, page, host)
                await send(start)
                await send({"type": "http.response.body", "body": payload})
                return
            await send(message)

        await self.app(scope, receive, wrapped_send)


class SocketHostGuard:
    """Local mode: the chat socket, like the HTTP routes, only for a loopback ``Host``.

    The page's HTTP routes refuse a non-loopback ``Host`` through the header login, but a
    Socket.IO connection carrying a valid cookie with ``Host``/``Origin: evil.example`` (DNS
    rebinding) passed the same-origin check; it is refused here, before Chainlit sees it."""

    def __init__(self, app, allowed: Callable[[str], bool], path: str) -> None:
        self.app = app
        self.allowed = allowed
        self.path = path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("path", "").startswith(self.path):
            host = next((v for k, v in scope.get("headers", []) if k == b"host"), b"")
            if not self.allowed(host_of(host.decode("latin-1"))):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                body = "Hôte non autorisé en mode local.".encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _with_security_headers(headers: list, page: str | None, host: str) -> list:
    names = {k.lower() for k, _ in headers}
    extra = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"permissions-policy", b"camera=(), geolocation=(), microphone=()"),
    ]
    if page is not None:
        csp = content_security_policy(page, host)
        extra.append((b"content-security-policy", csp.encode("latin-1")))
    return headers + [(k, v) for k, v in extra if k not in names]


def install(
    app,
    sio,
    storage: LocalStorageClient,
    status: Callable[[], dict],
    origins,
    socket_hosts: Callable[[str], bool] | None = None,
) -> None:
    """Wire the middleware, the origin policy and the routes into Chainlit's server.

    ``socket_hosts``: in local mode, which ``Host`` names may open the chat socket."""
    from fastapi import HTTPException, Query
    from fastapi.responses import FileResponse, JSONResponse
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware

    if not any(m.cls is SecurityMiddleware for m in app.user_middleware):
        # Innermost: it sees the page before GZip compresses it.
        app.user_middleware.append(Middleware(SecurityMiddleware))
    prefix = os.environ.get("CHAINLIT_ROOT_PATH", "").rstrip("/")  # as Chainlit's router
    if socket_hosts is not None and not any(m.cls is SocketHostGuard for m in app.user_middleware):
        guard = Middleware(SocketHostGuard, allowed=socket_hosts, path=f"{prefix}/ws/")
        app.user_middleware.insert(0, guard)

    sio.eio.cors_allowed_origins = origin_checker(list(origins))

    async def stored_file(key: str, exp: str = Query(""), sig: str = Query("")):
        path = storage.resolve(key, exp, sig)
        if path is None:
            raise HTTPException(status_code=404, detail="Fichier introuvable ou lien expiré.")
        return FileResponse(
            path,
            media_type=media_type(path),
            headers={"Cache-Control": "private, max-age=3600"},
            content_disposition_type="inline",
        )

    async def health():
        return JSONResponse(await run_in_threadpool(status))

    routes_before = len(app.router.routes)
    app.add_api_route(f"{prefix}{ROUTE}/{{key:path}}", stored_file, methods=["GET"])
    app.add_api_route(f"{prefix}/assistant/health", health, methods=["GET"])
    # Chainlit ends with a catch-all page route: ours must come before it.
    added = app.router.routes[routes_before:]
    del app.router.routes[routes_before:]
    app.router.routes[0:0] = added
