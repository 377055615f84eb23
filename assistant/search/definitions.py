"""What a definition question asks to define, and what the corpus's sentences define.

« C'est quoi un modèle socio-économique ? », « Qu'est-ce que X ? », « What is X? » ask for
the sentence where X is the subject of a defining verb: « Le modèle socio-économique
représente l'ensemble… », « L'économie, c'est … », « Le RAMEAU est un laboratoire … ».
Such a sentence shares few words with the question beyond X, which many passages name,
so neither BM25 nor the dense model ranks it first; reading which subject a sentence
defines does. Both readings are about French (and English) grammar, never about one
corpus: a determiner, a short noun phrase, then « est / sont + determiner »,
« représente », « désigne », « constitue », « se définit comme », « , c'est ».

The corpus side runs where the passages' units are cut (once per index refresh, a regular
expression per sentence): a fresh ``assistant ask`` loads no parser.
"""

from __future__ import annotations

import re

from ..textnorm import analyze, fold

# A sentence defining its subject: « Le/La/L'/Les/Un/Une + noun phrase (no clause
# punctuation, at most ~10 words) » then a defining verb. « est / sont » define only when a
# determiner or a defining adverb follows (« est un laboratoire », « est l'une des… »),
# not as an auxiliary (« est né », « est organisé »).
_DET = r"(?:un|une|le|la|les|l[’']|des|d[’']|du|celui|celle|ceux|avant tout|donc|bien|aussi)"
_DEFINING = re.compile(
    r"^[\s«“\"(•▪\-–—*]*(?:(?:pour|selon|dans)\s[^,]{1,40},\s*)?"
    r"(?P<subject>(?:le|la|les|l[’']|un|une)\s?[^,;:.!?()«»]{2,80}?)"
    r"(?:\s*,\s*c[’']est\b"
    r"|\s+(?:est|sont)\s+" + _DET + r"(?=[\s’'])"
    r"|\s+(?:représente\w*|désigne\w*|constitue\w*|signifie\w*|se défini\w*"
    r"|correspond\w*\s+à|recouvre\w*|renvoie\w*\s+à)\b)",
    re.IGNORECASE,
)
_MAX_SUBJECT_WORDS = 10
# « la dépense à l'investissement sociétal, un … »: of a phrase that a preposition other than
# « de » cuts, the part after it is in apposition (« la directrice de l'association, une
# … » is the director).
_AFTER_PREPOSITION = re.compile(
    r"(?<![\w’'])(?:à|a|au|aux|vers|pour|dans|sur|par|avec|entre|en)\s+"
    r"(?:(?:le|la|les)\s+|l[’']\s?)",
    re.IGNORECASE,
)
# « Pour les associations, un tiers … », « Au sein de la fondation, une équipe … »: a phrase
# opening the sentence after a preposition is where or for whom, not what is defined.
_FRONTED = re.compile(
    r"^\W*(?:pour|avec|dans|au sein|grâce|grace|selon|depuis|en|sur|par|chez|après|apres"
    r"|avant|lors|face|pendant|parmi|entre|à|a|au|aux|de|du|des|sous|vers|outre|hors)\b",
    re.IGNORECASE,
)
# « … passer de la dépense à l'investissement sociétal, un engagement structurant au service
# d'actions d'intérêt général »: a phrase, then a noun phrase in apposition that says what
# it is (an indefinite article and a noun, not « un des … »), anywhere in the sentence.
_APPOSED = re.compile(
    r"(?:^|(?<=[\s’'(]))(?:(?:le|la|les)\s+|l[’']\s?)(?P<subject>[^,;:.!?()«»]{2,60}?)\s*,\s*"
    r"(?:un|une)\s+(?!des?\b|d[’']|autres?\b|seule?\b|tiers\b|quart\b|peu\b|fois\b"
    r"|partie\b|part\b|majorité\b|moitié\b|certaine?\b)[a-zà-ÿ]{3,}",
    re.IGNORECASE,
)
# « … autour d'un nouveau métier : catalyse territoriale », « une nouvelle forme
# d'ingénierie : la « catalyse territoriale » »: an indefinite noun phrase, a colon, then
# one phrase (an enumeration's first item, which a comma follows, is not it) — the phrase
# is what the noun phrase names it as. So does a sentence opening on a noun phrase with no
# article (« Principal levier d'une organisation … : les richesses humaines mobilisées au
# service du projet. »), the phrase named up to its participle.
_ANNOUNCED = re.compile(
    r"(?:(?<!\w)(?:un|une)\s+(?:[^\s:;.!?,]+\s+){0,4}?"
    r"|^(?!(?:le|la|les|l|un|une|des|du|ce|cet|cette|ces|il|elle|ils|elles|on)\b)"
    r"[^\W\d_][^\s:;.!?,]*\s+(?:[^\s:;.!?,]+\s+){0,7}?)[^\s:;.!?,]{3,}\s*:\s*"
    r"(?:(?:le|la|les)\s+|l[’']\s?)?[«“\"]?\s*(?P<subject>[^,;:.!?()«»“”\"]{2,60}?)"
    r"\s*(?=[»”\".;!?(]|$)",
    re.IGNORECASE,
)
# Where a named phrase's participle begins (« richesses humaines | mobilisées au … »).
_PARTICIPLE_ON = re.compile(r"\s+(?=[a-zà-ÿ]{3,}(?:ée?s?)(?:\s|$))")
# « … confrontées à l'effet ciseau : l'accroissement des besoins … »: a definite noun
# phrase, a colon, then a noun phrase saying what it is.
_EXPLAINED = re.compile(
    r"(?:^|(?<=[\s’'(«]))(?:(?:le|la|les)\s+|l[’']\s?)(?P<subject>[^,;:.!?()«»]{2,60}?)"
    r"\s*»?\s*\d{0,3}\s*:\s*(?:(?:le|la|les|un|une|des|du)\s|l[’'])",
    re.IGNORECASE,
)
# How much of a defined subject must be the asked phrase (Jaccard of their terms, the head
# noun shared): « modèle socio-économique » is defined by « Le modèle socio-économique … »,
# not by « La pédagogie sur les leviers des modèles socio-économiques … ».
DEFINES_AT_LEAST = 0.5

