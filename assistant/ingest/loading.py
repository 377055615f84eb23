"""Find and read documents: PDF pages through pypdf, Markdown with its headings, plain text.

Whatever the file, the result is a document or a :class:`LoadError` whose message says, in
plain words, why it was not read: unsupported type, broken link, too large (checked before
anything is read), empty, binary content, fake or corrupt PDF, encrypted PDF (the empty
password is tried first), scanned PDF without a text layer. Text files are read as UTF-8,
then UTF-16/32 (byte-order mark or zero-byte pattern), then detected (Windows-1252 and
friends); replaced characters are reported. Characters that hide text from a reader (Unicode
tags, bidi overrides, zero-width…) are removed before anything is indexed.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError
from ..safety import safe_display
from .cleaning import PageText, remove_invisible, split_pages
from .structure import Section, build_sections

log = logging.getLogger(__name__)

SUPPORTED = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
# What a file really is when its extension says otherwise (first bytes → plain name).
_MAGIC = [
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"PK\x03\x04", "une archive ZIP (document Word, Excel ou OpenDocument ?)"),
    (b"\xd0\xcf\x11\xe0", "un document Office ancien format (.doc, .xls)"),
    (b"{\\rtf", "un document RTF"),
    (b"\x7fELF", "un programme"),
    (b"MZ", "un programme Windows"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
]
MAX_REASON_CHARS = 240


@dataclass
class SourceFile:
    path: Path
    source: str  # display name, relative to the folder it was found in
    key: str  # identity in the index: see :func:`location_key`
    kind: str
    problem: str | None = None  # why it cannot be read at all (set by :func:`scan`)


@dataclass
class LoadedDocument:
    file: SourceFile
    sha256: str
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)


def resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic-link loop (RuntimeError before 3.13)
        return Path(os.path.abspath(path))


def location_key(location: Path, corpus: Path | None, path: Path) -> str:
    """A file's key in the index: where it is in the corpus — its path relative to the
    corpus folder (resolved), ``budget.md``, ``annexes/lieu.md`` — so that a moved or
    re-rooted corpus, or another ASSISTANT_CORPUS_DIR, gives the same keys and replaces its
    passages (absolute keys left the old ones served beside the new). A file outside the
    corpus (``ingest ~/notes``, an upload) keeps its resolved absolute path: it is not in
    the corpus, and no move of the corpus concerns it. Relative keys never start with
    ``/``, absolute ones always do.

    ``location``: the file's path with its folders resolved, not the file itself (a link
    in the corpus is keyed where it is, not where it leads)."""
    if corpus is not None:
        with_folder = Path(os.path.normpath(location))
        if with_folder.is_relative_to(corpus) and with_folder != corpus:
            return _utf8(with_folder.relative_to(corpus).as_posix())
    return real_key(path)


def key_prefixes(root: Path, corpus: Path | None) -> list[str]:
    """The key prefixes of the files an ingest of the folder ``root`` sees (see
    :func:`under`): its files gone from it are removed from the index."""
    real = resolved(root)
    prefixes = [_utf8(str(real)).rstrip("/") + "/"]
    if corpus is not None:
        if real == corpus:
            prefixes.append("")  # every relative key
        elif real.is_relative_to(corpus):
            prefixes.append(_utf8(real.relative_to(corpus).as_posix()) + "/")
        elif corpus.is_relative_to(real):
            prefixes.append("")  # the whole corpus is under it
    return prefixes


def under(key: str, prefix: str) -> bool:
    if prefix == "":
        return not key.startswith("/")
    return key.startswith(prefix)


def _utf8(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def real_key(path: Path) -> str:
    """The resolved absolute path, as valid UTF-8 (undecodable bytes escaped): which file
    it really is (two links to one file have one real key)."""
    try:
        resolved = str(path.resolve())
    except (OSError, RuntimeError):  # a symbolic-link loop (RuntimeError before 3.13)
        resolved = os.path.abspath(path)
    raw = resolved.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace")


def scan(paths: Iterable[Path], corpus: Path | None = None) -> Iterator[SourceFile]:
    """Every file under ``paths`` (files or folders), sorted; the ones that cannot be read
    carry a ``problem``. Hidden files and folders are skipped, as are ``README.md`` files
    (a corpus folder's notice); symbolic links to files are followed, links to folders are
    not (no loops). ``corpus``: the corpus folder, which files are keyed relative to
    (:func:`location_key`)."""
    corpus = resolved(Path(corpus).expanduser()) if corpus is not None else None
    for root in paths:
        root = Path(root).expanduser()
        if not root.is_dir():
            place = resolved(root.parent) / root.name
            yield _entry(root, root.name, location_key(place, corpus, root))
            continue
        real_root = resolved(root)
        unreadable: list[OSError] = []  # folders os.walk could not list (said, not dropped)
        for folder, dirs, files in os.walk(root, followlinks=False, onerror=unreadable.append):
            yield from _unreadable_folders(unreadable, root)
            here = Path(folder)
            dirs.sort()
            for name in list(dirs):
                if name.startswith("."):
                    dirs.remove(name)
                elif (here / name).is_symlink():
                    rel = (here / name).relative_to(root).as_posix()
                    yield SourceFile(
                        here / name,
                        safe_display(rel),
                        location_key(real_root / rel, corpus, here / name),
                        "",
                        "lien symbolique vers un dossier, non suivi / symlink to a folder",
                    )
            for name in sorted(files):
                if name.startswith(".") or name.lower() == "readme.md":
                    continue
                path = here / name
                rel = path.relative_to(root).as_posix()
                yield _entry(path, rel, location_key(real_root / rel, corpus, path))
        yield from _unreadable_folders(unreadable, root)


def _unreadable_folders(errors: list[OSError], root: Path) -> Iterator[SourceFile]:
    while errors:
        exc = errors.pop(0)
        path = Path(exc.filename or root)
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = str(path)
        reason = f"dossier illisible ({exc.strerror}) / unreadable folder"
        yield SourceFile(path, safe_display(rel or "."), real_key(path), "", reason)


def _entry(path: Path, rel: str, key: str) -> SourceFile:
    source = safe_display(rel)
    kind = SUPPORTED.get(path.suffix.lower(), "")
    try:
        info = path.stat()
    except FileNotFoundError:
        problem = (
            "lien symbolique cassé / broken symlink"
            if path.is_symlink()
            else "fichier introuvable / not found"
        )
        return SourceFile(path, source, key, kind, problem)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            problem = "boucle de liens symboliques / symlink loop"
        else:
            problem = f"inaccessible ({exc.strerror})"
        return SourceFile(path, source, key, kind, problem)
    if stat.S_ISDIR(info.st_mode):
        return SourceFile(path, source, key, kind, "dossier / folder")
    if not stat.S_ISREG(info.st_mode):
        return SourceFile(path, source, key, kind, "pas un fichier ordinaire / not a regular file")
    if not kind:
        suffix = path.suffix.lower() or "sans extension"
        return SourceFile(
            path,
            source,
            key,
            kind,
            f"format non pris en charge ({suffix}) : PDF, Markdown (.md) ou texte (.txt) "
            "seulement / unsupported file type",
        )
    return SourceFile(path, source, key, kind)


def discover(paths: Iterable[Path], corpus: Path | None = None) -> Iterator[SourceFile]:
    """Supported, readable-looking files under ``paths`` (see :func:`scan`)."""
    return (f for f in scan(paths, corpus) if f.problem is None)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_size(path: Path, max_bytes: int | None) -> int:
    """The file's size; :class:`LoadError` when it is over ``max_bytes`` (nothing is read)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"fichier inaccessible / cannot read file ({exc.strerror})") from exc
    if max_bytes is not None and size > max_bytes:
        raise LoadError(
            f"fichier trop volumineux ({size / 1e6:.1f} Mo > {max_bytes / 1e6:.3g} Mo), "
            "non lu / file too large"
        )
    if size == 0:
        raise LoadError("fichier vide / empty file")
    return size


# --- text files ---------------------------------------------------------------------------------
_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: one byte in two is zero (Latin scripts)."""
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / len(sample[1::2])
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file and say how: UTF-8 first, then UTF-16/32, then detection.

    Refuses binary content; strips stray control characters (NUL…) with a warning; says
    when undecodable bytes were replaced by « � »."""
    if not data.strip():
        raise LoadError("fichier vide / empty file")
    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
                warnings.append(_replaced(text, encoding))
            if encoding != "utf-8-sig":
                warnings.append(f"encodage {encoding.upper()} détecté (converti en UTF-8)")
            return _controls(text, warnings)
    sample = data[:65536]
    utf16 = _utf16_without_bom(sample) if b"\x00" in sample else None
    if utf16:
        text = data.decode(utf16, errors="replace")
        warnings.append(f"encodage {utf16.upper()} sans marque détecté (converti en UTF-8)")
        if "\ufffd" in text:
            warnings.append(_replaced(text, utf16))
        return _controls(text, warnings)
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls > len(sample) * 0.02:  # a few stray NULs are tolerated, not a binary
        raise LoadError(
            "contenu binaire dans un fichier texte (octets de contrôle) : enregistrez-le en "
            "texte brut / binary content in a text file"
        )
    try:
        return _controls(data.decode("utf-8"), warnings)
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few broken bytes (a truncated or concatenated file)?
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F and ch != "\ufffd")
    if multibyte >= 4 * broken:
        warnings.append(_replaced(lenient, "utf-8"))
        return _controls(lenient, warnings)
    encoding = _detect(data)
    text = data.decode(encoding, errors="replace")
    warnings.append(f"encodage {encoding} détecté (pas UTF-8) : vérifiez les accents")
    if "\ufffd" in text:
        warnings.append(_replaced(text, encoding))
    return _controls(text, warnings)


