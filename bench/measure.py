"""Measure the chat as a user meets it: ``python -m bench.measure`` (from the checkout).

Starts ``assistant chat`` on a free loopback port (its own data folder, extractive
answers), then drives Debian's Chromium with Playwright:

- time from page load (navigation start) to the first answer token and to the full
  answer (its citation links shown) for a starter, over several fresh sessions;
- resident memory (RSS) of the chat process idle, with 1 and with N open sessions
  (each session has asked a starter).

Needs ``playwright`` (Python) and ``/usr/bin/chromium``; never downloads a browser.
Figures are printed and written as JSON (``--output``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from harness.chat import CHROMIUM, CHROMIUM_ARGS, start_chat
from harness.processes import rss_mb

# Marks taken inside the page, relative to navigation start (performance.now()).
MARKS = """
window.__marks = {};
new MutationObserver(() => {
  const m = window.__marks, now = performance.now();
  if (!m.starters && document.querySelector('#starters button')) m.starters = now;
  const answers = document.querySelectorAll('[data-step-type="assistant_message"]');
  const last = answers[answers.length - 1];
  if (last && !m.first && last.innerText.includes("D'après")) m.first = now;
  if (last && !m.full && last.querySelector('.element-link')) m.full = now;
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def ask_starter(context, url: str, starter: str) -> tuple[object, dict]:
    page = context.new_page()
    page.add_init_script(MARKS)
    page.goto(url)
    button = page.locator(f"#{starter}")
    button.wait_for(timeout=60_000)
    click = page.evaluate("performance.now()")
    button.click()
    deadline = time.monotonic() + 60
    while not page.evaluate("window.__marks.full"):  # (the CSP forbids wait_for_function)
        if time.monotonic() > deadline:
            raise TimeoutError("no answer after 60 s")
        page.wait_for_timeout(20)
    marks = page.evaluate("window.__marks")
    marks["click"] = click
    return page, marks


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="copy this data folder (with its index)")
    parser.add_argument("--runs", type=int, default=5, help="timed fresh sessions")
    parser.add_argument("--sessions", type=int, default=10, help="open sessions for memory")
    parser.add_argument("--starter", default="starter-les-3-leviers")
    parser.add_argument("--output", type=Path, default=Path("test-artifacts/chat-figures.json"))
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="chat-measure-"))
    data_dir = work / "data"
    if args.data_dir:
        shutil.copytree(args.data_dir / "chroma", data_dir / "chroma")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    server = start_chat(args.output.with_suffix(".server.log"), ASSISTANT_DATA_DIR=str(data_dir))
    process, url = server.process, server.url + "/"
    figures: dict = {
        "server_ready_s": round(server.ready_s, 2),
        "index_copied": bool(args.data_dir),
    }
    try:
        time.sleep(1.0)
        figures["rss_idle_mb"] = round(rss_mb(process.pid), 1)
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(work / "profile"),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
            )
            runs = []
            for _ in range(args.runs):
                page, marks = ask_starter(context, url, args.starter)
                runs.append(marks)
                page.close()
            figures["runs"] = runs
            for key in ("starters", "first", "full"):
                figures[f"load_to_{key}_ms"] = round(statistics.median(r[key] for r in runs))
            figures["click_to_first_ms"] = round(
                statistics.median(r["first"] - r["click"] for r in runs)
            )
            figures["click_to_full_ms"] = round(
                statistics.median(r["full"] - r["click"] for r in runs)
            )
            figures["first_run_load_to_full_ms"] = round(runs[0]["full"])
            # Memory: sessions stay open (one page each, each has asked a starter).
            pages = [ask_starter(context, url, args.starter)[0]]
            time.sleep(1.0)
            figures["rss_1_session_mb"] = round(rss_mb(process.pid), 1)
            while len(pages) < args.sessions:
                pages.append(ask_starter(context, url, args.starter)[0])
            time.sleep(1.0)
            figures[f"rss_{args.sessions}_sessions_mb"] = round(rss_mb(process.pid), 1)
            context.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    args.output.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for key, value in figures.items():
        if key != "runs":
            print(f"{key:>28}: {value}")
    return figures


if __name__ == "__main__":  # pragma: no cover
    main()
