"""The dependency audit's ignore list: every ignored advisory carries a reason."""

from __future__ import annotations

import re

from .conftest import ROOT


def test_every_ignored_advisory_has_a_reason():
    lines = (ROOT / ".ci" / "audit-ignore.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        advisory, _, reason = line.strip().partition(" ")
        assert re.match(r"^(GHSA|PYSEC|CVE|OSV)-[\w-]+$", advisory), line
        assert len(reason.strip()) >= 20, f"ignored without a reason: {line}"


def test_ci_runs_the_audit_and_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in run and "./.ci/audit" in run
    assert "ruff check assistant tests bench" in run
