"""The key messages: which units of the scope a session is built on, and in what order.

A day or a section keeps the units nearest its centre of meaning, spread over its facts; a
theme keeps the units the hybrid search scores near the theme. Either way a message that
leans on the sentence before it comes after that sentence, and the sentence that defines
the theme opens the list. The scores set here also choose a theme's other material
(:func:`relevant`).
"""

from __future__ import annotations

import re

import numpy as np

from ..answer.selection import Scored, choose, score_units
from ..models import RetrievedChunk
from ..search.retrieval import Retriever
from ..textnorm import analyze, fold, tokens
from .corpus import reader, vocabulary
from .material import defined_term, figures_in, further_items, lines_of, names_in
from .pieces import Piece
from .reading import is_heading
from .scope import Scope

KEY_MESSAGES = 8
MIN_KEY_MESSAGES = 5
KEY_UNIT_CHARS = 1200
NEW_FACT_WEIGHT = 0.05  # per name or figure a message adds to the chosen ones (up to 3)

# « Zoom sur… », « Focus sur… »: the note announcing what follows, not a message.
_ANNOUNCES = re.compile(
    r"^(zoom|focus|retour|éclairage|eclairage|illustrations?)\s(sur|avec)\b", re.I
)
# « Ce rapport… », « Cette tendance… »: a sentence whose subject is in the one before.
_POINTS_BACK = re.compile(r"^(?:(?:ce|cet|cette|ces)\s+\w+|(?:le|la|les)\s+derni)", re.I)


def key_pieces(retriever: Retriever, scope: Scope, topic: str, pieces: list[Piece]) -> list[Piece]:
    """The key messages among ``pieces``, in reading order; sets each candidate's score."""
    candidates = [
        p
        for p in pieces
        if len(p.unit.text) >= 40
        and len(p.unit.text) <= KEY_UNIT_CHARS
        and (not p.leans or (p.unit.kind == "list" and len(p.unit.text) >= 150))
        and not further_items(p.unit)
        and not _ANNOUNCES.match(p.unit.text)
        and not is_heading(p.unit.text.split("\n")[0] if p.unit.kind != "list" else p.unit.text)
        and _states(retriever, p)
    ]
    if scope.kind == "theme":
        scored = _theme_scores(retriever, scope, topic, candidates)
    else:
        scored = _central_scores(retriever, scope, candidates)
    by_id = {(p.passage.id, p.unit.position): p for p in candidates}
    if scope.kind == "theme":
        chosen = choose(scored, KEY_MESSAGES, ratio=0.0)
    else:
        chosen = _spread(retriever, scored, by_id)
    picked = [by_id[(s.passage.id, s.unit.position)] for s in chosen]
    ordered = sorted(_with_antecedents(picked, pieces), key=lambda p: p.order)
    defined = _theme_definition(scope, topic, pieces)
    ordered = _definition_first(scope, topic, ordered, pieces)
    # The sections' definition of their theme is what the day argues; else the sentence
    # nearest its subtitle.
    main = _main_argument(retriever, scope, candidates) if defined is None else None
    if main is not None:
        if main not in ordered and len(ordered) >= KEY_MESSAGES:
            ordered.remove(min(ordered[1:] or ordered, key=lambda p: p.score))
        ordered = [main] + [p for p in ordered if p is not main]
    return _no_orphans(_without_repeats(ordered), pieces)


def _without_repeats(ordered: list[Piece]) -> list[Piece]:
    """No message repeating another: consecutive passages overlap, and a unit quoted with
    what it leans on (« La diversité… : bénévolat, salariat… » then « Toutes ces formes… : »
    and its list) holds the sentence another message is made of. The one holding the other
    stays, in the place of the first of the two."""
    words = {id(p): set(tokens(p.unit.text)) for p in ordered}
    kept = list(ordered)
    for piece in ordered:
        if piece not in kept:
            continue
        mine = words[id(piece)]
        for other in kept:
            theirs = words[id(other)]
            if other is piece or len(mine & theirs) / max(1, len(mine)) <= 0.8:
                continue
            earlier = kept.index(other) < kept.index(piece)
            if len(theirs) > len(mine) or (len(theirs) == len(mine) and earlier):
                at = min(kept.index(piece), kept.index(other))
                kept.remove(piece)
                kept.remove(other)
                kept.insert(at, other)
                break
    return kept


def _states(retriever: Retriever, piece: Piece) -> bool:
    """A message states something: its first line has a verb (not a title in quotes, « Le
    MOOC « Nouveaux modèles économiques associatifs » ») and is not only questions."""
    first = lines_of(piece.unit)[0]
    if first.rstrip().endswith("?") and piece.unit.kind != "list":
        return False
    reading = reader(retriever).read(first)
    return any(t.pos in ("VERB", "AUX") for t in reading.tokens)


