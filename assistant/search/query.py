"""The question, analysed once: what is searched, its terms, its language, what it asks for.

Every later step — retrieval, sentence selection, the evidence check, the answer — reads
this one object (:class:`SearchQuery`, made by :func:`understand`) instead of analysing the
question's text again. What it asks for is read from its words (:class:`Intent`: the kind of
answer, a section it names, an item of the previous answer it points to). Follow-ups are
resolved here: an elliptic one (« Et en 2018 ? ») is searched with the conversation's
previous question, one pointing into the previous answer (« détaille le deuxième point »)
with that point's words — the previous answer's list lines when it has some (numbered or
bulleted), else its cited sentences (the text before each marker [n]).

Rules are about the language of questions (« combien », « résume », « le 2e point »), never
about the corpus, so they hold for any document a user adds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from ..agent_nouns import agent_nouns_of
from ..models import Turn
from ..tense import to_come
from ..textnorm import (
    STOP_WORDS,
    analyze,
    contains_run,
    fold,
    looks_english,
    says_average,
    singular_tokens,
    tokens,
)
from .definitions import ASKED_BY_VERB, PREAMBLE, VERB_FIRST, as_written_phrase, asked_term

# The kind of answer, in the order they are tested (the first that matches wins).
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "summary",
        re.compile(
            r"\b(resume[sz]?|resumer|synthese|synthetise"
            # « Que dit la note / la partie sur … / la section … / le 3e jour ? »
            r"|que dit (la note|le texte|le corpus|le|la (partie|section)|le chapitre)"
            r"|de quoi parle|que retenir|points? cles?|grandes lignes|summari[sz]e|summary"
            r"|what does (the note|the text|it) say|key points|main points|overview)\b"
        ),
    ),
    (
        "examples",
        re.compile(
            r"\b(exemples?|illustr\w*|cas (concrets?|pratiques?)|qui (le )?fait"
            r"|examples?|for instance|case stud\w*)\b"
        ),
    ),
    (
        "figure",
        re.compile(
            r"\b(combien|quelle (part|proportion|somme)|quel (pourcentage|montant|nombre|taux"
            r"|age|poids|budget|objectif chiffre|volume)|nombre de|pourcentage|chiffres?"
            r"|how (many|much)"
            # « Quel est le montant / le budget annuel / la durée … ? »
            r"|quel(le)?s? (est|sont|etait|etaient) (le|la|les) (montant|budget|cout|prix"
            r"|salaire|duree|age|part|pourcentage|taux|poids)s?"
            r"|what (share|percentage|proportion|amount|number)|figures?)\b"
        ),
    ),
    (
        "date",
        re.compile(
            # « quand » asks a date where it opens the question (after « et », « où et »,
            # « depuis », « à partir de », « de ») or closes a clause (« il ouvrait quand ? »,
            # « sorti quand et … »); inside one, before its subject, it is a conjunction
            # (« les bénéfices … quand ses salariés s'engagent »), and so is an opening one
            # whose clause a comma closes before the question's own interrogative word
            # (« Quand une asso se fait accompagner, ça vise quels objectifs ? »; « Quand
            # …, et où ? » still asks when).
            r"(?:^\W*(?:(?:et|mais|alors|ou et)\s+)?|\b(?:depuis|partir de|de|jusqu.a|ou et)\s+)"
            r"quand\b(?![^?,]*,(?!\s*et\b)[^?]*\b(?:quel\w*|combien|comment|pourquoi|qui|quoi"
            r"|que|qu|est-ce)\b)|\bquand\s*(?:\?|$|,|et\b)"
            r"|\b(en quelle annee|quelle (annee|date)|a quelle date|quel jour"
            r"|when|what year|which year|what date|since when)\b"
        ),
    ),
    (
        "definition",
        re.compile(
            r"(qu.est.ce qu|c.est quoi|definition|definir|definit|que (signifie|veut dire|designe)"
            # « … pour expliquer le sens du mot « économie » ? »: what the word means.
            r"|sens d(?:u|e l.|es) (?:mots?|termes?|expressions?|notions?) *[«\"]"
            # « X, ça consiste en quoi ? », « En quoi consiste X ? », « X se présente
            # comment ? » (a phrase must be read: see _kind).
            r"|" + ASKED_BY_VERB + "|" + VERB_FIRST
            + r"|what is (a|an|the)\b|what does .* mean|\bdefine\b|\bmeaning of\b)"
        ),
    ),
    (
        "actors",
        re.compile(
            # « qui » asks who where it opens the question or a clause (« Lors de …, qui a
            # présenté … ? »), follows a preposition (« par qui ») or ends the question;
            # after a noun it is a relative (« une association qui emploie … »), and in
            # « qu'est-ce qui … » it asks what.
            r"(?:^|[,?.!;:]|\bet\b|\b(?:par|avec|a|pour|de|chez|aupres de)\b)\W*qui\b"
            r"|\bqui\s*(?:\?|$)"
            r"|(^|\b)(quels? (acteurs?|organisations?|partenaires?"
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
            r"|instituts?|fonds|editeurs?)\b"
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
    "sixieme": 6,
    "6e": 6,
    "septieme": 7,
    "7e": 7,
    "huitieme": 8,
    "8e": 8,
    "neuvieme": 9,
    "9e": 9,
    "dixieme": 10,
    "10e": 10,
    "dernier": -1,
    "derniere": -1,
    "last": -1,
}
_POINT = r"(point|element|aspect|item|levier|axe|idee|passage|citation|phrase|one|extrait)"
# A count before a noun (« 3 leviers », « trois axes »).
_HOW_MANY_WORD = r"(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)"
# « le deuxième point / outil / temps … »: an ordinal and the noun it counts (not a day:
# « le 3e jour » names a section).
_ORDINAL_REF = re.compile(
    r"\b(?P<ord>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")\s+"
    # « le dernier des trois leviers »: the noun after its count.
    r"(?:des\s+" + _HOW_MANY_WORD + r"\s+)?"
    r"(?!jour\b|day\b|jours\b)(?P<noun>[a-z][\w-]{2,})"
)
# « le deuxième de ta liste / de vos points / de la réponse »: the previous answer named.
_OF_THE_ANSWER = (
    r"d[eu]s?\s+(?:(?:la|ta|votre|ma|cette|tes|vos|mes|ces|les)\s+)?"
    r"(?:liste|reponse|enumeration|points?|elements?|items?)\b"
)
# « Et le dernier ? », « Parle-moi du premier. », « Détaille le second. », « Et le troisième,
# il pèse combien ? »: an ordinal standing for a noun, after its article; it counts the items
# of the previous answer.
_BARE_ORDINAL = re.compile(
    r"\b(?:le|la|les|du|au|l['’])\s*(?P<ord>"
    + "|".join(sorted(_ORDINALS, key=len, reverse=True))
    + r")\b(?!\s+(?:jour|day|jours)\b)(?=\s*(?:[,.;:!?)]|$|et\b|point\b|" + _OF_THE_ANSWER + r"))"
)
_THIS_POINT = re.compile(r"\b(ce|cet|this|that)\s+" + _POINT + r"\b|\b(developpe|detaille)\b")
# Not after a sign or a decimal point: « -1e jour » is no day (it read as day 1).
_DAY = re.compile(
    r"(?<![\w.,+\-\u2212])(\d{1,2})\s*(?:e|eme|er|ere|th|st|nd|rd)?\s+(?:jour|day)\b"
    r"|\bday\s+(\d{1,2})\b"
)
_AND_FOR = (
    r"^\s*(?:et|and|what about|how about)\s+"
    r"(?:pour|for|chez|du cote (?:des|de la|de l'|du|de|d')|du cote|cote"
    # « Et au niveau local ? », « Et à l'échelle régionale ? »: a scale is a new subject.
    r"|au niveau(?: (?:des|de la|de l'|du|de|d'))?|a l'echel(?:le|on)(?: (?:des|de la|du|de))?)"
)
_FOR_X = re.compile(_AND_FOR + r"?\s*(.+?)\s*\??$")
# « Et pour X ? », « Et côté X ? »: a preposition opens the new subject's slot (on folded text).
_FOR_X_SLOT = re.compile(_AND_FOR + r"\b")


_YEAR_ASKED = re.compile(r"\b(?:19|20)\d{2}\b")
# « Combien de bénévoles … ? », « Combien y a-t-il de salariés ? », « Quel nombre de
# jeunes … ? »: the one thing a figure asked for counts (on folded text). « Quels
# chiffres … ? » asks for several figures and counts nothing. French only: the noun is
# matched on the passages' French stems, and an English noun phrase (« how many
# association–business partnerships ») does not say which of its words is counted.
_OF = r"(?:de la\s+|de l['’]|(?:des|du|de)\b|d['’])\s*"
_COUNTED = re.compile(
    r"\bcombien\s+(?:(?:y\s+a|existe|compte|en\s+compte|reste)[- ]t[- ](?:il|elle|on)\s+)?"
    + _OF
    + r"(?P<fr>[a-z][\w-]+)"
    # « Quel est le taux de réussite des alliances ? »: a rate is a share of what its noun
    # names (« réussite »), not of its complement (« 69% des Français … » backing alliances).
    r"|\b(?:quel\s+(?:nombre|pourcentage|taux)|quelle\s+(?:part|proportion)|nombre"
    # « Quelle est la part des dons … ? »
    r"|quel(?:le)?\s+(?:est|etait|sera)\s+(?:le|la)\s+(?:part|proportion|pourcentage|taux"
    # « Quel est le poids des cotisations dans … ? »: a weight is a share, an economic one
    # (« le poids économique de … ») an amount, which no « de » follows.
    r"|poids))\s+"
    + _OF
    + r"(?P<fr2>[a-z][\w-]+)"
)
_RATE = ("quel taux", "quel est le taux", "quel etait le taux", "quel sera le taux")
# « Combien de temps » asks a duration, « combien de monde » a number of people, « quelle
# part d'entre eux » a share: no noun that the figure is followed by.
_NOT_COUNTED = frozenset({"temps", "monde", "entre"})
# « Combien de mois / d'années … ? » asks a duration: a figure followed by any unit of time
# (« 10 ans », « trois mois ») gives it, not only one followed by the question's own noun.
_TIME_UNITS = frozenset({"temps", "mois", "annees", "ans", "semaines", "jours", "heures"})
# The measure a figure question asks for, when it names one (on folded text; the first that
# matches wins: « quelle part du budget » asks a share, « le budget » an amount). A passage
# giving another measure (a percentage to « combien coûte … ? ») gives no answer to it.
# A reason or a purpose asked (on folded text).
_WHY = re.compile(
    r"\b(?:pourquoi|pour quelles? raisons?|why|a quoi (?:ca |cela )?ser[ts]\w*"
    # « Ça sert à quoi ? », « Ils servent à quoi ? »: the purpose asked after the verb.
    r"|ser(?:t|ts|vent|virait|vira) a quoi"
    r"|qu.est.ce qui (?:pousse|explique|motive|justifie)\w*|what for|for what reason)\b"
)
# « Quel rôle jouent les fondations ? », « Quelle place occupe le mécénat dans … ? »: the
# asked noun, the verb, then its subject (a determiner opens it).
_INVERTED = re.compile(
    r"^(?:et\s+)?(?:quel|quelle|quels|quelles)\s+[a-z'’-]+\s+(?P<verb>[a-z-]+)\s+"
    r"(?P<subject>(?:les|le|la|l['’]|des|du|une?|ces|ses|leurs?|cette|ce)\b.*)$"
)


# « Quel est le rôle des collectivités territoriales ? », « Quelle est la place des
# fondations ? »: the role of a subject, which the question names after « de ».
_ROLE_OF = re.compile(
    r"^(?:et\s+)?(?:quel|quelle)\s+(?:est|sont)\s+(?:le|la|l['’])\s*"
    r"(?P<noun>role|place|mission|fonction|apport|contribution)\s+"
    r"(?:de la|de l['’]|des|du|de|d['’])\s*(?P<subject>[^,;:]+?)"
    r"(?:\s+(?:dans|pour|sur|en|aupres|face|au sein|aujourd['’]hui|vis-a-vis)\b.*)?$"
)


def _asked_subject(question: str, folded: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The analysed subject of « Quel rôle jouent les fondations ? », « Quel est le rôle de
    l'État ? », and for the latter the role with its subject as written in a row (« rôle du
    modèle socio-économique »; () when no role is asked). ``folded``: fold() of the
    question, read once by read_intent."""
    text = folded.strip(" ?").lower()
    role = _ROLE_OF.match(text)
    if role is not None:
        asked = role.group(0)[role.start("noun") : role.end("subject")]
        return _written_terms(question, role.group("subject")), _written_terms(question, asked)
    match = _INVERTED.match(text)
    if match is None or match.group("verb") in _NOT_VERBS:
        return (), ()
    return _written_terms(question, match.group("subject")), ()


# Words that are no verb after « quel N » (« Quels leviers de financement … »).
_NOT_VERBS = frozenset({"de", "d", "du", "des", "a", "en", "pour", "sur", "dans"})


# « Qui a publié … ? », « Qui l'a co-piloté ? », « Qui anime … ? »: the verb after « qui »
# (and its auxiliary), not a name (« Qui est Christophe Itier ? »); at the question's start
# or after a topic it opens on (« La note prospective, qui l'a publiée ? »).
_WHO_DID = re.compile(
    r"(?:^|,)\s*(?:et\s+)?qui\s+(?:l['’]\s*|les\s+|la\s+|le\s+)?"
    r"(?:(?:a|ont|avait|avaient|va|vont|est|sont|etait|etaient)\s+)?"
    r"(?P<verb>[a-zà-ÿ][a-zà-ÿ-]{3,})\b"
)


def _agent_verb(question: str) -> str:
    match = _WHO_DID.search(question.lower().replace("’", "'"))
    if match is None:
        return ""
    start = match.start("verb")
    if question[start : start + 1].isupper():
        return ""
    # « co-piloté »: the verb is its last part.
    stems = analyze(match.group("verb"))
    return stems[-1] if stems else ""


