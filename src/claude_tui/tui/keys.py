"""The chat keys, and every key from the bindings themselves: F1 shows this list, and
the README's table is this list (``python -m claude_tui.tui.keys`` prints it; a test
keeps them equal).

A binding's ``tooltip`` says what it does; bindings that say the same thing share a row.
The few keys Textual itself provides (moving focus, the palette, lists) are named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from textual.binding import Binding, BindingType
from textual.keys import REPLACED_KEYS, key_to_character

from claude_tui.tui.widgets.attachment_chips import AttachmentChip
from claude_tui.tui.widgets.message_log import MessageLog
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import Sidebar
from claude_tui.tui.widgets.thinking import ThinkingView

NAMES = {
    "pagedown": "PageDown",
    "pageup": "PageUp",
    "escape": "Escape",
    "enter": "Enter",
    "up": "Up",
    "down": "Down",
    "tab": "Tab",
}


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    does: str
    ids: tuple[str, ...] = ()  # the bindings' ids
    names: str = ""  # what a user writes in [keys] to remap them ("" for none)


# Keys the input box reads in order with the typed characters (``PromptInput.on_key``), not
# through the bindings: they cannot be remapped.
FIXED = {"prompt.submit", "prompt.newline"}


# Actions that change or act on the open conversation: off until the screen is drawn.
CHAT_ACTIONS = {
    "new_conversation",
    "next_conversation",
    "previous_conversation",
    "toggle_sidebar",
    "scroll_log",
    "stop",
    "retry",
    "rename",
    "delete",
    "search",
    "filter",
    # the meter (issue 13)
    "continue_reply",
    "reply_details",
    "settings",
    "pick_model",
    "toggle_thinking",
    # the message cursor and its actions (issue 14)
    "focus_log",
    "cancel_edit",
    # attaching files (issue 15)
    "attach_file",
}


def chat_binding(
    keys: str,
    action: str,
    description: str,
    tooltip: str,
    *,
    show: bool = True,
    priority: bool = False,
    name: str | None = None,
) -> Binding:
    """A chat key; ``tooltip`` is what F1 and the README say it does; its id is
    ``chat.`` and ``name`` (else the action's), which a user's [keys] remaps."""
    name = name or action.split("(")[0]
    return Binding(
        keys, action, description, show=show, priority=priority, tooltip=tooltip, id=f"chat.{name}"
    )


# The chat screen's keys (ChatScreen.BINDINGS), each with an id users can remap.
CHAT_BINDINGS: list[BindingType] = [
    chat_binding("ctrl+n", "new_conversation", "New", "new conversation"),
    chat_binding(
        "ctrl+pagedown,alt+down",
        "next_conversation",
        "Next",
        "next conversation",
        show=False,
        priority=True,
    ),
    chat_binding(
        "ctrl+pageup,alt+up",
        "previous_conversation",
        "Previous",
        "previous conversation",
        show=False,
        priority=True,
    ),
    chat_binding("ctrl+b", "toggle_sidebar", "Sidebar", "hide / show the sidebar"),
    chat_binding("ctrl+f", "search", "Search", "search every message"),
    chat_binding("ctrl+g", "filter", "Filter", "filter the list by title as you type", show=False),
    chat_binding("f2", "rename", "Rename", "rename the open conversation", show=False),
    chat_binding(
        "f8", "delete", "Delete", "delete the open conversation (to the trash)", show=False
    ),
    chat_binding(
        "f3",
        "settings",
        "Settings",
        "settings: model, system prompt, thinking…",
        show=False,
    ),
    # Priority: the input box would take Alt+letter as the letter.
    chat_binding(
        "alt+p",
        "pick_model",
        "Model",
        "choose the model (also /model)",
        show=False,
        priority=True,
    ),
    chat_binding(
        "alt+t",
        "toggle_thinking",
        "Thinking",
        "thinking on / off (adaptive ⇄ the lowest)",
        show=False,
        priority=True,
    ),
    # Escape ends an edit first (it is offered only while one is under way), else stops.
    chat_binding("escape", "cancel_edit", "Cancel edit", "cancel the edit of a message"),
    chat_binding("escape", "stop", "Stop", "stop a streaming reply (what arrived is kept)"),
    chat_binding(
        "ctrl+r",
        "retry",
        "Retry",
        "retry after a failure or a stop (your earlier messages: Up in an empty input)",
    ),
    # The meter (issue 13): Continue a reply cut at its limit, a reply's details.
    chat_binding(
        "ctrl+o",
        "continue_reply",
        "Continue",
        "continue a reply cut short (at its limit, or stopped)",
    ),
    chat_binding(
        "f4",
        "reply_details",
        "Details",
        "a reply's details: tokens, cost, timing, what was asked, its id",
        show=False,
    ),
    chat_binding(
        "pageup",
        "scroll_log(-1)",
        "Scroll up",
        "scroll the messages",
        show=False,
        priority=True,
        name="scroll_up",
    ),
    chat_binding(
        "pagedown",
        "scroll_log(1)",
        "Scroll down",
        "scroll the messages",
        show=False,
        priority=True,
        name="scroll_down",
    ),
    # The message cursor (issue 14): its keys are the log's (MessageLog.BINDINGS).
    chat_binding(
        "ctrl+up",
        "focus_log",
        "Messages",
        "focus the last message (then Up/Down, Escape returns)",
    ),
    # Attaching files (issue 15): also @path in the input box and a pasted path.
    chat_binding(
        "ctrl+t",
        "attach_file",
        "Attach",
        "attach a file (a picker); also @path in the message, or paste a file's path",
        show=False,
    ),
]


# Keys of Textual's own widgets, of the app class itself and of the input box's slash
# commands (tui/slash.py), in words.
TEXTUAL_KEYS = {
    "focus": KeyHelp("Tab / Shift+Tab", "move between the input, the sidebar and the messages"),
    "list": KeyHelp("Up / Down, Enter", "pick a conversation (in the sidebar)"),
    "palette": KeyHelp("Ctrl+P", "every action by name, and “Go to:” any conversation"),
    "slash": KeyHelp(
        "/ …",
        "commands: /model, /system, /effort, /thinking, /web",
    ),
    "mention": KeyHelp(
        "@ …",
        "attach a file by its path (Tab or Enter takes a choice shown)",
    ),
}


def key_name(key: str) -> str:
    """``ctrl+pagedown`` → ``Ctrl+PageDown``, ``ctrl+question_mark`` → ``Ctrl+?``; a key
    without modifiers as it is typed (``y``, ``?``)."""
    *modifiers, last = key.split("+")
    if not modifiers and (character := _character(last)) is not None:
        return character
    return "+".join(_part_name(part) for part in key.split("+"))


def _part_name(part: str) -> str:
    if part in NAMES:
        return NAMES[part]
    if len(part) <= 3 and part[0] == "f":
        return part.upper()
    character = _character(part)
    return character.upper() if character is not None else part.capitalize()


def _character(part: str) -> str | None:
    """The character a key name stands for (``question_mark``: ``?``), if it shows."""
    character = key_to_character(REPLACED_KEYS.get(part, part))
    shows = character is not None and character.isprintable() and not character.isspace()
    return character if shows else None


def _shown(binding: Binding, keymap: Mapping[str, str]) -> str:
    keys = keymap.get(binding.id or "")
    if keys is None and binding.key_display:
        return binding.key_display
    return " / ".join(key_name(key) for key in (keys or binding.key).split(","))


def _rows(bindings: list[BindingType], keymap: Mapping[str, str]) -> list[KeyHelp]:
    rows: list[KeyHelp] = []
    for item in bindings:
        if not isinstance(item, Binding) or item.system:
            continue
        does = item.tooltip or item.description.lower()
        shown = _shown(item, keymap)
        ids = (item.id,) if item.id and item.id not in FIXED else ()
        if rows and rows[-1].does == does:  # one row for keys that say the same
            last = rows[-1]
            keys = last.keys if shown == last.keys else f"{last.keys} / {shown}"
            rows[-1] = KeyHelp(keys, does, last.ids + ids)
            continue
        rows.append(KeyHelp(shown, does, ids))
    return rows


def user_names(ids: set[str]) -> dict[str, str]:
    """What a user writes in [keys] for each id: the name after the dot where no other id
    has it (``new_conversation``), else the whole id (``chat.delete``, ``log.delete``)."""
    short = [binding_id.partition(".")[2] for binding_id in ids]
    return {
        binding_id: name if short.count(name) == 1 else binding_id
        for binding_id, name in zip(ids, short, strict=True)
    }


def every_key(keymap: Mapping[str, str] | None = None) -> list[KeyHelp]:
    """Every key, in the order a newcomer needs them; with ``keymap`` (binding id → keys,
    the user's [keys]) as remapped."""
    from claude_tui.tui.app import ClaudeTUI  # (which shows this list)

    keymap = keymap or {}
    chat = _rows(CHAT_BINDINGS, keymap)
    navigation, rest = chat[:3], chat[3:]
    rows = [
        *_rows(PromptInput.BINDINGS, keymap),
        TEXTUAL_KEYS["slash"],
        *navigation,
        TEXTUAL_KEYS["focus"],
        TEXTUAL_KEYS["list"],
        *_rows(Sidebar.BINDINGS, keymap),
        *_rows(ThinkingView.BINDINGS, keymap),
        *rest,
        TEXTUAL_KEYS["mention"],
        *_rows([AttachmentChip.REMOVE], keymap),
        *_rows(MessageLog.BINDINGS, keymap),
        TEXTUAL_KEYS["palette"],
        *_rows(ClaudeTUI.BINDINGS, keymap),
    ]
    names = user_names({binding_id for row in rows for binding_id in row.ids})
    return [replace(row, names=_names(row.ids, names)) for row in rows]


def _names(ids: tuple[str, ...], names: dict[str, str]) -> str:
    """A row's names: ``open_1 … open_9`` for the sidebar's nine."""
    written = [names[binding_id] for binding_id in ids]
    return f"{written[0]} … {written[-1]}" if len(written) > 3 else ", ".join(written)


def markdown_table() -> str:
    lines = ["| Key | Does | Name in [keys] |", "| --- | --- | --- |"]
    lines += [f"| {row.keys} | {row.does} | {_code(row.names)} |" for row in every_key()]
    return "\n".join(lines) + "\n"


def _code(names: str) -> str:
    return ", ".join(f"`{name}`" for name in names.split(", ") if name)


if __name__ == "__main__":
    print(markdown_table(), end="")
