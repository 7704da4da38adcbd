"""Figures 3 and 6: opening a long conversation, and memory while switching.

The data: a conversation of 2,000 messages, second in the sidebar, among 101 others of
10 to 60 messages (Markdown replies with code). Each run starts the app in a
pseudo-terminal (it opens the newest conversation), waits until it is idle, then:

3. presses Alt+Down (next conversation: the long one) and reads the terminal until the
   long conversation's newest message has been drawn; then types four letters and reads
   until they are drawn in the input box. The figure is from the key press to the letters
   drawn (the time to the newest message drawn is shown too).
6. reads the app's peak RSS (VmHWM, from /proc) with the long conversation open. The
   last run then goes on: it presses Alt+Down 50 times, each time waiting for that
   conversation's newest message, reads the RSS, and does it 50 times more. Flat means
   the second 50 did not add more than ``FLAT_MB``. (One session only: a switch takes
   about a second here, and RSS varies little from run to run.)
"""

from __future__ import annotations

from benchmarks.data import LONG_END, marker, switching_conversations
from benchmarks.report import Row, median, ms, progress, row
from benchmarks.sandbox import Context
from benchmarks.terminal import Terminal

TYPED = "zqxj"
FLAT_MB = 10.0
MEMORY_TARGET_MB = 250.0


def _switch(terminal: Terminal, drawn: str) -> float:
    since = terminal.mark()
    pressed = terminal.send("alt+down")
    return terminal.wait_for(drawn, since=since, timeout=60) - pressed


def open_next(terminal: Terminal, newest: str) -> dict[str, float]:
    """Alt+Down: the seconds until the next conversation's ``newest`` words are drawn
    ("drawn"), and until four letters typed then are drawn too ("ready")."""
    since = terminal.mark()
    pressed = terminal.send("alt+down")
    drawn = terminal.wait_for(newest, since=since, timeout=60)
    since = terminal.mark()
    terminal.send(TYPED)
    typed = terminal.wait_for(TYPED, since=since, timeout=60)
    return {"drawn": drawn - pressed, "ready": typed - pressed}


def _open_long(terminal: Terminal) -> dict[str, float]:
    opened = open_next(terminal, LONG_END)
    terminal.wait_idle()
    _, peak = terminal.memory_mb()
    return {**opened, "peak_long": peak}


def _switch_through(terminal: Terminal, batch: int) -> dict[str, float]:
    switches: list[float] = []
    figures: dict[str, float] = {}
    for number in range(1, 2 * batch + 1):
        switches.append(_switch(terminal, marker(number)))
        if number % 10 == 0:
            progress(f"6 memory: {number} switches")
        if number == batch:
            terminal.wait_idle()
            figures["rss_first"], _ = terminal.memory_mb()
    terminal.wait_idle()
    figures["rss_second"], figures["peak_end"] = terminal.memory_mb()
    figures["switch"] = median(switches)
    return figures


def run(ctx: Context) -> list[Row]:
    batch = 10 if ctx.quick else 50
    progress(f"3/6 long conversation: writing 2,000 messages and {2 * batch + 1} others")
    data_dir = ctx.sandbox.folder("switching")
    switching_conversations(data_dir, others=2 * batch + 1)
    opened: list[dict[str, float]] = []
    switched: dict[str, float] = {}
    for run_number in range(ctx.runs):
        progress(f"3/6 long conversation: run {run_number + 1}/{ctx.runs}")
        terminal = ctx.launch_ready(data_dir, marker(0))
        try:
            opened.append(_open_long(terminal))
            if run_number == ctx.runs - 1:  # the last session goes on switching
                switched = _switch_through(terminal, batch)
        finally:
            terminal.close()

    def middle(name: str) -> float:
        return median([result[name] for result in opened])

    def mb(value: float) -> str:
        return f"{value:,.0f} MB"

    growth = switched["rss_second"] - switched["rss_first"]
    runs = ctx.runs
    memory = f"< {MEMORY_TARGET_MB:.0f} MB"
    return [
        row("3", "Open 2,000-message conversation: newest drawn", middle("drawn"), ms, runs=runs),
        row(
            "3",
            "Open 2,000-message conversation: drawn and typing shown",
            middle("ready"),
            ms,
            "< 300 ms",
            lambda v: v < 0.3,
            runs,
        ),
        row(
            "3",
            "Switch between 10-60-message conversations (median switch)",
            switched["switch"],
            ms,
            runs=1,
        ),
        row(
            "6",
            "Peak RSS, 2,000-message conversation open",
            middle("peak_long"),
            mb,
            memory,
            lambda v: v < MEMORY_TARGET_MB,
            runs,
        ),
        row(
            "6",
            f"RSS after switching through {batch} more",
            switched["rss_first"],
            mb,
            memory,
            lambda v: v < MEMORY_TARGET_MB,
            1,
        ),
        row(
            "6",
            f"RSS after {2 * batch}",
            switched["rss_second"],
            mb,
            memory,
            lambda v: v < MEMORY_TARGET_MB,
            1,
        ),
        row(
            "6",
            f"RSS growth over switches {batch + 1}-{2 * batch}",
            growth,
            lambda v: f"{v:+,.1f} MB",
            f"flat (≤ {FLAT_MB:.0f} MB)",
            lambda v: v <= FLAT_MB,
            1,
        ),
        row(
            "6",
            f"Peak RSS after {2 * batch} switches",
            switched["peak_end"],
            mb,
            memory,
            lambda v: v < MEMORY_TARGET_MB,
            1,
        ),
    ]
