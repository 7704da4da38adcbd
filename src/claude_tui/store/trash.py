"""Deleted conversations: kept in ``trash/`` for 30 days, restorable until then.

A deleted conversation's file is moved, untouched, to
``trash/<deleted-at>--<id>.json``; the name carries the time of deletion, so nothing
about it depends on file times that a backup or a copy may change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_tui.domain.values import SchemaError
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.files import CONVERSATION_LIMIT, DIR_MODE, fsync_dir, read_json

KEEP_FOR = timedelta(days=30)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_SEPARATOR = "--"


@dataclass(frozen=True)
class TrashedConversation:
    id: str
    title: str
    deleted_at: datetime
    path: Path

    def purge_after(self) -> datetime:
        return self.deleted_at + KEEP_FOR


def _parse_name(path: Path) -> tuple[datetime, str] | None:
    stamp, separator, conversation_id = path.stem.partition(_SEPARATOR)
    if not separator or not conversation_id or path.suffix != ".json":
        return None
    try:
        deleted_at = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return deleted_at, conversation_id


class Trash:
    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self.folder = store.root / "trash"

    def put(self, conversation_id: str, now: datetime) -> Path:
        """Move a conversation's file to the trash; StoreError if it cannot be."""
        source = self.store.path_of(conversation_id)
        name = f"{now.astimezone(UTC).strftime(_STAMP)}{_SEPARATOR}{conversation_id}.json"
        target = self.folder / name
        try:
            self.folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            os.replace(source, target)
        except FileNotFoundError as error:
            raise StoreError("it is not saved on disk") from error
        except OSError as error:
            raise StoreError(f"Could not move it to {self.folder}: {error.strerror}") from error
        fsync_dir(self.folder)
        fsync_dir(source.parent)
        return target

    def items(self) -> list[TrashedConversation]:
        """What the trash holds, most recently deleted first."""
        found: list[TrashedConversation] = []
        try:
            paths = list(self.folder.glob("*.json"))
        except OSError:
            return found
        for path in paths:
            parsed = _parse_name(path)
            if parsed is None:
                continue
            deleted_at, conversation_id = parsed
            try:
                data = read_json(path, CONVERSATION_LIMIT)
                title = data.get("title") if isinstance(data, dict) else None
            except (OSError, SchemaError):
                title = None
            found.append(
                TrashedConversation(
                    id=conversation_id,
                    title=title if isinstance(title, str) else f"(unreadable: {path.name})",
                    deleted_at=deleted_at,
                    path=path,
                )
            )
        found.sort(key=lambda item: item.deleted_at, reverse=True)
        return found

    def restore(self, item: TrashedConversation) -> str:
        """Move it back among the conversations; returns its id."""
        target = self.store.path_of(item.id)
        if target.exists():
            raise StoreError(f"a conversation with id {item.id} already exists")
        try:
            self.store.ensure()
            os.replace(item.path, target)
        except FileNotFoundError as error:
            raise StoreError("it is no longer in the trash") from error
        except OSError as error:
            raise StoreError(f"Could not restore it: {error.strerror}") from error
        fsync_dir(target.parent)
        return item.id

    def purge(self, now: datetime) -> int:
        """Delete for good what was deleted more than 30 days ago; returns how many."""
        purged = 0
        for item in self.items():
            if item.purge_after() <= now:
                try:
                    item.path.unlink()
                except OSError:
                    continue
                purged += 1
        return purged
