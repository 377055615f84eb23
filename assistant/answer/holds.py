"""What a text holds of the answer a question asks for: a figure, a number of what it
counts, a figure of the measure it names, a date, names, a definition, examples, a list.

These read a passage's sentences (never the question: that is read once, in
:mod:`assistant.search.query`), for selection, the evidence check and the plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

from ..search.definitions import DEFINES_AT_LEAST, defined_subjects, defines
from ..search.query import Intent
from ..tense import to_come
from ..textnorm import analyze, contains_run, fold, singular_tokens, tokens, unaccented
from ..textunits import Unit, around_items, split_sentences

_QUANTITY = re.compile(
    r"\d+(?:[ \u202f\u00a0]\d{3})*(?:[,.]\d+)?\s*(?:%|‰|€|k€|m€|euros?|millions?|milliards?|"
    r"fois|ans|heures?|jours?|mois|semaines?|salariés?|bénévoles?|associations?|entreprises?|"
    r"structures?|personnes?|jeunes|projets?|cas|études?|modules?|partenariats?|membres?)"
    r"|\b(?:un|une|deux|trois|quatre|cinq|dix) (?:sur|tiers|quart)\b|\bmoitié\b|\btiers\b"
    # « une association sur trois », « 8 cas sur 10 »: a share, the noun between.
    # Not « un zoom sur trois tendances », « une démarche sur trois ans »: no plural noun
    # after the denominator.
    r"|\b(?:une?|\d{1,3})\s+[^\W\d_][\w’'-]*\s+sur\s+(?:\d{1,3}|deux|trois|quatre|cinq|dix)\b"
    r"(?!\s+(?!(?:dans|depuis|plus|mais|pas|sous|vers|chez)\b)[^\W\d_][\w’'-]*[sx]\b)"
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


# « des exemples de … », « 150 études de cas »: examples spoken of, as a content.
_OF_EXAMPLES = re.compile(r"\b(?:exemples|(?:études|etudes) de cas)\s+(?:de|d[’'])", re.IGNORECASE)


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
    return counts_terms(text, analyze(counted), written=counted)


def counts_terms(
    text: str, wanted: Sequence[str], shares: bool = True, written: str = ""
) -> bool:
    """:func:`counts`, the counted noun analysed (``Intent.counted_terms``); ``shares``: a
    percentage of it counts too (« quelle part des maires » — not « combien de maires »)."""
    if not wanted:
        return False
    clauses = _after_counts(text, 80, shares)
    # An adjective's ending where the noun asked has none (« associatives » for
    # « associations »): the word qualifies what is counted, it is not it.
    adjectives = bool(written) and not _ADJECTIVE_END.search(fold(written))
    return any(wanted[0] in _counted_words(clause, adjectives) for clause in clauses)


# An adjective's ending: « structures associatives » is no number of associations, though
# Snowball gives « associatives » and « associations » one stem.
_ADJECTIVE_END = re.compile(r"(?:if|ive|ifs|ives|elle|elles|ale|ales)$")


def _counted_words(clause: str, adjectives: bool) -> list[str]:
    """The analysed words that may say what a number counts: the first COUNT_WINDOW words
    of its clause (function words aside); ``adjectives``: words with an adjective's ending
    left out."""
    out: list[str] = []
    seen = 0
    for word in re.findall(r"[^\W\d_][\w’'-]*", clause):
        terms = analyze(word)
        if not terms:
            continue
        seen += 1
        if not (adjectives and _ADJECTIVE_END.search(fold(word))):
            out.append(terms[0])
        if seen >= COUNT_WINDOW:
            break
    return out


_SHARE_AFTER = re.compile(r"\s*(?:%|‰|pour ?cent\b|percent\b)", re.IGNORECASE)


def _after_counts(text: str, reach: int, shares: bool = True) -> Iterator[str]:
    """The clause after each number of ``text`` that is not a year (nor a percentage, unless
    ``shares``), up to ``reach`` characters: within the number's own clause, « 15
    propositions, touchant à : … » counts propositions, not what the rest of the sentence
    goes on to name."""
    for match in _COUNT.finditer(text):
        if _YEAR.fullmatch(match.group()):
            continue
        # « 87% des Maires » is a share of the mayors, not a number of them.
        if not shares and _SHARE_AFTER.match(text, match.end()):
            continue
        # « une association sur trois » is a share of the associations, not a number of them.
        if not shares and match.group().lower() in ("un", "une"):
            continue
        # « une association sur trois développe des partenariats »: « trois » is a ratio's
        # denominator, it counts nothing that follows it.
        if _denominator(text, match.start()):
            continue
        # « les entreprises de plus de 10 salariés »: a size class of the noun before it.
        if _SIZE_CLASS.search(text, 0, match.start()):
            continue
        clause = _clause_after(text, match.end(), reach)
        # « … des cabinets de conseil. 26 d'entre eux se sont impliqués »: the number counts
        # the pronoun's antecedent, the plural noun just before it.
        if _PARTITIVE.match(clause):
            clause = _antecedent(text[: match.start()])
        yield clause


def _clause_after(text: str, end: int, reach: int) -> str:
    """What follows a figure ending at ``end``, within its clause and ``reach`` characters."""
    return re.split(r"[,;:.!?()–—]", text[end : end + reach], maxsplit=1)[0]


def figure_items(unit: Unit, figures: Sequence[Intent]) -> Unit | None:
    """A list cut to its lead-in and the items giving one of ``figures`` (as
    planning.one_figure quotes it); None for another unit, or a list no item or every item
    of which gives one."""
    return around_items(unit, lambda line: any(gives(f, line) for f in figures))


_RATIO_OF = re.compile(r"\bsur\s*$", re.IGNORECASE)
# « les entreprises de plus de 10 salariés », « des communes de moins de 3 500 habitants »:
# an organisation, then « de plus / moins de » and the number — which organisations, by
# their size. Not « les pratiques de plus de 2 000 associations », a number of them.
_SIZE_CLASS = re.compile(
    r"\b(?:entreprises?|associations?|structures?|organisations?|communes?|villes?"
    r"|collectivités?|sociétés?|établissements?|PME|TPE|ETI)\s+de\s+(?:plus|moins)\s+d[e’']\s*$",
    re.IGNORECASE,
)


def _denominator(text: str, start: int) -> bool:
    """Whether the number at ``start`` is a ratio's denominator (« 8 cas sur 10 », « une
    association sur trois »): a share's, it counts nothing."""
    return _RATIO_OF.search(text, 0, start) is not None


