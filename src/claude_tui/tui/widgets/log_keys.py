"""The message log's keys (``MessageLog.BINDINGS``): moving the cursor, and what can be
done to the message it is on (``ACTIONS``: the log's check_action says which apply)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from claude_tui.tui.widgets.message_marks import CLOSE, OPEN

BRANCHES = Binding.Group("Branch")
BRANCH_HELP = f"step between the message's branches ({OPEN} 2/3 {CLOSE} by its title)"


def _key(
    keys: str,
    action: str,
    description: str,
    tooltip: str,
    *,
    show: bool = True,
    key_display: str | None = None,
    group: Binding.Group | None = None,
    name: str | None = None,
) -> Binding:
    """A key of the log's; ``tooltip`` is what F1 and the README say it does; its id is
    ``log.`` and ``name`` (else the action's), which a user's [keys] remaps."""
    name = name or action.split("(")[0]
    return Binding(
        keys,
        action,
        description,
        show=show,
        key_display=key_display,
        tooltip=tooltip,
        id=f"log.{name}",
        group=group,
    )


LOG_BINDINGS: list[BindingType] = [
    _key(
        "up,k",
        "move(-1)",
        "Up",
        "move between messages",
        show=False,
        key_display="Up / k",
        name="move_up",
    ),
    _key(
        "down,j",
        "move(1)",
        "Down",
        "move between messages",
        show=False,
        key_display="Down / j",
        name="move_down",
    ),
    _key("home", "first", "First", "the first / the last message", show=False),
    _key("end", "last", "Last", "the first / the last message", show=False),
    _key(
        "left_square_bracket",
        "user(-1)",
        "Yours",
        "your previous / next message",
        show=False,
        key_display="[",
        name="previous_yours",
    ),
    _key(
        "right_square_bracket",
        "user(1)",
        "Yours",
        "your previous / next message",
        show=False,
        key_display="]",
        name="next_yours",
    ),
    _key("escape", "leave", "Back", "back to the input box (from the messages)"),
    _key("y", "copy", "Copy", "copy the message (as Markdown)", key_display="y"),
    _key(
        "c",
        "copy_code",
        "Code",
        "copy a code block: c, then the number shown on the block",
        key_display="c",
    ),
    _key(
        "e",
        "edit",
        "Edit",
        "edit your message (what followed is kept as a branch)",
        key_display="e",
    ),
    _key("r", "regenerate", "Again", "ask for the reply again (a new branch)", key_display="r"),
    _key("d", "delete", "Delete", "delete the message", key_display="d"),
    _key("u", "undo", "Undo", "undo the last change to the messages", key_display="u"),
    _key(
        "left",
        "branch_previous",
        "Previous branch",
        BRANCH_HELP,
        group=BRANCHES,
    ),
    _key("right", "branch_next", "Next branch", BRANCH_HELP, group=BRANCHES),
    _key("enter", "menu", "Actions", "a menu of what can be done to the message"),
    _key("i", "details", "Details", "the message's details", show=False, key_display="i"),
    _key(
        "o",
        "open_file",
        "Open file",
        "open the message's attached files in the system's viewer",
        key_display="o",
    ),
]

# The keys that act on the message (check_action decides which apply to it).
ACTIONS = {
    "copy",
    "copy_code",
    "edit",
    "regenerate",
    "delete",
    "undo",
    "branch_previous",
    "branch_next",
    "menu",
    "details",
    "open_file",
}
