"""Whether a sentence leans on the one before it for its meaning.

« Ces chiffres montrent… », « Il a mis en exergue… », « Leurs pratiques… », « Avec cette
clarification… » cannot be read alone: quoted without what comes before, they read as orphans
(« Leurs pratiques… 30 % font du mécénat » reads as the associations' figure when it is the
companies'). Chunking never opens a passage on such a sentence, and a quotable unit always
carries what it leans on (:mod:`assistant.textunits`).

The reading is the definition of ``leaning_quotes`` in docs/eval-format.md — a demonstrative
(determiner or pronoun), a subject pronoun that is not impersonal, « Leur(s) », « Vous y »,
« Tel est », or a connective opening the sentence — widened to « C'est » when it is not a
cleft sentence, to the other possessive determiners (« Son », « Sa », « Ses ») and to
connectives of the same family (« Cependant », « Néanmoins », « De même »…), which lean
just as much.

It is a reading of the sentence's first words. spaCy's French pipeline (morphology
``PronType=Dem``, ``Poss=Yes``, ``expl:subj``) was measured against it on every sentence of the
note (docs/evaluation.md): it agreed on the openings both read, missed the connectives (a
connective is a matter of meaning, not of morphology) and cost seconds to load in a fresh
process, so this reading is kept.
"""

from __future__ import annotations

import re

# List signs and numbers before the sentence proper (« - », « • », « 1. »), and the quotes
# or brackets a sentence may open on.
_PREFIX = re.compile(r"^(?:\s*(?:[•▪◦●■\-–*]|\d{1,2}[.)])\s+)?[\s«“\"(]*")

# Demonstratives, determiner or pronoun (« Ce rapport », « Cela »), and the openings that
# point back by construction. « C'est ce que » points back; « C'est en 2016 que » does not.
_DEMONSTRATIVE = r"(?:ce|cet|cette|ces|cela|ceci|ça|celui|celle|celles|ceux)(?:-ci|-là)?"
_POSSESSIVE = r"(?:leur|leurs|son|sa|ses)"
_CONNECTIVE = (
    r"(?:mais|ainsi|aussi|en effet|par ailleurs|de plus|en outre|toutefois|pourtant|donc|enfin"
    r"|cependant|néanmoins|en revanche|de même|d[’']ailleurs|dès lors|par conséquent"
    r"|c[’']est pourquoi|pour autant|à ce titre|dans ce cadre|là encore|parmi eux|parmi elles"
    r"|avec (?:ce|cet|cette|ces)|depuis(?=\s*,)|pour cela|tout d[’']abord|hier|notamment|dont"
    r"|soit|lui-même|elle-même|eux-mêmes|elles-mêmes|tou(?:s|tes?)\s+(?:ce|cet|cette|ces)"
    r"|à cet égard|de ce fait|en ce sens)"
)
_POINTING = r"(?:ce sont|vous y|tel est|telle est|tels sont|telles sont)"
# « 26 d'entre eux se sont impliqués », « la plupart d'entre elles »: a part of what the
# sentence before named.
_PARTITIVE = (
    r"(?:\d[\d\s\u202f\u00a0,.]*|la plupart|certain(?:e)?s|beaucoup|plusieurs|nombre"
    r"|la moitié|un tiers|une partie|chacun(?:e)?|aucun(?:e)?|l[’']un(?:e)?|la majorité)"
    r"\s+d[’']entre\s+(?:eux|elles)"
)
# « C'est notamment le cas… », « C'est la force de… » point back; a cleft sentence on a
# circumstance (« C'est en juillet 2016 que le Medef a publié… », « C'est dans la
# répartition… que réside… ») stands alone. « C'est ce que » points back.
_CEST = re.compile(r"^c[’']est(?![\w’'-])", re.IGNORECASE)
_CLEFT = re.compile(
    r"^c[’']est\s+(?!ce\s+qu)(?:en|dans|à|au|aux|par|pour|lors|depuis|grâce|avec|sur|entre"
    r"|ce\s+\d+|le\s+\d+|l[’']an|cette\s+année|ainsi)\b.*?\s(?:que|qu[’'])",
    re.IGNORECASE,
)
_OPENS = re.compile(
    rf"^(?:{_POINTING}|{_CONNECTIVE}|{_DEMONSTRATIVE}|{_POSSESSIVE}|{_PARTITIVE})(?![\w’'-])",
    re.IGNORECASE,
)
_SUBJECT = re.compile(r"^(?:il|ils|elle|elles)(?![\w’'-])", re.IGNORECASE)
# An impersonal « il » stands for nothing: « Il y a », « Il existe », « Il faut », « Il est
# important de », « Il s'agit de », « Il convient de », « Il reste ».
_IMPERSONAL = re.compile(
    r"^il\s+(?:y\s+a|y\s+avait|existe|existait|faut|fallait|s[’']agit|convient|reste|semble"
    r"|apparaît|importe|suffit|est\s+(?!\w+é(?:e|s|es)?\b)\w+\s+(?:de|d[’']|que|qu[’']))",
    re.IGNORECASE,
)


