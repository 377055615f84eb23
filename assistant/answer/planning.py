"""What an answer is made from: the units an extractive answer quotes, in order, and the
passages an LLM reads — a section's own passages when the question names one (« Résume le
12e jour »), and what the question asks that the quotes do not give (a figure, a year, a
name the corpus never mentions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from ..ingest.information import unpack as sentence_information
from ..models import RetrievedChunk
from ..search.definitions import apposes, asked_phrase, spells_out, writes_name
from ..search.query import Intent, SearchQuery
from ..search.retrieval import Retrieval, Section
from ..settings import Settings
from ..textnorm import analyze, contains_run, fold, singular_tokens, tokens
from ..textunits import Unit, around_items, asks, is_item
from .evidence import Evidence, judge
from .holds import defines_term, gives, holds, opens_on_term, outside_parentheses
from .parts import cover_parts, parts_of
from .selection import (
    STRICT_KINDS,
    SUMMARY_RATIO,
    Scored,
    choose,
    overlap,
    score_units,
    written_intent,
)
from .summary import summarise

# The units of this many best passages are scored (all passages for a figure asked), for
# the short answer as for --full. 5 rather than 4 gains key facts on both halves of the golden set
# (.773/.816 -> .783/.831) and of the fresh blind set eval/fresh.jsonl (.692/.583 ->
# .692/.611); quote precision moves -.006 on the golden set, +.001 on the fresh one.
SCORED_DEPTH = 5
# The kinds of answer one unit gives (« Combien … ? », « C'est quoi … ? »): no further
# quote. Dates and names measured worse (a date's event and a second actor carry key facts).
ONE_QUOTE_KINDS = ("figure", "definition")

# How far below the best unit a unit giving a number of what the question counts may
# score and still be quoted first (it answers; the best may only share its words).
COUNTED_RATIO = 0.5


@dataclass(frozen=True)
class Missing:
    """What the question asks that the answer does not give, said before the quotes — or
    instead of them, for an abstention."""

    kind: str  # figure | date | year | day | name | part | point | definition
    what: str = ""  # the year, the name, the part's own words
    part_kind: str = ""  # a part: the kind it asks (figure, date, actors, place)
    ordinal: int = 0  # a point: the one asked (-1 the last) …
    points: int = 0  # … and how many the previous answer gives


@dataclass
class Plan:
    """The units an extractive answer quotes, in order, and how it is framed."""

    chosen: list[Scored]
    kind: str  # answer | point | section | topic
    passages: list[RetrievedChunk]
    missing: Missing | None = None  # asked, not in the quotes
    section: str | None = None  # the section a summary covers
    # « Développe le deuxième point »: the point, said in the lead when what the passages
    # say of it is quoted instead of the point again.
    point: str = ""
    # … and the previous answer already quoted all the passages say of it: given again.
    no_more: bool = False


def plan_answer(
    settings: Settings,
    query: SearchQuery,
    retrieval: Retrieval,
    scored: list[Scored],
    detail: str,
) -> Plan:
    """What the extractive answer quotes, and how it is framed."""
    intent = written_intent(query.intent, retrieval)
    limit = settings.max_answer_sentences * (2 if detail == "full" else 1)
    # « la Fondation de France », « l'Allemagne »: the note cannot say what is asked of
    # them, and the answer says so before what it says of the subject.
    unknown = Missing("name", retrieval.unknown_names[0]) if retrieval.unknown_names else None
    if intent.kind == "summary":
        if retrieval.section is not None:
            return section_plan(retrieval.section, retrieval, limit + 2)
        # A topic rather than a section: more of the best units, in reading order.
        chosen = choose(answers(scored, intent), limit + 1, ratio=SUMMARY_RATIO)
        chosen.sort(key=lambda s: (s.passage.section, s.passage.rank, s.unit.position))
        return Plan(chosen, "topic", list(retrieval.passages), missing=unknown)
    candidates = answers(scored, intent)
    point = ""
    no_more = False
    # Each part as the passages can answer it (« Et ça fait combien d'objectifs ? »: the
    # note counts « les 17 ODD »), read once: the figures they ask, then what answers each.
    parts = [replace(p, intent=written_intent(p.intent, retrieval)) for p in parts_of(intent)]
    counting = [s for s in candidates if s.counts]
    # « Combien sont-ils ? » after a developed point: the words searched are the point's, which
    # its own list holds best (« … les 3 tendances majeures … : … les catalyseurs
    # territoriaux … »); what the question asks is the number of what « ils » stands for, and
    # a unit giving one answers however far below it scores.
    by_pronoun = query.follow_up and intent.pronoun_subject and bool(intent.counted)
    if counting and (by_pronoun or counting[0].score >= COUNTED_RATIO * candidates[0].score):
        # One figure asked (« Combien de bénévoles ? ») and the passages give a number of
        # it: the quotes are those that give it, first, a long list cut down to its
        # lead-in and the items that give it. One figure is answered by one quote, as in
        # the branch below: a second unit giving a figure of the subject gave another
        # (« … 49% du budget moyen » after « … entre 60 % et 80 % de leur budget »).
        figures = [p.intent for p in parts if p.intent.one_figure] if parts else [intent]
        one = intent.one_figure and not parts and detail != "full"
        chosen = [one_figure(s, figures) for s in choose(counting, 1 if one else limit)]
    elif query.point:
        # « Développe le deuxième point »: the point as the previous answer's list gave it,
        # then what the passages say of it — the follow quotes are measured against the best
        # unit that says more, not against the point itself (which holds all its words).
        # The point itself the user has read: it is said in the lead, and the quotes are
        # what the passages add (quoted again first, it read as the same answer twice).
        restated = [s for s in candidates if s.restates][:1]
        # What develops the point names it: a unit holding none of its words shares only
        # the previous question's (« Le cycle sur l'hybridation … s'achève » for « risque
        # politique », once the previous answer had quoted the sentences on both risks).
        about = set(analyze(query.point))
        rest = [
            s
            for s in candidates
            if not s.restates and _develops(s.unit, about, query.point_terms)
        ]
        if restated and not _said_before(restated[0], query.excluded):
            # The note's item says more than the previous answer gave of it (a model's
            # answer shortens): it is the first thing to develop.
            chosen = restated + choose(rest, limit - 1)
        else:
            chosen = choose(rest, limit) or restated
            point = query.point if chosen and not chosen[0].restates else ""
        if not chosen and (said := said_of_point(query, retrieval)):
            # The previous answer quoted all the note says of the point: it is given again,
            # and the lead says there is no more (rather than quoting something else).
            chosen, point, no_more = said, query.point, True
    else:
        # One figure or one definition asked is answered by the unit that gives it: the
        # further quotes scoring close to it added no key fact on any set, and none of the 10
        # they were on the golden, fresh and blind3 sets was on the point (docs/evaluation.md,
        # session 16). A trainer's --full answer still reads the passages around.
        one = intent.kind in ONE_QUOTE_KINDS and detail != "full"
        chosen = choose(candidates, 1 if one else limit)
    if intent.kind == "date":
        # « Quand le MOOC a-t-il été lancé ? »: a list is quoted cut to its lead-in and the
        # items dating the subject, as one is to the items giving a figure asked.
        subject = set(query.terms) - query.qualifying - set(_date_terms())
        # « Depuis quand ? » after « Combien de jeunes en bénéficient ? »: a follow-up of
        # date words only dates what the conversation is about.
        subject = subject or set(query.lexical_terms) - query.qualifying - set(_date_terms())
        chosen = [dated_items(s, subject) for s in chosen]
    unanswered = None
    if parts and not query.point:
        # « Depuis quand …, et combien de réseaux … ? »: each part its answering unit, in
        # the question's order.
        idf = retrieval.idf
        covered = cover_parts(
            parts,
            chosen,
            candidates,
            query.terms,
            lambda t: idf.get(t, 1.0),
            limit,
            retrieval.cognates,
        )
        chosen, unanswered = covered.chosen, covered.unanswered
    missing = None
    # A measure named (« quel montant », « combien de temps »): only a figure of it answers.
    answered = (lambda s: s.counts) if intent.measure else (lambda s: s.fits or s.counts)
    if intent.kind in STRICT_KINDS and chosen and not any(answered(s) for s in chosen):
        missing = Missing(intent.kind)  # the note covers the topic, not the figure or date
    # « en 2023 »: the quoted passages and those around them say nothing of that year (one
    # they name beside the quote, as in « l'Agenda 2030 » or « le rapport de 2014 », is no
    # year missing; one elsewhere in the note — « d'ici à 2022 » of another subject — says
    # nothing of it).
    asked_years = query.years
    quoted = {(s.passage.source, s.passage.ordinal) for s in chosen}
    beside = [
        p.text
        for p in retrieval.passages
        if any(p.source == source and abs(p.ordinal - at) <= 1 for source, at in quoted)
    ]
    read = " ".join([s.unit.text for s in chosen] + beside)
    if asked_years and chosen and not any(year in read for year in asked_years):
        missing = Missing("year", asked_years[0])
    # « le webinaire du 19 septembre »: a day the quotes and their neighbours never name.
    folded = fold(read).lower() if query.days else ""
    unsaid = [d for d in query.days if fold(d).lower() not in folded]
    if unsaid and chosen and missing is None:
        missing = Missing("day", unsaid[0])
    if unanswered is not None and chosen:
        # « …, et quel taux de rendement ? » where the passages give no rate: the answer
        # says which part the note does not give, then what it says of the rest.
        missing = Missing("part", unanswered.text, part_kind=unanswered.kind)
    name = (
        _defined_name(query, candidates) if intent.kind == "definition" and not query.point else ""
    )
    if name and not any(_says_what(s.unit.text, query.defined, name) for s in candidates):
        # « Qu'est-ce que l'ADASI ? »: the note names it as a partner and never says what it
        # is. The answer says so and quotes where the note names it (« Qu'est-ce que
        # l'Avise ? » quoted « Tel est l'avis exprimé … »: both analyse to « avis »).
        # A trainer's --full answer gathers every passage naming it.
        # A name is written as such (« Avise », not « avis »); a phrase in the singular or
        # the plural.
        writes = writes_name if name in query.names else _writes
        naming = [s for s in candidates if writes(s.unit.text, name)]
        chosen = naming[: limit if detail == "full" else 1]
        missing = Missing("definition", name) if chosen else missing
    if missing is not None and missing.kind in ("figure", "part") and not _about_names(
        chosen, query, intent
    ):
        # « Le RAMEAU, il a quel budget … ? »: what the note says « of the subject » was the
        # sector's budget; a figure missing is said beside what the note says of whom the
        # question names, or not at all.
        chosen = []
    if query.asked_items and not query.point:
        chosen = [items_named(s, query.asked_items) for s in chosen]
    if intent.kind == "list" or query.asked_items:
        chosen = with_list_ends(chosen, retrieval, limit)
    if chosen and not query.point and intent.kind != "summary":
        # A figure or a date asked is given by its quote; an example of the sentence giving
        # it is no part of the answer.
        illustrate = intent.kind not in STRICT_KINDS and not intent.parts
        chosen = with_developments(chosen, retrieval, limit, illustrate)
    if chosen and intent.kind == "definition":
        # What the thing is, said on (only there: a figure's or a date's sentence read
        # whole added words and no key fact, on any set).
        chosen = read_whole(chosen, candidates)
    if detail == "full" and chosen:
        chosen = whole_passages(chosen, retrieval.units_of, intent)
    return Plan(
        chosen,
        "point" if query.point else "answer",
        list(retrieval.passages),
        missing=missing or unknown,
        point=point,
        no_more=no_more,
    )


def _about_names(chosen: list[Scored], query: SearchQuery, intent: Intent) -> bool:
    """Whether a quote names whom the question asks about (« Le RAMEAU », « l'ADASI »): true
    when it names none but a place it is scoped to (« en France ») or who says it (« selon X
    »)."""
    aside = set(intent.scope_terms) | query.qualifying
    names = [n for n in query.names if not set(analyze(n)) <= aside]
    if not names:
        return True
    return any(fold(n).lower() in fold(s.unit.text).lower() for n in names for s in chosen)


def _defined_name(query: SearchQuery, candidates: list[Scored]) -> str:
    """The name a definition question asks about, as written (« ADASI », « Pro Bono Lab »),
    else the phrase it asks to define when a candidate writes it word for word (« mécénat
    de compétences »), or ""."""
    name = next((n for n in query.names if tuple(analyze(n)) == query.defined), "")
    if name or not query.defined:
        return name
    phrase = asked_phrase(query.focus_text)
    return phrase if phrase and any(_writes(s.unit.text, phrase) for s in candidates) else ""


def _writes(text: str, phrase: str) -> bool:
    """Whether ``text`` writes ``phrase`` word for word, in the singular or the plural
    (« des tiers-lieux » writes « tiers-lieu »)."""
    return contains_run(singular_tokens(text), singular_tokens(phrase))


def _says_what(text: str, defined: tuple[str, ...], name: str) -> bool:
    """Whether ``text`` says what the name is: defines it, spells it out, opens on it (what
    it does) or sets a noun beside it (« du G10, instance de dialogue … »)."""
    return (
        defines_term(text, defined)
        or spells_out(text, defined)
        or opens_on_term(text, defined)
        or apposes(text, name)
    )


# A point of this many terms at most is a noun phrase (« risque technique », « le
# financement privé »): an item of an enumeration, named by all its words together.
_PHRASE_TERMS = 3


def _develops(unit: Unit, terms: set[str], own: frozenset[str]) -> bool:
    """Whether ``unit`` says something of the point a follow-up asks to develop: one of its
    lines names a short point — both words of « risque technique », which a list of
    proposals whose one item says « risque de compromettre … » and another « les freins
    techniques … » does not; two of the three of « l'émergence de tiers-lieux » (« la
    montée en puissance des tiers-lieux ») —, or it holds a term setting a longer point
    apart from the answer's other points (``own``, ``SearchQuery.point_terms``). ``terms``:
    the point's, analysed."""
    if len(terms) <= _PHRASE_TERMS:
        need = len(terms) - len(terms) // 3
        if len(terms & unit.read_terms) < need:
            return False  # (no line can hold more than the whole: each is read only then)
        context = set() if unit.about.endswith(":") else set(analyze(unit.about))
        # What a parenthesis lists (« des ressources de financement (subventions, mécénat,
        # revenus d'activité) ») names the point and says nothing of it.
        return any(
            len(terms & context.union(outside_parentheses(line)[1])) >= need
            for line in unit.text.split("\n")
        )
    return bool((own or terms) & unit.read_terms)