_PARTITIVE = re.compile(r"\s*d[’']entre\s+(?:eux|elles)\b|\s*of them\b", re.IGNORECASE)


# Whole words only: the « la » of « lancées » is no determiner.
_DETERMINER = re.compile(
    r"\b(?:(?:les|des|du|aux|le|la|ces|leurs|nos|vos|un|une|plusieurs)\b|l[’'])\s*",
    re.IGNORECASE,
)


def _antecedent(before: str) -> str:
    """The words a partitive pronoun after a number stands for: the last noun phrase of the
    sentence before the number (from its determiner: « … des cabinets de conseil »)."""
    # The sentence before, not an earlier one: the number's own sentence may begin a clause.
    sentence = re.split(r"(?<=[.!?])\s+", before.rstrip(" .!?\n"))[-1]
    tail = re.split(r"[,;:()–—]", sentence)[-1]
    determiners = list(_DETERMINER.finditer(tail))
    return tail[determiners[-1].end() :] if determiners else tail


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


# « 8 cas sur 10 », « 3 structures sur 4 »: a share in digits.
_DIGITS_IN = re.compile(r"\b\d+\s+[^\W\d_][\w’'-]*\s+sur\s+\d+\b")
# « une croissance de 16,8% », « un taux de 5 % »: a noun, then the share it is.
_NOUNS_SHARE = re.compile(r"(?P<noun>[^\W\d_][\w’'-]*)\s+(?:de|d[’'])\s*\d+(?:[,.]\d+)?\s*%")


# « 61% des actifs … », « 5 % des financements associatifs »: a share, and what it is of.
_SHARE_OF = re.compile(
    r"\s*(?:de la|de l['’]|des|du|de|d['’])\s*([^\W\d_][\w’'-]*)", re.IGNORECASE
)


def _share_of_other(text: str, share: re.Match[str], asked: Sequence[str]) -> bool:
    """Whether the share ``share`` is said of something neither the part nor the whole asked
    (``asked``) is: « 61% des actifs … mécénat de compétences » is a share of the working
    people, not of patronage; « 12% des ressources » is one of the whole."""
    of = _SHARE_OF.match(text, share.end())
    return of is not None and not set(analyze(of.group(1))) & set(asked)


def gives(intent: Intent, text: str, subject: Sequence[str] = ()) -> bool:
    """Whether ``text`` gives the one figure ``intent`` asks for: a number of what it counts
    (:func:`counts`), else a figure of the measure it names (an amount in euros, a duration,
    an age, a share). A share asked of a whole (« X représente quelle part des ressources
    ? ») is given too by a percentage of one of the ``subject``'s terms (« 44% du
    financement associatif, les financements publics … »)."""
    if intent.part_in_whole:
        # « la part du financement privé dans le budget »: a share, in a unit naming the
        # whole part (« financement privé », not any « financement »).
        return (
            bool(intent.part_terms)
            and set(intent.part_terms) <= set(analyze(text))
            and any(
                not _share_of_other(text, m, (*intent.part_terms, *intent.whole_terms))
                for m in _GIVES["share"].finditer(text)
            )
        )
    if intent.rate:
        # « le taux d'engagement des actifs »: a share of the rate's noun (« 74% des
        # partenariats »), of the subject in a unit writing the noun (« 61% des actifs …
        # s'engager »), or the noun's own (« une croissance de 16,8% »). A share of the
        # subject alone is no rate of the noun (« 69% des Français … » back alliances:
        # none is a rate of their success), nor one beside it (« le bénévolat … affiche
        # une croissance de 16,8% » is no rate of volunteering).
        held = set(analyze(text))
        noun = intent.counted_terms[-1:]
        of = {*subject, *intent.counted_whole} - set(noun)
        return set(intent.counted_terms) <= held and (
            _share_of(text, set(noun) | of)
            or any(analyze(m.group("noun"))[-1:] == list(noun) for m in _NOUNS_SHARE.finditer(text))
        )
    if intent.counted:
        # « Combien de maires … ? » asks a number of them: « 87% des Maires » is none.
        shares = intent.measure == "share"
        if shares and not (_GIVES["share"].search(text) or _DIGITS_IN.search(text)):
            # « Quel pourcentage des fondations finance … ? »: a share, which « 4 leviers de
            # financement : … (… fondations …) » is not.
            return False
        return (
            counts_terms(text, intent.counted_terms, shares, written=intent.counted)
            or (shares and any(counts_terms(text, (term,)) for term in subject))
            or (shares and _represents(text, intent.counted_whole or intent.counted_terms))
            or counts_initials(text, intent.counted_initials, shares)
            or counts_bare_terms(text, intent.counted_terms)
            or (not shares and _share_doing(text, intent))
        )
    pattern = _GIVES.get(intent.measure)
    return bool(pattern and pattern.search(text))


