""":func:`build_sheet`: the one function the CLI and the chat call.

Offline the sheet is extractive: every line is a readable unit of the note (a sentence, a
list with its lead-in) or a part of one, and cites it. Suggested lines (objectives,
discussion questions) are templates around cited material, marked as suggestions. With an
LLM configured, :mod:`.draft` rewrites the key messages from the same cited units and keeps
only the lines it can check against them.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import time
from dataclasses import dataclass

import numpy as np

from ..answer.answering import Assistant
from ..answer.selection import Scored, choose, score_units
from ..ingest.chunking import split_sentences
from ..models import RetrievedChunk
from ..search.intent import read_intent
from ..search.units import Unit, split_units
from ..textnorm import analyze, fold, tokens
from .material import (
    _FUNCTION_WORDS,
    _words,
    acronym_expansions,
    defined_term,
    entity_label,
    figures_in,
    further_items,
    group_aliases,
    joined,
    lines_of,
    names_in,
    questions_in,
    repeated_opening,
    same_entity,
    spells_one_of,
)
from .scope import Scope, resolve
from .sheet import (
    BLANK,
    Definition,
    Example,
    Figure,
    Line,
    QuizItem,
    ScopeEntry,
    Sheet,
    Source,
)

log = logging.getLogger(__name__)

# « Zoom sur… », « Focus sur… »: the note announcing what follows, not a message.
_ANNOUNCES = re.compile(
    r"^(zoom|focus|retour|éclairage|eclairage|illustrations?)\s(sur|avec)\b", re.I
)
# Words that name a body in French: « Groupe La Poste », « Caisse des Dépôts ».
_BODIES = _words(
    "groupe association associations fondation fondations union federation reseau "
    "caisse ministere universite cercle observatoire centre conseil comite institut "
    "chaire club plateforme mouvement agence banque commissariat secretariat "
    "laboratoire ecole collectif forum programme dispositif fonds direction delegation "
    "commission office"
)
# « Ce rapport… », « Cette tendance… »: a sentence whose subject is in the one before.
_POINTS_BACK = re.compile(r"^(?:(?:ce|cet|cette|ces)\s+\w+|(?:le|la|les)\s+derni)", re.I)

_AFTER_DETERMINER = re.compile(
    r"(?i:\b(?:le|la|les|un|une|des|du|de|au|aux|son|sa|ses|leur|leurs|ce|cet|cette|ces|"
    r"notre|nos|votre|vos))\s([a-zà-ÿ][\w-]{6,})"
)

KEY_MESSAGES = 8
MIN_KEY_MESSAGES = 5
KEY_UNIT_CHARS = 1200
NEW_FACT_WEIGHT = 0.05  # per name or figure a message adds to the chosen ones (up to 3)
MAX_FIGURES = 12
MAX_EXAMPLES = 8
MAX_DEFINITIONS = 4
MAX_QUESTIONS = 5
QUIZ_ITEMS = 5
MAX_FURTHER = 8
# A name met in this share of the corpus's sections or more is the note's own vocabulary
# (its author, « ODD »), not an example to show a room.
COMMON_NAME_SHARE = 0.25


@dataclass(eq=False)  # one piece is one unit of the scope: compared by identity
class Piece:
    """A readable unit of the scope, once (overlapping chunks repeat sentences)."""

    passage: RetrievedChunk
    unit: Unit
    order: int  # reading order over the scope
    score: float = 0.0


def build_sheet(
    assistant: Assistant, topic: str, viewer: str | None = None, use_llm: bool | None = None
) -> Sheet:
    """The session sheet for a day (« 12e jour »), a section or a theme.

    ``use_llm``: None follows the settings (an LLM when one is configured)."""
    started = time.perf_counter()
    scope = resolve(assistant, topic, viewer)
    builder = _Builder(assistant, scope, topic)
    sheet = builder.build()
    if use_llm if use_llm is not None else assistant.uses_llm:
        from .draft import draft_with_llm

        sheet = draft_with_llm(assistant, sheet)
    log.info("sheet « %s » built in %.0f ms", sheet.title, (time.perf_counter() - started) * 1e3)
    return sheet


class _Builder:
    def __init__(self, assistant: Assistant, scope: Scope, topic: str) -> None:
        self.assistant = assistant
        self.retriever = assistant.retriever
        self.scope = scope
        self.topic = topic
        self.sources: list[Source] = []
        self._markers: dict[tuple[str, str], int] = {}
        self._piece_of: dict[int, Piece] = {}
        self.keys: list[Piece] = []

    # --- references ----------------------------------------------------------------------
    def cite(self, piece: Piece) -> int:
        key = (piece.passage.id, piece.unit.text)
        if key not in self._markers:
            passage = piece.passage
            self.sources.append(
                Source(
                    len(self.sources) + 1,
                    passage.source,
                    passage.section,
                    passage.page,
                    piece.unit.text,
                    passage.id,
                )
            )
            self._markers[key] = len(self.sources)
            self._piece_of[len(self.sources)] = piece
        return self._markers[key]

    # --- material ------------------------------------------------------------------------
    def pieces(self) -> tuple[list[Piece], list[Piece]]:
        """The scope's quotable units once each, in reading order, and its footnotes."""
        seen: set[str] = set()
        pieces: list[Piece] = []
        notes: list[Piece] = []
        boilerplate = getattr(self.retriever, "_boilerplate", None)
        passages = self.scope.passages
        if self.scope.kind == "theme":
            # A theme reads its passages in the note's order, section by section.
            passages = sorted(passages, key=lambda p: self._position(p))
        for passage in passages:
            for unit in self.retriever.units_of(passage):
                key = " ".join(tokens(unit.text))
                if unit.kind == "note" and key not in seen:
                    seen.add(key)
                    notes.append(Piece(passage, unit, len(pieces) + len(notes)))
                if not unit.quotable or key in seen or not key:
                    continue
                if repeated_opening(unit.text, boilerplate):
                    continue
                seen.add(key)
                pieces.append(Piece(passage, unit, len(pieces) + len(notes)))
        return pieces, notes

    def _position(self, passage: RetrievedChunk) -> int:
        for index, chunk in enumerate(self.retriever.chunks):
            if chunk.id == passage.id:
                return index
        return len(self.retriever.chunks)

    def build(self) -> Sheet:
        pieces, notes = self.pieces()
        keys = self.key_pieces(pieces)
        self.keys = keys
        relevant = pieces if self.scope.kind != "theme" else self.relevant(pieces)
        sheet = Sheet(
            topic=self.topic,
            title=self.scope.title,
            kind=self.scope.kind,  # type: ignore[arg-type]
            scope=[],
            day=self.scope.day,
        )
        sheet.key_messages = [Line(p.unit.text, (self.cite(p),)) for p in keys]
        sheet.figures = self.figures(keys, relevant)
        sheet.examples = self.examples(relevant)
        sheet.definitions = self.definitions(relevant)
        sheet.questions = self.questions(relevant, keys)
        sheet.quiz = self.quiz(sheet)
        sheet.further = self.further(pieces, notes, keys)
        sheet.objectives = self.objectives(pieces, sheet)
        sheet.sources = self.sources
        sheet.scope = self.scope_entries()
        if len(sheet.key_messages) < MIN_KEY_MESSAGES:
            sheet.warnings.append(
                f"La note ne donne que {len(sheet.key_messages)} message(s) citable(s) sur ce "
                "thème."
            )
        return sheet

    def scope_entries(self) -> list[ScopeEntry]:
        pages: dict[tuple[str, str], set[int]] = {}
        for source in self.sources:
            entry = pages.setdefault((source.source, source.section), set())
            if source.page is not None:
                entry.add(source.page)
        if self.scope.kind != "theme":
            for passage in self.scope.passages:
                entry = pages.setdefault((passage.source, passage.section), set())
                if passage.page is not None:
                    entry.add(passage.page)
        order = {c.section: i for i, c in reversed(list(enumerate(self.retriever.chunks)))}
        return [
            ScopeEntry(source, section, tuple(sorted(found)))
            for (source, section), found in sorted(
                pages.items(), key=lambda kv: order.get(kv[0][1], 0)
            )
        ]

    # --- key messages --------------------------------------------------------------------
    def key_pieces(self, pieces: list[Piece]) -> list[Piece]:
        candidates = [
            p
            for p in pieces
            if len(p.unit.text) >= 40
            and len(p.unit.text) <= KEY_UNIT_CHARS
            and (not p.unit.leans or (p.unit.kind == "list" and len(p.unit.text) >= 150))
            and not further_items(p.unit)
            and not _ANNOUNCES.match(p.unit.text)
        ]
        if self.scope.kind == "theme":
            scored = self._theme_scores(candidates)
        else:
            scored = self._central_scores(candidates)
        by_id = {(p.passage.id, p.unit.position): p for p in candidates}
        if self.scope.kind == "theme":
            chosen = choose(scored, KEY_MESSAGES, ratio=0.0)
        else:
            chosen = self._spread(scored)
        picked = [by_id[(s.passage.id, s.unit.position)] for s in chosen]
        ordered = sorted(self._with_antecedents(picked, pieces), key=lambda p: p.order)
        return self._definition_first(ordered, pieces)

    def _definition_first(self, ordered: list[Piece], pieces: list[Piece]) -> list[Piece]:
        """When the sections define their theme (« Les alliances stratégiques constituent
        le troisième levier… »), that definition is what a session opens on: the first key
        message, in place of the weakest one when the sheet is full."""
        definition = self._theme_definition(pieces)
        if definition is None:
            return ordered
        if definition not in ordered and len(ordered) >= KEY_MESSAGES:
            # Never a sentence another message points back to (« Ce rapport… » after it).
            spare = [
                p
                for i, p in enumerate(ordered)
                if not (i + 1 < len(ordered) and _POINTS_BACK.match(ordered[i + 1].unit.text))
            ]
            ordered.remove(min(spare or ordered, key=lambda p: p.score))
        return [definition] + [p for p in ordered if p is not definition]

    def _theme_definition(self, pieces: list[Piece]) -> Piece | None:
        theme = self.topic if self.scope.kind == "theme" else self.scope.title
        theme = re.sub(r"^\s*\d+\s*(?:e|er|ème)\s+jour\s*[–—-]?\s*", "", theme, flags=re.I)
        wanted = set(analyze(theme))
        if not wanted:
            return None
        for piece in pieces:
            if piece.unit.kind != "sentence" or piece.unit.leans:
                continue
            term = defined_term(lines_of(piece.unit)[0])
            terms = set(analyze(term)) if term else set()
            if terms and (terms <= wanted or wanted <= terms):
                return piece
        return None

    def _spread(self, scored: list[Scored]) -> list[Scored]:
        """Greedy choice: each next message is the best score plus what it adds that the
        chosen ones do not hold yet (names, figures), so a section's facts spread over
        the messages instead of gathering around its centre."""
        vocabulary = self._vocabulary()
        held: set[str] = set()
        chosen: list[Scored] = []
        seen: list[set[str]] = []
        pool = list(scored)
        facts = {id(item): _facts(item.unit.text, vocabulary) for item in pool}
        while pool and len(chosen) < KEY_MESSAGES:
            best = max(
                pool,
                key=lambda item: item.score + NEW_FACT_WEIGHT * min(3, len(facts[id(item)] - held)),
            )
            pool.remove(best)
            if chosen and best.unit.leans:
                continue  # its antecedent is in another chunk: never a filler message
            words = set(tokens(best.unit.text))
            if any(len(words & o) / max(1, min(len(words), len(o))) > 0.6 for o in seen):
                continue
            chosen.append(best)
            seen.append(words)
            held |= facts[id(best)]
        return chosen

    def _with_antecedents(self, picked: list[Piece], pieces: list[Piece]) -> list[Piece]:
        """« Ce rapport est le fruit… » read alone leaves the room asking « which report? »:
        the sentence before it in the note (« … le rapport interministériel… ») comes with
        it, in place of the weakest message when the sheet is full. That sentence must read
        on its own: « Il a recommandé… » or « Tout d’abord, elles… » never comes as an
        antecedent, and a message that itself leans (« Il permet de répondre à 4
        questions : … ») stays only after the sentence it leans on."""
        added: list[Piece] = []
        for piece in sorted(picked, key=lambda p: p.order):
            leans = piece.unit.leans
            if piece not in picked or not (leans or _POINTS_BACK.match(piece.unit.text)):
                continue
            chain = self._antecedents(piece, picked, pieces)
            if chain is None:
                if leans and len(picked) > MIN_KEY_MESSAGES:
                    picked.remove(piece)
                continue
            picked += chain
            added += chain
        needed = set(added) | {p for p in picked if p.unit.leans or _POINTS_BACK.match(p.unit.text)}
        while len(picked) > KEY_MESSAGES:
            spare = [p for p in picked if p not in needed] or picked
            picked.remove(min(spare, key=lambda p: p.score))
        return picked

    def _antecedents(
        self, piece: Piece, picked: list[Piece], pieces: list[Piece]
    ) -> list[Piece] | None:
        """The sentences before ``piece`` that make it read: none when the one before is
        already a message; the one before when it reads on its own; the two before when the
        first leans on the second (« Il permet de répondre à 4 questions : … » after « Ce
        centre de ressources… »). None when no such sentence can come."""
        chain: list[Piece] = []
        index = pieces.index(piece)
        for step in (1, 2):
            before = pieces[index - step] if index - step >= 0 else None
            if before is not None and before in picked:
                return chain
            if (
                before is None
                or before.passage.section != piece.passage.section
                or len(before.unit.text) > KEY_UNIT_CHARS
                or _ANNOUNCES.match(before.unit.text)
            ):
                return None
            chain.append(before)
            if not before.unit.leans:
                return chain
        return None

    def _central_scores(self, candidates: list[Piece]) -> list[Scored]:
        """Closest to the section's centre of meaning (mean of its sentence vectors,
        rescaled over the section), with weight for what a room remembers (figures, lists,
        names) and less for announcements (« Zoom sur… ») and sentences that lean on an
        earlier one (« Ce rapport… »)."""
        rows: dict[int, np.ndarray] = {}
        for index, piece in enumerate(candidates):
            vectors = self.scope.vectors.get(piece.passage.id)
            sentences = vectors[1:] if vectors is not None and len(vectors) > 1 else None
            if sentences is not None and piece.unit.rows and max(piece.unit.rows) < len(sentences):
                rows[index] = sentences[list(piece.unit.rows)]
        centre = np.vstack(list(rows.values())).mean(axis=0) if rows else None
        central = {i: float((r @ centre).max()) for i, r in rows.items() if centre is not None}
        low, high = min(central.values(), default=0.0), max(central.values(), default=1.0)
        span = (high - low) or 1.0
        scored: list[Scored] = []
        for index, piece in enumerate(candidates):
            meaning = (central[index] - low) / span if index in central else 0.5
            text = piece.unit.text
            score = (
                0.40 * meaning
                + 0.30 * bool(figures_in(text))
                + 0.15 * (piece.unit.kind == "list")
                + 0.10 * min(2, len(names_in(text, self._vocabulary())))
                - 0.10 * piece.unit.incomplete
                - 0.15 * bool(_POINTS_BACK.match(text))
            )
            piece.score = score
            scored.append(Scored(piece.passage, piece.unit, score, meaning, 0.0, 0.0))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _theme_scores(self, candidates: list[Piece]) -> list[Scored]:
        scope = self.scope
        assert scope.query is not None and scope.retrieval is not None
        wanted = {(p.passage.id, p.unit.position) for p in candidates}
        scored = score_units(
            scope.query,
            read_intent(self.topic),
            scope.retrieval.passages,
            scope.retrieval.sentence_similarity,
            self.retriever.idf,
            self.retriever.units_of,
            depth=len(scope.retrieval.passages),
        )
        kept = [s for s in scored if (s.passage.id, s.unit.position) in wanted]
        best = kept[0].score if kept else 1.0
        # Units far below the best are about something else: a theme sheet keeps to it.
        kept = [s for s in kept if s.score >= 0.45 * best]
        for s in kept:
            for piece in candidates:
                if piece.passage.id == s.passage.id and piece.unit.position == s.unit.position:
                    piece.score = s.score
        return kept

    def relevant(self, pieces: list[Piece]) -> list[Piece]:
        """A theme's other material comes from the units that scored near the theme."""
        scored = {(p.passage.id, p.unit.position) for p in pieces if p.score > 0}
        top = sorted(pieces, key=lambda p: -p.score)[:20]
        return sorted(
            (p for p in top if (p.passage.id, p.unit.position) in scored), key=lambda p: p.order
        )

    # --- figures, examples, definitions ------------------------------------------------
    def figures(self, keys: list[Piece], pieces: list[Piece]) -> list[Figure]:
        rows: list[Figure] = []
        seen: set[str] = set()
        ordered = keys + [p for p in pieces if p not in keys]
        for piece in ordered:
            for line in lines_of(piece.unit):
                for found in figures_in(line):
                    key = fold(found.value) + "|" + fold(found.measures)[:60]
                    if key in seen:
                        continue
                    seen.add(key)
                    rows.append(Figure(found.value, found.measures, found.year, self.cite(piece)))
        # Key messages' figures first when there are too many, then in reading order.
        kept = rows[:MAX_FIGURES]
        order = {id(p): p.order for p in ordered}
        position = {f: order.get(id(self._piece_of[f.ref]), 0) for f in kept}
        return sorted(kept, key=lambda f: position[f])

    def examples(self, pieces: list[Piece]) -> list[Example]:
        """One entry per cited line: the names it gives, a full name and its acronym as one
        entity (« Fondation Nicolas-Hulot (FNH) et UNCPIE »), never the same line twice."""
        common = self._common_names()
        notions = self._notion_acronyms()
        found: list[Example] = []
        names: list[str] = []
        lines: set[str] = set()

        def shown(name: str) -> bool:
            folded = fold(name)
            return not (
                folded in common
                or name in notions
                or self._concept(name)
                or any(folded in fold(n) for n in names)
            )

        for piece in pieces:
            for line in lines_of(piece.unit):
                if len(line) > 420 or fold(line) in lines:
                    continue
                listed = [n for n in names_in(line, self._vocabulary()) if shown(n)]
                # The full name of a notion's acronym is the notion: « Responsabilité
                # Sociale des Entreprises (RSE) », or « … Sociétale d’Entreprise » alone.
                entities = [
                    e
                    for e in group_aliases(line, listed + self._acronyms_of(line, notions))
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
                    self.cite(piece),
                    tuple(e[0] for e in entities),
                    tuple(n for e in entities for n in e),
                )
                previous = found[-1] if found else None
                if previous is not None and previous.ref == example.ref and _leans_alone(line):
                    # « Depuis, de nombreuses initiatives… (DJEPVA) » after « … du CGET a
                    # ouvert de nouvelles voies… »: one entry, both sentences as the note
                    # writes them.
                    together = _span(piece.unit.text, previous.line, line)
                    if together is not None:
                        found[-1] = _merged(previous, example, together)
                        continue
                if _leans_alone(line):
                    continue  # its names would come without what it leans on
                found.append(example)
        # The names most particular to this part of the note first (a programme named
        # once, rather than a category the note uses everywhere), shown in reading order.
        spread = self._name_spread()

        def particular(example: Example) -> int:
            return min(spread.get(fold(n), 0) for n in example.aliases)

        ranked = sorted(found, key=particular)[:MAX_EXAMPLES]
        return [e for e in found if e in ranked]

    @staticmethod
    def _acronyms_of(line: str, acronyms: frozenset[str]) -> list[str]:
        return [a for a, _, _ in acronym_expansions(line) if a in acronyms]

    def _notion_acronyms(self) -> frozenset[str]:
        """Acronyms of notions and categories, not of organisations: one the note spells out
        with no word naming a body (« Responsabilité Sociale des Entreprises (RSE) »), or
        writes only as a plural or bare category (« des PME », « d’ETI »), never as « le /
        la / l’ X »."""
        cache = getattr(self.retriever, "_trainer_notions", None)
        signature = len(self.retriever.chunks)
        if cache is not None and cache[0] == signature:
            return cache[1]
        text = "\n".join(c.text for c in self.retriever.chunks)
        notions: set[str] = set()
        for line in text.split("\n"):
            for acronym, start, end in acronym_expansions(line):
                words = {re.sub(r"^[dl][’']", "", fold(w)) for w in line[start:end].split()}
                if not words & _BODIES:
                    notions.add(acronym)
        for acronym in set(re.findall(r"\b[A-Z]{2,6}\b", text)):
            singular = re.search(rf"(?:\b(?i:le|la|du|au)\s|\b(?i:l)[’']){acronym}\b", text)
            plural = re.search(rf"(?:\b(?i:les|des|aux|de)\s|\b(?i:d)[’']){acronym}\b", text)
            if plural and not singular:
                notions.add(acronym)
        frozen = frozenset(notions)
        self.retriever._trainer_notions = (signature, frozen)  # type: ignore[attr-defined]
        return frozen

    def _concept(self, name: str) -> bool:
        """« Responsabilité Sociale des Entreprises », « Services Civiques »: capitalised
        common words naming a notion, not an organisation, a programme or a place (those
        hold a word the note never writes in lower case, or a word that names a body)."""
        words = [re.sub(r"^[dl][’']", "", fold(w)) for w in re.findall(r"[\w’'-]+", name)]
        words = [w for w in words if len(w) > 3]
        if len(words) == 1:
            return words[0] in _BODIES  # « Observatoire » alone: a name cut short
        if not words or any(w in _BODIES for w in words):
            return False
        return all(w in self._vocabulary() for w in words)

    def _vocabulary(self) -> frozenset[str]:
        """Words the corpus writes in lower case: a capitalised one of them opening a
        name (« Haut conseil ») is a common word, not a name."""
        cache = getattr(self.retriever, "_trainer_words", None)
        signature = len(self.retriever.chunks)
        if cache is not None and cache[0] == signature:
            return cache[1]
        words = frozenset(
            fold(w)
            for chunk in self.retriever.chunks
            for w in re.findall(r"(?<![\w’'-])[a-zà-ÿ][\w’'-]+", chunk.text)
        )
        self.retriever._trainer_words = (signature, words)  # type: ignore[attr-defined]
        return words

    def _common_names(self) -> set[str]:
        sections: dict[str, str] = {}
        for chunk in self.retriever.chunks:
            sections[chunk.section] = sections.get(chunk.section, "") + "\n" + fold(chunk.text)
        total = max(1, len(sections))
        common: set[str] = set()
        cache = getattr(self.retriever, "_trainer_common", None)
        signature = (len(self.retriever.chunks), total)
        if cache is not None and cache[0] == signature:
            return cache[1]
        vocabulary = self._vocabulary()
        candidates = {fold(n) for c in self.retriever.chunks for n in names_in(c.text, vocabulary)}
        spread: dict[str, int] = {}
        for name in candidates:
            spread[name] = sum(1 for text in sections.values() if name in text)
            if spread[name] / total >= COMMON_NAME_SHARE:
                common.add(name)
        self.retriever._trainer_common = (signature, common, spread)  # type: ignore[attr-defined]
        return common

    def _name_spread(self) -> dict[str, int]:
        """In how many sections each name occurs."""
        self._common_names()
        return self.retriever._trainer_common[2]  # type: ignore[attr-defined]

    def definitions(self, pieces: list[Piece]) -> list[Definition]:
        found: list[Definition] = []
        terms: set[str] = set()
        for piece in pieces:
            for line in lines_of(piece.unit):
                term = defined_term(line)
                if term and fold(term) not in terms:
                    terms.add(fold(term))
                    found.append(Definition(term, line, self.cite(piece)))
        return found[:MAX_DEFINITIONS]

    # --- questions and quiz -------------------------------------------------------------
    def questions(self, pieces: list[Piece], keys: list[Piece]) -> list[Line]:
        asked: list[Line] = []
        seen: set[str] = set()
        for piece in pieces:
            for question in questions_in(piece.unit):
                if fold(question) not in seen:
                    seen.add(fold(question))
                    asked.append(Line(question, (self.cite(piece),)))
        asked = asked[:MAX_QUESTIONS]
        for piece in keys:
            if len(asked) >= 3:
                break
            question = _suggested_question(piece.unit, len(asked))
            asked.append(Line(question, (self.cite(piece),), True))
        return asked

    def quiz(self, sheet: Sheet) -> list[QuizItem]:
        by_marker = {s.marker: s for s in self.sources}
        figure_items: list[QuizItem] = []
        values = [f.value for f in sheet.figures]
        for figure in sheet.figures:
            line = _line_with(by_marker[figure.ref].quote, figure.value)
            if line is None or figure.value.startswith("entre "):
                continue  # a range would stand out among single figures
            others = _distractors(figure.value, values + self._figure_pool())
            # A figure the prompt shows (« 87% des Maires ») is plainly not the blank.
            shown = _blank(line, figure.value)
            others = [o for o in others if fold(o) not in fold(shown)]
            if len(others) < 2:
                continue
            figure_items.append(
                QuizItem(
                    _blank(line, figure.value),
                    _shuffled((figure.value, *others[:3]), line),
                    figure.value,
                    figure.ref,
                    "figure",
                )
            )
        name_items: list[QuizItem] = []
        for example in sheet.examples:
            answer = next((n for n in example.names if n in example.line), None)
            if answer is None:
                continue
            prompt = _blank(example.line, answer)
            # Never another name of the answer (« FNH » for « Fondation Nicolas-Hulot »)
            # nor a name the prompt shows: the room would read the answer off the choices.
            others: list[str] = []
            for n in (n for e in sheet.examples if e is not example for n in e.names):
                shown = [answer, *others, *example.aliases]
                if fold(n) in fold(prompt) or any(same_entity(n, x) for x in shown):
                    continue
                others.append(n)
            if len(others) < 2:
                continue
            name_items.append(
                QuizItem(
                    prompt,
                    _shuffled((answer, *others[:3]), example.line),
                    answer,
                    example.ref,
                    "name",
                )
            )
        term_items = [
            QuizItem(_blank(d.text, d.term), (), d.term, d.ref, "term")
            for d in sheet.definitions
            if d.term in d.text
        ]
        term_items += self._keyword_items(sheet)
        items: list[QuizItem] = []
        pools = [figure_items, name_items, term_items]
        used: set[str] = set()  # one item per sentence of the note
        while len(items) < QUIZ_ITEMS and any(pools):
            for pool in pools:
                while pool:
                    item = pool.pop(0)
                    # An item may blank a sentence, a list item or a line of two
                    # sentences: any sentence in common is the same question twice.
                    filled = item.prompt.replace(BLANK, item.answer, 1)
                    sentences = {fold(x) for x in split_sentences(filled) if x.strip()}
                    if not sentences & used:
                        used |= sentences
                        items.append(item)
                        break
                if len(items) >= QUIZ_ITEMS:
                    break
        return items

    def _keyword_items(self, sheet: Sheet) -> list[QuizItem]:
        """Fill-in-the-blank items on the rarest word of a key message's sentence (the
        word the note uses least, so the one that carries the sentence's point)."""
        items: list[QuizItem] = []
        for line in sheet.key_messages:
            sentence = next(
                (
                    s
                    for before, s in itertools.pairwise(["", *lines_of(_as_unit(line.text))])
                    if 50 <= len(s) <= 300 and _stands_alone(before, s)
                ),
                None,
            )
            if sentence is None:
                continue
            if line.refs[0] in {d.ref for d in sheet.definitions}:
                continue  # already asked through its definition
            # Nouns rather than verbs or adverbs (« composés », « souvent »): a blank a
            # room can fill from the session.
            # A noun is what follows a determiner (« son processus », « les richesses »):
            # not « en précise », « 2019 constitue » (verbs) nor « leviers
            # complémentaires » (an adjective after its noun).
            words = [
                m.group(1)
                for m in re.finditer(_AFTER_DETERMINER, sentence)
                if not re.search(r"(ment|ent|ait|aient|er|ir|és|ées|ée)$", m.group(1))
            ]
            if not words:
                continue
            word = max(words, key=lambda w: (self.retriever.idf(analyze_one(w)), len(w)))
            answer = self._word_group(sentence, word)
            items.append(
                QuizItem(sentence.replace(answer, BLANK, 1), (), answer, line.refs[0], "term")
            )
        return items

    def _word_group(self, sentence: str, word: str) -> str:
        """The word with the words it always goes with in the note (« parties prenantes »,
        « mécénat de compétences »): a blank never cuts a group the room knows whole."""
        found = list(re.finditer(r"[\w-]+", sentence))  # « L’hybridation »: two words
        index = next((i for i, m in enumerate(found) if m.group(0) == word), None)
        if index is None:
            return word
        text = self._corpus_text()

        def count(phrase: str) -> int:
            pattern = rf"(?<![\w’'-]){re.escape(fold(phrase))}(?![\w’'-])"
            return len(re.findall(pattern, text))

        alone = count(word)
        groups = []
        for first, last in (
            (index - 1, index),
            (index, index + 1),
            (index - 2, index),
            (index, index + 2),
        ):
            if first < 0 or last >= len(found):
                continue
            ends = (fold(found[first].group(0)), fold(found[last].group(0)))
            middle = [fold(m.group(0)) for m in found[first + 1 : last]]
            if any(w in _FUNCTION_WORDS for w in ends) or not all(
                w in {"de", "des", "du", "d", "en"} for w in middle if w != fold(word)
            ):
                continue
            phrase = sentence[found[first].start() : found[last].end()]
            together = count(phrase)
            # Either word mostly in this group: « ressources financières » is a group
            # though « ressources » often stands alone.
            other = count(found[last if first == index else first].group(0))
            if together >= 2 and together >= 0.5 * min(alone, other):
                groups.append((together, len(phrase), phrase))
        return max(groups)[2] if groups else word

    def _corpus_text(self) -> str:
        """The corpus folded, spaces collapsed: what word groups are counted in."""
        cache = getattr(self.retriever, "_trainer_text", None)
        signature = len(self.retriever.chunks)
        if cache is not None and cache[0] == signature:
            return cache[1]
        text = re.sub(r"\s+", " ", fold("\n".join(c.text for c in self.retriever.chunks)))
        self.retriever._trainer_text = (signature, text)  # type: ignore[attr-defined]
        return text

    def _figure_pool(self) -> list[str]:
        cache = getattr(self.retriever, "_trainer_figures", None)
        signature = len(self.retriever.chunks)
        if cache is not None and cache[0] == signature:
            return cache[1]
        pool: list[str] = []
        for chunk in self.retriever.chunks:
            for line in chunk.text.split("\n"):
                pool += [f.value for f in figures_in(line)]
        pool = list(dict.fromkeys(pool))
        self.retriever._trainer_figures = (signature, pool)  # type: ignore[attr-defined]
        return pool

    # --- further reading and objectives ------------------------------------------------
    def further(self, pieces: list[Piece], notes: list[Piece], keys: list[Piece]) -> list[Line]:
        lines: list[Line] = []
        for piece in pieces:
            for item in further_items(piece.unit):
                lines.append(Line(item, (self.cite(piece),)))
        for piece in notes:
            text = re.sub(r"^note\s*:\s*", "", piece.unit.text, flags=re.IGNORECASE)
            if len(text) > 15:
                lines.append(Line(text, (self.cite(piece),)))
        lines += self._general_further(keys)
        unique = {fold(x.text): x for x in reversed(lines)}
        return [x for x in lines if unique.get(fold(x.text)) is x][:MAX_FURTHER]

    def _general_further(self, keys: list[Piece]) -> list[Line]:
        """The note's closing « Pour aller plus loin » section: its reference document and
        platform, when the sheet is not that section itself."""
        titles = {c.section for c in self.retriever.chunks}
        section = next((t for t in titles if fold(t).startswith("pour aller plus loin")), None)
        if section is None or section == self.scope.title:
            return []
        source = next(c.source for c in self.retriever.chunks if c.section == section)
        lines: list[Line] = []
        for chunk, _ in self.retriever.section(source, section):
            passage = RetrievedChunk.of(chunk, 0.0, 0)
            for unit in self.retriever.units_of(passage):
                text = unit.text
                if unit.quotable and re.search(r"référentiel|plateforme", text, re.I):
                    lines.append(Line(text, (self.cite(Piece(passage, unit, 0)),)))
        return lines[:2]

    @staticmethod
    def _opening_aim(piece: Piece) -> bool:
        """The section's first unit states its aim when it is a short sentence, not a
        list or a figure (those are messages)."""
        text = piece.unit.text
        return piece.unit.kind == "sentence" and len(text) <= 420 and not figures_in(text)

    def objectives(self, pieces: list[Piece], sheet: Sheet) -> list[Line]:
        lines: list[Line] = []
        opening = pieces[0] if pieces and self.scope.kind != "theme" else None
        if opening and self._opening_aim(opening) and opening not in self.keys:
            # The section's opening sentence: what the note itself sets out to show
            # (unless it is already the first key message).
            lines.append(Line(opening.unit.text, (self.cite(opening),)))
        if sheet.figures:
            shown = sheet.figures[:4]
            values = ", ".join(f.value for f in shown)
            refs = tuple(dict.fromkeys(f.ref for f in shown))
            lines.append(Line(f"Connaître et situer les chiffres clés : {values}.", refs, True))
        if sheet.examples:
            shown_examples = sheet.examples[:4]
            names = ", ".join(e.name for e in shown_examples)
            refs = tuple(dict.fromkeys(e.ref for e in shown_examples))
            lines.append(Line(f"Citer des exemples concrets : {names}.", refs, True))
        if sheet.definitions:
            terms = ", ".join(d.term for d in sheet.definitions[:3])
            refs = tuple(dict.fromkeys(d.ref for d in sheet.definitions[:3]))
            lines.append(Line(f"Définir avec les mots de la note : {terms}.", refs, True))
        asked = [q for q in sheet.questions if not q.suggested]
        if asked:
            refs = tuple(dict.fromkeys(m for q in asked for m in q.refs))
            lines.append(
                Line("Débattre des questions que pose la note (voir plus bas).", refs, True)
            )
        return lines