def _detect(data: bytes) -> str:
    """The most likely 8-bit encoding: Windows-1252 when it decodes cleanly (French files),
    else what charset-normalizer finds, else Latin-1 (decodes anything)."""
    try:
        text = data.decode("cp1252")
        if not any("\x80" <= ch <= "\x9f" for ch in text):
            return "Windows-1252"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return best.encoding
    except Exception:  # detection is a best effort
        log.debug("charset detection failed", exc_info=True)
    return "latin-1"


def _replaced(text: str, encoding: str) -> str:
    count = text.count("\ufffd")
    return (
        f"{count} caractère(s) illisible(s) en {encoding} remplacé(s) par « � » "
        "/ unreadable characters replaced"
    )


def _controls(text: str, warnings: list[str]) -> tuple[str, list[str]]:
    stray = sum(text.count(chr(b)) for b in _CONTROL_BYTES)
    if stray:
        text = text.translate({b: None for b in _CONTROL_BYTES})
        warnings.append(f"{stray} caractère(s) de contrôle (octets nuls…) retiré(s)")
    return text, warnings


# --- PDF ------------------------------------------------------------------------------------------
def sniff_pdf(path: Path) -> None:
    """A ``.pdf`` must start like one (within its first kilobyte, as readers allow)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" in head:
        return
    what = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if what is None:
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            what = "une page web (HTML)"
        elif head and not set(head) & set(_CONTROL_BYTES):
            what = "du texte"
    raise LoadError(
        f"ce n'est pas un PDF (le contenu est {what or 'd’un autre type'}) "
        "/ not a PDF despite its extension"
    )


def _reason(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def load(file: SourceFile, max_bytes: int | None = None) -> LoadedDocument:
    """Read, clean and structure one file. Raises :class:`LoadError` with a reason."""
    if file.problem:
        raise LoadError(file.problem)
    check_size(file.path, max_bytes)
    try:
        sha = file_sha256(file.path)
    except OSError as exc:
        raise LoadError(f"fichier illisible / cannot read file ({exc.strerror})") from exc
    title = Path(file.source).stem.replace("_", " ").replace("-", " ").strip() or file.source
    warnings: list[str] = []
    if file.kind == "pdf":
        from .pdfworker import parse_in_child

        sniff_pdf(file.path)
        texts = parse_in_child(file.path)
        warnings.extend(texts.warnings)
        if sum(len(t.strip()) for t in texts) < 20:
            raise LoadError(
                "PDF sans couche texte (scanné ?) : passez-le d'abord dans un OCR "
                "/ PDF has no text layer (scanned?): run OCR first"
            )
        pages: list[PageText] = []
        hidden = 0
        for number, text in enumerate(texts, start=1):
            text, removed = remove_invisible(text)
            hidden += removed
            pages.extend(split_pages(text, known_page=number))
        if hidden:
            warnings.append(_hidden_warning(hidden))
        sections = build_sections(pages, default_title=title)
    else:
        try:
            data = file.path.read_bytes()
        except OSError as exc:
            raise LoadError(f"fichier illisible / cannot read file ({exc.strerror})") from exc
        if data.startswith(b"%PDF-"):
            raise LoadError("c'est un PDF enregistré avec une extension de texte / a PDF")
        text, warnings = decode_text(data)
        text, hidden = remove_invisible(text)
        if hidden:
            warnings.append(_hidden_warning(hidden))
        sections = build_sections(
            split_pages(text), default_title=title, markdown=file.kind == "markdown"
        )
    if not any(p.text.strip() for s in sections for p in s.paragraphs):
        raise LoadError("aucun texte exploitable / no usable text")
    return LoadedDocument(file, sha, sections, [_reason(w) for w in warnings])


def _hidden_warning(count: int) -> str:
    return (
        f"{count} caractère(s) invisible(s) retiré(s) (caractères Unicode « tag », "
        "contrôles bidirectionnels…) : texte caché possible"
    )
