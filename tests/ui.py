"""Helpers for driving the app in tests: start it, wait for it, read the screen and the disk.

Tests ask these helpers what the app holds (the open conversation, the listed ids, whether a
reply streams, whether a switch has finished drawing) instead of reading the app's own
attributes: when that state moves (to the ChatScreen), only this file changes.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.keys import KEY_NAME_REPLACEMENTS
from textual.pilot import Pilot
from textual.strip import Strip

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.tui import app as app_module
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.patches import screen_strips as screen_strips_of
from claude_tui.tui.screens import chat as chat_module
from claude_tui.tui.screens.api_key import ApiKeyScreen
from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.widgets.prompt_input import PromptInput
from claude_tui.tui.widgets.sidebar import Sidebar
from tests.conftest import FIXED_NOW
from tests.fake_api import FakeAnthropic, Gate, Reply

SIZE = (120, 36)
"""The terminal most tests run in (columns, rows)."""

# -- starting the app ----------------------------------------------------------------


def make_app(settings: Settings, **options: Any) -> ClaudeTUI:
    """The app on ``settings``, its clock stopped at FIXED_NOW, its theme pinned;
    ``options`` as the command line passes them (``prompt``, ``resume``)."""
    app = ClaudeTUI(settings, clock=lambda: FIXED_NOW, **options)
    app.theme = "textual-dark"
    return app


@asynccontextmanager
async def running(
    settings: Settings,
    *,
    open: str | None = None,
    size: tuple[int, int] = SIZE,
    notifications: bool = True,
    **options: Any,
) -> AsyncIterator[tuple[ClaudeTUI, Pilot[Any]]]:
    """The app running headless in a terminal of ``size``; with ``open``, from when that
    conversation is open and drawn. ``options`` go to :func:`make_app`. The app is still
    there after the block, closed (for its ``return_code``)."""
    app = make_app(settings, **options)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        if open is not None:
            await wait_open(pilot, app, open)
        yield app, pilot


# -- the app's timers, shortened for a test that waits them out ---------------------


def quit_warning_lasts(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """How soon after the "Not quitting yet" warning a second Ctrl+Q quits anyway (the app's
    ten seconds, shortened for a test to wait out)."""
    monkeypatch.setattr(app_module, "QUIT_ANYWAY_SECONDS", seconds)


def disk_checked_every(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """How often the app looks at the disk (saves what it could not, shows what another copy
    wrote): the app's two seconds, shortened for a test that waits for it."""
    monkeypatch.setattr(chat_module, "DISK_CHECK_SECONDS", seconds)


# -- what the app holds --------------------------------------------------------------


def open_conversation(app: ClaudeTUI) -> Conversation:
    """The conversation on screen (the one a message typed now would go to)."""
    return app.chat.conversation


def listed_ids(app: ClaudeTUI) -> list[str]:
    """Every conversation in the sidebar's list, in its order (a filter aside)."""
    return app.chat.listed_ids


def shown_ids(app: ClaudeTUI) -> list[str]:
    """The conversations the sidebar shows now (narrowed by the filter, if one is typed)."""
    return sidebar(app).conversation_ids


def replying(app: ClaudeTUI) -> bool:
    """A message is being sent or its reply streams ("● streaming" somewhere)."""
    return app.chat.session.busy


def settled(app: ClaudeTUI) -> bool:
    """No switch or redraw of the message log is under way: what it shows is whole."""
    return not app.chat.view_lock.locked()


def keeper(app: ClaudeTUI) -> ConversationKeeper:
    """The conversations the app holds in memory: pinned while a reply streams into them,
    unsaved while the disk refuses them."""
    return app.services.keeper


def chat_screen(app: ClaudeTUI) -> ChatScreen:
    """The chat screen, under any dialog or palette."""
    return app.chat


def on_chat_screen(app: ClaudeTUI) -> bool:
    """No dialog, palette or help screen is open."""
    return app.screen is chat_screen(app)


def prompt(app: ClaudeTUI) -> PromptInput:
    """The input box messages are typed in."""
    return chat_screen(app).query_one(PromptInput)


def sidebar(app: ClaudeTUI) -> Sidebar:
    """The conversation list on the left, with its filter box."""
    return chat_screen(app).query_one(Sidebar)


def highlighted_row(app: ClaudeTUI) -> int | None:
    """Which row of the sidebar's list is highlighted (None: none, as for a new one)."""
    return sidebar(app).option_list.highlighted


