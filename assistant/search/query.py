"""The question, analysed once: what is searched, its terms, its language, what it asks for.

Every later step — retrieval, sentence selection, the evidence check, the answer — reads
this one object instead of analysing the question's text again. Follow-ups are resolved
here: an elliptic one (« Et en 2018 ? ») is searched with the conversation's previous
question, one pointing into the previous answer (« détaille le deuxième point ») with
that point's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Turn
from ..textnorm import analyze, fold, looks_english
from .followup import pointed_point, previous_answer
from .intent import Intent, intent_in_context, read_intent

_FOLLOW_UP_START = re.compile(
    r"^\s*(et|mais|alors|aussi|pareil|idem|ou|and|but|what about|how about|same)\b", re.I
)
_ANAPHORA = re.compile(
    r"\b(il|elle|ils|elles|celui|celle|ceux|cela|ça|ce dernier|cette derniere|ces derniers|"
    r"leur|leurs|en|y|it|they|them|this|that|these|those|its|their)\b",
    re.I,
)


# The names a question asks about: capitalised words that do not open the sentence, and
# acronyms, with their joined words (« la Fondation de France », « le CESE », « Covid-19 »,
# « France Relance »). Questions are short and formulaic: this reading costs nothing at query
# time, where loading spaCy's pipeline would cost seconds in a fresh process.
_NAME = re.compile(
    r"(?<!^)(?<![.?!]\s)(?<![«“\"]\s)(?<![«“\"])\b("
    r"(?:[A-ZÉÈÀÂÎÔ][\w’'-]*|[A-Z]{2,}[\w-]*)"
    r"(?:\s+(?:(?:de|du|des|d’|d'|la|le|l’|l')\s*)?(?:[A-ZÉÈÀÂÎÔ][\w’'-]*|\d{2,4}))*)"
)
# Capitalised words that are no name: the question's own grammar, English included.
_NOT_NAMES = frozenset(
    {"le", "la", "les", "l", "un", "une", "des", "et", "ou", "en", "quel", "quelle", "quels",
     "quelles", "qui", "que", "quoi", "comment", "combien", "pourquoi", "est", "what", "how",
     "which", "who", "why", "when", "is", "are", "the", "a", "an", "i", "in", "of", "and",
     "does", "do", "did", "note", "corpus", "french", "english", "european"}
)


def asked_names(question: str) -> list[str]:
    """The names of ``question`` (« Fondation de France », « CESE »), in order."""
    found = []
    for match in _NAME.finditer(question):
        name = re.sub(r"['’]s$", "", match.group(1).strip())  # « the Fonjep's studies »
        if fold(name).lower() not in _NOT_NAMES and len(name) > 1:
            found.append(name)
    return list(dict.fromkeys(found))


@dataclass
class SearchQuery:
    text: str  # what is embedded
    lexical: str  # what BM25 analyses
    weights: dict[str, float]
    follow_up: bool
    focus_terms: list[str]  # the terms of the user's own question
    focus_text: str = ""  # the user's own question
    cross_lingual: bool = False  # asked in English about the French corpus
    previous: str = ""  # the conversation's previous user question, when there is one
    point: str = ""  # the point of the previous answer a follow-up asks to develop
    intent: Intent = field(default_factory=lambda: read_intent(""))  # in context
    names: list[str] = field(default_factory=list)  # the names the user's question asks about
    previous_answer: str = ""  # the conversation's last answer, when there is one
    lexical_terms: list[str] = field(init=False)  # analyze(lexical), in order

    def __post_init__(self) -> None:
        self.lexical_terms = analyze(self.lexical)

    @property
    def terms(self) -> list[str]:
        """The terms that decide: the user's own, else those searched."""
        return self.focus_terms or self.lexical_terms


# « Et sur le référentiel ? », « And what about the Fonjep's studies? »: a new subject, not the
# previous one narrowed — searched with its own words, the previous question's would pull
# back the previous subject (« Et pour les PME ? », « Et côté salariés ? » re-scope it and
# keep them).
_NEW_TOPIC = re.compile(
    r"^\s*(?:et|and|mais|but)?\s*(?:sur|concernant|à propos d[eu]|au sujet d[eu]|quant aux?"
    r"|what about|how about|about|regarding)\b",
    re.I,
)


def last_question(history: list[Turn]) -> str:
    """The conversation's previous user question ("" when there is none)."""
    asked = (t.content for t in reversed(history) if t.role == "user" and t.content.strip())
    return next(asked, "")


def build_search_query(question: str, history: list[Turn] | None) -> SearchQuery:
    """Rewrite an elliptic follow-up with the conversation's previous user question."""
    terms = analyze(question)
    last = last_question(history or [])
    elliptic = bool(last) and (
        len(terms) <= 3
        or bool(_FOLLOW_UP_START.match(question))
        or (len(terms) <= 6 and bool(_ANAPHORA.search(fold(question))))
    )
    english = looks_english(question)
    if not elliptic:
        return SearchQuery(question, question, {}, False, terms, question, english, last)
    if _NEW_TOPIC.match(question) and terms:
        return SearchQuery(question, question, {}, True, terms, question, english, last)
    weights = {t: 2.0 for t in terms}
    text = f"{last} {question}"
    return SearchQuery(text, text, weights, True, terms, question, english, last)


def point_query(question: str, point: str, history: list[Turn]) -> SearchQuery:
    """« Détaille le deuxième point »: search the point's own words (the question's words
    that are not about pointing — « détaille », « point » — carry no topic)."""
    last = last_question(history)
    terms = analyze(point)
    # A short point (« le financement privé », one item of an enumeration) is searched with
    # the question that listed it, which says what it is an item of.
    text = f"{point} {last if len(point) < 120 else ''} {question}"
    return SearchQuery(text, point, {}, True, terms, question, looks_english(question), last, point)


def understand(question: str, turns: list[Turn]) -> SearchQuery:
    """The question as every step reads it: the search (with the follow-up resolved) and
    the kind of answer asked, inherited from the previous question for « Et pour X ? »."""
    intent = read_intent(question)
    point = (
        pointed_point(turns, intent.ordinal, intent.points_back, intent.ordinal_noun)
        if turns
        else None
    )
    query = (
        build_search_query(question, turns)
        if point is None
        else point_query(question, point, turns)
    )
    query.intent = intent_in_context(intent, query.previous, query.follow_up)
    query.names = asked_names(question)
    query.previous_answer = previous_answer(turns)
    return query
