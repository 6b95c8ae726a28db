"""What a batch reports: one :class:`JobResult` per job, and the :class:`BatchResult` of the run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...artifact import Artifact
from ...presets import Resolved

__all__ = ["JobResult", "BatchResult"]


@dataclass(frozen=True)
class JobResult:
    index: int
    line: int | None
    kind: str
    status: str  # "made", "skipped" (up to date), "failed", "planned" (dry run)
    output: Path | None = None
    artifact: Artifact | None = None
    error: str | None = None
    hint: str | None = None
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    reason: str | None = None  # why it was (or would be) made or skipped: see freshness.judge

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict:
        return {
            "index": self.index, "line": self.line, "kind": self.kind, "status": self.status,
            "output": str(self.output) if self.output else None,
            "artifact": self.artifact.to_dict() if self.artifact else None,
            "error": self.error, "hint": self.hint, "seconds": round(self.seconds, 3), "notes": list(self.notes),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class BatchResult:
    job_file: Path | None
    output_dir: Path
    results: tuple[JobResult, ...]
    resolved: Resolved
    index_html: Path | None = None
    index_md: Path | None = None
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def to_dict(self) -> dict:
        return {
            "job_file": str(self.job_file) if self.job_file else None, "output": str(self.output_dir),
            "ok": self.ok, "dry_run": self.dry_run, "seconds": round(self.seconds, 3),
            "made": self.count("made"), "skipped": self.count("skipped"), "failed": self.count("failed"),
            "index_html": str(self.index_html) if self.index_html else None,
            "index_md": str(self.index_md) if self.index_md else None,
            "jobs": [r.to_dict() for r in self.results],
        }