def said_of_point(query: SearchQuery, retrieval: Retrieval) -> list[Scored]:
    """The unit the previous answer quoted that says most of the point a follow-up asks to
    develop (its words in a row first, then how many of them it holds), or []."""
    about = analyze(query.point)
    best: tuple[tuple[int, int], Scored] | None = None
    for passage in retrieval.passages:
        for unit in retrieval.units_of(passage):
            if not unit.quotable or overlap(set(tokens(unit.text)), query.excluded) <= 0.6:
                continue
            held = sum(t in unit.read_terms for t in about)
            if not held:
                continue
            rank = (contains_run(list(unit.terms), about), held)
            if best is None or rank > best[0]:
                best = (rank, Scored(passage, unit, 0.0, float("nan"), 0.0, 0.0, restates=True))
    return [best[1]] if best else []


# « c'est prendre deux risques : l'un technique, l'autre politique »: a number and the noun
# of the things it announces, before a colon (on folded text).
_ANNOUNCED = re.compile(
    r"\b(?:\d+|deux|trois|quatre|cinq|six)\s+(?:grand\w*\s+|principa\w*\s+)?"
    r"(?P<noun>[a-z][a-z-]{2,})\b[^:.;!?]{0,40}:"
)


def with_developments(
    chosen: list[Scored], retrieval: Retrieval, limit: int, illustrate: bool = True
) -> list[Scored]:
    """The first quote announces things inline (« c'est prendre deux risques : l'un
    technique, l'autre politique. ») and the sentences after it in its passage develop them
    one by one (« Le risque technique, c'est … », « Le risque politique, c'est … »): they
    follow it, as a list's items follow their lead-in, in place of the last further quotes.
    Else, when ``illustrate``, the sentence after it that illustrates it follows it."""
    first = chosen[0]
    if first.unit.kind != "sentence":
        return chosen
    match = _ANNOUNCED.search(fold(first.unit.text))
    if match is None:
        return _with_illustration(chosen, retrieval, limit) if illustrate else chosen
    noun = analyze(match.group("noun"))[:1]
    if not noun or noun[0] in ("http", "https", "www"):  # « 18 http: … », a footnote
        return chosen
    developed: list[Scored] = []
    for unit in retrieval.units_of(first.passage):
        if unit.position <= first.unit.position or not unit.quotable:
            continue
        opening = analyze(" ".join(unit.text.split()[:4]))
        if noun[0] not in opening:
            break
        developed.append(Scored(first.passage, unit, first.score, float("nan"), 0.0, first.fits))
    if not developed:
        return chosen
    taken = {s.unit.text for s in developed}
    rest = [s for s in chosen[1:] if s.unit.text not in taken]
    return [first, *developed[: max(limit - 1, 1)], *rest][:limit]


