"""The conversation store: one human-readable JSON file per conversation.

Layout under the data directory::

    conversations/<id>.json   one conversation each
    quarantine/               files that could not be read, moved aside untouched
    state.json                which conversation was open last
    index.json                what the sidebar needs of each file (a cache: core/index.py)

Every write is atomic (temporary file, fsync, rename, fsync of the folder), so a
file is always either as it was or as it became.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_tui.domain.conversation import (
    DEFAULT_TITLE,
    SCHEMA_VERSION,
    Conversation,
    ConversationSummary,
)
from claude_tui.domain.values import NewerSchemaError, SchemaError, parse_timestamp
from claude_tui.store.conflict_names import conflict_of
from claude_tui.store.files import (
    CONVERSATION_LIMIT,
    DIR_MODE,
    SMALL_LIMIT,
    folder_lock,
    may_hold_surrogates,
    parse_json,
    read_json,
    read_regular,
    remove_stale_temporaries,
    utf8,
    write_atomic,
)
from claude_tui.store.index import FileKey, IndexEntry, SummaryIndex, file_key


class StoreError(Exception):
    """A conversation could not be read or written; the message is for a person."""


class ConversationGone(StoreError):
    """The file is no longer there (deleted by hand, or by another copy of the app)."""


class ChangedOnDisk(StoreError):
    """The file is not the one this copy last read or wrote: another copy of the app (or
    a person) changed it. Nothing was written."""


class ConversationUnreadable(StoreError):
    """The file was moved to quarantine; ``notice`` says where."""

    def __init__(self, notice: QuarantineNotice) -> None:
        super().__init__(notice.message)
        self.notice = notice


@dataclass(frozen=True)
class StoredConversation:
    """A conversation as read from its file."""

    conversation: Conversation
    # Its messages' lines as the file holds them, the branches' first (see message_lines)
    lines: list[str] | None
    key: FileKey  # the identity of the file read (see core/index.py)


@dataclass(frozen=True)
class QuarantineNotice:
    original: Path
    moved_to: Path | None  # None: it could not be moved, and was left where it is
    reason: str

    @property
    def message(self) -> str:
        if self.moved_to is None:
            return f"Could not read {self.original.name} ({self.reason})"
        return (
            f"Could not read {self.original.name} ({self.reason}); "
            f"it was moved untouched to {self.moved_to}"
        )


def encode(data: dict[str, Any]) -> bytes:
    """A conversation's JSON form as the file holds it: UTF-8, indented, one message a
    line (so files stay readable, and each line can be encoded once and reused)."""
    header = {k: v for k, v in data.items() if k not in ("messages", "branches")}
    return encode_lines(
        header,
        [encode_message(m) for m in data.get("messages", [])],
        [encode_message(m) for m in data.get("branches", [])],
    )


def encode_message(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


_MESSAGES_START = b'\n  "messages": [\n    '
_MESSAGES_END = b"\n  ]\n}\n"
_BRANCHES_START = b'\n  "branches": [\n    '
_BRANCHES_END = b'\n  ],\n  "messages": ['


def message_lines(raw: bytes, count: int, branch_count: int = 0) -> list[str] | None:
    """The encoded messages of a file written by ``encode_lines`` (its branches' first),
    or None if its layout is another (an older version, or edited by hand). A line holds
    no raw newline: JSON writes a newline inside a string as an escape."""
    start = raw.find(_MESSAGES_START)
    if start == -1 or not raw.endswith(_MESSAGES_END):
        return None
    body = raw[start + len(_MESSAGES_START) : -len(_MESSAGES_END)].decode("utf-8")
    lines = body.split(",\n    ")
    if len(lines) != count:
        return None
    if not branch_count:
        return lines
    first, end = raw.find(_BRANCHES_START), start - len(b"\n  ],")
    if first == -1 or raw.find(_BRANCHES_END, first) != end:
        return None
    branches = raw[first + len(_BRANCHES_START) : end].decode("utf-8").split(",\n    ")
    return [*branches, *lines] if len(branches) == branch_count else None


def encode_lines(
    header: dict[str, Any], message_lines: list[str], branch_lines: Sequence[str] = ()
) -> bytes:
    """The file from its header fields and its already encoded messages (and branches)."""
    parts = ["{\n"]
    for key, value in header.items():
        parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    if branch_lines:
        parts += ['  "branches": [\n    ', ",\n    ".join(branch_lines), "\n  ],\n"]
    if message_lines:
        parts += ['  "messages": [\n    ', ",\n    ".join(message_lines), "\n  ]\n}\n"]
    else:
        parts.append('  "messages": []\n}\n')
    return utf8("".join(parts))


class ConversationStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.conversations_dir = root / "conversations"
        self.quarantine_dir = root / "quarantine"
        self.state_file = root / "state.json"
        self.index = SummaryIndex(root / "index.json")

    def ensure(self) -> None:
        for folder in (self.root, self.conversations_dir):
            folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)

    def path_of(self, conversation_id: str) -> Path:
        if not conversation_id or "/" in conversation_id or conversation_id.startswith("."):
            raise StoreError(f"not a conversation id: {conversation_id!r}")
        return self.conversations_dir / f"{conversation_id}.json"

    # -- reading -------------------------------------------------------------------

    def indexed_summaries(self) -> tuple[list[ConversationSummary], dict[str, IndexEntry]]:
        """What the index says, most recently used first, without looking at the files: a
        quick first answer that ``list_summaries(cached)`` then checks."""
        cached = self.index.load()
        return _newest_first(entry.summary for entry in cached.values()), cached

    def list_summaries(
        self, cached: dict[str, IndexEntry] | None = None
    ) -> tuple[list[ConversationSummary], list[QuarantineNotice]]:
        """Every readable conversation, most recently used first.

        Only files the index (or ``cached``, read from it already) does not know as they
        are now are parsed (see ``core/index.py``). Files that are not conversations are
        quarantined and reported. Temporary files that a save killed midway left behind
        are removed (see ``remove_stale_temporaries``).
        """
        summaries: list[ConversationSummary] = []
        notices: list[QuarantineNotice] = []
        try:
            entries = list(os.scandir(self.conversations_dir))
        except (FileNotFoundError, NotADirectoryError):
            return summaries, notices
        self._remove_stale_temporaries(entries)
        if cached is None:
            cached = self.index.load()
        fresh: dict[str, IndexEntry] = {}
        for entry in entries:
            name = entry.name
            if not name.endswith(".json") or name.startswith(".") or conflict_of(name):
                continue  # (a sync tool's conflict copy waits for store/conflicts.py)
            conversation_id = name[: -len(".json")]
            try:
                key = file_key(entry.stat())
                known = cached.get(conversation_id)
                if known is not None and known.key == key:
                    fresh[conversation_id] = known
                else:
                    path = Path(entry.path)
                    data = read_json(path, CONVERSATION_LIMIT)
                    fresh[conversation_id] = IndexEntry(key, _summary(data, path))
            except FileNotFoundError:
                continue
            except NewerSchemaError:
                continue  # a newer claude-tui's file: not ours to judge or move
            except (SchemaError, ValueError, OSError) as error:
                notices.append(self.set_aside(Path(entry.path), error))
        if fresh != cached:
            self.index.save(fresh)
        return _newest_first(entry.summary for entry in fresh.values()), notices

    def _remove_stale_temporaries(self, entries: list[os.DirEntry[str]]) -> None:
        """Of the conversations folder (its ``entries``) and of the data folder."""
        now = time.time()
        remove_stale_temporaries(entries, now)
        with contextlib.suppress(OSError), os.scandir(self.root) as in_root:
            remove_stale_temporaries(in_root, now)

    def changed_since(self, conversation_id: str, key: FileKey) -> bool:
        """Is the conversation's file now another than the one ``key`` identifies? A file
        that is gone is not: nothing of it is left to lose. Raises OSError."""
        try:
            return file_key(os.stat(self.path_of(conversation_id))) != key
        except FileNotFoundError:
            return False

    def folder_stamp(self) -> int | None:
        """The conversations folder's modification time: it changes with every file
        added, replaced or removed (None: there is no folder yet)."""
        try:
            return os.stat(self.conversations_dir).st_mtime_ns
        except OSError:
            return None

    def set_aside(self, path: Path, error: BaseException) -> QuarantineNotice:
        """Quarantine a file that could not be read, or say why it stays where it is."""
        try:
            return self.quarantine(path, _reason(error))
        except StoreError as move_error:
            return QuarantineNotice(path, None, f"{_reason(error)}; {move_error}")

    def load(self, conversation_id: str) -> Conversation:
        return self._read(conversation_id)[0]

    def read(self, conversation_id: str) -> StoredConversation:
        """The conversation, its messages' lines as the file holds them (when the file has
        this version's layout: one message a line, for a save to reuse), and the identity
        of the file it came from."""
        conversation, raw, key = self._read(conversation_id)
        if conversation.mended:  # its lines are not what a save writes
            return StoredConversation(conversation, None, key)
        lines = message_lines(raw, len(conversation.messages), len(conversation.branches))
        return StoredConversation(conversation, lines, key)

    def _read(self, conversation_id: str) -> tuple[Conversation, bytes, FileKey]:
        """The conversation, the bytes it was read from and the identity of their file."""
        path = self.path_of(conversation_id)
        try:
            raw, info = read_regular(path, CONVERSATION_LIMIT)
            key = file_key(info)
        except FileNotFoundError as error:
            raise ConversationGone(f"conversation {conversation_id} no longer exists") from error
        except (OSError, SchemaError) as error:  # (SchemaError: not a regular file, too big)
            raise ConversationUnreadable(self.quarantine(path, _reason(error))) from error
        try:
            data = parse_json(raw)
            try:
                conversation = Conversation.from_dict(data)
            except NewerSchemaError as newer:
                try:  # what this version understands of it, read-only
                    conversation = Conversation.from_dict(data, newer=True)
                except SchemaError as error:
                    raise NewerSchemaError(f"{newer}; update claude-tui to open it") from error
            if conversation.id != conversation_id:  # as the listing judges it (_summary)
                error_type = NewerSchemaError if conversation.read_only else SchemaError
                raise error_type("its id does not match its file name")
            if may_hold_surrogates(raw):  # mended as read: the next save writes it whole
                conversation.mended = True
            return conversation, raw, key
        except NewerSchemaError as error:
            raise StoreError(f"{path.name} was {error}") from error
        except (SchemaError, ValueError) as error:
            raise ConversationUnreadable(self.quarantine(path, _reason(error))) from error

    # -- writing -------------------------------------------------------------------

    def save(self, conversation: Conversation) -> None:
        self.save_dict(conversation.id, conversation.to_dict())

    def save_dict(self, conversation_id: str, data: dict[str, Any]) -> None:
        """Write a conversation's ``to_dict()`` snapshot atomically."""
        self.save_encoded(conversation_id, encode(data))

    def save_encoded(
        self, conversation_id: str, encoded: bytes, expected: FileKey | None = None
    ) -> FileKey | None:
        """Write a conversation already encoded (``encode``, ``encode_lines``) atomically;
        return the identity of the file written (None if it cannot be known).

        With ``expected`` (the file this copy last read or wrote), raise ChangedOnDisk
        instead of writing when the file there now is another one. A file that is gone is
        written anew: nothing of it is left to lose.
        """
        path = self.path_of(conversation_id)
        try:
            self.ensure()
            with folder_lock(self.conversations_dir):  # no other save between check and write
                if expected is not None and self.changed_since(conversation_id, expected):
                    raise ChangedOnDisk(f"{path.name} was changed by another program")
                write_atomic(path, encoded)
                try:
                    return file_key(os.stat(path))  # ours: no other save came in between
                except OSError:
                    return None
        except OSError as error:
            reason = error.strerror or str(error)
            raise StoreError(f"Could not save to {path.parent}: {reason}") from error

    def quarantine(self, path: Path, reason: str) -> QuarantineNotice:
        """Move an unreadable file aside, never overwriting anything already there.

        Raises StoreError if it cannot be moved (the file then stays where it is).
        """
        try:
            self.quarantine_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            target = self.quarantine_dir / path.name
            counter = 1
            while os.path.lexists(target):  # (a link too, even one leading nowhere)
                target = self.quarantine_dir / f"{path.stem}.{counter}{path.suffix}"
                counter += 1
            os.replace(path, target)
        except OSError as error:
            raise StoreError(f"it could not be moved aside: {_reason(error)}") from error
        return QuarantineNotice(original=path, moved_to=target, reason=reason)

    # -- what was open -------------------------------------------------------------

    def last_open(self) -> str | None:
        try:
            value = read_json(self.state_file, SMALL_LIMIT).get("last_open")
        except (OSError, ValueError, AttributeError):
            return None
        return value if isinstance(value, str) else None

    def set_last_open(self, conversation_id: str | None) -> None:
        self.ensure()
        data = json.dumps({"last_open": conversation_id}) + "\n"
        with contextlib.suppress(OSError):
            write_atomic(self.state_file, data.encode())


def _summary(data: Any, path: Path) -> ConversationSummary:
    if not isinstance(data, dict):
        raise SchemaError("not a conversation object")
    version = data.get("schema_version")
    if not isinstance(version, int):
        raise SchemaError("schema_version is missing")
    try:
        conversation_id, messages = data.get("id"), data.get("messages")
        title = data.get("title", DEFAULT_TITLE)  # as Conversation.from_dict reads it
        if conversation_id != path.stem:
            raise SchemaError("its id does not match its file name")
        if not isinstance(title, str) or not isinstance(messages, list):
            raise SchemaError("title or messages missing")
        return ConversationSummary(
            id=conversation_id,
            title=title,
            updated_at=parse_timestamp(data.get("updated_at")),
            message_count=len(messages),
        )
    except SchemaError as error:
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(str(error)) from error
        raise


def _newest_first(summaries: Iterable[ConversationSummary]) -> list[ConversationSummary]:
    return sorted(summaries, key=lambda summary: summary.updated_at, reverse=True)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
