"""From an :class:`~assistant.models.Answer` to what the chat shows around it.

Each marker [n] of the answer links to a side element named ``[n]`` (Chainlit turns an
element's name found in the message into a link): the exact passage with its section,
page and document. A PDF source opens at the cited page (``cl.Pdf(page=…)``) and its
passage gets a second element, « Extrait n ». A « Sources » footer lists every marker.
The retrieval step shows what was searched and what came back.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..ingest.loading import LoadError
from ..models import Answer, RetrievedChunk
from ..settings import Settings
from ..textnorm import tokens
from .conversation import citation_records
from .sanitize import escape_markdown, sanitize_markdown


@dataclass
class SourceView:
    """One marker of an answer, ready to display."""

    marker: int
    source: str
    section: str
    page: int | None
    quotes: list[str]
    passage: str
    pdf_path: Path | None = None

    @property
    def name(self) -> str:
        return f"[{self.marker}]"

    @property
    def excerpt_name(self) -> str:
        return f"Extrait {self.marker}"


def source_views(answer: Answer, settings: Settings, viewer: str | None = None) -> list[SourceView]:
    """One view per marker (blocking: reads cited PDFs once to find the cited page);
    ``viewer``: whose private uploads the answer may cite."""
    passages = {chunk.id: chunk for chunk in answer.retrieved}
    views = []
    for record in citation_records(answer):
        chunk = passages.get(record["chunk_id"])
        pdf_path = resolve_pdf(settings, record["source"], viewer)
        page = record["page"]
        if pdf_path is not None:
            page = cited_page(pdf_path, record["quotes"], page)
        views.append(
            SourceView(
                marker=record["marker"],
                source=record["source"],
                section=record["section"],
                page=page,
                quotes=record["quotes"],
                passage=chunk.text if chunk else "\n".join(record["quotes"]),
                pdf_path=pdf_path,
            )
        )
    return views


def cited_page(pdf_path: Path, quotes: list[str], fallback: int | None) -> int | None:
    """The PDF page holding the quoted words (a passage may span pages), else ``fallback``.

    The quote went through cleaning (footnote calls, hyphenation…), so it is matched by
    windows of five consecutive words: the page matching the most windows wins.
    """
    try:
        stat = pdf_path.stat()
        pages = _page_words(str(pdf_path), stat.st_mtime_ns, stat.st_size)
    except (OSError, LoadError):
        return fallback
    hits: dict[int, int] = {}
    for quote in quotes:
        words = tokens(quote)
        size = min(5, len(words))
        if size < 2:
            continue
        for start in range(0, len(words) - size + 1):
            probe = " " + " ".join(words[start : start + size]) + " "
            for number, text in enumerate(pages, start=1):
                if probe in text:
                    hits[number] = hits.get(number, 0) + 1
    if not hits:
        return fallback
    best = max(hits.values())
    candidates = [n for n, count in hits.items() if count == best]
    return min(candidates, key=lambda n: (abs(n - (fallback or n)), n))


@functools.lru_cache(maxsize=16)
def _page_words(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    from ..ingest.pdfworker import parse_in_child  # pypdf runs in a bounded child process

    return tuple(" " + " ".join(tokens(text)) + " " for text in parse_in_child(Path(path)))


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def owner_uploads(settings: Settings, owner: str | None) -> Path:
    """Where ``owner``'s private uploads are placed: a folder of their own (named by a
    digest: any user name, no path in it), so that the name a file gets never depends on
    other users' files — Bob's « pv.md » used to become « pv-2.md » when Alice had one,
    telling him so. Shared uploads (None): the uploads folder itself."""
    if not owner:
        return uploads_dir(settings)
    digest = hashlib.sha256(owner.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return uploads_dir(settings) / f"u-{digest}"


def resolve_pdf(settings: Settings, source: str, viewer: str | None = None) -> Path | None:
    """The PDF file behind ``source`` (corpus folder, ``viewer``'s own uploads, shared
    uploads), never outside them nor in another user's uploads."""
    if not source.lower().endswith(".pdf"):
        return None
    roots = [settings.corpus_dir]
    if "/" not in source and "\\" not in source:  # uploads are placed under bare names
        roots += [owner_uploads(settings, viewer)] if viewer else []
        roots.append(uploads_dir(settings))
    for root in roots:
        try:
            base = root.resolve()
            candidate = (base / source).resolve()
        except OSError:
            continue
        if candidate.is_relative_to(base) and candidate.is_file():
            return candidate
    return None


