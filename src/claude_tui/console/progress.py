"""A progress bar on standard error (Rich's), for the command line's longer work.

The one module of ``console/`` that imports Rich (the layer test allows it here alone).
Drawn only on a terminal (on a pipe or a file nothing is written), without colour where
``NO_COLOR`` asks for none, and gone when done: the summary line that follows says what
was done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from claude_tui.console.terminal import Streams


class Bar:
    """One bar whose phase and count change (``step``)."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def phase(self, description: str, total: int) -> None:
        self._progress.update(self._task, description=description, total=total, completed=0)

    def step(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)


def _console(streams: Streams, stderr: TextIO) -> Console:
    colour = streams.colours(stderr)
    return Console(
        file=stderr,
        no_color=not colour,
        color_system="auto" if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
    )


@contextmanager
def progress_bar(streams: Streams, description: str) -> Iterator[Bar]:
    """A bar on standard error while the block runs, first saying ``description``."""
    console = _console(streams, streams.stderr)
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        yield Bar(progress, progress.add_task(description, total=None))