# A necessity asked with the reason (« … doivent-elles … », « faut-il … », « il faut … »).
_MUST = re.compile(
    r"\b(?:doi[st]|doivent|devr\w+|devoir|faut|faudrait|falloir|oblige\w*|necessaire"
    r"|indispensable|must|should|have to|has to|need to)\b"
)
# « la part des dons (des particuliers) dans les ressources »: the part, before its whole.
# « Quel poids ont (aujourd'hui) les cotisations dans … ? », « Combien pèsent les
# cotisations dans … ? » ask the same share in other words.
_PART_IN_WHOLE = re.compile(
    r"\b(?:(?:part|proportion|pourcentage|poids)\s+" + _OF + r"|(?:quel\s+poids\s+(?:ont|a"
    r"|pese\w*|represente\w*)|combien\s+pese\w*)\s+(?:[\w'’]+\s+){0,2}?"
    r"(?:(?:leurs?|les|le|la|ces)\b\s*|l['’]\s*))"
    r"(?P<part>[a-z][^?]*?)\s(?:dans|parmi|au sein d[eu]s?|sur l.ensemble d[eu]s?)\s"
    r"(?P<whole>[^?]*)"
)
# « Quelle part du financement des associations vient des fonds européens ? »: the whole
# first, then where the part comes from.
_PART_FROM = re.compile(
    r"\b(?:part|proportion|pourcentage)\s+" + _OF + r"(?P<whole>[a-z][^?]*?)\s"
    r"(?:vien\w*|provien\w*|(?:est|sont)\s+issue?s?)\s+(?:de la|de l['’]|des|du|de|d['’])\s*"
    r"(?P<part>[a-z][^?]*?)\s*\??\s*$"
)
_HOW_MUCH_OF = re.compile(r"\bcombien (?:du|de la|de l['’])\s*(?=[a-z])")
_MEASURES: list[tuple[str, re.Pattern[str]]] = [
    (
        "share",
        re.compile(
            r"\b(quelle (part|proportion)|quel (pourcentage|taux|poids)|pourcentage|proportion"
            r"|quelle (est|etait|sera) la part|quel (est|etait|sera) le (taux|poids(?! economique))"
            r"|(le|un|du) taux d"
            r"|pese\w* combien|what (share|percentage|proportion)|what rate)\b"
            # « ça représente combien du budget ? »: how much of a whole, a share of it.
            r"|\bcombien (?:du|de la|de l['’])\s*(?=[a-z])"
        ),
    ),
    (
        "money",
        re.compile(
            r"\b(montant|budget|cout\w*|prix|salaires?|remunerations?|indemnites?|vaut"
            r"|chiffres? d.affaires|masse salariale|fonds propres|tresorerie|poids economique"
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
# « Depuis quand X …, et combien de réseaux … ? », « Qui a donné le coup d'envoi …, et où ? »):
# the note may answer one part and not the other — an answer says what is missing rather
# than abstaining, and quotes for each part the unit that answers it (answer/parts.py).
# Where it joins: « et » (or « and »), a few words at most (a verb, a preposition: « et
# produit combien », « et à l'initiative de qui », « et chez quel »), then a question word.
# « qui » asks who only after « et » or a preposition; after a noun it is a relative (« et
# les structures qui … »). « ou » (or) asks nothing: typed without its accent, « où » is read
# only where « ou » cannot join alternatives, closing the question (« et ou ? »).
_PREPOSITION = r"(?:a|à|de|d['’]|du|des|dans|par|pour|avec|sur|chez|en|aupres de|auprès de)"
_JOIN = re.compile(
    r",?\s+et\s+(?=(?:[\w'’-]+\s+){0,3}?(?:quand|combien|quel(?:le)?s?|comment|pourquoi|où"
    r"|lequel|laquelle|lesquel\w*|auquel|duquel)\b|ou\s*\??$"
    r"|(?:(?:" + _PREPOSITION + r")\s*(?:l['’]\s*)?[\w'’-]*\s+(?:de\s+)?)?qui\b)"
    r"|,?\s+and\s+(?=(?:\w+\s+){0,2}?(?:when|how|who|which|what|why|where)\b)",
    re.IGNORECASE,
)
# Each part must ask something. « ou » at a part's start is « où » typed without its accent.
_PART_ASKS = re.compile(
    r"\b(?:quand|combien|qui|quel(?:le)?s?|comment|pourquoi|où|lequel|laquelle|lesquel\w*"
    r"|que|quoi|when|how|who|which|what|why|where)\b|^ou\b|-t-",
    re.IGNORECASE,
)


def split_parts(question: str) -> tuple[str, ...]:
    """The parts of a question asking two things or more, in its order; () for one."""
    pieces, start = [], 0
    for match in _JOIN.finditer(question):
        pieces.append(question[start : match.start()])
        start = match.end()
    pieces.append(question[start:])
    pieces = [p.strip(" ,?") for p in pieces]
    if len(pieces) < 2 or not all(_PART_ASKS.search(p) for p in pieces):
        return ()
    return tuple(pieces)


# What the question asks that a passage states in words of its own, or not at all (on folded
# text): who succeeded someone (« Qui a succédé à … ? », « qui remplace … »), an address or a
# way to reach someone (« l'adresse de l'ADASI »), the steps to reach a goal (« Quelles
# démarches faut-il faire pour … ? », « Comment solliciter … ? », « Quelles conditions …
# remplir pour … ? »). A note may speak at length of the subject without giving any of them.
# A past participle (on folded text): « donné(e)s », « réunis », « obtenu », « dit », « fait ».
_PARTICIPLE = r"[a-z]{1,}(?:e|i|u|it|ait)[es]{0,2}\b"
# What a question expects (« Quels résultats sont attendus … ? », « Quel bilan prévoit-on
# … ? »): what is to come, which an announcement answers.
_EXPECTS = re.compile(
    r"\b(?:attendu\w*|esper\w*|prevo\w*|prevu\w*|devr\w*|doi[st]|doivent|objectifs?"
    r"|ambitions?|vis\w+|cible\w*|expected|expect|will|planned|should|aims?|goals?)\b"
)
# The roles of who heads an organisation (on folded text).
_ROLES = (
    r"presidente?|directeur|directrice|fondat(?:eur|rice)|responsable|deleguee?"
    r"|secretaire general\w*|porte-parole"
)
# The roles' words as a passage writes them, searched for a holder question.
ROLE_WORDS = "président présidente directeur directrice fondateur fondatrice"
# « Qui dirige Le RAMEAU ? », « Qui le dirige ? » (on folded text): the verb asks who holds
# the role; a unit naming « 20 dirigeants de structures associatives » holds none of it.
_HEADS = re.compile(r"\bqui\s+(?:(?:le|la|les)\s+|l.)?(?P<verb>dirige\w*|preside\w*)\b")
# « Qui a écrit le référentiel ? », « Par qui a-t-il été rédigé ? », « Qui en est l'auteur ? »,
# « Who wrote … ? » (on folded text): the verb or the noun asks who wrote a work, which a note
# says by who published, edited or made it (holds.AUTHOR_VERBS).
_AUTHORED = re.compile(
    r"^\W*(?:et\s+)?(?:par\s+)?qui\b(?:\s+[\w'’-]+){0,4}?\s+(?P<verb>(?:co-)?(?:ecri(?:t|te|ts"
    r"|tes|vit|vent|re)|redig\w*|publi\w*|edit(?:e|ee|es|ees|er)))\b"
    r"|^\W*who\b(?:\s+[\w'-]+){0,3}?\s+(?P<en>wrote|written|authored|published|edited)\b"
    r"|^\W*(?:et\s+)?(?:qui|quel(?:le)?s?|who|which)\b[^?]*?\b(?P<noun>auteure?s?|autrices?"
    r"|authors?)\b"
    r"|^\W*(?:et\s+)?(?:l.|les\s+|the\s+)?(?P<lead>auteure?s?|autrices?|authors?)\b"
)
# The words a note names a work's author with, searched for such a question.
AUTHOR_WORDS = "publie publié publiée édité éditée rédigé rédigée réalisé réalisée auteur"
# What a question asking for a role's holder or a work's author is searched with besides its
# own words, which the note's answer does not write: « Qui dirige Le RAMEAU ? » is answered
# by « Charles-Benoît HEIDSIECK, Président-fondateur du RAMEAU », « Qui a écrit le
# référentiel ? » by « Le RAMEAU publie … le référentiel ».
_SEARCHED_WITH = {"holder": ROLE_WORDS, "author": AUTHOR_WORDS}
_ASKS_FOR: list[tuple[str, re.Pattern[str]]] = [
    (
        "successor",
        re.compile(
            # « Qu'est-ce qui remplace … ? » asks what, not who.
            r"(?<!ce )\bqui\b[^?]*\b(?:succede\w*|remplace\w*)\b|\bsuccesseure?s?\b"
            r"|\bwho\b[^?]*\b(?:succeeded|replaced)\b|\bsuccessors?\b"
        ),
    ),
    (
        "address",
        re.compile(r"\b(?:adresse|coordonnees|numero de telephone|address|phone number)\b"),
    ),
    (
        "steps",
        re.compile(
            r"\bquel(?:le)?s? (?:demarches?|formalites?|etapes?|conditions?)\b[^?]*"
            r"\b(?:faut|doi[st]\w*|faire|remplir)\b"
            # « Quelles démarches pour obtenir un agrément ? »: the goal right after.
            r"|\bquel(?:le)?s? (?:demarches?|formalites?|conditions?) (?:a suivre )?pour"
            r" (?:obtenir|creer|devenir|demander|beneficier|s.inscrire|adherer|deposer)\b"
            r"|\bcomment (?:faire|proceder|s.y prendre) pour\b"
            r"|\bcomment (?:solliciter|obtenir|remplir|embaucher|creer|devenir|demander"
            r"|deposer|s.inscrire|adherer|beneficier)\b"
            r"|\bwhat (?:steps|formalities)\b"
        ),
    ),
    (
        # Who holds a role (« Qui est le président de l'ADASI ? », « L'ADASI, qui en est le
        # directeur ? », « Qui dirige … ? »): a note may speak of an organisation at length
        # and never name who heads it.
        "holder",
        # Not « Qui élit la présidente du conseil ? »: who elects, a body, not a name.
        re.compile(
            r"\bqui\s+(?:est|sont|etait|sera|en est)\b[^?]*\b(?:" + _ROLES + r")\b"
            # « Qui dirige … ? », « Qui le dirige ? » (_HEADS).
            r"|" + _HEADS.pattern +
            r"|\bc.est qui\b[^?]*\b(?:" + _ROLES + r")\b"
            r"|\b(?:" + _ROLES + r")\b[^?]*\bc.est qui\b"
            r"|\bnom d[eu]s? (?:la |l.)?(?:" + _ROLES + r")\b"
        ),
    ),
    # Before the outcome (« Par qui a-t-il été rédigé ? » reads as one): who wrote a work.
    ("author", _AUTHORED),
    (
        # What came of something: its results, or what it did, in the past (« Quels
        # résultats l'étude a-t-elle donnés ? », « Combien de participants le webinaire
        # a-t-il réunis ? », « Qu'a donné … ? »). A note written before the event only
        # announces it (tense.to_come), and gives none of that.
        "outcome",
        re.compile(
            r"\b(?:resultats?|bilan|retombees)\b"
            r"|\b(?:a-t-(?:il|elle|on)|ont-(?:ils|elles))\s+(?:ete\s+)?" + _PARTICIPLE
            + r"|\b(?:qu.a|qu.ont|ont ete)\s+" + _PARTICIPLE
            # « Les Français, ils ont exprimé quelles priorités ? », « elle a donné quoi ? »
            + r"|\b(?:il|elle|ils|elles|on)\s+(?:a|ont)\s+" + _PARTICIPLE
            + r"\s+(?:quel\w*|quoi|combien)\b"
            # English: « What results did … give? », « How many participants did … gather? »
            r"|\b(?:results?|outcomes?)\b|\b(?:what|how many|how much|which \w+)\b[^?]*\bdid\b"
        ),
    ),
]


# A place the question is scoped to (« … en France ? », « … en Europe »): where the figure
# holds, not what it is of — a note on France gives its figures without repeating it, so
# « France » is a scope however the question names it (« Combien de bénévoles compte la
# France ? »).
_SCOPE = re.compile(r"\b(?:en|in)\s+([A-ZÀ-Ý][\w’'-]+)|\b((?i:france))\b")


def _asks_for(text: str, kind: str) -> str:
    """What the question asks to be stated (``Intent.asks_for``; on folded text). Not an
    outcome when it asks a date (an announcement dates the event) or a summary, or itself
    speaks of what is to come (« Quels résultats seront présentés … ? »)."""
    found = next((name for name, pattern in _ASKS_FOR if pattern.search(text)), "")
    if found == "outcome" and (
        # A date, who took part (« Quelle école … a-t-il associée … ? »): an announcement
        # gives them. How or why something went: the note says it as it goes.
        kind in ("date", "summary", "actors", "definition")
        or re.match(r"\W*(?:comment|pourquoi|how(?! many| much)|why)\b", text)
        or to_come(text)
        or _EXPECTS.search(text)
    ):
        return ""
    return found


def years_in(text: str) -> list[str]:
    return _YEAR_ASKED.findall(text)


# « le webinaire du 19 septembre »: a day of a month, as the note writes dates.
_DAY_ASKED = re.compile(
    r"\b(\d{1,2}(?:er)?\s+(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre"
    r"|octobre|novembre|d[ée]cembre))\b",
    re.IGNORECASE,
)


def days_in(text: str) -> list[str]:
    """The days of a month the question names (« 19 septembre »), as written."""
    return [" ".join(d.split()) for d in _DAY_ASKED.findall(text)]


_TITLE = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”|\"([^\"]+)\"")


def titles_in(text: str) -> tuple[tuple[str, ...], ...]:
    """The titles the question writes in quotes (« Transformer son modèle socio-économique
    »), analysed: what it asks about is that webinar, programme or book, not another."""
    found = (next(g for g in m.groups() if g) for m in _TITLE.finditer(text))
    return tuple(terms for terms in (tuple(analyze(t)) for t in found) if terms)


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
    # « Quand … et combien … ? »: the parts of a question asking two things or more (split_parts)
    parts: tuple[str, ...] = ()
    counted_terms: tuple[str, ...] = ()  # analyze(counted): what a passage's figure must count
    # « ODD »: the acronym of the counted noun's phrase (« objectifs de développement durable »)
    counted_initials: str = ""
    # « quelle part des ressources des associations »: the counted noun with its complements
    # (analysed), the whole a share asked is of.
    counted_whole: tuple[str, ...] = ()
    scope_terms: tuple[str, ...] = ()  # « en France »: the places it is scoped to, analysed
    # « Combien sont-ils ? »: the subject is a pronoun, what it counts is the previous
    # question's (see intent_in_context).
    pronoun_subject: bool = False
    asks_for: str = ""  # successor | address | steps: what a passage must state (_ASKS_FOR)
    # « Pourquoi … ? », « À quoi ça sert de … ? »: a reason or a purpose is asked.
    why: bool = False
    # « Pourquoi les associations doivent-elles transformer … ? », « Pourquoi faut-il … ? »:
    # the reason a necessity is asked — what makes it necessary.
    must: bool = False
    # « Quel rôle jouent les fondations ? »: the subject a « quel N » question asks about,
    # after its verb (analysed); a unit naming none of it speaks of something else.
    subject_terms: tuple[str, ...] = ()
    # « Quel est le rôle du modèle socio-économique ? »: the role and its subject, as a run of
    # terms a passage may write (« Le rôle du modèle socio-économique est de … »).
    role_terms: tuple[str, ...] = ()
    # « How many partnerships … ? »: the English noun counted, analysed; what it counts is the
    # French term it is a cognate of, when the corpus has one (selection.written_intent).
    counted_english: tuple[str, ...] = ()
    # « Qui a publié le référentiel ? »: the verb whose doer is asked (analysed); a unit
    # naming someone as its subject or after « par » / « chez » states who.
    agent_of: str = ""
    # « la part des dons dans les ressources »: the share of a part within a whole — the
    # figure must be of the part (what is counted), not any share of the whole.
    part_in_whole: bool = False
    part_terms: tuple[str, ...] = ()  # analyze(the part): « dons des particuliers »
    whole_terms: tuple[str, ...] = ()  # analyze(the whole): « ressources associatives »
    # « le taux de réussite des alliances »: the share is the rate of what is counted
    # (« réussite »); the subject it is of (« alliances ») is no whole a share of it is.
    rate: bool = False
    # « Quel est le cinquième axe de … ? »: which thing comes at a rank is asked (_WHICH_NTH),
    # where « Quand a eu lieu le premier webinaire ? » asks something of the one that does.
    rank_asked: bool = False
    # « Quel est le budget moyen … ? »: the figure asked is an average, which a figure of the
    # whole (« 113 milliards d'euros ») does not give.
    average: bool = False
    # « Combien d'actifs sont intéressés ? »: what the question asks of what it counts (its
    # words after the counted noun, analysed); a share of them doing that answers how many.
    predicate_terms: tuple[str, ...] = ()

    @property
    def asks_more(self) -> bool:
        """A second question is joined to the first."""
        return bool(self.parts)

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


# « Concrètement, c'est quoi … ? », « … ont produit concrètement ? »: a manner that qualifies
# whatever is asked; alone (« Concrètement, ça donne quoi ? ») it asks for examples.
_CONCRETELY = re.compile(r"\bconcretement\b")
_WHAT_IS = re.compile(r"qu.est.ce qu")
# « ça consiste en quoi », « se présente comment »: a definition when a phrase is read
# before (or after) them — « Comment ça se présente ? » alone asks how.
_BY_MEANING_VERB = re.compile(ASKED_BY_VERB + "|" + VERB_FIRST)


# « C'est quoi le salaire moyen d'un salarié … ? », « … le taux de bénévolat ? »: a measure
# of something (a complement or « moyen / annuel / total » after it) is asked as a figure,
# not defined; « le budget participatif » is a notion.
_MEASURE_OF = re.compile(
    r"^(?:(?:le|la|les|l['’]|un|une)\s*)?(?:salaires?|montants?|budgets?|couts?|prix|taux"
    r"|nombre|part|proportion|pourcentage|duree|remunerations?)\s+"
    r"(?:moyen\w*|annuel\w*|total|global|median\w*|d[eu]s?\b|d['’])"
)


def _kind(question: str, text: str) -> str:
    """The kind of answer asked for: the first kind whose cue the question holds. « Qu'est-ce
    que … » asks a definition only when a phrase follows (asked_term); followed by a clause
    (« qu'est-ce que le MOOC permet d'apprendre ? », « qu'est-ce qui oblige … ? ») it asks
    what the clause says."""
    for name, pattern in _KINDS:
        match = pattern.search(text)
        if match is None:
            continue
        cue = match.group(0)
        if (
            name == "definition"
            and (_WHAT_IS.match(cue) or _BY_MEANING_VERB.match(cue))
            and not asked_term(question)
        ):
            continue
        if name == "definition" and _MEASURE_OF.match(text[match.end() :].lstrip()):
            return "figure"
        if name == "summary" and _WHICH_SUMMARISES.match(text):
            # « Quelle formule résume la place du modèle … ? »: which thing sums it up is
            # asked (the verb's subject), not a summary.
            continue
        if name == "summary" and _SUMMARY_AS_THING.search(text[: match.end()]):
            # « Dans quel numéro … trouve-t-on la synthèse des enseignements ? »: the
            # summary is what is asked about, where another question word asks something
            # of it (« Résume … », « Quelle est la synthèse … ? » ask for one).
            continue
        return name
    if _CONCRETELY.search(text) and not _WHY.search(text):
        # (« Et concrètement, ça sert à quoi ? » asks a purpose.)
        return "examples"
    # « Quels outils existent pour … ? », « Quelles ressources peut-on consulter ? »: a
    # plural interrogative asking which things exist or can be used asks for them, a list
    # (not « Quels partenariats les associations nouent-elles … ? », which asks how).
    return "list" if _WHICH_EXIST.search(text) and asked_items(question) else "explain"


# « Quelle formule résume … ? », « Quels chiffres synthétisent … ? », « Qu'est-ce qui résume
# … ? » (on folded text): the verb's subject is asked, a noun or « qui ».
_WHICH_SUMMARISES = re.compile(
    r"^\W*(?:et\s+)?(?:quel(?:le)?s?\s+[a-z-]+(?:\s+[a-z-]+)?|qu['’]est-ce\s+qui|qui)\s+"
    r"(?:resume|resument|synthetise|synthetisent|summari[sz]es?)\b"
)


# A question opening on a word asking where, when, who or which one (« Dans quel numéro »,
# « Où », « Quand », « Qui », « Par qui »), then a summary named as a thing (« la synthèse »,
# « un résumé »): on folded text, up to the summary's word.
_SUMMARY_AS_THING = re.compile(
    r"^\W*(?:et\s+)?(?:(?:dans|en|sur|par|a)\s+)?(?:quel(?:le)?s?\s+(?!est\b|sont\b)[a-z]+|ou"
    r"|quand|qui)\b.*\b(?:la|une|le|un|cette|ce)\s+(?:synthese|resume)$"
)


_WHICH_EXIST = re.compile(
    r"\bquel(?:le)?s\s+[a-z-]+(?:\s+[a-z-]+)?\s+(?P<verb>existe\w*|(?:y\s+)?a-t-il|peut-on"
    r"|peuvent|sont\s+disponibles|aide\w*|permett\w*|propos\w*)\b"
)


# The plural interrogative opening a question asking for several things (« quels », « quelles
# sont les », « lesquels sont leurs »), on folded text.
_WHICH_ARE = (
    r"\b(?:quel(?:le)?s|lesquel(?:le)?s)\s+(?:(?:sont|etaient|seront|furent)\s+"
    r"(?:les|leurs|ses)\s+)?"
)


# « Quelles sont les grandes tendances des partenariats ? », « Quels sont les principaux
# enjeux des associations ? », « What are the main risks of … ? »: a word of degree before a
# noun of something (a trend of, a stake of) says how much of them is asked, not what about
# (« … 25 études de cas de grandes entreprises » is no trend). Without a complement the
# noun may be a kind the word names (« Quelles grandes entreprises … ? »: not PME).
_DEGREE_OF_ITEMS = re.compile(
    _WHICH_ARE
    + r"(?:(?:deux|trois|quatre|cinq|\d+)\s+)?"
    r"(?P<degree>grande?s|principa(?:les|ux))\s+[a-z-]+\s+(?:d[eu]s?\s|d')"
    r"|\b(?:what|which)\s+(?:are|were)\s+(?:the|its|their)\s+(?P<degree_en>main|key|major)"
    r"\s+[a-z-]+\s+(?:of|in|for)\s"
)


# « Quelles sont les trois familles de ressources … ? », « Quels types d'acteurs … ? »: the
# kind of things (« familles », « types », « sortes », « catégories », « genres ») says how
# they are asked, as a word of degree does; the things after « de » are what is asked for.
# The note writes none of these words: read as a topic, one said it found nothing.
_KIND_WORDS = r"(?:types?|sortes?|familles?|categories?|genres?)"
_KIND_OF_ITEMS = re.compile(
    _WHICH_ARE
    + r"(?:(?:deux|trois|quatre|cinq|\d+|grande?s|principa(?:les|ux)"
    r"|different(?:e)?s)\s+)*+(?P<kind>" + _KIND_WORDS + r")\s+(?:de\s|d')"
)


# « Quel rôle joue l'État … ? », « Quelle place occupent les fondations … ? » (on folded
# text): the verb of a role or a place is how the question asks it, not what about — « … qui
# ont joué un rôle pionnier dans l'hybridation » is no role of the State.
_ROLE_PLAYED = re.compile(
    r"\bquel(?:le)?s?\s+(?:role|place)s?\s+(?P<verb>jou\w*|occup\w*|tien\w*|detien\w*)\b"
)


# « Quelle image la note utilise-t-elle pour expliquer le sens du mot « économie » ? », « Quel
# terme désigne … ? », « Que veut dire le mot … ? » (on folded text): a question on the
# note's wording asks with words of wording — the note says « L'économie, c'est
# « l'équilibre de la maison » », not « image », « sens » or « mot ».
_WORDING = re.compile(
    r"\bquel(?:le)?s?\s+(?P<noun>images?|mots?|termes?|expressions?|formules?|metaphores?"
    r"|comparaisons?|notions?)\b"
    r"|\b(?P<verb>utilise\w*|emploie\w*|emploi\w*|choisi\w*)(?:-t-(?:il|elle))?(?=\s+pour\b)"
    r"|\bpour\s+(?P<purpose>expliquer|designer|decrire|qualifier|nommer|illustrer)\b"
    r"|\b(?P<designates>designe\w*|signifie\w*|veut\s+dire)\b"
    r"|\b(?P<sense>(?:le\s+)?sens)\s+(?:du|de\s+l['’]|des)\s+(?P<word>mots?|termes?"
    r"|expressions?)\b"
    r"|\b(?:le|ce|du|l['’])\s*(?P<quoted>mot|terme|expression)\s*(?=«|\")"
    # « la note utilise-t-elle … »: the document whose wording is asked.
    r"|\b(?:la|le)\s+(?P<document>note|texte|corpus|document)(?=\s+(?:utilise|emploie|choisi))"
)


def _wording_words(folded: str) -> str:
    """The words by which a question on the note's wording asks, when it names a wording
    (a noun of one, or the sense of a word): "" otherwise — « Pour expliquer leur modèle,
    … » in another question asks nothing of the kind."""
    found = [
        (group, word) for m in _WORDING.finditer(folded) for group, word in m.groupdict().items()
        if word
    ]
    if not any(group in ("noun", "word", "quoted", "designates") for group, _ in found):
        return ""
    return " ".join(word for _, word in found)


# « les chiffres clés du bénévolat », « un chiffre clé sur les partenariats » (on folded
# text): the kind of answer asked, not what about — « Deux chiffres-clés, dévoilés … par
# Pro Bono Lab » came first on the volunteers' key figures for writing the phrase.
_KEY_FIGURE = re.compile(r"\b(?:chiffres?|donnees?|figures?)[- ](?:cles?|key)\b|\bkey figures?\b")


# « Le mécénat, ça marche comment ? », « Comment fonctionne le DLA ? » (on folded text): how
# it works is asked by the verb, which names nothing — « marche » stems as « marché » does
# (« De l'économie de marché à celle de la redistribution … » came first).
_HOW_IT_WORKS = re.compile(
    r"\b(?:ca|cela|il|elle|ils|elles)\s+(?P<a>marche(?:nt)?|fonctionne(?:nt)?)\b"
    r"|\bcomment\s+(?:ca\s+|cela\s+)?(?P<b>marche(?:nt)?|fonctionne(?:nt)?)\b"
)


# « Le bénévolat est-il en hausse ou en baisse ? », « Les subventions diminuent-elles ? »
# (on folded text): the way something goes is asked, in words the note need not write — it
# says « une croissance de 16,8% », « se contractent », « est passé de … à … ».
_TREND = re.compile(
    r"\ben\s+(?:hausse|baisse|progression|recul|diminution|augmentation|declin)\b"
    r"|\b(?:augmente|diminue|baisse|progresse|recule|chute|stagne)(?:nt)?-(?:t-)?"
    r"(?:il|elle|ils|elles)\b"
)


def asking_terms(question: str) -> frozenset[str]:
    """The analysed words by which a question asks which things exist or serve (« Quels
    outils existent … ? »: « existent »), what something is for (« ça sert à quoi ? »:
    « sert »), how it works (« ça marche comment ? »), the role or place something has
    (« Quel rôle joue … ? »: « joue »), a key figure, the note's wording (« Quelle image la
    note utilise-t-elle … ? »), who heads something (« Qui dirige … ? ») or who wrote a work
    (« Qui a écrit … ? »), the way something goes (« … en hausse ou en baisse ? »), and the
    talk it opens on (« On parle beaucoup de … »): how it asks, not what about — « … ceux
    qui existent dans les territoires » is no answer for it, and the note need not write
    « sert » to say what a thing is for, nor « écrit » to say who published it."""
    folded = fold(question)
    which = _WHICH_EXIST.search(folded)
    heads = _HEADS.search(folded)
    author = _AUTHORED.search(folded)
    degree = _DEGREE_OF_ITEMS.search(folded)
    role = _ROLE_PLAYED.search(folded)
    words = [
        _matched(_HOW_IT_WORKS.search(folded)),
        _all_matched(PREAMBLE, folded),
        _matched_text(_KEY_FIGURE.search(folded)),
        _wording_words(folded),
        _matched(degree),
        _matched(_KIND_OF_ITEMS.search(folded)),
        role.group("verb") if role else "",
        which.group("verb") if which else "",
        _matched_text(_SERVES.search(folded)),
        heads.group("verb") if heads else "",
        _matched(author),
        _all_matched(_TREND, folded),
    ]
    return frozenset(analyze(" ".join(words)))


def _matched_text(match: re.Match[str] | None) -> str:
    return match.group(0) if match else ""


def _all_matched(pattern: re.Pattern[str], text: str) -> str:
    """Every match of ``pattern`` in ``text``, joined."""
    return " ".join(m.group(0) for m in pattern.finditer(text))


def _matched(match: re.Match[str] | None) -> str:
    """The group an alternation matched (each of its branches names its own), or ""."""
    return next((w for w in match.groups() if w), "") if match else ""


# « À quoi sert … ? », « ça sert à quoi ? »: the verb asking a purpose (not « Qu'est-ce qui
# pousse … ? », whose verb says what is asked: a motive).
_SERVES = re.compile(
    r"(?<=a quoi )(?:ca |cela )?ser(?:t|ts|vent|vir\w*)\b|\bser(?:t|ts|vent)(?= a quoi\b)"
)


def read_intent(question: str) -> Intent:
    text = fold(question)
    kind = _kind(question, text)
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
    if measure == "share" and counted and _HOW_MUCH_OF.search(text):
        counted = None  # « combien du budget »: the whole a share is of, nothing counted
    counted_word = _counted(question, counted)
    part = (_PART_IN_WHOLE.search(text) or _PART_FROM.search(text)) if kind == "figure" else None
    if part is not None:
        # A part of a whole: its share is asked (« Combien pèsent les cotisations dans le
        # budget ? » asks no amount), and it is what is counted.
        measure = "share"
        counted_word = counted_word or _as_written(question, part.group("part").split()[0])
    phrase = _counted_phrase(question, counted_word)
    why = kind == "explain" and bool(_WHY.search(text))
    subject_terms, role_terms = _asked_subject(question, text)
    places = " ".join(m.group(1) or m.group(2) for m in _SCOPE.finditer(question))
    return Intent(
        kind=kind,
        day=day,
        ordinal=ordinal,
        ordinal_noun=ordinal_match.group("noun") if ordinal_match else "",
        points_back=bool(_THIS_POINT.search(text)) and ordinal is None,
        new_subject=_rescoped(subject.group(1)) if subject and ordinal is None else "",
        counted=counted_word,
        parts=split_parts(question),
        about_questions=bool(_ABOUT_QUESTIONS.search(text)),
        measure=measure if kind == "figure" else "",
        counted_terms=tuple(analyze(counted_word)),
        counted_initials=_acronym_initials(phrase),
        counted_whole=tuple(analyze(_with_complements(question, counted_word))),
        scope_terms=tuple(analyze(places)),
        pronoun_subject=bool(_PRONOUN_SUBJECT.search(text)),
        asks_for=_asks_for(text, kind),
        why=why,
        must=why and bool(_MUST.search(text)),
        subject_terms=subject_terms,
        role_terms=role_terms,
        counted_english=tuple(analyze(_counted_in_english(text))) if kind == "figure" else (),
        agent_of=_agent_verb(question) if kind == "actors" else "",
        part_in_whole=bool(counted_word) and part is not None,
        part_terms=_part_terms(question, part) if counted_word and part else (),
        whole_terms=_written_terms(question, part.group("whole")) if counted_word and part else (),
        rate=bool(counted_word) and bool(counted) and counted.group(0).startswith(_RATE),
        rank_asked=_WHICH_NTH.search(text) is not None,
        average=kind == "figure" and says_average(text),
        predicate_terms=_predicate_terms(question, counted) if kind == "figure" else (),
    )


def _predicate_terms(question: str, counted: re.Match[str] | None) -> tuple[str, ...]:
    """The analysed words after the counted noun of « combien de X … ? » (fold() keeps the
    text's length, so the match's offsets hold in the question as written); a place it is
    scoped to (« en France ») is no part of it."""
    if counted is None or not counted.group(0).startswith("combien"):
        return ()
    rest = _SCOPE.sub(" ", question[counted.end() :])
    return tuple(t for t in dict.fromkeys(analyze(rest)) if not t.isdigit())


def _part_terms(question: str, part: re.Match[str]) -> tuple[str, ...]:
    """The analysed words of the part a share is asked of, read as the question writes them:
    the stemmer needs their accents (« collectivités » → « collect », « collectivites » →
    « collectivit »)."""
    return tuple(analyze(_part_named(_words_as_written(question, part.group("part")))))


def _written_terms(question: str, folded: str) -> tuple[str, ...]:
    """The analysed words of a folded piece of the question, as the question writes them."""
    return tuple(analyze(_words_as_written(question, folded)))


def _words_as_written(question: str, folded: str) -> str:
    """Each word of a folded piece of the question as the question writes it (_as_written)."""
    return " ".join(_as_written(question, word) for word in folded.split())


def _part_named(part: str) -> str:
    """The part a share is asked of: the whole noun phrase (« dons des particuliers »), or
    its head noun when a verb follows it (« maires voit son territoire engagé » → « maires »:
    the share is of the mayors, not of everything the clause says)."""
    return _noun_phrase(part) or part.split()[0]


# A question word asks a question of its own: « Et sur quelle plateforme ? », « Et c'est
# sur quelle plateforme ? », « Et avec qui ? ». Not « quoi » / « what », which « ça donne
# quoi ? » and « what about … ? » use to re-scope the previous question, nor a relative
# « qui » (« Et pour les associations qui emploient … ? »: « qui » only opening it), nor
# « ou », which folding makes of « où » and which is mostly « or ».
_OWN_QUESTION = re.compile(
    r"\b(?:quel\w*|combien|comment|pourquoi|quand|lesquel\w*|how|why|when|which)\b"
    r"|^\W*(?:(?:et|mais|and|but)\s+)?(?:(?:sur|pour|avec|par|de|d|a|au|aux|dans|chez|en|on"
    r"|for|with|by|in|to)\s+)?(?:qui|who|where)\b"
)
# « Et quelle part d'entre eux … ? », « Et le troisième temps, ça donne quoi ? »: a question of
# its own, not a subject put in place of the previous one.
_ASKS = re.compile(
    r"\b(quel\w*|combien|comment|pourquoi|quand|qui|quoi|ou|est-ce|lesquel\w*|what|how|why"
    r"|when|who|which)\b|-t-"
)


# The words that open a slot rather than name what fills it (« avec les », « côté », « pour
# la »), singular_tokens.
_SLOT_WORDS = frozenset(
    {"avec", "pour", "chez", "aupre", "de", "des", "du", "dan", "entre", "cote", "sur"}
    | {"le", "la", "les", "l", "un", "une", "d", "au", "aux", "se", "leur"}
)




# The words opening a slot before the noun phrase that fills it (« une », « les », « l' »),
# on the phrase as written.
_SLOT_OPENING = re.compile(
    r"^(?:(?:les|le|la|un|une|des|du|de|en|au|aux|avec|dans|sur|parmi|among|the|an|a)\s+"
    r"|(?:l|d)['’]\s*)+",
    re.IGNORECASE,
)
_LINKING = frozenset({"de", "d", "du", "des", "of"})
# « pour les utiliser », « pour la financer », « pour y arriver »: an object pronoun and an
# infinitive, a purpose. After « les » a noun would be plural (« les associations »); after
# « le / la / l' » only an -er ending that is no « -ier » noun (« le quartier ») is read as
# a verb, which keeps « le leader » a rare miss rather than « le métier » a common one.
_CLITIC_INFINITIVE = re.compile(
    r"^(?:(?:y|en|se|s['’]|lui|leur|nous|vous|me|te)\s*[^\W\d_]+(?:er|ir|re)\s*$"
    r"|les\s+[^\W\d_]+(?:er|ir|re)\s*$"
    r"|(?:le|la|l['’])\s*[^\W\d_]*[^i\W\d_]er\s*$)",
    re.IGNORECASE,
)
# « en cas de baisse », « en vue de », « en termes de »: a condition or a manner, no subject.
_LOCUTION = re.compile(
    r"^(?:en|au)\s+(?:cas|vue|lien|termes?|matière|matiere|raison|fonction|dehors|regard)\b",
    re.IGNORECASE,
)


def _noun_phrase(phrase: str) -> str:
    """``phrase`` when it reads as a noun phrase of one to three words (and the « de »
    linking them) with no other function word, "" otherwise: « pour les utiliser », « dans
    l'IAE et à quelle date », « … la note cite-t-elle », « en gros » are no subject."""
    if _LOCUTION.match(phrase) or _CLITIC_INFINITIVE.match(phrase):
        return ""
    phrase = _SLOT_OPENING.sub("", phrase).strip()
    words = re.findall(r"[^\W\d_][\w'’-]*", phrase)
    content = [w for w in words if fold(w).lower() not in _LINKING]
    if not 1 <= len(content) <= 3 or len(words) > 5 or "-t-" in phrase:
        return ""  # « petite asso de quartier »: three nouns and adjectives, « de » linking
    kept = _LINKING | _DEGREE
    if any(fold(w).lower() in STOP_WORDS and fold(w).lower() not in kept for w in words):
        return ""
    return phrase


def subject_as_written(question: str, new_subject: str) -> str:
    """« Et pour une petite association ? » → « petite association »: the subject a
    follow-up moves to (``Intent.new_subject``, read on folded text) as the question writes
    it, without the words opening its slot. A phrase that neither a preposition nor an
    article opens is no subject (« Et dix ans plus tard ? », « Et ensuite ? »): ""."""
    written = as_written_phrase(question, new_subject) or new_subject
    opened = bool(_FOR_X_SLOT.match(fold(question).lower())) or bool(
        _SLOT_OPENING.match(written)
    )
    return _noun_phrase(written) if opened else ""


# « C'est quoi l'hybridation pour une petite association ? »: what the question is scoped to,
# a noun phrase that a preposition and a determiner open, closing the question.
# « à » comes with its article (« aux petites associations », « au petit club »).
_SCOPED_TO = re.compile(
    r"(?:\b(?:pour|chez|dans|à|for|in|among)\s+|(?=\bau))"
    r"(?P<det>(?:un|une|les|des|la|le|son|sa|ses|leur|aux|au"
    r"|leurs|mon|ma|mes|notre|nos|votre|vos|ces|cette|ce|a|an|the|my|our|their)\s+|l['’]\s*)"
    r"(?P<phrase>[^?,;:.!«»()\d]+?)\s*\??\s*$",
    re.IGNORECASE,
)


def scoped_to(question: str) -> str:
    """« Quels financements pour une association sportive ? » → « association sportive »:
    the noun phrase that closes the question after a preposition and a determiner, as
    written; "" for none."""
    match = _SCOPED_TO.search(question)
    if not match:
        # « Comment une association humanitaire peut-elle … ? »: the kind of organisation
        # the question asks about is the subject of its modal verb.
        modal = _SUBJECT_OF_MODAL.search(question) or _OBJECT_OF_HOW.match(question)
        if modal:
            return _noun_phrase(modal.group("phrase"))
        # « Quels pays européens pratiquent … ? »: the kind of thing asked for, a noun and
        # its adjective.
        which = _WHICH_KIND.match(question)
        return _noun_phrase(which.group("phrase")) if which else ""
    if _CLITIC_INFINITIVE.match(match.group("det") + match.group("phrase")):
        return ""  # « pour les utiliser »: an object pronoun, not a determiner
    return _noun_phrase(match.group("phrase"))


_WHICH_KIND = re.compile(
    r"^\W*quel(?:le)?s?\s+(?P<phrase>[^\W\d_][\w’'-]+\s+[^\W\d_][\w’'-]*"
    r"(?:ens|ennes|iens?|iennes?|ains?|aines?|ais|aises|iques?|aux|ales?|ifs?|ives?|aires?"
    r"|elles?|els?))(?![\w’'-])",
    re.IGNORECASE,
)
# « Comment financer une petite association rurale ? »: the object of the infinitive a
# « comment » asks about, a noun phrase closing the question or followed by what it is to
# be brought to do (« Comment convaincre mon conseil d'administration de changer de
# modèle ? »).
_OBJECT_OF_HOW = re.compile(
    r"^\W*(?:et\s+)?comment\s+[^\W\d_]+(?:er|ir|re)\s+(?:un|une|des|son|sa|ses|leur|leurs"
    r"|mon|ma|mes|notre|nos|votre|vos)\s+(?P<phrase>[^?,;:.!«»()\d]+?)"
    r"(?:\s+(?:de|d['’]|à)\s*(?:(?:nous|vous|les|leur|lui|se|s['’]|l['’])\s*)?"
    r"[^\W\d_]+(?:er|ir|re)\b[^?]*)?\s*\??\s*$",
    re.IGNORECASE,
)
_SUBJECT_OF_MODAL = re.compile(
    r"\b(?:une?|des)\s+(?P<phrase>[^?,;:.!«»()\d]+?)\s+"
    r"(?:peu[tv]\w*|doi[tv]\w*|devr\w*|pourr\w*)\b",
    re.IGNORECASE,
)


# What a follow-up's tail asks when it asks nothing of its own (« Et côté fondations, il se
# passe quoi ? », « Et pour les PME, ça donne quoi ? »): a question word and verbs that
# say only « what about it » (analysed).
_VAGUE_TAIL_TERMS = frozenset({"pass", "donn", "march", "sait", "dit", "fait", "neuf"})


@functools.cache
def _figure_verb_terms() -> frozenset[str]:
    return frozenset(analyze("représente représentent pèse pèsent"))


# A tail asking something precise (« Et pour les PME, combien ? » asks a figure).
_PRECISE_ASK = re.compile(
    r"\b(?:combien|quand|qui|pourquoi|quel\w*|lesquel\w*|many|much|when|who|why|which)\b"
)


def _asks_what_of_its_own(question: str, new_subject: str) -> bool:
    """« Et les entreprises, elles proposent quoi ? »: a « quoi » after a verb of its own
    asks what that verb says of the subject — a question of its own; « Et pour les PME, ça
    donne quoi ? », « il se passe quoi ? » ask only « what about it » (_VAGUE_TAIL_TERMS),
    « ça représente quoi ? » the previous question's figure."""
    folded = fold(question).lower()
    if not re.search(r"\bquoi\b", folded):
        return False
    words = set(analyze(folded.rpartition(",")[2] or folded)) - set(analyze(new_subject))
    # « ça représente quoi ? » asks the previous question's figure of the new subject.
    return bool(words - _VAGUE_TAIL_TERMS - _figure_verb_terms())


def without_vague_tail(text: str) -> str:
    """``text`` without a last clause asking only « what about it » (« …, il se passe quoi
    ? », « …, qu'en est-il ? »)."""
    head, comma, tail = text.rpartition(",")
    if (
        comma
        and tail.strip(" ?")
        and not _PRECISE_ASK.search(fold(tail).lower())
        and set(analyze(tail)) <= _VAGUE_TAIL_TERMS
    ):
        return head
    return text


def _rescoped(phrase: str) -> str:
    """The subject a follow-up puts in place of the previous one (« Et côté PME ? » → « pme
    »): a short noun phrase asking nothing of its own — before a tail asking only « what
    about it » (« Et côté fondations, il se passe quoi ? »)."""
    phrase = without_vague_tail(phrase)
    if len(phrase) <= 2 or len(phrase.split()) > 6 or _ASKS.search(phrase):
        return ""
    if _TIME_SCOPE.fullmatch(phrase.strip(" ?!.")):
        return ""  # « Et en 2022 ? »: the same question for another time, no new subject
    return phrase


# A time the previous question is asked again for (on folded text): « en 2022 », « d'ici
# 2030 », « aujourd'hui », « dans dix ans ».
_TIME_SCOPE = re.compile(
    r"(?:(?:en|depuis|avant|apres|vers|pour|d'ici(?: a)?|d’ici(?: a)?|in|since|by|before|after)"
    r"\s+(?:l'an\s+)?(?:19|20)\d{2}|aujourd'hui|aujourd’hui|maintenant|demain|today|now"
    r"|(?:dans|d'ici|d’ici)\s+\w+\s+ans|a l'avenir|a l’avenir)",
    re.IGNORECASE,
)


# « How many partnerships are there … ? », « How many French associations have … ? »: the
# head of an English noun phrase is its last word, before the verb or a preposition. The
# answer reads it as the French term it is a cognate of (selection.written_intent).
_HOW_MANY = re.compile(
    r"\bhow\s+many\s+(?P<np>[a-z][a-z' -]*?)\s+(?:are|is|were|was|do|does|did|have|has|had"
    r"|will|would|can|could|exist|took|take|there|between|in|of|for|with|that|who|from|on)\b"
)


def _counted_in_english(folded: str) -> str:
    match = _HOW_MANY.search(folded.lower())
    word = match["np"].split()[-1] if match else ""
    return "" if word in {"people", "times", "years", "hours"} else word


def _counted(question: str, match: re.Match[str] | None) -> str:
    word = next((g for g in match.groups() if g), "") if match else ""
    return "" if not word or word in _NOT_COUNTED else _as_written(question, word)


# Words an acronym skips (« objectifs de développement durable » → ODD).
_LINKS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "a", "au", "aux"})


