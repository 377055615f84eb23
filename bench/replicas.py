"""Two chat replicas behind nginx under load (issue 13): ``python -m bench.replicas``.

Starts what docs/deploy.md describes, on loopback: a PostgreSQL cluster (the history), a
``chroma run`` server (the index), one data folder, one ``assistant ingest`` of the shipped
note, two ``assistant chat`` replicas and nginx with sticky sessions in front. Then:

1. **load**: ``--sessions`` browsers arrive through the proxy without a cookie (nginx
   spreads them over the replicas and pins each with its cookie), log in as one of
   ``--users`` password users, open a chat session, ask ``--questions`` questions one
   after the other and rate the last answer (thumbs up or down);
2. **resume**: every conversation is then opened on *each* replica (the browser pinned
   there), ``--resume-concurrency`` at a time: listed, read over HTTP (all answers, the
   feedback, the cited elements) and resumed over Socket.IO;
3. **follow-up**: every conversation is resumed on the replica that did *not* serve it
   and continued there with one more question (all at once).

Counts errors of every kind (refused connections, error messages, time-outs, a missing
answer, feedback or element) and prints the figures with their setup; ``--output`` keeps
them as JSON. Asserts nothing.

    python -m bench.replicas                       # 50 sessions × 2 questions
    python -m bench.replicas --sessions 10 --questions 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.host import setup_info
from bench.load import QUESTIONS, percentile
from harness.chat_client import Browser, ChatClientError
from harness.chroma import ChromaServer
from harness.postgres import PostgresServer
from harness.processes import ROOT, use_offline_defaults
from harness.replicas import NGINX, REPLICA_PASSWORD, Replicas, replica_settings

use_offline_defaults()
FOLLOW_UP = "Peux-tu préciser ?"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Conversation:
    index: int
    user: str
    replica: str | None = None  # where nginx sent it
    thread_id: str | None = None
    answer_ids: list[str] = field(default_factory=list)
    element_ids: set[str] = field(default_factory=set)
    feedback: int | None = None
    answer_s: list[float] = field(default_factory=list)
    first_token_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def converse(conv: Conversation, url: str, questions: int, gate: asyncio.Semaphore):
    """One browser's visit: login, a session, ``questions`` questions, a rating."""
    async with gate, Browser(url) as browser:
        try:
            await browser.login(conv.user, REPLICA_PASSWORD)
            session = await browser.session(timeout_s=120)
            try:
                for number in range(questions):
                    await asyncio.sleep(random.random() * 0.5)  # users do not type at once
                    question = QUESTIONS[(conv.index + number) % len(QUESTIONS)]
                    reply = await session.ask(question, timeout_s=300)
                    conv.answer_ids.append(reply.answer["id"])
                    conv.element_ids |= {e["id"] for e in reply.elements}
                    conv.answer_s.append(reply.total_s)
                    if reply.first_token_s is not None:
                        conv.first_token_s.append(reply.first_token_s)
                    conv.thread_id = reply.thread_id
            finally:
                await session.close()
            conv.feedback = conv.index % 2
            await browser.wait_for_step(conv.thread_id, conv.answer_ids[-1])
            await browser.feedback(conv.answer_ids[-1], conv.feedback, "banc d'essai")
        except (ChatClientError, OSError, KeyError) as exc:
            conv.errors.append(f"load: {type(exc).__name__}: {str(exc)[:160]}")
        except Exception as exc:  # an HTTP status error, a protocol surprise: counted
            conv.errors.append(f"load: {type(exc).__name__}: {str(exc)[:160]}")
        replicas = set(browser.replicas)
        if len(replicas) > 1:
            conv.errors.append(f"load: one browser served by {sorted(replicas)}")
        conv.replica = next(iter(replicas), None)


@dataclass
class ResumeCheck:
    conversation: int
    replica: str
    ok: bool
    seconds: float
    follow_up: bool
    problem: str = ""
    follow_up_s: float | None = None


