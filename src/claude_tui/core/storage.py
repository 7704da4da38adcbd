"""The conversation store: one human-readable JSON file per conversation.

Layout under the data directory::

    conversations/<id>.json   one conversation each
    quarantine/               files that could not be read, moved aside untouched
    state.json                which conversation was open last

Every write is atomic (temporary file, fsync, rename, fsync of the folder), so a
file is always either as it was or as it became.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_tui.core.models import (
    SCHEMA_VERSION,
    Conversation,
    ConversationSummary,
    NewerSchemaError,
    SchemaError,
    parse_timestamp,
)

DIR_MODE = 0o700
FILE_MODE = 0o600


class StoreError(Exception):
    """A conversation could not be read or written; the message is for a person."""


class ConversationGone(StoreError):
    """The file is no longer there (deleted by hand, or by another copy of the app)."""


class ConversationUnreadable(StoreError):
    """The file was moved to quarantine; ``notice`` says where."""

    def __init__(self, notice: QuarantineNotice) -> None:
        super().__init__(notice.message)
        self.notice = notice


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


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def encode(data: dict[str, Any]) -> bytes:
    """A conversation's JSON form as the file holds it: indented, UTF-8."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


class ConversationStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.conversations_dir = root / "conversations"
        self.quarantine_dir = root / "quarantine"
        self.state_file = root / "state.json"

    def ensure(self) -> None:
        for folder in (self.root, self.conversations_dir):
            folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)

    def path_of(self, conversation_id: str) -> Path:
        if not conversation_id or "/" in conversation_id or conversation_id.startswith("."):
            raise StoreError(f"not a conversation id: {conversation_id!r}")
        return self.conversations_dir / f"{conversation_id}.json"

    # -- reading -------------------------------------------------------------------

    def list_summaries(self) -> tuple[list[ConversationSummary], list[QuarantineNotice]]:
        """Every readable conversation, most recently used first.

        Files that are not conversations are quarantined and reported.
        """
        summaries: list[ConversationSummary] = []
        notices: list[QuarantineNotice] = []
        if not self.conversations_dir.is_dir():
            return summaries, notices
        for path in self.conversations_dir.glob("*.json"):
            try:
                summaries.append(_summary(_read_json(path), path))
            except FileNotFoundError:
                continue
            except NewerSchemaError:
                continue  # a newer claude-tui's file: not ours to judge or move
            except (SchemaError, ValueError, OSError) as error:
                try:
                    notices.append(self.quarantine(path, _reason(error)))
                except StoreError as move_error:
                    notices.append(QuarantineNotice(path, None, f"{_reason(error)}; {move_error}"))
        summaries.sort(key=lambda s: s.updated_at, reverse=True)
        return summaries, notices

    def load(self, conversation_id: str) -> Conversation:
        path = self.path_of(conversation_id)
        try:
            return Conversation.from_dict(_read_json(path))
        except FileNotFoundError as error:
            raise ConversationGone(f"conversation {conversation_id} no longer exists") from error
        except NewerSchemaError as error:
            raise StoreError(f"{path.name} was {error}; update claude-tui to open it") from error
        except (SchemaError, ValueError, OSError) as error:
            raise ConversationUnreadable(self.quarantine(path, _reason(error))) from error

    # -- writing -------------------------------------------------------------------

    def save(self, conversation: Conversation) -> None:
        self.save_dict(conversation.id, conversation.to_dict())

    def save_dict(self, conversation_id: str, data: dict[str, Any]) -> None:
        """Write a conversation's ``to_dict()`` snapshot atomically."""
        path = self.path_of(conversation_id)
        try:
            self.ensure()
            write_atomic(path, encode(data))
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
            while target.exists():
                target = self.quarantine_dir / f"{path.stem}.{counter}{path.suffix}"
                counter += 1
            os.replace(path, target)
        except OSError as error:
            raise StoreError(f"it could not be moved aside: {_reason(error)}") from error
        return QuarantineNotice(original=path, moved_to=target, reason=reason)

    # -- what was open -------------------------------------------------------------

    def last_open(self) -> str | None:
        try:
            value = _read_json(self.state_file).get("last_open")
        except (OSError, ValueError, AttributeError):
            return None
        return value if isinstance(value, str) else None

    def set_last_open(self, conversation_id: str | None) -> None:
        self.ensure()
        data = json.dumps({"last_open": conversation_id}) + "\n"
        with contextlib.suppress(OSError):
            write_atomic(self.state_file, data.encode())


def _read_json(path: Path) -> Any:
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SchemaError("not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise SchemaError(f"not valid JSON: {error}") from error


def _summary(data: Any, path: Path) -> ConversationSummary:
    if not isinstance(data, dict):
        raise SchemaError("not a conversation object")
    version = data.get("schema_version")
    if not isinstance(version, int):
        raise SchemaError("schema_version is missing")
    try:
        conversation_id, title, messages = data.get("id"), data.get("title"), data.get("messages")
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


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