# « Au plus haut niveau de l'Etat, ce mouvement est lui aussi pris en compte. Citons en
# particulier la démarche de co-construction avec les acteurs de l'IAE … »: a sentence
# opening so illustrates the one before it (on folded text).
_ILLUSTRATES = re.compile(
    r"^\W*(?:citons|par exemple|a titre d.exemple|en voici|tel est (?:notamment )?le cas)\b"
)


def read_whole(chosen: list[Scored], candidates: list[Scored]) -> list[Scored]:
    """Each quoted sentence the chunk boundary cut from what goes on about it, quoted as the
    next chunk holds it whole: « … une nouvelle forme d'ingénierie : la « catalyse
    territoriale ». » ended a chunk, the next one opens on it and goes on « Ces acteurs, dont
    le métier est encore en émergence, sont les chevilles ouvrières … » — what it is."""
    out: list[Scored] = []
    for scored in chosen:
        whole = _whole_of(scored, candidates) if scored.unit.kind == "sentence" else None
        out.append(replace(scored, passage=whole.passage, unit=whole.unit) if whole else scored)
    return out


def _whole_of(scored: Scored, candidates: list[Scored]) -> Scored | None:
    """The candidate sentence of the same source that opens on ``scored``'s and goes on."""
    text = scored.unit.text
    return next(
        (
            c
            for c in candidates
            if c.unit.kind == "sentence"
            and len(c.unit.text) > len(text)
            and c.unit.text.startswith(text)
            and c.passage.source == scored.passage.source
        ),
        None,
    )


