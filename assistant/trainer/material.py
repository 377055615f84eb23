"""What a unit of the note gives a trainer, read from its own words: figures with the
clause they measure, names of organisations and programmes, defining sentences, the
questions it asks. Pure functions on text; rules are about French prose, not this note."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..textnorm import fold
from ..textunits import (
    Boilerplate,
    Unit,
    is_item,
    split_sentences,
    split_units,
    strip_bullet,
    template_key,
)

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_NUMBER = re.compile(
    r"(?<![\w/°’'.,-])(?P<n>\d{1,3}(?:[ \u202f\u00a0.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
    r"(?P<unit>\s?%|\s?‰|\s?€|\s(?:millions?|milliards?)(?:\sd[’']\w+|\sde\s\w+)?"
    r"|\s(?:\w+\s)?sur\s\d+|\s(?:euros?))?",
)
# The noun a bare number counts (« 150 000 jeunes », « 25 études de cas »).
_COUNTED = re.compile(
    r"^\s(?!(?:de|des|du|et|en|sur|pour|par)\b)([a-zà-ÿ][\w’'-]{2,})"
    r"(\sde\s(?!(?:la|le|les|l)\b)[a-zà-ÿ][\w’'-]{2,})?"
)
_RANGE = re.compile(r"\bentre\s\d+(?:,\d+)?\s?%?\set\s\d+(?:,\d+)?\s?(?:%|€|millions?|milliards?)")
_WORD_SHARE = re.compile(
    r"\b(?:(?:un|deux)\s(?:tiers|quarts?)|(?:une?|deux)\s\w+\ssur\s(?:deux|trois|quatre|cinq|dix))\b",
    re.IGNORECASE,
)
_NOT_A_FIGURE_BEFORE = re.compile(
    r"(?:(?i:\b(?:n°|dossier|odd|article|groupe|loi|l|numéro|numero|niveau|page|p\.))"
    r"|\b[A-Z][A-Z-]+)\s*$"
)
_NOT_A_FIGURE_AFTER = re.compile(
    rf"^\s?(?:e|er|ère|re|ème|eme|éme|èmes)\b|^\s(?:{_MONTHS})\b", re.I
)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")


@dataclass(frozen=True)
class FoundFigure:
    value: str
    measures: str
    year: str


def lines_of(unit: Unit) -> list[str]:
    """A unit's lines as a reader sees them: a list's lead-in and items (bullet kept out),
    or a text's sentences."""
    if unit.kind == "list":
        return [strip_bullet(x) if is_item(x) else x.strip() for x in unit.text.split("\n")]
    return [s.strip() for s in split_sentences(unit.text) if s.strip()]


def figures_in(line: str) -> list[FoundFigure]:
    found: list[FoundFigure] = []
    spans: list[tuple[int, int, str]] = []
    # « 10% pour tout changer » names a programme: no figure inside a title in quotes.
    titles = [m.span() for m in _QUOTED.finditer(line)]
    for match in _NUMBER.finditer(line):
        number, unit = match.group("n"), (match.group("unit") or "")
        if any(start <= match.start() < end for start, end in titles):
            continue
        if _NOT_A_FIGURE_BEFORE.search(line[: match.start()]):
            continue
        if _NOT_A_FIGURE_AFTER.match(line[match.end("n") :]) and not unit.strip():
            continue
        if not unit.strip() and (_YEAR.match(number) or number in {"0", "1", "2", "3"}):
            continue  # a year, or « 3 leviers »: not what a figures table is for
        if not unit.strip() and _glued_to_name(line[: match.start()]):
            continue  # « le Comité 21 »: part of a name, not a figure
        value = match.group(0).strip()
        end = match.end()
        counted = _COUNTED.match(line[end:]) if not unit.strip() else None
        if counted:
            value += counted.group(0).rstrip()
            end += len(counted.group(0))
        spans.append((match.start(), end, value))
    spans += [(m.start(), m.end(), m.group(0)) for m in _WORD_SHARE.finditer(line)]
    for match in _RANGE.finditer(line):
        # « entre 60 % et 80 % »: one figure, not two.
        inner = [s for s in spans if match.start() <= s[0] and s[1] <= match.end()]
        spans = [s for s in spans if s not in inner]
        spans.append((match.start(), match.end(), match.group(0)))
    spans.sort()
    owned = _years_of(line, spans)
    for index, (start, end, value) in enumerate(spans):
        measured = measured_part(line, start, end, spans)
        year = ""
        if owned.get(index):
            ys, ye = min(owned[index], key=lambda y: min(abs(y[0] - end), abs(start - y[1])))
            year = line[ys:ye]
            measured, year = _with_year(line, measured, ys, ye, year)
        found.append(FoundFigure(value.rstrip(" ,;."), measured, year))
    return found


