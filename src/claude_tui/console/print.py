"""``claude-tui -p``: send one message, stream the reply's text to standard output."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from claude_tui.config import Settings
from claude_tui.console.attach import attach_files
from claude_tui.console.talk import Refused, Request, Talk, preload
from claude_tui.console.terminal import EXIT_INTERRUPTED, ReplyWriter, Streams
from claude_tui.domain.message import TurnStatus
from claude_tui.domain.text import decoded, well_formed
from claude_tui.store.attachments import user_path


def compose_prompt(argument: str | None, piped: str | None) -> str:
    """The message to send: the argument, a blank line, then the piped text (either alone
    is fine). Blank lines around it are dropped; indentation inside is kept."""
    parts = [part for part in (argument, piped) if part and part.strip()]
    text = "\n\n".join(part.rstrip() for part in parts)
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def read_piped(streams: Streams) -> str | None:
    """Standard input, when it is not a terminal (a pipe, a file); else None. Read as
    UTF-8, a broken character as U+FFFD."""
    stdin = streams.stdin
    if stdin is None or stdin.closed or stdin.isatty():
        return None
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return well_formed(stdin.read())
    return decoded(buffer.read())


def run_print(
    settings: Settings,
    argument: str | None,
    request: Request,
    streams: Streams,
    attach: Sequence[str] = (),
    *,
    save: bool = True,
) -> int:
    """Send one message (with the files of ``attach``, which alone make a message too);
    without ``save``, nothing is left behind (see :meth:`Talk.open`). 0 when the reply is
    complete and saved, 1 when it failed or was not saved (the reason
    on standard error), 2 when there is nothing to send or a file cannot be sent (then
    nothing is sent or saved), 130 on Ctrl+C."""
    preload(settings)
    text = compose_prompt(argument, read_piped(streams))
    if not text and not attach:
        streams.error(
            "nothing to send: give a prompt, or pipe text in (echo question | claude-tui -p)"
        )
        return 2
    talk = Talk.open(settings, request, streams, save=save)
    if talk is None:
        return 1
    try:
        try:
            files = attach_files(talk, text, [user_path(path) or Path(path) for path in attach])
        except Refused as error:
            streams.error(str(error))
            streams.note("(Nothing was sent or saved.)")
            return 2
        try:
            ended = talk.exchange(text, ReplyWriter(streams.stdout), attachments=files)
        except KeyboardInterrupt:
            talk.tell(talk.conversation.messages[-1])
            return EXIT_INTERRUPTED
        if ended is None:
            return 1
        talk.tell(ended.turn.message)
        if ended.turn.message.status is not TurnStatus.COMPLETE:
            return 1
        return 0 if ended.saved else 1
    finally:
        talk.close()
