"""The metrics of eval-format.md, computed from result records (no model involved).

Each function states its algorithm; names match the keys of ``report.json``.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from ..textnorm import contains_run, tokens
from ..textunits import split_sentences
from .dataset import Case

# The metrics ``assistant eval`` prints, in report.json's names (judge ones when present).
SUMMARY_METRICS = (
    "hit_at_1",
    "hit_at_5",
    "mrr_at_10",
    "key_fact_recall",
    "abstention_recall",
    "false_abstention_rate",
    "citation_validity",
    "quote_precision",
    "first_quote_on_point",
    "answer_defects",
    "leaning_quotes",
    "latency_p50_ms",
    "latency_p95_ms",
    "llm_faithfulness",
    "llm_answer_correctness",
)


def first_hit_rank(case: Case, retrieved_texts: list[str], depth: int = 10) -> int | None:
    """1-based rank of the first retrieved chunk inside which any evidence matches."""
    needles = [tokens(e) for e in case.evidence if tokens(e)]
    for rank, text in enumerate(retrieved_texts[:depth], start=1):
        haystack = tokens(text)
        if any(contains_run(haystack, n) for n in needles):
            return rank
    return None


def fact_coverage(case: Case, answer: str) -> float | None:
    """Covered key-fact groups / all groups (a group is covered when any phrasing matches)."""
    if not case.key_facts:
        return None
    haystack = tokens(answer)
    covered = sum(
        1 for group in case.key_facts if any(contains_run(haystack, tokens(p)) for p in group)
    )
    return covered / len(case.key_facts)


def citation_validity(quotes: list[str], retrieved_texts: list[str]) -> tuple[int, int]:
    """(valid, total): a citation is valid when its quote matches inside one retrieved chunk."""
    chunks = [tokens(t) for t in retrieved_texts]
    valid = 0
    for quote in quotes:
        needle = tokens(quote)
        if needle and any(contains_run(chunk, needle) for chunk in chunks):
            valid += 1
    return valid, len(quotes)


# --- answer precision (eval-format.md) ------------------------------------------------
ON_POINT_RUN = 5  # tokens a quote must share in a row with an evidence string


def _shares_run(quote: list[str], evidence: list[str], run: int = ON_POINT_RUN) -> bool:
    if len(quote) < run or len(evidence) < run:
        shorter, longer = (quote, evidence) if len(quote) <= len(evidence) else (evidence, quote)
        return contains_run(longer, shorter)
    grams = {tuple(evidence[i : i + run]) for i in range(len(evidence) - run + 1)}
    return any(tuple(quote[i : i + run]) in grams for i in range(len(quote) - run + 1))


def on_point(case: Case, quote: str) -> bool:
    """A quote is on point when it shares a run of 5 tokens with an evidence string (or
    holds the whole of the shorter one), or when a key-fact phrasing matches inside it."""
    words = tokens(quote)
    if not words:
        return False
    if any(_shares_run(words, tokens(e)) for e in case.evidence if tokens(e)):
        return True
    return any(contains_run(words, tokens(p)) for group in case.key_facts for p in group if p)


_MARKER = re.compile(r"\[(\d{1,3})\]")


def first_citation(result: dict) -> dict | None:
    """The citation of the first marker in the answer text (the first one listed otherwise)."""
    citations = result.get("citations") or []
    if not citations:
        return None
    match = _MARKER.search(result.get("answer", ""))
    if match:
        number = int(match.group(1))
        for citation in citations:
            if citation.get("marker") == number:
                return citation
    return citations[0]


# Footnote calls left in a quote: a number glued to a word (« ressources10 ») or to a year
# (« 201759 »), glued to punctuation (« associatifs.24 »), standing alone after a closing
# quote (« … » 78 ») or after punctuation before the end, a quote or a capital, or between a
# word and a punctuation mark (« MOOC 82 , »).
_FOOTNOTE_CALL = re.compile(
    r"[^\W\d_]{2,}\d{1,3}\b"
    r"|\b(?:19|20)\d{2}\d{1,3}\b"
    r"|(?<![\d\s])[»”.;:!?)]\d{1,3}\b"
    r"|[»”]\s*\d{1,3}\b(?!\s*(?:%|€|[,.]\d))"
    r"|(?<!\d)[.;:!?)]\s+\d{1,3}(?=\s*$|\s*[»”]|\s+[A-ZÀ-Ý«])"
    r"|(?<=[^\W\d_])\s\d{1,3}\s+[,;.»”](?!\d)"
)
_FOOTNOTE_LINE = re.compile(r"^\s*(?:[-•*]\s*)?note\s*:", re.IGNORECASE | re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*(?:[-•▪◦●■*–]|\d{1,2}[.)]|[a-z][.)])\s+")
_FINAL_PUNCTUATION = (".", "!", "?", "…", ":", ";", "»", ")", "”", '"')
HEADING_CHARS = 90


def answer_defects(result: dict) -> list[str]:
    """The defects of one answer a reader trips on, found without a model (eval-format.md):

    - ``dangling_lead_in``: a line, or a quote, ending with « : » that no list item follows;
    - ``footnote``: a footnote line (« Note : … ») or a footnote call left in a quote;
    - ``heading``: a quote under 90 characters with no final punctuation;
    - ``duplicate_quote``: the same quote twice in one answer.
    """
    found: list[str] = []
    answer = _MARKER.sub("", result.get("answer", ""))
    lines = [line.rstrip() for line in answer.splitlines()]
    lines = [line for line in lines if line.strip()]
    quotes = [c.get("quote", "") for c in result.get("citations") or []]
    dangling = any(
        line.endswith(":") and (i + 1 == len(lines) or not _LIST_ITEM.match(lines[i + 1]))
        for i, line in enumerate(lines)
    )
    for quote in quotes:
        quote = quote.strip()
        if quote.endswith(":") and not _LIST_ITEM.match(_after(answer, quote)):
            dangling = True
    if dangling:
        found.append("dangling_lead_in")
    if any(_FOOTNOTE_LINE.search(q) or _FOOTNOTE_CALL.search(q) for q in quotes) or (
        _FOOTNOTE_LINE.search(answer)
    ):
        found.append("footnote")
    if any(
        q.strip() and len(q.strip()) < HEADING_CHARS and not q.strip().endswith(_FINAL_PUNCTUATION)
        for q in quotes
    ):
        found.append("heading")
    folded = [" ".join(tokens(q)) for q in quotes if tokens(q)]
    if len(set(folded)) < len(folded):
        found.append("duplicate_quote")
    return found


def _after(answer: str, quote: str) -> str:
    """The answer's next line after ``quote`` (empty when the quote is not found whole)."""
    # The answer shows a quote of several lines indented under its list point: its words are
    # found whatever the whitespace between them.
    words = quote.split()
    found = re.search(r"\s+".join(map(re.escape, words)), answer) if words else None
    if found is None:
        return ""
    rest = answer[found.end() :].split("\n", 1)
    if rest[0].strip():
        return ""  # more text on the same line: no list follows
    return rest[1].lstrip("\n") if len(rest) > 1 else ""


