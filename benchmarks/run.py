"""Run the benchmarks and print the table: ``python -m benchmarks`` from the repository root.

Progress goes to stderr, the table (Markdown) to stdout. Nothing reaches the internet:
the app talks to the fake Messages API of ``tests/fake_api.py`` on 127.0.0.1, and every
file it writes is in a temporary folder, removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import time
import traceback
from collections.abc import Callable, Sequence

from tests.fake_api import FakeAnthropic

from benchmarks import (
    attachments,
    first_paint,
    many,
    regressions,
    saving,
    streaming,
    switching,
)
from benchmarks.report import Row, machine, progress, revision, table
from benchmarks.sandbox import REPO, Context, Sandbox

Figure = Callable[[Context], list[Row]]
FIGURES: dict[str, Figure] = {
    "1": first_paint.run,
    "2": streaming.run,
    "3": switching.run,  # figures 3 and 6: one app run opens the long conversation, then
    "4": many.run,  # switches through a hundred others
    "5": saving.run,
    "7": attachments.run,
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure claude-tui: first paint, streaming, long and many "
        "conversations, saving, memory, attachments. Prints a Markdown table of medians.",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        metavar="N",
        help="runs per figure, the median is shown (default 5; 1 with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a fast smoke run: one run, smaller data (figures not comparable)",
    )
    parser.add_argument(
        "--only", metavar="LIST", default="", help="only these figures, e.g. 1,2 (3 includes 6)"
    )
    parser.add_argument(
        "--simulate",
        choices=sorted(regressions.PATCHES),
        help="break the app on purpose first (benchmarks/regressions.py), "
        "to see that the figures catch it",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (its path is printed)"
    )
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    wanted = [part.strip() for part in args.only.split(",") if part.strip()]
    if "6" in wanted:
        wanted = [w for w in wanted if w != "6"] + ["3"]
    unknown = [w for w in wanted if w not in FIGURES]
    if unknown:
        parser.error(f"no figure {', '.join(unknown)} (figures are 1 to 7)")
    args.figures = [key for key in FIGURES if not wanted or key in wanted]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    measured = revision(REPO)
    rows: list[Row] = []
    with FakeAnthropic() as fake:
        sandbox = Sandbox(fake.url, keep=args.keep)
        sandbox.isolate_this_process()
        progress(f"working in {sandbox.root}; fake API at {fake.url}")
        context = Context(sandbox, fake, args.runs, args.quick, args.simulate)
        if args.simulate:  # the app run in this process (headless, the core) too
            regressions.PATCHES[args.simulate]()
        try:
            for key in args.figures:
                try:
                    rows += FIGURES[key](context)
                except Exception as error:  # one figure failing does not lose the others
                    traceback.print_exc()
                    rows.append(
                        Row(
                            key,
                            f"FAILED: {type(error).__name__}",
                            str(error).splitlines()[0][:60] if str(error) else "",
                            met=False,
                        )
                    )
        finally:
            sandbox.cleanup()
    elapsed = time.perf_counter() - started
    if revision(REPO) != measured:
        measured += f", then {revision(REPO)} (src/ changed during the run)"
    progress(f"done in {elapsed:.0f} s")
    mode = " (--quick: smaller data, not comparable)" if args.quick else ""
    simulated = f" (--simulate {args.simulate}: the app broken on purpose)" if args.simulate else ""
    print(
        f"claude-tui benchmarks{mode}{simulated}, {measured}: {machine()}; "
        f"took {elapsed / 60:.1f} min"
    )
    print()
    print(table(rows))
    missed = [r for r in rows if r.met is False]
    print()
    print(
        f"{len(missed)} target{'s' if len(missed) != 1 else ''} missed."
        if missed
        else "Every target met."
    )
    return 0
