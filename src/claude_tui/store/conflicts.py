"""Conflict copies that sync tools leave in the conversations folder, merged into their
conversation.

A data folder synced between machines (Syncthing, Dropbox, iCloud Drive, a git
repository) gets a second file when a conversation changed on two machines before they
synced (its names: ``store/conflict_names.py``). Each such copy is read and merged into
its conversation with the merge two copies of the app use (``domain/merge.py``: every
message of both is kept, each side's new ones after where they parted, in the order they
were begun; the conversation's title and settings stay the main file's). The
conversation is written first, and only then the copy moved to the trash (kept there for
30 days), so a crash in between merges it again next time, which adds nothing twice.

A copy that cannot be read is quarantined, as any unreadable file is. A git backup
holding conflict markers (``<<<<<<<``, ``=======``, ``>>>>>>>``) is read as its two
sides, each merged. A copy a newer claude-tui wrote, or of a conversation a newer one
wrote, is left as it is for that version. Nothing here uses Textual.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from claude_tui.domain.conversation import Conversation, ConversationSummary
from claude_tui.domain.merge import merge
from claude_tui.domain.values import NewerSchemaError, SchemaError
from claude_tui.store.conflict_names import conflict_of
from claude_tui.store.conversations import (
    ChangedOnDisk,
    ConversationGone,
    ConversationStore,
    ConversationUnreadable,
    QuarantineNotice,
    StoreError,
    encode,
)
from claude_tui.store.files import (
    CONVERSATION_LIMIT,
    folder_lock,
    parse_json,
    read_regular,
    write_atomic,
)
from claude_tui.store.index import IndexEntry
from claude_tui.store.trash import Trash

MERGE_ATTEMPTS = 5  # the conversation changed under each of this many writes: try next time


@dataclass(frozen=True)
class ConflictNotice:
    """A conflict copy merged (``moved_to``: where in the trash it went), or not (``failed``:
    why; it stays where it is)."""

    copy: Path
    title: str
    added: int = 0  # messages only the copy had
    moved_to: Path | None = None
    failed: str | None = None

    @property
    def message(self) -> str:
        if self.failed is not None:
            return f"Could not merge the sync conflict copy {self.copy.name}: {self.failed}"
        found = (
            f"{self.added} message{'s' if self.added != 1 else ''} only it had"
            if self.added
            else "it had no message that was not there"
        )
        return (
            f"“{self.title}”: merged the conflict copy a sync tool left ({found}). "
            f"The copy, {self.copy.name}, is in the trash."
        )


Notice = ConflictNotice | QuarantineNotice


def copies(store: ConversationStore) -> list[tuple[Path, str]]:
    """The conflict copies in the conversations folder, with the id each is a copy of."""
    try:
        with os.scandir(store.conversations_dir) as entries:
            found = [(Path(e.path), conflict_of(e.name)) for e in entries if not e.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted((path, of) for path, of in found if of is not None)


def merge_copies(store: ConversationStore, now: datetime) -> list[Notice]:
    """Merge every conflict copy into its conversation (blocks: run it in a thread)."""
    trash = Trash(store)
    notices: list[Notice] = []
    for path, conversation_id in copies(store):
        _merge_copy(store, trash, path, conversation_id, now, notices)
    return notices


def listing(
    store: ConversationStore, now: datetime, cached: dict[str, IndexEntry] | None = None
) -> tuple[list[ConversationSummary], list[Notice]]:
    """The conflict copies merged, then ``store.list_summaries``: what the app at start and
    the commands that read conversations list (blocks: run it in a thread)."""
    merged = merge_copies(store, now)
    summaries, set_aside = store.list_summaries(cached)
    return summaries, [*merged, *set_aside]


def _merge_copy(
    store: ConversationStore,
    trash: Trash,
    path: Path,
    conversation_id: str,
    now: datetime,
    notices: list[Notice],
) -> None:
    try:
        sides = _read_copy(path, conversation_id)
    except FileNotFoundError:
        return  # (merged meanwhile by another copy of the app)
    except NewerSchemaError:
        return  # a newer claude-tui's: not ours to judge or move
    except (OSError, SchemaError, ValueError) as error:
        notices.append(store.set_aside(path, error))
        return
    try:
        merged = _merge_into(store, conversation_id, sides, notices)
        if merged is None:
            return  # the conversation is a newer claude-tui's
        moved_to = trash.put_file(path, conversation_id, now, merged_copy=True)
    except StoreError as error:
        if os.path.lexists(path):
            failed = f"{error}; it stays where it is"
            notices.append(ConflictNotice(path, sides[0].title, failed=failed))
        return  # (else another copy of the app merged it meanwhile, and said so)
    added, title = merged
    notices.append(ConflictNotice(path, title, added, moved_to))


def _read_copy(path: Path, conversation_id: str) -> list[Conversation]:
    """The conversation the copy holds (two, for a git backup with conflict markers).
    Raises OSError, SchemaError, ValueError (unreadable), NewerSchemaError (a newer
    claude-tui's)."""
    raw, _ = read_regular(path, CONVERSATION_LIMIT)
    try:
        parts = [parse_json(raw)]
    except ValueError:
        sides = _sides(raw)
        if sides is None:
            raise
        parts = [parse_json(side) for side in sides]
    read = [Conversation.from_dict(part) for part in parts]
    if any(conversation.id != conversation_id for conversation in read):
        raise SchemaError("its id does not match its file name")
    return read


def _sides(raw: bytes) -> tuple[bytes, bytes] | None:
    """The two sides of a file holding git's conflict markers (a diff3 style's base left
    out), or None if it holds none or they are out of order. (A line of a conversation's
    file starts with a space or a brace, never with a marker.)"""
    ours: list[bytes] = []
    theirs: list[bytes] = []
    part = "both"
    for line in raw.splitlines(keepends=True):
        moves = _MARKERS.get(line[:7])
        if moves is not None:
            if part not in moves[0]:
                return None
            part = moves[1]
            continue
        if part in ("both", "ours"):
            ours.append(line)
        if part in ("both", "theirs"):
            theirs.append(line)
    if part != "both" or ours == theirs:
        return None
    return b"".join(ours), b"".join(theirs)


# A marker: the parts it may come in, and the part it starts.
_MARKERS = {
    b"<" * 7: (("both",), "ours"),
    b"|" * 7: (("ours",), "base"),
    b"=" * 7: (("ours", "base"), "theirs"),
    b">" * 7: (("theirs",), "both"),
}


def _merge_into(
    store: ConversationStore,
    conversation_id: str,
    sides: list[Conversation],
    notices: list[Notice],
) -> tuple[int, str] | None:
    """Merge ``sides`` into the conversation's file (written from them if it is gone or
    unreadable: that one is quarantined, and ``notices`` says so); how many messages that
    added and the conversation's title, or None if the file is a newer claude-tui's (left
    alone). Raises StoreError."""
    for _ in range(MERGE_ATTEMPTS):
        try:
            stored = store.read(conversation_id)
        except ConversationUnreadable as error:
            notices.append(error.notice)
            continue
        except ConversationGone:
            added = _write_if_absent(store, conversation_id, sides)
            if added is not None:
                return added, sides[0].title
            continue
        conversation = stored.conversation
        if conversation.read_only:
            return None
        before = len(conversation.every_message)
        changed = False
        for side in sides:
            changed = merge(conversation, side, None) or changed
        if not changed:
            return 0, conversation.title
        try:
            store.save_encoded(conversation_id, encode(conversation.to_dict()), stored.key)
        except ChangedOnDisk:
            continue
        return len(conversation.every_message) - before, conversation.title
    raise StoreError(f"{conversation_id}.json kept being changed by another program")


def _write_if_absent(
    store: ConversationStore, conversation_id: str, sides: list[Conversation]
) -> int | None:
    """The copy becomes the conversation whose file is gone: how many messages it has, or
    None if a file appeared meanwhile."""
    conversation = sides[0]
    for side in sides[1:]:
        merge(conversation, side, None)
    path = store.path_of(conversation_id)
    try:
        with folder_lock(store.conversations_dir):  # (as a save holds it)
            if os.path.lexists(path):
                return None
            write_atomic(path, encode(conversation.to_dict()))
    except OSError as error:
        raise StoreError(f"Could not save to {path.parent}: {error.strerror or error}") from error
    return len(conversation.every_message)