def _no_orphans(ordered: list[Piece], pieces: list[Piece]) -> list[Piece]:
    """A message that leans on the sentence before it (« Ces chiffres… », « Il a
    recommandé… ») stays only right after that sentence: never first, never after
    another message."""
    kept: list[Piece] = []
    for piece in ordered:
        if piece.leans:
            index = pieces.index(piece)
            before = pieces[index - 1] if index > 0 else None
            if not kept or kept[-1] is not before:
                continue
        kept.append(piece)
    return kept


def _main_argument(retriever: Retriever, scope: Scope, candidates: list[Piece]) -> Piece | None:
    """The day's main argument: the sentence of the day nearest in meaning to what the note
    says the day is about: its subtitle (the heading printed before the day's text, at the
    end of the previous section) and the previous day's announcement (« A demain, 21ème et
    dernier jour… pour prendre de la hauteur sur… une 3ème économie « passerelle »… »).
    Their sentence vectors are in the index: no embedding at sheet time."""
    if scope.kind != "day" or not candidates:
        return None
    sections = list(dict.fromkeys(c.section for c in retriever.chunks))
    position = sections.index(scope.title) if scope.title in sections else -1
    if position <= 0:
        return None
    headings: list[np.ndarray] = []
    announced: list[np.ndarray] = []
    words: list[str] = []
    own = retriever.section(scope.passages[0].source, scope.title)
    before = retriever.section(scope.passages[0].source, sections[position - 1])
    for found, is_own in ((before, False), (own, True)):
        for index, (chunk, vectors) in enumerate(found):
            if vectors is None or len(vectors) < 2:
                continue
            units = retriever.units_of(RetrievedChunk.of(chunk, 0.0, 0))
            for unit in units:
                if not unit.rows or max(unit.rows) >= len(vectors) - 1:
                    continue
                row = vectors[1:][list(unit.rows)].mean(axis=0)
                trailing = index == len(found) - 1 and unit is units[-1]
                # The subtitle is printed at the end of the previous section (the
                # chunk before the day's title) or inside the day's own text; the
                # day's own trailing heading is the next day's.
                if unit.kind == "heading" and trailing != is_own:
                    headings.append(row)
                    words += analyze(unit.text)
                elif not is_own and fold(unit.text).startswith("a demain"):
                    announced.append(row)
                    tail = re.sub(r"^.*?\bpour\s", "", unit.text)
                    words += analyze(tail) if tail != unit.text else []
    # The announcement repeats « A demain, Ne jour du cycle… » every day: only when the
    # day has no subtitle.
    rows = headings or announced
    if not rows:
        return None
    about = np.vstack(rows).mean(axis=0)
    weights = {t: retriever.idf(t) for t in set(words)}
    total = sum(weights.values()) or 1.0
    best: tuple[float, Piece] | None = None
    for piece in candidates:
        if piece.leans or piece.unit.kind != "sentence" or piece.unit.text.rstrip().endswith("?"):
            continue
        vectors = scope.vectors.get(piece.passage.id)
        sentences = vectors[1:] if vectors is not None and len(vectors) > 1 else None
        if sentences is None or not piece.unit.rows or max(piece.unit.rows) >= len(sentences):
            continue
        # Meaning, and the subtitle's and announcement's rare words the sentence repeats
        # (« émergence », « économie passerelle »).
        shared = set(analyze(piece.unit.text)) & weights.keys()
        lexical = sum(weights[t] for t in shared) / total
        similarity = float((sentences[list(piece.unit.rows)] @ about).max()) + 0.5 * lexical
        if best is None or similarity > best[0]:
            best = (similarity, piece)
    return best[1] if best else None


def relevant(pieces: list[Piece]) -> list[Piece]:
    """A theme's other material comes from the units that scored near the theme."""
    scored = {(p.passage.id, p.unit.position) for p in pieces if p.score > 0}
    top = sorted(pieces, key=lambda p: -p.score)[:20]
    return sorted(
        (p for p in top if (p.passage.id, p.unit.position) in scored), key=lambda p: p.order
    )


def _definition_first(
    scope: Scope, topic: str, ordered: list[Piece], pieces: list[Piece]
) -> list[Piece]:
    """When the sections define their theme (« Les alliances stratégiques constituent
    le troisième levier… »), that definition is what a session opens on: the first key
    message, in place of the weakest one when the sheet is full."""
    definition = _theme_definition(scope, topic, pieces)
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


def _theme_definition(scope: Scope, topic: str, pieces: list[Piece]) -> Piece | None:
    theme = topic if scope.kind == "theme" else scope.title
    theme = re.sub(r"^\s*\d+\s*(?:e|er|ème)\s+jour\s*[–—-]?\s*", "", theme, flags=re.I)
    wanted = set(analyze(theme))
    if not wanted:
        return None
    for piece in pieces:
        if piece.unit.kind != "sentence" or piece.leans:
            continue
        term = defined_term(lines_of(piece.unit)[0])
        terms = set(analyze(term)) if term else set()
        if terms and (terms <= wanted or wanted <= terms):
            return piece
    return None


