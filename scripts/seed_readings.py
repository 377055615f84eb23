"""Write the trainer's shipped readings: spaCy's reading of every line of the shipped note
(``assistant/resources/readings/<model>.json.gz``), so that a first sheet of the note loads
no pipeline (~5 s) and parses nothing.

Run it after a change of cleaning, structure, chunking or of the reading itself, from the
checkout (tests/test_trainer.py says when):

    .venv/bin/python scripts/seed_readings.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from assistant import resources
    from assistant.answer.answering import Assistant
    from assistant.models import RetrievedChunk
    from assistant.settings import Settings
    from assistant.trainer import corpus
    from assistant.trainer.build import build_sheet
    from assistant.trainer.reading import Reader, write_shipped

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            data_dir=Path(data), corpus_dir=resources.shipped_corpus(), _env_file=None
        )
        assistant = Assistant(settings)
        assistant.ensure_index()
        retriever = assistant.retriever
        model = settings.nlp_model
        # Neither the user's cache nor an older shipped file: every line read afresh.
        reader = corpus.cached(retriever, "_trainer_reader", lambda: Reader(None, model))
        chunks = [RetrievedChunk.of(c, 0.0, 0) for c in retriever.chunks]
        units = [u for chunk in chunks for u in retriever.units_of(chunk)]
        corpus.read_lines(retriever, units)
        for day in range(1, 22):  # and whatever else a day's sheet reads
            build_sheet(assistant, f"{day}e jour")
        path = Path(str(resources.__path__[0])) / "readings" / f"{model}.json.gz"
        count = write_shipped(reader, path)
    print(
        f"{count} lines read by {model} written to {path.relative_to(ROOT)} "
        f"({path.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
