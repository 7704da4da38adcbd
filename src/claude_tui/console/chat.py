"""``claude-tui chat``: a conversation line by line, until quit, exit or end of input."""

from __future__ import annotations

import contextlib

from claude_tui.config import Settings
from claude_tui.console.talk import Request, Talk, preload
from claude_tui.console.terminal import ReplyWriter, Streams
from claude_tui.domain.text import printable

EXIT_WORDS = ("quit", "exit")


def _read_line(streams: Streams, interactive: bool) -> str:
    """One line typed after ``You: ``; raises EOFError at the end of input."""
    if interactive:
        return input("You: ")
    streams.stdout.write("You: ")
    streams.stdout.flush()
    line = streams.stdin.readline()
    if not line:
        raise EOFError
    line = line.rstrip("\n")
    streams.stdout.write(printable(line) + "\n")  # the transcript reads as it was typed
    return line


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
        "type quit or press Ctrl+D to leave."
    )
    try:
        while True:
            try:
                line = _read_line(streams, interactive)
            except EOFError:
                streams.stdout.write("\n")
                return 0
            except KeyboardInterrupt:
                streams.stdout.write("\n")
                streams.note("(Type quit or press Ctrl+D to leave.)")
                continue
            text = line.strip()
            if not text:
                continue
            if text.lower() in EXIT_WORDS:
                return 0
            writer = ReplyWriter(streams.stdout)
            try:
                ended = talk.exchange(text, writer, heading="Claude: ")
            except KeyboardInterrupt:
                talk.tell(talk.conversation.messages[-1])
            else:
                if ended is None:
                    continue
                talk.tell(ended.turn.message)
            writer.write("\n")
    finally:
        talk.close()