def _spread(
    retriever: Retriever, scored: list[Scored], by_id: dict[tuple[str, int], Piece]
) -> list[Scored]:
    """Greedy choice: each next message is the best score plus what it adds that the
    chosen ones do not hold yet (names, figures), so a section's facts spread over
    the messages instead of gathering around its centre."""
    words_of_corpus = vocabulary(retriever)
    held: set[str] = set()
    chosen: list[Scored] = []
    seen: list[set[str]] = []
    pool = list(scored)
    facts = {id(item): _facts(item.unit.text, words_of_corpus) for item in pool}
    while pool and len(chosen) < KEY_MESSAGES:
        best = max(
            pool,
            key=lambda item: item.score + NEW_FACT_WEIGHT * min(3, len(facts[id(item)] - held)),
        )
        pool.remove(best)
        if chosen and by_id[(best.passage.id, best.unit.position)].leans:
            continue  # its antecedent is in another chunk: never a filler message
        words = set(tokens(best.unit.text))
        if any(len(words & o) / max(1, min(len(words), len(o))) > 0.6 for o in seen):
            continue
        chosen.append(best)
        seen.append(words)
        held |= facts[id(best)]
    return chosen


def _facts(text: str, vocabulary: frozenset[str]) -> set[str]:
    """The names and figures a text holds, folded."""
    found = {fold(n) for n in names_in(text, vocabulary)}
    for line in text.split("\n"):
        found |= {fold(f.value) for f in figures_in(line)}
    return found


def _with_antecedents(picked: list[Piece], pieces: list[Piece]) -> list[Piece]:
    """« Ce rapport est le fruit… » read alone leaves the room asking « which report? »:
    the sentence before it in the note (« … le rapport interministériel… ») comes with
    it, in place of the weakest message when the sheet is full. That sentence must read
    on its own: « Il a recommandé… » or « Tout d’abord, elles… » never comes as an
    antecedent, and a message that itself leans (« Il permet de répondre à 4
    questions : … ») stays only after the sentence it leans on."""
    added: list[Piece] = []
    for piece in sorted(picked, key=lambda p: p.order):
        leans = piece.leans
        if piece not in picked or not (leans or _POINTS_BACK.match(piece.unit.text)):
            continue
        chain = _antecedents(piece, picked, pieces)
        if chain is None:
            if leans and len(picked) > MIN_KEY_MESSAGES:
                picked.remove(piece)
            continue
        picked += chain
        added += chain
    needed = set(added) | {p for p in picked if p.leans or _POINTS_BACK.match(p.unit.text)}
    while len(picked) > KEY_MESSAGES:
        spare = [p for p in picked if p not in needed] or picked
        picked.remove(min(spare, key=lambda p: p.score))
    return picked


def _antecedents(piece: Piece, picked: list[Piece], pieces: list[Piece]) -> list[Piece] | None:
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
        if not before.leans:
            return chain
    return None


def _central_scores(retriever: Retriever, scope: Scope, candidates: list[Piece]) -> list[Scored]:
    """Closest to the section's centre of meaning (mean of its sentence vectors,
    rescaled over the section), with weight for what a room remembers (figures, lists,
    names) and less for announcements (« Zoom sur… ») and sentences that lean on an
    earlier one (« Ce rapport… »)."""
    rows: dict[int, np.ndarray] = {}
    for index, piece in enumerate(candidates):
        vectors = scope.vectors.get(piece.passage.id)
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
            + 0.10 * min(2, len(names_in(text, vocabulary(retriever))))
            - 0.10 * piece.unit.incomplete
            - 0.15 * bool(_POINTS_BACK.match(text))
        )
        piece.score = score
        scored.append(Scored(piece.passage, piece.unit, score, meaning, 0.0, 0.0))
    scored.sort(key=lambda s: -s.score)
    return scored


def _theme_scores(
    retriever: Retriever, scope: Scope, topic: str, candidates: list[Piece]
) -> list[Scored]:
    assert scope.query is not None and scope.retrieval is not None
    wanted = {(p.passage.id, p.unit.position) for p in candidates}
    scored = score_units(scope.query, scope.retrieval, depth=len(scope.retrieval.passages))
    kept = [s for s in scored if (s.passage.id, s.unit.position) in wanted]
    best = kept[0].score if kept else 1.0
    # Units far below the best are about something else: a theme sheet keeps to it.
    kept = [s for s in kept if s.score >= 0.45 * best]
    for s in kept:
        for piece in candidates:
            if piece.passage.id == s.passage.id and piece.unit.position == s.unit.position:
                piece.score = s.score
    return kept
