"""Write the shipped note's sentence readings (``assistant/resources/readings/
information-<model>.json.gz``): what spaCy reads each sentence of the note's chunks to name
(:mod:`assistant.ingest.information`), so that indexing the shipped note loads no pipeline.

Run it after a change of cleaning, structure, chunking or of the reading itself, from the
checkout (tests/test_summary.py says when):

    .venv/bin/python scripts/seed_information.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from assistant import resources
    from assistant.ingest.changes import chunk_document
    from assistant.ingest.information import read_sentences, write_shipped
    from assistant.ingest.loading import discover, load
    from assistant.ingest.sentvectors import sentences_of
    from assistant.settings import Settings

    started = time.perf_counter()
    settings = Settings(corpus_dir=resources.shipped_corpus(), _env_file=None)
    model = settings.nlp_model
    sentences: dict[str, None] = {}
    for file in discover([settings.corpus_dir], settings.corpus_dir):
        for chunk in chunk_document(load(file), settings):
            sentences.update(dict.fromkeys(sentences_of(chunk.text)))
    texts = list(sentences)
    readings = dict(zip(texts, read_sentences(texts, model), strict=True))
    path = resources.shipped_information(model)
    write_shipped(readings, model, path)
    print(
        f"{len(readings)} sentences read by {model} written to {path.relative_to(ROOT)} "
        f"({path.stat().st_size / 1e3:.0f} kB, {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
