"""The named examples a trainer can cite to a room: organisations, programmes and places the
scope names, one entry per cited line.

What is not an example is decided against the whole corpus: the note's own vocabulary (a
name met in a quarter of its sections, its author, « ODD »), acronyms of notions rather
than of bodies (« RSE », « PME »), and capitalised common words naming a notion
(« Responsabilité Sociale des Entreprises »). The names most particular to this part of
the note come first.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..search.retrieval import Retriever
from ..textnorm import fold
from .corpus import cached, line_leans, reader, vocabulary
from .material import (
    _FUNCTION_WORDS,
    _GENERIC,
    _words,
    acronym_expansions,
    entity_label,
    group_aliases,
    joined,
    lines_of,
    names_in,
    spells_one_of,
)
from .pieces import Citations, Piece
from .sheet import Example

MAX_EXAMPLES = 8
# A name met in this share of the corpus's sections or more is the note's own vocabulary
# (its author, « ODD »), not an example to show a room.
COMMON_NAME_SHARE = 0.25

# Words that name a body in French: « Groupe La Poste », « Caisse des Dépôts ».
_BODIES = _words(
    "groupe association associations fondation fondations union federation reseau "
    "caisse ministere universite cercle observatoire centre conseil comite institut "
    "chaire club plateforme mouvement agence banque commissariat secretariat "
    "laboratoire ecole collectif forum programme dispositif fonds direction delegation "
    "commission office"
)


def named_examples(
    retriever: Retriever, citations: Citations, pieces: list[Piece]
) -> list[Example]:
    """One entry per cited line: the names it gives, a full name and its acronym as one
    entity (« Fondation Nicolas-Hulot (FNH) et UNCPIE »), never the same line twice."""
    common = _common_names(retriever)
    notions = _notion_acronyms(retriever)
    found: list[Example] = []
    names: list[str] = []
    lines: set[str] = set()

    def shown(name: str) -> bool:
        folded = fold(name)
        return not (
            folded in common
            or name in notions
            or _concept(retriever, name)
            or any(folded in fold(n) for n in names)
        )

    for piece in pieces:
        for line in lines_of(piece.unit):
            if len(line) > 420 or fold(line) in lines:
                continue
            listed = [n for n in _entities(retriever, line) if shown(n)]
            # The full name of a notion's acronym is the notion: « Responsabilité
            # Sociale des Entreprises (RSE) », or « … Sociétale d’Entreprise » alone.
            entities = [
                e
                for e in group_aliases(line, listed + _acronyms_of(line, notions))
                if not any(n in notions or spells_one_of(n, notions) for n in e)
            ]
            if not entities:
                continue
            lines.add(fold(line))
            for entity in entities:
                names.extend(entity)
            example = Example(
                joined([entity_label(e) for e in entities]),
                line,
                citations.cite(piece),
                tuple(e[0] for e in entities),
                tuple(n for e in entities for n in e),
            )
            previous = found[-1] if found else None
            leans = line_leans(retriever, line)
            if previous is not None and leans:
                # « Depuis, de nombreuses initiatives… (DJEPVA) » after « … du CGET a
                # ouvert de nouvelles voies… »: one entry, both sentences as the note
                # writes them, cited to this passage (which holds both; the overlap of
                # consecutive passages may have given the first one from the passage
                # before).
                together = _span(piece.unit.text, previous.line, line)
                if together is not None:
                    found[-1] = replace(_merged(previous, example, together), ref=example.ref)
                    continue
            if leans:
                continue  # its names would come without what it leans on
            found.append(example)
    # The names most particular to this part of the note first (a programme named
    # once, rather than a category the note uses everywhere), shown in reading order.
    spread = _name_spread(retriever)

    def particular(example: Example) -> int:
        return min(spread.get(fold(n), 0) for n in example.aliases)

    ranked = sorted(found, key=particular)[:MAX_EXAMPLES]
    return [e for e in found if e in ranked]


_KINDS = {"ORG", "LOC", "PER", "MISC"}


def _entities(retriever: Retriever, line: str) -> list[str]:
    """The organisations, programmes, places and people spaCy's French NER finds in the line,
    whole as it reads them (« Villes au Carré », not « Villes » and « Carré »): never a
    capitalised common word (« Agenda », « Atelier ») nor a title of address."""
    words = vocabulary(retriever)
    found: list[str] = []
    for text, label in reader(retriever).read(line).entity_names():
        name = text.strip(" .,;:")
        if label not in _KINDS or len(name) < 3 or name.lower() == name:
            continue
        parts = name.split()
        if not name[:1].isupper() or fold(parts[-1]) in _FUNCTION_WORDS:
            continue  # « la France », « Cercle des Investisseurs sociétaux de »: cut wrong
        single = len(parts) == 1 and not _ACRONYM.match(name)
        folded = fold(name)
        if single and (
            {folded, folded.rstrip("s"), folded + "s"} & words
            or folded in _GENERIC
            or not line[: line.find(name)].strip(' «“"(')
        ):
            continue  # « Agenda », « Atelier », « Zoom sur… »: a common word, or the opening
        if fold(parts[0]) in _GENERIC_TITLES or fold(name) in _GENERIC_TITLES:
            continue
        found.append(name)
    return list(dict.fromkeys(found))


_ACRONYM = re.compile(r"^[A-Z]{2,}")
_GENERIC_TITLES = _words(
    "etat état france président présidente république ministre secrétaire europe gouvernement"
)


def _span(text: str, first: str, last: str) -> str | None:
    """``text`` from ``first`` to the end of ``last`` (the note's words between them)."""
    start = text.find(first)
    end = text.find(last, max(0, start))
    if start < 0 or end < 0:
        return None
    return text[start : end + len(last)]


def _merged(one: Example, other: Example, line: str) -> Example:
    names = one.names + tuple(n for n in other.names if n not in one.names)
    # The labels one entry shows, as listed (« SGMAP et CGET » → « SGMAP », « CGET »).
    labels = re.split(r", | et ", one.name) + re.split(r", | et ", other.name)
    return Example(joined(labels), line, one.ref, names, one.aliases + other.aliases)


def _acronyms_of(line: str, acronyms: frozenset[str]) -> list[str]:
    return [a for a, _, _ in acronym_expansions(line) if a in acronyms]


def _notion_acronyms(retriever: Retriever) -> frozenset[str]:
    """Acronyms of notions and categories, not of organisations: one the note spells out
    with no word naming a body (« Responsabilité Sociale des Entreprises (RSE) »), or
    writes only as a plural or bare category (« des PME », « d’ETI »), never as « le /
    la / l’ X »."""

    def make() -> frozenset[str]:
        text = "\n".join(c.text for c in retriever.chunks)
        notions: set[str] = set()
        for line in text.split("\n"):
            for acronym, start, end in acronym_expansions(line):
                words = {re.sub(r"^[dl][’']", "", fold(w)) for w in line[start:end].split()}
                if not words & _BODIES:
                    notions.add(acronym)
        # One pass each (not two searches of the whole text per acronym).
        singular = set(re.findall(r"(?:\b(?i:le|la|du|au)\s|\b(?i:l)[’'])([A-Z]{2,6})\b", text))
        plural = set(re.findall(r"(?:\b(?i:les|des|aux|de)\s|\b(?i:d)[’'])([A-Z]{2,6})\b", text))
        notions |= plural - singular
        return frozenset(notions)

    return cached(retriever, "_trainer_notions", make)


def _concept(retriever: Retriever, name: str) -> bool:
    """« Responsabilité Sociale des Entreprises », « Services Civiques »: capitalised
    common words naming a notion, not an organisation, a programme or a place (those
    hold a word the note never writes in lower case, or a word that names a body)."""
    words = [re.sub(r"^[dl][’']", "", fold(w)) for w in re.findall(r"[\w’'-]+", name)]
    words = [w for w in words if len(w) > 3]
    if len(words) == 1:
        return words[0] in _BODIES  # « Observatoire » alone: a name cut short
    if not words or any(w in _BODIES for w in words):
        return False
    return all(w in vocabulary(retriever) for w in words)


def _common_names(retriever: Retriever) -> set[str]:
    """The names met in at least :data:`COMMON_NAME_SHARE` of the corpus's sections."""
    return _names_by_spread(retriever)[0]


def _name_spread(retriever: Retriever) -> dict[str, int]:
    """In how many sections each name occurs."""
    return _names_by_spread(retriever)[1]


def _names_by_spread(retriever: Retriever) -> tuple[set[str], dict[str, int]]:
    total = max(1, len({chunk.section for chunk in retriever.chunks}))

    def make() -> tuple[set[str], dict[str, int]]:
        # Each section's text folded, only when the table is made (not at every look-up).
        sections: dict[str, str] = {}
        for chunk in retriever.chunks:
            sections[chunk.section] = sections.get(chunk.section, "") + "\n" + fold(chunk.text)
        common: set[str] = set()
        words = vocabulary(retriever)
        candidates = {fold(n) for c in retriever.chunks for n in names_in(c.text, words)}
        spread: dict[str, int] = {}
        for name in candidates:
            spread[name] = sum(1 for text in sections.values() if name in text)
            if spread[name] / total >= COMMON_NAME_SHARE:
                common.add(name)
        return common, spread

    return cached(retriever, "_trainer_common", make, total)