async def resume(
    conv: Conversation,
    url: str,
    route: str,
    replica: str,
    gate: asyncio.Semaphore,
    follow_up: bool = False,
) -> ResumeCheck:
    """Conversation ``conv`` opened on ``replica``: listed, read, resumed; then, with
    ``follow_up``, continued there with one more question."""
    resumed_s = follow_up_s = None
    problems: list[str] = []
    async with gate, Browser(url) as browser:
        started = time.perf_counter()  # once let through: the wait at the gate is not timed
        browser.pin(route)
        try:
            await browser.login(conv.user, REPLICA_PASSWORD)
            listed = {t["id"] for t in await browser.threads()}
            if conv.thread_id not in listed:
                problems.append("not listed")
            thread = await browser.thread(conv.thread_id)
            steps = {s["id"]: s for s in thread["steps"]}
            missing = [a for a in conv.answer_ids if a not in steps]
            if missing:
                problems.append(f"{len(missing)} answers missing")
            else:
                rated = steps[conv.answer_ids[-1]].get("feedback") or {}
                if rated.get("value") != conv.feedback:
                    problems.append(f"feedback {rated.get('value')} != {conv.feedback}")
            stored = {e["id"] for e in thread.get("elements") or []}
            if not conv.element_ids <= stored:
                problems.append(f"{len(conv.element_ids - stored)} elements missing")
            session = await browser.session(conv.thread_id, timeout_s=120)
            try:
                resumed = {s["id"] for s in (session.resumed or {}).get("steps", [])}
                if not set(conv.answer_ids) <= resumed:
                    problems.append("resumed without its answers")
                resumed_s = time.perf_counter() - started
                if follow_up:
                    reply = await session.ask(FOLLOW_UP, timeout_s=300)
                    follow_up_s = reply.total_s
                    if reply.thread_id != conv.thread_id:
                        problems.append("follow-up in another thread")
            finally:
                await session.close()
            if set(browser.replicas) != {replica}:
                problems.append(f"served by {sorted(set(browser.replicas))}")
        except Exception as exc:
            problems.append(f"{type(exc).__name__}: {str(exc)[:160]}")
    seconds = resumed_s if resumed_s is not None else time.perf_counter() - started
    problem = "; ".join(problems)
    return ResumeCheck(conv.index, replica, not problems, seconds, follow_up, problem, follow_up_s)


async def drive(args, replicas: Replicas) -> dict:
    assert replicas.proxy is not None
    url = replicas.proxy.url
    users = [f"lecteur{n:02d}" for n in range(args.users)]
    conversations = [Conversation(i, users[i % len(users)]) for i in range(args.sessions)]
    gate = asyncio.Semaphore(args.concurrency)
    log(f"load: {args.sessions} sessions × {args.questions} questions through {url}")
    started = time.perf_counter()
    await asyncio.gather(*(converse(c, url, args.questions, gate) for c in conversations))
    load_s = time.perf_counter() - started

    log("resume: every conversation on every replica")
    started = time.perf_counter()
    returning = asyncio.Semaphore(args.resume_concurrency)
    checks = await asyncio.gather(
        *(
            resume(c, url, route, replica, returning)
            for c in conversations
            if c.thread_id
            for replica, route in replicas.routes.items()
        )
    )
    resume_s = time.perf_counter() - started
    log("follow-up: every conversation continued on the replica that did not serve it")
    started = time.perf_counter()
    continued = await asyncio.gather(
        *(
            resume(c, url, route, replica, gate, follow_up=True)
            for c in conversations
            if c.thread_id
            for replica, route in replicas.routes.items()
            if replica != c.replica
        )
    )
    follow_up_wall_s = time.perf_counter() - started

    answers = [v for c in conversations for v in c.answer_s]
    first = [v for c in conversations for v in c.first_token_s]
    resume_times = [c.seconds for c in checks]
    follow_up_times = [c.follow_up_s for c in continued if c.follow_up_s is not None]
    spread: dict[str, int] = dict.fromkeys(replicas.routes, 0)
    for conv in conversations:
        spread[conv.replica or "none"] = spread.get(conv.replica or "none", 0) + 1
    failed = [c for c in checks if not c.ok]
    failed_follow_ups = [c for c in continued if not c.ok]
    errors = [e for c in conversations for e in c.errors]

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000)

    return {
        "sessions": args.sessions,
        "questions_per_session": args.questions,
        "users": args.users,
        "concurrency": args.concurrency,
        "sessions_per_replica": spread,
        "answers": len(answers),
        "answers_expected": args.sessions * args.questions,
        "load_errors": len(errors),
        "load_error_samples": sorted(set(errors))[:5],
        "answer_p50_ms": ms(percentile(answers, 0.5)),
        "answer_p95_ms": ms(percentile(answers, 0.95)),
        "first_token_p50_ms": ms(percentile(first, 0.5)),
        "first_token_p95_ms": ms(percentile(first, 0.95)),
        "load_wall_s": round(load_s, 1),
        "resume_checks": len(checks),
        "resume_checks_expected": args.sessions * len(replicas.routes),
        "resume_failures": len(failed),
        "resume_failure_samples": sorted({f"{c.replica}: {c.problem}" for c in failed})[:5],
        "resume_concurrency": args.resume_concurrency,
        "resume_p50_ms": ms(percentile(resume_times, 0.5)),
        "resume_p95_ms": ms(percentile(resume_times, 0.95)),
        "resume_wall_s": round(resume_s, 1),
        "follow_ups_on_the_other_replica": sum(1 for c in continued if c.ok),
        "follow_ups_expected": sum(1 for c in conversations if c.thread_id),
        "follow_up_failures": len(failed_follow_ups),
        "follow_up_failure_samples": sorted(
            {f"{c.replica}: {c.problem}" for c in failed_follow_ups}
        )[:5],
        "follow_up_answer_p50_ms": ms(percentile(follow_up_times, 0.5)),
        "follow_up_answer_p95_ms": ms(percentile(follow_up_times, 0.95)),
        "follow_up_wall_s": round(follow_up_wall_s, 1),
    }