def _acronym_initials(phrase: str) -> str:
    """The acronym a phrase would have (« objectifs de développement durable » → « ODD »):
    the initials of its words, links left out."""
    words = [w for w in re.split(r"[\s’']+", phrase) if w and fold(w) not in _LINKS]
    return "".join(fold(w)[0] for w in words).upper()


# Phrases of 3 to 5 words, links aside (« très petites entreprises », « objectifs de
# développement durable »): the ones a text may write as their acronym (« TPE », « ODD »).
_SPELLED_OUT = range(3, 6)
# Degree words belong to the phrase they modify (« très petites entreprises »: TPE).
_DEGREE = frozenset({"tres", "plus", "moins"})


def spelled_out_initials(question: str) -> tuple[str, ...]:
    """The acronyms the question's phrases would have, lowercased (« tpe » for « les très
    petites entreprises »): the search adds those the corpus writes as an acronym."""
    found: set[str] = set()
    # A phrase runs between punctuation and words that are neither links nor content
    # (« sur », « est », « qui »): « l'entreprise sur son territoire » is no phrase.
    for clause in re.split(r"[^\w\s’'-]", question):
        run: list[str] = []
        for word in [*re.findall(r"[^\W\d_][\w-]*", clause), ""]:
            folded = fold(word).lower()
            if folded in _LINKS:
                continue
            if word and (analyze(word) or folded in _DEGREE):
                run.append(folded)
                continue
            found |= {
                "".join(w[0] for w in run[i : i + n])
                for n in _SPELLED_OUT
                for i in range(len(run) - n + 1)
            }
            run = []
    return tuple(sorted(found))


