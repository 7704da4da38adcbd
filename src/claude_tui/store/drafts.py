"""Unsent text and the files attached to it, kept per conversation across restarts, in
``drafts.json`` (a file by its entry in ``attachments/``, as a message names it).

The key is the conversation id; the empty key holds the draft of a new conversation
that has no message yet (and so no file).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from claude_tui.domain.attachments import Attachment
from claude_tui.domain.values import SchemaError
from claude_tui.store.files import DIR_MODE, INDEX_LIMIT, read_json, utf8, write_atomic

DRAFTS_VERSION = 1


class DraftStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "drafts.json"

    def load(self) -> dict[str, str]:
        """The saved drafts' text (see :meth:`read`)."""
        return self.read()[0]

    def read(self) -> tuple[dict[str, str], dict[str, list[Attachment]]]:
        """The saved drafts: their text, and the files attached to them, by key; a missing
        file means there are none. Raises SchemaError for a file that cannot be read (the
        caller sets it aside before the next save): not JSON, not a regular file, too big.
        A file entry that cannot be read is left out (its file stays in ``attachments/``)."""
        try:
            data = read_json(self.path, INDEX_LIMIT)
        except OSError:
            return {}, {}
        try:
            drafts = data["drafts"] if data.get("version") == DRAFTS_VERSION else {}
            files = data.get("files", {}) if data.get("version") == DRAFTS_VERSION else {}
        except (KeyError, TypeError, AttributeError) as error:
            raise SchemaError("not a drafts file") from error
        if not isinstance(drafts, dict) or not isinstance(files, dict):
            raise SchemaError("not a drafts file")
        texts = {
            key: text
            for key, text in drafts.items()
            if isinstance(key, str) and isinstance(text, str) and text
        }
        attached = {
            key: kept
            for key, entries in files.items()
            if isinstance(key, str) and isinstance(entries, list) and (kept := _files(entries))
        }
        return texts, attached

    def save(
        self, drafts: dict[str, str], files: dict[str, list[Attachment]] | None = None
    ) -> None:
        """Write every non-empty draft, and the files attached to each; raises OSError if
        the disk refuses."""
        data: dict[str, object] = {
            "version": DRAFTS_VERSION,
            "drafts": {key: text for key, text in drafts.items() if text},
        }
        if attached := {key: kept for key, kept in (files or {}).items() if kept}:
            data["files"] = {key: [a.to_dict() for a in kept] for key, kept in attached.items()}
        self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_atomic(self.path, utf8(json.dumps(data, ensure_ascii=False, indent=1) + "\n"))


def _files(entries: list[object]) -> list[Attachment]:
    kept = []
    for entry in entries:
        if isinstance(entry, dict):
            with contextlib.suppress(SchemaError):
                kept.append(Attachment.from_dict(entry))
    return kept