# « les revenus d'activité ne représentaient que 49% du budget »: the subject of a verb of
# weighing is what the share is of (its share of the whole after it).
_WEIGHS = re.compile(
    r"(?P<part>[^,;:.!?()]*?)\b(?:représent|pès|pes|constitu)\w*\s+(?:[\w’']+\s+){0,3}$",
    re.IGNORECASE,
)


# « Les cotisations progressent …, leur part en valeur relative … passée sous la barre des
# 10 % »: the share's own clause names it a share of what its sentence is about.
_SHARE_NOUN = re.compile(r"\b(?:leur|sa|son)\s+(?:part|poids|proportion)\b", re.IGNORECASE)


def _represents(text: str, part: Sequence[str]) -> bool:
    """Whether ``text`` gives a share of ``part`` (analysed): as the subject of a verb of
    weighing right before the share (« … les revenus d'activité ne représentaient que
    49% … »), or in a sentence about it whose clause holding the share names it its share
    (« Les cotisations …, leur part … sous la barre des 10 % »)."""
    if not part:
        return False
    for match in _GIVES["share"].finditer(text):
        window = text[max(0, match.start() - 200) : match.start()]
        before = _WEIGHS.search(window)
        if before and set(part) <= set(analyze(before.group("part"))):
            return True
        sentence = re.split(r"[.!?]\s", window)[-1]
        clause = re.split(r"[,;:()]", sentence)[-1]
        if _SHARE_NOUN.search(clause) and set(part) <= set(analyze(sentence)):
            return True
    return False


def _share_doing(text: str, intent: Intent) -> bool:
    """« Combien d'actifs sont intéressés ? »: a share of what is counted, in a sentence
    saying most of what the question asks of them (« 61% des actifs français sont
    intéressés … »), answers how many do it. A share of them doing something else (« 87% des
    Maires » backing alliances in a report, for « Combien de maires ont été interrogés pour
    le rapport … ? ») or a question asking only their number answers nothing."""
    asked = intent.predicate_terms
    if not asked or not intent.counted_terms:
        return False
    noun = intent.counted_terms[0]
    for match in _GIVES["share"].finditer(text):
        # What the share is of: « une association sur trois », « 61% des actifs ».
        after = _SHARE_OF.match(text, match.end())
        of = analyze(match.group()) + (analyze(after.group(1)) if after else [])
        if noun not in of:
            continue
        said = set(analyze(re.split(r"[.!?]", text[match.start() :], maxsplit=1)[0]))
        # What they do comes first (« sont intéressés », « ont été interrogés pour le
        # rapport … »): the sentence must say it, and most of the rest.
        if asked[0] in said and 2 * sum(t in said for t in asked) >= len(asked):
            return True
    return False


def _share_of(text: str, terms: set[str]) -> bool:
    """Whether ``text`` gives a share of one of ``terms`` (analysed): « 74% des
    partenariats », « une association sur trois » — a number (« 1,2 million de partenariats
    … entre des associations ») is none."""
    for match in _GIVES["share"].finditer(text):
        if terms & set(analyze(match.group())):
            return True
        if terms & set(_counted_words(_clause_after(text, match.end(), 80), False)):
            return True
    return False


_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")


def counts_initials(text: str, initials: str, shares: bool = True) -> bool:
    """Whether ``text`` gives a number of the counted thing under its acronym (« les 17 ODD »
    for « objectifs de développement durable »): an acronym among the words after a number
    whose letters begin ``initials``, those of the counted phrase's words
    (``Intent.counted_initials``)."""
    if len(initials) < 2:
        return False
    for clause in _after_counts(text, 60, shares):
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


# What a colon opens when it enumerates: three items or more, up to the sentence's end.
# A decimal comma (« 13,2 millions ») separates no items.
_ENUMERATION = re.compile(r":[^.:;!?]*?,(?!\d)[^.:;!?]*?,(?!\d)[^.;!?]*")


def counts_bare_terms(text: str, wanted: Sequence[str]) -> bool:
    """Whether ``text`` (a unit: the sentence with the one it leans on) gives a bare number,
    not a year, and names what is counted (``wanted``, ``Intent.counted_terms``: « … la
    diversité des membres qui le composent … Ils sont plus de 350 »): the number is the
    count of the thing the unit speaks of."""
    # « … des membres qui le composent : collectivités, associations, entreprises … Ils sont
    # plus de 350 »: an item of an enumeration is a kind of what is counted, not it.
    if not wanted or wanted[0] not in analyze(_ENUMERATION.sub(" ", text)):
        return False
    for match in _BARE_COUNT.finditer(text):
        if _YEAR.fullmatch(match.group()):
            continue
        # « l'ODD 17, celui des partenariats », « le jour 12 »: a number naming one of a
        # series (after a name or an acronym) counts nothing.
        before = re.split(r"[\s’']+", text[: match.start()].strip())[-1]
        if before[:1].isupper() or fold(before) in _SERIES:
            continue
        # « 8 cas sur 10 »: the ratio's denominator is a share's, no count.
        if _denominator(text, match.start()):
            continue
        # « 26 d'entre eux »: the number counts the pronoun's antecedent, nothing else.
        if _PARTITIVE.match(text, match.end()) and wanted[0] not in analyze(
            _antecedent(text[: match.start()])
        ):
            continue
        return True
    return False