def _counted_phrase(question: str, counted: str) -> str:
    """The question's words from the counted noun on (« objectifs de développement durable
    ont été fixés »): what an acronym of the counted thing (« 17 ODD ») abbreviates."""
    start = question.lower().find(counted) if counted else -1
    if start < 0:
        return ""
    return " ".join(re.findall(r"[^\W\d_][\w-]*", question[start:])[:6])


def _with_complements(question: str, counted: str) -> str:
    """The counted noun and the complements that follow it (« ressources des associations »
    in « … quelle part des ressources des associations vient de fonds européens ? »)."""
    if not counted:
        return ""
    match = re.search(
        re.escape(counted) + r"(?:\s+(?:de la|de l['’]|des|du|de|d['’])\s*[^\W\d_][\w-]*)*",
        question.lower(),
    )
    return match.group() if match else counted


def _as_written(question: str, folded: str) -> str:
    """The question's own word for a folded one (« bénévoles » for « benevoles »): the
    stemmer needs its accents."""
    words = re.findall(r"[^\W\d_][\w-]*", question)
    return next((w.lower() for w in words if fold(w) == folded), folded)


# « Combien sont-ils ? »: a subject pronoun standing for what the previous question counted
# (not « en », which « Et pour les collectivités, en ont-elles ? » uses with a new subject).
_THEY_WORDS = r"\b(?:ils|elles|they)\b|-(?:ils|elles)\b"
_THEY = re.compile(_THEY_WORDS)
# « Combien y en a-t-il ? », « Combien en existe-t-il ? », « Combien en faut-il ? »: « en »
# stands for what the previous question named, as « ils » does (not « en avance », « en
# Alsace »).
_PRONOUN_SUBJECT = re.compile(
    _THEY_WORDS
    + r"|\b(?:y\s+en\s+a|en\s+(?:a|ont|avons|faut|existent|existe|compte|recense|denombre))\b"
)
# The first noun phrase of a question that is no interrogative's (« Quelle place tiennent
# les salariés … » → « salariés »), plural first: « ils » stands for a plural, or for the
# members of what a singular names (« un catalyseur territorial » → catalyseurs).
_PLURAL_NOUN = re.compile(r"\b(?:les|des|ces|leurs|nos|vos)\s+([a-z][\w-]{2,})")
# A new subject that is one plural common noun (« salariés », « les volontaires »).
# « Et côté salariés ? », « Et les salariés ? », « Et du côté des salariés ? », « Et de
# salariés ? » (the « de » of « Combien de … ? », elided; on folded text): the follow-up is
# one plural common noun and nothing else — not a place (« Et pour Paris ? »), a scope
# (« Et chez les jeunes ? »), an adverb (« Et depuis ? ») or « les autres ».
_COUNTABLE = re.compile(
    r"\W*et\s+(?:du\s+cote\s+des\s+|cote\s+(?:des\s+)?|les\s+|des\s+|de\s+|d['’]\s*)"
    r"(?!autres\b|depuis\b|ailleurs\b|alors\b|plus\b|moins\b|tous\b)([a-z][a-z-]{2,}s)\W*"
)
# « Et les PME ? », « Et des ETI ? »: an acronym after a plural article is a plural noun
# (on folded text; the question must write it in capitals). Not after « côté »: « Et côté
# ESS ? » names a sector, not things to count.
_COUNTABLE_ACRONYM = re.compile(r"\W*et\s+(?:les|des|de|du\s+cote\s+des)\s+([a-z]{2,5})\W*")
_NOUN = re.compile(r"\b(?:un|une|le|la|l['’])\s*([a-z][\w-]{2,})")


