"""The LLM answer as LangChain (LCEL) chains: passages → the answer prompt → a chat model.

- :func:`assistant_chain` is the assistant's own LLM path, one chain over the
  :class:`~assistant.search.documents.HybridRetriever`: retrieve → ground (units scored,
  evidence judged, answer planned: :func:`~.planning.ground`) → abstain, or the model
  writing from the plan's passages, falling back to the extractive answer when the provider
  fails; :func:`stream_answer` runs it (markers checked, output bounded, a failure in the
  middle of the stream answered by the extractive answer too);
- :func:`generation_chain` takes ``{"question", "documents", "history"}`` and streams the
  model's message (the last steps of the two other chains);
- :func:`answer_chain` is the whole road for a LangChain user: a question in, the
  retriever's documents (:class:`~assistant.search.documents.HybridRetriever` or any
  other), the same prompt and model, ``{"answer", "documents"}`` out — the answer's
  ``[n]`` being the n-th document, markers to no document removed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from collections.abc import Generator as Steps
from dataclasses import dataclass

from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import (
    Runnable,
    RunnableBranch,
    RunnableConfig,
    RunnableLambda,
    RunnablePassthrough,
)

from ..models import Answer, Turn
from ..safety import redact
from ..search.documents import Found, HybridRetriever, passage_of
from ..settings import Settings
from .generation import ExtractiveGenerator, llm_answer
from .guards import output_bound, secrets_of
from .llm import LLMError, MarkerFilter, prompt_inputs, stream_completion, strip_invalid_markers
from .planning import Grounding, ground
from .prompts import answer_prompt

log = logging.getLogger(__name__)


def _variables(inputs: dict) -> dict:
    documents: list[Document] = inputs.get("documents") or []
    passages = [passage_of(document) for document in documents]
    return prompt_inputs(inputs["question"], inputs.get("history") or [], passages)


def generation_chain(settings: Settings, model: Runnable, detail: str = "short") -> Runnable:
    """``{"question", "documents", "history"?}`` → the chat model's (streamed) message."""
    prompt = answer_prompt(settings.prompts_dir, detail)
    return RunnableLambda(_variables, name="passages") | prompt | model


def _checked(inputs: dict) -> dict:
    answer = strip_invalid_markers(inputs["answer"], len(inputs["documents"]))
    return {"answer": answer.strip(), "documents": inputs["documents"]}


def answer_chain(
    retriever: BaseRetriever | Runnable,
    model: Runnable,
    settings: Settings | None = None,
    detail: str = "short",
) -> Runnable:
    """A question (``str``) → ``{"answer": str, "documents": list[Document]}``."""
    from ..settings import get_settings

    generate = generation_chain(settings or get_settings(), model, detail) | StrOutputParser()
    return (
        {"question": RunnablePassthrough(), "documents": retriever}
        | RunnablePassthrough.assign(answer=generate)
        | RunnableLambda(_checked, name="markers")
    )


# --- the assistant's own LLM path -------------------------------------------------------------
@dataclass(frozen=True)
class Cut:
    """The last chunk of a model's answer the output bound cut: why it did."""

    reason: str


