"""Security headers, the closed-network page, origins, and the app's own routes."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.testclient import TestClient

from assistant.chat import web
from assistant.chat.storage import LocalStorageClient
from assistant.resources import chat_assets

ASSETS = chat_assets()
PAGE = """<!doctype html>
<html lang="en"><head>
<link rel="preconnect" href="https://fonts.googleapis.com" />
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin />
<link href="https://fonts.googleapis.com/css2?family=Inter" rel="stylesheet" />
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/katex@0.16.22/dist/katex.min.css" />
<link rel="stylesheet" href="/public/fonts/inter.css">
<script>window.theme = 1;</script>
<script type="module" crossorigin src="/assets/index.js"></script>
</head><body></body></html>"""


class FakeEngine:
    cors_allowed_origins: object = None


class FakeSio:
    eio = FakeEngine()


@pytest.fixture
def client(tmp_path):
    app = FastAPI()

    @app.get("/{path:path}")
    async def page(path: str):  # stands for Chainlit's catch-all page route
        return HTMLResponse(PAGE)

    storage = LocalStorageClient(tmp_path, "k" * 48)
    key = storage.put_bytes(b"passage", "text/markdown")
    web.install(app, FakeSio(), storage, lambda: {"status": "ready"}, ["https://portail.example"])
    test_client = TestClient(app)
    test_client.stored = (storage, key)
    return test_client


def test_page_has_no_outside_host_and_a_strict_policy(client):
    response = client.get("/")
    html = response.text
    assert "googleapis" not in html and "jsdelivr" not in html and "gstatic" not in html
    assert '<link rel="stylesheet" href="/public/fonts/inter.css">' in html
    assert '<html lang="fr">' in html
    csp = response.headers["content-security-policy"]
    assert "img-src 'self' data: blob:" in csp
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert int(response.headers["content-length"]) == len(response.content)


def test_inline_script_hashes_match():
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(b"window.theme = 1;").digest()).decode()
    assert f"'sha256-{digest}'" in web.content_security_policy(PAGE, "localhost:8000")


def test_routes_come_before_the_catch_all(client):
    assert client.get("/assistant/health").json() == {"status": "ready"}
    storage, key = client.stored
    url = storage.read_url(key)
    response = client.get(url)
    assert response.status_code == 200 and response.content == b"passage"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get(url.replace("sig=", "sig=0")).status_code == 404
    assert client.get(f"/assistant/files/{key}").status_code == 404


def test_socket_origin_policy(client):
    check = FakeSio.eio.cors_allowed_origins
    environ = {"HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http"}
    assert check("http://127.0.0.1:8000", environ)
    assert check("https://portail.example", environ)
    assert check(None, environ)  # non-browser clients send no Origin
    assert not check("https://evil.example", environ)
    assert not check("http://127.0.0.1:9999", environ)
    assert web.origin_checker(["*"])("https://any.example", environ)


def test_parse_origins():
    assert web.parse_origins(" https://a.fr/, https://b.fr ,,") == ["https://a.fr", "https://b.fr"]
    assert web.parse_origins("") == []


def test_config_file_keeps_the_security_options():
    import tomllib

    config = tomllib.loads((ASSETS / "config.toml").read_text("utf-8"))
    features = config["features"]
    assert features["unsafe_allow_html"] is False
    assert features["mcp"]["enabled"] is False
    assert features["mcp"]["user_servers"]["enabled"] is False
    upload = features["spontaneous_file_upload"]
    assert upload["max_size_mb"] == 20
    assert {ext for exts in upload["accept"].values() for ext in exts} == {
        ".pdf",
        ".md",
        ".markdown",
        ".txt",
    }
    assert config["project"]["allow_origins"] == []
    assert config["UI"]["language"] == "fr-FR"


def test_fonts_and_translations_are_local():
    import json

    theme = json.loads((ASSETS / "public" / "theme.json").read_text("utf-8"))
    assert theme["custom_fonts"] == ["/public/fonts/inter.css"]
    css = (ASSETS / "public" / "fonts" / "inter.css").read_text("utf-8")
    for name in css.split("url(./")[1:]:
        assert (ASSETS / "public" / "fonts" / name.split(")")[0]).is_file()
    assert "http" not in css
    french = json.loads((ASSETS / "translations" / "fr-FR.json").read_text("utf-8"))
    assert french["chat"]["input"]["placeholder"].startswith("Posez votre question")
    assert (ASSETS / "chainlit_fr-FR.md").read_text("utf-8").startswith("# Assistant RAMEAU")
