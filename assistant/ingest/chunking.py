"""Section-aware chunking: chunks never straddle two sections; ids derive from content."""

from __future__ import annotations

import hashlib

from ..leaning import leans
from ..models import Chunk
from ..textunits import split_sentences
from .structure import Paragraph, Section

# Part of every id: bumped when what is stored with a chunk changes (v2: the vectors of its
# sentences; v3: what each sentence names, assistant.ingest.information), so that an index
# built before is re-embedded instead of lacking them.
CHUNK_RECIPE = "v3"


def chunk_id(file_key: str, section: str, text: str) -> str:
    key = f"{file_key}\x00{section}\x00{text}\x00{CHUNK_RECIPE}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return digest[:32]


def chunk_sections(
    sections: list[Section],
    source: str,
    file_key: str,
    size: int = 900,
    overlap: int = 150,
) -> list[Chunk]:
    """Pack each section's paragraphs into chunks of about ``size`` characters.

    A paragraph longer than ``size`` is split at sentence ends. Consecutive chunks of a
    section share up to ``overlap`` characters (whole sentences) so that a fact stated
    across a boundary is whole in at least one chunk.
    """
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in sections:
        current: list[tuple[str, int | None, bool]] = []
        length = 0
        for block in _blocks(section.paragraphs, size):
            block_length = sum(len(text) + 1 for text, _, _ in block)
            if current and length + block_length > size and block_length <= size * MAX_BLOCK:
                # A list and its lead-in go whole into the next chunk rather than be cut.
                _emit(chunks, current, section.title, source, file_key, seen)
                current, length = _carry(current, overlap, block[0][0], size * MAX_BLOCK)
                if length + block_length > size * MAX_BLOCK:
                    # Too long with its overlap: the block goes alone, but for the one
                    # sentence it leans on, when that still fits (« Cet accompagnement
                    # repose sur : … » stays under the sentence it points back to).
                    last = current[-1:] if current and leans(block[0][0]) else []
                    fits = last and len(last[0][0]) + 1 + block_length <= size * MAX_BLOCK
                    current = last if fits else []
                    length = len(current[0][0]) + 1 if current else 0
            if block_length <= size * MAX_BLOCK and len(block) > 1:
                current.extend(block)
                length += block_length
                continue
            for piece in block:
                if current and length + len(piece[0]) + 1 > size:
                    _emit(chunks, current, section.title, source, file_key, seen)
                    current, length = _carry(current, overlap, piece[0], size * MAX_BLOCK)
                current.append(piece)
                length += len(piece[0]) + 1
        if current:
            _emit(chunks, current, section.title, source, file_key, seen)
    return chunks


# A lead-in and its list stay in one chunk up to this many times the chunk size.
MAX_BLOCK = 1.25
Piece = tuple[str, int | None, bool]  # text, page, starts a paragraph


def _carry(
    current: list[Piece], overlap: int, following: str = "", room: float = 0.0
) -> tuple[list[Piece], int]:
    """Whole trailing sentences carried into the next chunk as overlap.

    A chunk never opens on a sentence that leans on the one before it (« Ces chiffres… »,
    « Il a recommandé… », see :mod:`assistant.leaning`): the carry reaches back to the
    sentence it leans on, past ``overlap`` if need be (as long as the carry and
    ``following`` fit in ``room`` characters), so that the passage holds what a quote of it
    needs to be read alone."""
    carry: list[Piece] = []
    carried = 0
    for text, page, starts in reversed(current):
        if carried + len(text) > overlap:
            break
        carry.insert(0, (text, page, starts))
        carried += len(text) + 1
    opening = carry[0][0] if carry else following
    while len(carry) < len(current) and opening and leans(opening):
        text, page, starts = current[len(current) - len(carry) - 1]
        if carried + len(text) + len(following) > room:
            break
        carry.insert(0, (text, page, starts))
        carried += len(text) + 1
        opening = text
    return carry, carried


def _blocks(paragraphs: list[Paragraph], size: int) -> list[list[Piece]]:
    """Pieces grouped so that a sentence announcing a list (« … : ») and its items form one
    block; every other piece is a block of its own."""
    blocks: list[list[Piece]] = []
    open_list = False
    for paragraph in paragraphs:
        pieces = _pieces(paragraph, size)
        if paragraph.kind == "bullet" and open_list and blocks:
            blocks[-1].extend(pieces)
            continue
        open_list = False
        blocks.extend([piece] for piece in pieces)
        if pieces and pieces[-1][0].rstrip().endswith(":"):
            open_list = True
    return blocks


def _emit(
    chunks: list[Chunk],
    pieces: list[tuple[str, int | None, bool]],
    section: str,
    source: str,
    file_key: str,
    seen: set[str],
) -> None:
    text = _render(pieces)
    if not text.strip():
        return
    identity = chunk_id(file_key, section, text)
    if identity in seen:
        return  # the same text twice in a section (a repeated line) is one passage
    seen.add(identity)
    page = next((p for _, p, _ in pieces if p is not None), None)
    chunks.append(
        Chunk(
            id=identity,
            text=text,
            source=source,
            section=section,
            page=page,
            ordinal=len(chunks),
        )
    )


def _pieces(paragraph: Paragraph, size: int) -> list[tuple[str, int | None, bool]]:
    """Sentences grouped back into paragraph-sized pieces no longer than ``size``."""
    sentences = split_sentences(paragraph.text) or [paragraph.text]
    pieces: list[tuple[str, int | None, bool]] = []
    for sentence in sentences:
        while len(sentence) > size:
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            pieces.append((sentence[:cut].strip(), paragraph.page, not pieces))
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append((sentence, paragraph.page, not pieces))
    return pieces


def _render(pieces: list[tuple[str, int | None, bool]]) -> str:
    out = ""
    for text, _page, starts in pieces:
        if not out:
            out = text
        elif starts:
            out += "\n" + text
        else:
            out += " " + text
    return out.strip()