def _with_illustration(chosen: list[Scored], retrieval: Retrieval, limit: int) -> list[Scored]:
    """The first quote, the sentence of its passage right after it when that sentence
    illustrates it (``_ILLUSTRATES``), then the further quotes; ``chosen`` otherwise."""
    first = chosen[0]
    units = retrieval.units_of(first.passage)
    after = next((u for u in units if u.position > first.unit.position and u.quotable), None)
    if after is None or not _ILLUSTRATES.match(fold(after.text).lower()):
        return chosen
    illustration = Scored(first.passage, after, first.score, float("nan"), 0.0, first.fits)
    rest = [s for s in chosen[1:] if s.unit.text != after.text]
    return [first, illustration, *rest][: max(limit, 2)]


def items_named(scored: Scored, asked: str) -> Scored:
    """« Quels sont les freins aux alliances ? »: a list whose lead-in does not name the
    things asked (« 3 propositions en ressortent : ») is cut to the items that do (« Après
    avoir identifié les freins techniques … »); a list naming them in its lead-in, or in
    every item, is quoted whole."""
    unit = scored.unit
    if unit.kind != "list" or scored.restates:
        return scored
    lines = unit.text.split("\n")
    lead = " ".join(line for line in lines if not is_item(line))
    # Only a lead-in counting things of another kind (« 3 propositions … : ») says its
    # items are not the things asked; « nous vous invitons à : » lists resources all the
    # same, whether each item names them or not.
    announced = _ANNOUNCED.search(fold(lead).lower())
    if announced is None or asked in analyze(lead) or asked in analyze(announced["noun"]):
        return scored
    cut = around_items(unit, lambda line: asked in analyze(line))
    if cut is None or all(asks(line) for line in cut.text.split("\n") if is_item(line)):
        return scored  # « • Quels sont les besoins … ? »: a question of the note answers none
    return replace(scored, unit=cut)


