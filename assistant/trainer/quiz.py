"""The quiz: what a room is asked, and how the asking stays fair.

Items come from the sheet's own material: its figures and named examples (multiple choice)
and its defined terms and key messages (fill in the blank). A prompt is one sentence that
reads alone; a blank never cuts a word group the note uses whole; wrong choices are of the
same kind as the answer and never give it away (no other name of it, nothing the prompt
shows); the answer's place varies from item to item, the same every run.
"""

from __future__ import annotations

import hashlib
import itertools
import re

from ..search.retrieval import Retriever
from ..textnorm import analyze, fold
from ..textunits import Unit, split_sentences, strip_bullet
from .corpus import cached, line_leans, reader
from .material import _FUNCTION_WORDS, figures_in, leans_alone, lines_of, same_entity
from .sheet import BLANK, QuizItem, Sheet, Source

QUIZ_ITEMS = 5

_AFTER_DETERMINER = re.compile(
    r"(?i:\b(?:le|la|les|un|une|des|du|de|au|aux|son|sa|ses|leur|leurs|ce|cet|cette|ces|"
    r"notre|nos|votre|vos))\s([a-zà-ÿ][\w-]{6,})"
)


def quiz_items(retriever: Retriever, sources: list[Source], sheet: Sheet) -> list[QuizItem]:
    """Up to :data:`QUIZ_ITEMS` items, taking figures, names and terms in turn, one item per
    sentence of the note. ``sources``: the sheet's citations so far (its figures' quotes)."""
    by_marker = {s.marker: s for s in sources}
    figure_items: list[QuizItem] = []
    values = [f.value for f in sheet.figures]
    for figure in sheet.figures:
        line = _line_with(by_marker[figure.ref].quote, figure.value)
        if line is None or figure.value.startswith("entre "):
            continue  # a range would stand out among single figures
        if line_leans(retriever, line):
            continue  # « Elle se décline autour de 6 axes » asks « who? » first
        others = _distractors(figure.value, values + _figure_pool(retriever))
        # A figure the prompt shows (« 87% des Maires ») is plainly not the blank.
        shown = _blank(line, figure.value)
        others = [o for o in others if fold(o) not in fold(shown)]
        if len(others) < 2:
            continue
        figure_items.append(
            QuizItem(
                _blank(line, figure.value),
                _shuffled((figure.value, *others[:3]), line),
                figure.value,
                figure.ref,
                "figure",
            )
        )
    name_items: list[QuizItem] = []
    for example in sheet.examples:
        answer = next((n for n in example.names if n in example.line), None)
        if answer is None or line_leans(retriever, example.line):
            continue
        # The sentence the blank is in reads alone too (not « Celles-ci sont illustrées
        # dans le guide du ____ » after the sentence it leans on).
        held = next((x for x in split_sentences(example.line) if answer in x), example.line)
        if line_leans(retriever, held):
            continue
        prompt = _blank(example.line, answer)
        # Never another name of the answer (« FNH » for « Fondation Nicolas-Hulot »)
        # nor a name the prompt shows: the room would read the answer off the choices.
        others: list[str] = []
        for n in (n for e in sheet.examples if e is not example for n in e.names):
            shown = [answer, *others, *example.aliases]
            if fold(n) in fold(prompt) or any(same_entity(n, x) for x in shown):
                continue
            others.append(n)
        if len(others) < 2:
            continue
        name_items.append(
            QuizItem(
                prompt,
                _shuffled((answer, *others[:3]), example.line),
                answer,
                example.ref,
                "name",
            )
        )
    term_items = []
    pool = _phrase_pool(retriever, sheet)
    for d in sheet.definitions:
        # The defined term, when spaCy reads it as a noun phrase of its sentence.
        reading = reader(retriever).read(d.text)
        if d.term not in (d.text[a:b] for a, b in reading.phrases()):
            continue
        prompt = _blank(d.text, d.term)
        others = _phrase_distractors(d.term, prompt, pool)
        if len(others) >= 2 and not line_leans(retriever, d.text):
            choices = _shuffled((d.term, *others[:3]), d.text)
            term_items.append(QuizItem(prompt, choices, d.term, d.ref, "term"))
    term_items += _keyword_items(retriever, sheet)
    items: list[QuizItem] = []
    pools = [figure_items, name_items, term_items]
    used: set[str] = set()  # one item per sentence of the note
    while len(items) < QUIZ_ITEMS and any(pools):
        for pool in pools:
            while pool:
                item = pool.pop(0)
                # An item may blank a sentence, a list item or a line of two
                # sentences: any sentence in common is the same question twice.
                filled = item.prompt.replace(BLANK, item.answer, 1)
                sentences = {fold(x) for x in split_sentences(filled) if x.strip()}
                if not sentences & used:
                    used |= sentences
                    items.append(item)
                    break
            if len(items) >= QUIZ_ITEMS:
                break
    return items