# What states each thing a question asks for in words of its own (``Intent.asks_for``): a
# succession, an address (a street, a postcode and town, a telephone, an e-mail or a web
# address), steps (a sequence, a file or a form to send, what one must do). Steps are read
# with the goal they reach (see :mod:`.evidence`): « ensuite » alone is no procedure.
_STATES = {
    "successor": re.compile(
        r"\b(?:succ[èée]d\w*|successeur\w*|successrice|remplac\w*|prend(?:ra)? la (?:suite"
        r"|succession)|nommée? à la tête)",
        re.IGNORECASE,
    ),
    "address": re.compile(
        r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|allée|quai|impasse"
        r"|chemin|cours)\b|\b\d{5}\s+[A-ZÀ-Ý]|[\w.+-]+@[\w-]+\.\w+|https?://|\bwww\."
        r"|\b(?:tél|téléphone)\b\.?\s*:?\s*\+?\d",
        re.IGNORECASE,
    ),
    "steps": re.compile(
        r"\b(?:étapes?|d[’']abord|ensuite|puis|premièrement|dossiers?|formulaires?|candidat\w*"
        r"|inscri\w*|contact\w*|s[’']adress\w*|procédures?|formalités?|il faut|doit|doivent)\b",
        re.IGNORECASE,
    ),
}


def states(asks_for: str, text: str) -> bool:
    """Whether ``text`` states what the question asks for (``Intent.asks_for``: a
    successor, an address, steps); True when it asks for none of them."""
    if asks_for == "holder":
        return names_holder(text)
    if asks_for == "outcome":
        # What is to come has no outcome yet: a unit mostly announcing (half its sentences
        # or lines at least: « Le cycle … s'achève : et après ? C'est le cycle … qui débute
        # dès demain ») states none; a list with one item in the future (« … pourront
        # s'engager … ») under a lead-in in the present still does.
        pieces = [p for line in text.split("\n") for p in split_sentences(line)] or [text]
        return 2 * sum(map(to_come, pieces)) < len(pieces)
    pattern = _STATES.get(asks_for)
    return pattern is None or bool(pattern.search(text))


# A person named as written (« Elodie JULLIEN », « Charles-Benoît HEIDSIECK », « Marie
# Dupont »), and a role someone holds; a name within this many characters of a role says who
# holds it (« Charles-Benoît HEIDSIECK, Président-fondateur du RAMEAU »).
_PERSON_NAME = re.compile(
    r"\b[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)*\s+(?:[A-ZÀ-Ý][a-zà-ÿ]+|[A-ZÀ-Ý]{2,})"
    r"(?:-[A-ZÀ-Ý]+)*\b"
)
_ROLE = re.compile(
    r"\b(?:pr[ée]sidente?|directeur|directrice|fondat(?:eur|rice)|responsable|d[ée]l[ée]gu[ée]e?"
    r"|secr[ée]taire g[ée]n[ée]ral\w*|porte-parole|dirige\w*)",
    re.IGNORECASE,
)
HOLDER_REACH = 80


# How far a name may stand before the verb it is the subject of (« Le RAMEAU publie »,
# « l'Union nationale des CPIE a été la première … à proposer »), and after it behind « par »,
# « chez » or « avec » (« publié chez JURIS Associations », « co-piloté par la DJEPVA »).
AGENT_BEFORE = 60
# « Créée fin 2018 en partenariat avec la Caisse des Dépôts »: who did it with whom, past a
# date.
_BY = re.compile(
    r"^[^.;:!?]{0,12}?\b(?:par|chez|avec|by)\b[^.;:!?]{0,20}?$"
    r"|^[^.;:!?]{0,16}?\ben (?:partenariat|lien|collaboration) avec\b[^.;:!?]{0,20}?$",
    re.IGNORECASE,
)
_CAPITALISED_WORD = re.compile(r"\b(?:[A-ZÀ-Ý][\w’'-]+|[A-Z]{2,}\w*)")


def names_agent(text: str, verb: str, terms: Sequence[str] | None = None) -> bool:
    """Whether ``text`` names who did ``verb`` (analysed): a name shortly before a form of
    the verb, or after it behind « par », « chez », « avec », or after it in a relative
    clause (« … que publie aujourd'hui même Le RAMEAU »). A sentence's first word counts
    as a name only when it is one (« Le RAMEAU publie »: « RAMEAU »). ``terms``: the text's
    analysed terms, when known — a text holding no form of the verb is not read further."""
    return _names_doer(text, (verb,), terms)


# Writing a work, publishing or editing it, having it made or steering who made it: each
# names its author (« Le RAMEAU publie … le référentiel », « … édité chez Juris
# Associations », « le rapport … réalisé par le Comité 21 », « Ce rapport est le fruit de
# réflexions … co-piloté par la DJEPVA et Le RAMEAU »), which a question asks with any of
# them (« Qui a écrit le référentiel ? »). Stems as _same_verb compares them.
AUTHOR_VERBS = ("publ", "edit", "redig", "ecrit", "ecriv", "realis", "sign", "pilot")


def names_author(text: str, terms: Sequence[str] | None = None) -> bool:
    """Whether ``text`` names who wrote, published, edited or made a work."""
    return _names_doer(text, AUTHOR_VERBS, terms)


