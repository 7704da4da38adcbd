"""``claude-tui chat``: a conversation message by message, until quit, exit or end of
input. What makes one message (a line, a paste, a block) is in ``lines.py``."""

from __future__ import annotations

import contextlib
from typing import TextIO

from claude_tui.config import Settings
from claude_tui.console.attach import attach_files, mentioned_files
from claude_tui.console.lines import Read, Typed, paste_mode, read_message, unmarked
from claude_tui.console.talk import Refused, Request, Talk, preload
from claude_tui.console.terminal import BOLD, ReplyWriter, Streams
from claude_tui.domain.attachments import size_words
from claude_tui.domain.text import printable, well_formed

EXIT_WORDS = ("quit", "exit")


def _piped(streams: Streams) -> Read:
    """Lines from standard input when it is no terminal, each echoed after its prompt
    (paste markers left out) so the transcript reads as it was typed. Like a line typed,
    each is made well-formed (a broken character becomes U+FFFD) as it is read."""

    def read(prompt: str) -> str:
        streams.stdout.write(prompt)
        streams.stdout.flush()
        line = well_formed(streams.stdin.readline())
        if not line:
            raise EOFError
        line = line.removesuffix("\n").removesuffix("\r")
        streams.stdout.write(printable(unmarked(line)) + "\n")
        return line

    return read


def _terminal(streams: Streams) -> TextIO | None:
    """Where to turn bracketed paste on: the first of standard output and error that is
    a terminal (input comes from one); None when neither is."""
    return next((out for out in (streams.stdout, streams.stderr) if out.isatty()), None)


def _read(streams: Streams, interactive: bool) -> Typed:
    """The next message; EOFError at the end of input."""
    if not interactive:
        return read_message(_piped(streams))
    with paste_mode(_terminal(streams)):
        return read_message(lambda prompt: well_formed(input(prompt)))


def _exchange(talk: Talk, typed: str, streams: Streams) -> None:
    """Send ``typed`` with the files its ``@path`` mentions name, stream the reply after
    ``Claude: `` and tell how it ended; a file that cannot be sent is said, and nothing is
    sent (the chat goes on)."""
    text, paths = mentioned_files(typed)
    try:
        files = attach_files(talk, text, paths)
    except Refused as error:
        streams.error(str(error))
        streams.note("(Not sent. Type the message again without it, or with another file.)")
        return
    for file in files:
        streams.note(f"(Attached {file.name}: {file.kind_words}, {size_words(file.size)}.)")
    writer = ReplyWriter(streams.stdout)
    try:
        heading = streams.styled(streams.stdout, "Claude:", BOLD) + " "
        ended = talk.exchange(text, writer, heading=heading, attachments=files)
    except KeyboardInterrupt:
        talk.tell(talk.conversation.messages[-1])
    else:
        if ended is None:  # not sent: it could not be saved (and that was said)
            return
        talk.tell(ended.turn.message)
    writer.write("\n")


def run_chat(settings: Settings, request: Request, streams: Streams) -> int:
    """Talk until quit, exit or end of input (0); 1 when it cannot start. Errors are told
    and the chat goes on; Ctrl+C stops a reply, or at ``You: `` gives a new prompt."""
    preload(settings)
    talk = Talk.open(settings, request, streams)
    if talk is None:
        return 1
    interactive = streams.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    streams.note(
        f"Talking with {talk.conversation.model}. Ctrl+C stops a reply; "
        "type quit or press Ctrl+D to leave. For several lines: paste them, end a line "
        'with \\, or write them between two """ lines. @path in a message sends that file.'
    )
    try:
        while True:
            try:
                typed = _read(streams, interactive)
            except EOFError:
                streams.stdout.write("\n")
                return 0
            except KeyboardInterrupt:
                streams.stdout.write("\n")
                streams.note("(Type quit or press Ctrl+D to leave.)")
                continue
            if typed.cut:  # the input ended inside a message: send it, then leave
                streams.stdout.write("\n")
            if typed.plain and typed.text.strip().lower() in EXIT_WORDS:
                return 0
            if typed.text:
                if typed.cut:
                    streams.note(f"(The input ended inside {typed.cut}: sending what was read.)")
                _exchange(talk, typed.text, streams)
            if typed.cut:
                return 0
    finally:
        talk.close()
