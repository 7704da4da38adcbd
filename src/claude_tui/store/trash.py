"""Deleted conversations: kept in ``trash/`` for 30 days, restorable until then; and the
attached files that nothing names any more, removed once a day has passed.

A deleted conversation's file is moved, untouched, to
``trash/<deleted-at>--<id>.json``; the name carries the time of deletion, so nothing
about it depends on file times that a backup or a copy may change. Its attached files
stay in ``attachments/`` (they are kept once, by digest, and may be another
conversation's too), so a conversation restored has them all.

A kept file is removed when no conversation, trash item, quarantined file or draft names
its digest and it was not written in the last day (a file attached to a message being
written, in this or another copy of claude-tui, is newer than that). This runs when the
trash is purged (the app does that at start, in a thread), at most once a day unless the
purge removed something; when any of those files cannot be read, nothing is removed.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from claude_tui.domain.values import SchemaError
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.conversations import ConversationStore, StoreError
from claude_tui.store.files import (
    CONVERSATION_LIMIT,
    DIR_MODE,
    fsync_dir,
    read_json,
    read_regular,
)

KEEP_FOR = timedelta(days=30)
UNNAMED_FILES_KEPT_FOR = timedelta(days=1)
PRUNED_STAMP = ".pruned"  # in attachments/: its time is when unnamed files were last removed
_DIGEST = re.compile(rb"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
"""A digest named anywhere in a file (over-keeping a file is harmless; losing one is not)."""
_STAMP = "%Y%m%dT%H%M%S%fZ"
_SEPARATOR = "--"


@dataclass(frozen=True)
class TrashedConversation:
    id: str
    title: str
    deleted_at: datetime
    path: Path
    # A sync tool's conflict copy, merged into its conversation and kept here only in
    # case: never offered for restoring, purged as the rest.
    merged_copy: bool = False

    def purge_after(self) -> datetime:
        return self.deleted_at + KEEP_FOR


_MERGED = ".merged"  # the end of a merged conflict copy's name, before ".json"


def _parse_name(path: Path) -> tuple[datetime, str, bool] | None:
    """When it was deleted, its conversation's id, and whether it is a merged copy."""
    stamp, separator, conversation_id = path.stem.partition(_SEPARATOR)
    if not separator or not conversation_id or path.suffix != ".json":
        return None
    try:
        deleted_at = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    merged_copy = conversation_id.endswith(_MERGED)
    return deleted_at, conversation_id.removesuffix(_MERGED), merged_copy


class Trash:
    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self.folder = store.root / "trash"

    def put(self, conversation_id: str, now: datetime) -> Path:
        """Move a conversation's file to the trash; StoreError if it cannot be."""
        return self.put_file(self.store.path_of(conversation_id), conversation_id, now)

    def put_file(
        self, source: Path, conversation_id: str, now: datetime, *, merged_copy: bool = False
    ) -> Path:
        """Move a file holding a conversation (its own, or a copy of it that a sync tool
        left, ``merged_copy``) to the trash, never over a file already there; StoreError if
        it cannot be."""
        when = now.astimezone(UTC)
        kind = _MERGED if merged_copy else ""
        try:
            self.folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            while True:  # (two files of one conversation trashed at one time)
                name = f"{when.strftime(_STAMP)}{_SEPARATOR}{conversation_id}{kind}.json"
                target = self.folder / name
                if not os.path.lexists(target):
                    break
                when += timedelta(microseconds=1)
            os.replace(source, target)
        except FileNotFoundError as error:
            raise StoreError("it is not saved on disk") from error
        except OSError as error:
            raise StoreError(f"Could not move it to {self.folder}: {error.strerror}") from error
        fsync_dir(self.folder)
        fsync_dir(source.parent)
        return target

    def deleted(self) -> list[TrashedConversation]:
        """The conversations deleted (what may be restored), most recently deleted first."""
        return [item for item in self.items() if not item.merged_copy]

    def items(self) -> list[TrashedConversation]:
        """What the trash holds, merged conflict copies too, most recently deleted first."""
        found: list[TrashedConversation] = []
        try:
            paths = list(self.folder.glob("*.json"))
        except OSError:
            return found
        for path in paths:
            parsed = _parse_name(path)
            if parsed is None:
                continue
            deleted_at, conversation_id, merged_copy = parsed
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
                    merged_copy=merged_copy,
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
        """Delete for good what was deleted more than 30 days ago, then the attached files
        nothing names (see the module's docstring); returns how many conversations."""
        purged = 0
        for item in self.items():
            if item.purge_after() <= now:
                try:
                    item.path.unlink()
                except OSError:
                    continue
                purged += 1
        self.prune_attachments(now, even_if_done_today=purged > 0)
        return purged

    def prune_attachments(self, now: datetime, *, even_if_done_today: bool = True) -> list[Path]:
        """Remove the attached files that nothing names and that are older than a day;
        the files removed. Reads every conversation file when there is one to remove."""
        files = AttachmentStore(self.store.root)
        stamp = files.folder / PRUNED_STAMP
        old = (now - UNNAMED_FILES_KEPT_FOR).timestamp()
        if not even_if_done_today and _modified(stamp) > old:
            return []
        if not any(_modified(Path(entry.path)) < old for entry in files.kept()):
            return []  # (no file old enough: nothing to read)
        named = self._digests_named()
        if named is None:
            return []
        removed = files.prune(named, keep_newer_than=old)
        with contextlib.suppress(OSError):
            stamp.touch()
            os.utime(stamp, (now.timestamp(), now.timestamp()))
        return removed

    def _digests_named(self) -> set[str] | None:
        """Every digest that a conversation, a trash item, a quarantined file or a draft
        names; None when one of them cannot be read."""
        root = self.store.root
        paths = [root / "drafts.json"]
        for folder in (self.store.conversations_dir, self.folder, self.store.quarantine_dir):
            with contextlib.suppress(FileNotFoundError):
                paths += [Path(e.path) for e in os.scandir(folder) if not e.is_dir()]
        named: set[str] = set()
        for path in paths:
            try:
                raw, _ = read_regular(path, CONVERSATION_LIMIT)
            except FileNotFoundError:
                continue  # (removed meanwhile: it names nothing)
            except (OSError, SchemaError):
                return None
            named.update(match.decode() for match in _DIGEST.findall(raw))
        return named


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
