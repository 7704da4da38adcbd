"""A conversation as a document: Markdown to read, JSON to keep, and a safe file to hold it.

No Textual, no SDK: the command line and the app both call these (the app from a thread).

No byte of an export is a terminal control code, wherever it goes (a terminal, a pipe, a
file, ``| cat`` later), so an escape sequence in a title or a reply can never act on the
terminal that shows it:

- Markdown, to read, shows every control character but tab and newline as a visible
  symbol (ESC as ␛, BEL as ␇, a C1 control such as U+009B as U+FFFD; a carriage return
  ends a line), and a broken character (a lone surrogate) as U+FFFD;
- JSON, to keep, is exact: C0 controls are escapes as JSON writes them, and DEL, the C1
  controls and lone surrogates are written as their ``\\uXXXX`` escapes too, which read
  back as the same characters.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tui.domain import branches
from claude_tui.domain.attachments import Attachment, AttachmentBlock, size_words
from claude_tui.domain.blocks import (
    OtherBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    block_runs,
)
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.sources import cited_text, reply_sources, result_activity, web_activity
from claude_tui.domain.text import printable, well_formed
from claude_tui.store.conversations import encode
from claude_tui.store.files import fsync_dir, utf8

if TYPE_CHECKING:  # pricing is imported when a document is made, not with the app's start
    from claude_tui.domain.pricing import PriceTable

FORMATS = {"md": ".md", "json": ".json"}
NAME_LENGTH = 60  # characters of the title kept in a file name
NAME_BYTES = 255  # the longest file name most file systems take, in bytes
SLUG_BYTES = 200  # of a name made from a title: room left for "-9999" and the extension
_MAX_SUFFIX = 10_000  # name-1 … name-9999, then give up

Links = Callable[[Attachment], str | None]
"""Where a Markdown export links an attached file (a URL, relative or ``file:``); None when
the file is missing. Without it, a file is named and described, unlinked."""


# -- Markdown --------------------------------------------------------------------

# Characters JSON keeps raw in a string (with ensure_ascii=False) that a terminal takes as
# codes (DEL, the C1 controls: U+009B starts a sequence as ESC [ does), that cannot be
# encoded (lone surrogates) or that YAML does not allow unescaped in a double-quoted scalar.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def json_escaped(text: str) -> str:
    """JSON text with each of those characters written as its ``\\uXXXX`` escape: the
    same data, and no character of it a control code (JSON escapes the C0 ones itself)."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _scalar(value: str | int) -> str:
    """A value as a JSON scalar, which is also a valid YAML one, whatever it holds."""
    return json_escaped(json.dumps(value, ensure_ascii=False))


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _one_line(text: str) -> str:
    return " ".join(text.split())


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def _open_fence(text: str) -> str | None:
    """The code fence left open at the end of ``text`` (a reply cut off mid-block), if any."""
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if match is None:
            continue
        marker, rest = match.groups()
        if fence is None:
            if not (marker[0] == "`" and "`" in rest):
                fence = marker
        elif marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip():
            fence = None
    return fence


def _verbatim(text: str) -> str:
    """Text as written, with a fence it leaves open closed, so the next heading stays one."""
    text = text.rstrip("\n")
    fence = _open_fence(text)
    return f"{text}\n{fence}" if fence else text


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.rstrip("\n").split("\n"))