def _names_doer(text: str, verbs: Sequence[str], terms: Sequence[str] | None) -> bool:
    if terms is not None and not any(_same_verb(t, v) for t in terms for v in verbs):
        return False
    # A title in quotes (« Les modèles socio-économiques … ») is what was done, not who.
    titles = [m.span() for m in _QUOTED.finditer(text)]
    names = [m.span() for m in _NAME.finditer(text)]
    names += [m.span() for m in _CAPITALISED_WORD.finditer(text) if m.group().isupper()]
    names = [n for n in names if not any(a <= n[0] < b for a, b in titles)]
    for word in _WRITTEN_WORD.finditer(text):
        if not any(_same_verb(stem, v) for stem in analyze(word.group()) for v in verbs):
            continue
        start, end = word.span()
        if _NOUN_BEFORE.search(text, max(0, start - 12), start) and not _AGENT_NOUN.search(
            word.group()
        ):
            # « des exemples de pratiques » names the practices, not who practises; « des
            # représentants de … » names who represents.
            continue
        inverted = _RELATIVE_BEFORE.search(text, max(0, start - 6), start) is not None
        for n_start, n_end in names:
            if 0 <= start - n_end <= AGENT_BEFORE and not _ENDS_CLAUSE.search(text[n_end:start]):
                return True
            if 0 <= n_start - end <= 40 and _BY.match(text[end:n_start]):
                return True
            # « … que publie aujourd'hui même Le RAMEAU »: the subject after its verb.
            if inverted and 0 <= n_start - end <= INVERTED_AFTER and not _ENDS_CLAUSE.search(
                text[end:n_start]
            ):
                return True
    return False


# A relative clause whose subject follows its verb (« la note … que publie Le RAMEAU »),
# within this many characters.
_RELATIVE_BEFORE = re.compile(r"\bqu(?:e\s+|[’']\s*)$", re.IGNORECASE)
INVERTED_AFTER = 30


_ENDS_CLAUSE = re.compile(r"[.;!?]")
# A word a determiner or « de » introduces is a noun (« de pratiques », « leurs pratiques »):
# not « le », « la », « les », « l' », which are pronouns before a verb too (« qui le
# pratique »). An agent noun (« représentants », « fondateurs ») still names who does it.
_NOUN_BEFORE = re.compile(
    r"(?<![\w’'])(?:des|de|d[’']|du|un|une|ses|sa|son|leurs?|ces|cette|nos|vos|notre|votre"
    r"|aux|au)\s*$",
    re.IGNORECASE,
)
_AGENT_NOUN = re.compile(r"(?:ants?|antes?|eurs?|euses?|rices?)$", re.IGNORECASE)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


def _same_verb(stem: str, verb: str) -> bool:
    """Two stems of one verb: Snowball leaves « publie » as « publ » and « publié » as
    « publi », so they are compared on their first letters (five at most, four at least).
    A shorter stem is compared whole: « créer », « créée » and « crée » are all « cre »."""
    n = min(5, len(stem), len(verb))
    if n < 4:
        return len(verb) == 3 and stem == verb
    return stem[:n] == verb[:n]


def names_holder(text: str) -> bool:
    """Whether ``text`` names who holds a role: a person's name near the role's word. « Le
    président de la République va annoncer … » names no one."""
    names = [m.span() for m in _PERSON_NAME.finditer(text)]
    return any(
        abs(start - role.start()) <= HOLDER_REACH or abs(role.end() - end) <= HOLDER_REACH
        for role in _ROLE.finditer(text)
        for start, end in names
        if not (start <= role.start() < end)
    )


_ACTOR_NOUN = re.compile(
    r"\b(?:les|des|l[’'])\s*(associations?|entreprises?|fondations?|collectivités?|État|Etat"
    r"|pouvoirs publics|mécènes|bénévoles|salariés|acteurs|réseaux|institutions)\b",
    re.IGNORECASE,
)


def names_in(text: str) -> int:
    return len(set(_NAME.findall(text)))


# An item of an enumeration in a sentence: a short phrase between commas (up to this many
# words, a decimal comma separating none); the run is closed by an item joined with « et » /
# « ou », or by one cut at « … » or « etc. » — a run of opening phrases (« En 2019, en
# France, selon le RAMEAU, les associations … ») is closed by neither.
_ITEM_WORDS = 5
_LAST_ITEM = re.compile(r"^(?P<item>.+?)(?:…|\betc\b)")
_AND = re.compile(r"\s+(?:et|ou|and|or)\s+")
# « circuits courts… sont autant d'angles nouveaux », « etc. »: the things named are some of
# many, examples.
_OPEN_ENDED = re.compile(r"…|\.\.\.|\betc\b|\bautant d", re.IGNORECASE)


def enumerated_items(text: str) -> int:
    """How many things the sentence enumerates between commas (« A, B, C et D », « A, B,
    C… »): the longest closed run of short phrases; 0 below three."""
    best = 0
    for clause in re.split(r"[.;:!?\n]", text):
        run, closed = 0, False
        for segment in re.split(r",(?!\d)", clause):
            words = segment.split()
            if 0 < len(words) <= _ITEM_WORDS:
                joined = len(_AND.findall(segment))
                run += 1 + joined
                closed = closed or bool(joined) or bool(_LAST_ITEM.match(segment.strip()))
                continue
            # The run's last item: its first words, up to « … » or « etc ».
            head = _LAST_ITEM.match(segment.strip())
            if run and head and len(head.group("item").split()) <= _ITEM_WORDS:
                run, closed = run + 1, True
            best = max(best, run if closed else 0)
            run, closed = 0, False
        best = max(best, run if closed else 0)
    return best if best >= 3 else 0