# The question side, on folded text: what follows « c'est quoi », « qu'est-ce que »,
# « que signifie / veut dire / désigne », « qu'appelle-t-on », « qu'entend-on par »,
# « définition de », « what is / what are / what does … mean », or what precedes « , c'est
# quoi ». « Qu'est-ce qui … » asks for a cause, not a definition.
_ASKED = re.compile(
    r"(?:c.est quoi|qu.est.ce qu(?!i\b)(?:e\b|.)|que (?:signifie|veut dire|designe)"
    r"|qu.appelle.t.on|qu.entend.on par|definition d(?:e|u|es|.)|definir"
    r"|(?:le )?sens d(?:u|e|es|.)|signification d(?:u|e|es|.)"
    r"|what (?:is|are)|what does|define|meaning of)\s*(?P<term>[^?!.;:]+)"
)
# « le sens du mot « économie » », « que veut dire la notion d'hybridation »: the word itself.
_WORD_OF = re.compile(
    r"^\W*(?:(?:le|la|l.|the)\s*)?(?:mot|terme|expression|notion|concept|word|term)"
    r"\W*(?:(?:de|d.)\s*)?"
)
_ASKED_BEFORE = re.compile(r"^\W*(?:et\s+)?(?P<term>[^?!.;:,]+?)\s*,?\s*c.est quoi\b")
# The phrase put first, then what it is asked with a verb of meaning (« La catalyse
# territoriale, ça consiste en quoi ? », « Le modèle socio-économique, ça recouvre quoi ? »,
# « Le RAMEAU se présente comment ? »), or after it (« En quoi consiste X ? », « Comment
# se définit X ? »).
# Exported so that the question's kind (search.query) is read from the same verbs.
MEANING_VERB = (
    r"(?:consiste\w*|recouvre\w*|designe\w*|signifie\w*|correspond\w*|veut dire"
    r"|se presente\w*|se defini\w*)"
)
# « ça consiste en quoi », « se présente comment »: the verb after the phrase.
ASKED_BY_VERB = r"(?:ca\s+|cela\s+)?" + MEANING_VERB + r"\s+(?:en\s+|a\s+)?(?:quoi|comment)\b"
# « en quoi consiste », « comment se définit »: the verb before it.
VERB_FIRST = r"(?:en quoi consiste\w*|comment se (?:presente|defini)\w*)"
_ASKED_BY_VERB = re.compile(r"^\W*(?:et\s+)?(?P<term>[^?!.;:,]+?)\s*,?\s*" + ASKED_BY_VERB)
_ASKED_VERB_FIRST = re.compile(VERB_FIRST + r"\s+(?P<term>[^?!.;:]+)")
# « On parle beaucoup d'hybridation, c'est quoi ? », « J'entends souvent parler du pro bono
# … » (on folded text): the talk a question opens on names its subject, and says nothing
# the note must write (« beaucoup » it never does).
PREAMBLE = re.compile(
    r"(?:^|(?<=[\s,]))(?:on|tout le monde|vous|ils|elles)\s+(?:parle|parlez|parlent|entend)"
    r"\s+(?:(?:beaucoup|souvent|de plus en plus|tant|tellement|partout)\s+)?"
    r"(?:parler\s+)?(?:de la|de l.|des|du|de|d.)\s*"
    r"|(?:^|(?<=[\s,]))j.entends\s+(?:(?:beaucoup|souvent|partout)\s+)?parler\s+"
    r"(?:de la|de l.|des|du|de|d.)\s*"
    r"|(?:^|(?<=[\s,]))il est\s+(?:(?:beaucoup|souvent)\s+)?question\s+"
    r"(?:de la|de l.|des|du|de|d.)\s*"
)
# Words of manner or of conversation that stand apart from the phrase (« en gros », « au
# fait », « au juste »): taken off before the phrase is read.
# (« concrètement », « exactement » too: a manner, not part of the phrase.)
_ASIDES = re.compile(
    r"(?:^|(?<=[\s,]))(?:en gros|au fait|au juste|concretement|exactement|vraiment|alors"
    r"|dans la note|selon la note|d.apres la note)\b\s*,?\s*"
)
# « c'est quoi comme structure » (and « c'est quoi au juste », once the aside is off): the
# phrase is before it.
_NOT_A_TERM = re.compile(r"^\s*(?:comme\b|$)")
# Where the defined phrase stops: who says it (« selon Le RAMEAU », « d'après Le RAMEAU »),
# what it is for (« pour les associations »), a clause (« … apporte-t-il ? »).
_TERM_END = re.compile(
    r"\s*(?:,|\bselon\b|\bd.apres\b|\bpour (?:le|la|les|l.|vous)\b|\bdans (?:la|le|l.)\b"
    r"|\bmean\b|\babout\b|\baccording\b|\bin the\b|\bfor (?:the|a|an)\b)"
)
_MAX_TERM_WORDS = 6
# « Qu'est-ce que le rapport de 2014 a recommandé ? », « qu'est-ce que le MOOC permet
# d'apprendre ? »: a verb after the phrase makes it a clause — what it says is asked, not
# what it is. An auxiliary then a participle, or a verb that says what something does.
# Read on the question as written (lowercased, accents kept): folded, « l'aide à domicile »
# would read « a domicile » as an auxiliary and a participle. Nouns that look like verbs
# (« le changement », « l'offre », « le fait associatif ») are no clause.
_CLAUSE = re.compile(
    r"(?<![\w’'-])(?:a|ont|avait|avaient|aura|auront|est|sont|était|étaient)\s+"
    r"(?:(?:t\s+)?(?:il|elle|ils|elles)\s+)?(?:déjà\s+|bien\s+|vraiment\s+)?"
    r"(?!(?:la|le|les|l|un|une|des|du|ce|cet|cette|ces|son|sa|ses|leur|leurs)(?![\w’'-]))"
    r"[a-zà-ÿ]{2,}(?:é|ée|és|ées|i|is|it|u|us|ert|erts|ort|uit|uits|aint)(?![\w’'-])"
    r"|(?<![\w’'-])(?:permet\w*|propose\w*|apporte\w*|recommande\w*|produisent|produit-il"
    r"|produit-elle|montre\w*|dit|disent|veut|veulent|peu[tv]\w*|doi[tv]\w*)(?![\w’'-])"
)