# --- helpers ---------------------------------------------------------------------------
_TEMPLATES = (
    "À propos de « {excerpt} » : partagez-vous ce constat ? Quel exemple de votre "
    "expérience l'illustre ou le nuance ?",
    "« {excerpt} » : qu'est-ce que cela change concrètement pour votre structure ou votre "
    "territoire ?",
    "« {excerpt} » : quels freins et quels leviers voyez-vous pour le mettre en pratique ?",
)


def _suggested_question(unit: Unit, number: int = 0) -> str:
    lines = lines_of(unit)
    if unit.kind == "list" and lines:
        lead = lines[0].rstrip(" :")
        return (
            f"« {lead} » : parmi ces points, lesquels se retrouvent dans votre structure ou "
            "sur votre territoire ?"
        )
    if figures_in(unit.text):
        return (
            f"« {_excerpt(unit.text)} » : ce chiffre vous surprend-il ? Que dit-il de la "
            "situation de votre structure ou de votre territoire ?"
        )
    return _TEMPLATES[number % len(_TEMPLATES)].format(excerpt=_excerpt(unit.text))


def _excerpt(text: str, words: int = 12) -> str:
    parts = text.split("\n")[0].split()
    short = " ".join(parts[:words]).rstrip(" ,;:.")
    return short + ("…" if len(parts) > words else "")


