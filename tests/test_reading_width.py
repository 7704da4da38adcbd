"""The reading width: on a wide terminal a message's lines stay short, and it is centred."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.widgets.message_log import MessageLog
from tests.ui import chat_screen, running, screen_text

WORDS = "the quick brown fox jumps over the lazy dog and runs into the forest again " * 8


def long_exchange(data_dir: Path) -> Conversation:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1024)
    conversation.append(Message.user("Question: " + WORDS))
    reply = Message(role="assistant", content=[TextBlock("Answer: " + WORDS)])
    reply.status = TurnStatus.COMPLETE
    conversation.append(reply)
    ConversationStore(data_dir).save(conversation)
    return conversation


def box_of(lines: list[str], title: str) -> tuple[int, int, list[str]]:
    """The columns of the box whose top border holds ``title`` (its ╭ and its ╮), and
    the text of its rows inside."""
    top = next(n for n, line in enumerate(lines) if f"╭─ {title} " in line)
    left = lines[top].index(f"╭─ {title} ")
    right = lines[top].index("╮", left)
    rows = []
    for line in lines[top + 1 :]:
        if line[left] == "╰":
            break
        rows.append(line[left + 1 : right].strip(" │"))
    return left, right, rows


@pytest.mark.parametrize("width", [250, 160])
async def test_on_a_wide_terminal_a_message_is_at_most_the_reading_width_and_centred(
    settings: Settings, data_dir: Path, width: int
) -> None:
    conversation = long_exchange(data_dir)
    async with running(settings, open=conversation.id, size=(width, 50)) as (app, _):
        lines = screen_text(app).split("\n")
        log = chat_screen(app).query_one(MessageLog).content_region
        for title in ("You", "Claude"):
            left, right, rows = box_of(lines, title)
            assert right - left + 1 == 104  # 100 columns of text, its border and padding
            assert max(len(row) for row in rows) <= 100
            assert max(len(row) for row in rows) > 90  # (the words fill the lines)
            before, after = left - log.x, log.right - 1 - right
            assert abs(before - after) <= 1, (before, after)  # centred in the log


async def test_the_reading_width_is_a_setting_and_0_means_none(
    settings: Settings, data_dir: Path
) -> None:
    conversation = long_exchange(data_dir)
    for reading_width, box in ((60, 64), (0, None)):
        chosen = replace(settings, reading_width=reading_width)
        async with running(chosen, open=conversation.id, size=(250, 50)) as (app, _):
            lines = screen_text(app).split("\n")
            log = chat_screen(app).query_one(MessageLog).content_region
            left, right, rows = box_of(lines, "You")
            assert right - left + 1 == (box or log.width)
            assert max(len(row) for row in rows) <= (box or log.width) - 4


async def test_on_a_narrow_terminal_a_message_takes_the_whole_log(
    settings: Settings, data_dir: Path
) -> None:
    conversation = long_exchange(data_dir)
    async with running(settings, open=conversation.id, size=(100, 40)) as (app, _):
        lines = screen_text(app).split("\n")
        log = chat_screen(app).query_one(MessageLog).content_region
        left, right, _ = box_of(lines, "You")
        assert (left, right + 1) == (log.x, log.right)
