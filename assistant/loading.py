"""Find and read documents: PDF pages through pypdf, Markdown with its headings, plain text."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cleaning import PageText, split_pages
from .structure import Section, build_sections

log = logging.getLogger(__name__)

SUPPORTED = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


class LoadError(Exception):
    """A file that cannot be ingested, with a reason a person can act on."""


@dataclass
class SourceFile:
    path: Path
    source: str  # display name, relative to the folder it was found in
    key: str  # stable identity: the resolved absolute path
    kind: str


@dataclass
class LoadedDocument:
    file: SourceFile
    sha256: str
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> Iterator[SourceFile]:
    """Supported files under ``paths`` (files or folders), sorted, hidden files skipped."""
    for root in paths:
        root = Path(root).expanduser()
        if root.is_file():
            kind = SUPPORTED.get(root.suffix.lower())
            if kind:
                yield SourceFile(root, root.name, str(root.resolve()), kind)
            continue
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts):
                continue
            kind = SUPPORTED.get(path.suffix.lower())
            if kind and path.is_file() and path.name.lower() != "readme.md":
                yield SourceFile(path, rel.as_posix(), str(path.resolve()), kind)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file: UTF-8 first, then Windows-1252; refuse binary content."""
    if not data.strip():
        raise LoadError("fichier vide / empty file")
    sample = data[:8192]
    if b"\x00" in sample:
        raise LoadError("contenu binaire dans un fichier texte / binary content in a text file")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), ["encodage Windows-1252 détecté (non UTF-8)"]
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return text, ["encodage inconnu : des caractères illisibles ont été remplacés"]


def read_pdf_pages(path: Path) -> list[str]:
    """Text of every page of a PDF, through pypdf."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError("PDF chiffré par mot de passe / password-protected PDF")
            except LoadError:
                raise
            except Exception as exc:
                raise LoadError(f"PDF chiffré illisible / encrypted PDF ({exc})") from exc
        return [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"PDF illisible ou corrompu / unreadable or corrupt PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises many types on crafted files
        raise LoadError(f"PDF illisible / unreadable PDF ({type(exc).__name__})") from exc


def load(file: SourceFile, max_bytes: int | None = None) -> LoadedDocument:
    """Read, clean and structure one file. Raises :class:`LoadError` with a reason."""
    try:
        size = file.path.stat().st_size
    except OSError as exc:
        raise LoadError(f"fichier inaccessible / cannot read file ({exc.strerror})") from exc
    if max_bytes is not None and size > max_bytes:
        raise LoadError(
            f"fichier trop volumineux ({size / 1e6:.1f} Mo > {max_bytes / 1e6:.0f} Mo) "
            "/ file too large"
        )
    if size == 0:
        raise LoadError("fichier vide / empty file")
    sha = file_sha256(file.path)
    title = Path(file.source).stem.replace("_", " ").replace("-", " ").strip() or file.source
    warnings: list[str] = []
    if file.kind == "pdf":
        from .pdfworker import parse_in_child

        texts = parse_in_child(file.path)
        pages: list[PageText] = []
        for number, text in enumerate(texts, start=1):
            pages.extend(split_pages(text, known_page=number))
        if sum(len(t.strip()) for t in texts) < 20:
            raise LoadError(
                "PDF sans couche texte (scanné ?) : passez-le d'abord dans un OCR "
                "/ PDF has no text layer (scanned?): run OCR first"
            )
        sections = build_sections(pages, default_title=title)
    else:
        text, warnings = decode_text(file.path.read_bytes())
        sections = build_sections(
            split_pages(text), default_title=title, markdown=file.kind == "markdown"
        )
    if not any(p.text.strip() for s in sections for p in s.paragraphs):
        raise LoadError("aucun texte exploitable / no usable text")
    return LoadedDocument(file, sha, sections, warnings)