def intent_in_context(
    intent: Intent, previous_question: str | None, follow_up: bool, question: str = ""
) -> Intent:
    """A follow-up that does not say what it wants (« Et côté salariés ? ») asks for the same
    kind of answer as the question it follows (« Combien de bénévoles … ? »); one counting
    what a pronoun stands for (« Et ils sont combien ? » after a question on « les salariés
    ») counts the previous question's noun."""
    if not (follow_up and previous_question):
        return intent
    inherited = read_intent(previous_question)
    # « Et sur quelle plateforme ? », « Et qui l'a lancé ? »: a question word asks a
    # question of its own, of the kind it asks — not the previous question's kind. « ça
    # donne quoi ? », « what about … ? » re-scope the previous question instead.
    asks_own = bool(_OWN_QUESTION.search(fold(question).lower())) if question else False
    asks_own = asks_own or _asks_what_of_its_own(question, intent.new_subject)
    # « Et ça sert à quoi ? » asks a purpose of its own (intent.why), whatever was asked before.
    if intent.kind == "explain" and not asks_own and not intent.why:
        # « Et la part des financements publics ? » after « Quel est le budget … ? »: the
        # measure it names is the one asked (a share), not the previous question's amount.
        named = _NAMED_MEASURE.match(fold(question).lower())
        measure = _MEASURE_NAMED[named.group(1)] if named else inherited.measure
        kind = "figure" if named else inherited.kind
        intent = replace(intent, kind=kind, measure=measure)
        if named and _MEASURE_ONLY.match(fold(intent.new_subject).strip()):
            intent = replace(intent, new_subject="")
        # « Et côté salariés ? » after « Combien de bénévoles … ? » counts the salariés: a
        # new subject that is a plural noun takes the counted noun's place.
        noun = _COUNTABLE.fullmatch(fold(question)) if intent.new_subject else None
        if intent.new_subject and noun is None:
            acronym = _COUNTABLE_ACRONYM.fullmatch(fold(question))
            written = re.findall(r"[^\W\d_]+", question)
            noun = acronym if acronym and acronym.group(1).upper() in written else None
        # (« Et de temps ? » asks no number of « temps », as « combien de temps » does not.)
        if inherited.counted and noun and not intent.counted and noun.group(1) not in _NOT_COUNTED:
            word = _as_written(question, noun.group(1))
            intent = replace(
                intent,
                counted=word,
                counted_terms=tuple(analyze(word)),
                counted_whole=tuple(analyze(word)),
            )
        elif inherited.counted and not (intent.new_subject or intent.counted or named):
            # « Et en 2022 ? » after « Combien de salariés … ? »: the same count, for another
            # time — it quoted « 240.000 personnes d'ici à 2022 » of another subject.
            intent = replace(
                intent,
                counted=inherited.counted,
                counted_terms=inherited.counted_terms,
                counted_whole=inherited.counted_whole,
                counted_initials=inherited.counted_initials,
            )
    counts_by_pronoun = intent.kind == "figure" and intent.pronoun_subject
    if counts_by_pronoun and not (intent.counted or intent.measure):
        if inherited.counted and not intent.new_subject:
            # « Combien sont-ils ? » after « Combien de bénévoles … ? »: the same thing. Not
            # when the follow-up names a subject of its own the pronoun stands for (« Et pour
            # les collectivités, en ont-elles ? »).
            return replace(
                intent,
                counted=inherited.counted,
                counted_terms=inherited.counted_terms,
                counted_whole=inherited.counted_whole,
                counted_initials=inherited.counted_initials,
            )
        folded = fold(previous_question)
        noun = _PLURAL_NOUN.search(folded) or _NOUN.search(folded)
        if noun and noun.group(1) not in STOP_WORDS:
            word = _as_written(previous_question, noun.group(1))
            intent = replace(intent, counted=word, counted_terms=tuple(analyze(word)))
    return intent


# « Et la part des X ? », « Et le montant ? », « Et la durée ? »: a follow-up naming the
# measure it asks, without a question word (on folded text).
# « Et sa part ? » asks it of what the previous question was about (a possessive).
_MEASURE_WORDS = (
    r"(part|proportion|pourcentage|montant|cout|duree|share|percentage|amount|cost|duration)"
)
_NAMED_MEASURE = re.compile(
    r"^\s*(?:et|and)\s+(?:la|le|l'|the|sa|son|leur|its|their)\s*" + _MEASURE_WORDS + r"\b"
)
# … and nothing else: no new subject (« sa part » is the previous subject's share).
_MEASURE_ONLY = re.compile(r"^(?:la|le|l'|the|sa|son|leur|its|their)\s*" + _MEASURE_WORDS + "$")
_MEASURE_NAMED = {
    "part": "share", "proportion": "share", "pourcentage": "share", "share": "share",
    "percentage": "share", "montant": "money", "cout": "money", "amount": "money",
    "cost": "money", "duree": "duration", "duration": "duration",
}


# --- follow-ups pointing into the previous answer ------------------------------------
_MARKERS = re.compile(r"\s*\[\d{1,3}\]")
_LIST_LINE = re.compile(r"^(?P<indent>\s*)(?:[-•▪◦●*–]|\d{1,2}[.)])\s+(?P<text>.+)$")
# « Sur ce point (« … »), le corpus précise : », whatever the point says (planning's
# Plan.point, as generation's lead_for writes it).
# (… or says no more than the previous answer quoted: planning's ``no_more``.)
_POINT_LEAD = (
    r"(?:Sur ce point \(«(?P<point>.*?)»\), le corpus (?:précise :|n'en dit pas plus que ce"
    r" que citait la réponse précédente :)|On this point \(«(?P<point_en>.*?)»\), the corpus"
    r" \(in French\) (?:adds:|says no more than the previous answer quoted:))"
)
_LEAD = re.compile(
    r"^" + _POINT_LEAD + r"\s*|^[^:\n]{0,60}(?:corpus|note|text)[^:\n]{0,30}:\s*",
    re.IGNORECASE,
)
# What an answer says before a quote of what it points at (« (À propos du rapport …) »,
# « (Suite de « … : ») »): context, not a point.
_ABOUT_LEAD = re.compile(r"^\((?:À propos d|Suite de «|About «|Continuing «).*?\)\s+")


def previous_answer(history: list[Turn]) -> str:
    """The last assistant answer of the conversation ("" when there is none)."""
    return next((t.content for t in reversed(history) if t.role == "assistant"), "")


def listing_turns(history: list[Turn]) -> list[Turn]:
    """The conversation up to the answer whose points an ordinal counts: « Et le premier ? »
    after « Détaille le troisième. » counts the items of the list the third was one of, not
    the sentences that developed it (an answer opening on « Sur ce point (« … ») »)."""
    while _DEVELOPED.match(previous_answer(history)):
        asked = [i for i, turn in enumerate(history) if turn.role == "user"]
        if not asked:
            break
        history = history[: asked[-1]]
    return history


