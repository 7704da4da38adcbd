"""The file picker that attaches a file (Ctrl+T, or Ctrl+P → "Attach a file…"):
textual-fspicker's ``FileOpen``, where typing goes to its path box whatever has the focus
(a path with a folder in it opens that folder; Tab completes), as a user expects of a
picker that filters as you type. Imported only when the picker opens."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input
from textual_fspicker import FileOpen


class AttachPicker(FileOpen):
    def __init__(self, location: Path) -> None:
        super().__init__(location, title="Attach a file")

    def on_key(self, event: events.Key) -> None:
        """A printable key typed in the list of files goes to the path box."""
        path_box = self.query_one(Input)
        if event.is_printable and event.character and not path_box.has_focus:
            event.stop()
            event.prevent_default()
            path_box.focus()
            path_box.insert_text_at_cursor(event.character)
