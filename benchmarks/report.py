"""Figures, targets and the table they are printed in."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    if math.isinf(seconds):
        return "never (timed out)"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


@dataclass(frozen=True)
class Row:
    figure: str
    what: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target, or it cannot be judged (see ``unclear``)
    runs: int = 0
    unclear: str = ""  # why a target cannot be judged from this figure

    @property
    def verdict(self) -> str:
        if self.unclear:
            return f"unclear: {self.unclear}"
        if self.met is None:
            return ""
        return "met" if self.met else "MISSED"


def row(
    figure: str,
    what: str,
    value: float,
    shown: Callable[[float], str],
    target: str = "",
    passes: Callable[[float], bool] | None = None,
    runs: int = 0,
) -> Row:
    return Row(figure, what, shown(value), target, None if passes is None else passes(value), runs)


def table(rows: Sequence[Row]) -> str:
    header = ("#", "Figure", "Median", "Runs", "Target", "")
    lines = [
        header,
        *((r.figure, r.what, r.value, str(r.runs or ""), r.target, r.verdict) for r in rows),
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def format_line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([format_line(lines[0]), rule, *(format_line(line) for line in lines[1:])])


def machine() -> str:
    """One line about where the figures were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{name} {_version(name)}" for name in ("textual", "anthropic"))
    cpus = len(os.sched_getaffinity(0))
    return (
        f"{datetime.now(UTC):%Y-%m-%d}, {cpus} CPUs ({cpu}), "
        f"Python {platform.python_version()}, {versions}, {platform.system()} "
        f"{platform.release()}"
    )


def revision(repo: Path) -> str:
    """The commit measured, and whether src/ had changes not committed."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=repo, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = " + uncommitted changes in src/" if git("status", "--porcelain", "src") else ""
    return f"commit {commit}{dirty}"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"
