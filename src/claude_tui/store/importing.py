"""Bringing an export's conversations into the store (``claude-tui import FILE``).

Two steps. :func:`plan_import` reads the whole file, converts every conversation
(domain/importing.py) and compares each with what the store holds; it writes nothing, and
the first conversation that cannot be read stops it (an :class:`ImportProblem` naming the
conversation). :func:`write_import` then keeps the attached files and writes each
conversation with the store's atomic save; the index is brought up to date at the end.

Importing again adds nothing twice: an imported conversation's id is made from the
source's, and so is each message's. A conversation the store holds already is

- left as it is when it holds every message of the export's (``unchanged``);
- replaced by the export's when the export's has grown and it was not continued here
  (its title and settings as they are here) (``grown``);
- given the export's new messages as a branch when it was continued here as well
  (``branched``): nobody's messages are lost.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claude_tui.domain.attachments import Attachment
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.importing import Imported, ImportProblem, convert
from claude_tui.domain.message import Message
from claude_tui.domain.settings import ChatSettings
from claude_tui.domain.text import well_formed_data
from claude_tui.store.attachments import AttachmentError, AttachmentStore, inspect
from claude_tui.store.conversations import ConversationStore, StoreError, encode
from claude_tui.store.files import CONVERSATION_LIMIT, MB, read_regular
from claude_tui.store.index import FileKey
from claude_tui.store.trash import Trash

__all__ = ["ImportPlan", "ImportProblem", "plan_import", "read_export", "write_import"]

EXPORT_LIMIT = 4096 * MB
"""An export file (or the conversations.json in an export's zip): years of talk fit."""
EXPORT_NAME = "conversations.json"

Step = Callable[[int, int], None]
"""Called after each conversation: (how many are done, how many there are)."""


def _nothing(done: int, total: int) -> None:
    pass


@dataclass
class ImportPlan:
    """What an import will write, worked out before anything is."""

    source: str
    total: int = 0  # conversations in the export
    new: list[Conversation] = field(default_factory=list)
    grown: list[tuple[Conversation, FileKey, int]] = field(default_factory=list)
    branched: list[tuple[Conversation, FileKey, int]] = field(default_factory=list)
    unchanged: int = 0
    in_trash: int = 0  # deleted here after an earlier import: left deleted
    empty: int = 0  # conversations without a message: left out
    files: dict[str, tuple[Attachment, bytes]] = field(default_factory=dict)

    @property
    def writes(self) -> list[tuple[Conversation, FileKey | None]]:
        return [
            *((c, None) for c in self.new),
            *((c, key) for c, key, _ in [*self.grown, *self.branched]),
        ]


@dataclass
class ImportResult:
    written: int = 0
    failed: list[str] = field(default_factory=list)  # why each conversation not written


def read_export(path: Path) -> bytes:
    """The bytes of an export's ``conversations.json``: the file itself, or the one in an
    export's zip. ImportProblem when there is none to read."""
    try:
        raw, _ = read_regular(path, EXPORT_LIMIT)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ImportProblem(f"cannot read it: {reason}") from error
    if not raw.startswith(b"PK"):
        return raw
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = [n for n in archive.namelist() if Path(n).name == EXPORT_NAME]
            if not names:
                raise ImportProblem(f"this zip holds no {EXPORT_NAME}")
            info = archive.getinfo(min(names, key=len))
            if info.file_size > EXPORT_LIMIT:
                raise ImportProblem(f"its {EXPORT_NAME} is larger than {EXPORT_LIMIT // MB} MB")
            return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportProblem(f"cannot read this zip: {error}") from error


def parse_export(raw: bytes) -> list[object]:
    """The list of conversations of an export's JSON, read one conversation at a time, so
    that a file cut short or broken is reported at the conversation it stopped at."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportProblem(
            "it is not UTF-8 text (is it the export's conversations.json?)"
        ) from error
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if not text.startswith("[", position):
        try:
            decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as error:
            raise ImportProblem(f"it is not JSON ({error})") from error
        raise ImportProblem(
            "this is not a Claude.ai or ChatGPT export: an export's conversations.json is a "
            "list of conversations, and this file is not"
        )
    items: list[object] = []
    position = _skip(text, position + 1)
    if text.startswith("]", position):
        return items
    while True:
        try:
            item, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as error:
            where = f"conversation {len(items) + 1}{_title_in(text[position:])}"
            if _at_end(error, text):
                raise ImportProblem(f"the file ends at {where}: it was cut short") from error
            raise ImportProblem(f"{where}: it is not valid JSON ({error})") from error
        items.append(item)
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif text.startswith("]", position):
            if text[position + 1 :].strip():
                raise ImportProblem("there is more after the list of conversations")
            return [well_formed_data(item) for item in items]
        else:
            where = f"conversation {len(items) + 1}"
            reason = "the file was cut short" if position >= len(text) else "a comma is missing"
            raise ImportProblem(
                f"the list ends badly after conversation {len(items)} (before {where}): {reason}"
            )


def _at_end(error: Exception, text: str) -> bool:
    """Did reading fail because the text ended (a file cut short)?"""
    if not isinstance(error, json.JSONDecodeError):
        return False
    return error.msg.startswith("Unterminated string") or error.pos >= len(text.rstrip())


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


_TITLE = re.compile(r'"(?:name|title)"\s*:\s*"((?:[^"\\]|\\.){1,200})"')


def _title_in(text: str) -> str:
    """The title near the start of a conversation's broken JSON, if one is to be seen."""
    found = _TITLE.search(text[:100_000])
    if found is None:
        return ""
    try:
        title = json.loads(f'"{found.group(1)}"')
    except ValueError:
        return ""
    return f" (“{' '.join(str(title).split())[:60]}”)" if str(title).strip() else ""


def plan_import(
    store: ConversationStore,
    raw: bytes,
    defaults: ChatSettings,
    step: Step = _nothing,
) -> ImportPlan:
    """Every conversation of the export, converted and compared with the store's; nothing
    is written. ImportProblem when any conversation cannot be read."""
    data = parse_export(raw)
    files: dict[str, tuple[Attachment, bytes]] = {}

    def attach(name: str, content: bytes) -> Attachment:
        try:
            attachment = inspect(name, content)
        except AttachmentError as error:
            raise ValueError(str(error)) from error
        files.setdefault(attachment.digest, (attachment, content))
        return attachment

    imported: Imported = convert(data, defaults, attach, step)
    plan = ImportPlan(imported.source, total=len(imported.conversations), files=files)
    seen: set[str] = set()
    deleted = {item.id for item in Trash(store).deleted()}
    for conversation in imported.conversations:
        if not conversation.every_message:
            plan.empty += 1
            continue
        if conversation.id in seen:  # the same conversation twice in one export
            plan.unchanged += 1
            continue
        seen.add(conversation.id)
        if conversation.id in deleted and not store.path_of(conversation.id).exists():
            plan.in_trash += 1
            continue
        _compare(store, conversation, plan)
    return plan


def _compare(store: ConversationStore, conversation: Conversation, plan: ImportPlan) -> None:
    if not store.path_of(conversation.id).exists():
        plan.new.append(conversation)
        return
    try:
        stored = store.read(conversation.id)
    except StoreError:  # unreadable (set aside into quarantine) or gone: import it anew
        plan.new.append(conversation)
        return
    here = stored.conversation
    here_ids = {message.id for message in here.every_message}
    export_ids = {message.id for message in conversation.every_message}
    fresh = [message for message in conversation.every_message if message.id not in here_ids]
    if not fresh or here.read_only:
        plan.unchanged += 1
    elif here_ids <= export_ids:  # only what was imported before: the export's is newer
        updated = conversation.updated_at
        conversation.apply(here.settings)
        conversation.updated_at = updated
        conversation.title, conversation.title_set_by_user = here.title, here.title_set_by_user
        conversation.created_at = here.created_at
        plan.grown.append((conversation, stored.key, len(fresh)))
    else:
        plan.branched.append((here, stored.key, _add_branch(here, conversation, fresh)))


def _add_branch(here: Conversation, export: Conversation, fresh: list[Message]) -> int:
    """The export's new messages, into ``here``'s branches (each after the message it
    follows in the export); how many. A message whose parent is not here is left out."""
    parents: dict[str, str | None] = {}
    previous: str | None = None
    for message in export.messages:
        parents[message.id] = previous
        previous = message.id
    for message in export.branches:
        parents[message.id] = message.parent
    known = {message.id for message in here.every_message}
    added = 0
    for message in sorted(fresh, key=lambda m: m.created_at):
        parent = parents.get(message.id)
        if parent is None or parent in known:
            message.parent = parent
            here.branches.append(message)
            known.add(message.id)
            added += 1
    if added:
        here.updated_at = max(here.updated_at, export.updated_at)
    return added


def write_import(store: ConversationStore, plan: ImportPlan, step: Step = _nothing) -> ImportResult:
    """Keep the plan's files, then write its conversations, each atomically; one that
    cannot be written is told in ``failed`` and the others still are."""
    result = ImportResult()
    attachments = AttachmentStore(store.root)
    try:
        for attachment, data in plan.files.values():
            attachments.keep(attachment, data)
    except AttachmentError as error:
        result.failed.append(str(error))
        return result
    writes = plan.writes
    for done, (conversation, key) in enumerate(writes, start=1):
        try:
            encoded = _encoded(conversation)
            store.save_encoded(conversation.id, encoded, key)
            result.written += 1
        except StoreError as error:
            result.failed.append(f"“{conversation.title}”: {error}")
        step(done, len(writes))
    store.list_summaries()  # the index, as the files now are
    return result


def _encoded(conversation: Conversation) -> bytes:
    data = encode(conversation.to_dict())
    if len(data) > CONVERSATION_LIMIT:
        raise StoreError(f"larger than {CONVERSATION_LIMIT // MB} MB")
    return data
