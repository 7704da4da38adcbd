"""Writing to the terminal: a reply as it streams, notes and errors, one-line titles.

Colour (an error's name in red, notes dimmed, headings in bold) goes only to a terminal,
and never when ``NO_COLOR`` is set to anything (https://no-color.org) or ``TERM`` is
``dumb``; the text is the same either way.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from claude_tui.domain.conversation import ConversationSummary
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.text import printable
from claude_tui.domain.values import utc_now
from claude_tui.store.conflicts import Notice, listing
from claude_tui.store.conversations import ConversationStore

PROG = "claude-tui"
# Exit statuses beyond 0 (done), 1 (failed) and 2 (bad usage, as argparse uses it)
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report SIGINT
EXIT_OUTPUT_CLOSED = 141  # standard output closed early, as shells report SIGPIPE


# Output never fails on text: a character the stream's encoding cannot hold (a lone
# surrogate in a file written before the one rule, a letter a narrow locale lacks) is
# written as U+FFFD, or "?" where even that cannot be encoded.
BROKEN_TEXT = "claude-tui-broken-text"


def _broken_text(error: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    count = error.end - error.start
    try:  # as bytes: an encoder takes only ASCII for a replacement given as text
        return ("\ufffd" * count).encode(error.encoding), error.end
    except (UnicodeError, LookupError):
        return "?" * count, error.end


codecs.register_error(BROKEN_TEXT, _broken_text)


def guard_standard_streams() -> None:
    """Standard input read with U+FFFD for bytes that are not text in its encoding;
    standard output and error written with :data:`BROKEN_TEXT`: from here on no text
    makes reading or printing fail."""
    for stream, errors in (
        (sys.stdin, "replace"),
        (sys.stdout, BROKEN_TEXT),
        (sys.stderr, BROKEN_TEXT),
    ):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=errors)


class OutputClosed(Exception):
    """Standard output went away (``claude-tui -p … | head -1``): stop writing."""


BOLD = "1"
DIM = "2"
RED_BOLD = "1;31"


def colour_allowed(environ: Mapping[str, str]) -> bool:
    """Colour unless ``NO_COLOR`` is set to anything at all, or the terminal is dumb."""
    return not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


@dataclass
class Streams:
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def colours(self, stream: TextIO) -> bool:
        """Does text written to ``stream`` get colour? Only a terminal's, and only when
        ``NO_COLOR`` is not set."""
        if not colour_allowed(self.environ):
            return False
        try:
            return stream.isatty()
        except (ValueError, OSError):  # closed
            return False

    def styled(self, stream: TextIO, text: str, style: str) -> str:
        """``text`` (already printable) in ``style`` (an SGR code) where ``stream`` takes
        colour; else as it is."""
        return f"\x1b[{style}m{text}\x1b[0m" if text and self.colours(stream) else text

    def note(self, text: str) -> None:
        """A line for the person, on standard error, so standard output stays the content."""
        print(self.styled(self.stderr, printable(text), DIM), file=self.stderr, flush=True)

    def error(self, text: str) -> None:
        name = self.styled(self.stderr, f"{PROG}:", RED_BOLD)
        print(f"{name} {printable(text)}", file=self.stderr, flush=True)

    def failure(self, error: ErrorInfo) -> None:
        """Why a reply failed, in the words of ``ErrorInfo.lines``: the first line after
        the program's name, the rest indented."""
        first, *rest = error.lines() or ["the reply failed."]
        self.error(first)
        for line in rest:
            self.note("  " + line)

    def notices(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            self.error(notice.message)


def saved_summaries(store: ConversationStore, streams: Streams) -> list[ConversationSummary]:
    """Every saved conversation, newest first, once the conflict copies that sync tools
    left are merged (store/conflicts.py); what was merged or set aside said on stderr."""
    summaries, notices = listing(store, utc_now())
    streams.notices(notices)
    return summaries


def one_line(text: str) -> str:
    """A title (an id, a model) on one line, every control character visible (newline as
    ␊, tab as ␉)."""
    return printable(text).replace("\n", "\u240a").replace("\t", "\u2409")


class ReplyWriter:
    """Writes a reply's text as it arrives: printable, flushed per chunk, text blocks
    apart by a blank line, and a carriage return held until it is known not to be half of
    a CRLF (the next chunk may start with the LF)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.closed = False
        self._held = ""
        self._block: int | None = None
        self._at_line_start = True
        self._glued: set[int] = set()  # blocks that cite: joined to their neighbours as is

    def write(self, text: str) -> None:
        if not text or self.closed:
            return
        try:
            self.out.write(text)
            self.out.flush()
        except BrokenPipeError as error:
            self.closed = True
            raise OutputClosed from error
        self._at_line_start = text.endswith("\n")

    @property
    def line_open(self) -> bool:
        """Text is on the current line (a note on the same terminal would join it)."""
        return not self._at_line_start

    def glue(self, index: int) -> None:
        """Block ``index`` cites a source: no blank line before it or after it (the API
        splits a sentence where a citation begins and ends)."""
        self._glued.add(index)

    def cite(self, index: int, markers: str) -> None:
        """The markers of the sources block ``index`` cites, after its text ("[1][2]")."""
        self.glue(index)
        self.write(printable(self._held + markers))
        self._held = ""

    def text(self, index: int, chunk: str) -> None:
        if self._block is not None and index != self._block:
            glued = index in self._glued or self._block in self._glued
            self.write(printable(self._held) + ("" if glued else "\n\n"))
            self._held = ""
        self._block = index
        chunk, self._held = self._held + chunk, ""
        if chunk.endswith("\r"):
            chunk, self._held = chunk[:-1], "\r"
        self.write(printable(chunk))

    def end(self) -> None:
        """The reply is over: what was held back, then a newline unless the text ended one."""
        self.write(printable(self._held))
        self._held = ""
        self._block = None
        self._glued.clear()
        if not self._at_line_start:
            self.write("\n")