def defined_subjects(sentences: list[str]) -> list[tuple[str, ...]]:
    """The analysed subjects (head noun first) the sentences define."""
    found = []
    for sentence in sentences:
        match = _DEFINING.match(sentence.strip())
        subjects = [match.group("subject")] if match else []
        # The phrase nearest the comma: « la dépense à l'investissement sociétal, un … »
        # puts « investissement sociétal » in apposition.
        subjects += [
            _AFTER_PREPOSITION.split(m.group("subject"))[-1]
            for m in _APPOSED.finditer(sentence)
            if not (_FRONTED.match(sentence) and "," not in sentence[: m.start("subject")])
        ]
        if ":" in sentence:  # both readings turn on a colon: most sentences have none
            subjects += [
                _PARTICIPLE_ON.split(m.group("subject"), maxsplit=1)[0]
                for m in _ANNOUNCED.finditer(sentence.strip())
            ]
            subjects += [
                _AFTER_PREPOSITION.split(m.group("subject"))[-1]
                for m in _EXPLAINED.finditer(sentence)
            ]
        for subject in subjects:
            if len(subject.split()) > _MAX_SUBJECT_WORDS:
                continue
            terms = tuple(analyze(subject))
            if terms:
                found.append(terms)
    return found



def as_written_phrase(question: str, phrase: str, hyphens: bool = False) -> str:
    """``phrase`` (read on folded text) as the question writes it, accents kept and
    lowercased, its hyphens spaces unless ``hyphens`` (« tiers-lieu »); "" when it cannot be
    found (folding changed its length: « œ »)."""
    written = question.lower()
    size = len(phrase)
    for start in range(len(written) - size + 1):
        if fold(written[start : start + size]) == phrase:
            found = written[start : start + size]
            return found if hyphens else found.replace("-", " ")
    return ""


