"""First start of the real chat on a corpus the shipped vectors do not cover: a question
asked while the index is built sees the progress (passages done out of the total, time
left) in the chat's notice, then the answer. Driven over the chat's Socket.IO
transport as the page does (bench/firststart.py)."""

from __future__ import annotations

import re

import pytest

from bench.firststart import first_start
from harness.processes import ARTIFACTS

pytestmark = pytest.mark.slow  # a chat server indexing a corpus


def test_a_question_during_the_first_index_sees_its_progress(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sections = [
        f"# Partie {n}\n\nLa structure numéro {n} mobilise {n * 7} bénévoles pour "
        f"l'action territoriale {n}.\n"
        for n in range(60)
    ]
    (corpus / "note.md").write_text("\n".join(sections), encoding="utf-8")
    result = first_start(
        tmp_path / "data",
        ARTIFACTS / "first-start-server.log",
        question="Combien de bénévoles mobilise la structure numéro 12 ?",
        ASSISTANT_CORPUS_DIR=str(corpus),
    )
    texts = [text for _, text in result["notices"]]
    counts = [re.search(r"(\d+)/60 passages", t) for t in texts]
    done = [int(m.group(1)) for m in counts if m]
    assert done, texts
    assert done == sorted(done) and min(done) < 60
    assert any("restantes" in t for t in texts), texts
    # Then the question is answered (on this made-up corpus the answer may be to abstain).
    assert result["answer_chars"] > 0
