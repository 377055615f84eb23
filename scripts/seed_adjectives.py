"""Write the adjective forms ``analyze`` reads as their masculine
(``assistant/resources/readings/adjective-forms-<model>.json``), from the installed spaCy
French pipeline's lemma exceptions (see assistant/adjectives.py).

Run it after a change of the pipeline's version or of the selection in
``adjectives.from_pipeline``, from the checkout (tests/test_textnorm.py says when):

    .venv/bin/python scripts/seed_adjectives.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from assistant.adjectives import write_shipped

    path, count = write_shipped()
    print(f"{count} adjective forms written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