def asked_term(question: str) -> tuple[str, ...]:
    """The analysed phrase a definition question asks to define (« modèle socio-économique »
    for « Concrètement, c'est quoi un modèle socio-économique selon Le RAMEAU ? »); () when
    the question asks no definition or its phrase is a clause."""
    phrase = _asked_phrase(question)
    return tuple(analyze(phrase)) if phrase else ()


# The determiner a defined phrase is asked with (« c'est quoi le mécénat … »).
_LEADING_DET = re.compile(r"^(?:(?:un|une|le|la|les|des|du|the|a|an)\s+|l.\s*)")


def asked_phrase(question: str) -> str:
    """The phrase a definition question asks to define as the question writes it, without
    its determiner (« mécénat de compétences » for « C'est quoi le mécénat de compétences
    ? »); "" when it asks none."""
    phrase = _LEADING_DET.sub("", _asked_phrase(question).strip())
    return as_written_phrase(question, phrase, hyphens=True).strip() if phrase else ""


def _asked_phrase(question: str) -> str:
    """The folded phrase, determiner included, that ``asked_term`` analyses; ""."""
    text = _ASIDES.sub("", PREAMBLE.sub("", fold(question).lower()))
    for pattern in (_ASKED, _ASKED_BEFORE, _ASKED_BY_VERB, _ASKED_VERB_FIRST):
        match = pattern.search(text)
        if match is None or _NOT_A_TERM.match(match.group("term")):
            continue
        phrase = _TERM_END.split(_WORD_OF.sub("", match.group("term")), maxsplit=1)[0]
        if len(phrase.split()) > _MAX_TERM_WORDS + 1:  # + its determiner
            return ""
        if _CLAUSE.search(as_written_phrase(question, phrase)):
            return ""
        if analyze(phrase):
            return phrase
    return ""