_A_YEAR = re.compile(r"(?<![\w,.\-/])(?:19|20)\d{2}(?![\w%\-/]|,\d)")
_RIGHT_AFTER = re.compile(r"^\s(?:[\w’']+\s){0,2}$")
_YEAR_LEAD = re.compile(
    rf"(?:\b(?:en|depuis|dès|des|fin|début|d[’']ici|à partir de|au|le|la)\s)?"
    rf"(?:\d{{1,2}}\s)?(?:(?:{_MONTHS})\s)?$",
    re.I,
)


def _years_of(line: str, spans: list[tuple[int, int, str]]) -> dict[int, list[tuple[int, int]]]:
    """Each year of the line goes to the nearest figure of its own sentence (« passé de 70
    milliards d’euros en 2006 à 113 milliards d’euros en 2018 »: 2006 with 70, 2018 with
    113); a year inside a name (« l’Agenda 2030 ») is no date."""
    owned: dict[int, list[tuple[int, int]]] = {}
    ends = [m.end() for m in re.finditer(r"[.!?]\s", line)]

    def sentence_of(at: int) -> int:
        return sum(1 for e in ends if e <= at)

    for match in _A_YEAR.finditer(line):
        ys, ye = match.span()
        if any(s <= ys < e for s, e, _ in spans) or _year_in_name(line[:ys]):
            continue
        # « 70 milliards d’euros en 2006 »: a year right after a figure (two words at most
        # between them) is that figure's; otherwise the nearest figure of the sentence, one
        # after the year counting a little further (« en 2019, ce sont près de 150 000
        # jeunes… »).
        same = [
            (0 if _RIGHT_AFTER.match(line[e:ys]) else (ys - e if e <= ys else s - ye + 10), i)
            for i, (s, e, _) in enumerate(spans)
            if sentence_of(s) == sentence_of(ys) and (e <= ys or ye <= s)
        ]
        if same:
            owned.setdefault(min(same)[1], []).append((ys, ye))
    return owned


def _year_in_name(before: str) -> bool:
    """« l’Agenda 2030 », « Horizon 2020 »: a capitalised word (not « En », « Depuis »)
    right before the year."""
    match = re.search(r"(\S+)\s$", before)
    if not match:
        return False
    word = re.sub(r"^[dlDL][’']", "", match.group(1))
    return word[:1].isupper() and fold(word) not in _FUNCTION_WORDS


def _with_year(line: str, measured: str, ys: int, ye: int, year: str) -> tuple[str, str]:
    """What the figure measures, stretched to hold its year (« dès 2015, les 17 ODD
    donnaient… »); no year when that would not be a short part of the sentence."""
    at = line.find(measured)
    if at < 0 or (at <= ys and ye <= at + len(measured)):
        return measured, year
    lead = _YEAR_LEAD.search(line[:ys])
    start = min(at, lead.start() if lead and lead.group(0) else ys)
    end = max(at + len(measured), ye)
    part = line[start:end].strip().rstrip(" .;,:").strip()
    return (part, year) if len(part) <= 220 else (measured, "")


