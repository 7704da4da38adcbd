"""Two checkouts side by side: ``python -m benchmarks.compare OTHER [--rounds N] [--only L]``.

Runs the whole suite (``python -m benchmarks --runs 1``) of this checkout and of OTHER (a
checkout with its own ``.venv``, e.g. the commit before a change) in turn, in ABBA order,
``--rounds`` times each, on the same machine in one sitting; prints, per figure, the
median of each side's rounds and their ratio. Each side runs its own benchmark code
against its own app, so a figure is compared only where both name it alike.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.report import progress
from benchmarks.sandbox import REPO

NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?")


def run_suite(checkout: Path, only: str) -> dict[str, str]:
    """One run of ``checkout``'s suite: figure name -> the value it printed."""
    command = [str(checkout / ".venv" / "bin" / "python"), "-m", "benchmarks", "--runs", "1"]
    if only:
        command += ["--only", only]
    result = subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=True)
    values: dict[str, str] = {}
    for line in result.stdout.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].isdigit():
            values[f"{cells[0]} {cells[1]}"] = cells[2]
    return values


def median(values: list[str]) -> str:
    """The median of values like ``518 ms`` or ``1.26x`` (their unit kept); the last one
    if they are not numbers."""
    numbers = [NUMBER.match(value) for value in values]
    if not values or not all(numbers):
        return values[-1] if values else "—"
    unit = values[0][numbers[0].end() :] if numbers[0] else ""  # type: ignore[union-attr]
    middle = statistics.median(float(n.group().replace(",", "")) for n in numbers if n)
    return f"{middle:,.2f}".rstrip("0").rstrip(".") + unit


def ratio(ours: str, theirs: str) -> str:
    a, b = NUMBER.match(ours), NUMBER.match(theirs)
    if not a or not b:
        return ""
    base = float(b.group().replace(",", ""))
    return f"{float(a.group().replace(',', '')) / base:.2f}x" if base else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare")
    parser.add_argument("other", type=Path, help="the other checkout (with its own .venv)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="only these figures, e.g. 1,2")
    args = parser.parse_args(argv)
    sides = {"this": REPO, "other": args.other.resolve()}
    seen: dict[str, dict[str, list[str]]] = {"this": {}, "other": {}}
    order = ["other", "this", "this", "other"]  # ABBA: drift in the machine cancels out
    runs = [order[i % 4] for i in range(2 * args.rounds)]
    for number, side in enumerate(runs, 1):
        progress(f"run {number} of {len(runs)}: {side} ({sides[side]})")
        for name, value in run_suite(sides[side], args.only).items():
            seen[side].setdefault(name, []).append(value)
    print(
        f"Medians of {args.rounds} rounds each, ABBA order; this = {sides['this']}, "
        f"other = {sides['other']}"
    )
    print()
    print("| Figure | other | this | this ÷ other |")
    print("|---|---|---|---|")
    names = list(dict.fromkeys([*seen["other"], *seen["this"]]))  # in the suite's order
    for name in names:
        theirs = median(seen["other"].get(name, []))
        ours = median(seen["this"].get(name, []))
        print(f"| {name} | {theirs} | {ours} | {ratio(ours, theirs)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
