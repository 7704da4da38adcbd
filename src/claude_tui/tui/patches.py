"""Every use of a private Textual API, in one place.

Textual's private names (``_``-prefixed modules, attributes and methods, and conventions
such as the ``offset`` meta of a drawn cell) may change in any release without notice.
Each function here wraps one such use and says why it is needed and what breaks without
it; ``tests/test_patches.py`` checks that what each one relies on still holds, and that the
problem it works around is still there.

Moving to a new Textual version:

1. Pin it (``textual==X.Y.Z`` in ``pyproject.toml``) and reinstall.
2. Run ``pytest tests/test_patches.py``. A failing test names the patch to look at: what
   it relies on has changed, or Textual has fixed the problem and the patch can go. (It
   also fails until ``CHECKED_WITH`` names the new version, and whenever a widget uses a
   private Textual name outside this module.)
3. Read each patch below against the new Textual source (its docstring names what it
   touches), fix or delete it, set ``CHECKED_WITH`` to the new version, and run the whole
   suite, snapshot tests included.

It lives among the widgets because widgets may import only the domain and each other;
the app and the screens may import it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import rich
from rich.segment import Segments
from rich.style import Style as RichStyle
from textual._styles_cache import StylesCache
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import WrappedDocument

CHECKED_WITH = "8.2.8"  # the Textual version every patch here was last read against

AppType = TypeVar("AppType", bound=type[App[Any]])
TextAreaType = TypeVar("TextAreaType", bound=type[TextArea])


# -- drawing --------------------------------------------------------------------------


def release_line_caches() -> None:
    """Let go of the drawn lines of widgets that are gone.

    Textual memoises ``StylesCache.get_inner_outer`` with an ``lru_cache`` on the method,
    so its 1,024 entries keep that many widgets' caches of drawn lines alive after the
    widgets are removed: without this, switching through conversations grew by about
    0.4 MB a switch (``python -m benchmarks``, figure 6). The memo is only of two colours.
    """
    memo = getattr(StylesCache, "get_inner_outer", None)
    if memo is not None and hasattr(memo, "cache_clear"):
        memo.cache_clear()


def offset_style(x: int, y: int) -> RichStyle:
    """The style that tells Textual which character of a widget's text a cell shows.

    Textual's compositor reads it from the ``offset`` meta of each cell to turn a mouse
    selection into text (``Strip.apply_offsets`` adds it). A widget that draws its own
    rows and adds it in one step with its other styles (MarkdownText keeps thousands of
    rows) needs the same meta; without it, dragging the mouse selects nothing.
    """
    return RichStyle.from_meta({"offset": (x, y)})


# -- the input box (TextArea) ---------------------------------------------------------


class _CountedRows(WrappedDocument):
    """Textual's wrapped document with its height read off in one step."""

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)  # one entry per row, kept by wrap/wrap_range


def count_rows_in_one_step(document: WrappedDocument) -> WrappedDocument:
    """``document``, its height counted in one step from now on.

    TextArea asks for the height of its wrapped document on every row it draws, and
    Textual adds it up over every line of the text each time: with a big paste in the box,
    each key cost a quarter of a second and more. Reads ``_offset_to_line_info`` (one entry
    per row); changes the class of the object TextArea made, as it keeps a reference to it.
    """
    document.__class__ = _CountedRows
    return document


def rewrap_only_when_width_changes(cls: TextAreaType) -> TextAreaType:
    """Class decorator: a TextArea that wraps its text again only when the wrap width or
    tab width changed (edits are re-wrapped as they are made).

    Textual's ``_rewrap_and_refresh_virtual_size`` re-wraps all the text whenever the
    height changes or a scroll bar comes or goes: with a 1 MB paste in the box, seconds
    each time. Otherwise it does what Textual does after wrapping (``_line_cache.clear``,
    ``_refresh_size``); it reads the wrapped document's ``_width`` and ``_tab_width``.
    """
    rewrap: Callable[[TextArea], None] = cls._rewrap_and_refresh_virtual_size

    def rewrap_if_needed(self: TextArea) -> None:
        rows = self.wrapped_document
        if rows._width != self.wrap_width or rows._tab_width != self.indent_width:
            rewrap(self)
        else:
            self._line_cache.clear()
            self._refresh_size()

    cls._rewrap_and_refresh_virtual_size = rewrap_if_needed  # type: ignore[method-assign]
    return cls


# -- the app --------------------------------------------------------------------------


def report_crash_without_locals(cls: AppType) -> AppType:
    """Class decorator: an App whose crash report leaves out the values of local variables.

    Textual's ``App._fatal_error`` prints a traceback with ``show_locals=True`` to the
    terminal when the app dies of an unhandled exception; a local variable could be the
    API key. This is the same report without them: it writes to ``_exit_renderables`` and
    calls ``_close_messages_no_wait`` as Textual's does.
    """

    def fatal_error(self: App[Any]) -> None:
        """Textual's crash report, without the values of local variables."""
        from rich.traceback import Traceback  # (pygments and more: not on the way to a start)

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    cls._fatal_error = fatal_error  # type: ignore[method-assign]
    return cls


# -- keys -------------------------------------------------------------------------------


def key_of_character(character: str) -> str:
    """Textual's name of the key that types ``character`` (``?``: ``question_mark``), the
    name ``App.set_keymap`` matches: a user's [keys] may give a key as its character.
    Textual's ``textual.keys._character_to_key`` (private) is the one rule for it."""
    from textual.keys import _character_to_key

    return _character_to_key(character)


def inherits_bindings(cls: type[DOMNode]) -> bool:
    """Whether ``cls`` keeps the bindings of the classes it is made from (Textual's
    ``inherit_bindings=False`` class argument sets ``_inherit_bindings``): what keys a place
    has, for finding keys a user's [keys] would give two actions."""
    inherits: bool = cls._inherit_bindings
    return inherits


def keymap_of(app: App[Any]) -> Mapping[str, str]:
    """The keymap ``App.set_keymap`` was given (binding id → keys), which Textual keeps in
    the private ``_keymap``: the message menu shows a remapped key as the footer does."""
    keymap: Mapping[str, str] = app._keymap
    return keymap


# -- reading the screen ------------------------------------------------------------------


def screen_strips(screen: Screen[Any]) -> list[Strip]:
    """The screen as drawn, a strip of styled segments a row, from its compositor.

    Textual gives a screen out only as an SVG (``App.export_screenshot``), without the
    styles and links the segments carry; the tests read the screen as a user sees it
    through this.
    """
    strips: list[Strip] = screen._compositor.render_strips()
    return strips
