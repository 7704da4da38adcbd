"""A conversation as a document: Markdown to read, JSON to keep, and a safe file to hold it.

No Textual, no SDK: the command line and the app both call these (the app from a thread).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tui.domain import branches
from claude_tui.domain.blocks import OtherBlock, TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conversations import encode
from claude_tui.store.files import utf8, write_atomic

if TYPE_CHECKING:  # pricing is imported when a document is made, not with the app's start
    from claude_tui.domain.pricing import PriceTable

FORMATS = {"md": ".md", "json": ".json"}
NAME_LENGTH = 60  # characters of the title kept in a file name
_MAX_SUFFIX = 10_000  # name-1 … name-9999, then give up


# -- Markdown --------------------------------------------------------------------

# Characters YAML does not allow unescaped in a double-quoted scalar, though JSON does.
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def _scalar(value: str | int) -> str:
    """A value as a JSON scalar, which is also a valid YAML one, whatever it holds."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


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


def _message_parts(message: Message, cost: str | None) -> list[str]:
    """The blocks of a message, then its ending note with ``cost`` (None: not metered)."""
    parts: list[str] = []
    for block in message.content:
        if isinstance(block, TextBlock):
            if block.text.strip():
                parts.append(_verbatim(block.text))
        elif isinstance(block, ThinkingBlock):
            if block.thinking.strip():
                parts.append(f"> **Thinking**\n>\n{_quoted(block.thinking)}")
        elif isinstance(block, ToolUseBlock):
            arguments = json.dumps(block.input, ensure_ascii=False, indent=2)
            parts.append(f"**Tool call: {_one_line(block.name)}**\n\n```json\n{arguments}\n```")
        elif isinstance(block, OtherBlock):
            parts.append(f"_(a {_one_line(block.type)} block, not shown)_")
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
    conversation: Conversation, prices: PriceTable | None = None, *, all_branches: bool = False
) -> str:
    """The conversation (its current branch; with ``all_branches``, the others after it)
    as a Markdown document with a YAML front matter block; costs from ``prices`` (the
    shipped price table unless given)."""
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
        sections.extend(_message_parts(message, cost))
    return "\n\n".join(sections) + "\n"


def _branch_note(message: Message, numbers: dict[str, int]) -> str:
    """Where a message off the current branch belongs: after which message."""
    if message.parent is None:
        return " (another branch, from the start)"
    if message.parent in numbers:
        return f" (another branch, after message {numbers[message.parent]})"
    return " (another branch, continued)"


# -- JSON ------------------------------------------------------------------------


def to_json(conversation: Conversation) -> str:
    """The conversation exactly as its saved file holds it (``Conversation.from_dict`` reads it)."""
    return encode(conversation.to_dict()).decode()


def render(
    conversation: Conversation,
    fmt: str,
    prices: PriceTable | None = None,
    *,
    all_branches: bool = False,
) -> str:
    """The conversation in ``fmt``, one of :data:`FORMATS` (Markdown shows costs by
    ``prices``, and the current branch unless ``all_branches``; JSON is the saved file,
    every branch, without costs)."""
    if fmt == "json":
        return to_json(conversation)
    if fmt == "md":
        return to_markdown(conversation, prices, all_branches=all_branches)
    raise ValueError(f"unknown export format {fmt!r}")


# -- files -----------------------------------------------------------------------


def default_filename(conversation: Conversation, fmt: str) -> str:
    """A file name made from the title: letters and digits joined by dashes, short, and
    never a path, a hidden file or empty (the id stands in for a title with no letters)."""
    suffix = FORMATS[fmt]
    words = re.split(r"[^\w]+|_+", unicodedata.normalize("NFKC", conversation.title).lower())
    slug = "-".join(word for word in words if word)[:NAME_LENGTH].strip("-")
    if not slug:
        slug = "conversation-" + re.sub(r"[^0-9A-Za-z]", "", conversation.id)[:12]
    return slug + suffix


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _candidates(path: Path) -> Iterator[Path]:
    yield path
    for number in range(1, _MAX_SUFFIX):
        yield path.with_name(f"{path.stem}-{number}{path.suffix}")


def write_export(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, or to ``name-1.ext``, ``name-2.ext``… if it is taken.

    An existing file is never replaced; one that already holds exactly ``text`` is taken
    as the export. The file appears whole or not at all. Returns the path written.
    Raises ``OSError`` when nothing could be written.
    """
    data = utf8(text)
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write_atomic(staged, data)  # whole and on disk before it takes a visible name
        for candidate in _candidates(path):
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
            return candidate
        raise FileExistsError(f"{path} and {_MAX_SUFFIX - 1} numbered names are all taken")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)
