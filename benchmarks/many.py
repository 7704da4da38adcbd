"""Figure 4: many saved conversations.

Startup, from process launch to the sidebar drawn with its entries (the newest
conversation's title on the terminal), with 10 conversations and with 10,000, each both
ways: the usual start (``index.json`` up to date, as after any previous start) and the
first start (no ``index.json``: every file is read to build it). The four are launched
in turn in every run. The target is for the usual start.

Search: ``core.search.search()``, what Ctrl+F runs in a thread, over the 10,000 in the
sidebar's order, for a word in three conversations and for a word in none (both read
every file), in this process, with the files in the page cache.
"""

from __future__ import annotations

import time

from benchmarks.data import ABSENT_WORD, NEWEST_TITLE, RARE_WORD, many_conversations
from benchmarks.report import Row, median, ms, progress, row
from benchmarks.sandbox import FIRST_PAINT, Context


def _startup(ctx: Context, name: str, first: bool) -> float:
    data_dir = ctx.sandbox.root / name
    if first:
        (data_dir / "index.json").unlink(missing_ok=True)
    terminal = ctx.launch(data_dir)
    try:
        drawn = terminal.wait_for(*FIRST_PAINT, NEWEST_TITLE, timeout=120)
        return drawn - terminal.started
    finally:
        terminal.close()


def _search(ctx: Context, name: str, words: tuple[str, ...]) -> dict[str, list[float]]:
    from claude_tui.store.conversations import ConversationStore
    from claude_tui.store.search import search

    store = ConversationStore(ctx.sandbox.root / name)
    order = [summary.id for summary in store.list_summaries()[0]]
    times: dict[str, list[float]] = {word: [] for word in words}
    hits: dict[str, int] = {}
    for run_number in range(ctx.runs):
        progress(f"4 many conversations: search, run {run_number + 1}/{ctx.runs}")
        for word in words if run_number % 2 == 0 else reversed(words):
            started = time.perf_counter()
            hits[word] = len(search(store, word, order))
            times[word].append(time.perf_counter() - started)
    assert hits == {RARE_WORD: 3, ABSENT_WORD: 0}, f"unexpected search hits: {hits}"
    return times


def run(ctx: Context) -> list[Row]:
    many = 1_000 if ctx.quick else 10_000
    few = 10
    progress(f"4 many conversations: writing {many:,} and {few}")
    many_conversations(ctx.sandbox.folder("many"), many)
    many_conversations(ctx.sandbox.folder("few"), few, rare_in=0)
    variants = [("few", False), ("many", False), ("few", True), ("many", True)]
    progress("4 many conversations: warming up")
    for name, first in variants:
        _startup(ctx, name, first)
    times: dict[tuple[str, bool], list[float]] = {variant: [] for variant in variants}
    for run_number in range(ctx.runs):
        progress(f"4 many conversations: startup, run {run_number + 1}/{ctx.runs}")
        order = variants if run_number % 2 == 0 else list(reversed(variants))
        for variant in order:
            times[variant].append(_startup(ctx, *variant))
    searches = _search(ctx, "many", (RARE_WORD, ABSENT_WORD))

    def middle(name: str, first: bool) -> float:
        return median(times[(name, first)])

    runs = ctx.runs
    return [
        row(
            "4",
            f"Usual start to sidebar entries: {few} conversations",
            middle("few", False),
            ms,
            runs=runs,
        ),
        row(
            "4",
            f"Usual start to sidebar entries: {many:,} conversations",
            middle("many", False),
            ms,
            runs=runs,
        ),
        row(
            "4",
            f"Usual start: {many:,} ÷ {few}",
            middle("many", False) / middle("few", False),
            lambda v: f"{v:.2f}x",
            "≤ 1.5x",
            lambda v: v <= 1.5,
            runs,
        ),
        row(
            "4",
            f"First start (no index.json): {few} conversations",
            middle("few", True),
            ms,
            runs=runs,
        ),
        row(
            "4",
            f"First start (no index.json): {many:,} conversations",
            middle("many", True),
            ms,
            runs=runs,
        ),
        row(
            "4",
            f"First start: {many:,} ÷ {few}",
            middle("many", True) / middle("few", True),
            lambda v: f"{v:.2f}x",
            runs=runs,
        ),
        row(
            "4",
            f"Search {many:,} conversations: word in 3",
            median(searches[RARE_WORD]),
            ms,
            runs=runs,
        ),
        row(
            "4",
            f"Search {many:,} conversations: word in none",
            median(searches[ABSENT_WORD]),
            ms,
            runs=runs,
        ),
    ]
