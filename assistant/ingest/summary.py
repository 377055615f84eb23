"""What an ingest did, file by file: the typed result every caller prints or shows."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REASON_CHARS = 240


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    generation: str | None = None  # the generation served after this ingest

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def render(self) -> str:
        lines = [
            f"Ingestion terminée en {self.seconds:.1f} s : "
            f"{len(self.added)} ajouté(s), {len(self.updated)} mis à jour, "
            f"{len(self.removed)} retiré(s), {len(self.unchanged)} inchangé(s), "
            f"{len(self.skipped)} ignoré(s) — {self.chunks_written} passage(s) écrits, "
            f"{self.chunks_deleted} supprimés, {self.chunks_total} dans l'index."
        ]
        for skipped in self.skipped:
            lines.append(f"  ignoré : {skipped.source} — {skipped.reason}")
        for warning in self.warnings:
            lines.append(f"  attention : {warning}")
        return "\n".join(lines)


def short_reason(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def record_skip(summary: IngestSummary, source: str, reason: str, indexed_before: bool) -> None:
    """A file left out, with why; one indexed before keeps its last good version."""
    summary.skipped.append(Skipped(source, short_reason(reason)))
    if indexed_before:
        # Indexed before and unreadable now: the last good version keeps being served.
        summary.warnings.append(f"{source} : ancienne version conservée dans l'index")