def defines(subject: tuple[str, ...], term: tuple[str, ...]) -> float:
    """How well a defined subject is the asked phrase: 0 unless the subject's head noun is
    one of the phrase's words (« La place du modèle … » does not define « modèle »), else
    the overlap of the two (Jaccard), and the phrase's head is the subject's too
    (« Le modèle socio-économique représente … » does not define « l'hybridation des
    modèles socio-économiques »)."""
    if not subject or not term or subject[0] not in term or term[0] not in subject:
        return 0.0
    a, b = set(subject), set(term)
    return len(a & b) / len(a | b)


# « … le Fonds de coopération de la jeunesse et de l'éducation populaire (Fonjep) … »: a
# word in parentheses, and the words before it.
_PARENTHESISED = re.compile(r"\(\s*([^\W\d_][\w-]{1,11})\s*\)")


_SHORT_FIRST = re.compile(
    r"\b(?P<short>[A-ZÀ-Ý][\wÀ-ÿ-]{1,11})\d{0,3}\s*(?:\((?P<p>[^()]{4,120})\)"
    r"|[–—]\s*(?P<d>[^–—]{4,120}?)\s*[–—-])"
)


def abbreviation_window(short: str) -> int:
    """Schwartz & Hearst's window: a long form of at most min(|A| + 5, 2|A|) words."""
    return min(len(short) + 5, 2 * len(short))


def abbreviates(short: str, long: str) -> bool:
    """Schwartz & Hearst's match, from the end: each letter of ``short`` is found in
    ``long`` before the previous one's, the first at the start of a word."""
    return abbreviation_start(short, long) is not None


def abbreviation_start(short: str, long: str) -> int | None:
    """Where in ``long`` the first letter of ``short`` is found by :func:`abbreviates`'s
    match (the start of its long form, the shortest that fits), or None for no match."""
    at = len(long) - 1
    for index in range(len(short) - 1, -1, -1):
        letter = short[index]
        if not letter.isalnum():
            continue
        while at >= 0 and (
            long[at] != letter or (index == 0 and at > 0 and long[at - 1].isalnum())
        ):
            at -= 1
        if at < 0:
            return None
        at -= 1
    return at + 1


def spells_out(text: str, term: tuple[str, ...]) -> bool:
    """Whether ``text`` spells out the asked acronym (one analysed word): it writes it in
    parentheses after words whose letters give it, in order, its first letter opening a
    word (Schwartz & Hearst's rule for abbreviation definitions, 2003): « Fonds de
    coopération de la jeunesse et de l'éducation populaire (Fonjep) ». What an acronym
    stands for is what it is, though no sentence says « Le Fonjep est … »."""
    return len(term) == 1 and any(analyze(short) == list(term) for short in long_forms(text))