def _link_text(name: str) -> str:
    """A file's name as the text of a Markdown link, read as it is (no emphasis, no link)."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", _one_line(name))


def _files_part(attachments: list[Attachment], links: Links | None) -> str:
    """The files of a message, one a line: linked (by ``links``), or said missing."""
    lines = []
    for attachment in attachments:
        name = _link_text(attachment.name)
        about = f"{attachment.kind_words}, {size_words(attachment.size)}"
        link = links(attachment) if links is not None else None
        if link is not None:
            lines.append(f"- Attached: [{name}]({link}) ({about})")
        elif links is not None:
            lines.append(f"- Attached: {name} ({about}): attachment missing")
        else:
            lines.append(f"- Attached: {name} ({about})")
    return "\n".join(lines)


def _message_parts(message: Message, cost: str | None, links: Links | None = None) -> list[str]:
    """The blocks of a message (its files linked by ``links``), then its ending note with
    ``cost`` (None: not metered)."""
    parts: list[str] = []
    if attachments := message.attachments:
        parts.append(_files_part(attachments, links))
    content = message.content
    citing = reply_sources(content)
    for run in block_runs(content):  # (text blocks side by side: one text)
        position = run.start
        block = content[position]
        if isinstance(block, AttachmentBlock):
            continue
        if isinstance(block, TextBlock):
            text = cited_text(content, run, citing)
            if text.strip():
                parts.append(_verbatim(text))
        elif (activity := web_activity(content, position)) is not None:
            parts.append(f"_{_one_line(activity.heading(done=True))}_")
        elif result_activity(content, position) is not None:
            continue  # (said with the search or fetch)
        elif isinstance(block, ThinkingBlock):
            if block.thinking.strip():
                parts.append(f"> **Thinking**\n>\n{_quoted(block.thinking)}")
        elif isinstance(block, ToolUseBlock):
            arguments = json.dumps(block.input, ensure_ascii=False, indent=2)
            parts.append(f"**Tool call: {_one_line(block.name)}**\n\n```json\n{arguments}\n```")
        elif isinstance(block, OtherBlock):
            parts.append(f"_(a {_one_line(block.type)} block, not shown)_")
    if citing.sources:
        parts.append("**Sources**\n\n" + "\n".join(f"- {s.line()}" for s in citing.sources))
    note = _ending_note(message)
    if cost is not None:
        cost = f"Cost: {cost}"
        note = f"{note if note.endswith('.') else note + '.'} {cost}" if note else cost
    if note:
        parts.append(f"_{note}_")
    return parts


def _ending_note(message: Message) -> str | None:
    if message.role != "assistant":
        return None
    if message.status is TurnStatus.FAILED:
        reason = message.error.sentence() if message.error else "it failed"
        return f"Reply incomplete: {_one_line(reason)}"
    if message.status is TurnStatus.STOPPED:
        return "Reply incomplete: stopped before it finished."
    if message.status is TurnStatus.STREAMING:
        return "Reply incomplete: it was still arriving."
    note = message.stop_note
    return note


def to_markdown(
    conversation: Conversation,
    prices: PriceTable | None = None,
    *,
    all_branches: bool = False,
    links: Links | None = None,
) -> str:
    """The conversation (its current branch; with ``all_branches``, the others after it)
    as a Markdown document with a YAML front matter block; costs from ``prices`` (the
    shipped price table unless given), attached files linked by ``links``. Control
    characters are shown as visible symbols (see the module's docstring)."""
    from claude_tui.domain.pricing import Cost, PriceTable, conversation_cost, message_cost

    prices = prices or PriceTable.default()
    front = [
        ("title", _scalar(conversation.title)),
        ("id", _scalar(conversation.id)),
        ("model", _scalar(conversation.model)),
        ("max_tokens", _scalar(conversation.max_tokens)),
    ]
    if conversation.system:
        front.append(("system", _scalar(conversation.system)))
    front += [
        ("created", _scalar(_iso(conversation.created_at))),
        ("updated", _scalar(_iso(conversation.updated_at))),
        ("messages", _scalar(len(conversation.messages))),
        ("cost", _scalar(conversation_cost(conversation, prices).text)),
    ]
    sections = [
        "---\n" + "".join(f"{key}: {value}\n" for key, value in front) + "---",
        f"# {_one_line(conversation.title) or 'Untitled'}",
    ]
    numbers = {message.id: number for number, message in enumerate(conversation.messages, 1)}
    shown = [(message, "") for message in conversation.messages]
    if all_branches and conversation.branches:
        shown += [
            (message, _branch_note(message, numbers))
            for message in branches.in_tree_order(conversation)
        ]
    for message, note in shown:
        who = "You" if message.role == "user" else "Claude"
        sections.append(f"## {who} — {_when(message.created_at)}{note}")
        metered = message.usage is not None
        cost = Cost.of(message_cost(message, prices)).text if metered else None
        if cost is not None and message.usage is not None and message.usage.doubtful:
            cost += " (from token counts the API reported wrong)"
        sections.extend(_message_parts(message, cost, links))
    return printable(well_formed("\n\n".join(sections) + "\n"))


def _branch_note(message: Message, numbers: dict[str, int]) -> str:
    """Where a message off the current branch belongs: after which message."""
    if message.parent is None:
        return " (another branch, from the start)"
    if message.parent in numbers:
        return f" (another branch, after message {numbers[message.parent]})"
    return " (another branch, continued)"


# -- JSON ------------------------------------------------------------------------


def to_json(conversation: Conversation) -> str:
    """The conversation exactly as its saved file holds it (``Conversation.from_dict`` reads
    it), with no raw control character (:func:`json_escaped`)."""
    return json_escaped(encode(conversation.to_dict()).decode())


def render(
    conversation: Conversation,
    fmt: str,
    prices: PriceTable | None = None,
    *,
    all_branches: bool = False,
    links: Links | None = None,
) -> str:
    """The conversation in ``fmt``, one of :data:`FORMATS` (Markdown shows costs by
    ``prices``, the current branch unless ``all_branches``, and the files linked by
    ``links``; JSON is the saved file, every branch, its files named by digest, without
    costs)."""
    if fmt == "json":
        return to_json(conversation)
    if fmt == "md":
        return to_markdown(conversation, prices, all_branches=all_branches, links=links)
    raise ValueError(f"unknown export format {fmt!r}")


# -- files -----------------------------------------------------------------------


def cut_name(name: str, limit: int) -> str:
    """``name`` cut on a character boundary to at most ``limit`` bytes on disk."""
    while len(os.fsencode(name)) > limit:
        name = name[:-1]
    return name


def default_filename(conversation: Conversation, fmt: str) -> str:
    """A file name made from the title: letters and digits joined by dashes, short (in
    characters, and in bytes for titles of wide letters), and never a path, a hidden file
    or empty (the id stands in for a title with no letters)."""
    suffix = FORMATS[fmt]
    words = re.split(r"[^\w]+|_+", unicodedata.normalize("NFKC", conversation.title).lower())
    slug = cut_name("-".join(word for word in words if word)[:NAME_LENGTH], SLUG_BYTES).strip("-")
    if not slug:
        slug = "conversation-" + re.sub(r"[^0-9A-Za-z]", "", conversation.id)[:12]
    return slug + suffix


def target(path: Path, conversation: Conversation, fmt: str) -> Path:
    """Where an export asked to go to ``path`` is written: an existing folder means into
    it, under the conversation's file name (:func:`default_filename`); else ``path``."""
    try:
        folder = path.is_dir()
    except OSError:  # (a name too long for the system, say: the write says so)
        folder = False
    return path / default_filename(conversation, fmt) if folder else path


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def name_candidates(path: Path) -> Iterator[Path]:
    """``path``, then ``name-1.ext``, ``name-2.ext``…, the name cut to fit the number."""
    yield path
    suffix = path.suffix
    for number in range(1, _MAX_SUFFIX):
        tail = f"-{number}{suffix}"
        stem = cut_name(path.stem, NAME_BYTES - len(os.fsencode(tail)))
        yield path.with_name(stem + tail)


@contextlib.contextmanager
def _staged(folder: Path, data: bytes) -> Iterator[Path]:
    """``data`` whole and on disk in ``folder`` under a short hidden name (any name the
    folder takes can be staged), removed after the block unless it was moved."""
    fd, name = tempfile.mkstemp(prefix=".export-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        yield Path(name)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def replace_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, replacing the file there; a crash leaves the old file
    or the new one. Raises ``OSError``."""
    with _staged(path.parent, utf8(text)) as staged:
        os.replace(staged, path)
    fsync_dir(path.parent)


def write_export(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, or to ``name-1.ext``, ``name-2.ext``… if it is taken.

    An existing file is never replaced; one that already holds exactly ``text`` is taken
    as the export. The file appears whole or not at all. Returns the path written.
    Raises ``OSError`` when nothing could be written.
    """
    data = utf8(text)
    with _staged(path.parent, data) as staged:
        for candidate in name_candidates(path):
            if _same_content(candidate, data):
                return candidate
            try:
                os.link(staged, candidate)  # atomic, and fails if the name is taken
            except FileExistsError:
                continue
            except OSError:  # no hard links here: create exclusively instead
                try:
                    with open(candidate, "xb") as handle:
                        handle.write(data)
                except FileExistsError:
                    continue
            fsync_dir(path.parent)
            return candidate
        raise FileExistsError(f"{path} and {_MAX_SUFFIX - 1} numbered names are all taken")