def with_list_ends(chosen: list[Scored], retrieval: Retrieval, limit: int) -> list[Scored]:
    """A quoted list the chunk cuts (« … autour de trois axes : ▪ Côté recherche … ▪ Côté
    terrain … », its third axis in the next chunk) is followed by the items that open the
    next chunk of its section, when the search read it (ranked, or read as a
    continuation): the list whole, not two of its three axes. They take the place of the
    last further quotes. Only for a question asking a list: other questions lost precision
    on every set, for no key fact."""
    out: list[Scored] = []
    for scored in chosen:
        out.append(scored)
        if scored.unit.kind != "list" or not scored.unit.incomplete or scored.restates:
            continue
        rest = _list_end(scored, retrieval)
        if rest is not None and all(rest.unit.text != s.unit.text for s in chosen):
            out.append(rest)
    if len(out) > len(chosen) and len(out) > limit:
        ends = {id(s) for s in out if s not in chosen}
        tail = [i for i, s in enumerate(out) if id(s) not in ends and i > 0]
        while len(out) > limit and tail:
            out.pop(tail.pop())
    return out


def _list_end(scored: Scored, retrieval: Retrieval) -> Scored | None:
    """The orphan items opening the next chunk of ``scored``'s list, as a unit to quote."""
    at = scored.passage
    following = next(
        (
            p
            for p in retrieval.passages
            if p.source == at.source and p.section == at.section and p.ordinal == at.ordinal + 1
        ),
        None,
    )
    if following is None:
        return None
    quoted = set(tokens(scored.unit.text))
    said = fold(scored.unit.text)
    for unit in retrieval.units_of(following)[:3]:
        words = set(tokens(unit.text))
        if words and len(words & quoted) > 0.8 * len(words):
            continue  # the chunks' overlap: already quoted
        if unit.kind == "list" and unit.leans and unit.quotable and is_item(unit.text):
            # The chunks overlap: the items already quoted are not quoted again, and the
            # lead-in, just above in the answer, is not said again before them.
            cut = around_items(unit, lambda line: fold(line) not in said)
            unit = replace(cut if cut is not None else unit, about="")
            if all(fold(line) in said for line in unit.text.split("\n") if is_item(line)):
                return None
            return Scored(following, unit, scored.score, float("nan"), 0.0, scored.fits)
        return None
    return None


