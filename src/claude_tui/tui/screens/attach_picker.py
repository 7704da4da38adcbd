"""The file picker that attaches a file (Ctrl+T, or Ctrl+P → "Attach a file…"):
textual-fspicker's ``FileOpen``, made to follow the app's rules. Imported only when the
picker opens.

- Typing goes to its path box whatever has the focus (a path with a folder in it opens
  that folder), as a user expects of a picker that filters as you type.
- A name is never drawn as control codes or markup: the library draws file names raw and
  the folder's path as markup. So a file or folder whose name holds a control code is not
  listed (``@path`` attaches it, its name drawn as symbols), and the folder's path is drawn
  as text.
"""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.content import Content
from textual.widgets import Input
from textual_fspicker import FileOpen
from textual_fspicker.parts import CurrentDirectory, DirectoryNavigation

from claude_tui.domain.text import printable


def _drawable(path: Path) -> bool:
    return printable(path.name) == path.name


class AttachPicker(FileOpen):
    def __init__(self, location: Path) -> None:
        super().__init__(location, title="Attach a file")

    def on_mount(self) -> None:
        listing = self.query_one(DirectoryNavigation)
        hides = listing.hide
        listing.hide = lambda path: hides(path) or not _drawable(path)  # type: ignore[method-assign]
        listing.show_hidden = not listing.show_hidden  # lists it again, as the rule says
        listing.show_hidden = not listing.show_hidden
        self._show_location()

    @on(DirectoryNavigation.Changed)
    def _location_changed(self) -> None:
        self.call_after_refresh(self._show_location)  # after the library's own drawing

    def _show_location(self) -> None:
        header = self.query_one(CurrentDirectory)
        shown = printable(str(self.query_one(DirectoryNavigation).location))
        width = header.size.width
        if width and len(shown) >= width:  # its end, as the library shows it
            shown = "…" + shown[len(shown) - width + 2 :]
        header.update(Content(shown))

    def on_key(self, event: events.Key) -> None:
        """A printable key typed in the list of files goes to the path box."""
        path_box = self.query_one(Input)
        if event.is_printable and event.character and not path_box.has_focus:
            event.stop()
            event.prevent_default()
            path_box.focus()
            path_box.insert_text_at_cursor(event.character)
