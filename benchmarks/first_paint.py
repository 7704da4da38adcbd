"""Figure 1: from process launch to the sidebar and the input box on the terminal.

claude-tui (``python -m claude_tui``, an empty data folder) and the bare Textual app of
``bare_app.py`` are started the same way in a pseudo-terminal, in turn (ABBA order), and
the output is read until both the sidebar title "Conversations" and the start of the input
box placeholder "Message Claude" have been drawn. One launch of each beforehand, not
counted, fills the bytecode and page caches.
"""

from __future__ import annotations

from benchmarks.report import Row, median, ms, progress, row
from benchmarks.sandbox import FIRST_PAINT, REPO, Context, app_command, bare_command, forget_session
from benchmarks.terminal import Terminal


def _first_paint(ctx: Context, argv: list[str]) -> float:
    with Terminal(argv, env=ctx.sandbox.env(), cwd=REPO) as terminal:
        drawn = terminal.wait_for(*FIRST_PAINT, timeout=60)
        return drawn - terminal.started


def run(ctx: Context) -> list[Row]:
    data_dir = ctx.sandbox.folder("first-paint")
    commands = {"claude-tui": app_command(data_dir, ctx.simulate), "bare": bare_command()}
    progress("1 first paint: warming up")
    for argv in commands.values():
        _first_paint(ctx, argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for run_number in range(ctx.runs):
        progress(f"1 first paint: run {run_number + 1}/{ctx.runs}")
        order = list(commands) if run_number % 2 == 0 else list(reversed(commands))
        for name in order:
            forget_session(data_dir)
            times[name].append(_first_paint(ctx, commands[name]))
    app, bare = median(times["claude-tui"]), median(times["bare"])
    return [
        row("1", "First paint: claude-tui", app, ms, runs=ctx.runs),
        row("1", "First paint: bare Textual app, same widgets", bare, ms, runs=ctx.runs),
        row(
            "1",
            "First paint: claude-tui ÷ bare",
            app / bare,
            lambda v: f"{v:.2f}x",
            "≤ 1.5x",
            lambda v: v <= 1.5,
            ctx.runs,
        ),
    ]