def assistant_chain(
    settings: Settings,
    retriever: HybridRetriever,
    chat_model: Callable[[], Runnable],
    detail: str = "short",
) -> Runnable:
    """``{"question": str, "history": list[Turn]}`` → the same with ``found`` (the analysed
    question and its search), ``grounding`` and ``answer``. Streamed, ``found`` and
    ``grounding`` come first, then ``answer``: the model's text deltas (markers to no
    passage dropped, the output bounded: a last :class:`Cut` says where), or one
    :class:`~assistant.models.Answer` — the abstention, or the extractive answer with a
    warning when the provider fails before its first token. ``chat_model`` is called when
    the model is needed: a provider that cannot be set up falls back the same way."""
    prompt = answer_prompt(settings.prompts_dir, detail)

    def retrieve(inputs: dict) -> Found:
        return retriever.found(inputs["question"], inputs.get("history") or [])

    def grounded(inputs: dict) -> Grounding:
        found = inputs["found"]
        return ground(settings, found.query, found.retrieval, detail)

    def abstains(inputs: dict) -> bool:
        return inputs["grounding"].abstains(settings, extractive=False)

    def abstain(inputs: dict) -> Answer:
        grounding, english = inputs["grounding"], inputs["found"].query.cross_lingual
        missing = grounding.not_found(settings)
        return ExtractiveGenerator.abstain(grounding.plan.passages, english, "llm", missing)

    def extractive(inputs: dict) -> Answer:
        return extractive_fallback(settings, inputs, inputs["error"], detail)

    def variables(inputs: dict) -> dict:
        passages = inputs["grounding"].plan.passages
        return prompt_inputs(inputs["question"], inputs.get("history") or [], passages)

    def write(inputs: dict) -> Runnable:
        valid = len(inputs["grounding"].plan.passages)  # what a marker may cite

        def speak(messages, config: RunnableConfig) -> Iterator[str | Cut]:
            # The model's own stream, bounded here: cutting it downstream would leave
            # LangChain reading a runaway model to its end.
            model = chat_model()
            text = stream_completion(model, messages, config)
            yield from _held_and_bounded(settings, valid, text)

        return (
            RunnableLambda(variables, name="passages")
            | prompt
            | RunnableLambda(speak, name="chat_model")
        )

    fallback = RunnableLambda(extractive, name="extractive")
    answer = RunnableBranch(
        (RunnableLambda(abstains, name="abstains"), RunnableLambda(abstain, name="abstain")),
        RunnableLambda(write, name="write").with_fallbacks([fallback], exception_key="error"),
    )
    return (
        RunnablePassthrough.assign(found=RunnableLambda(retrieve, name="retrieve"))
        | RunnablePassthrough.assign(grounding=RunnableLambda(grounded, name="ground"))
        | RunnablePassthrough.assign(answer=answer)
    )


def _held_and_bounded(settings: Settings, valid: int, deltas: Iterator[str]) -> Iterator[str | Cut]:
    """The model's text, markers to no passage held back and dropped, bounded in characters
    and time (the bound closes the model's stream)."""
    bound = output_bound(settings)
    markers = MarkerFilter(valid)
    for delta in bound(deltas):
        visible = markers.feed(delta)
        if visible:
            yield visible
    tail = markers.flush()
    if tail:
        yield tail
    if bound.truncated:
        yield Cut(bound.truncated)


def extractive_fallback(settings: Settings, inputs: dict, error: Exception, detail: str) -> Answer:
    """The extractive answer in the model's place, its warning saying why (no secret)."""
    if isinstance(error, LLMError):
        reason = str(error)
    else:
        reason = f"Le fournisseur LLM a échoué : {type(error).__name__}: {error}"
    reason = redact(reason, secrets_of(settings))
    log.warning("LLM unavailable, extractive fallback: %s", reason)
    plan, english = inputs["grounding"].plan, inputs["found"].query.cross_lingual
    answer = ExtractiveGenerator.compose(plan, english, detail)
    answer.warnings.append(f"LLM indisponible, réponse extractive à la place ({reason}).")
    return answer


def stream_answer(
    chain: Runnable, settings: Settings, question: str, history: list[Turn], detail: str
) -> Steps[str, None, tuple[Answer, Found, Grounding]]:
    """Run :func:`assistant_chain`: yield the model's text as it comes; return the answer —
    the model's, or the :class:`~assistant.models.Answer` the chain gave — with what it
    stands on. A provider failing in the middle of its stream is answered as one failing
    before it: a warning, then the extractive answer (the text already shown stays)."""
    seen: dict = {}
    text, cut = "", None
    try:
        for chunk in chain.stream({"question": question, "history": history}):
            seen.update({k: v for k, v in chunk.items() if k in ("found", "grounding")})
            piece = chunk.get("answer")
            if isinstance(piece, Answer):
                seen["answer"] = piece
            elif isinstance(piece, Cut):
                cut = piece.reason
            elif piece:
                text += piece
                yield piece
    except Exception as exc:
        if "grounding" not in seen:
            raise  # no model ran: the search itself failed
        seen["answer"] = extractive_fallback(settings, {"question": question, **seen}, exc, detail)
    found, grounding = seen["found"], seen["grounding"]
    if "answer" in seen:
        answer = seen["answer"]
        for warning in answer.warnings:
            yield f"\n\n_{warning}_\n\n"
        return answer, found, grounding
    return llm_answer(question, text, grounding.plan.passages, cut), found, grounding
