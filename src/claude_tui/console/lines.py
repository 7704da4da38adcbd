"""What ``claude-tui chat`` reads as one message, line by line.

A message is one line, unless:

- it is pasted: a bracketed paste (the terminal wraps it in ``ESC [200~`` … ``ESC [201~``)
  is one message, every line of it taken as it is. Readline takes a paste whole, so
  ``input()`` returns it with its newlines inside; without readline, and through a pipe,
  the markers arrive in the lines read, and the lines up to the end marker are the paste.
  The line that ends the paste (the Enter after it) ends the message, unless in a block;
- a line ends in ``\\``: the message goes on in the next line (the backslash is removed,
  the newline kept);
- a line is ``\"\"\"``: a block, up to the next line that is ``\"\"\"``
  (spaces after it allowed, none before: an indented ``\"\"\"`` is text, as in a docstring).

Inside a message, indentation, blank lines and a backslash at the end of a line in a
block or paste are kept. Only blank lines at its start and whitespace at its end are
dropped (:func:`tidy`). Reading is independent of where lines come from: it calls
``read(prompt)``, which returns one line without its newline and raises EOFError at the
end of input. If the input ends inside a message, what was read is the message, marked
``cut``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

PROMPT = "You: "
MORE = "...: "  # a line after one ending in a backslash, or inside a block
IN_PASTE = ""  # a pasted line: the terminal shows it as it arrives
BLOCK = '"""'
CONTINUE = "\\"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
PASTE_MODE_ON = "\x1b[?2004h"
PASTE_MODE_OFF = "\x1b[?2004l"

Read = Callable[[str], str]


@dataclass(frozen=True)
class Typed:
    """One message as read."""

    text: str  # as it is sent (tidied), possibly empty
    plain: bool  # a single line typed as it is: only then is it a quit or exit
    cut: str = ""  # what the input ended inside of, in words; "" when the message ended


def tidy(text: str) -> str:
    """``text`` without blank lines at its start and whitespace at its end; the first
    line's indentation is kept."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        del lines[0]
    return "\n".join(lines).rstrip()


def unmarked(line: str) -> str:
    """``line`` without paste markers."""
    return line.replace(PASTE_START, "").replace(PASTE_END, "")


def _opens_paste(line: str, pasting: bool) -> bool:
    """Whether a paste is still open after ``line``: its last marker says, else as before."""
    start, end = line.rfind(PASTE_START), line.rfind(PASTE_END)
    return pasting if start == end else start > end


def _is_block_mark(line: str) -> bool:
    return line.rstrip() == BLOCK


def _is_paste(line: str) -> bool:
    """A paste readline took whole (its newlines inside the line), or its start marker."""
    return "\n" in line or PASTE_START in line


def read_message(read: Read) -> Typed:
    """The next message; EOFError when the input ends before one starts. KeyboardInterrupt
    passes through (what was collected is dropped)."""
    first = read(PROMPT)
    reader = _Collector(read)
    if _is_paste(first):
        reader.paste(first)
    elif _is_block_mark(first):
        reader.block()
    elif first.endswith(CONTINUE):
        reader.continued(first)
    else:
        return Typed(tidy(first), plain=True)
    return Typed(tidy("\n".join(reader.lines)), plain=False, cut=reader.cut)


class _Collector:
    """The lines of one message, read on from its first."""

    def __init__(self, read: Read) -> None:
        self._read = read
        self.lines: list[str] = []
        self.cut = ""

    def _next(self, prompt: str, inside: str) -> str | None:
        """The next line, or None at the end of input (then ``cut`` says inside what)."""
        try:
            return self._read(prompt)
        except EOFError:
            self.cut = inside
            return None

    def paste(self, line: str | None) -> None:
        """From the line where a paste starts to the line where it ends, as they are."""
        pasting = False
        while line is not None:
            pasting = _opens_paste(line, pasting)
            self.lines.append(unmarked(line))
            if not pasting:
                return
            line = self._next(IN_PASTE, "a pasted text")

    def block(self) -> None:
        """The lines after an opening ``\"\"\"`` up to the closing one, pastes whole."""
        while (line := self._next(MORE, 'a """ block')) is not None:
            if _is_paste(line):
                self.paste(line)
                if self.cut:
                    return
            elif _is_block_mark(line):
                return
            else:
                self.lines.append(line)

    def continued(self, line: str | None) -> None:
        """Lines ending in a backslash, each joined to the next by a newline."""
        while line is not None:
            if _is_paste(line):
                self.paste(line)
                return
            if not line.endswith(CONTINUE):
                self.lines.append(line)
                return
            self.lines.append(line.removesuffix(CONTINUE))
            line = self._next(MORE, "a line ending in \\")


@contextmanager
def paste_mode(terminal: TextIO | None) -> Iterator[None]:
    """Bracketed paste on in ``terminal`` while the block runs, and off after it however
    it ends (Ctrl+C, end of input); nothing when there is no terminal."""
    if terminal is None:
        yield
        return
    terminal.write(PASTE_MODE_ON)
    terminal.flush()
    try:
        yield
    finally:
        terminal.write(PASTE_MODE_OFF)
        terminal.flush()
