"""Every text on the screen reads at 4.5:1 or more (WCAG AA), in every built-in theme.

The screen is drawn by the app as it is (its stylesheet, its theme variables, the Markdown
renderer's styles) and each run of text is measured in the colours it is drawn in: a style
changed back to one that does not read fails here, naming the theme, the text and its
colours.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES
from textual.widgets._toggle_button import ToggleButton

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock, ThinkingBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.details import ReplyDetails
from claude_tui.tui.screens.help import HelpScreen
from claude_tui.tui.screens.settings import SettingsScreen
from claude_tui.tui.widgets.thinking import ThinkingView
from tests.contrast import Pair, text_pairs
from tests.ui import running, screen_strips, seen, wait_for_screen, wait_until

# The terminal's own colours (ansi-dark, ansi-light) are the terminal's to choose.
THEMES = sorted(name for name, theme in BUILTIN_THEMES.items() if not name.startswith("ansi"))
AA = 4.5

REPLY = """\
# Counting lines

## In Python

### With a generator

Use a **context manager** and `sum()`, as [the docs](https://docs.python.org/3/) say:

```python
def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:  # closed on errors too
        return sum(1 for _ in handle)
```

> A quote, with `inline code` in it.

| Way | Speed |
| --- | ---: |
| `wc -l` | fast |

- `Path.read_text()` for small files
- https://example.com/a-bare-link
"""


def conversation_to_read(data_dir: Path) -> Conversation:
    """A reply of every kind of Markdown, with its thinking and meter, then a failed one."""
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=8192)
    conversation.append(Message.user("How do I count the lines of a file?"))
    conversation.append(
        Message(
            role="assistant",
            content=[ThinkingBlock("The user wants a count.", signature="s"), TextBlock(REPLY)],
            model="claude-sonnet-5-5",
            status=TurnStatus.COMPLETE,
            stop_reason="end_turn",
            response_id="msg_contrast",
            usage=Usage(input_tokens=1234, output_tokens=187, cache_read_input_tokens=2048),
            first_token_seconds=1.2,
            thinking_seconds=2.0,
            duration_seconds=4.0,
        )
    )
    conversation.append(Message.user("And in the shell?"))
    conversation.append(
        Message(
            role="assistant",
            content=[TextBlock("Use `wc -l`")],
            model="claude-sonnet-5-5",
            status=TurnStatus.FAILED,
            error=ErrorInfo(
                kind="interrupted",
                title="The connection broke off mid-reply.",
                detail="peer closed connection",
                hint="The text that arrived is kept.",
            ),
        )
    )
    ConversationStore(data_dir).save(conversation)
    return conversation


async def unreadable(pilot: Pilot[Any], app: ClaudeTUI, inside: str | None) -> list[str]:
    """What reads under 4.5:1, theme by theme, as the screen is now (with ``inside``, in
    the widget it selects only: a dialog, over the screen it fades)."""
    found: list[str] = []
    for name in THEMES:
        app.theme = name
        for _ in range(3):  # (the stylesheet is applied, then the widgets draw again)
            await pilot.pause()
        poor: dict[tuple[str, str], Pair] = {}
        region = app.screen.query_one(inside).region if inside else None
        # (A check box's X is its state, not text: faint when off, by design; a control
        # that is disabled is faint too, as WCAG allows.)
        boxes = [
            Region(box.content_region.x, box.content_region.y, 3, 1)
            for box in app.screen.query(ToggleButton)
        ]
        disabled = [widget.region for widget in app.screen.query("*") if widget.disabled]
        for pair in text_pairs(screen_strips(app), region, leave_out=boxes + disabled):
            if pair.ratio < AA:
                poor.setdefault((pair.foreground, pair.background), pair)
        found += [f"{name}: {pair}" for pair in poor.values()]
    return found


async def notices(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    app.notify("Saved to notes.md.", title="Export")
    app.notify("The model list is a day old.", title="Models", severity="warning")
    app.notify("Could not write notes.md.", title="Export", severity="error")
    await wait_until(pilot, lambda: "Could not write notes.md." in seen(app))


async def thinking_opened(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    await pilot.click(ThinkingView)
    await wait_until(pilot, lambda: "The user wants a count." in seen(app))


async def cursor_on_a_reply(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    await pilot.press("ctrl+up", "up", "up")
    await wait_until(pilot, lambda: "[1]" in seen(app), what="the code block's number")


def pressing(key: str, screen: type) -> Callable[[Pilot[Any], ClaudeTUI], Awaitable[None]]:
    async def press(pilot: Pilot[Any], app: ClaudeTUI) -> None:
        await pilot.press(key)
        await wait_for_screen(pilot, app, screen)

    return press


async def palette(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: "Conversation settings" in seen(app))


# What is on the screen, and the part measured (None: all of it).
STATES: dict[str, tuple[Callable[[Pilot[Any], ClaudeTUI], Awaitable[None]], str | None]] = {
    "conversation and notices": (notices, None),
    "thinking opened": (thinking_opened, None),
    "cursor on a reply": (cursor_on_a_reply, None),
    "keys": (pressing("f1", HelpScreen), "#help-body"),
    "settings": (pressing("f3", SettingsScreen), ".dialog-body"),
    "reply details": (pressing("f4", ReplyDetails), ".dialog-body"),
    "palette": (palette, "#--container"),
}


@pytest.mark.parametrize("state", STATES)
async def test_every_text_reads_at_4_5_to_1_in_every_built_in_theme(
    settings: Settings, data_dir: Path, state: str
) -> None:
    conversation = conversation_to_read(data_dir)
    async with running(settings, open=conversation.id, size=(120, 60)) as (app, pilot):
        get_there, inside = STATES[state]
        await get_there(pilot, app)
        found = await unreadable(pilot, app, inside)
    assert not found, "text under 4.5:1:\n" + "\n".join(found)


def test_the_themes_measured_are_textual_s_own() -> None:
    assert len(THEMES) >= 19 and {"textual-light", "solarized-light", "nord"} <= set(THEMES)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_the_themes_of_the_terminal_s_own_colours_draw_as_they_are(
    settings: Settings, data_dir: Path, theme: str
) -> None:
    conversation = conversation_to_read(data_dir)
    async with running(settings, open=conversation.id) as (app, pilot):
        app.theme = theme
        await pilot.press("f3")
        await wait_for_screen(pilot, app, SettingsScreen)
        assert "Save as defaults" in seen(app)
