"""The LLM answer as LangChain (LCEL) chains: passages → the answer prompt → a chat model.

- :func:`generation_chain` takes ``{"question", "documents", "history"}`` and streams the
  model's message: the assistant's LLM path (:class:`~.generation.LLMGenerator`) runs it on
  the passages its plan chose, after the evidence check decided to answer at all;
- :func:`answer_chain` is the whole road for a LangChain user: a question in, the
  retriever's documents (:class:`~assistant.search.documents.HybridRetriever` or any
  other), the same prompt and model, ``{"answer", "documents"}`` out — the answer's
  ``[n]`` being the n-th document, markers to no document removed.
"""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from ..search.documents import passage_of
from ..settings import Settings
from .llm import prompt_inputs, strip_invalid_markers
from .prompts import answer_prompt


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
