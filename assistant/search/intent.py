"""What a question asks for, read once from its words: the kind of answer, a section it
names, an item of the previous answer it points to.

Rules are about the language of questions (« combien », « résume », « le 2e point »), never
about the corpus, so they hold for any document a user adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..textnorm import analyze, fold

# The kind of answer, in the order they are tested (the first that matches wins).
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "summary",
        re.compile(
            r"\b(resume[sz]?|resumer|synthese|synthetise|que dit (la note|le texte|le corpus|le)"
            r"|de quoi parle|que retenir|points? cles?|grandes lignes|summari[sz]e|summary"
            r"|what does (the note|the text|it) say|key points|main points|overview)\b"
        ),
    ),
    (
        "examples",
        re.compile(
            r"\b(exemples?|illustr\w*|concretement|cas (concrets?|pratiques?)|qui (le )?fait"
            r"|examples?|for instance|case stud\w*)\b"
        ),
    ),
    (
        "figure",
        re.compile(
            r"\b(combien|quelle (part|proportion|somme)|quel (pourcentage|montant|nombre|taux|age"
            r"|budget|objectif chiffre|volume)|nombre de|pourcentage|chiffres?|how (many|much)"
            # « Quel est le montant / le budget annuel / la durée … ? »
            r"|quel(le)?s? (est|sont|etait|etaient) (le|la|les) (montant|budget|cout|prix"
            r"|salaire|duree|age|part|pourcentage|taux)s?"
            r"|what (share|percentage|proportion|amount|number)|figures?)\b"
        ),
    ),
    (
        "date",
        re.compile(
            # « quand » asks a date where it opens the question (after « et », « où et »,
            # « depuis », « à partir de », « de ») or closes a clause (« il ouvrait quand ? »,
            # « sorti quand et … »); inside one, before its subject, it is a conjunction
            # (« les bénéfices … quand ses salariés s'engagent »).
            r"(?:^\W*(?:(?:et|mais|alors|ou et)\s+)?|\b(?:depuis|partir de|de|jusqu.a|ou et)\s+)"
            r"quand\b|\bquand\s*(?:\?|$|,|et\b)"
            r"|\b(en quelle annee|quelle (annee|date)|a quelle date|quel jour"
            r"|when|what year|which year|what date|since when)\b"
        ),
    ),
    (
        "definition",
        re.compile(
            r"(qu.est.ce qu|c.est quoi|definition|definir|definit|que (signifie|veut dire|designe)"
            r"|what is (a|an|the)\b|what does .* mean|\bdefine\b|\bmeaning of\b)"
        ),
    ),
    (
        "actors",
        re.compile(
            r"(^|\b)(qui\b|par qui|avec qui|quels? (acteurs?|organisations?|partenaires?"
            r"|structures?|organismes?)|quelles? (organisations?|structures?|entreprises?"
            r"|associations?|fondations?)|who\b|which (organi[sz]ations?|partners?|actors?))"
            # « Which business school … ? », « Quelle grande école … ? »: a kind of body
            # right after « which / quel » (one modifier at most: « which role do
            # foundations play », « quelles formes les cabinets ont-ils prises » ask for
            # something else) asks for the one the note names.
            r"|\bwhich (?!(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would"
            r"|should|may|might)\b)(\w+ )?(schools?|universit(y|ies)|compan(y|ies)|firms?|banks?"
            r"|foundations?|institutions?|networks?|ministr(y|ies)|agenc(y|ies)"
            r"|federations?|bod(y|ies)|think tanks?|consultanc(y|ies))\b"
            r"|\bquel(le)?s? (?:(?:grande?s?|petite?s?|autres?|principa(?:le|les|ux)) )?"
            r"(ecoles?|universites?|banques?|reseaux?|ministeres?"
            r"|institutions?|federations?|collectivites?|agences?|cabinets?|organismes?"
            r"|instituts?|fonds)\b"
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(quels sont les|quelles sont les|les (deux|trois|quatre|cinq|six|sept|\d+) "
            r"|liste|enumere|etapes|what are the|list|steps|which are the)\b"
        ),
    ),
]

_ORDINALS = {
    "premier": 1,
    "premiere": 1,
    "1er": 1,
    "1re": 1,
    "first": 1,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "2e": 2,
    "2eme": 2,
    "troisieme": 3,
    "third": 3,
    "3e": 3,
    "3eme": 3,
    "quatrieme": 4,
    "fourth": 4,
    "4e": 4,
    "4eme": 4,
    "cinquieme": 5,
    "fifth": 5,
    "5e": 5,
    "5eme": 5,
    "dernier": -1,
    "derniere": -1,
    "last": -1,
}
_POINT = r"(point|element|aspect|item|levier|axe|idee|passage|citation|phrase|one|extrait)"
# « le deuxième point / outil / temps … »: an ordinal and the noun it counts (not a day:
# « le 3e jour » names a section).
_ORDINAL_REF = re.compile(
    r"\b(?P<ord>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")\s+"
    r"(?!jour\b|day\b|jours\b)(?P<noun>[a-z][\w-]{2,})"
)
# « Et le dernier ? », « Parle-moi du premier. », « Détaille le second. », « Et le troisième,
# il pèse combien ? »: an ordinal standing for a noun, after its article; it counts the items
# of the previous answer.
_BARE_ORDINAL = re.compile(
    r"\b(?:le|la|les|du|au|l['’])\s*(?P<ord>"
    + "|".join(sorted(_ORDINALS, key=len, reverse=True))
    + r")\b(?!\s+(?:jour|day|jours)\b)(?=\s*(?:[,.;:!?)]|$|et\b|de\s+la\s+liste|point\b))"
)
_THIS_POINT = re.compile(r"\b(ce|cet|this|that)\s+" + _POINT + r"\b|\b(developpe|detaille)\b")
# Not after a sign or a decimal point: « -1e jour » is no day (it read as day 1).
_DAY = re.compile(
    r"(?<![\w.,+\-\u2212])(\d{1,2})\s*(?:e|eme|er|ere|th|st|nd|rd)?\s+(?:jour|day)\b"
    r"|\bday\s+(\d{1,2})\b"
)
_FOR_X = re.compile(
    r"^\s*(?:et|and|what about|how about)\s+(?:pour|for|chez|cote|du cote de)?\s*(.+?)\s*\??$"
)


_YEAR_ASKED = re.compile(r"\b(?:19|20)\d{2}\b")
# « Combien de bénévoles … ? », « Combien y a-t-il de salariés ? », « Quel nombre de
# jeunes … ? »: the one thing a figure asked for counts (on folded text). « Quels
# chiffres … ? » asks for several figures and counts nothing. French only: the noun is
# matched on the passages' French stems, and an English noun phrase (« how many
# association–business partnerships ») does not say which of its words is counted.
_OF = r"(?:de|d['’]|des|du)\s*"
_COUNTED = re.compile(
    r"\bcombien\s+(?:(?:y\s+a|existe|compte|en\s+compte|reste)[- ]t[- ](?:il|elle|on)\s+)?"
    + _OF
    + r"(?P<fr>[a-z][\w-]+)"
    r"|\b(?:quel\s+(?:nombre|pourcentage)|quelle\s+(?:part|proportion)|nombre)\s+"
    + _OF
    + r"(?P<fr2>[a-z][\w-]+)"
)
# « Combien de temps » asks a duration, « combien de monde » a number of people, « quelle
# part d'entre eux » a share: no noun that the figure is followed by.
_NOT_COUNTED = frozenset({"temps", "monde", "entre"})
# « Combien de mois / d'années … ? » asks a duration: a figure followed by any unit of time
# (« 10 ans », « trois mois ») gives it, not only one followed by the question's own noun.
_TIME_UNITS = frozenset({"temps", "mois", "annees", "ans", "semaines", "jours", "heures"})
# The measure a figure question asks for, when it names one (on folded text; the first that
# matches wins: « quelle part du budget » asks a share, « le budget » an amount). A passage
# giving another measure (a percentage to « combien coûte … ? ») gives no answer to it.
_MEASURES: list[tuple[str, re.Pattern[str]]] = [
    (
        "share",
        re.compile(
            r"\b(quelle (part|proportion)|quel (pourcentage|taux)|pourcentage|proportion"
            r"|pese\w* combien|what (share|percentage|proportion)|what rate)\b"
        ),
    ),
    (
        "money",
        re.compile(
            r"\b(montant|budget|cout\w*|prix|salaires?|remunerations?|indemnites?|vaut"
            r"|combien d.argent|euros?|how much (money|funding|does it cost)|cost)\b"
        ),
    ),
    (
        "duration",
        re.compile(
            r"\bcombien (de temps|de mois|d.annees|de semaines|de jours)\b|\bduree\b|\bdure\b"
            r"|\bhow long\b"
        ),
    ),
    ("age", re.compile(r"\b(quel age|age (minimum|maximum|moyen)|how old)\b")),
]
# The question is about the questions themselves (« À quelles questions … répond-il ? »,
# « Which questions … ? »): the note's own questions are then the answer.
_ABOUT_QUESTIONS = re.compile(r"\b(questions?|interrogations?|questionnements?)\b")


# A second question joined to the first (« Quand a eu lieu … et combien de personnes … ? »,
# « Pendant combien d'années … et par quel type de structures … ? »): the note may answer
# one part and not the other — an answer says what is missing rather than abstaining.
_ASKS_MORE = re.compile(
    r"(?<=[\w,])\s+et\s+(?:(?:par|pour|avec|dans|sur|de|a)\s+)?"
    r"(?:quand|combien|qui|quel|quelle|quels|quelles|comment|pourquoi|ou|lesquel\w*)\b"
    r"|(?<=[\w,])\s+and\s+(?:when|how|who|which|what|why|where)\b"
)


# A place the question is scoped to (« … en France ? », « … en Europe »): where the figure
# holds, not what it is of — a note on France gives its figures without repeating it.
_SCOPE = re.compile(r"\b(?:en|in)\s+([A-ZÀ-Ý][\w’'-]+)")


def years_in(text: str) -> list[str]:
    return _YEAR_ASKED.findall(text)


@dataclass(frozen=True)
class Intent:
    kind: str  # summary | examples | figure | date | definition | actors | list | explain
    day: int | None = None  # « le 12e jour »: the numbered section asked for
    ordinal: int | None = None  # « le deuxième point »: 1-based item of the previous answer
    ordinal_noun: str = ""  # what the ordinal counts (« point », « outil », « temps »)
    points_back: bool = False  # « ce point », « développe »: the previous answer's subject
    new_subject: str = ""  # « Et pour les fondations ? »: what replaces the previous topic
    counted: str = ""  # « combien de bénévoles »: what the one figure asked for counts
    about_questions: bool = False  # « quelles questions … ? »: asks for the note's questions
    measure: str = ""  # share | money | duration | age: what the one figure asked for measures
    counted_phrase: str = ""  # « objectifs de développement durable »: the counted noun's phrase
    asks_more: bool = False  # « Quand … et combien … ? »: a second question joined to the first
    scope: tuple[str, ...] = ()  # « en France »: the places the question is scoped to

    @property
    def one_figure(self) -> bool:
        """Asks for one figure that a passage either gives or not (« combien de bénévoles »,
        « quel montant »), rather than for figures on a subject (« quels chiffres … »)."""
        return self.kind == "figure" and bool(self.counted or self.measure)

    @property
    def figure_only(self) -> bool:
        """The one figure is all the question asks: a passage that does not give it does not
        answer any part of it."""
        return self.one_figure and not self.asks_more


def read_intent(question: str) -> Intent:
    text = fold(question)
    kind = next((name for name, pattern in _KINDS if pattern.search(text)), "explain")
    day_match = _DAY.search(text)
    day = int(day_match.group(1) or day_match.group(2)) if day_match else None
    bare = _BARE_ORDINAL.search(text)
    ordinal_match = _ORDINAL_REF.search(text)
    if bare and (ordinal_match is None or ordinal_match.start() != bare.start("ord")):
        ordinal_match = None
    ordinal = (
        _ORDINALS[bare.group("ord")]
        if bare
        else _ORDINALS[ordinal_match.group("ord")]
        if ordinal_match
        else None
    )
    subject = _FOR_X.match(text)
    counted = _COUNTED.search(text)
    measure = next((name for name, pattern in _MEASURES if pattern.search(text)), "")
    if counted and next(g for g in counted.groups() if g) in _TIME_UNITS:
        measure, counted = "duration", None
    return Intent(
        kind=kind,
        day=day,
        ordinal=ordinal,
        ordinal_noun=ordinal_match.group("noun") if ordinal_match else "",
        points_back=bool(_THIS_POINT.search(text)) and ordinal is None,
        new_subject=_rescoped(subject.group(1)) if subject and ordinal is None else "",
        counted=_counted(question, counted),
        counted_phrase=_counted_phrase(question, _counted(question, counted)),
        asks_more=bool(_ASKS_MORE.search(text)),
        scope=tuple(_SCOPE.findall(question)),
        about_questions=bool(_ABOUT_QUESTIONS.search(text)),
        measure=measure if kind == "figure" else "",
    )


# « Et quelle part d'entre eux … ? », « Et le troisième temps, ça donne quoi ? »: a question of
# its own, not a subject put in place of the previous one.
_ASKS = re.compile(
    r"\b(quel\w*|combien|comment|pourquoi|quand|qui|quoi|ou|est-ce|lesquel\w*|what|how|why"
    r"|when|who|which)\b|-t-"
)


def _rescoped(phrase: str) -> str:
    """The subject a follow-up puts in place of the previous one (« Et côté PME ? » → « pme
    »): a short noun phrase asking nothing of its own."""
    if len(phrase) <= 2 or len(phrase.split()) > 6 or _ASKS.search(phrase):
        return ""
    return phrase


def _counted(question: str, match: re.Match[str] | None) -> str:
    word = next((g for g in match.groups() if g), "") if match else ""
    return "" if not word or word in _NOT_COUNTED else _as_written(question, word)


def _counted_phrase(question: str, counted: str) -> str:
    """The question's words from the counted noun on (« objectifs de développement durable
    ont été fixés »): what an acronym of the counted thing (« 17 ODD ») abbreviates."""
    start = question.lower().find(counted) if counted else -1
    if start < 0:
        return ""
    return " ".join(re.findall(r"[^\W\d_][\w-]*", question[start:])[:6])


def _as_written(question: str, folded: str) -> str:
    """The question's own word for a folded one (« bénévoles » for « benevoles »): the
    stemmer needs its accents."""
    words = re.findall(r"[^\W\d_][\w-]*", question)
    return next((w.lower() for w in words if fold(w) == folded), folded)


def intent_in_context(intent: Intent, previous_question: str | None, follow_up: bool) -> Intent:
    """A follow-up that does not say what it wants (« Et côté salariés ? ») asks for the same
    kind of answer as the question it follows (« Combien de bénévoles … ? »)."""
    if follow_up and previous_question and intent.kind == "explain":
        inherited = read_intent(previous_question)
        intent = replace(intent, kind=inherited.kind, measure=inherited.measure)
    return intent


# --- what a sentence holds --------------------------------------------------------------------
_QUANTITY = re.compile(
    r"\d+(?:[ \u202f\u00a0]\d{3})*(?:[,.]\d+)?\s*(?:%|‰|€|k€|m€|euros?|millions?|milliards?|"
    r"fois|ans|heures?|jours?|mois|semaines?|salariés?|bénévoles?|associations?|entreprises?|"
    r"structures?|personnes?|jeunes|projets?|cas|études?|modules?|partenariats?|membres?)"
    r"|\b(?:un|une|deux|trois|quatre|cinq|dix) (?:sur|tiers|quart)\b|\bmoitié\b|\btiers\b"
    r"|\b(?:dizaine|vingtaine|trentaine|quarantaine|cinquantaine|centaine|millier)s?\b",
    re.IGNORECASE,
)
# A number that is not a year, a day of the month or an ordinal (« 10 septembre », « 3ème »).
_BARE_NUMBER = re.compile(
    r"(?<![\w,.])(\d+(?:[,.]\d+)?)(?![\w,.]*\d)(?!\s*(?:er|e|ème|eme|re)\b)"
    r"(?!\s+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre)\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_DATE = re.compile(
    r"\b(?:\d{1,2}(?:er)? )?(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
    r"octobre|novembre|décembre)(?: (?:19|20)\d{2})?\b|\b(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
# Names: capitalised words not opening the sentence, and acronyms.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-ZÀ-Ý][\w’'-]+|[A-Z]{2,}\w*)")
_DEFINES = re.compile(
    r"\b(est|sont|représente|représentent|désigne|désignent|se définit|se caractérise|"
    r"consiste|recouvre|recouvrent|comprend|c[’']est|signifie|correspond)\b",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(
    r"\b(exemple|illustr\w*|à l[’']instar|tel(?:le)?s? que|comme|notamment|témoign\w*|cas)\b",
    re.IGNORECASE,
)


def has_quantity(text: str) -> bool:
    if _QUANTITY.search(text):
        return True
    numbers = [n for n in _BARE_NUMBER.findall(text) if not _YEAR.fullmatch(n)]
    return any(n not in {"1", "2", "3"} for n in numbers)


# A count: digits (« 13,2 », « 675 000 », « 140.000 », « 82% »), a number written out
# (« cinq », « une cinquantaine », « a dozen ») or a share (« un tiers des entreprises »).
_COUNT = re.compile(
    r"(?<![\w,.])\d+(?:[ \u202f\u00a0.,]\d+)*(?!\w)"
    r"|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente"
    r"|quarante|cinquante|soixante|cent|mille|two|three|four|five|six|seven|eight|nine|ten"
    r"|twelve|fifteen|twenty|hundred|thousand"
    r"|(?:dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|soixantaine"
    r"|centaine|millier|dozen)s?|tiers|quart|moitié)\b"
    # « une association sur trois »: the noun counted comes between « une » and « sur ».
    r"|\bune?\b(?=\s+[^\W\d_][\w’'-]*\s+sur\s+(?:\d+|deux|trois|quatre|cinq|dix)\b)",
    re.IGNORECASE,
)
COUNT_WINDOW = 3  # words after the number (« de », « des »… not counted) that say what it counts


def counts(text: str, counted: str) -> bool:
    """Whether ``text`` gives a number of ``counted`` (« 13,2 millions de bénévoles » counts
    « bénévoles »; « 61% des actifs … en bénévolat » does not): the asked noun among the
    words that follow a number, years left out."""
    wanted = analyze(counted)
    if not wanted:
        return False
    for match in _COUNT.finditer(text):
        if _YEAR.fullmatch(match.group()):
            continue
        # Within the number's own clause: « 15 propositions, touchant à : … » counts
        # propositions, not what the rest of the sentence goes on to name.
        clause = re.split(r"[,;:.!?()–—]", text[match.end() : match.end() + 80], maxsplit=1)[0]
        after = analyze(clause)[:COUNT_WINDOW]
        if wanted[0] in after:
            return True
    return False


# What gives each measure in a passage's sentence.
_GIVES = {
    "money": re.compile(
        r"\d[\d \u202f\u00a0,.]*\s*(?:€|k€|m€|md€|euros?\b)|\b(?:millions?|milliards?) d[’']euros",
        re.IGNORECASE,
    ),
    "duration": re.compile(
        r"\b(?:\d+(?:[,.]\d+)?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt)"
        r"\s*(?:mois|ans|années|semaines|jours|heures)\b",
        re.IGNORECASE,
    ),
    "age": re.compile(r"\b\d+\s*ans\b", re.IGNORECASE),
    "share": re.compile(
        r"\d+(?:[,.]\d+)?\s*%|\bpour ?cent\b|\b(?:une?|deux|trois|quatre) [\w’'-]+ sur "
        r"(?:deux|trois|quatre|cinq|dix)\b|\bmoitié\b|\btiers\b|\bquarts?\b",
        re.IGNORECASE,
    ),
}


def gives(intent: Intent, text: str) -> bool:
    """Whether ``text`` gives the one figure ``intent`` asks for: a number of what it counts
    (:func:`counts`), else a figure of the measure it names (an amount in euros, a duration,
    an age, a share)."""
    if intent.counted:
        return (
            counts(text, intent.counted)
            or counts_acronym(text, intent.counted_phrase)
            or counts_bare(text, intent.counted)
        )
    pattern = _GIVES.get(intent.measure)
    return bool(pattern and pattern.search(text))


# Words an acronym skips (« objectifs de développement durable » → ODD).
_LINKS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "a", "au", "aux"})
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")


def counts_acronym(text: str, phrase: str) -> bool:
    """Whether ``text`` gives a number of the counted thing under its acronym (« les 17 ODD »
    for « objectifs de développement durable »): an acronym among the words after a number
    whose letters are the initials of the phrase's first words, links left out."""
    words = [w for w in re.split(r"[\s’']+", phrase) if w and fold(w) not in _LINKS]
    initials = "".join(fold(w)[0] for w in words).upper()
    if len(initials) < 2:
        return False
    for match in _COUNT.finditer(text):
        if _YEAR.fullmatch(match.group()):
            continue
        clause = re.split(r"[,;:.!?()–—]", text[match.end() : match.end() + 60], maxsplit=1)[0]
        for word in clause.split()[:COUNT_WINDOW]:
            acronym = word.rstrip("s") if word.endswith("s") and word[:-1].isupper() else word
            if _ACRONYM.match(word) and len(acronym) >= 2 and initials.startswith(acronym):
                return True
    return False


