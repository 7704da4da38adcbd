"""Every key, from the bindings themselves: F1 shows this list, and the README's table
is this list (``python -m claude_tui.tui.keys`` prints it; a test keeps them equal).

A binding's ``tooltip`` says what it does; bindings that say the same thing share a row.
The few keys Textual itself provides (moving focus, the palette, lists) are named here.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import Sidebar

NAMES = {"pagedown": "PageDown", "pageup": "PageUp", "escape": "Escape", "enter": "Enter",
         "up": "Up", "down": "Down", "tab": "Tab"}


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    does: str


# Keys of Textual's own widgets and of the app class itself, in words.
TEXTUAL_KEYS = {
    "focus": KeyHelp("Tab / Shift+Tab", "move between the input and the sidebar"),
    "list": KeyHelp("Up / Down, Enter", "pick a conversation (in the sidebar)"),
    "palette": KeyHelp("Ctrl+P", "every action by name, and “Go to:” any conversation"),
}


def key_name(key: str) -> str:
    """``ctrl+pagedown`` → ``Ctrl+PageDown``."""
    return "+".join(NAMES.get(part, part.upper() if len(part) <= 3 and part[0] == "f"
                              else part.capitalize()) for part in key.split("+"))


def _shown(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    return " / ".join(key_name(key) for key in binding.key.split(","))


def _rows(bindings: list[BindingType]) -> list[KeyHelp]:
    rows: list[KeyHelp] = []
    for item in bindings:
        if not isinstance(item, Binding) or item.system:
            continue
        does = item.tooltip or item.description.lower()
        shown = _shown(item)
        if rows and rows[-1].does == does:  # one row for keys that say the same
            if shown != rows[-1].keys:
                rows[-1] = KeyHelp(f"{rows[-1].keys} / {shown}", does)
            continue
        rows.append(KeyHelp(shown, does))
    return rows


def every_key() -> list[KeyHelp]:
    """Every key, in the order a newcomer needs them."""
    from claude_tui.tui.app import ClaudeTUI  # (which shows this list)

    chat = _rows(ChatScreen.BINDINGS)
    navigation, rest = chat[:3], chat[3:]
    return [
        *_rows(PromptInput.BINDINGS), *navigation, TEXTUAL_KEYS["focus"],
        TEXTUAL_KEYS["list"], *_rows(Sidebar.BINDINGS), *rest, TEXTUAL_KEYS["palette"],
        *_rows(ClaudeTUI.BINDINGS),
    ]


def markdown_table() -> str:
    lines = ["| Key | Does |", "| --- | --- |"]
    lines += [f"| {row.keys} | {row.does} |" for row in every_key()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