# --- leaning quotes (eval-format.md) ------------------------------------------------------
# A quote opening on one of these words reads as an orphan when what it leans on is missing:
# « Ces chiffres… » with no figures before it. The list is eval-format.md's, word for word.
_LIST_PREFIX = re.compile(r"^\s*(?:(?:[-•▪◦●■*–]|\d{1,2}[.)])\s*)*")
_APOSTROPHE = "['’]"
# Impersonal « il »: eval-format.md names « Il y a », « Il existe », « Il faut » and « Il est +
# adjectif »; the other impersonal verbs of French (« il s'agit », « il convient »…) are as
# impersonal, so they are read the same way (docs/eval-format.md, the project's additions).
# « Il est + adjectif » is told from « Il est issu de la… » by what follows the adjective:
# « que » or « de » + an infinitive (« Il est essentiel de mobiliser »).
_CLITICS = (
    rf"(?:(?:se|s{_APOSTROPHE}|en|y|ne|n{_APOSTROPHE}|l{_APOSTROPHE}|lui|leur|nous|vous)\s*)*"
)
_INFINITIVE = rf"(?:de\s+|d{_APOSTROPHE}){_CLITICS}\w+(?:er|ir|re|oir)\b"
_IMPERSONAL = re.compile(
    rf"il\s+(?:ne\s+|n{_APOSTROPHE}\s*)?(?:"
    rf"y\s+(?:a|avait|aura|aurait)\b"
    r"|(?:existe|existait|faut|fallait|faudra|faudrait|convient|importe|suffit|semble"
    r"|apparait|apparaît|reste|manque)\b"
    rf"|s{_APOSTROPHE}\s*(?:agit|agissait|agira|avère)\b"
    r"|(?:est|était|sera|serait|devient|paraît|parait)\s+(?:\S+\s+){0,2}?\S+\s+"
    rf"(?:que\b|qu{_APOSTROPHE}|{_INFINITIVE})"
    ")",
    re.IGNORECASE,
)
_LEANING_OPENER = re.compile(
    r"(?:"
    r"ce|cet|cette|ces|cela|ceci|celui|celle|celles|ceux"  # demonstratives
    rf"|c{_APOSTROPHE}est\s+ce\s+que"
    r"|il|ils|elle|elles"  # subject pronouns (impersonal « il » is checked apart)
    r"|vous\s+y|tel\s+est|telle\s+est|leur|leurs"
    r"|mais|ainsi|aussi|donc|enfin|toutefois|pourtant|en\s+effet|par\s+ailleurs"
    r"|de\s+plus(?!\s+en\s+plus)|en\s+outre"  # « De plus en plus de… » leans on nothing
    r"|avec\s+(?:cette|cet|ces|ce)"
    r")(?![\w'’])",  # « Celle-ci » is a demonstrative too
    re.IGNORECASE,
)