# How much of a restated point the previous answer must hold for it to be said again only.
SAID_BEFORE = 0.9


def _said_before(scored: Scored, previous: frozenset[str]) -> bool:
    """Whether the previous answer gave (nearly) all the words of this restated point."""
    words = tokens(scored.unit.text)
    return bool(words) and sum(w in previous for w in words) >= SAID_BEFORE * len(words)


# --full: how many of the passages the best quotes come from are given whole.
FULL_PASSAGES = 3


def whole_passages(chosen: list[Scored], units_of, intent: Intent) -> list[Scored]:
    """A trainer's answer (``--full``): the passages the best quotes come from, whole —
    every readable unit, lists and figures included — in reading order (grouped under
    their section when shown); a sentence the overlap of consecutive passages repeats is
    quoted once."""
    passages = list({s.passage.id: s.passage for s in chosen}.values())[:FULL_PASSAGES]
    passages.sort(key=lambda p: (p.source, p.ordinal))
    out: list[Scored] = []
    seen: list[set[str]] = []
    for passage in passages:
        for unit in units_of(passage):
            if not unit.quotable or (unit.asks_only and not intent.about_questions):
                continue
            words = set(tokens(unit.text))
            if any(overlap(words, other) > 0.6 for other in seen):
                continue
            seen.append(words)
            out.append(Scored(passage, unit, 0.0, float("nan"), 0.0, 0.0))
    return out or chosen


def answers(scored: list[Scored], intent: Intent) -> list[Scored]:
    """The units that may answer: not the note's own questions alone (« • Quels sont les
    besoins … ? »), unless the question is about the questions the note asks."""
    if intent.about_questions:
        return scored
    return [s for s in scored if not s.unit.asks_only]


# The words that ask for a date (« Depuis quand … ? », « En quelle année … ? »): no subject
# an item must name.
DATE_WORDS = "quand depuis date dates année années an ans jour jours mois période époque"


@cache
def _date_terms() -> list[str]:
    return analyze(DATE_WORDS)


def dated_items(scored: Scored, subject: set[str]) -> Scored:
    """A list quoted for a date: its lead-in and the items giving a date and naming the
    subject (« Coté terrain : … MOOC … Le lancement … le 5 septembre 2019 », not « Côté
    recherche : … depuis 2016 »)."""

    def dates_subject(line: str) -> bool:
        return bool(holds("date", line)) and not subject.isdisjoint(analyze(line))

    return _cut_to(scored, dates_subject)