# A number standing without the noun it counts, that noun being the sentence's subject or
# said before it: « Ils sont aujourd'hui plus de 350 sur les territoires », « a réuni près
# de 150. », « Le RAMEAU en distingue 6, dont … ».
_BARE_COUNT = re.compile(
    r"(?<![\w,.])\d+(?:[ \u202f\u00a0]\d{3})*(?:[,.]\d+)?(?![\w,.]*\d)"
    r"(?=\s*(?:$|[,;:.!?)–—]|(?:sur|d[’']entre|dont|qui|et|ou|à)\b))",
    re.IGNORECASE,
)


_SERIES = frozenset({"jour", "article", "numero", "n°", "no", "page", "niveau", "module", "axe"})


def counts_bare(text: str, counted: str) -> bool:
    """Whether ``text`` (a unit: the sentence with the one it leans on) gives a bare number,
    not a year, and names what is counted (« … la diversité des membres qui le composent …
    Ils sont plus de 350 »): the number is the count of the thing the unit speaks of."""
    wanted = analyze(counted)
    if not wanted or wanted[0] not in analyze(text):
        return False
    for match in _BARE_COUNT.finditer(text):
        if _YEAR.fullmatch(match.group()):
            continue
        # « l'ODD 17, celui des partenariats », « le jour 12 »: a number naming one of a
        # series (after a name or an acronym) counts nothing.
        before = re.split(r"[\s’']+", text[: match.start()].strip())[-1]
        if before[:1].isupper() or fold(before) in _SERIES:
            continue
        return True
    return False


def names_in(text: str) -> int:
    return len(set(_NAME.findall(text)))


def holds(kind: str, text: str, is_list: bool = False) -> float:
    """How well ``text`` holds the kind of answer asked for, in [0, 1]."""
    if kind == "figure":
        return 1.0 if has_quantity(text) else 0.0
    if kind == "date":
        return 1.0 if _DATE.search(text) else 0.0
    if kind == "actors":
        return min(1.0, names_in(text) / 2)
    if kind == "examples":
        return min(1.0, names_in(text) / 3) * (1.0 if _EXAMPLE.search(text) else 0.7)
    if kind == "definition":
        return 1.0 if _DEFINES.search(text[:160]) else 0.0
    if kind == "list":
        return 1.0 if is_list or text.count(",") >= 2 else 0.3
    return 0.0
