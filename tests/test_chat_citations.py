"""What the chat shows around an answer: side panels, the Sources footer, the search step."""

from __future__ import annotations

import asyncio

import pytest

from assistant.chat.citations import (
    passage_markdown,
    resolve_pdf,
    retrieval_markdown,
    source_views,
    sources_footer,
    store_pdfs,
    uploads_dir,
)
from assistant.models import Answer, Citation, RetrievedChunk
from tests.conftest import make_settings
from tests.pdfs import make_pdf


def chunk(cid, source, section, page, text, rank=1):
    return RetrievedChunk(
        id=cid, text=text, source=source, section=section, page=page, score=0.03, rank=rank
    )


@pytest.fixture
def settings(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "rapport.pdf", [["Page un."], ["Page deux : le budget."]])
    return make_settings(tmp_path / "data", corpus_dir=corpus)


@pytest.fixture
def answer():
    return Answer(
        question="Quel budget ?",
        answer="Le budget a doublé. [1] Les bénévoles aussi. [2]",
        search_query="Quel budget ?",
        confidence=0.82,
        citations=[
            Citation(
                marker=1,
                source="rapport.pdf",
                section="Budget",
                page=2,
                quote="Le budget a doublé.",
                chunk_id="a",
            ),
            Citation(
                marker=2,
                source="notes.md",
                section="Bénévolat <b>",
                page=None,
                quote="Les bénévoles aussi.",
                chunk_id="b",
            ),
        ],
        retrieved=[
            chunk("a", "rapport.pdf", "Budget", 2, "Intro.\nLe budget a doublé.\nFin."),
            chunk(
                "b",
                "notes.md",
                "Bénévolat <b>",
                None,
                "Les bénévoles aussi. ![x](https://evil.example/x.png)",
                rank=2,
            ),
        ],
    )


def test_views_carry_passage_section_page_and_document(settings, answer):
    first, second = source_views(answer, settings)
    assert (first.name, first.section, first.page) == ("[1]", "Budget", 2)
    assert first.pdf_path == settings.corpus_dir.resolve() / "rapport.pdf"
    assert first.passage.startswith("Intro.")
    assert second.pdf_path is None and second.quotes == ["Les bénévoles aussi."]


def test_side_panel_markdown(settings, answer):
    _, second = source_views(answer, settings)
    markdown = passage_markdown(second)
    assert "**Document** : notes.md" in markdown
    assert "**Section** : Bénévolat \\<b\\>" in markdown
    assert "**Passage cité**" in markdown and "> Les bénévoles aussi." in markdown
    assert "**Passage complet**" in markdown
    assert "![" not in markdown  # the passage is untrusted too
    first, _ = source_views(answer, settings)
    assert "**Page** : 2" in passage_markdown(first)


def test_sources_footer_links_every_marker(settings, answer):
    footer = sources_footer(source_views(answer, settings))
    assert footer.splitlines()[0] == "**Sources**"
    assert "- [1] *Budget* — rapport.pdf, p. 2 · Extrait 1" in footer
    assert "- [2] *Bénévolat \\<b\\>* — notes.md" in footer
    assert sources_footer([]) == ""


def test_retrieval_step_lists_what_came_back(answer):
    markdown = retrieval_markdown(answer)
    assert markdown.startswith("**Recherche** : « Quel budget ? »")
    assert "**Confiance** : 0.82" in markdown
    assert "1. *Budget* — rapport.pdf, p. 2 (score 0.0300)" in markdown
    assert "![" not in markdown


def test_pdfs_resolve_only_inside_the_corpus_and_uploads(settings, tmp_path):
    assert resolve_pdf(settings, "rapport.pdf") is not None
    assert resolve_pdf(settings, "../corpus/rapport.pdf") is not None  # still inside
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4")
    assert resolve_pdf(settings, "../secret.pdf") is None
    assert resolve_pdf(settings, str(outside)) is None
    assert resolve_pdf(settings, "notes.md") is None
    uploads_dir(settings).mkdir(parents=True)
    (uploads_dir(settings) / "ajout.pdf").write_bytes(b"%PDF-1.4")
    assert resolve_pdf(settings, "ajout.pdf") == uploads_dir(settings).resolve() / "ajout.pdf"


def test_elements_pdf_at_its_page_and_text_passages(settings, answer, tmp_path):
    from chainlit.context import init_http_context

    from assistant.chat.citations import build_elements
    from assistant.chat.runtime import ChatRuntime
    from assistant.chat.storage import LocalStorageClient

    runtime = ChatRuntime(settings, LocalStorageClient(tmp_path / "files", "k" * 48))
    views = source_views(answer, settings)
    stored = store_pdfs(views, runtime.pdf_file)
    assert stored == store_pdfs(views, runtime.pdf_file)  # stored once

    async def in_a_chainlit_context():
        init_http_context()
        return build_elements(views, stored)

    elements = asyncio.run(in_a_chainlit_context())
    by_name = {e.name: e for e in elements}
    assert set(by_name) == {"[1]", "Extrait 1", "[2]"}
    pdf = by_name["[1]"]
    assert (pdf.type, pdf.page, pdf.display) == ("pdf", 2, "side")
    assert pdf.object_key.startswith("blob/") and pdf.url.startswith("/assistant/files/")
    assert by_name["[2]"].type == "text" and "Passage complet" in by_name["[2]"].content
    runtime.close()


def test_a_pdf_opens_at_the_page_of_the_quoted_words(tmp_path):
    from assistant.chat.citations import cited_page

    pdf = make_pdf(
        tmp_path / "rapport.pdf",
        [
            ["Rapport annuel 2023"],
            ["Chapitre 1 : les benevoles ont donne 12 000 heures de leur temps."],
            ["Chapitre 2 : le mecenat d'entreprise represente 18 % des ressources."],
        ],
    )
    quote = "Chapitre 2 : le mécénat d'entreprise représente 18 % des ressources."
    assert cited_page(pdf, [quote], 1) == 3  # the passage starts on page 1, the words on 3
    assert cited_page(pdf, ["Une phrase absente du document."], 1) == 1
    assert cited_page(tmp_path / "absent.pdf", [quote], 2) == 2


def test_cited_page_survives_cleaning_differences(tmp_path):
    from assistant.chat.citations import cited_page

    pdf = make_pdf(
        tmp_path / "rapport.pdf",
        [
            ["Rapport annuel 2023"],
            ["Chapitre 1 : le benevolat", "Les 85 benevoles ont donne 12 000 heures en 2023."],
        ],
    )
    # The loader dropped « 1 » (read as a footnote call) and joined the heading.
    quote = "Chapitre: le benevolat Les 85 benevoles ont donne 12 000 heures en 2023."
    assert cited_page(pdf, [quote], 1) == 2
