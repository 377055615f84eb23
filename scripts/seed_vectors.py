"""Write the seed of the embedding cache: the shipped note's passage vectors for the
default embedding model (``assistant/resources/vectors/<model>.npz``).

Run it after a change of cleaning, structure or chunking that changes the sentences of
the note (tests/test_embedcache.py says when), from the checkout:

    .venv/bin/python scripts/seed_vectors.py

The vectors are the model's own (no cache is read), so the seed is what a first start
would have computed; the tests recompute them and compare byte for byte.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from assistant import resources
    from assistant.backends.embedcache import write_seed
    from assistant.backends.embeddings import canonical_name, make_embedder
    from assistant.ingest.indexing import texts_to_embed
    from assistant.settings import Settings

    settings = Settings(corpus_dir=resources.shipped_corpus(), _env_file=None)
    model = canonical_name(settings.embedding_model)
    texts = texts_to_embed(settings)
    started = time.perf_counter()
    vectors = make_embedder(settings.embedding_model).embed_documents(texts)
    path = Path(str(resources.__path__[0])) / "vectors" / f"{model}.npz"
    write_seed(path, model, texts, vectors)
    print(
        f"{len(texts)} vectors of {model} written to {path.relative_to(ROOT)} "
        f"({path.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