def passage_markdown(view: SourceView) -> str:
    """The side panel of a marker: the cited words, then the whole passage, then where."""
    lines = [f"**Document** : {escape_markdown(view.source)}  "]
    lines.append(f"**Section** : {escape_markdown(view.section)}  ")
    if view.page is not None:
        lines.append(f"**Page** : {view.page}  ")
    lines.append("")
    if view.quotes:
        lines += ["**Passage cité**", ""]
        for quote in view.quotes:
            lines += [*_blockquote(quote), ""]
    lines += ["**Passage complet**", "", *_blockquote(view.passage)]
    return "\n".join(lines).strip() + "\n"


def sources_footer(views: list[SourceView]) -> str:
    """The « Sources » list appended to an answer (each [n] is a link to its element)."""
    if not views:
        return ""
    lines = ["**Sources**", ""]
    for view in views:
        page = f", p. {view.page}" if view.page is not None else ""
        excerpt = f" · {view.excerpt_name}" if view.pdf_path else ""
        lines.append(
            f"- {view.name} *{escape_markdown(view.section)}* — "
            f"{escape_markdown(view.source)}{page}{excerpt}"
        )
    return "\n".join(lines)


def retrieval_markdown(answer: Answer, limit: int = 200) -> str:
    """The retrieval step's output: the search query, then each passage that came back."""
    lines = [f"**Recherche** : « {escape_markdown(answer.search_query or answer.question)} »"]
    mode = "modèle de langage" if answer.mode == "llm" else "extractif (phrases du corpus)"
    lines.append(
        f"**Confiance** : {answer.confidence:.2f} · **Réponse** : {mode}"
        + (" · **abstention**" if answer.abstained else "")
    )
    lines.append("")
    if not answer.retrieved:
        lines.append("_Aucun passage trouvé._")
    for chunk in answer.retrieved:
        lines += _retrieved_line(chunk, limit)
    return "\n".join(lines)


def _retrieved_line(chunk: RetrievedChunk, limit: int) -> list[str]:
    page = f", p. {chunk.page}" if chunk.page is not None else ""
    text = " ".join(chunk.text.split())
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return [
        f"{chunk.rank}. *{escape_markdown(chunk.section)}* — {escape_markdown(chunk.source)}"
        f"{page} (score {chunk.score:.4f})",
        f"   > {escape_markdown(text)}",
    ]


def _blockquote(text: str) -> list[str]:
    safe = sanitize_markdown(text.strip())
    return [f"> {line}".rstrip() for line in safe.splitlines() or [""]]


def store_pdfs(views: list[SourceView], store) -> dict:
    """Store each cited PDF once (blocking): ``{path: store(path)}``."""
    return {v.pdf_path: store(v.pdf_path) for v in views if v.pdf_path is not None}


def build_elements(views: list[SourceView], stored_pdfs: dict) -> list:
    """Chainlit side elements for ``views`` (in a Chainlit context: they need its thread).

    ``stored_pdfs`` maps each PDF path to its stored file (``object_key``, ``url``).
    """
    import chainlit as cl

    elements: list = []
    for view in views:
        text = cl.Text(
            name=view.excerpt_name if view.pdf_path else view.name,
            content=passage_markdown(view),
            display="side",
            mime="text/markdown",
        )
        if view.pdf_path:
            key = stored_pdfs[view.pdf_path]
            elements.append(
                cl.Pdf(
                    name=view.name,
                    url=key.url,
                    object_key=key.object_key,
                    page=view.page or 1,
                    display="side",
                    mime="application/pdf",
                )
            )
        elements.append(text)
    return elements