def _keyword_items(retriever: Retriever, sheet: Sheet) -> list[QuizItem]:
    """Items on the rarest noun phrase of a key message's sentence (spaCy's noun chunks,
    with their « de » complements: « mobilisation des richesses humaines »), the phrase
    the note uses least, so the one that carries the sentence's point. The blank is the
    phrase's own place in the sentence, never a run of letters inside a word; the wrong
    choices are other noun phrases of the sheet's passages, of the same length."""
    readings = reader(retriever)
    pool = _phrase_pool(retriever, sheet)
    items: list[QuizItem] = []
    for line in sheet.key_messages:
        if line.refs[0] in {d.ref for d in sheet.definitions}:
            continue  # already asked through its definition
        for before, sentence in itertools.pairwise(["", *lines_of(_as_unit(line.text))]):
            if not (50 <= len(sentence) <= 300) or not _stands_alone(before, sentence):
                continue
            if line_leans(retriever, sentence):
                continue
            reading = readings.read(sentence)
            phrases = [
                (start, end)
                for start, end in reading.phrases()
                if len(sentence[start:end].split()) >= 2
                and not re.search(r"\d", sentence[start:end])
                and len(sentence[start:end]) <= 60
                # « 13,2 millions de bénévoles » is a figure: never its noun alone
                and not re.search(r"\d[\s\u202f\u00a0]*$", sentence[:start])
            ]
            if not phrases:
                continue
            start, end = max(
                phrases, key=lambda p: (_rarity(retriever, sentence[p[0] : p[1]]), -p[0])
            )
            answer = sentence[start:end]
            prompt = sentence[:start] + BLANK + sentence[end:]
            others = _phrase_distractors(answer, prompt, pool)
            if len(others) < 2:
                continue
            items.append(
                QuizItem(
                    prompt, _shuffled((answer, *others[:3]), sentence), answer, line.refs[0], "term"
                )
            )
            break
    return items


def key_topics(retriever: Retriever, sheet: Sheet) -> dict[int, str]:
    """Each key message's rarest noun phrase (of two words or more) in its first line."""
    readings = reader(retriever)
    topics: dict[int, str] = {}
    for index, line in enumerate(sheet.key_messages):
        first = lines_of(_as_unit(line.text))[0]
        reading = readings.read(first)
        phrases = [
            first[a:b]
            for a, b in reading.phrases()
            if len(first[a:b].split()) >= 2 and not re.search(r"\d", first[a:b])
        ]
        if phrases:
            topics[index] = max(phrases, key=lambda p: _rarity(retriever, p))
    return topics


def _rarity(retriever: Retriever, phrase: str) -> float:
    words = [w for w in re.findall(r"[^\W\d_][\w-]{2,}", phrase) if fold(w) not in _FUNCTION_WORDS]
    return max((retriever.idf(_analyze_one(w)) for w in words), default=0.0)


def _phrase_pool(retriever: Retriever, sheet: Sheet) -> list[str]:
    """The noun phrases of the sheet's cited passages, in reading order: wrong choices of
    the same kind as a phrase answer, from the same part of the note."""
    readings = reader(retriever)
    pool: list[str] = []
    for source in sheet.sources:
        for line in source.quote.split("\n"):
            line = strip_bullet(line)
            if not line:
                continue
            reading = readings.read(line)
            pool += [line[a:b] for a, b in reading.phrases() if len(line[a:b].split()) >= 2]
    return list(dict.fromkeys(p for p in pool if not re.search(r"\d", p) and len(p) <= 60))


def _phrase_distractors(answer: str, prompt: str, pool: list[str]) -> list[str]:
    """Phrases of a length near the answer's, sharing none of its words and not shown in
    the prompt."""
    words = {fold(w) for w in answer.split() if fold(w) not in _FUNCTION_WORDS}
    size = len(answer.split())
    found = []
    for phrase in pool:
        their = {fold(w) for w in phrase.split() if fold(w) not in _FUNCTION_WORDS}
        if their & words or fold(phrase) in fold(prompt) or abs(len(phrase.split()) - size) > 1:
            continue
        if phrase[:1].isupper() != answer[:1].isupper():
            continue  # a name among common phrases would stand out
        found.append(phrase)
    return found


def word_group(retriever: Retriever, sentence: str, word: str) -> str:
    """The word with the words it always goes with in the note (« parties prenantes »,
    « mécénat de compétences »): a blank never cuts a group the room knows whole."""
    found = list(re.finditer(r"[\w-]+", sentence))  # « L’hybridation »: two words
    index = next((i for i, m in enumerate(found) if m.group(0) == word), None)
    if index is None:
        return word
    text = _corpus_text(retriever)

    def count(phrase: str) -> int:
        pattern = rf"(?<![\w’'-]){re.escape(fold(phrase))}(?![\w’'-])"
        return len(re.findall(pattern, text))

    alone = count(word)
    groups = []
    for first, last in (
        (index - 1, index),
        (index, index + 1),
        (index - 2, index),
        (index, index + 2),
    ):
        if first < 0 or last >= len(found):
            continue
        ends = (fold(found[first].group(0)), fold(found[last].group(0)))
        middle = [fold(m.group(0)) for m in found[first + 1 : last]]
        if any(w in _FUNCTION_WORDS for w in ends) or not all(
            w in {"de", "des", "du", "d", "en"} for w in middle if w != fold(word)
        ):
            continue
        phrase = sentence[found[first].start() : found[last].end()]
        together = count(phrase)
        # Either word mostly in this group: « ressources financières » is a group
        # though « ressources » often stands alone.
        other = count(found[last if first == index else first].group(0))
        if together >= 2 and together >= 0.5 * min(alone, other):
            groups.append((together, len(phrase), phrase))
    return max(groups)[2] if groups else word