def _facts(text: str, vocabulary: frozenset[str]) -> set[str]:
    """The names and figures a text holds, folded."""
    found = {fold(n) for n in names_in(text, vocabulary)}
    for line in text.split("\n"):
        found |= {fold(f.value) for f in figures_in(line)}
    return found


def _stands_alone(before: str, sentence: str) -> bool:
    """A quiz prompt is one sentence shown alone: not the answer to a question just before
    it (« A innover pour… » after « A quoi servent les alliances ? »), nor a sentence that
    leans on the one before (« Tel est l’avis… »)."""
    return not before.rstrip().endswith("?") and not _leans_alone(sentence)


def _leans_alone(sentence: str) -> bool:
    units = split_units(sentence)
    return bool(units) and units[0].leans


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


def _as_unit(text: str) -> Unit:
    return Unit(text, "list" if "\n" in text else "sentence", 0)


def analyze_one(word: str) -> str:
    terms = analyze(word)
    return terms[0] if terms else fold(word)


def _line_with(quote: str, value: str) -> str | None:
    for line in quote.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+(?![»”])", line):
            if value in sentence:
                return sentence.strip()
    return None


def _blank(line: str, answer: str) -> str:
    from ..search.units import strip_bullet

    return strip_bullet(line).replace(answer, BLANK, 1)


