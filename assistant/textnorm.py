"""Text normalisation shared by retrieval, answering and evaluation.

`tokens` / `matches_inside` implement the deterministic matching rule of eval-format.md;
`analyze` is the French-aware analyser used by BM25 (accents folded, stop words, stemming).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_RUN = re.compile(r"[a-z0-9]+")


# NFKD leaves these letters whole: a user typing « oeuvre » or « coeur » must still match
# « œuvre » / « cœur » (eval-format.md's matching rule folds them the same way).
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str) -> str:
    """NFKD, drop combining marks, fold ligatures (œ→oe, æ→ae, ß→ss), lowercase."""
    return unaccented(text.translate(_LIGATURES)).lower()


def unaccented(text: str) -> str:
    """NFKD with the combining marks dropped (« dès » → « des »), the case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The eval-format tokens: folded text, then the runs of ``[a-z0-9]``."""
    return _RUN.findall(fold(text))


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    """True when ``needle`` occurs as a contiguous run of ``haystack``."""
    n = len(needle)
    if n == 0:
        return False
    first = needle[0]
    for i in range(len(haystack) - n + 1):
        if haystack[i] == first and haystack[i : i + n] == needle:
            return True
    return False


def matches_inside(phrase: str, text: str) -> bool:
    """The eval-format rule: tokens(phrase) is a contiguous run of tokens(text)."""
    return contains_run(tokens(text), tokens(phrase))


# French and English function words: they carry no topic, and questions are full of them.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "et",
        "eux",
        # « aujourd'hui » is one word the tokenizer cuts in two: counted twice, it weighed as
        # much as the question's subject (« les cotisations … aujourd'hui »).
        "hui",
        # « on a quoi comme ressources ? », « un truc à lire »: words of the asking, not of
        # the topic.
        "comme",
        "truc",
        "trucs",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "m",
        "n",
        "s",
        "t",
        "y",
        "ete",
        "etre",
        "avoir",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "est",
        "sont",
        "suis",
        "es",
        "etes",
        "etait",
        "etaient",
        "sera",
        "seront",
        "fait",
        "faire",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "quoi",
        "comment",
        "combien",
        "pourquoi",
        "quand",
        "ou",
        "dont",
        "lequel",
        "laquelle",
        "lesquels",
        "lesquelles",
        "ceci",
        "cela",
        "ca",
        "celui",
        "celle",
        "ceux",
        "celles",
        "ici",
        "la",
        "plus",
        "moins",
        "tres",
        "tout",
        "tous",
        "toute",
        "toutes",
        "autre",
        "autres",
        "aussi",
        "alors",
        "donc",
        "ainsi",
        "car",
        "si",
        "sans",
        "sous",
        "entre",
        "vers",
        "chez",
        "selon",
        "peut",
        "peuvent",
        "doit",
        "doivent",
        "y",
        "a-t-il",
        "il-y-a",
        "parle",
        "parler",
        "dit",
        "dire",
        "qu'est",
        "est-ce",
        "ce-que",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "from",
        "as",
        "at",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "why",
        "when",
        "where",
        "does",
        "do",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "about",
        "into",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "its",
        "it",
        "an",
        "has",
        "have",
        "had",
        "not",
        "no",
        "yes",
        # Words that phrase a request rather than name a topic.
        "peux",
        "pouvez",
        "pourrais",
        "pourriez",
        "veux",
        "voudrais",
        "dois",
        "devons",
        "faut",
        "donner",
        "donne",
        "expliquer",
        "explique",
        "svp",
        "please",
        "tell",
        "me",
        "explain",
        # Manners of asking (« concrètement, c'est quoi … ? », « qui prend généralement … ? »):
        # they qualify the question, a passage holding them is not more on its topic.
        "concretement",
        "exactement",
        "precisement",
        "vraiment",
        "generalement",
        "globalement",
        "essentiellement",
        "actually",
        "exactly",
        "really",
        "generally",
    ]
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: Snowball's French stemmer, C speed

    return Stemmer.Stemmer("french")


# Snowball leaves the verb's « -ifi » (« diversifier », « diversifié » → « diversifi ») and
# cuts the noun to « -if » (« diversification » → « diversif »): a question asking to
# « diversifier ses ressources » did not hold the note's « diversification des
# ressources ». Both read as the noun's stem; so does the verb's « -ifient ».
_IFIER = re.compile(r"if(?:i|ient)$")


def snowball(word: str) -> str:
    """Snowball's French stem of a lowercased word, accents folded, and nothing else."""
    return fold(_stemmer().stemWord(word))


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # « publiques » is read as « public », « nouvelles » as « nouveau » (adjectives.py).
    return _IFIER.sub("if", snowball(masculine_forms().get(word, word)))


@lru_cache(maxsize=1)
def masculine_forms() -> dict[str, str]:
    """Adjective form → its masculine, where their stems differ: spaCy's exceptions,
    shipped (see :mod:`assistant.adjectives`); empty when the file is missing."""
    from .resources import adjective_forms, read_table

    return read_table(adjective_forms())


_WORD = re.compile(r"\w+", re.UNICODE)

# The short forms people write for the note's words (« les assos »): analysed as the word.
SHORT_FORMS = {"asso": "association", "assos": "associations", "assoc": "association"}

# « les trois leviers » / « les 3 leviers », « la troisième économie » / « la 3ème … »: the
# note writes counts and ranks in digits, questions often in words; both read as one term.
# « neuf » (new), « premier » and « second » (any first, any other) are left as words.
_NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}  # fmt: skip
_ORDINAL_WORDS = {
    "deuxieme": 2, "troisieme": 3, "quatrieme": 4, "cinquieme": 5, "sixieme": 6,
    "septieme": 7, "huitieme": 8, "neuvieme": 9, "dixieme": 10, "onzieme": 11,
    "douzieme": 12, "quinzieme": 15, "vingtieme": 20,
}  # fmt: skip
_DIGIT_ORDINAL = re.compile(r"(\d{1,3})(?:eme|e|nd|nde)")


