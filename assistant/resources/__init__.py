"""Files shipped inside the package (wheel included), found through ``importlib.resources``.

- ``prompts/``: the LLM prompt templates (``Settings.prompts_dir`` by default);
- ``chat/``: what Chainlit reads from its app root — ``config.toml`` and ``translations/``
  (its ``.chainlit/`` folder), ``public/`` (theme, fonts, icons) and ``chainlit*.md``;
  ``assistant chat`` copies them into a folder of the data directory (see ``chat_app_root``);
- ``vectors/``: passage vectors of the shipped note for the default embedding model, the
  seed of the embedding cache (``assistant/backends/embedcache.py``): a first start does
  not wait for the model;
- ``readings/``: spaCy's reading of the shipped note's lines for the trainer
  (``assistant/trainer/reading.py``), so that a first sheet does not load the pipeline,
  and the adjective forms the analyser reads as their masculine (``adjective-forms.json``,
  from the pipeline's lemma exceptions: ``assistant/adjectives.py``) and the agent nouns read
  as their verb (``agent-nouns.json``: ``assistant/agent_nouns.py``);
- ``corpus/``: the reference note and its attribution.

The source of ``prompts/``, ``chat/`` and ``corpus/`` is the project's top level, where a
reader of the checkout expects them and where ``chainlit run assistant/chat/app.py`` finds
them: ``prompts/``, ``corpus/``, and Chainlit's own layout (``.chainlit/config.toml``,
``.chainlit/translations/``, ``public/``, ``chainlit.md``, ``chainlit_fr-FR.md``). In the
checkout the folders and files here are symbolic links to those (one copy in git, never
moved into the package again); building a wheel copies the files they point to.

A wheel installed by pip, pipx or uv is unpacked on disk, so these are plain folders.
"""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

# Chainlit's app root layout, from the shipped ``chat/`` folder: config and translations
# go under ``.chainlit/`` (a hidden folder would be easy to miss inside the package).
_CHAT_LAYOUT = {"config.toml": ".chainlit/config.toml", "translations": ".chainlit/translations"}


def _folder(name: str) -> Path:
    return Path(str(files(__name__) / name))


def prompts_dir() -> Path:
    return _folder("prompts")


def shipped_corpus() -> Path:
    # Resolved: in the checkout the folder is a link, and the loader does not follow links.
    return _folder("corpus").resolve()


def seed_vectors(model_key: str) -> Path | None:
    """The shipped passage vectors of the shipped note for one embedding model (the
    embedding cache's seed), or None. File name: the model key made file-safe."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model_key)
    path = _folder("vectors") / f"{safe}.npz"
    return path if path.is_file() else None


def shipped_readings(model: str) -> Path | None:
    """The trainer's shipped readings of the shipped note for one spaCy pipeline, or None."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    path = _folder("readings") / f"{safe}.json.gz"
    return path if path.is_file() else None


def shipped_information(model: str) -> Path:
    """Where the shipped note's sentence readings for one spaCy pipeline are (the ingest's
    seed, :mod:`assistant.ingest.information`); the file may be missing."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    return _folder("readings") / f"information-{safe}.json.gz"


def read_table(path: Path) -> dict[str, str]:
    """A shipped table of word forms (``readings/*.json``); empty when the file is missing."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def write_table(path: Path, table: dict[str, str]) -> None:
    """Write a table of word forms as ``read_table`` reads it (generation scripts only)."""
    path.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def ship_table(path: Path, table: dict[str, str], reader) -> tuple[Path, int]:
    """Write a generated table where it is shipped and forget what ``reader`` (its cached
    reading, an ``lru_cache``) read before: the path and the table's size."""
    write_table(path, table)
    reader.cache_clear()
    return path, len(table)


def adjective_forms() -> Path:
    """The adjective forms ``analyze`` reads as their masculine (:mod:`assistant.adjectives`)."""
    return _folder("readings") / "adjective-forms.json"


def agent_nouns() -> Path:
    """The agent nouns read as their verb where the note writes only the verb
    (:mod:`assistant.agent_nouns`)."""
    return _folder("readings") / "agent-nouns.json"


def chat_assets() -> Path:
    return _folder("chat")


def chat_app_root(data_dir: Path) -> Path:
    """``<data_dir>/chat-app``: Chainlit's app root, filled from the shipped chat assets.

    Chainlit reads its config, translations, ``public/`` and ``chainlit.md`` from the app
    root and may write there, so it is a folder of ours rather than the package (which
    can be read-only). Files are rewritten only when they differ, each atomically: a chat
    already serving from the same data folder never reads half a file.
    """
    root = Path(data_dir) / "chat-app"
    source = chat_assets()
    for path in _files(source):
        relative = path.relative_to(source).as_posix()
        for prefix, target in _CHAT_LAYOUT.items():
            if relative == prefix or relative.startswith(prefix + "/"):
                relative = target + relative[len(prefix) :]
                break
        _sync(path, root / relative)
    return root


def _files(folder: Path) -> list[Path]:
    """Every file under ``folder``, through the checkout's symbolic links (``rglob`` does
    not follow a linked folder before Python 3.13)."""
    found = []
    for parent, _dirs, names in os.walk(folder, followlinks=True):
        found += [Path(parent) / name for name in names if name != "__init__.py"]
    return sorted(found)


def _sync(source: Path, target: Path) -> None:
    data = source.read_bytes()
    try:
        if target.read_bytes() == data:
            return
    except OSError:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