def _kind_of(value: str) -> tuple[str, str]:
    """What a figure counts: its unit, and the noun after the number when there is one."""
    text = fold(value)
    noun = text.split()[-1] if re.search(r"[a-z]$", text) else ""
    if "%" in value:
        return "%", ""
    for word in ("milliard", "million", "sur", "tiers", "euro", "€"):
        if word in text:
            return word, noun
    return "n", noun


def _distractors(value: str, pool: list[str]) -> list[str]:
    """Other figures of the same kind (the same counted noun first), none sharing the
    answer's number."""
    kind, noun = _kind_of(value)
    numbers = set(re.findall(r"\d+", value))
    same_noun, same_kind = [], []
    for other in pool:
        other_kind, other_noun = _kind_of(other)
        if other_kind != kind or numbers & set(re.findall(r"\d+", other)):
            continue
        bucket = same_noun if noun and other_noun == noun else same_kind
        if other not in same_noun + same_kind:
            bucket.append(other)
    if noun:
        # « 150 000 jeunes » against « 6 enjeux » would give the answer away: the same
        # noun with other orders of magnitude instead (wrong answers, by design).
        same_noun += [v for v in _scaled(value) if v not in same_noun]
        return same_noun
    if kind == "n":
        # A bare number (« plus de 350 », « de 140.000 à… ») against counted ones
        # (« 12 ans », « 4 besoins ») or other orders of magnitude (« 6 ») stands out:
        # itself scaled (« 175 », « 700 »).
        return _scaled(value)
    return same_noun + same_kind


def _scaled(value: str) -> list[str]:
    match = re.match(r"^(\d{1,3}(?:[ \u202f\u00a0]\d{3})+|\d+(?:,\d+)?)(.*)$", value)
    if not match:
        return []
    written, rest = match.group(1), match.group(2)
    decimal = "," in written
    number = float(re.sub(r"[ \u202f\u00a0]", "", written).replace(",", "."))
    out = []
    for factor in (0.5, 2, 3):
        scaled = number * factor
        if decimal:
            text = f"{scaled:.1f}".replace(".", ",")
        else:
            whole = max(1, round(scaled))
            text = f"{whole:,}".replace(",", " ") if whole >= 10_000 else str(whole)
        if text != written:
            out.append(text + rest)
    return out


def _shuffled(choices: tuple[str, ...], seed: str) -> tuple[str, ...]:
    """The answer's place varies from item to item, the same every run."""
    digest = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)
    shift = digest % len(choices)
    return choices[shift:] + choices[:shift]
