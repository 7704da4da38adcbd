"""Helpers for driving the app in tests: build it, wait for it, read the screen."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.usage import Usage
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.app import ClaudeTUI
from tests.conftest import FIXED_NOW
from tests.fake_api import Gate


def make_app(settings: Settings) -> ClaudeTUI:
    app = ClaudeTUI(settings, clock=lambda: FIXED_NOW)
    app.theme = "textual-dark"
    return app


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``predicate()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.02)


async def wait_open(pilot: Pilot[Any], app: ClaudeTUI, conversation_id: str) -> None:
    """Until the conversation is open and its messages are drawn."""
    await wait_until(
        pilot,
        lambda: app.chat.conversation.id == conversation_id and not app.chat.view_lock.locked(),
        what=f"conversation {conversation_id} to open",
    )
    await pilot.pause()


async def wait_idle(pilot: Pilot[Any], app: ClaudeTUI) -> None:
    """Until no reply is streaming and the app has caught up."""
    await wait_until(pilot, lambda: not app.chat.session.busy, what="the turn to end")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: ClaudeTUI) -> str:
    """The screen as the user sees it, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def sidebar_text(app: ClaudeTUI) -> str:
    return " ".join(
        str(option.prompt).replace("\n", " ")
        for option in app.chat.sidebar.option_list.options
    )


async def palette(pilot: Pilot[Any], app: ClaudeTUI, words: str, expect: str) -> None:
    """Run a command from the palette (Ctrl+P), found by typing ``words``."""
    await pilot.press("ctrl+p")
    await type_text(pilot, words)
    await wait_until(pilot, lambda: expect in screen_text(app), what=f"{expect!r} offered")
    await pilot.press("enter")


def flat(text: str) -> str:
    """Screen text with box drawing and runs of spaces squeezed, to find phrases."""
    boxes = {code: " " for code in range(0x2500, 0x25A0)}  # box drawing and block elements
    return " ".join(text.translate(boxes).split())


async def send(pilot: Pilot[Any], app: ClaudeTUI, text: str) -> None:
    """Type a message, press Enter, and wait until the reply has ended."""
    await type_text(pilot, text)
    await pilot.press("enter")
    await wait_idle(pilot, app)


async def send_until_held(pilot: Pilot[Any], text: str, gate: Gate) -> None:
    """Type a message, press Enter, and wait until the reply is held at ``gate``."""
    await type_text(pilot, text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: gate.held, what="the reply to reach the gate")


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*[_key(char) for char in text])


def _key(char: str) -> str:
    names = {" ": "space", "\n": "ctrl+j"}
    return names.get(char, char)


def on_disk(data_dir: Path, conversation_id: str) -> dict[str, Any]:
    return json.loads((data_dir / "conversations" / f"{conversation_id}.json").read_text())


def conversation_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "conversations").glob("*.json"))


def seed(data_dir: Path, *titles: str, model: str = "claude-sonnet-5-5") -> list[Conversation]:
    """Saved conversations, newest first in the order given, each one exchange long."""
    store = ConversationStore(data_dir)
    conversations = []
    for age, title in enumerate(titles):
        conversation = Conversation(model=model, max_tokens=1024)
        conversation.append(Message.user(f"{title}"))
        conversation.append(Message(
            role="assistant", content=[TextBlock(f"Reply about {title}.")],
            status=TurnStatus.COMPLETE, stop_reason="end_turn", model=model,
            usage=Usage(input_tokens=12, output_tokens=7), response_id=f"msg_{age}",
        ))
        stamp = FIXED_NOW.replace(hour=11 - age)
        conversation.created_at = conversation.updated_at = stamp
        for message in conversation.messages:
            message.created_at = stamp
        store.save(conversation)
        conversations.append(conversation)
    return conversations
