"""Session sheets (issue #10), measured in a fresh process (``bench.worker trainer``).

- speed: the first sheet after start-up (cold caches) and the first theme (the embedding
  model loads), then warm sheets of days and themes offline, each built ``rounds`` times;
  the 21-day pack in the four formats;
- quality: citation validity over the 21 days and the themes of tests/test_trainer.py
  (quotes in their chunk, lines in their quotes, figures and quiz answers in their passage,
  no boilerplate), and the coverage of each day's key facts in eval/golden.jsonl by the
  sheet's key messages (mean and worst day).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from harness.chat import TRAINER_THEMES

TOPICS = ("12e jour", "3e jour", "les alliances stratégiques", "l'hybridation des ressources")
THEMES = TRAINER_THEMES


def day_facts(golden: Path) -> dict[int, list[list[str]]]:
    facts = {}
    for line in golden.read_text("utf-8").splitlines():
        case = json.loads(line)
        tag = case["tags"][0]
        resume = "resume" in case["tags"] and case["question"].startswith("Résume le")
        if resume and tag.startswith("jour-"):
            facts[int(tag[5:])] = case["key_facts"]
    return facts


def task_trainer(args) -> dict:
    from assistant.answer.answering import Assistant
    from assistant.settings import Settings
    from assistant.textnorm import contains_run, tokens
    from assistant.trainer.build import build_sheet
    from assistant.trainer.checks import CheckReport, check_sheet
    from assistant.trainer.pack import days_of, write_pack

    settings = Settings(_env_file=None, data_dir=Path(args.data))
    started = time.perf_counter()
    assistant = Assistant(settings)
    build_sheet(assistant, TOPICS[0])
    first_s = time.perf_counter() - started
    # A theme is searched: its first sheet also loads the embedding model.
    t = time.perf_counter()
    build_sheet(assistant, "le bénévolat")
    first_theme_s = time.perf_counter() - t
    warm: dict[str, list[float]] = {}
    for topic in TOPICS:
        for _ in range(max(1, args.rounds)):
            t = time.perf_counter()
            build_sheet(assistant, topic)
            warm.setdefault(topic, []).append(time.perf_counter() - t)
    every = [s for times in warm.values() for s in times]

    total = CheckReport()
    coverage: dict[int, float] = {}
    facts = day_facts(Path(args.set))
    days = days_of(assistant)
    for day in days:
        sheet = build_sheet(assistant, f"{day}e jour")
        total.add(check_sheet(sheet, assistant.retriever))
        if day in facts:
            text = tokens("\n".join(line.text for line in sheet.key_messages))
            groups = facts[day]
            covered = sum(any(contains_run(text, tokens(p)) for p in g) for g in groups)
            coverage[day] = covered / len(groups)
    for theme in THEMES:
        total.add(check_sheet(build_sheet(assistant, theme), assistant.retriever))

    with tempfile.TemporaryDirectory(prefix="trainer-pack-") as folder:
        t = time.perf_counter()
        pack = write_pack(assistant, Path(folder) / "parcours")
        pack_s = time.perf_counter() - t
        archive_mb = pack.archive.stat().st_size / 1e6
        files = len(pack.files)
    worst = min(coverage, key=coverage.get) if coverage else None
    return {
        "first_sheet_s": first_s,
        "first_theme_s": first_theme_s,
        "warm_sheet_s": {
            "median": statistics.median(every),
            "max": max(every),
            "per_topic_median": {k: statistics.median(v) for k, v in warm.items()},
            "rounds": args.rounds,
        },
        "pack": {"days": len(days), "files": files, "seconds": pack_s, "zip_mb": archive_mb},
        "validity": total.validity,
        "lines": total.lines,
        "sources": total.sources,
        "figures": [total.valid_figures, total.figures],
        "quiz": [total.valid_quiz, total.quiz],
        "boilerplate": total.boilerplate,
        "problems": total.problems[:20],
        "themes": len(THEMES),
        "coverage": {
            "mean": statistics.mean(coverage.values()) if coverage else None,
            "worst_day": worst,
            "worst": coverage.get(worst) if worst else None,
            "per_day": coverage,
        },
    }


def markdown(result: dict) -> list[str]:
    warm, pack, cov = result["warm_sheet_s"], result["pack"], result["coverage"]
    topics = ", ".join(f"« {k} » {v:.2f} s" for k, v in warm["per_topic_median"].items())
    return [
        "### Session sheets (`assistant fiche`)",
        "",
        "| measure | value | goal |",
        "|---|---|---|",
        f"| first sheet after start-up (a day: index load, caches) "
        f"| {result['first_sheet_s']:.2f} s | |",
        f"| then the first theme sheet (loads the embedding model) "
        f"| {result['first_theme_s']:.2f} s | |",
        f"| one sheet, warm, offline (median / max, {warm['rounds']}× "
        f"{len(warm['per_topic_median'])} topics) "
        f"| **{warm['median']:.2f} s** / {warm['max']:.2f} s | ≤ 2 s |",
        f"| 21-day pack, 4 formats ({pack['files']} files, zip {pack['zip_mb']:.1f} MB) "
        f"| **{pack['seconds']:.1f} s** | ≤ 60 s |",
        f"| citation validity ({pack['days']} days + {result['themes']} themes, "
        f"{result['lines']} lines, {result['sources']} sources) "
        f"| **{result['validity']:.3f}** | 1.0 |",
        f"| figures in their passage | {result['figures'][0]}/{result['figures'][1]} | all |",
        f"| quiz answers in their passage | {result['quiz'][0]}/{result['quiz'][1]} | all |",
        f"| lines drawn from boilerplate, footnotes, headings | {result['boilerplate']} | 0 |",
        f"| key facts of each day covered by its key messages: mean / worst "
        f"(day {cov['worst_day']}) | **{cov['mean']:.2f}** / {cov['worst']:.2f} | |",
        "",
        f"Warm sheet per topic (median): {topics}.",
        "",
    ]