def holds(kind: str, text: str, is_list: bool = False) -> float:
    """How well ``text`` holds the kind of answer asked for, in [0, 1]."""
    if kind == "figure":
        return 1.0 if has_quantity(text) else 0.0
    if kind == "date":
        return 1.0 if _DATE.search(text) else 0.0
    if kind == "actors":
        return min(1.0, (names_in(text) + len(set(_ACTOR_NOUN.findall(text))) / 2) / 2)
    if kind == "examples":
        marked = 1.0 if _EXAMPLE.search(text) or _OPEN_ENDED.search(text) else 0.7
        if _OF_EXAMPLES.search(text):
            # « … 150 études de cas … : les richesses humaines, avec des exemples de
            # pratiques d'engagement, … »: it tells what examples there are, and gives none.
            marked = 0.7
        # Names (« l'association Villes au Carré ») or things enumerated in words of the
        # note (« Economie de la fonctionnalité, économie circulaire, circuits courts… »).
        return min(1.0, max(names_in(text), enumerated_items(text)) / 3) * marked
    if kind == "definition":
        return 1.0 if _DEFINES.search(text[:160]) else 0.0
    if kind == "list":
        return 1.0 if is_list or text.count(",") >= 2 else 0.3
    if kind == "reason":
        return 1.0 if _REASON.search(text) else 0.0
    return 0.0


# What gives a reason or a purpose: a causal or final connective, or a verb of enabling
# (« car les projets … sont plus risqués », « afin de publier », « Elles permettent … »).
_REASON = re.compile(
    r"\b(?:car|parce qu\w*|puisqu\w*|en raison d\w*|du fait d\w*|c[’']est pourquoi|afin d\w*"
    r"|afin qu\w*|pour que|dans le but d\w*|permet\w*|raisons?|motivations?|d[’']où"
    r"|de ce fait|face à|compte tenu d\w*|étant donné|dans la mesure où|because|in order to"
    r"|so that|enables?)\b",
    re.IGNORECASE,
)


_ENABLING = re.compile(r"\b(?:permet\w*|enables?)\b", re.IGNORECASE)
# What states a necessity (« l'effet ciseau impose d'inventer … », « il devient
# indispensable de transformer … »).
_NECESSITY = re.compile(
    r"\b(?:impos\w*|nécessit\w*|nécessaire\w*|indispensable\w*|incontournable\w*|il faut"
    r"|il faudra\w*|essentiel\w*|exig\w*|oblig\w*|impératif\w*|doi[st]|doivent|devr\w+"
    r"|must|necessary|essential|required?|have to|has to|need(?:s|ed)? to)\b",
    re.IGNORECASE,
)


def states_necessity(text: str) -> bool:
    return bool(_NECESSITY.search(text))


def gives_reason_about(text: str, subject: set[str]) -> bool:
    """Whether ``text`` gives a reason, and — when its only sign is a verb of enabling —
    one about the question's ``subject``: « l'hybridation des modèles permet de … » says
    why to hybridise; « ce MOOC permet de : … se familiariser avec l'hybridation » says
    what the MOOC is for. The words before the verb, in its sentence, name what enables."""
    for match in _REASON.finditer(text):
        if not _ENABLING.fullmatch(match.group()):
            return True
        before = re.split(r"(?<=[.!?:])\s+", text[: match.start()])
        enabling = before[-1]
        if _PRONOUN_ONLY.fullmatch(enabling):
            # « Avec les autres associations : les synergies se multiplient. Elles
            # permettent … »: what the pronoun stands for is said before, in the unit.
            enabling = text[: match.start()]
        if _PURPOSE.search(enabling) or _names_any(analyze(enabling), subject):
            return True
    return False


def _names_any(terms: list[str], subject: set[str]) -> bool:
    """Some term is one of ``subject``'s, or begins as it does (five letters: « divers »
    for « diversifier », « hybrid » for « hybrider »)."""
    prefixes = {t[:5] for t in subject if len(t) >= 5}
    return any(t in subject or (len(t) >= 5 and t[:5] in prefixes) for t in terms)


# « … une vision systémique pour permettre … »: the verb is the purpose, a reason itself.
_PURPOSE = re.compile(r"\b(?:pour|afin de|de façon à|de manière à)\s*$", re.IGNORECASE)
# « Elles permettent », « Ce qui permet », « Elles le permettent »: what enables is said
# before, in the unit.
_PRONOUN_ONLY = re.compile(
    r"\s*(?:(?:il|elle|ils|elles|cela|ceci|ce|ça|on|celui-ci|celle-ci|ceux-ci|celles-ci|it|they"
    r"|this)(?:\s+qui)?|qui)(?:\s+(?:le|la|les|l['’]|leur|lui|nous|vous|y|en|ne))?\s*",
    re.IGNORECASE,
)


_NUMBER = r"(?:\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)"
_WORD = re.compile(r"[a-z][a-z-]+")


# What names one thing: a capitalised word or a title in quotes, right after the noun on
# its line (« l'association Villes au Carré », « la plateforme « Pousses.paris » »).
_SPACE = r"[^\S\n]"
_INSTANCE = re.compile(
    rf"{_SPACE}*(?:d[eu]s?{_SPACE}+|de la{_SPACE}+|d['’]{_SPACE}*)?(?:[«“\"]|[A-ZÀ-Ý])"
)
# A word of the text as written (its offsets are the text's: fold() changes lengths).
_WRITTEN_WORD = re.compile(r"[^\W\d_][\w-]*")