# Where a sentence's parts meet: commas, semicolons, colons, dashes; « et » only before
# another figure (« 81% des dirigeants … et 86% des responsables »).
_CUT = re.compile(r",\s|;\s?|\s:\s|:\s|\s[–—]\s|[.!?…]\s")


def _content_words(text: str) -> list[str]:
    words = (re.sub(r"^[dlDL][’']", "", w) for w in re.findall(r"[^\W\d_][\w’'-]{2,}", text))
    return [w for w in words if fold(w) not in _FUNCTION_WORDS and len(w) > 2]


def measured_part(line: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> str:
    """What a figure counts, in the note's words and short: the part of its sentence
    between two cuts (« 69% des Français » out of « Tel est l’avis exprimé par 69% des
    Français, 87% des Maires… »); the figure and what follows it when that says what it
    counts, else the whole part (« une croissance de 16,8% avec 13,2 millions… »), and the
    next part too when this one is the figure alone (« Dans 8 cas sur 10, les associations
    sont à la manœuvre… »)."""
    inside = [(s, e) for s, e, _ in spans]
    cuts = [
        (m.start(), m.end())
        for m in _CUT.finditer(line)
        if not any(s <= m.start() < e for s, e in inside)
    ]
    cuts += [
        (m.start(), m.end())
        for m in re.finditer(r"\set\s", line)
        if any(s == m.end() for s, _ in inside)
    ]
    cuts.sort()
    left = max((e for s, e in cuts if e <= start), default=0)
    sentence_start = max((m.end() for m in re.finditer(r"[.!?]\s", line[:start])), default=0)
    left = max(left, sentence_start)
    following = [s for s, e in cuts if s >= end]
    right = following[0] if following else len(line)
    rest = line[end:right]
    for s, e, _ in spans:
        if end <= s < right:
            rest = rest.replace(line[s:e], " ")
    part = line[start:right] if _content_words(rest) else line[left:right]
    figure_words = set(_content_words(line[start:end]))
    if not [w for w in _content_words(part) if w not in figure_words] and len(following) > 0:
        nxt = following[1] if len(following) > 1 else len(line)
        part = line[left:nxt] if _content_words(line[right:nxt]) else part
    part = part.strip().rstrip(" .;,:").strip()
    return part if len(part) <= 220 else clause_around(line, start, end)


def _glued_to_name(before: str) -> bool:
    """A capitalised word, not opening the sentence, right before a bare number: « le
    Comité 21 » (a name), not « Durant 12 ans »."""
    match = re.search(r"(\S+)\s$", before)
    if not match or not match.group(1)[:1].isupper() or match.group(1).isupper():
        return False
    opening = before[: match.start()].rstrip()
    if not opening or opening.endswith((".", "!", "?", ":")):
        return False
    return fold(match.group(1)) not in _FUNCTION_WORDS


def clause_around(line: str, start: int, end: int, limit: int = 220) -> str:
    """The part of ``line`` a figure belongs to: the line itself when short, else the
    segment between semicolons / colons (then commas) holding it."""
    text = line
    if len(text) > limit:
        text, start, end = _segment(text, start, end, r"(?<=[.!?])\s")
    if len(text) > limit:
        text, start, end = _segment(text, start, end, r"[;:]\s")
    if len(text) > limit:
        text, start, end = _segment(text, start, end, r",\s")
    return text.strip().rstrip(";,:").strip()


def _segment(text: str, start: int, end: int, separator: str) -> tuple[str, int, int]:
    cuts = [0] + [m.end() for m in re.finditer(separator, text)] + [len(text) + 1]
    for left, right in itertools.pairwise(cuts):
        if left <= start < right:
            piece = text[left : right - 1] if right <= len(text) else text[left:]
            return piece, start - left, end - left
    return text, start, end


def _words(text: str) -> frozenset[str]:
    """A set of words, folded (no accents) like the words it is compared with."""
    return frozenset(fold(w) for w in text.split())


# --- names -----------------------------------------------------------------------------
_CAP = r"(?:[A-ZÀ-ÖØ-Ý][\w’'&.-]*|[A-Z]{2,}[\w-]*)"
_JOIN = r"(?:\s(?:de|du|des|la|le|les|pour|&|en|sur)\s|\sd[’']|\s|-)"
_NAME = re.compile(rf"{_CAP}(?:{_JOIN}{_CAP})*")
_QUOTED = re.compile(r"«\s?([^»]{4,90}?)\s?»|“([^”]{4,90}?)”")
_FUNCTION_WORDS = _words(
    "le la les l un une des du de d ce cet cette ces il elle ils elles on nous vous je en "
    "au aux a à dans depuis pour par avec sur sous selon si et ou mais comme dès lors "
    "après avant face enfin ainsi outre autre quel quels quelle quelles comment pourquoi "
    "qui que quoi c tel telle tels chaque plus moins leur leurs son sa ses notre nos "
    "votre vos mon ma mes citons voir note zoom focus illustration illustrations retour "
    "eclairage éclairage principal deuxième troisième second seconde premier première "
    "viennent gageons pouvoir sans fondé animée créée lancé rassemblant alors cela ceci "
    "tout toutes tous toute durant pendant suivants suivantes "
)
# Titles and words of address, not examples to show a room.
_GENERIC = _words(
    "etat état france français française président présidente république ministre "
    "secrétaire maires haut-commissaire directrice directeur professeur europe hommes "
    "territoires demain "
)


_ACRONYM = re.compile(r"^[A-Z]{2,}")


def names_in(line: str, common_words: frozenset[str] | set[str] | None = None) -> list[str]:
    """Organisations, programmes, places the line names: runs of capitalised words and
    acronyms (not the word that opens the sentence), and titles between quotes."""
    names: list[str] = []
    for match in _QUOTED.finditer(line):
        title = (match.group(1) or match.group(2) or "").strip(" .,")
        proper = title[:1].isupper() or title[:1].isdigit()
        if proper and len(title.split()) <= 10 and not title.endswith("?"):
            names.append(title)
    unquoted = _QUOTED.sub(lambda m: " " * len(m.group(0)), line)
    for match in _NAME.finditer(unquoted):
        words = match.group(0).split()
        while words and (
            fold(words[0]).strip("’'") in _FUNCTION_WORDS or fold(words[0]) in _GENERIC
        ):
            words.pop(0)  # « Président de la République Emmanuel Macron » → the person
        while words and fold(words[-1]) in {"de", "du", "des", "la", "le", "les", "et", "&"}:
            words.pop()
        name = " ".join(words).strip(" .,;:-’'")
        if len(name) < 3 or fold(name) in _GENERIC or name.lower() == name:
            continue
        if len(words) == 1 and not _ACRONYM.match(name):
            opens = not unquoted[: match.start()].strip() or re.search(
                r"[.!?:]\s*$", unquoted[: match.start()]
            )
            if opens or (common_words is not None and fold(name) in common_words):
                continue  # a sentence's first word, or a common word capitalised
        names.append(name)
    return list(dict.fromkeys(names))


# --- definitions ------------------------------------------------------------------------
_DEFINES = re.compile(
    r"^(?:(?:Le|La|Les|Un|Une)\s+|L[’'])(?P<term>[^,;:!?«»()]{3,70}?)\s+"
    r"(?P<verb>est|sont|désigne|désignent|se définit|se définissent|se caractérise|"
    r"se caractérisent|consiste|correspond|recouvre|recouvrent|constitue|constituent|"
    r"représente|représentent)\s+(?P<rest>.+)$"
)
_PARTICIPLE = re.compile(r"^(?:\w+(?:é|ée|és|ées|i|is|ie|u|us|ue|ues|it|ite|ert)|en)\b")


# What « X est / sont » defines with: a noun group (« le premier des 3 leviers », « l’une
# des caractéristiques », « un moyen »), not an adjective or an aside.
_ATTRIBUTE = re.compile(
    r"^(?:le|la|les|l[’']|un|une|des|du|ce|cet|cette|ces|celui|celle|ceux|celles)\b", re.I
)


def defined_term(sentence: str) -> str | None:
    """The term a sentence defines (« Les alliances stratégiques constituent le troisième
    levier… » → « alliances stratégiques »), None for other sentences."""
    match = _DEFINES.match(sentence.strip())
    if not match:
        return None
    term = match.group("term").strip()
    if len(term.split()) > 6 or _PARTICIPLE.match(match.group("rest")):
        return None
    if match.group("verb") in ("est", "sont") and not _ATTRIBUTE.match(match.group("rest")):
        return None  # « Les exemples sont de plus en plus nombreux »: a remark, not a definition
    if fold(term.split()[0]) in _FUNCTION_WORDS:
        return None
    return term


def questions_in(unit: Unit) -> list[str]:
    """The questions the note itself asks, as written."""
    return [line for line in lines_of(unit) if line.rstrip().endswith("?") and len(line) > 20]


def further_items(unit: Unit) -> list[str]:
    """The items of a « Pour aller plus loin : » / « Pour en savoir plus » list."""
    lines = lines_of(unit)
    if (
        unit.kind == "list"
        and lines
        and re.match(r"^(pour aller plus loin|pour en savoir plus)", fold(lines[0]))
    ):
        return lines[1:]
    return []


def repeated_opening(text: str, boilerplate: Boilerplate | None) -> bool:
    """A sentence opening like a line the corpus repeats from section to section with
    other numbers (« A demain, 21ème et dernier jour… » next to « A demain, 4ème jour du
    cycle… »): an announcement, never a message."""
    if boilerplate is None:
        return False
    key = template_key(text).split()
    if len(key) < 3:
        return False
    return (
        any("#" in k and k.split()[:3] == key[:3] for k in boilerplate.keys) or text in boilerplate
    )


# --- one entity, several names ------------------------------------------------------------
_PAREN_ACRONYM = re.compile(r"\(\s?([A-Z][A-Za-z]{1,9})\s?\)")
_EXPANSION_WORDS = 16


def _initials(word: str) -> str:
    """« Nicolas-Hulot » → « nh », « l’Union » → « u »."""
    word = re.sub(r"^[dlDL][’']", "", word)
    return "".join(fold(part)[:1] for part in word.split("-") if part)


def _spells(initials: list[str], acronym: str) -> bool:
    """The acronym's letters, in order, are initials of the words (« FNH » in « Fondation
    Nicolas-Hulot pour la nature et l’homme »)."""
    letters = iter("".join(initials))
    return all(letter in letters for letter in fold(acronym))


def acronym_expansions(line: str) -> list[tuple[str, int, int]]:
    """Each acronym given in parentheses after its full name: (acronym, where the full
    name starts, where the parenthesis starts). An acronym whose letters the words before
    it do not spell (« le DLA de Paris (PIE) ») has no full name here."""
    found: list[tuple[str, int, int]] = []
    for match in _PAREN_ACRONYM.finditer(line):
        acronym = match.group(1)
        if not acronym[:2].isupper():
            continue
        words = list(re.finditer(r"[\w’'-]+", line[: match.start()]))[-_EXPANSION_WORDS:]
        for index in range(len(words) - 1, -1, -1):
            first = _initials(words[index].group(0))
            if first[:1] != fold(acronym)[:1]:
                continue
            initials = [
                _initials(w.group(0))
                for w in words[index:]
                if fold(w.group(0)) not in _FUNCTION_WORDS
            ]
            if _spells(initials, acronym):
                found.append((acronym, words[index].start(), match.start()))
                break
    return found


def group_aliases(line: str, names: list[str]) -> list[tuple[str, ...]]:
    """The line's names as entities: a full name and the acronym given after it in
    parentheses are one entity (« Fondation Nicolas-Hulot », « FNH »), in reading order."""
    position = {name: line.find(name) for name in names}
    merged: dict[str, list[str]] = {name: [name] for name in names}
    for acronym, start, end in acronym_expansions(line):
        if acronym not in merged:
            continue
        inside = [n for n in names if n != acronym and start <= position[n] < end]
        if inside and inside[0] in merged:
            merged[inside[0]] += [*inside[1:], acronym]
            for name in [*inside[1:], acronym]:
                merged.pop(name, None)
    groups = sorted(merged.values(), key=lambda g: position[g[0]])
    # « l’UNCPIE (Union Nationale des Centres de Protection et d’Information…) »: the
    # acronym first, its full name after it; one entity, the full name shown first.
    for group in list(groups):
        acronym = group[0]
        if len(group) != 1 or not (acronym.isupper() and _ACRONYM.match(acronym)):
            continue
        after = line[position[acronym] + len(acronym) :].lstrip()
        full = next(
            (g for g in groups if g is not group and len(g) == 1 and same_entity(acronym, g[0])),
            None,
        )
        if full is not None and after.startswith("(" + full[0]):
            full.append(acronym)
            groups.remove(group)
    return [tuple(group) for group in groups]


def entity_label(entity: tuple[str, ...]) -> str:
    """« Fondation Nicolas-Hulot (FNH) »: the full name, its acronym in parentheses; the
    acronym alone when the name read is cut short (« Commissariat général » for « CGET »:
    its words do not spell the acronym whole)."""
    if len(entity) > 1 and _ACRONYM.match(entity[-1]) and entity[-1].isupper():
        acronym = entity[-1]
        words = [w for w in re.findall(r"[\w’'-]+", entity[0]) if fold(w) not in _FUNCTION_WORDS]
        initials = "".join(_initials(w) for w in words)
        if initials != fold(acronym) and "".join(_initials(w)[:1] for w in words) != fold(acronym):
            return acronym
        return f"{entity[0]} ({acronym})"
    return entity[0]


def joined(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]


def spells_one_of(name: str, acronyms: frozenset[str] | set[str]) -> bool:
    """« Responsabilité Sociétale d’Entreprise » spells « RSE »: its words' initials (the
    small words left out) are exactly one of the acronyms."""
    words = [w for w in re.findall(r"[\w’'-]+", name) if fold(w) not in _FUNCTION_WORDS]
    initials = "".join(_initials(w)[:1] for w in words)
    return len(initials) >= 3 and any(initials == fold(a) for a in acronyms)


def same_entity(one: str, other: str) -> bool:
    """Two names of one body: equal, or an acronym and a name whose words' initials spell
    it (« UNCPIE » and « Union Nationale des Centres de Protection », a name the line cut
    short)."""
    if fold(one) == fold(other):
        return True
    for acronym, name in ((one, other), (other, one)):
        if not (acronym.isupper() and _ACRONYM.match(acronym)) or name.isupper():
            continue
        words = [w for w in re.findall(r"[\w’'-]+", name) if fold(w) not in _FUNCTION_WORDS]
        initials = "".join(_initials(w) for w in words)
        letters = fold(acronym)
        if (
            len(initials) >= 2
            and initials[:1] == letters[:1]
            and (letters.startswith(initials) or _spells([initials], acronym))
        ):
            return True
    return False


def leans_alone(sentence: str) -> bool:
    """Read alone, the sentence leans on the one before it (« Tel est l’avis… »,
    « Depuis, de nombreuses initiatives… »)."""
    units = split_units(sentence)
    return bool(units) and units[0].leans
