"""Write the adjective forms ``analyze`` reads as their masculine
(``assistant/resources/readings/adjective-forms.json``) and the agent nouns read as their
verb (``agent-nouns.json``), from the installed spaCy French pipeline's lemmatizer tables
(see assistant/adjectives.py and assistant/agent_nouns.py).

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
    from assistant import adjectives, agent_nouns

    path, count = adjectives.write_shipped()
    print(f"{count} adjective forms written to {path.relative_to(ROOT)}")
    path, count = agent_nouns.write_shipped()
    print(f"{count} agent nouns written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