def _mentions(folded: str, noun: str) -> Iterator[re.Match[str]]:
    """The words of ``folded`` (fold() of a text) whose analysis is ``noun``."""
    for match in _WORD.finditer(folded):
        if analyze(match.group())[:1] == [noun]:
            yield match


def announces(text: str, noun: str) -> bool:
    """Whether ``text`` counts or lists the things ``noun`` (analysed) stands for: the noun
    after a number (« 3 tendances majeures », « deux risques ») or after a determiner and
    before a colon (« les questions suivantes : »)."""
    folded = fold(text)
    mentions = list(_mentions(folded, noun))  # (analysing each word is the cost: once)
    for match in mentions:
        before = folded[max(0, match.start() - 40) : match.start()].split()[-3:]
        if any(re.fullmatch(_NUMBER, word) for word in before):
            return True
        if before and ":" in folded[match.end() : match.end() + 60]:
            return True
        # « la seconde priorité … est de … », « le premier levier »: one of them, by rank.
        if before and _RANK.fullmatch(before[-1]):
            return True
    return _names_kinds(folded, mentions)


def names_kinds(text: str, noun: str) -> bool:
    """Whether ``text`` names two kinds or more of ``noun`` (analysed): « Economie de la
    fonctionnalité, économie de la coopération, économie circulaire … » for examples of
    « nouvelles approches économiques »."""
    folded = fold(text)
    return _names_kinds(folded, list(_mentions(folded, noun)))


# « de l'économie de marché à celle de la redistribution »: the noun, or the pronoun
# standing for it, then « de » and what tells one kind from another.
_KIND_OF = re.compile(r"\s+(?:de|du|des|d')\s*(?:(?:la|le|les|l')\s*)?([^\W\d_][\w-]{2,})")
_STANDS_FOR_IT = re.compile(r"\b(?:celle|celui|celles|ceux)(?=\s+(?:de|du|des|d'))")


def _names_kinds(folded: str, mentions: list[re.Match[str]]) -> bool:
    """Whether ``folded`` names two kinds or more of the things its ``mentions`` (of the
    noun asked) stand for (« de l'économie de marché à celle de la redistribution, en
    passant par l'économie de l'engagement » for « quelles formes d'économie ? »)."""
    # One word written the same (« économie », not « économique » beside it), or the
    # pronoun just after one of its kinds (« … de marché à celle de … »; not « l'ODD 17,
    # celui des partenariats » far after « objectifs de développement »).
    found = [(m.start(), m.end(), m.group().rstrip("sx")) for m in mentions]
    found += [(m.start(), m.end(), None) for m in _STANDS_FOR_IT.finditer(folded)]
    kinds: dict[str, set[str]] = {}
    word, last = None, -1
    for start, end, written in sorted(found):
        if written is None and (word is None or start - last > _PRONOUN_REACH):
            continue
        word = written or word
        kind = _KIND_OF.match(folded, end)
        if word and kind:
            kinds.setdefault(word, set()).add(kind.group(1))
            last = kind.end()
    return any(len(named) >= 2 for named in kinds.values())


_PRONOUN_REACH = 12  # characters between a kind named and « celle de » standing for it


_RANK = re.compile(
    # (not « dernier »: « la dernière étude » is the latest, not one by rank)
    r"premier|premiere|second|seconde|deuxieme|troisieme|quatrieme|cinquieme"
    r"|\d{1,2}(?:er|ere|e|eme)"
)


def names_one(text: str, noun: str) -> bool:
    """Whether ``text`` names one of the things ``noun`` stands for: the noun before a name
    (« l'association Villes au Carré », « la plateforme « Pousses.paris » »)."""
    # Read on the text as written: it tells a name by its capital, and fold() would shift
    # the offsets after « œ » or « … ».
    return any(
        analyze(word.group())[:1] == [noun] and _INSTANCE.match(text, word.end())
        for word in _WRITTEN_WORD.finditer(text)
    )


_TITLE_AFTER = re.compile(r"[«“\"]\s*(?P<title>[^»”\"\n]+)")
_NAME_AFTER = re.compile(r"(?P<title>[A-ZÀ-Ý][\w’'-]*(?:\s+(?:[A-ZÀ-Ý&][\w’'-]*|\d+))*)")


def names_another(text: str, noun: str, asked: set[str]) -> bool:
    """Whether ``text`` names one of the things ``noun`` stands for that the question does
    not name already (``asked``: its analysed terms): « C'est le cycle « ODD & innovations
    sociétales … » » for « Quel nouveau cycle prend le relais une fois « 21 jours pour
    convaincre » terminé ? », where « Le cycle « 21 jours pour convaincre » … » names the
    question's own."""
    for word in _WRITTEN_WORD.finditer(text):
        if analyze(word.group())[:1] != [noun]:
            continue
        instance = _INSTANCE.match(text, word.end())
        if instance is None:
            continue
        start = instance.end() - 1  # the quote or the capital
        named = _TITLE_AFTER.match(text, start) or _NAME_AFTER.match(text, start)
        terms = set(analyze(named.group("title"))) if named else set()
        if terms - asked:
            return True
    return False


def defines_term(text: str, term: tuple[str, ...]) -> bool:
    """Whether a sentence of ``text`` defines the asked phrase (its subject is the phrase:
    « Le modèle socio-économique représente … » for « modèle socio-économique »)."""
    subjects = defined_subjects(split_sentences(text))
    return any(defines(subject, term) >= DEFINES_AT_LEAST for subject in subjects)