def one_figure(scored: Scored, figures: list[Intent]) -> Scored:
    """A list quoted for the figure asked: its lead-in and the items that give it, or that
    give the figure another part asks (« Combien de bénévoles …, et combien de salariés ? »)."""
    return _cut_to(scored, lambda line: any(gives(f, line) for f in figures))


def _cut_to(scored: Scored, keep: Callable[[str], bool]) -> Scored:
    """A list cut to its lead-in and the items ``keep`` accepts (around_items); any other
    unit, or a list with no such item or only such items, as it is."""
    cut = around_items(scored.unit, keep)
    return scored if cut is None else replace(scored, unit=cut)


def section_plan(named: Section, retrieval: Retrieval, limit: int) -> Plan:
    """« Résume le 12e jour »: the section's key units in reading order; the section's
    chunks become the passages, in reading order (what a model summarising it reads, and
    where the section states its message: its opening), then the passages retrieved."""
    title, section = named.title, named.chunks
    as_passages = [(RetrievedChunk.of(c, 0.0, 0), vectors) for c, vectors in section]
    read = {c.id: named for c, _ in section if (named := sentence_information(c.information))}
    chosen = summarise(as_passages, retrieval.units_of, limit, read)
    order = [c.id for c, _ in section]
    order += [p.id for p in retrieval.passages if p.id not in order]
    by_id = {p.id: p for p, _ in as_passages} | {p.id: p for p in retrieval.passages}
    passages = [by_id[cid].model_copy(update={"rank": rank}) for rank, cid in enumerate(order, 1)]
    ranked = {p.id: p for p in passages}
    chosen = [
        Scored(ranked[s.passage.id], s.unit, s.score, s.dense, s.lexical, s.fits) for s in chosen
    ]
    return Plan(chosen, "section", passages, section=title)


@dataclass
class Grounding:
    """What an answer stands on: the retrieved units scored, the evidence that they answer,
    and the plan of what to quote (or give the model to read)."""

    scored: list[Scored]
    evidence: Evidence
    plan: Plan
    # « Développe le troisième point » after an answer of two: the point asked does not
    # exist (SearchQuery.no_such_point), nothing is answered in its place.
    no_such_point: int = -1
    ordinal: int = 0
    asks_for: str = ""  # what the question asks to be stated (Intent.asks_for)

    def abstains(self, settings: Settings, extractive: bool) -> bool:
        """Below the calibrated confidence, or with nothing to read, no generator runs. An
        answer is cited text or an abstention, never an empty lead: with nothing quotable
        in the passages (headings, notes only), the extractive answer abstains."""
        weak = self.evidence.confidence < settings.abstain_threshold
        nothing_to_quote = extractive and not self.plan.chosen
        return weak or not self.plan.passages or nothing_to_quote or self.no_such_point >= 0

    def not_found(self, settings: Settings) -> Missing | None:
        """What an abstention says it does not find: the point asked, or the one figure
        asked when the evidence is weak for want of it (the subject may well be in the
        note); None for nothing in particular."""
        if self.no_such_point >= 0:
            return Missing("point", ordinal=self.ordinal, points=self.no_such_point)
        weak = self.evidence.confidence < settings.abstain_threshold
        if weak and not self.evidence.figure_given:
            return Missing("figure")
        if weak and not self.evidence.stated and self.asks_for == "outcome":
            return Missing("outcome")  # the note announces it, and gives no outcome yet
        return None


def ground(settings: Settings, query: SearchQuery, retrieval: Retrieval, detail: str) -> Grounding:
    """Score the retrieved units, judge the evidence, plan the answer: one step, the same
    for the extractive answer and the LLM chain (:mod:`.chain`)."""
    scored = score_units(query, retrieval, depth=SCORED_DEPTH)
    evidence = judge(query, retrieval, scored, settings.embedding_model)
    plan = plan_answer(settings, query, retrieval, scored, detail)
    return Grounding(
        scored,
        evidence,
        plan,
        query.no_such_point,
        query.intent.ordinal or 0,
        query.intent.asks_for,
    )
