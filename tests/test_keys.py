"""One list of keys: F1 and the README's table are both made from the bindings."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.keys import every_key, markdown_table
from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import Sidebar

README = Path(__file__).parent.parent / "README.md"


def test_the_readme_lists_the_keys_the_bindings_give() -> None:
    """Regenerate with ``python -m claude_tui.tui.keys`` after changing a binding."""
    assert markdown_table() in README.read_text()


def test_every_key_has_an_id_and_says_what_it_does() -> None:
    for owner in (ClaudeTUI, ChatScreen, PromptInput, Sidebar):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.id is not None and binding.id.startswith("textual"):
                continue
            assert binding.id, (owner.__name__, binding.key)
            assert binding.tooltip, (owner.__name__, binding.key)


def test_the_chat_keys_are_the_screens_not_the_apps() -> None:
    """A modal screen hides them without extra code: only quit and help are the app's."""
    app_keys = {binding.action for binding in ClaudeTUI.BINDINGS if isinstance(binding, Binding)}
    assert app_keys == {"help", "quit"}
    chat_actions = {b.action for b in ChatScreen.BINDINGS if isinstance(b, Binding)}
    assert {"new_conversation", "stop", "retry", "rename", "delete"} <= chat_actions
    listed = {row.keys for row in every_key()}
    assert {"Ctrl+N", "Escape", "Ctrl+Q", "F1", "1 … 9"} <= listed
