"""The user's keymap: the config file's ``[keys]`` table, checked against the bindings.

A name is a binding's id (``chat.new_conversation``) or, where no other binding has it,
the part after the dot (``new_conversation``); F1 and the README's table list them. Keys
are Textual's names (``ctrl+t``, ``alt+e``, ``f9``, ``question_mark`` or ``?``), several
joined by commas. What cannot be used is left out and said in words (``problems``): a
name no binding has, a key that does not exist, and a key that would do two things at
once, named with both actions; an action whose new key is taken keeps its own.

Two keys clash where both work at the same moment: in one place (the chat screen, the
input box, the messages, the sidebar) or in a place and those around it (the app's keys
work everywhere, the chat screen's in the input box and the messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

from claude_tui.tui.keys import every_key, key_name, user_names
from claude_tui.tui.patches import inherits_bindings, key_of_character

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
NAMED_KEYS = {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}
ALIASES = {"esc": "escape", "return": "enter", "pgup": "pageup", "pgdn": "pagedown"}


@dataclass(frozen=True)
class Keymap:
    """What the app sets (``App.set_keymap``: binding id → keys) and what it says."""

    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def normalized(key: str) -> str | None:
    """A key as Textual names it (``Ctrl+T`` → ``ctrl+t``, ``?`` → ``question_mark``,
    modifiers in Textual's order), None if it is no key."""
    *modifiers, name = key.strip().split("+")
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    if (
        not name
        or any(m not in MODIFIERS for m in modifiers)
        or len(set(modifiers)) < len(modifiers)
    ):
        return None
    if len(name) == 1:
        name = key_of_character(name.lower() if modifiers else name)
    else:
        name = ALIASES.get(name.lower(), name.lower())
        known = name in NAMED_KEYS or name in REPLACED_KEYS or key_to_character(name)
        if not known or not name.isidentifier():
            return None
    return "+".join([*sorted(modifiers), name])


@dataclass(frozen=True)
class _Place:
    name: str
    owner: type[DOMNode]
    within: str | None  # the place around it, whose keys work with its own


def _places() -> list[_Place]:
    from claude_tui.tui.app import ClaudeTUI
    from claude_tui.tui.screens.chat import ChatScreen
    from claude_tui.tui.widgets.attachment_chips import AttachmentChip
    from claude_tui.tui.widgets.message_log import MessageLog
    from claude_tui.tui.widgets.prompt_input import PromptInput
    from claude_tui.tui.widgets.sidebar import ConversationList, Sidebar
    from claude_tui.tui.widgets.thinking import ThinkingView

    return [
        _Place("app", ClaudeTUI, None),
        _Place("chat", ChatScreen, "app"),
        _Place("input", PromptInput, "chat"),
        _Place("files", AttachmentChip, "chat"),
        _Place("sidebar", Sidebar, "chat"),
        _Place("list", ConversationList, "sidebar"),
        _Place("messages", MessageLog, "chat"),
        _Place("thinking", ThinkingView, "messages"),
    ]


def resolve(wanted: Mapping[str, str]) -> Keymap:
    """The keymap of the user's [keys] (name → keys), and what was left out and why."""
    if not wanted:
        return Keymap()
    rows = every_key()
    does = {binding_id: row.does for row in rows for binding_id in row.ids}
    names = user_names(set(does))
    ids = {name: binding_id for binding_id, name in names.items()} | {i: i for i in does}
    problems: list[str] = []
    keymap: dict[str, str] = {}
    for name, keys in wanted.items():
        binding_id = ids.get(name)
        if binding_id is None:
            problems.append(_unknown(name, names))
            continue
        chosen = [(key, normalized(key)) for key in keys.split(",")]
        bad = [key.strip() for key, key_id in chosen if key_id is None]
        if bad:
            problems.append(f"{name} = “{keys}”: {', '.join(bad)} is no key name.")
            continue
        keymap[binding_id] = ",".join(dict.fromkeys(k for _, k in chosen if k))
    kept = _without_clashes(keymap, problems, names, does)
    return Keymap(kept, problems)


def _unknown(name: str, names: dict[str, str]) -> str:
    both = sorted(binding_id for binding_id in names if binding_id.endswith(f".{name}"))
    if len(both) > 1:
        return f"{name} is {' or '.join(both)}: write which."
    return f"{name} is no key's name (F1 lists them)."


def _without_clashes(
    keymap: dict[str, str], problems: list[str], names: dict[str, str], does: dict[str, str]
) -> dict[str, str]:
    """``keymap`` without the keys that would clash; one sentence for each such key."""
    keymap = dict(keymap)
    while clashes := _clashes(keymap):
        on_key: dict[str, list[Binding]] = {}
        for key, one, other in clashes:
            both = on_key.setdefault(key, [])
            both += [b for b in (one, other) if b not in both]
        problems += [_clash(key, both, keymap, names, does) for key, both in on_key.items()]
        for both in on_key.values():
            for binding in both:
                keymap.pop(binding.id or "", None)
    return keymap


def _clashes(keymap: Mapping[str, str]) -> list[tuple[str, Binding, Binding]]:
    """Each key two actions would have at once, one of them remapped."""
    places = _places()
    keys = {place.name: _keys_of(place.owner, keymap) for place in places}
    around = {place.name: place.within for place in places}
    found: list[tuple[str, Binding, Binding]] = []
    for place in places:
        outer: str | None = place.name
        together: dict[str, list[Binding]] = {}
        while outer is not None:  # the place, then those around it
            for key, bindings in keys[outer].items():
                together.setdefault(key, []).extend(bindings)
            outer = around[outer]
        for key, bindings in together.items():
            found += [
                (key, one, other)
                for one in bindings
                if one.id in keymap
                for other in bindings
                if (other.id, other.action) != (one.id, one.action)
            ]
    return found


def _keys_of(owner: type[DOMNode], keymap: Mapping[str, str]) -> dict[str, list[Binding]]:
    """A place's bindings by key (with those it inherits, as Textual merges them), as
    ``keymap`` remaps them; each binding as declared (its ``key``: all its keys)."""
    keys: dict[str, list[Binding]] = {}
    for binding in Binding.make_bindings(_declared(owner)):
        remapped = keymap.get(binding.id or "")
        for key in (remapped or binding.key).split(","):
            keys.setdefault(key, []).append(binding)
    return keys


def _declared(owner: type[DOMNode]) -> list[Binding]:
    """The bindings a place has, its own and those it inherits (Textual's order: a key
    of its own replaces the same key inherited), each with all its keys."""
    declared: list[Binding] = []
    for base in reversed(owner.__mro__):
        if issubclass(base, DOMNode):
            if not inherits_bindings(base):
                declared.clear()
            own = [b for b in base.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
            taken = {key.strip() for b in own for key in b.key.split(",")}
            declared = [b for b in declared if not {k.strip() for k in b.key.split(",")} & taken]
            declared += own
    return declared


def _clash(
    key: str,
    bindings: list[Binding],
    keymap: Mapping[str, str],
    names: dict[str, str],
    does: dict[str, str],
) -> str:
    def named(binding: Binding) -> str:
        what = does.get(binding.id or "") or binding.description.lower() or binding.action
        what = what.split(" (")[0].split(";")[0]
        name = names.get(binding.id or "")
        return f"“{what}” ({name})" if name else f"“{what}”"

    def own_keys(binding: Binding) -> str:
        return " / ".join(key_name(k.strip()) for k in binding.key.split(","))

    actions = [named(b) for b in bindings]
    both = f"{', '.join(actions[:-1])} and {actions[-1]}"
    kept = [f"{named(b)} stays on {own_keys(b)}" for b in bindings if b.id in keymap]
    return (
        f"{key_name(key)} would be both {both}: {' and '.join(kept)}. "
        "Give one of them another key in [keys]."
    )