def sentence_opening(text: str) -> str:
    """The sentence's first line without its list sign or opening quote."""
    first = text.lstrip().split("\n", 1)[0]
    return _PREFIX.sub("", first, count=1)


def leans(text: str) -> bool:
    """Whether ``text`` opens on words whose meaning is in the sentence before it."""
    opening = sentence_opening(text)
    if _CEST.match(opening):
        return not _CLEFT.match(opening)
    if _OPENS.match(opening):
        return True
    return bool(_SUBJECT.match(opening)) and not _IMPERSONAL.match(opening)


# Past the opening word, what points back all the same: an opening phrase naming something
# with a demonstrative (« A cette occasion, il a souligné … », « Pour ces raisons, … »), a
# subject that is a part of something named before (« L'identification de ces 3 leviers
# permet … »). (A subject pronoun after any opening phrase — « En 2019, elle … » — was
# measured too: it cost key facts on the golden set's check half, docs/evaluation.md.)
# Not « A ce jour, », « En ce qui concerne … », « Jusqu'à ce que … »: no antecedent.
_THIS = r"(?<![\w’'-])(?:ce|cet|cette|ces)\s+(?!qu|dont\b|jour\b|moment\b)"
_DEMONSTRATIVE_PHRASE = re.compile(r"^[^,;:.!?]{0,30}" + _THIS + r"[^,;:.!?]{1,30},", re.IGNORECASE)
_PART_OF_THIS = re.compile(
    r"^(?:l[’']|le\s|la\s|les\s)\s*[\w-]+\s+(?:de|du|des)\s+" + _THIS, re.IGNORECASE
)


# « Le dernier réalisé en juillet … a porté sur … » (the last of the study trips named
# before), « La première a … », « Les autres sont … »: an ordinal or « autre » standing for
# a noun of the sentence before — a verb, a participle or a pronoun follows it, not a noun
# (« Le dernier rapport … », « la première société … » stand alone).
_STANDS_FOR_NOUN = re.compile(
    r"^(?:le|la|les|l[’'])\s*(?:derni(?:er|ère)s?|premi(?:er|ère)s?|seconde?s?|autres?)\s+"
    r"(?:(?:a|ont|est|sont|était|avait|se|s[’']|y|en|ne|n[’']|qui|dont)(?![\w’'-])"
    r"|[\w-]*[^t\W](?:é|ée|és|ées)\s+(?:en|à|au|aux|par|dans|sur|pour|avec|lors|depuis"
    r"|fin|début|le|la|les|l[’'])(?![\w’'-]))",
    re.IGNORECASE,
)


def leans_on_previous(text: str) -> bool:
    """:func:`leans`, and the sentences that point back past their first words (see
    above): a readable unit reads them with the sentence before them when the passage has
    it. Neither the definition of a leaning quote (the eval's) nor where chunking may cut
    (the shipped vectors follow that), which stay :func:`leans`."""
    if leans(text):
        return True
    opening = sentence_opening(text)
    return bool(
        _DEMONSTRATIVE_PHRASE.match(opening)
        or _PART_OF_THIS.match(opening)
        or _STANDS_FOR_NOUN.match(opening)
    )