def _number_term(folded: str) -> str | None:
    """The digits a number word stands for (« trois » → « 3 », « troisième », « 3ème »,
    « 3e » → « 3e »), None for any other word."""
    if folded in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[folded])
    if folded in _ORDINAL_WORDS:
        return f"{_ORDINAL_WORDS[folded]}e"
    match = _DIGIT_ORDINAL.fullmatch(folded)
    return f"{int(match.group(1))}e" if match else None


# Prepositions and adverbs French writes in several words, whose noun names nothing (a
# closed class of the grammar, read as stop words are): « par rapport aux entreprises » is
# no report (« Quelles sont les spécificités des associations par rapport aux entreprises ? »
# quoted « Ce rapport est le fruit … » and « le rapport interministériel … »), « en effet »
# no effect, « en particulier » no private person, « d'une part » no share, « faire face »
# no face. spaCy's French parser marks few of them as fixed (« grâce à », « face à », not
# « par rapport à »).
_OF = r"(?:de|du|des|d['’])"
_LOCUTIONS = re.compile(
    r"\b(?:par rapport (?:à|au|aux)\b|au sein " + _OF + r"|en (?:matière|termes) " + _OF
    + r"|au niveau " + _OF + r"|en fonction " + _OF + r"|(?:à l['’]|au )(?:égard|regard) "
    + _OF + r"|à propos " + _OF + r"|au cours " + _OF + r"|en vue " + _OF
    + r"|au lieu " + _OF + r"|en raison " + _OF + r"|à l['’]aide " + _OF
    + r"|au profit " + _OF + r"|par le biais " + _OF + r"|au travers " + _OF
    + r"|en faveur " + _OF + r"|à l['’]instar " + _OF + r"|du fait " + _OF
    + r"|en dehors " + _OF + r"|grâce (?:à|au|aux)\b|face (?:à|au|aux)\b(?! face)"
    # « Comment y faire face ? »: to face something names no face (« un face à face »).
    + r"|(?:faire|fait|font|faisant|faisons|faites|fasse|fassent)\s+face\b"
    + r"|en effet\b|en particulier\b|d['’]une part\b|d['’]autre part\b|à la fois\b)"
)


def without_locutions(lowered: str) -> str:
    """Lowercased text with its locutions (``_LOCUTIONS``) blanked: what :func:`analyze`
    reads word by word."""
    return _LOCUTIONS.sub(" ", lowered)


def analyze(text: str) -> list[str]:
    """BM25 terms: lowercase words, stop words dropped, Snowball-French stems, accents folded.

    Stemming runs before folding because the Snowball rules need the accents.
    Numbers are kept whole: « 2018 » must not match « 2008 ». Locutions (``_LOCUTIONS``:
    « par rapport aux », « en effet ») are function words too.
    """
    out: list[str] = []
    for raw in _WORD.findall(without_locutions(text.lower())):
        raw = raw.replace("_", "").translate(_LIGATURES)
        if not raw:
            continue
        folded = fold(raw)
        if folded in STOP_WORDS or (len(folded) < 2 and not folded.isdigit()):
            continue
        number = _number_term(folded)
        if number is not None:
            out.append(number)
            continue
        raw = SHORT_FORMS.get(folded, raw)
        out.append(folded if folded.isdigit() else _stem(raw))
    return out


_EN_WORDS = frozenset(
    [
        "the",
        "what",
        "which",
        "who",
        "how",
        "why",
        "when",
        "where",
        "is",
        "are",
        "does",
        "do",
        "of",
        "and",
        "in",
        "for",
        "with",
        "about",
        "their",
        "its",
        "this",
        "that",
        "these",
        "those",
        "between",
        "main",
        "three",
    ]
)
_FR_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "qui",
        "comment",
        "pourquoi",
        "est",
        "sont",
        "et",
        "en",
        "pour",
        "avec",
        "sur",
        "une",
        "un",
        "aux",
        "au",
        "ce",
        "cette",
    ]
)


def looks_english(text: str) -> bool:
    words = re.findall(r"[a-z']+", fold(text))
    en = sum(w in _EN_WORDS for w in words)
    fr = sum(w in _FR_WORDS for w in words)
    return en > fr


def singular_tokens(text: str) -> list[str]:
    """tokens(text), a final « s » dropped: « autres associations » matches « autre
    association »; and the « x » of a plural in « -eux » (« tiers-lieux », « enjeux »)."""
    return [
        t[:-1] if (len(t) > 3 and t.endswith("s")) or (len(t) > 4 and t.endswith("eux")) else t
        for t in tokens(text)
    ]


# An average, in a question or a passage (on folded text): « le budget moyen », « en
# moyenne », « la durée médiane », « average ». « moyen » after a determiner or « de » is the
# noun (« un moyen pour innover », « les moyens »), no average.
_AVERAGE = re.compile(
    r"\b(?:en moyenne|on average|average|mean|median\w*)\b"
    r"|(?<!\bun )(?<!\ble )(?<!\bles )(?<!\bdes )(?<!\bses )(?<!\bde )(?<!\bd')(?<!\bnos )"
    r"(?<!\bvos )(?<!\bleurs )(?<!\bleur )(?<!\bces )\bmoyen(?:ne)?s?\b"
)


def says_average(text: str) -> bool:
    """Whether ``text`` speaks of an average (of a measure, not a means)."""
    return _AVERAGE.search(fold(text)) is not None
