"""Which readable units of the retrieved passages answer the question, and in what order.

Each quotable unit (see :mod:`assistant.textunits`) is scored by meaning (the dense similarity
of its sentences to the question, from the vectors indexed with the chunk), by words (the
IDF-weighted share of the question's terms it holds, and the question's word pairs it holds
in a row), by its passage's retrieval score, and by whether it holds the kind of answer the
question asks for (a figure, a date, names…). The best unit comes first; the next ones must
score close to it and add something (no unit that repeats one already chosen).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..models import RetrievedChunk
from ..search.definitions import spells_out, writes_name
from ..search.query import (
    Intent,
    SearchQuery,
    asked_names,
    asked_slot,
    names_ordinal,
    ordinal_counting,
    read_intent,
    refers_back,
)
from ..search.retrieval import Retrieval
from ..textnorm import analyze, contains_run, fold, tokens
from ..textunits import Unit, around_items, is_item, strip_bullet
from .holds import (
    announces,
    defines_term,
    figure_items,
    fills_slot,
    gives,
    gives_reason_about,
    holds,
    labelled_by_subject,
    measure_terms,
    names_agent,
    names_another,
    names_author,
    names_holder,
    names_kinds,
    names_one,
    names_subject,
    opens_on_term,
    states_necessity,
)

# Weights of the signals, and how close to the best a unit must score to be quoted too.
# Chosen on the golden set, keeping only changes that improved both of its halves
# (docs/evaluation.md).
W_DENSE = 0.30
W_LEXICAL = 0.50
W_PASSAGE = 0.30
W_PAIRS = 0.10
FOLLOW_RATIO = 0.80
# A figure or a date asked for is either in a sentence or not; names, definitions, lists and
# examples take more forms than the patterns of .holds see, so they weigh less.
STRICT_KINDS = ("figure", "date")
SUMMARY_RATIO = 0.55
# « Combien de bénévoles ? »: when some unit gives a number of what is asked, a unit giving
# only other figures (« 82% des structures … ») fits this much — it is a figure, not the one;
# so does a figure of another measure than the one asked (« quel montant … ? »).
OTHER_FIGURE_FITS = 0.45
# « Et côté PME ? » after a question on academic actors: a unit naming no word of the new
# subject answers the previous question, not this one.
OTHER_SUBJECT_FITS = 0.7


# « À part l'Union nationale des CPIE, quelles têtes de réseau … ? »: a unit about what the
# question sets aside (holding its terms) answers what is not asked.
# (0.7 left the unit on the Union nationale des CPIE first for « À part l'Union nationale
# des CPIE, quelles têtes de réseau … ? »: fresh-21, tune.)
SET_ASIDE_FITS = 0.5


# « Pourquoi … doivent-elles … ? »: a reason stating no necessity fits this much.
NO_NECESSITY_FITS = 0.5


# « Quelles grandes tendances … ? »: a unit that counts or lists the very things asked for
# (« les 3 tendances majeures … : », « deux risques : ») gives them; one naming an example
# of the kind asked, or labelled by a follow-up's new subject, is a lead to them.
ANNOUNCES_ITEMS = 1.4
NAMES_ONE_ASKED = 1.25
# A title the question quotes of more words than this is named with one of them missing.
TITLE_WORDS = 3


@dataclass
class Scored:
    passage: RetrievedChunk
    unit: Unit
    score: float
    dense: float  # raw similarity of its best sentence (nan when unknown)
    lexical: float
    fits: float  # holds the kind of answer asked for, in [0, 1]
    counts: bool = False  # gives the one figure asked (intent.gives: a number of X, an amount…)
    restates: bool = False  # the previous answer's list cut to the point a follow-up names


@dataclass(frozen=True, slots=True)
class Signals:
    """What a unit's score is made of: the weighted signals, then what it holds and how it
    reads (each flag scales the score; see _hand_score)."""

    meaning: float  # dense similarity of its best sentence, scaled to the candidates' range
    lexical: float  # IDF-weighted share of the question's terms it holds
    prior: float  # its passage's retrieval score over the best passage's
    in_row: float  # share of the question's word pairs it holds in a row
    fits: float  # holds the kind of answer asked for, in [0, 1]
    strict: bool  # a figure or a date is asked, or some unit defines the asked phrase
    explain: bool  # the question asks how or why: no kind to hold
    examples: bool  # the question asks for examples
    other_subject: bool  # a re-scoped follow-up, and the unit names none of the new subject
    set_aside: bool  # the unit is about what the question sets aside
    announces: bool  # it counts or lists the very things asked for, or names one of them
    leans: bool  # its antecedent is not quoted with it
    incomplete: bool
    short: bool
    announces_items: bool = False  # it counts or lists them (« les 3 tendances majeures : »)


def written_intent(intent: Intent, retrieval: Retrieval) -> Intent:
    """The intent as the passages can answer it: « les cotisations des adhérents » — a word
    of the part the note never writes no unit can hold; the part is what it writes
    (« cotisations »)."""
    if intent.kind == "explain" and retrieval.section is not None:
        # « Quelle place pour les territoires ? »: the question is the title of the section it
        # named (Retriever.titled_section); what that section says is the answer.
        intent = replace(intent, kind="summary")
    english = intent.counted_english
    if english and not intent.counted and all(t in retrieval.cognates for t in english):
        # « How many partnerships … ? »: a number of the French term it is a cognate of
        # (« 1,2 million de partenariats ») answers; « volunteers » has none, and counts
        # nothing (the answer reads the figures as before).
        written = tuple(retrieval.cognates[t] for t in english)
        intent = replace(intent, counted=" ".join(written), counted_terms=written)
    if intent.pronoun_subject and (people := _people_of(intent, retrieval)):
        # « Combien sont-ils ? » after « Qu'est-ce que le bénévolat associatif ? »: « ils »
        # are the people of the status the noun in « -at » names (bénévolat → bénévoles,
        # salariat → salariés, volontariat → volontaires); they are what is counted.
        intent = replace(intent, counted_terms=(people,), counted_whole=(people,))
    if acronym := retrieval.counted_acronym(intent):
        # « Combien d'objectifs … ? »: the note counts them under their acronym (« les 17
        # ODD »), which their long form spells out.
        intent = replace(intent, counted_initials=acronym.upper())
    if not intent.part_in_whole:
        return intent
    written = tuple(t for t in intent.part_terms if t in retrieval.known)
    return replace(intent, part_terms=written or intent.part_terms)


# A status noun's ending, and its people's (on analysed terms): « bénévolat » → « benevol »,
# « volontariat » → « volontair », « entrepreneuriat » → « entrepreneur ».
_STATUS_TO_PEOPLE = (("at", ""), ("ariat", "air"), ("iat", ""))
_STATUS_STEM = 5


def _people_of(intent: Intent, retrieval: Retrieval) -> str:
    """The analysed noun of the people a counted status noun in « -at » stands for, as the
    retrieved units write it; "" when the count is of something else (« partenariats » is a
    plural: partnerships are counted)."""
    if len(intent.counted_terms) != 1 or intent.counted.endswith(("s", "x")):
        return ""
    status = intent.counted_terms[0]
    forms = [
        status[: -len(end)] + people
        for end, people in _STATUS_TO_PEOPLE
        if status.endswith(end) and len(status) - len(end) >= _STATUS_STEM
    ]
    units = [u for units in retrieval.units.values() for u in units]
    return next((f for f in forms if any(f in u.terms for u in units)), "")


def asked_figures(intent: Intent, retrieval: Retrieval) -> list[Intent]:
    """The one figure each part asks, as the passages can answer it (« Combien de pays …,
    et combien d'objectifs … ? »: a number of countries, then « les 17 ODD »); the question's
    own when it asks one thing."""
    intents = [read_intent(p) for p in intent.parts] if intent.parts else [intent]
    return [written_intent(i, retrieval) for i in intents if i.one_figure]


def score_units(query: SearchQuery, retrieval: Retrieval, depth: int = 4) -> list[Scored]:
    """Every quotable unit of the top ``depth`` passages, scored (best first). A follow-up
    pointing into the previous answer (``query.pointed``, the words of one of its items;
    ``query.excluded``, that answer's): units it already quoted are left out, but a list
    holding the point is quoted cut to the point's own item under its lead-in (« Et le
    deuxième chiffre ? »)."""
    intent = written_intent(query.intent, retrieval)
    passages, idf = retrieval.passages, retrieval.idf
    excluded, pointed = query.excluded, query.pointed
    # What the question asks about decides; who says it (« selon le webinaire ») counts as
    # the context does — the passage naming it is lifted by retrieval, the unit answering
    # within it need not repeat it.
    qualifying = query.qualifying | query.set_aside
    # « Combien de temps dure le MOOC ? »: the words naming the measure asked say what kind
    # of figure answers (.holds), not what it is about — « durant 9 mois » of another
    # experiment shares them. They weigh as the context does.
    measuring = set(measure_terms()) if intent.measure else set()
    qualifying = qualifying | measuring
    focus = [t for t in dict.fromkeys(query.terms) if t not in qualifying]
    if not focus and query.follow_up and measuring:
        # « Il dure combien de temps ? » after « Qui a créé le MOOC … ? »: the follow-up's
        # own words only name the measure; what it is about is what « il » stands for, the
        # previous question's subject.
        focus = [t for t in dict.fromkeys(query.lexical_terms) if t not in qualifying]
    focus = focus or list(query.terms)
    context = [t for t in dict.fromkeys([*query.lexical_terms, *query.terms]) if t not in focus]
    # An English question: each word stands for the corpus term it is a cognate of
    # (« partnership » for « partenariat »), which a French unit can hold.
    cognate = retrieval.cognates | retrieval.forms
    focus = list(dict.fromkeys(cognate.get(t, t) for t in focus))
    context = [t for t in dict.fromkeys(cognate.get(t, t) for t in context) if t not in focus]
    weight = {t: idf[t] for t in focus} | {t: 0.5 * idf[t] for t in context}
    # A word of the subject the note never writes no unit can hold (the answer says the note
    # does not speak of that subject): it would shrink every unit's share alike.
    weight = {t: w for t, w in weight.items() if t not in retrieval.unwritten} or weight
    # How a list question asks (« quels outils existent ») weighs nothing: « … ceux qui
    # existent dans les territoires » came first on it.
    weight = {t: w for t, w in weight.items() if t not in query.asking} or weight
    w_lexical = W_LEXICAL
    if query.cross_lingual:
        # An English word the corpus never writes (no cognate either) no unit can hold: it
        # would weigh most (the highest IDF) and shrink every unit's share alike.
        holdable = retrieval.known | set(cognate.values())
        weight = {t: w for t, w in weight.items() if t in holdable}
        # The share is then of the words a French unit can hold, a part of the question:
        # it weighs as the English BM25 does in retrieval (settings'
        # cross_lingual_lexical_factor: 0.3, 0.6 and 1 tie on the tune half, 0.6 and 1 lose
        # the first quote of a check case; docs/evaluation.md).
        w_lexical *= retrieval.lexical_factor
    total = sum(weight.values()) or 1.0
    # « Que dit la note sur le mécénat ? »: when some unit holds a word of what is asked,
    # one holding only the words of who says it (« … la présente note prospective ») shares
    # no word of it — « la note » says who is asked, not what about. A follow-up's context,
    # the previous question's words, is its subject (« Comment y accéder ? » after
    # « Qu'est-ce que le DLA ? »), unless the follow-up names a subject of its own: « Et pour
    # les fondations ? », a point to develop (a unit holding only the previous question's
    # words is about the previous subject) — one the note does speak of: of « Et pour une
    # petite association ? », it says what it says of the previous subject.
    sources = query.qualifying | query.set_aside
    asked_of = {t for t in weight if t not in sources}
    own = query.point or query.rescoped or query.rescoped_phrase
    if own and not set(focus) & retrieval.unwritten:
        asked_of = set(focus) & asked_of or asked_of
    on_subject: set[int] = set()
    pairs = list(itertools.pairwise(focus))
    best_passage = max((p.score for p in passages[:depth]), default=0.0) or 1.0

    # « Que fait l'Avise ? »: a word of a name the question asks about is the name's only
    # where a unit writes it (« l'Avise »), not where it stems alike (« Tel est l'avis
    # exprimé … » analyses to « avis » too).
    as_named = _named_words(query.names)
    # « Et sur les tiers-lieux ? »: a word made of words is one word; a unit holding one of
    # its parts (« … les lieux de construction collective ») does not hold it.
    compounds = _compounds(query.focus_text)
    # « Les dons des particuliers … ? »: a stem of three letters or fewer is held only where
    # the unit writes the word or its plural, not a longer word it stems from (« une base de
    # données » analyses to « don » too).
    short_stems = {t for t in weight if len(t) <= 3 and t.isalpha()}
    raw: list[tuple[RetrievedChunk, Unit, float, float, float, float, bool, bool, bool]] = []
    # « Et côté PME ? » re-scopes the previous question to a new subject (its own words,
    # ``query.rescoped``): a unit is about it when it names it; one that does not is about
    # the previous subject.
    rescoped = bool(query.rescoped or query.rescoped_phrase)
    # What the previous answer quoted answers the previous question: a re-scoped follow-up
    # (« Et pour les fondations ? ») does not quote it again unless it names the new subject
    # — when some retrieved unit does name it (else, as for « And among mayors? » on a French
    # note, naming cannot be read and the previous quote may well hold the answer).
    named = rescoped and any(
        names_subject(u.said, u.said_terms, query.rescoped, query.rescoped_phrase)
        for p in passages
        for u in retrieval.units_of(p)
    )
    # « Et combien sont locaux ? » after « Combien de partenariats … ? »: what the previous
    # answer quoted answers the previous question; quoted again, it read as the same answer
    # twice. A follow-up asking something of its own (« local ») quotes it again only if it
    # says that. (A year is no such thing: « Et en 2022 ? » keeps to the subject.)
    # (Nor is the measure it names: « Et sa part ? » after « Quel est le montant du
    # financement privé ? » is answered by the quote ending on « (5 % des financements
    # associatifs) », which gives it.)
    asks_more = (
        set(query.focus_terms) - set(query.years) - set(measure_terms())
        if query.follow_up and not query.point and not rescoped and query.previous_answer
        else set()
    )
    said = frozenset(tokens(query.previous_answer)) if named or asks_more else frozenset()

    # « Chez quel éditeur ? » after « Quand a été publié le référentiel ? »: the previous
    # quote (« … publié chez JURIS Associations (septembre 2019) … ») names what the
    # follow-up asks, in words other than its own.
    slot = asked_slot(query.focus_text) if asks_more else ""

    def says_what_is_new(unit: Unit, moved: bool) -> bool:
        """The new subject of a re-scoped follow-up, or the words of one asking more, or
        the complement it asks."""
        if named:
            return moved
        return bool(asks_more & unit.read_terms) or fills_slot(unit.text, slot)

    # « Les financements publics représentent quelle part des ressources ? »: the share is
    # given of the whole asked or of the subject's own words.
    measures = set(measure_terms())
    share_of = (
        [t for t in focus if t not in measures and t not in intent.counted_whole]
        if intent.measure == "share"
        else []
    )

    def moved_to(unit: Unit) -> bool:
        """The unit, or the item it was cut to, opens on a label naming the new subject."""
        lines = [strip_bullet(line) for line in unit.text.split("\n")]
        return any(labelled(line) for line in lines[-1:] + lines[:1])

    def labelled(line: str) -> bool:
        return labelled_by_subject(strip_bullet(line), query.rescoped, query.rescoped_phrase)

    def reads(unit: Unit, titled: bool) -> tuple[bool, bool]:
        """Whether the unit gives the one figure asked, and names the new subject — of which
        a re-scoped follow-up asks the figure (« Et celui des fondations ? » after « Quel est
        le budget … ? »: « 5,7 milliards … du financement privé » is no budget of theirs),
        when naming it can be read (some retrieved unit names it). ``titled``: its passage
        names the titles the question asks about (:func:`_names_titles`)."""
        moved = names_subject(unit.said, unit.said_terms, query.rescoped, query.rescoped_phrase)
        counting = titled and intent.one_figure and gives(intent, unit.text, share_of)
        return counting and (moved or not named), moved

    # « Combien de bénévoles ? »: a unit giving a number of what is counted answers from any
    # passage retrieved, and so does a unit giving a date asked (« Créée fin 2018 … »
    # opening the chunk after the platform's) and a unit naming the subject a follow-up
    # moves to; the other units only from the best ``depth`` passages.
    # A question asking two figures reads each part's from any passage too.
    # (The first part's figure is the question's own, read as ``counting`` already.)
    own_figure = (intent.counted_terms, intent.measure) if intent.one_figure else None
    figures = [
        f
        for f in (asked_figures(intent, retrieval) if intent.parts else [])
        if (f.counted_terms, f.measure) != own_figure
    ]
    asked = [intent, *figures]
    reach = (
        len(passages)
        if intent.one_figure or figures or intent.kind == "date" or rescoped
        else depth
    )
    of_title: set[int] = set()  # the units of passages naming the question's titles
    asks_of_title = intent.one_figure or intent.kind == "date"
    for index, passage in enumerate(passages[:reach]):
        sims = retrieval.sentence_similarity.get(passage.id)
        titled = _names_titles(passage, query.titles, passages) if asks_of_title else True
        for unit in retrieval.units_of(passage):
            if not unit.quotable:
                continue
            counting, moved = reads(unit, titled)
            dated = intent.kind == "date" and holds("date", unit.text)
            if (
                index >= depth
                and not (counting or moved or dated)
                and not any(_may_give(f, unit) and gives(f, unit.text) for f in figures)
            ):
                continue
            if said and not says_what_is_new(unit, moved) and _mostly_said(unit, said):
                continue
            if rescoped and unit.kind == "list":
                # « Et pour les territoires ? »: a list whose items are labelled by whom they
                # are for is quoted cut to the new subject's item.
                cut = around_items(unit, lambda line: labelled(line))
                if cut is not None:
                    unit = cut
                    counting, moved = reads(unit, titled)
            if excluded and overlap(set(tokens(unit.text)), excluded) > 0.6:
                cut = around_items(unit, lambda line: overlap(set(tokens(line)), pointed) > 0.6)
                if cut is None and query.points >= 2:
                    # The previous answer said its points in its own words (a model's): a
                    # list of as many items is the one it gave, pointed into at the same place.
                    cut = nth_item(unit, query.points, query.point_index)
                if cut is None and pointed and _items_are(unit, pointed):
                    # Items the chunk boundary cut from their lead-in, the pointed one alone
                    # (« • 61% des actifs français … »): the unit is the point itself, and
                    # what follows it in the unit (« Cette tendance s'inscrit … ») develops it.
                    restates = all(is_item(line) for line in unit.text.split("\n"))
                elif cut is None:
                    continue
                else:
                    unit = cut
                    counting, moved = reads(unit, titled)
                    restates = True
            else:
                restates = False
            # A list giving the figure asked is quoted cut to its lead-in and the items giving
            # it (planning.one_figure): its words and meaning are read on what is quoted. « Il
            # dure combien de temps ? » after a question on the MOOC quoted a list whose item
            # on the MOOC gives no duration, for « … durant 9 mois » in another item. (What
            # it is about is still read on the whole list: « le secteur » of the item giving
            # « 1,8 million de salariés » is the associations another item names.)
            quoted = unit
            if counting and unit.kind == "list":
                quoted = figure_items(unit, asked) or unit
            terms = quoted.terms
            present = quoted.read_terms
            for short in short_stems & present:
                if not _writes_form(quoted.text, short):
                    present = present - {short}
            for compound in compounds:
                if present.intersection(compound) and not contains_run(list(terms), [*compound]):
                    present = present - set(compound)
            if as_named:
                present = frozenset(t for t in present if _holds_as_named(t, quoted, as_named))
            lexical = sum(w for t, w in weight.items() if t in present) / total
            if asked_of & present:
                on_subject.add(id(unit))
            in_row = _pairs_in_row(pairs, terms)
            dense = float("nan")
            if sims is not None and quoted.rows and max(quoted.rows) < len(sims):
                # Its meaning is what it says: the questions it leaves open are not read.
                rows = quoted.rows[quoted.asked_sentences :] or quoted.rows
                dense = float(max(sims[r] for r in rows))
            prior = max(0.0, passage.score) / best_passage
            raw.append((passage, unit, dense, lexical, in_row, prior, counting, moved, restates))
            if titled and query.titles:
                of_title.add(id(unit))

    # « C'est quoi un modèle socio-économique ? »: the unit that defines the asked phrase
    # (« Le modèle socio-économique représente … ») holds the answer; one that merely has a
    # verb « est » does not. When some unit defines it, the others fit as little as a
    # figure that is not the one asked.
    defining = (
        # An acronym asked (« Qu'est-ce que le Fonjep ? ») is defined by what it stands for.
        {
            id(u): defines_term(u.text, query.defined) or spells_out(u.text, query.defined)
            for _, u, *_ in raw
        }
        if intent.kind == "definition" and query.defined
        else {}
    )
    any_defines = any(defining.values())
    # No unit defines it in so many words, but some open on it (« L'hybridation devient
    # progressivement un choix stratégique. »): they say what it is or does, and the others
    # weigh as units holding no asked figure do — by 0.8 + 0.2 × fits, a sentence naming it
    # in passing (« Le cycle sur l'hybridation … s'achève ») came first.
    opening = (
        {id(u): opens_on_term(u.text, query.defined) for _, u, *_ in raw}
        if intent.kind == "definition" and query.defined and not any_defines
        else {}
    )
    any_opens = any(opening.values())
    # « Qui a publié le référentiel ? »: when some unit names who did it (« Le RAMEAU
    # publie … », « publié chez JURIS Associations »), the units naming others for other
    # deeds (« … en partenariat avec l'ADASI, l'Avise … ») fit as little as a figure that is
    # not the one asked.
    if intent.asks_for == "holder":
        # « Qui dirige Le RAMEAU ? »: who holds the role is a person named by it
        # (« Charles-Benoît HEIDSIECK, Président-fondateur du RAMEAU »), not whoever does
        # something « diriger » is read in (« … le témoignage de plus de 20 dirigeants … »).
        agents = {id(u): names_holder(u.text) for _, u, *_ in raw}
    elif intent.asks_for == "author":
        # « Qui a écrit le référentiel ? »: who published, edited or made it
        # (« Le RAMEAU publie … », « … édité chez Juris Associations ») wrote it — in a
        # unit naming the work (« Qui a rédigé la note prospective ? » is not answered by
        # who published the référentiel).
        work = set(query.terms) - query.asking
        agents = {
            id(u): bool(work & set(u.terms)) and names_author(u.text, u.terms)
            for _, u, *_ in raw
        }
    elif intent.agent_of:
        agents = {id(u): names_agent(u.text, intent.agent_of, u.terms) for _, u, *_ in raw}
    elif slot:
        # « Chez quel éditeur ? »: who or what the preposition introduces (« … publié chez
        # JURIS Associations »), not a unit on the publication naming no publisher.
        agents = {id(u): fills_slot(u.text, slot) for _, u, *_ in raw}
    else:
        agents = {}
    any_agent = any(agents.values())
    # « Que propose-t-elle ? », « Qu'a-t-il produit ? » after « Qu'est-ce que l'ADASI ? »,
    # « … le Fonjep ? »: the pronoun stands for the name the previous question asked about;
    # when some unit writes it (or leans on a sentence that does), a unit that does not
    # (« Le RAMEAU … produit de la connaissance ») is about someone else.
    before = _pronoun_name(query) if not rescoped else ""
    naming_before = (
        {id(u): writes_name(f"{u.about} {u.text}", before) for _, u, *_ in raw}
        if before
        else {}
    )
    any_before = any(naming_before.values())
    # « Et le troisième temps, concrètement ? »: when some unit writes the ordinal with its
    # noun (« Dans un troisième temps, des sessions … »), it tells that very step; the
    # others fit as little as a figure that is not the one asked.
    counted = ordinal_counting(intent, query.previous)
    ordinals = (
        {id(u): names_ordinal(u.text, counted) for _, u, *_ in raw}
        if counted.ordinal_noun
        else {}
    )
    any_ordinal = any(ordinals.values())
    # « Quel nouveau cycle prend le relais … ? », « Quelle plateforme … ? »: when some unit
    # names one such thing the question does not name already (« C'est le cycle « ODD &
    # innovations sociétales … » »), it tells which; the others fit as little as a figure
    # that is not the one asked.
    one = query.asked_one if intent.kind not in (*STRICT_KINDS, "definition") else ""
    asked_terms = set(query.terms)
    naming_one = (
        {
            id(u): one in u.terms and names_another(u.text, one, asked_terms)
            for _, u, *_ in raw
        }
        if one
        else {}
    )
    any_one = any(naming_one.values())
    # « Quand le guide « L'investissement sociétal en actions ! » est-il sorti ? »: when a
    # passage naming the title dates something, a date elsewhere (« C'est en juillet 2016 que
    # le Medef a publié un guide … ») is another thing's.
    dates_title = (
        intent.kind == "date"
        and bool(query.titles)
        and any(id(u) in of_title and holds("date", u.text) for _, u, *_ in raw)
    )
    # A follow-up's focus may be only a predicate (« Et pourquoi c'est important ? »): what
    # enables is then the previous question's subject.
    reason_subject = set(focus) | (set(context) if query.follow_up else set())
    # « Pourquoi … doivent-elles … ? »: when some unit states the necessity with its reason
    # (« Face à …, l'effet ciseau impose d'inventer … »), it answers; the others weigh as
    # units holding no figure asked do.
    necessary = {id(u): states_necessity(u.text) for _, u, *_ in raw} if intent.must else {}
    any_necessary = intent.must and any(
        necessary[id(u)]
        and holds("reason", u.text)
        and gives_reason_about(u.text, set(focus) | set(context))
        for _, u, *_ in raw
    )
    # « Quel rôle jouent les fondations ? »: when some unit names the subject asked about,
    # one naming none of it (« les nouvelles alliances jouent un rôle structurant ») speaks
    # of something else, as a unit not naming the subject a follow-up moves to does.
    subject = set(intent.subject_terms) - qualifying
    # A subject of several words is named by them in a row: « collectivités territoriales »,
    # not « capacité collective » near « territoriaux » (« collect », « territorial »).
    phrase = [t for t in intent.subject_terms if t in subject]
    naming = (
        {
            id(u): contains_run(list(u.terms), phrase)
            if len(phrase) > 1
            else bool(subject & u.read_terms)
            for _, u, *_ in raw
        }
        if subject
        else {}
    )
    any_naming = any(naming.values())
    known = [d for _, _, d, *_ in raw if d == d]
    any_counts = any(r[6] for r in raw)
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or 1.0
    scored: list[Scored] = []
    for passage, unit, dense, lexical, in_row, prior, counting, moved, restates in raw:
        if on_subject and id(unit) not in on_subject:
            lexical = 0.0
        meaning = (dense - low) / span if dense == dense else lexical
        fits = holds("reason" if intent.why else intent.kind, unit.text, unit.kind == "list")
        if intent.why and fits and not gives_reason_about(unit.text, reason_subject):
            fits = 0.0  # « ce MOOC permet de … »: what something else is for
        if intent.must and fits and not necessary[id(unit)]:
            # « Pourquoi les associations doivent-elles transformer … ? »: a reason that
            # states no necessity (« afin de publier un dossier annuel ») is why something
            # else is done.
            fits = NO_NECESSITY_FITS
        if any_defines:
            fits = 1.0 if defining[id(unit)] else 0.0
        elif intent.kind == "definition" and query.defined:
            # No sentence defines it in so many words: one that opens on it says what it is
            # or does; a sentence with some verb « est » (or a cleft « C'est à … que »)
            # naming it in passing does less.
            fits = 1.0 if opening[id(unit)] else fits / 2
        if any_agent:
            # A unit naming no one who holds the role asked holds nothing of the answer.
            other = 0.0 if intent.asks_for == "holder" else OTHER_FIGURE_FITS * fits
            fits = 1.0 if agents[id(unit)] else other
        if any_ordinal:
            fits = 1.0 if ordinals[id(unit)] else OTHER_FIGURE_FITS * fits
        if any_one:
            fits = 1.0 if naming_one[id(unit)] else OTHER_FIGURE_FITS * fits
        if dates_title and id(unit) not in of_title:
            fits = OTHER_FIGURE_FITS * fits
        # A figure, not the one asked: another measure (a share to « combien coûte … ? »),
        # or not a number of what is counted when some unit gives one.
        if fits and not counting and (intent.measure or any_counts):
            fits = OTHER_FIGURE_FITS
        # Only a unit holding the noun asked can count, list or name its things (reading
        # each word of every unit is the warm path's cost).
        items, example, kinds = query.asked_items, query.example_of, query.example_kinds
        items = cognate.get(items, items)  # « risks »: the note's « risques »
        counts_items = bool(items) and items in unit.terms and announces(unit.text, items)
        announcing = (
            counts_items
            or (example and example in unit.terms and names_one(unit.text, example))
            # « des exemples de nouvelles approches économiques »: kinds of economy named.
            or (kinds and kinds in unit.terms and names_kinds(unit.text, kinds))
            # « Pour les territoires : … » for « Et pour les territoires ? ».
            or (rescoped and moved_to(unit))
        )
        aside = bool(query.set_aside) and query.set_aside <= set(unit.terms)
        signals = Signals(
            meaning=meaning,
            lexical=lexical,
            prior=prior,
            in_row=in_row,
            fits=fits,
            strict=intent.kind in STRICT_KINDS
            or any_defines
            or any_opens
            or any_necessary
            or any_agent
            or any_ordinal
            or any_one,
            explain=intent.kind == "explain" and not intent.why,
            examples=intent.kind == "examples",
            other_subject=(rescoped and not moved)
            or (any_naming and not naming[id(unit)])
            or (any_before and not naming_before[id(unit)]),
            set_aside=aside,
            # What is set aside is not one of the things asked (« À part l'Union nationale
            # des CPIE, quelles têtes de réseau … ? »: « la première tête de réseau … »).
            announces=bool(announcing) and not aside,
            announces_items=counts_items and not aside,
            # What it points at is said before it (``about``): it reads alone. Items told
            # their lead-in still weigh as orphans: the units such items open can be long
            # runs (the lead-in's terms and no penalty made one of 1,200 characters win
            # questions on its neighbours, docs/evaluation.md).
            leans=unit.leans and not (unit.about and not unit.about.endswith(":")),
            incomplete=unit.incomplete,
            short=len(unit.text) < 40,
        )
        score = _hand_score(signals, w_lexical)
        scored.append(Scored(passage, unit, score, dense, lexical, fits, counting, restates))
    scored.sort(key=lambda s: (-s.score, s.passage.rank, s.unit.position))
    return scored


def _pronoun_name(query: SearchQuery) -> str:
    """The one name the previous question asked about, when a short follow-up stands for
    it by a pronoun (« Qu'a-t-il produit ? » after « Qu'est-ce que le Fonjep ? »); "" for
    none, or for several (which one the pronoun stands for is not read). Longer follow-ups
    say more of their own: on any, blind2 key facts fell .685 → .674 (docs/evaluation.md)."""
    if not query.follow_up or query.point or len(query.focus_terms) > 2:
        return ""
    if not refers_back(query.focus_text):
        return ""
    names = asked_names(query.previous)
    return names[0] if len(names) == 1 else ""


def _hand_score(f: Signals, w_lexical: float) -> float:
    """The weighted signals, then the factors of what the unit holds and how it reads."""
    score = (
        W_DENSE * f.meaning + w_lexical * f.lexical + W_PASSAGE * f.prior + W_PAIRS * f.in_row
    )
    if f.strict:
        score *= 0.55 + 0.45 * f.fits
    elif f.examples:
        # Examples now read in more forms (names, enumerations): they weigh between the
        # strict kinds and the others (0.55 + 0.45 cost the fresh set's check half a case).
        score *= 0.65 + 0.35 * f.fits
    elif not f.explain:
        score *= 0.8 + 0.2 * f.fits
    if f.other_subject:
        score *= OTHER_SUBJECT_FITS
    if f.set_aside:
        score *= SET_ASIDE_FITS
    if f.announces:
        score *= ANNOUNCES_ITEMS if f.announces_items else NAMES_ONE_ASKED
    if f.leans:
        score *= 0.75  # its antecedent is not quoted with it
    if f.incomplete:
        score *= 0.9
    if f.short:
        score *= 0.6
    return score


def choose(scored: list[Scored], limit: int, ratio: float | None = None) -> list[Scored]:
    """The best unit, then units scoring at least ``ratio`` × the best that add something."""
    ratio = FOLLOW_RATIO if ratio is None else ratio
    chosen: list[Scored] = []
    seen: list[set[str]] = []
    if not scored:
        return chosen
    best = scored[0].score
    for candidate in scored:
        if len(chosen) >= limit:
            break
        if chosen and candidate.score < ratio * best:
            break
        words = set(tokens(candidate.unit.text))
        if any(overlap(words, other) > 0.6 for other in seen):
            continue
        if chosen and candidate.unit.leans:
            # « Il a permis… », its antecedent in another chunk: quoted only when it answers
            # best (first), never as a further, filler fragment — even told what it points
            # at (``about``): as a further quote, that cost the held-out set precision.
            continue
        chosen.append(candidate)
        seen.append(words)
    return chosen


def _named_words(names: Sequence[str]) -> dict[str, list[str]]:
    """The terms of the names' capitalised words, each with the words written so."""
    words: dict[str, list[str]] = {}
    for name in names:
        for word in re.findall(r"[^\W\d_][\w-]*", name):
            if word[:1].isupper():
                for term in analyze(word):
                    words.setdefault(term, []).append(word)
    return words


def _holds_as_named(term: str, unit: Unit, named: dict[str, list[str]]) -> bool:
    """Whether ``unit`` holds ``term`` as the question wrote it: a name's word written as
    such; any other term as it is."""
    written = named.get(term)
    return written is None or any(writes_name(unit.text, word) for word in written)


def nth_item(unit: Unit, count: int, index: int) -> Unit | None:
    """A list of exactly ``count`` items cut to its lead-in and item ``index`` (0-based, -1
    for the last); None for any other unit."""
    items = [line for line in unit.text.split("\n") if is_item(line)]
    if unit.kind != "list" or len(items) != count:
        return None
    wanted = items[index]
    return around_items(unit, lambda line: line == wanted)


def _items_are(unit: Unit, pointed: frozenset[str]) -> bool:
    """A list whose items (one or more) are all the pointed one."""
    items = [line for line in unit.text.split("\n") if is_item(line)]
    return (
        unit.kind == "list"
        and bool(items)
        and all(overlap(set(tokens(line)), pointed) > 0.6 for line in items)
    )


def _names_titles(
    passage: RetrievedChunk,
    titles: tuple[tuple[str, ...], ...],
    passages: list[RetrievedChunk],
) -> bool:
    """Whether the passage names each title the question writes in quotes — or its heading
    does, or a retrieved passage just before or after it (« … ce MOOC se propose de répondre
    » follows the chunk announcing « Le MOOC « Nouveaux modèles économiques associatifs » »):
    the title's words in a row, one of them but the first missing when it has more than
    TITLE_WORDS (« transformer son modèle économique » names « Transformer son modèle
    socio-économique »). A bag of its words is not enough: « investissement sociétal » and
    « actions » are in many passages that never name « L'investissement sociétal en actions
    ! ». « Combien de participants le webinaire « Transformer … » a-t-il réunis ? » was
    answered by « un premier webinaire, a réuni près de 150 participants », another webinar,
    in a passage that never names the one asked."""
    if not titles:
        return True
    held = list(_analysed(passage.section))
    for p in passages:
        if p.source == passage.source and abs(p.ordinal - passage.ordinal) <= 1:
            held += _analysed(p.text)
    return all(_names_title(held, list(title)) for title in titles)


@functools.lru_cache(maxsize=1024)
def _analysed(text: str) -> tuple[str, ...]:
    """``analyze(text)`` of a passage or its heading, once: each passage is read for the
    titles with its neighbours (three times a question), and the same passages come back
    question after question."""
    return tuple(analyze(text))


def _names_title(held: list[str], title: list[str]) -> bool:
    if contains_run(held, title):
        return True
    if len(title) <= TITLE_WORDS:
        return False
    # The first word stays: what is left once it is dropped (« modèle socio-économique » of
    # « Transformer son modèle socio-économique ») names anything.
    return any(contains_run(held, title[:i] + title[i + 1 :]) for i in range(1, len(title)))


def _may_give(figure: Intent, unit: Unit) -> bool:
    """Whether ``unit`` may give a number of what ``figure`` counts (.holds.gives reads it
    only then): it names the counted noun, or the number may stand under an acronym or be a
    share of something else — the check costs a tenth of reading every passage."""
    if not figure.counted or figure.counted_initials or figure.measure == "share":
        return True
    return bool(figure.counted_terms) and figure.counted_terms[0] in unit.terms


def _mostly_said(unit: Unit, said: frozenset[str]) -> bool:
    """Whether most of the unit's words are the previous answer's (it was quoted there)."""
    words = set(tokens(unit.text))
    return len(words & said) > 0.6 * max(1, len(words))


def overlap(a: set[str], b: set[str]) -> float:
    """Shared words over the smaller set's: 1.0 when one unit's words are all in the other."""
    return len(a & b) / max(1, min(len(a), len(b)))


# A hyphenated word of two words at least (« tiers-lieux », « co-construction »), not an
# inverted verb and its pronoun (« a-t-il », « qu'est-ce », « peut-elle »).
# A name (« JURIS-Associations », « Nicolas-Hulot ») is read as names are (_named_words).
_COMPOUND = re.compile(r"(?<![\w-])[^\W\d_A-ZÀ-ÖØ-Þ][^\W\d_]*(?:-[^\W\d_]+)+\b")
_INVERTED = re.compile(
    r"-(?:t-)?(?:il|ils|elle|elles|on|ce|je|tu|nous|vous|moi|toi|le|la|les|lui|leur|y|en)$",
    re.IGNORECASE,
)


def _compounds(text: str) -> list[tuple[str, ...]]:
    out = []
    for match in _COMPOUND.finditer(text):
        if _INVERTED.search(match.group()):
            continue
        terms = tuple(analyze(match.group()))
        if len(terms) >= 2:
            out.append(terms)
    return out


@functools.cache
def _inflected(stem: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\W\d_]){re.escape(stem)}[^\W\d_]{{0,2}}(?![^\W\d_])")


def _writes_form(text: str, stem: str) -> bool:
    """Whether ``text`` writes a word that is the (folded) stem and at most two more letters
    (« don », « dons », « cas »), rather than a longer word sharing it (« données »)."""
    return bool(_inflected(stem).search(fold(text).lower()))


def _pairs_in_row(pairs: list[tuple[str, str]], terms: Sequence[str]) -> float:
    if not pairs:
        return 0.0
    bigrams = set(itertools.pairwise(terms))
    return sum(pair in bigrams for pair in pairs) / len(pairs)