def opens_leaning(quote: str) -> bool:
    """True when the quote opens (after any « - », « • » or list number) on a word that
    leans on an earlier sentence: a demonstrative, a personal subject pronoun, « Vous y »,
    « Tel(le) est », « Leur(s) » or a connective (eval-format.md's list)."""
    text = quote[_LIST_PREFIX.match(quote).end() :]
    if not _LEANING_OPENER.match(text):
        return False
    return not _IMPERSONAL.match(text)


class _Unit(NamedTuple):
    text: str
    line: int  # index of its line in the chunk
    opens_item: bool  # the first sentence of a list item's line


def _passage_units(chunk: str) -> list[_Unit]:
    """The chunk's sentences (the project's splitter, line by line); their tokens, end to
    end, are the chunk's tokens."""
    return [
        _Unit(sentence, n, i == 0 and bool(_LIST_ITEM.match(line)))
        for n, line in enumerate(chunk.split("\n"))
        for i, sentence in enumerate(split_sentences(line))
    ]


def _predecessors(quote: list[str], chunk: str) -> list[str | None]:
    """For each place the quote starts in the chunk, what it leans on there: the sentence
    before the one it starts in, or the whole previous line when it opens a list item
    (``None`` when it starts in the chunk's first sentence)."""
    units = _passage_units(chunk)
    owner: list[int] = []  # for each token of the chunk, the unit it belongs to
    for k, unit in enumerate(units):
        owner.extend([k] * len(tokens(unit.text)))
    words = [w for unit in units for w in tokens(unit.text)]
    found: list[str | None] = []
    for start in range(len(words) - len(quote) + 1):
        if words[start : start + len(quote)] != quote:
            continue
        k = owner[start]
        if k == 0:
            found.append(None)
        elif units[k].opens_item:
            line = units[k - 1].line
            found.append(" ".join(u.text for u in units[:k] if u.line == line))
        else:
            found.append(units[k - 1].text)
    return found