def _corpus_text(retriever: Retriever) -> str:
    """The corpus folded, spaces collapsed: what word groups are counted in."""

    def make() -> str:
        return re.sub(r"\s+", " ", fold("\n".join(c.text for c in retriever.chunks)))

    return cached(retriever, "_trainer_text", make)


def _figure_pool(retriever: Retriever) -> list[str]:
    """Every figure the corpus gives, once each in reading order: where wrong choices come
    from."""

    def make() -> list[str]:
        pool: list[str] = []
        for chunk in retriever.chunks:
            for line in chunk.text.split("\n"):
                pool += [f.value for f in figures_in(line)]
        return list(dict.fromkeys(pool))

    return cached(retriever, "_trainer_figures", make)


def _stands_alone(before: str, sentence: str) -> bool:
    """A quiz prompt is one sentence shown alone: not the answer to a question just before
    it (« A innover pour… » after « A quoi servent les alliances ? »), nor a sentence that
    leans on the one before (« Tel est l’avis… »)."""
    return not before.rstrip().endswith("?") and not leans_alone(sentence)


def _as_unit(text: str) -> Unit:
    return Unit(text, "list" if "\n" in text else "sentence", 0)


def _analyze_one(word: str) -> str:
    terms = analyze(word)
    return terms[0] if terms else fold(word)


def _line_with(quote: str, value: str) -> str | None:
    for line in quote.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+(?![»”])", line):
            if value in sentence:
                return sentence.strip()
    return None


def _blank(line: str, answer: str) -> str:
    """The answer's first place in the line as a whole word (« 17 » never out of « 2017 »,
    « acteurs » never out of « facteurs »)."""
    line = strip_bullet(line)
    match = re.search(rf"(?<![\w’'-]){re.escape(answer)}(?![\w-])", line)
    if match is None:
        return line.replace(answer, BLANK, 1)
    return line[: match.start()] + BLANK + line[match.end() :]


def _kind_of(value: str) -> tuple[str, str]:
    """What a figure counts: its unit, and the noun after the number when there is one."""
    text = fold(value)
    noun = text.split()[-1] if re.search(r"[a-z]$", text) else ""
    if "%" in value:
        return "%", ""
    for word in ("milliard", "million", "sur", "tiers", "euro", "€"):
        if word in text:
            return word, noun
    return "n", noun


def _distractors(value: str, pool: list[str]) -> list[str]:
    """Other figures of the same kind (the same counted noun first), none sharing the
    answer's number."""
    kind, noun = _kind_of(value)
    numbers = set(re.findall(r"\d+", value))
    same_noun, same_kind = [], []
    for other in pool:
        other_kind, other_noun = _kind_of(other)
        if other_kind != kind or numbers & set(re.findall(r"\d+", other)):
            continue
        bucket = same_noun if noun and other_noun == noun else same_kind
        if other not in same_noun + same_kind:
            bucket.append(other)
    if noun:
        # « 150 000 jeunes » against « 6 enjeux » would give the answer away: the same
        # noun with other orders of magnitude instead (wrong answers, by design).
        same_noun += [v for v in _scaled(value) if v not in same_noun]
        return same_noun
    if kind == "n":
        # A bare number (« plus de 350 », « de 140.000 à… ») against counted ones
        # (« 12 ans », « 4 besoins ») or other orders of magnitude (« 6 ») stands out:
        # itself scaled (« 175 », « 700 »).
        return _scaled(value)
    return same_noun + same_kind


def _scaled(value: str) -> list[str]:
    match = re.match(r"^(\d{1,3}(?:[ \u202f\u00a0]\d{3})+|\d+(?:,\d+)?)(.*)$", value)
    if not match:
        return []
    written, rest = match.group(1), match.group(2)
    decimal = "," in written
    number = float(re.sub(r"[ \u202f\u00a0]", "", written).replace(",", "."))
    out = []
    for factor in (0.5, 2, 3):
        scaled = number * factor
        if decimal:
            text = f"{scaled:.1f}".replace(".", ",")
        else:
            whole = max(1, round(scaled))
            text = f"{whole:,}".replace(",", " ") if whole >= 10_000 else str(whole)
        if text != written:
            out.append(text + rest)
    return out


def _shuffled(choices: tuple[str, ...], seed: str) -> tuple[str, ...]:
    """The answer's place varies from item to item, the same every run."""
    digest = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)
    shift = digest % len(choices)
    return choices[shift:] + choices[:shift]
