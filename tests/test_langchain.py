"""The LangChain seams: the hybrid search as a retriever of Documents, the prompts as a
ChatPromptTemplate, the provider through init_chat_model, the answer as an LCEL chain, the
default embedder as LangChain Embeddings — with LangChain's own fake chat models."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda

from assistant.answer.chain import answer_chain
from assistant.answer.llm import LLMError, build_messages, make_chat_model
from assistant.answer.prompts import answer_prompt, render
from assistant.backends.lcembeddings import EmbedderEmbeddings
from assistant.search.documents import HybridRetriever, document_of, passage_of
from assistant.settings import Settings
from harness.processes import ROOT

QUESTION = "Quels sont les trois leviers d'un modèle socio-économique ?"
METADATA = {"source", "section", "page", "passage_id", "score", "rank"}


class Prompts(BaseCallbackHandler):
    """The messages each chat model run was sent."""

    def __init__(self) -> None:
        self.sent: list[list] = []

    def on_chat_model_start(self, serialized, messages, **kwargs) -> None:
        self.sent.extend(messages)


def test_the_hybrid_search_is_a_retriever_of_documents_in_the_assistant_s_order(
    reference_assistant,
):
    retriever = HybridRetriever(retriever=reference_assistant.retriever)
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke(QUESTION)
    _, retrieval = reference_assistant.retrieve(QUESTION)
    assert [d.metadata["passage_id"] for d in documents] == [p.id for p in retrieval.ranked]
    assert documents and all(set(d.metadata) >= METADATA for d in documents)
    first, passage = documents[0], retrieval.passages[0]
    assert first.page_content == passage.text and first.metadata["section"] == passage.section
    assert passage_of(first) == passage  # and back, nothing lost
    assert len(HybridRetriever(retriever=reference_assistant.retriever, k=2).invoke(QUESTION)) == 2


def test_a_retriever_from_the_settings_reads_the_index_ingest_built(reference_index):
    documents = HybridRetriever.from_settings(reference_index, k=3).invoke(QUESTION)
    assert len(documents) == 3 and "levier" in " ".join(d.page_content for d in documents)


def test_the_answer_prompt_is_a_chat_prompt_template_writing_the_same_messages():
    settings = Settings(_env_file=None)
    prompt = answer_prompt(settings.prompts_dir, "full")
    assert isinstance(prompt, ChatPromptTemplate)
    assert set(prompt.input_variables) == {"passages", "history", "question"}
    values = {"passages": '<passage n="1">{x}</passage>', "history": "(aucune)", "question": "Q ?"}
    system, user = prompt.format_messages(**values)
    style = render(settings.prompts_dir, "style.full.fr").strip()
    assert system.content == render(settings.prompts_dir, "system.fr", style=style)
    assert user.content == render(settings.prompts_dir, "user.fr", **values)
    assert (system.type, user.type) == ("system", "human")


def test_the_answer_chain_runs_over_the_retriever_with_a_fake_chat_model(reference_assistant):
    retriever = HybridRetriever(retriever=reference_assistant.retriever, k=3)
    model = FakeListChatModel(responses=["Trois leviers [1], dont les alliances [2] et [9]."])
    prompts = Prompts()
    result = answer_chain(retriever, model).invoke(QUESTION, config={"callbacks": [prompts]})
    assert result["answer"] == "Trois leviers [1], dont les alliances [2] et ."  # [9]: no such
    assert [d.metadata["passage_id"] for d in result["documents"]] == [
        d.metadata["passage_id"] for d in retriever.invoke(QUESTION)
    ]
    (system, user) = prompts.sent[0]
    assert "N'invente jamais de numéro" in system.content
    blocks = re.findall(r'<passage n="(\d)"', user.content)
    assert blocks == ["1", "2", "3"] and QUESTION in user.content
    assert result["documents"][0].page_content.split("\n")[0][:40] in user.content


def test_the_assistant_s_llm_path_sends_the_chain_s_messages(reference_assistant):
    """The LLM generator streams through the generation chain: the model receives the
    answer prompt over the planned passages, exactly what build_messages writes."""
    from assistant.answer.answering import Assistant

    reply = "Les richesses humaines [1]."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    prompts = Prompts()
    model.callbacks = [prompts]
    settings = reference_assistant.settings
    assistant = Assistant(
        settings,
        store=reference_assistant.store,
        embedder=reference_assistant.embedder,
        chat_model=model,
    )
    answer = assistant.answer(QUESTION)
    assert answer.mode == "llm" and answer.answer == reply
    sent = prompts.sent[0]
    assert [m.type for m in sent] == ["system", "human"]
    assert sent[0].content == build_messages(settings, QUESTION, [], [], "short")[0].content
    assert re.findall(r'<passage n="(\d+)"', sent[1].content) and QUESTION in sent[1].content


def test_providers_come_through_init_chat_model():
    from langchain_mistralai import ChatMistralAI
    from langchain_openai import ChatOpenAI

    local = make_chat_model(
        Settings(
            _env_file=None,
            llm_provider="openai-compatible",
            llm_model="mistral-small",
            llm_base_url="http://127.0.0.1:11434/v1",
        )
    )
    assert isinstance(local, ChatOpenAI) and local.model_name == "mistral-small"
    assert local.openai_api_base == "http://127.0.0.1:11434/v1" and local.streaming
    mistral = make_chat_model(
        Settings(_env_file=None, llm_provider="mistral", llm_model="m", llm_api_key="k")
    )
    assert isinstance(mistral, ChatMistralAI) and mistral.endpoint == "https://api.mistral.ai/v1"
    for broken, message in (
        ({"llm_provider": "openai", "llm_model": "gpt"}, "ASSISTANT_LLM_API_KEY"),
        ({"llm_provider": "openai-compatible", "llm_model": "x"}, "ASSISTANT_LLM_BASE_URL"),
        ({"llm_provider": "mistral"}, "ASSISTANT_LLM_MODEL"),
    ):
        with pytest.raises(LLMError, match=message):
            make_chat_model(Settings(_env_file=None, **broken))


def test_the_default_embedder_as_langchain_embeddings(reference_assistant):
    embeddings = EmbedderEmbeddings(reference_assistant.embedder)
    assert isinstance(embeddings, Embeddings)
    query = embeddings.embed_query(QUESTION)
    assert isinstance(query, list) and isinstance(query[0], float)
    assert query == pytest.approx(reference_assistant.embedder.embed_query(QUESTION).tolist())
    documents = embeddings.embed_documents(["Le mécénat de compétences.", "Les alliances."])
    assert len(documents) == 2 and len(documents[0]) == len(query)


def test_the_readme_example_runs(reference_index, monkeypatch):
    """The README's example, as written, over the reference index; the provider is the
    only fake: a chat model that repeats the prompt it was given."""
    import langchain.chat_models

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("<!-- retriever-example", 1)[1].split("```python\n", 1)[1]
    example = example.split("```", 1)[0]
    echo = RunnableLambda(lambda prompt: AIMessage(content=prompt.to_string()))
    monkeypatch.setattr(langchain.chat_models, "init_chat_model", lambda *a, **k: echo)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(reference_index.corpus_dir))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {})
    printed = out.getvalue()
    assert QUESTION in printed and printed.count("\n\n[") >= 3  # four cited extracts
    assert "levier" in printed


def test_documents_round_trip():
    from assistant.models import RetrievedChunk

    passage = RetrievedChunk(
        id="c1", text="t", source="a.pdf", section="S", page=3, score=0.5, rank=1
    )
    assert passage_of(document_of(passage)) == passage


# --- the assistant's own LLM path: one LCEL chain over the retriever -------------------------
OFF_TOPIC = "Quelle est la recette de la pâte à crêpes bretonne ?"


class Failing(GenericFakeChatModel):
    """A provider that streams ``after`` chunks of its message, then fails."""

    after: int = 0

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        for number, chunk in enumerate(super()._stream(messages, stop, run_manager, **kwargs)):
            if number >= self.after:
                raise ConnectionError("provider down")
            yield chunk


def _chain(assistant, model, detail="short"):
    from assistant.answer.chain import assistant_chain

    retriever = HybridRetriever(retriever=assistant.retriever)
    return assistant_chain(assistant.settings, retriever, lambda: model, detail)


def test_the_llm_path_is_one_chain_retrieve_ground_then_abstain_or_answer(reference_assistant):
    from assistant.answer.planning import Grounding
    from assistant.search.documents import Found

    reply = "Les richesses humaines [1], les ressources [2] et les alliances [3]."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    chain = _chain(reference_assistant, model)
    chunks = list(chain.stream({"question": QUESTION, "history": []}))
    found = next(c["found"] for c in chunks if "found" in c)
    grounding = next(c["grounding"] for c in chunks if "grounding" in c)
    assert isinstance(found, Found) and isinstance(grounding, Grounding)
    _, retrieval = reference_assistant.retrieve(QUESTION)
    assert [p.id for p in found.retrieval.passages] == [p.id for p in retrieval.passages]
    assert not grounding.abstains(reference_assistant.settings, extractive=False)
    deltas = [c["answer"] for c in chunks if "answer" in c]
    assert len(deltas) > 3 and "".join(deltas) == reply  # streamed, not one block
    # LangChain's own view of the chain: over the retriever, one grounding step, a branch.
    steps = {step.name for step in chain.get_graph().nodes.values()}
    assert {"HybridRetriever", "ground", "Branch"} <= steps

    # Below the evidence threshold the model is never asked: the chain abstains.
    untouched = Failing(messages=iter([AIMessage(content="jamais")]))
    result = _chain(reference_assistant, untouched).invoke({"question": OFF_TOPIC})
    assert result["answer"].abstained and result["answer"].mode == "llm"
    assert result["grounding"].abstains(reference_assistant.settings, extractive=False)


def test_a_provider_failing_before_its_first_token_falls_back_inside_the_chain(
    reference_assistant,
):
    model = Failing(messages=iter([AIMessage(content="Les leviers [1].")]), after=0)
    result = _chain(reference_assistant, model).invoke({"question": QUESTION})
    answer = result["answer"]
    assert answer.mode == "extractive" and answer.citations
    assert "ConnectionError: provider down" in answer.warnings[0]


def test_a_provider_failing_mid_stream_keeps_what_it_said_then_the_extractive_answer(
    reference_index,
):
    from assistant.answer.answering import Assistant

    model = Failing(messages=iter([AIMessage(content="Les leviers sont nombreux [1].")]), after=3)
    items = list(Assistant(reference_index, chat_model=model).stream(QUESTION))
    answer, text = items[-1], "".join(items[:-1])
    assert text.startswith("Les leviers")  # what the model said before failing stays
    assert "_LLM indisponible" in text and answer.answer in text  # then the warning, the quotes
    assert answer.mode == "extractive" and answer.citations and answer.warnings
    assert answer.retrieved and answer.confidence > 0


def test_the_extractive_default_never_imports_langchain(reference_index):
    """`assistant ask` without a provider: LangChain (~0.5 s to import) is not loaded."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "sys.argv = ['assistant', 'ask', '--json', sys.argv[1]]\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('langchain')))\n"
    )
    env = os.environ | {
        "ASSISTANT_DATA_DIR": str(reference_index.data_dir),
        "ASSISTANT_CORPUS_DIR": str(reference_index.corpus_dir),
        "ASSISTANT_LLM_PROVIDER": "none",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, QUESTION],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("[]") and '"answer"' in done.stdout