def leaning_quotes(result: dict) -> list[str]:
    """The quotes of one answer that lean on a sentence the answer does not give.

    A quote leans when :func:`opens_leaning` and the sentence just before it in its passage
    (the retrieved chunk holding it; for a quote opening a list item, the previous line) is
    not in the answer (its text or any of its quotes). A quote found in several retrieved
    chunks leans only if none of them shows a predecessor the answer gives; a quote opening
    its chunk, or found in none, has no predecessor given, so it leans.
    """
    citations = result.get("citations") or []
    given = [tokens(_MARKER.sub("", result.get("answer", "")))]
    given += [tokens(c.get("quote", "")) for c in citations]
    chunks = [r.get("text", "") for r in result.get("retrieved") or []]
    out: list[str] = []
    for citation in citations:
        quote = citation.get("quote", "")
        words = tokens(quote)
        if not words or not opens_leaning(quote):
            continue
        before = [p for chunk in chunks for p in _predecessors(words, chunk)]
        if not any(
            p is not None and tokens(p) and any(contains_run(g, tokens(p)) for g in given)
            for p in before
        ):
            out.append(quote)
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = math.floor(k), math.ceil(k)
    if low == high:
        return ordered[int(k)]
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def case_scores(case: Case, result: dict) -> dict:
    texts = [r["text"] for r in result["retrieved"]]
    rank = first_hit_rank(case, texts) if case.answerable else None
    valid, total = citation_validity([c["quote"] for c in result["citations"]], texts)
    answered = case.answerable and not result["abstained"] and bool(result["citations"])
    first = first_citation(result) if answered else None
    return {
        "hit_rank": rank,
        "hit_at_1": bool(rank == 1),
        "hit_at_5": bool(rank is not None and rank <= 5),
        "reciprocal_rank": 1.0 / rank if rank else 0.0,
        "fact_coverage": fact_coverage(case, result["answer"]) if case.answerable else None,
        "citations_valid": valid,
        "citations_total": total,
        "quotes_on_point": sum(on_point(case, c["quote"]) for c in result["citations"])
        if answered
        else None,
        "first_on_point": on_point(case, first["quote"]) if first else None,
        "defects": answer_defects(result) if not result["abstained"] else [],
        "leaning": leaning_quotes(result) if not result["abstained"] else [],
    }


def aggregate(cases: list[Case], results: list[dict], scores: list[dict]) -> dict:
    """All report.json metrics over a list of cases (any subset: a tag, a section)."""
    answerable = [(c, r, s) for c, r, s in zip(cases, results, scores, strict=True) if c.answerable]
    unanswerable = [(c, r) for c, r in zip(cases, results, strict=True) if not c.answerable]
    facts = [s["fact_coverage"] for _, _, s in answerable if s["fact_coverage"] is not None]
    valid = sum(s["citations_valid"] for s in scores)
    total = sum(s["citations_total"] for s in scores)
    latencies = [float(r["latency_ms"]) for r in results]
    cited = [(r, s) for _, r, s in answerable if s.get("first_on_point") is not None]
    on_point_quotes = sum(s["quotes_on_point"] for _, s in cited)
    cited_quotes = sum(len(r["citations"]) for r, _ in cited)
    answered = [s for r, s in zip(results, scores, strict=True) if not r["abstained"]]
    answered_quotes = sum(len(r["citations"]) for r in results if not r["abstained"])
    return {
        "cases": len(cases),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit_at_1": _mean([float(s["hit_at_1"]) for _, _, s in answerable]),
        "hit_at_5": _mean([float(s["hit_at_5"]) for _, _, s in answerable]),
        "mrr_at_10": _mean([s["reciprocal_rank"] for _, _, s in answerable]),
        "key_fact_recall": _mean(facts),
        "abstention_recall": _mean([float(r["abstained"]) for _, r in unanswerable])
        if unanswerable
        else None,
        "false_abstention_rate": _mean([float(r["abstained"]) for _, r, _ in answerable]),
        "citation_validity": valid / total if total else 1.0,
        "citations": total,
        "quote_precision": on_point_quotes / cited_quotes if cited_quotes else None,
        "first_quote_on_point": _mean([float(s["first_on_point"]) for _, s in cited])
        if cited
        else None,
        "answer_defects": _mean([float(bool(s.get("defects"))) for s in answered])
        if answered
        else None,
        "leaning_quotes": sum(len(s.get("leaning", [])) for s in answered) / answered_quotes
        if answered_quotes
        else None,
        "latency_p50_ms": round(percentile(latencies, 0.5), 2),
        "latency_p95_ms": round(percentile(latencies, 0.95), 2),
    }
