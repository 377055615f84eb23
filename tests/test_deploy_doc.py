"""docs/deploy.md's nginx configuration is the one the replica tests run, and nginx
accepts it: the sticky-session and websocket lines of ``nginx_chat_site`` all appear in the
documented block, and ``nginx -t`` passes on the whole block (TLS with a throw-away
self-signed certificate, the rest as documented)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness.processes import ROOT
from harness.replicas import NGINX, nginx_chat_site

DOC = ROOT / "docs" / "deploy.md"


def documented_block() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, "docs/deploy.md: one nginx block expected"
    return blocks[0]


def directives(text: str) -> set[str]:
    """Directive lines without comments and spacing."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return {" ".join(line.split()) for line in lines if line}


def test_the_documented_block_holds_the_tested_configuration():
    tested = directives(nginx_chat_site(["127.0.0.1:8101", "127.0.0.1:8102"], "127.0.0.1:80"))
    documented = directives(documented_block())
    # Where the doc differs on purpose: TLS marks the sticky cookie Secure, the test server
    # names the replica in a header (left out of the doc), listens on loopback, and checks
    # a replica gone after one failure (the doc: the same).
    tested = {line.replace("SameSite=Lax", "Secure; SameSite=Lax") for line in tested}
    tested -= {"add_header X-Assistant-Replica $upstream_addr always;", "listen 127.0.0.1:80;"}
    missing = sorted(tested - documented)
    assert not missing, f"docs/deploy.md lacks the tested lines: {missing}"


def test_nginx_accepts_the_documented_configuration(tmp_path):
    if not NGINX.exists():
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", "/CN=assistant.example.org", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject],
        check=True,
        capture_output=True,
    )
    block = documented_block()
    block = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", block)
    block = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", block)
    temp = "\n".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}\n{block}\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