def previous_points(history: list[Turn]) -> list[str]:
    """The points of the last assistant answer, in order (markers removed): its list items
    (the nested ones when a list sits under one point: « - Deux chiffres-clés… :\n  - 82%…
    \n  - 61%… », even one: a list cut to the item that answers), else the items a
    sentence enumerates after a colon (« 4 leviers : les cotisations, les subventions
    publiques, les revenus d'activité et le financement privé »), else its cited
    sentences."""
    answer = previous_answer(history)
    if not answer.strip():
        return []
    items = [
        (len(m.group("indent")), m.group("text"))
        for m in map(_LIST_LINE.match, answer.splitlines())
        if m
    ]
    levels = sorted({indent for indent, _ in items}, reverse=True)
    for level in levels:  # the innermost level that lists two points or more
        points = [_clean(text) for indent, text in items if indent == level and _clean(text)]
        if len(points) >= 2:
            return points
    if len(levels) >= 2 and len(items) == 2:
        # One list quoted under its lead-in, cut to the item that answers (« - 3
        # propositions en restortent :\n  - Après avoir identifié les freins … »): the item
        # is the point, not the lead-in with it.
        item = _clean(items[1][1])
        return [item] if item else []
    body = _ABOUT_LEAD.sub("", _LEAD.sub("", answer.strip(), count=1), count=1)
    # A citation before a colon (« … tendances » [1] : d'abord …) ends no sentence.
    sentences = [_clean(part) for part in re.split(r"(?<=\])\s+(?![:;,.])", body)]
    sentences = [p for p in sentences if len(p) > 3]
    for sentence in sentences:
        enumerated = _enumerated(sentence)
        if enumerated:
            return enumerated
    return sentences


# The items a sentence lists after a colon end at the sentence's end, a bracket or a
# relative clause (« …et alliances stratégiques, qu’il est nécessaire d’articuler… »).
_ENUMERATION = re.compile(r":\s*(?P<items>[^:]+?)(?:\s*\(|,\s*(?:qu|qui|dont|ce qui)\b|[.;!?]|$)")
# Items a semicolon separates (« : faire … ; définir … ; faire émerger … ») may hold commas
# and be longer: the semicolon is the list's own separator.
_SEMICOLON_ENUMERATION = re.compile(r":\s*(?P<items>[^:.!?]+;[^:.!?]+)")
_MAX_ITEM_CHARS = 90
_MAX_SEMICOLON_ITEM_CHARS = 160
# « d'abord …, ensuite …, et enfin … »: the words that order the items are not theirs.
_SEQUENCE_WORD = re.compile(
    r"^(?:(?:et|ainsi que|puis|d['’]abord|ensuite|enfin|and|then|first|finally)\b[\s,]*)+", re.I
)


# « deux risques : l'un technique, l'autre politique »: items that leave out the noun the
# sentence counts before its colon; the point is that noun with what the item says of it
# (« risque politique »), which the passages name.
_ELLIPTIC = re.compile(r"^(?:l['’]une?|l['’]autre|les unes|les uns|les autres)\s+", re.I)
_COUNTED_BEFORE_COLON = re.compile(
    r"\b(?P<count>\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+"
    r"(?P<noun>[^\W\d_][\w-]+)\s*:",
    re.I,
)


def _enumerated(sentence: str) -> list[str]:
    items = _enumerated_items(sentence)
    counted = _COUNTED_BEFORE_COLON.search(sentence)
    if counted and items and all(_ELLIPTIC.match(item) for item in items):
        noun = re.sub(r"(?<=[^s])s$|x$", "", counted.group("noun"))
        return [f"{noun} {_ELLIPTIC.sub('', item)}" for item in items]
    return items


def _enumerated_items(sentence: str) -> list[str]:
    by_commas = _comma_items(sentence)
    # « : A ; B ; C »: the semicolons separate the items — unless the commas before a
    # semicolon list more of them (« : A, B et C ; ils sont complémentaires »).
    by_semicolon = _SEMICOLON_ENUMERATION.search(sentence)
    if by_semicolon:
        parts = [_SEQUENCE_WORD.sub("", p.strip()) for p in by_semicolon.group("items").split(";")]
        parts = [p for p in parts if p]
        if (
            len(parts) >= 2
            and len(parts) > len(by_commas)
            and all(len(p) <= _MAX_SEMICOLON_ITEM_CHARS for p in parts)
        ):
            return parts
    return by_commas


def _comma_items(sentence: str) -> list[str]:
    match = _ENUMERATION.search(sentence)
    if not match:
        return []
    items = match.group("items")
    parts = _cleaned(re.split(r",\s+|\s+et\s+(?=[^,]*$)", items))
    # « autour de 3 axes : A, B, ainsi que C, moteur de … X et Y »: as many items as the
    # sentence counts — the last « et » may be inside an item, and a part opening on no
    # determiner after others that do (« moteur de … ») is an apposition of the one before.
    wanted = _counted_items(sentence)
    if wanted and len(parts) != wanted:
        by_commas = _cleaned(re.split(r",\s+", items))
        for candidate in (by_commas, _appositions_joined(by_commas)):
            if len(candidate) == wanted:
                parts = candidate
                break
    if len(parts) < 2 or any(len(p) > _MAX_ITEM_CHARS for p in parts):
        return []
    return parts


def _cleaned(parts: list[str]) -> list[str]:
    return [p for p in (_SEQUENCE_WORD.sub("", p.strip()) for p in parts) if p]


_DETERMINED = re.compile(
    r"^(?:l['’]|(?:le|la|les|un|une|des|du|leur|leurs|son|sa|ses|ce|cet|cette|ces)\b)", re.I
)


def _counted_items(sentence: str) -> int:
    """How many items the sentence counts before its colon (« 3 axes : », « deux
    risques : »), 0 when it counts none."""
    count = _COUNTED_BEFORE_COLON.search(sentence)
    number = analyze(count.group("count")) if count else []  # « trois » reads as « 3 »
    return int(number[0]) if number and number[0].isdigit() else 0


def _appositions_joined(parts: list[str]) -> list[str]:
    """Parts opening on no determiner joined to the part before, when the others open on
    one (« la confiance », « moteur de l'engagement … »)."""
    if not parts or not _DETERMINED.match(parts[0]):
        return parts
    joined = [parts[0]]
    for part in parts[1:]:
        if _DETERMINED.match(part):
            joined.append(part)
        else:
            joined[-1] = f"{joined[-1]}, {part}"
    return joined


# Nouns that can only point into the previous answer; any other counted noun (« le deuxième
# outil ») must occur in the last question or answer, so « Quel est le premier levier ? »
# asked afresh after an unrelated answer stays a question of its own.
_POINTING_NOUNS = {"point", "element", "aspect", "item", "idee", "passage", "citation"}


def pointed_point(
    history: list[Turn], ordinal: int | None, points_back: bool, noun: str = ""
) -> str | None:
    """The text of the point a follow-up refers to, or ``None``."""
    points = previous_points(history)
    if not points:
        return None
    if ordinal is not None and _counts_other_things(history, noun):
        return None
    if ordinal is not None:
        if ordinal == -1:
            return points[-1]
        return points[ordinal - 1] if 1 <= ordinal <= len(points) else None
    return points[0] if points_back else None


def _counts_other_things(history: list[Turn], noun: str) -> bool:
    """« Et le troisième temps ? »: an ordinal whose noun is no pointing word and that the
    last question and answer never named counts things of the note, not the answer's."""
    if not noun or fold(noun) in _POINTING_NOUNS:
        return False
    exchange = " ".join(t.content for t in history[-2:])  # last question and answer
    return not set(analyze(noun)) & set(analyze(exchange))


def names_ordinal(text: str, intent: Intent) -> bool:
    """« Dans un troisième temps, des sessions … » for « Et le troisième temps ? »: the text
    writes the ordinal asked with the noun it counts (not a pointing noun: « le deuxième
    point » names the answer's point, which the note does not number)."""
    noun = fold(intent.ordinal_noun).lower()
    if not noun or intent.ordinal is None or intent.ordinal < 1 or noun in _POINTING_NOUNS:
        return False
    words = "|".join(w for w, n in _ORDINALS.items() if n == intent.ordinal)
    written = rf"\b(?:{words})\s+{re.escape(noun.rstrip('s'))}s?\b"
    return re.search(written, fold(text).lower()) is not None


_BULLET_LINE = re.compile(r"^\s*[•▪◦●■\-–*]")


def names_rank(text: str, intent: Intent) -> bool:
    """Whether ``text`` says which thing comes at the rank asked (« Quel est le cinquième axe
    de … ? »): it writes the ordinal with the noun (:func:`names_ordinal`; « le premier des
    3 leviers », « une 3ème « économie passerelle » » too), or counts as many of them or
    more and names them after a colon (« … trois axes complémentaires : ▪ Côté recherche …
    ▪ Coté terrain … », items on lines or between commas). « Elle se décline autour de 6
    axes. » counts them and names none."""
    noun = fold(intent.ordinal_noun).lower().rstrip("s")
    if not noun or intent.ordinal is None or intent.ordinal == 0:
        return False
    folded = fold(text).lower()
    words = "|".join(w for w, n in _ORDINALS.items() if n == intent.ordinal)
    # names_ordinal's reading (« Deuxième levier »), and « une 3ème « économie passerelle »
    # », « le premier des 3 leviers ».
    ranked = rf"\b(?:{words})\s+(?:«\s*|des\s+{_HOW_MANY_WORD}\s+)?{re.escape(noun)}s?\b"
    if re.search(ranked, folded):
        return True
    announced = rf"\b(?P<n>{_HOW_MANY_WORD})\s+{re.escape(noun)}s?\b[^:.!?]{{0,80}}:"
    for match in re.finditer(announced, folded):
        # (analyze reads « trois » as « 3 »; « neuf » may be « new »: not a count.)
        count = analyze(match["n"])
        if not count or not count[0].isdigit() or int(count[0]) < intent.ordinal:
            continue
        rest = folded[match.end() :]
        bullets = [line for line in rest.split("\n") if _BULLET_LINE.match(line)]
        sentence = re.split(r"[.!?](?:\s|$)", rest, maxsplit=1)[0]
        inline = len(re.split(r",|\s+et\s+", sentence))
        if max(len(bullets), inline) >= max(intent.ordinal, 2):
            return True
    return False


# « Quel est le cinquième axe de … ? »: which thing comes at a rank is asked (on folded
# text; Intent.rank_asked).
_WHICH_NTH = re.compile(
    r"^\W*(?:et\s+)?quel(?:le)?s?\s+(?:est|etait|sera|sont)\s+(?:le|la|l')\s*(?:"
    + "|".join(sorted(_ORDINALS, key=len, reverse=True))
    + r")\s+[a-z]"
)



def ordinal_counting(intent: Intent, previous: str) -> Intent:
    """« Détaille le deuxième. », « … le deuxième point » after « Quels sont les trois
    leviers … ? »: the ordinal counts the things the previous question asked for (« Deuxième
    levier, les ressources financières … »); ``intent`` as it is when it names its own noun
    (« le troisième temps ») or the previous question asked for no things."""
    own = fold(intent.ordinal_noun)
    if not intent.ordinal or (own and own not in _POINTING_NOUNS) or not previous:
        return intent
    noun = items_noun(previous)
    return replace(intent, ordinal_noun=noun) if noun else intent


def _no_such_point(turns: list[Turn], intent: Intent) -> int:
    """« Développe le troisième point » after an answer of fewer points: how many the
    previous answer has (0 when it lists none), or -1 when the ordinal counts something
    else than its points (« Et le troisième temps ? », « Et la troisième édition ? » ask
    the note, not the answer)."""
    noun = fold(intent.ordinal_noun)
    points = len(previous_points(turns))
    if noun in _POINTING_NOUNS:
        return points if points >= 2 else 0
    # A bare ordinal (« Et le troisième ? ») points into an answer that lists points; any
    # other noun (« Et la troisième édition ? ») counts things of the note, even when the
    # exchange named them: the note is asked, not the answer.
    if not noun and points >= 2:
        return points
    return -1


def _clean(text: str) -> str:
    return _ABOUT_LEAD.sub("", _MARKERS.sub("", text).strip(" ;,"), count=1)


# --- the search ----------------------------------------------------------------------
_FOLLOW_UP_START = re.compile(
    r"^\s*(et|mais|alors|aussi|pareil|idem|ou|and|but|what about|how about|same)\b", re.I
)
_ANAPHORA = re.compile(
    r"\b(il|elle|ils|elles|celui|celle|ceux|cela|ça|ce dernier|cette derniere|ces derniers|"
    r"leur|leurs|en|y|it|they|them|this|that|these|those|its|their)\b",
    re.I,
)


# « Que propose-t-elle ? », « Qui l'a créée ? », « Depuis quand existe-t-il ? »: an object or
# subject pronoun standing for what the previous question asked about (on folded text).
_OBJECT_CLITIC = re.compile(r"\bl['’]\s*(?:a|ont|avait|avaient|aura|est)\b|-t-(?:il|elle)s?\b")


def refers_back(question: str) -> bool:
    """Whether a follow-up names what it asks about by a pronoun (« y », « l' », « il »,
    « -t-elle »): the previous question's subject is then what it is about."""
    folded = fold(question)
    return bool(_ANAPHORA.search(folded) or _OBJECT_CLITIC.search(folded))


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
    {
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "et",
        "ou",
        "en",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "qui",
        "que",
        "quoi",
        "comment",
        "combien",
        "pourquoi",
        "est",
        "what",
        "how",
        "which",
        "who",
        "why",
        "when",
        "is",
        "are",
        "the",
        "a",
        "an",
        "i",
        "in",
        "of",
        "and",
        "does",
        "do",
        "did",
        "note",
        "corpus",
        "french",
        "english",
        "european",
    }
)


# A numbered edition of a name (« la 6e Rencontre », « the 3rd Forum »): the note may name
# other editions of it, not this one.
_EDITION = re.compile(
    r"\b\d{1,3}\s*(?:e|è|ème|eme|éme|ieme|ième|er|re|ère|th|st|nd|rd)\s+[A-ZÉÈÀÂÎÔ][\w’'-]*"
)


def asked_names(question: str) -> list[str]:
    """The names of ``question`` (« Fondation de France », « CESE », « la 6e Rencontre »),
    in order."""
    found = [match.group() for match in _EDITION.finditer(question)]
    for match in _NAME.finditer(question):
        name = re.sub(r"['’]s$", "", match.group(1).strip())  # « the Fonjep's studies »
        if fold(name).lower() not in _NOT_NAMES and len(name) > 1:
            found.append(name)
    return list(dict.fromkeys(found))


# Where in the document the question asks (« d'après le webinaire », « selon l'introduction »,
# « la partie sur les spécificités … »): a part of the note, named as its heading names it.
_NAMED_PART = re.compile(
    r"\b(?:d.apres|selon|according to|(?:la|une|cette) (?:partie|section|rubrique)"
    r"|le chapitre|the (?:part|section|chapter))\s+(?:(?:sur|consacree?s? a|about|on)\s+)?"
    r"(?P<part>[^?!.;:,«»\"()]+)"
)
_MAX_PART_WORDS = 8
# The part every document opens on, whatever its heading (analysed).
_OPENING_PARTS = frozenset({"introduct", "preambul", "prefac"})