def long_forms(text: str) -> dict[str, str]:
    """The acronyms ``text`` spells out (Schwartz & Hearst's reading, :func:`spells_out`),
    each with its long form, folded and lowercased: « objectifs de développement durable (ODD) »
    gives ``{"odd": "objectifs de developpement durable"}`` — the words before it that its
    letters abbreviate, from the letter its first letter is (:func:`abbreviation_start`)."""
    found: dict[str, str] = {}
    for match in _SHORT_FIRST.finditer(text):
        short = fold(match.group("short")).lower()
        long = fold(match.group("p") or match.group("d")).lower().strip()
        fits = len(short) >= 2 and len(long.split()) <= abbreviation_window(short)
        if fits and abbreviates(short, long):
            found.setdefault(short, long)
    for match in _PARENTHESISED.finditer(text):
        short = fold(match.group(1)).lower()
        if len(short) < 2:
            continue
        words = fold(text[: match.start()]).lower().split()[-abbreviation_window(short) :]
        before = " ".join(words)
        # The shortest run its letters abbreviate, from the one its first letter opens
        # (« l’insertion par l’activite economique (IAE) »: « insertion … »).
        start = abbreviation_start(short, before)
        if start is not None:
            found.setdefault(short, before[start:].strip(" ,;:«»\"'’"))
    return found


# « … auprès du G10, instance de dialogue informelle entre … », « Le RAMEAU, co-pilote du
# groupe 5 … »: a name, a comma, then a noun saying what it is — not a preposition, an
# adverb, a verb or another name (« l'ADASI, Opus 3 et Le RAMEAU », « avec l'ADASI, autour
# de 3 dynamiques »).
# A month is a reference's date (« (Le RAMEAU, février 2013) »), no noun apposed.
_MONTHS = frozenset(
    [
        "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
        "septembre", "octobre", "novembre", "decembre",
    ]
)
_NOT_APPOSED = _MONTHS | frozenset(
    [
        "a", "ai", "ainsi", "afin", "alors", "apres", "au", "aupres", "autour", "aux",
        "avant", "avec", "c", "ce", "cela", "celle", "celui", "ces", "cette", "comme",
        "d", "dans", "de", "depuis", "des", "dont", "du", "elle", "en", "enfin", "entre",
        "est", "et", "il", "ils", "j", "l", "la", "le", "les", "leur", "leurs", "lors",
        "mais", "notamment", "on", "ont", "ou", "par", "parmi", "plus", "pour", "puis",
        "qu", "que", "qui", "s", "sans", "se", "selon", "ses", "si", "son", "sont", "sur",
        "tout", "tous", "tres", "un", "une", "y",
    ]
)
_APPOSED_NOUN = re.compile(
    r"(?:(?:un|une)\s+)?(?P<noun>[a-zà-ÿ][\w-]{2,})\s+(?:(?P<adjective>[a-zà-ÿ][\w-]{2,})\s+)?"
    r"(?:de|du|des|d['’]|pour|à|au|aux|qui)(?![\w])"
)


def apposes(text: str, name: str) -> bool:
    """Whether ``text`` says what ``name`` is in apposition: the name (as written, any
    case), an optional footnote number, a comma, then a lowercase noun (« un » or « une »
    before it at most, an adjective after it: « du mécénat, outil essentiel pour … ») that
    a preposition or « qui » follows — not a link word, a month (a reference's date) or a
    verb (« Pro Bono Lab, illustrent que … »)."""
    folded, wanted = fold(text).lower(), fold(name).lower()
    pattern = rf"(?<![\w]){re.escape(wanted)}(?![\w])\s*\d{{0,3}}\s*,\s*"
    for match in re.finditer(pattern, folded):
        apposed = _APPOSED_NOUN.match(text, match.end())
        if apposed is None:
            continue
        words = [fold(w).lower() for w in (apposed["noun"], apposed["adjective"]) if w]
        verb = any(re.search(r"(?:ent|ont|ait|aient|era|eront)$", w) for w in words)
        if not set(words) & _NOT_APPOSED and not verb:
            return True
    return False


def writes_name(text: str, name: str) -> bool:
    """Whether ``text`` writes ``name`` as a whole word (any case, accents aside): « l'Avise »
    writes « Avise », « l'avis exprimé » does not (both analyse to « avis »)."""
    written = rf"(?<![\w]){re.escape(fold(name).lower())}(?![\w])"
    return re.search(written, fold(text).lower()) is not None