def opens_on_term(text: str, term: tuple[str, ...]) -> bool:
    """Whether a sentence of ``text`` opens on the asked phrase as what it speaks of: the
    phrase's first analysed word (its head noun, in French) among the sentence's first
    words (« Les « Catalyseurs territoriaux » rassemblent … », « Ce métier de « catalyseur
    territorial » s'est structuré … ») — it says what the thing is or does, where a
    sentence naming it in passing does not."""
    if not term:
        return False
    # A question (« Comment hybrider … ? ») asks about the thing; it says nothing of it.
    # Nor does a list's item that the lead-in's sentence goes on past (« - Les richesses
    # humaines, avec des exemples de pratiques d'engagement, »): a fragment, not a statement.
    return any(
        _opens_on(tokens(sentence), term[0])
        for sentence in split_sentences(text)
        if not sentence.rstrip().endswith(("?", ",", ";"))
    )


def _opens_on(words: list[str], head: str) -> bool:
    """The sentence's first word naming something is ``head``, or the one noun before it
    is linked to it by « de » (« Ce métier de « catalyseur territorial » … »); « Le cycle
    sur l'hybridation … » speaks of the cycle."""
    for i, word in enumerate(words[:_OPENING_WORDS]):
        if head in analyze(word):
            named = [w for w in words[:i] if analyze(w)]
            return not named or (len(named) == 1 and words[i - 1] in _OF_WORDS)
    return False


_OPENING_WORDS = 8
_OF_WORDS = frozenset({"de", "d", "du", "des"})


def names_subject(
    text: str, terms: Sequence[str], subject: frozenset[str], phrase: tuple[str, ...]
) -> bool:
    """Whether a unit (``text``, analysed ``terms``) names the subject a re-scoping follow-up
    moves to: one of its own ``subject`` terms, else its ``phrase`` (« autres associations »
    after a question on associations; SearchQuery.rescoped / rescoped_phrase)."""
    if "(" in text:
        # What a parenthesis lists (« le financement privé (entreprises, fondations, dons …)
        # ») details a thing; the unit is not about each of them: « Et pour une fondation ? »
        # after the three levers quoted « 4 leviers de financement : … (… fondations …) ».
        text, terms = outside_parentheses(text)
    if subject and subject & set(terms) and _PROPER_OF.search(text):
        # « aux côtés de la Fondation du Nord et de la Fondation de Lille »: the name of one
        # organisation, not the kind « Et pour les fondations ? » moves to (« le Cercle
        # Fondations d'avenir », a name the kind is not the head of, is about the kind).
        def kind_named(match: re.Match[str]) -> str:
            head = analyze(match.group(1))[:1]
            return " " if head and head[0] in subject else match.group(0)

        terms = analyze(_PROPER_OF.sub(kind_named, text))
    if subject:
        return bool(subject & set(terms))
    return bool(phrase) and contains_run(singular_tokens(text), list(phrase))


_PARENTHESIS = re.compile(r"\([^()]*\)")
# A capitalised singular noun opening a name, and the name (« Fondation du Nord », « Fondation
# de Lille », « Fondation Nicolas-Hulot », « Association Dupont »): what follows it is a name.
_PROPER_OF = re.compile(
    r"(?<![.!?]\s)(?<!^)\b([A-ZÀ-Ý][a-zà-ÿ]+)(?<!s)\s+(?:(?:de|du|des|d[’'])\s*(?:la\s+|l[’']\s*)?)?"
    r"[A-ZÀ-Ý][\w’'-]+"
)


def fills_slot(text: str, preposition: str) -> bool:
    """Whether ``text`` names someone or something after ``preposition`` (folded: « chez »
    → « … publié chez JURIS Associations »): the complement a question opening on that
    preposition asks (query.asked_slot)."""
    if not preposition:
        return False
    pattern = rf"\b{preposition}\s+(?:l['’]\s*|la\s+|le\s+|les\s+|un\s+|une\s+)?[A-Z]"
    return re.search(pattern, unaccented(text)) is not None


@lru_cache(maxsize=4096)
def outside_parentheses(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without what its parentheses hold, and its terms: once per unit, which a
    re-scoped follow-up reads twice and the next question again."""
    text = _PARENTHESIS.sub(" ", text)
    return text, tuple(analyze(text))


# A label opening a line or a sentence: « Pour les territoires : … », « Côté PME : … »,
# « Avec les autres associations : … » (at most a few words before the colon).
_LABEL = re.compile(r"^[\s•▪◦●■\-–*o]*([^:.!?\n]{2,60}?)\s*:")


def labelled_by_subject(
    text: str, subject: frozenset[str], phrase: tuple[str, ...]
) -> bool:
    """Whether ``text`` opens on a label naming the new subject of a re-scoping follow-up
    (« Pour les territoires : parcours … » for « Et pour les territoires ? »): it is about
    that subject, where a unit naming it in passing is not."""
    label = _LABEL.match(text)
    if label is None:
        return False
    words = label.group(1)
    return names_subject(words, analyze(words), subject, phrase)


# The words that name a measure rather than what is measured (« quel poids ont les
# cotisations », « le montant moyen d'un don »).
MEASURE_WORDS = (
    "combien nombre chiffre total moyen moyenne annuel montant budget coût coûte prix salaire "
    "rémunération indemnité valeur vaut euros durée dure temps mois années ans semaines jours "
    "heures âge part proportion pourcentage taux poids pèse compte comptent recense recensent"
)


@cache
def measure_terms() -> list[str]:
    return analyze(MEASURE_WORDS)