def named_part(question: str) -> tuple[str, ...]:
    """The analysed words of the part of the note a question names (() when none)."""
    match = _NAMED_PART.search(fold(question).lower())
    if match is None:
        return ()
    words = match.group("part").split()
    return tuple(analyze(" ".join(words[:_MAX_PART_WORDS])))


# The plural interrogative and the noun it asks for, past what only qualifies it (« quelles
# grandes tendances », « quels sont les deux axes », « quels types d'acteurs »).
_ASKED_ITEMS = re.compile(
    _WHICH_ARE
    + r"(?:(?:deux|trois|quatre|cinq|\d+|grande?s|principa(?:les|ux)|autres|nouveaux|nouvelles"
    r"|premier(?:e)?s|different(?:e)?s|(?:formes?|" + _KIND_WORDS + r") d[e'])\s*)*+"
    r"(?P<noun>[a-z][a-z-]{2,})"
    # « What are the risks of … ? », « Which are the main levers … ? »
    r"|\b(?:what|which)\s+(?:are|were)\s+(?:the|its|their)\s+"
    r"(?:(?:two|three|four|five|\d+|main|key|major|other|new)\s+)*+(?P<noun_en>[a-z][a-z-]{2,})"
)


# « un exemple d'association », « des exemples de plateformes »: the kind of thing each
# example must be.
_EXAMPLE_OF = re.compile(
    r"\b(?:exemples?|examples?|(?<!en )cas)\s+(?:concrets?\s+)?(?:d[e']|of)\s*"
    r"(?:(?:grande?s?|petite?s?|nouveaux|nouvelles|autres|types? d[e'])\s*)*+"
    r"(?P<noun>[a-z][a-z-]{2,})"
)


# « Quel nouveau cycle prend le relais … ? », « Quelle plateforme … a été lancée … ? »: the
# singular interrogative and the noun it asks one of (not « quel est … », « quel(le)s … »).
_ASKED_ONE = re.compile(
    r"\bquel(?:le)?\s+(?!(?:est|etait|sera|serait|fut|a|sont)\b)"
    r"(?:(?:grande?|petite?|nouvel(?:le)?|nouveau|autre|principale?|premiere?|seule?)\s+)*+"
    r"(?P<noun>[a-z][a-z-]{2,})"
)


def asked_one(question: str) -> str:
    """The analysed noun a question asks one of (« Quel nouveau cycle … ? » → « cycl »), ""
    when it asks for no one thing."""
    return _head_noun(_ASKED_ONE, question)


def _head_noun(pattern: re.Pattern[str], question: str) -> str:
    """The analysed ``noun`` group of ``pattern`` in the folded question (or ``noun_en``, an
    English question's, which the answer reads through its cognate), "" when none."""
    match = pattern.search(fold(question))
    noun = (match.group("noun") or match.groupdict().get("noun_en") or "") if match else ""
    terms = analyze(noun)
    return terms[0] if terms else ""


def items_noun(question: str) -> str:
    """The noun, folded as written, that a question asking for several things asks for
    (« Quels sont les trois leviers … ? » → « leviers »), "" when none: what « le deuxième »
    after it counts."""
    match = _ASKED_ITEMS.search(fold(question))
    return (match.group("noun") or "") if match else ""


def asked_items(question: str) -> str:
    """The analysed head noun of a question asking for several things (« Quelles grandes
    tendances … ? » → « tendanc »), "" when it asks for no plural list."""
    return _head_noun(_ASKED_ITEMS, question)


def example_of(question: str) -> str:
    """The analysed kind of thing a question asks examples of (« un exemple d'association »
    → « associ »), "" when it asks for none."""
    return _head_noun(_EXAMPLE_OF, question)


def example_qualifier(question: str) -> str:
    """The analysed word qualifying the thing a question asks examples of (« des exemples de
    nouvelles approches économiques » → « econom »): examples may be kinds of it (« économie
    de la fonctionnalité, économie circulaire … »). "" when none."""
    folded = fold(question)
    match = _EXAMPLE_OF.search(folded)
    after = folded[match.end() :].split()[:1] if match else []
    terms = analyze(after[0]) if after and len(after[0]) > 3 else []
    return terms[0] if terms else ""


# Who or what the question's answer is attributed to, up to the clause's end or a second
# question (« selon le webinaire et quels acteurs … »).
_QUALIFIER = re.compile(
    r"\b(?:selon|d.apr[eè]s|according to)\s+(?P<source>[^,?!.;:]+?)"
    r"(?=\s+(?:et|and)\s+(?:qu|comment|combien|pourquoi|o[uù]\b|when|how|wh)|[,?!.;:]|$)"
)


# A person's name (who says something): two words or more, each capitalised and not an
# acronym (« Charles-Benoît Heidsieck », « Gabriel Attal »; not « MOOC », « Le RAMEAU »).
_CAPITALISED = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*"
_PERSON = re.compile(rf"{_CAPITALISED}(?:\s+{_CAPITALISED})+")
# The corpus named as such in a question (« la note », « le texte », « ce corpus »).
_THE_NOTE = re.compile(r"\b(?:la|cette|ta|votre) note\b|\b(?:le|ce|ton|votre) (?:texte|corpus)\b")
# A verb of saying or showing: its subject is who says it (« Qu'a dit X sur le mécénat ? »,
# « Quelles tendances X a-t-il mises en avant ? »), what is asked is what was said.
_SAYS = re.compile(
    r"\b(?:dit|dire|declare|explique|souligne|annonce|rappele?|pense|estime|partage"
    r"|mis(?:es?)? en (?:avant|exergue|lumiere)|said|say|says|stressed|highlighted)\b"
)


# What the word before a saying word makes of it: a noun (« l'annonce », « le partage »)
# or a saying asked of the assistant (« Peux-tu me dire … »), no one saying in the question.
_NOT_SAYING = frozenset(
    {"le", "la", "l", "un", "une", "du", "de", "d", "ce", "cet", "cette", "son", "sa", "leur"}
    | {"quel", "quelle", "quels", "quelles", "me", "m", "nous"}
)


def _says(folded: str) -> bool:
    """Whether the (folded) question has a verb of saying (``_SAYS``), not a noun."""
    for match in _SAYS.finditer(folded):
        before = re.findall(r"\w+", folded[: match.start()])
        if not before or before[-1] not in _NOT_SAYING:
            return True
    return False


# What the question sets aside (« À part les subventions, quelles ressources … ? »): the
# answer is about the others, the thing set aside only places them.
_SET_ASIDE = re.compile(
    r"\b(?:a part|outre|en dehors d(?:e la|e l'|e l’|es|u|e)|hormis|sauf|excepte"
    r"|besides|apart from|other than|except)\s+(?P<source>[^,?!.;:]+?)(?=[,?!.;:]|$)"
)


def set_aside_terms(question: str) -> frozenset[str]:
    """The terms of what the question sets aside (« À part les subventions, quelles
    ressources … ? »: « subvent ») that the rest of the question does not hold."""
    text = fold(question)
    sources = [m.group("source") for m in _SET_ASIDE.finditer(text)]
    if not sources:
        return frozenset()
    return frozenset(analyze(" ".join(sources))) - set(analyze(_SET_ASIDE.sub(" ", text)))


# A sentence saying what the asker needs of the answer (« Il me faut l'année de départ pour
# ma diapo d'introduction. », « J'ai besoin de la liste pour un module. »), beside the one
# that asks: the setting of the request, not what it is about. (« Merci de préciser la
# source. » asks for something more: it stays.)
_NEED = re.compile(
    r"^(?:il me (?:faut|faudrait)|j.ai besoin|je (?:cherche|veux|voudrais|souhaite)"
    r"|j.aimerais|i need|i.d like)\b"
)


# A greeting, and the asker's own role, opening the question (« Bonjour, je suis trésorière
# d'une association sportive : … »): the organisation stays, it may be what the question is
# about (« Je dirige une association d'environnement : quel outil … ? » asks the
# environment's).
_GREETING = re.compile(r"^\W*(?:bonjour|bonsoir|salut|hello|hi)\b[\s,!.:;]*", re.IGNORECASE)
_WHO_ASKS = re.compile(
    r"^(?:je\s+suis|nous\s+sommes)\s+(?:[^\W\d_][\w’'-]*\s+){1,3}?"
    r"(?=(?:d['’]|de\s+la|du|des|dans|chez|au\s+sein)\b)",
    re.IGNORECASE,
)


def without_setting(question: str) -> str:
    """The question without the sentences saying what the asker needs the answer for, when
    another sentence asks. Searched and weighed, « Il me faut l'année de départ pour ma diapo
    d'introduction » pulled in what shares its words (« A partir de 2018 … » over « Depuis
    2008, Le RAMEAU mène … »); the kind of answer is still read on the whole question.
    Nor a greeting and who the asker is, before what they ask: « Bonjour, je suis trésorière
    d'une association sportive : comment diversifier nos financements ? » said it found
    nothing (« trésorière », « sportive » are no words of the note)."""
    rest = _GREETING.sub("", question.strip(), count=1)
    rest = _WHO_ASKS.sub("", rest, count=1)
    if rest != question.strip() and rest.rstrip().endswith("?") and analyze(rest):
        question = rest
    sentences = re.split(r"(?<=[.?!])\s+(?=[^\W\d_])", question.strip())
    if len(sentences) < 2 or not any(s.rstrip().endswith("?") for s in sentences):
        return question
    kept = [
        s
        for s in sentences
        if s.rstrip().endswith("?") or not _NEED.match(s.lower().replace("’", "'"))
    ]
    return " ".join(kept)


def qualifying_terms(question: str) -> frozenset[str]:
    """The terms of who says what is asked — « selon X », « d'après X », « according to X »,
    the names a verb of saying has for subject — that the rest of the question does not
    hold (« Quelles formes d'économie coexistent d'après le webinaire ? »: « webinaire »; a
    passage answers about the forms of economy, wherever the webinar is named)."""
    # Read with its accents, as the question's terms are (the stem of « après » is not
    # that of « apres »).
    text = question.lower().replace("’", "'")
    # The word introducing who says it is theirs too (« après » of « d'après », no time).
    sources = [m.group(0) for m in _QUALIFIER.finditer(text)]
    rest = _QUALIFIER.sub(" ", text)
    # « Quels outils la note recommande-t-elle ? »: the note is who says it, asked of itself.
    sources += _THE_NOTE.findall(rest)
    rest = _THE_NOTE.sub(" ", rest)
    if _says(fold(question)):
        for name in filter(_PERSON.fullmatch, asked_names(question)):
            sources.append(name)
            rest = rest.replace(name.lower(), " ")
    if not sources:
        return frozenset()
    return frozenset(analyze(" ".join(sources))) - set(analyze(rest))


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
    asked: list[str] = field(init=False)  # analyze(focus_text): what names a section
    years: list[str] = field(init=False)  # the years the user's question names
    days: list[str] = field(init=False)  # … and the days of a month (« 19 septembre »)
    titles: tuple[tuple[str, ...], ...] = field(init=False)  # … and its titles, analysed
    # A follow-up pointing into the previous answer: that answer's words (its quotes are not
    # quoted again) and the point's (a list holding it is cut to its item); tokens().
    excluded: frozenset[str] = frozenset()
    pointed: frozenset[str] = frozenset()
    rescoped: frozenset[str] = frozenset()  # the new subject's own terms (see reads)
    # « Développe le troisième point » when the previous answer has fewer: how many points
    # it has (0: it lists none); -1 when the follow-up points to no missing point.
    no_such_point: int = -1
    # « Et la dernière ? » after an answer of three points: how many points it has, and
    # which one is asked (0-based, -1 for the last) — a list of the note with as many items
    # is pointed into at the same place when the answer's words are not the note's.
    points: int = 0
    point_index: int = 0
    # The point's terms that set it apart from the answer's other points (« technique » of
    # « risque technique » beside « risque politique »): what names the point; all its terms
    # when the others share them all.
    point_terms: frozenset[str] = frozenset()
    # « Et avec les autres associations ? » after a question on associations: the new subject
    # has no term of its own, it is the phrase (tokens, plural « s » dropped) that is new.
    rescoped_phrase: tuple[str, ...] = ()
    lexical_terms: list[str] = field(init=False)  # analyze(lexical), in order
    defined: tuple[str, ...] = field(init=False)  # « c'est quoi X ? »: X's terms
    part: tuple[str, ...] = field(init=False)  # « d'après le webinaire »: that part's terms
    initials: tuple[str, ...] = field(init=False)  # the acronyms its phrases would have
    opening: bool = field(init=False)  # « d'après l'introduction »: a document's opening
    # « selon le webinaire », « d'après Le RAMEAU »: who or what says it, not what is asked
    # about — its own terms (those the rest of the question does not also hold).
    qualifying: frozenset[str] = field(init=False)
    set_aside: frozenset[str] = field(init=False)  # « à part X »: X's own terms
    asking: frozenset[str] = field(init=False)  # « quels outils existent »: « existent »
    # « Quelles grandes tendances … ? », « À quels enjeux … ? »: the things asked for, several
    # of them (the head noun after the plural interrogative, analysed); "" otherwise.
    asked_items: str = field(init=False)
    # « Quel nouveau cycle … ? »: the thing it asks one of, which a unit names (« le cycle «
    # ODD & innovations sociétales … » »); "" otherwise.
    asked_one: str = field(init=False)
    example_of: str = field(init=False)  # « un exemple d'association »: « associ »
    example_kinds: str = field(init=False)  # « … d'approches économiques »: « econom »
    # « Et pour une petite association ? », « … pour une petite association ? »: the subject
    # the question moves or is scoped to, as the user wrote it (« petite association »), what
    # the answer names when the note never speaks of it; "" for none.
    subject: str = ""

    def reads(self, intent: Intent) -> SearchQuery:
        """What the question asks, and the subject a follow-up moves to (« Et côté PME ? »
        after a question on academic actors: its own words, not the previous question's)."""
        self.intent = intent
        text = self.focus_text
        self.subject = (
            subject_as_written(text, intent.new_subject) if intent.new_subject else scoped_to(text)
        )
        # The new subject's words as the question writes them: « salariés » folded to
        # « salaries » stems apart (« salar » / « salari »).
        written = as_written_phrase(text, intent.new_subject) or intent.new_subject
        moved = set(analyze(written)) - set(analyze(self.previous))
        self.rescoped = frozenset(moved)
        phrase = singular_tokens(intent.new_subject)
        while phrase and phrase[0] in _SLOT_WORDS:
            phrase = phrase[1:]
        if intent.new_subject and not moved and not contains_run(
            singular_tokens(self.previous), phrase
        ):
            self.rescoped_phrase = tuple(phrase)
        return self


    def __post_init__(self) -> None:
        self.lexical_terms = analyze(self.lexical)
        self.asked = analyze(self.focus_text)
        self.years = years_in(self.focus_text)
        self.days = days_in(self.focus_text)
        self.titles = titles_in(self.focus_text)
        self.defined = asked_term(self.focus_text)
        self.part = named_part(self.focus_text)
        self.initials = spelled_out_initials(self.focus_text)
        self.opening = bool(set(self.part) & _OPENING_PARTS)
        self.qualifying = qualifying_terms(self.focus_text)
        self.set_aside = set_aside_terms(self.focus_text)
        self.asking = asking_terms(self.focus_text)
        self.asked_items = asked_items(self.focus_text)
        self.asked_one = asked_one(self.focus_text)
        self.example_of = example_of(self.focus_text)
        self.example_kinds = example_qualifier(self.focus_text)

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