# --- what a leaning sentence points at, when it is not quoted with it ---------------------
# « Ce rapport est le fruit … », « Avec cette clarification, … », « L'identification de ces 3
# leviers … »: the noun a demonstrative determiner names, near the opening.
_POINTED_NOUN = re.compile(
    r"^[^,;:.!?]{0,40}?" + _THIS + r"(?:\d+\s+)?"
    # « Cette année », « cette fois »: a time, not something named before.
    r"(?!(?:année|fois|semaine|mois|époque|période|heure|saison)s?(?![\w’'-]))"
    r"(?P<noun>[^\W\d_][\w-]{2,})",
    re.IGNORECASE,
)
# What introduces a mention of that noun (« le rapport interministériel … »), and a
# demonstrative one, which is another pointer, not the mention.
_DETERMINER = re.compile(
    r"(?:^|(?<=[\s«“\"(]))(?P<det>l[’']|le|la|les|un|une|des|du|de la|leur|leurs|son|sa|ses|"
    r"ce|cet|cette|ces)\s*$",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[;:.!?](?:\s|$)|\s\(|\n")
_ITEM_OR_QUESTION = re.compile(r"^\s*(?:[•▪◦●■\-–*]|\d{1,2}[.)])\s|\?\s*(?:\.{2,}|…)?\s*$")
_BULLET = re.compile(r"^\s*(?:[•▪◦●■\-–*]|o(?=\s)|\d{1,2}[.)])\s*")
MENTION_WORDS = 20  # the mention's words quoted at most, from its determiner
LOOK_BACK = 12  # sentences read back for a mention


def antecedent(sentence: str, before: list[str], stem=None) -> str | None:
    """What a sentence that leans points at, read in the sentences ``before`` it (closest
    last): the mention of the noun a demonstrative names (« Ce rapport … » → « le rapport
    interministériel sur l'engagement associatif des actifs, en novembre 2014 »), or for a
    subject pronoun (« Il a recommandé … »), what the last statement before it was about
    when that statement itself points at a mention. None when it cannot be read (a pronoun
    whose antecedent is a plain subject, a noun never mentioned before): no guess.
    ``stem``: the analyser that makes « rapports » and « rapport » one word."""
    from .textnorm import analyze

    stem = stem or (lambda word: (analyze(word) or [word.lower()])[0])
    before = before[-LOOK_BACK:]
    if _BULLET.match(sentence):
        # Items whose lead-in the chunk boundary cut off: their lead-in (« … autour de 3
        # dynamiques : »), the closest line before them that announces a list.
        for line in reversed(before):
            if line.rstrip().endswith(":"):
                return _BULLET.sub("", line).strip()
            if not _BULLET.match(line):
                return None
        return None
    opening = sentence_opening(sentence)
    pointed = _POINTED_NOUN.match(opening)
    if pointed:
        number = _COUNT.search(opening[: pointed.start("noun")])
        return _mention(stem(pointed.group("noun")), before, stem, number and number.group(1))
    if _SUBJECT.match(opening) and not _IMPERSONAL.match(opening):
        for i in range(len(before) - 1, -1, -1):
            statement = before[i]
            if _ITEM_OR_QUESTION.search(statement.strip()):
                continue  # the list or the questions between it and its subject
            # « Ce rapport … . Il a … »: the statement's subject is the pointer. An opening
            # phrase (« Dans ce cadre, la ministre a réuni … ») leaves its subject — what
            # « Elle » is — a plain noun: no guess.
            said = sentence_opening(statement)
            if _SUBJECT.match(said) and not _IMPERSONAL.match(said):
                return antecedent(statement, before[:i], stem)
            if re.match(r"(?:ce|cet|cette|ces)\s", said, re.IGNORECASE):
                return antecedent(statement, before[:i], stem)
            return None
    return None


_COUNT = re.compile(r"(\d+)\s+$")


def _mention(noun: str, before: list[str], stem, count: str | None = None) -> str | None:
    """The closest mention of ``noun`` (a stem) not itself pointed at by a demonstrative:
    from its determiner to the end of its clause, at most MENTION_WORDS words. ``count``:
    « ces 3 leviers » points at « les 3 leviers », not at « des leviers financiers »."""
    for sentence in reversed(before):
        for word in re.finditer(r"[^\W\d_][\w-]{2,}", sentence):
            if stem(word.group()) != noun:
                continue
            head = sentence[: word.start()]
            if count is not None:
                counted = _COUNT.search(head)
                if counted is None or counted.group(1) != count:
                    continue
                head = head[: counted.start()]
            det = _DETERMINER.search(head)
            if det is None or det.group("det").lower() in ("ce", "cet", "cette", "ces"):
                continue
            phrase = sentence[det.start("det") :]
            end = _CLAUSE_END.search(phrase, word.end() - det.start("det"))
            phrase = phrase[: end.start()] if end else phrase
            phrase = " ".join(phrase.split()[:MENTION_WORDS])
            if phrase.count("«") > phrase.count("»"):
                phrase = phrase[: phrase.rindex("«")]  # never half a title
            if phrase.count("»") > phrase.count("«"):
                phrase = phrase[: phrase.index("»")]
            return phrase.rstrip(" ,;")
    return None