def markdown(results: dict) -> str:
    """The figures as docs/deploy.md shows them."""
    setup, f = results["setup"], results["replicas"]
    start = setup["start_s"]
    versions = ", ".join(f"{k} {v}" for k, v in setup["versions"].items())
    spread = " / ".join(str(n) for n in f["sessions_per_replica"].values())  # A / B
    return "\n".join(
        [
            f"Run of {setup['date']}, commit {setup['commit']}: {setup['cpu']}, "
            f"{setup['cores']} cores shared with other jobs (load average "
            f"{' / '.join(map(str, setup['load_start']))} at start, "
            f"{' / '.join(map(str, setup.get('load_end', [])))} at end); {versions}.",
            f"Deployment: {setup['deployment']}. Command: `{setup['command'].strip()}`.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| sessions × questions (users) | {f['sessions']} × {f['questions_per_session']} "
            f"({f['users']} users, {f['concurrency']} at once) |",
            f"| sessions per replica (nginx's choice) | {spread} |",
            f"| answers / expected | {f['answers']} / {f['answers_expected']} |",
            f"| errors during the load | {f['load_errors']} |",
            f"| answer p50 / p95 (first token p50 / p95) | {f['answer_p50_ms']} / "
            f"{f['answer_p95_ms']} ms ({f['first_token_p50_ms']} / {f['first_token_p95_ms']} ms) |",
            f"| load wall time | {f['load_wall_s']} s |",
            f"| resume checks (each conversation on each replica) | {f['resume_checks']} / "
            f"{f['resume_checks_expected']}, {f['resume_failures']} failed |",
            f"| reopen one conversation (login, list, read, resume; "
            f"{f['resume_concurrency']} at once) p50 / p95 | {f['resume_p50_ms']} / "
            f"{f['resume_p95_ms']} ms |",
            f"| follow-ups answered on the other replica | "
            f"{f['follow_ups_on_the_other_replica']} / {f['follow_ups_expected']}, "
            f"{f['follow_up_failures']} failed; answer p50 / p95 "
            f"{f['follow_up_answer_p50_ms']} / {f['follow_up_answer_p95_ms']} ms |",
            f"| start: ingest of the note, then both replicas ready | "
            f"{start['ingest']} s, {start['ingest_and_two_replicas_ready']} s |",
            "",
        ]
    )


def versions() -> dict[str, str]:
    from harness.postgres import postgres_bin

    found = {}
    binary = postgres_bin()
    if binary is not None:
        out = subprocess.run(
            [str(binary / "postgres"), "--version"], capture_output=True, text=True
        )
        found["postgresql"] = re.search(r"\d+\.\d+", out.stdout).group(0)
    out = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True)
    found["nginx"] = out.stderr.strip().split("/")[-1]
    return found


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2, help="questions per session")
    parser.add_argument("--users", type=int, default=10, help="password users sharing them")
    parser.add_argument("--concurrency", type=int, default=50, help="sessions at once")
    parser.add_argument(
        "--resume-concurrency", type=int, default=10, help="conversations reopened at once"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "replicas.json")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 500 or args.users < 1:
        parser.error("--sessions between 1 and 500, --users ≥ 1")
    for reason in (PostgresServer.missing(), None if NGINX.exists() else "nginx missing"):
        if reason:
            parser.error(reason)

    setup = setup_info(["-m bench.replicas", *(argv or sys.argv[1:])])
    setup["command"] = "python -m bench.replicas " + " ".join(argv or sys.argv[1:])
    setup["versions"].update(versions())
    setup["deployment"] = (
        "2 replicas (assistant chat, password users) + nginx (sticky cookie, websockets) + "
        "PostgreSQL (history) + chroma run (index), one data folder, all on loopback; "
        "extractive answers (no LLM), the shipped note"
    )
    log(f"setup: {setup['cpu']}, {setup['cores']} cores, load {setup['load_start']}")
    work = Path(tempfile.mkdtemp(prefix="assistant-replicas-"))
    postgres = chroma = replicas = None
    try:
        postgres = PostgresServer(work / "postgres.log").start()
        chroma = ChromaServer(work / "chroma", work / "chroma.log").start()
        users = [f"lecteur{n:02d}" for n in range(args.users)]
        env = replica_settings(
            work / "data", ROOT / "corpus", chroma.port, postgres.database(), users
        )
        log("starting: ingest of the note into chroma run, two replicas, nginx …")
        started = time.perf_counter()
        replicas = Replicas(env, work).start()
        setup["start_s"] = {
            "ingest": round(replicas.ingest_s or 0, 1),
            "ingest_and_two_replicas_ready": round(time.perf_counter() - started, 1),
        }
        figures = asyncio.run(drive(args, replicas))
    finally:
        for process in (replicas, chroma, postgres):
            if process is not None:
                process.stop()
        shutil.rmtree(work, ignore_errors=True)
    setup["load_end"] = [round(x, 2) for x in os.getloadavg()]
    results = {"setup": setup, "replicas": figures}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    for key, value in figures.items():
        print(f"{key:>34}: {value}")
    print()
    print(markdown(results))
    return results


if __name__ == "__main__":  # pragma: no cover
    main()