def key_dialog_open(app: ClaudeTUI) -> bool:
    """The API key dialog is showing (at a start without a key, after a refused key)."""
    return isinstance(app.screen, ApiKeyScreen)


async def close_key_dialog(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Close the API key dialog with Escape, if it is showing."""
    if key_dialog_open(app):
        await pilot.press("escape")
        await wait_until(pilot, lambda: not key_dialog_open(app), what="the key dialog to close")


# -- waiting -------------------------------------------------------------------------


async def until(
    predicate: Callable[[], bool],
    what: str = "",
    timeout: float = 15.0,
    pause: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Wait (``pause`` at a time) until ``predicate()`` holds; fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pause(0.02)


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``predicate()`` holds."""
    await until(predicate, what, timeout, pilot.pause)


async def wait_open(pilot: Pilot[Any], app: ClaudeTUI, conversation_id: str) -> None:
    """Until the conversation is open and its messages are drawn."""
    await wait_until(
        pilot,
        lambda: open_conversation(app).id == conversation_id and settled(app),
        what=f"conversation {conversation_id} to open",
    )
    await pilot.pause()


async def wait_idle(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Until no reply is streaming and the app has caught up."""
    await wait_until(pilot, lambda: not replying(app), what="the turn to end")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_closed(app: ClaudeTUI, timeout: float = 10.0) -> None:
    """Until the app has quit by itself (after Ctrl+Q: once what it holds is saved)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while app.return_code is None:
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app to quit")
        await asyncio.sleep(0.02)


async def quit_app(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Press Ctrl+Q and wait until the app has quit."""
    await pilot.press("ctrl+q")
    await wait_closed(app)


async def wait_for_screen(pilot: Pilot[Any], app: ClaudeTUI, kind: type) -> None:
    """Until a screen of ``kind`` (a dialog, the search) is open, and drawn."""
    await wait_until(pilot, lambda: isinstance(app.screen, kind), what=kind.__name__)
    await pilot.pause()


# -- the screen ----------------------------------------------------------------------


def screen_strips(app: ClaudeTUI) -> list[Strip]:
    """The screen as drawn, a strip of styled segments a row (through ``tui/patches.py``:
    Textual gives the screen out only as an SVG, ``App.export_screenshot``)."""
    return screen_strips_of(app.screen)


def screen_text(app: ClaudeTUI) -> str:
    """The screen as the user sees it, as plain text."""
    return "\n".join(strip.text for strip in screen_strips(app))


def flat(text: str) -> str:
    """Screen text with box drawing and runs of spaces squeezed, to find phrases."""
    boxes = {code: " " for code in range(0x2500, 0x25A0)}  # box drawing and block elements
    return " ".join(text.translate(boxes).split())


def seen(app: ClaudeTUI) -> str:
    """The screen's text, flattened (see :func:`flat`)."""
    return flat(screen_text(app))


def sidebar_text(app: ClaudeTUI) -> str:
    """The sidebar's entries (title and age), one after the other."""
    return " ".join(
        str(option.prompt).replace("\n", " ") for option in sidebar(app).option_list.options
    )


# -- typing and sending ------------------------------------------------------------


async def palette(
    pilot: Pilot[Any], app: ClaudeTUI, words: str, expect: str, opens: type | None = None
) -> None:
    """Run a command from the palette (Ctrl+P), found by typing ``words``; with ``opens``,
    until the screen (a dialog) it opens is drawn."""
    await pilot.press("ctrl+p")
    await type_text(pilot, words)
    await wait_until(pilot, lambda: expect in screen_text(app), what=f"{expect!r} offered")
    await pilot.press("enter")
    if opens is not None:
        await wait_for_screen(pilot, app, opens)


async def submit(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` and press Enter: a message in the input box, or an answer in a dialog
    or the filter box (without waiting for what follows)."""
    await type_text(pilot, text)
    await pilot.press("enter")


async def send(pilot: Pilot[Any], app: ClaudeTUI, text: str) -> None:
    """Type a message, press Enter, and wait until the reply has ended."""
    await submit(pilot, text)
    await wait_idle(pilot, app)


def held_reply(fake_api: FakeAnthropic, text: str, *, after: str, **options: Any) -> Gate:
    """Queue a reply of ``text`` that stops once ``after`` has streamed, until the returned
    gate is released (``options`` as for ``Reply.text``)."""
    gate = Gate(after=after)
    fake_api.enqueue(Reply.text(text, gate=gate, **options))
    return gate


async def send_until_held(
    pilot: Pilot[Any], text: str, gate: Gate, *, shown: str | None = None
) -> None:
    """Type a message, press Enter, and wait until the reply is held at ``gate`` (and, with
    ``shown``, until these words of it are on screen)."""
    await submit(pilot, text)
    await wait_until(pilot, lambda: gate.held, what="the reply to reach the gate")
    if shown is not None:
        await wait_until(pilot, lambda: shown in screen_text(pilot.app), what=repr(shown))


async def screen_after_sending(
    settings: Settings, text: str, *, size: tuple[int, int] = SIZE
) -> str:
    """Start the app, send ``text``, and give back the screen (as :func:`screen_text`) once
    the reply has ended (the key dialog a refused key opens closed: the chat is wanted)."""
    async with running(settings, size=size) as (app, pilot):
        await send(pilot, app, text)
        await close_key_dialog(pilot, app)
        return screen_text(app)


async def reply_held_in_a_new_conversation(
    pilot: Pilot[Any], app: ClaudeTUI, text: str, gate: Gate
) -> str:
    """Start a new conversation (Ctrl+N), send ``text``, and wait until the reply is held at
    ``gate``; give back the new conversation's id."""
    await pilot.press("ctrl+n")
    await send_until_held(pilot, text, gate)
    return open_conversation(app).id


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into what has the focus (a line break as Ctrl+J), as a terminal sends
    quick typing: the keys queued one after the other, then the app catches up. (Pilot's
    ``press`` waits for the app to go idle after each key, a tenth of a second a key on a busy
    machine; the app must handle keys that arrive together anyway, as tests show.)"""
    for char in text:
        if char == "\n":
            pilot.app.post_message(events.Key("ctrl+j", None))
        else:
            pilot.app.post_message(events.Key(_key_name(char), char))
    await pilot.pause()  # the app has taken the keys (and handed them to the focused widget)
    await pilot.pause()  # which has handled them


def burst(app: ClaudeTUI, *keys: str) -> None:
    """Send ``keys`` together, as a terminal delivers a quick burst: all queued before the
    app handles the first (``pilot.press`` would wait for the app after each)."""
    characters = {"enter": "\r", "space": " "}
    for key in keys:
        app.post_message(events.Key(key, characters.get(key, key if len(key) == 1 else None)))


def _key_name(char: str) -> str:
    """The key a terminal reports for a typed character (as Textual's driver names it)."""
    if char.isalnum():
        return char
    name = unicodedata.name(char, char).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


# -- the disk ------------------------------------------------------------------------


def on_disk(data_dir: Path, conversation_id: str) -> dict[str, Any]:
    """A conversation as its file holds it."""
    return json.loads((data_dir / "conversations" / f"{conversation_id}.json").read_text())


def conversation_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "conversations").glob("*.json"))


def the_saved_conversation(data_dir: Path) -> dict[str, Any]:
    """The one conversation on disk, as its file holds it."""
    (path,) = conversation_files(data_dir)
    return on_disk(data_dir, path.stem)


def save_exchanges(
    data_dir: Path,
    count: int,
    question: Callable[[int], str] = "Question number {}".format,
    **fields: Any,
) -> Conversation:
    """A saved conversation of ``count`` questions and answers ("Answer 0." on), with
    ``fields`` (a title) set."""
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100, **fields)
    for n in range(count):
        conversation.append(Message.user(question(n)))
        conversation.append(Message(role="assistant", content=[TextBlock(f"Answer {n}.")]))
    conversation.updated_at = FIXED_NOW
    ConversationStore(data_dir).save(conversation)
    return conversation


def seed(data_dir: Path, *titles: str, model: str = "claude-sonnet-5-5") -> list[Conversation]:
    """Saved conversations, newest first in the order given, each one exchange long."""
    store = ConversationStore(data_dir)
    conversations = []
    for age, title in enumerate(titles):
        conversation = Conversation(model=model, max_tokens=1024)
        conversation.append(Message.user(f"{title}"))
        conversation.append(
            Message(
                role="assistant",
                content=[TextBlock(f"Reply about {title}.")],
                status=TurnStatus.COMPLETE,
                stop_reason="end_turn",
                model=model,
                usage=Usage(input_tokens=12, output_tokens=7),
                response_id=f"msg_{age}",
            )
        )
        stamp = FIXED_NOW.replace(hour=11 - age)
        conversation.created_at = conversation.updated_at = stamp
        for message in conversation.messages:
            message.created_at = stamp
        store.save(conversation)
        conversations.append(conversation)
    return conversations