# The lead of an answer developing a point (« Sur ce point (« alliances stratégiques »), le
# corpus précise : … »).
_DEVELOPED = re.compile(r"^\s*" + _POINT_LEAD)


def last_question(history: list[Turn]) -> str:
    """The question the follow-up continues ("" when there is none): the conversation's
    previous user question, with two readings.

    - One that asked to develop a point (« Développe le dernier. ») stands for that point,
      which its answer names in its lead: « Et pour une fondation ? » then asks about
      « alliances stratégiques » for a foundation, not about « développe le dernier ».
    - One that only re-scoped the question before it (« Et pour une fondation ? ») stands
      for that question: « Et pour une entreprise ? » next re-scopes the same question, and
      asks its kind of answer (a number, after « Combien de bénévoles … ? »), where it was
      read as « Et pour une fondation ? Et pour une entreprise ? »."""
    asked = [t.content for t in reversed(history) if t.role == "user" and t.content.strip()]
    if not asked:
        return ""
    developed = _DEVELOPED.match(previous_answer(history))
    if developed and (point := (developed["point"] or developed["point_en"] or "").strip()):
        return point
    return next((q for q in asked if not _only_rescopes(q)), asked[0])


def _only_rescopes(question: str) -> bool:
    """« Et pour une fondation ? », « Et côté PME ? », « Et de salariés ? »: a new subject
    for the previous question, and no question of its own (« Et pour les PME, combien ? »
    asks one)."""
    folded = fold(question).lower()
    if _COUNTABLE.fullmatch(folded):  # « Et de salariés ? », « Et les salariés ? »
        return True
    return bool(_FOR_X_SLOT.match(folded)) and not _OWN_QUESTION.search(folded)


# « Donne-moi un chiffre clé sur … », « Cite une étude sur … », « Peux-tu me trouver un
# exemple … » (on folded text): the request's wrapper, an imperative of giving or saying,
# opens the question and names nothing it is about. Searched with it, « Donne-moi un
# chiffre clé sur les partenariats associations-entreprises » met the MOOC's « 4 modules
# de 2 heures » first (the wrapper moves the question's vector), and « cite » — a word the
# note never writes — made « Cite une étude sur les partenariats » abstain.
_REQUEST = re.compile(
    r"^\W*(?:(?:s['’]il (?:te|vous) plait|stp|svp|merci de)\W+)?"
    r"(?:(?:(?:peux|pourrais|pouvez|pourriez)[- ](?:tu|vous)|tu peux|vous pouvez"
    r"|j['’]aimerais|je voudrais|je souhaite)\s+(?:me\s+|nous\s+|m['’]|n['’])?)?"
    r"(?:donne|donner|donnez|cite|citer|citez|trouve|trouver|trouvez|indique|indiquer"
    r"|indiquez|fournis|fournir|fournissez|rappelle|rappeler|rappelez|give|find|quote)"
    r"(?:[- ](?:moi|nous|me|us))?\s+"
    # « … une citation sur l'hybridation »: a quote of the note on it, the topic.
    r"(?:(?:une|des|quelques|a|some)\s+(?:citations?|quotes?)\s+(?:sur|about|on|de|du|des|d['’])\s*)?"
    # « Quelles citations puis-je utiliser pour illustrer l'hybridation ? », « Quelles
    # phrases clés retenir sur … ? »: a trainer asking for the note's words on a topic.
    r"|^\W*quel(?:le)?s\s+(?:citations?|phrases?(?:[- ]cles?)?|extraits?|verbatims?)\s+"
    r"(?:(?:puis|peux|pourrais|peut|pourrait|pouvons|pourrions)[- ](?:je|tu|on|nous)\s+)?"
    r"(?:(?:utiliser|citer|retenir|reprendre|garder)\s+)?"
    r"(?:pour\s+(?:illustrer|presenter|expliquer|parler\s+d(?:e|u|es))\s+|sur\s+"
    r"|a\s+propos\s+d(?:e|u|es)\s+)"
)


# « Chez quel éditeur ? », « Avec qui ? », « Par quelle structure ? » (on folded text): the
# question asks the complement its opening preposition introduces.
_SLOT_ASKED = re.compile(
    r"^\W*(?:et\s+)?(?P<prep>chez|avec|par|aupres d(?:e|u|es)|sur|dans)\s+"
    r"(?:quel(?:le)?s?|qui|lequel|laquelle|lesquel(?:le)?s)\b"
)


def asked_slot(question: str) -> str:
    """The preposition whose complement the question asks (« Chez quel éditeur ? » →
    « chez »), folded; "" when it opens on none."""
    match = _SLOT_ASKED.match(fold(question))
    return match.group("prep") if match else ""


def without_request(question: str) -> str:
    """The question without the request it is wrapped in (« Donne-moi un chiffre sur X »
    → « un chiffre sur X »); the question itself when it has none."""
    wrapper = _REQUEST.match(fold(question))
    rest = question[wrapper.end() :].strip() if wrapper else ""
    return rest if analyze(rest) else question


def build_search_query(question: str, history: list[Turn] | None) -> SearchQuery:
    """Rewrite an elliptic follow-up with the conversation's previous user question."""
    # « Et côté PME ? », « Et au niveau local ? »: the words opening the slot the new subject
    # fills are no terms of the question (« aux côtés des … », « Au plus haut niveau de
    # l'Etat … » are about nothing asked). fold() keeps the text's length.
    slot = _FOR_X_SLOT.match(fold(question).lower())
    # « Et côté fondations, il se passe quoi ? »: the tail asks nothing of its own.
    own = without_vague_tail(question[slot.end() :]) if slot else question
    terms = analyze(own) or analyze(question)
    last = last_question(history or [])
    elliptic = bool(last) and (
        len(terms) <= 3
        or bool(_FOLLOW_UP_START.match(question))
        or (len(terms) <= 6 and bool(_ANAPHORA.search(fold(question))))
    )
    english = looks_english(question)
    if not elliptic:
        asked = without_request(question)
        terms = analyze(asked) if asked is not question else terms
        return SearchQuery(asked, asked, {}, False, terms, question, english, last)
    topic = _NEW_TOPIC.match(question)
    if topic and terms and not _ASKS.match(fold(question[topic.end() :]).lower().strip()):
        return SearchQuery(question, question, {}, True, terms, question, english, last)
    weights = {t: 2.0 for t in terms}
    context = _with_its_subject(last, history or [])
    text = swapped_slot(context, question) or f"{context} {question}"
    return SearchQuery(text, text, weights, True, terms, question, english, last)


def _with_its_subject(last: str, history: list[Turn]) -> str:
    """The previous question as searched: « Combien sont-ils ? » names its subject by a
    pronoun only, and was searched with the question before it (« Qu'est-ce qu'un
    catalyseur territorial ? »). « Et qui les forme ? » next is searched with both: with
    « Combien sont-ils ? » alone, it quoted a list of the cycle's titles. So is « En quelle
    année ? » after « Qui l'a lancée ? » (an object pronoun)."""
    at = next(
        (i for i in range(len(history) - 1, -1, -1) if history[i].role == "user"), None
    )
    if at is None or history[at].content != last:
        return last  # a developed point or a re-scoped question: already what it stands for
    own = analyze(last)
    if len(own) > 3 or not refers_back(last) or _only_rescopes(last):
        return last
    return build_search_query(last, history[:at]).text


# « Et avec les entreprises ? » after « Avec quels acteurs les associations nouent-elles des
# partenariats ? »: the follow-up fills the slot its preposition opens in the previous
# question — « quels acteurs » gives way to « les entreprises », and the previous object
# (« avec les entreprises » before « Et avec les autres associations ? ») is not searched
# any more. The slot is the preposition, its determiner and one noun with an adjective.
_SLOT_PREPOSITIONS = ("avec", "pour", "chez", "aupres de", "aupres des", "dans", "entre")
_SLOT = r"(?:(?:quel\w*|les|des|la|le|l['’]|un|une|d['’]autres|ses|leurs?)\s*)?[\w’'-]+"
_ADJECTIVE = r"(?:\s+[\w-]{3,}(?:aux|ale?s?|iques?|elle?s?|ifs?|ives?|ee?s?|aires?))?"


def swapped_slot(previous: str, question: str) -> str:
    """The previous question with the slot the follow-up's preposition names filled by the
    follow-up's phrase, or "" when the follow-up opens on no such preposition or the
    previous question has none."""
    folded = fold(question)
    phrase = re.match(r"^\s*(?:et|and)\s+(.+?)\s*\??\s*$", folded)
    if not phrase:
        return ""
    opening = next((p for p in _SLOT_PREPOSITIONS if phrase.group(1).startswith(p + " ")), "")
    if not opening:
        return ""
    slot = re.search(rf"\b{opening}\s+{_SLOT}{_ADJECTIVE}", fold(previous), re.I)
    if slot is None:
        return ""
    # fold() keeps the length of the text: the offsets hold in the texts as written.
    filler = question[phrase.start(1) : phrase.end(1)]
    return previous[: slot.start()] + filler + previous[slot.end() :]


# « Développe », « parle-moi davantage », « elle dit quoi », « le deuxième » alone: words that
# ask for more of the point, not a topic of their own.
_ASKS_MORE = re.compile(
    r"\b(?:developpe\w*|detaille\w*|davantage|parle\w*|precise\w*|explique\w*|dit|dis"
    r"|raconte\w*|passe|represente\w*|stp|tell|more|expand|elaborate|" + _POINT + r"s?)\b"
)
_ORDINAL_WORD = re.compile(r"\b(?:" + "|".join(_ORDINALS) + r")\b")


def own_terms(point: str, points: list[str]) -> frozenset[str]:
    """The terms of ``point`` no other of ``points`` holds; all of them when none is its own."""
    terms = set(analyze(point))
    others = {t for p in points if p != point for t in analyze(p)}
    return frozenset(terms - others or terms)


def point_query(question: str, point: str, history: list[Turn], noun: str = "") -> SearchQuery:
    """« Détaille le deuxième point »: search the point's own words, and those of the
    question that name something (« c'est quoi ce métier ? ») — not those that ask for more
    of it (« détaille », « point »). An ordinal is kept with the noun it counts (« le
    troisième temps », which the note may write as such), not alone (« Et la dernière ? »
    stands for the point itself)."""
    last = last_question(history)
    terms = analyze(point)
    own = _ASKS_MORE.sub(" ", fold(question))
    if not noun or _ASKS_MORE.fullmatch(fold(noun)):
        own = _ORDINAL_WORD.sub(" ", own)
    terms += [t for t in analyze(own) if t not in terms]
    # A short point (« le financement privé », one item of an enumeration) is searched with
    # the question that listed it, which says what it is an item of.
    text = f"{point} {last if len(point) < 120 else ''} {question}"
    lexical = f"{point} {own}"
    return SearchQuery(
        text, lexical, {}, True, terms, question, looks_english(question), last, point
    )


def understand(question: str, turns: list[Turn]) -> SearchQuery:
    """The question as every step reads it: the search (with the follow-up resolved) and
    the kind of answer asked, inherited from the previous question for « Et pour X ? »."""
    intent = read_intent(question)
    if intent.ordinal is not None:
        turns = listing_turns(turns)
    point = (
        pointed_point(turns, intent.ordinal, intent.points_back, intent.ordinal_noun)
        if turns
        else None
    )
    asked = without_setting(question)
    query = (
        build_search_query(asked, turns)
        if point is None
        else point_query(question, point, turns, intent.ordinal_noun)
    )
    query.reads(intent_in_context(intent, query.previous, query.follow_up, question))
    stands_for = [t for t in query.intent.counted_terms if t not in query.focus_terms]
    if (
        stands_for
        and query.weights
        and not intent.new_subject
        and _THEY.search(fold(question).lower())
        and read_intent(query.previous).counted_terms == query.intent.counted_terms
    ):
        # « Combien sont-ils aujourd'hui ? »: « ils » stands for the counted noun, asked as if
        # written (« combien de bénévoles aujourd'hui ») — searched and weighed as the
        # follow-up's own words, not as the previous question's context.
        query.focus_terms = [*query.focus_terms, *stands_for]
        query.weights = query.weights | {t: 2.0 for t in stands_for}
    searched = _SEARCHED_WITH.get(query.intent.asks_for, "")
    if query.intent.agent_of:
        # « Qui a fondé Le RAMEAU ? »: the note may name the doer by the verb's agent noun
        # (« Charles-Benoît HEIDSIECK, Président-fondateur du RAMEAU »), a stem of its own.
        searched = " ".join([searched, *agent_nouns_of(query.intent.agent_of)]).strip()
    if searched:
        query.lexical = f"{query.lexical} {searched}"
        query.lexical_terms = analyze(query.lexical)
    query.names = asked_names(question)
    query.previous_answer = previous_answer(turns)
    if point is None and intent.ordinal is not None and query.previous_answer.strip():
        query.no_such_point = _no_such_point(turns, intent)
    if query.point:
        query.excluded = frozenset(tokens(query.previous_answer))
        query.pointed = frozenset(tokens(query.point))
        points = previous_points(turns)
        if intent.ordinal is not None:
            query.points = len(points)
            query.point_index = intent.ordinal - 1 if intent.ordinal > 0 else -1
        query.point_terms = own_terms(query.point, points)
    return query
