"""The real server over HTTP: password login, local mode's host check, origins, headers."""

from __future__ import annotations

import bcrypt
import httpx
import pytest

from .conftest import chat_on_copy

pytestmark = pytest.mark.slow  # real chat servers over HTTP

ALLOWED = "https://portail.example"


@pytest.fixture(scope="module")
def password_server(reference_index, tmp_path_factory):
    hashed = bcrypt.hashpw(b"mot de passe long", bcrypt.gensalt(rounds=4)).decode()
    server = chat_on_copy(
        reference_index.data_dir,
        tmp_path_factory.mktemp("chat-auth"),
        "auth",
        ASSISTANT_AUTH=f"alice:{hashed}",
        ASSISTANT_AUTH_SECRET="s" * 48,
        ASSISTANT_ALLOWED_ORIGINS=ALLOWED,
    )
    yield server
    server.stop()


def test_password_login(password_server):
    with httpx.Client(base_url=password_server.url) as client:
        config = client.get("/auth/config").json()
        assert config["requireLogin"] and config["passwordAuth"] and not config["headerAuth"]
        assert client.get("/user").status_code == 401
        bad = client.post("/login", data={"username": "alice", "password": "faux"})
        assert bad.status_code == 401
        good = client.post("/login", data={"username": "alice", "password": "mot de passe long"})
        assert good.status_code == 200
        assert client.get("/user").json()["identifier"] == "alice"
        assert client.post("/auth/header").status_code == 400  # no header login here


def test_origins_http_and_socket(password_server):
    with httpx.Client(base_url=password_server.url) as client:
        allowed = client.options(
            "/project/settings",
            headers={"Origin": ALLOWED, "Access-Control-Request-Method": "GET"},
        )
        assert allowed.headers.get("access-control-allow-origin") == ALLOWED
        evil = client.options(
            "/project/settings",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in evil.headers
        handshake = "/ws/socket.io/?EIO=4&transport=polling"
        assert client.get(handshake, headers={"Origin": "https://evil.example"}).status_code == 400
        assert client.get(handshake, headers={"Origin": ALLOWED}).status_code == 200
        assert client.get(handshake, headers={"Origin": password_server.url}).status_code == 200


def test_page_is_french_local_and_protected(password_server):
    response = httpx.get(password_server.url + "/")
    assert '<html lang="fr">' in response.text
    assert "https://" not in response.text.split("<body")[0].replace('content="https', "")
    assert "img-src 'self'" in response.headers["content-security-policy"]
    fonts = httpx.get(password_server.url + "/public/fonts/inter.css")
    assert fonts.status_code == 200 and "woff2" in fonts.text


def test_local_mode_refuses_other_host_names(chat_server):
    with httpx.Client(base_url=chat_server.url) as client:
        assert client.post("/auth/header").status_code == 200
        rebinding = client.post("/auth/header", headers={"Host": "evil.example"})
        assert rebinding.status_code == 401
