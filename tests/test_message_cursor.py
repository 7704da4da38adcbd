"""The message cursor (issue 14): the messages driven from the keyboard.

Ctrl+Up puts the cursor on the last message; keys move it and ask for things to be done to
the message it is on. The log only posts what was asked (``MessageLog.Act``): these tests
collect what it posts, and what the user sees (the outline, the footer, the numbers on a
reply's code blocks, the marks the screen gives).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual import events
from textual.message import Message as UIMessage
from textual.pilot import Pilot
from textual.widget import Widget

from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.store.conversations import ConversationStore
from claude_tui.tui.app import ClaudeTUI
from claude_tui.tui.screens.details import ReplyDetails
from claude_tui.tui.screens.message_menu import MessageMenu
from claude_tui.tui.widgets.assistant_message import reply_code_blocks
from claude_tui.tui.widgets.markdown_render import code_blocks
from claude_tui.tui.widgets.message_log import MessageLog
from claude_tui.tui.widgets.message_marks import CLOSE, NO_MARKS, OPEN, MessageMarks
from claude_tui.tui.widgets.reply_footer import ReplyMeter
from claude_tui.tui.widgets.text_block import TextBlockView
from tests import ui
from tests.conftest import FIXED_NOW
from tests.fake_api import FakeAnthropic

TWO_BLOCKS = """\
First:

```python
print('one')
```

Second:

```sh
echo two
```
"""


def save(data_dir: Path, *messages: Message) -> Conversation:
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=1024, title="Cursor")
    for message in messages:
        message.created_at = FIXED_NOW
        conversation.append(message)
    conversation.updated_at = FIXED_NOW
    ConversationStore(data_dir).save(conversation)
    return conversation


def reply(text: str, **fields: Any) -> Message:
    return Message(role="assistant", content=[TextBlock(text)], model="claude-sonnet-5-5", **fields)


def with_code(data_dir: Path) -> Conversation:
    """A question, an answer, and a reply with two code blocks."""
    return save(
        data_dir,
        Message.user("Hello"),
        reply("Hi."),
        Message.user("Show me two snippets"),
        reply(TWO_BLOCKS),
    )


@asynccontextmanager
async def driving(
    settings: Settings, open_id: str | None = None, **options: Any
) -> AsyncIterator[tuple[ClaudeTUI, Pilot[Any], list[MessageLog.Act]]]:
    """The app with ``open_id`` open, and every ``Act`` the log posts, in order."""
    acts: list[MessageLog.Act] = []

    def hook(message: UIMessage) -> None:
        if isinstance(message, MessageLog.Act) and not any(message is a for a in acts):
            acts.append(message)  # (once, though it is posted again as it bubbles up)

    app = ui.make_app(settings)
    async with app.run_test(size=ui.SIZE, notifications=True, message_hook=hook) as pilot:
        if open_id is not None:
            await ui.wait_open(pilot, app, open_id)
        yield app, pilot, acts


def log(app: ClaudeTUI) -> MessageLog:
    return ui.chat_screen(app).log_view


def outlined(app: ClaudeTUI) -> list[str]:
    """The ids of the messages drawn with the cursor's outline."""
    return [view.message.id for view in log(app).message_views() if view.has_class("cursor")]


def footer(app: ClaudeTUI) -> str:
    return ui.screen_text(app).splitlines()[-1]


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    await pilot.pause()


def seen_acts(acts: list[MessageLog.Act]) -> list[tuple[str, str, int | None]]:
    return [(act.action, act.message.id, act.number) for act in acts]


# -- moving --------------------------------------------------------------------------


async def test_ctrl_up_focuses_the_last_message_and_escape_returns_to_the_input(
    settings: Settings, data_dir: Path
) -> None:
    conversation = ui.save_exchanges(data_dir, 3)
    async with driving(settings, conversation.id) as (app, pilot, _):
        assert app.focused is ui.prompt(app)
        assert outlined(app) == []
        await press(pilot, "ctrl+up")
        assert app.focused is log(app)
        assert log(app).cursor == 5
        focused = log(app).focused_message
        assert focused is not None and focused.id == conversation.messages[5].id
        assert outlined(app) == [conversation.messages[5].id]
        assert "Back" in footer(app) and "Send" not in footer(app)

        await press(pilot, "escape")
        assert app.focused is ui.prompt(app)
        assert outlined(app) == []
        assert "Send" in footer(app)


async def test_ctrl_up_without_messages_says_so(settings: Settings) -> None:
    async with driving(settings) as (app, pilot, _):
        await ui.wait_until(pilot, lambda: ui.chat_screen(app).ready)
        await press(pilot, "ctrl+up")
        assert "No messages yet." in ui.seen(app)
        assert app.focused is ui.prompt(app)


async def test_the_keys_move_between_messages(settings: Settings, data_dir: Path) -> None:
    conversation = ui.save_exchanges(data_dir, 3)  # user at 0, 2, 4; replies at 1, 3, 5
    messages = conversation.messages
    async with driving(settings, conversation.id) as (app, pilot, _):
        await press(pilot, "ctrl+up")
        for keys, expected in [
            (("up",), 4),
            (("k",), 3),
            (("down",), 4),
            (("j",), 5),
            (("j",), 5),  # the last stays the last
            (("home",), 0),
            (("up",), 0),
            (("end",), 5),
            (("left_square_bracket",), 4),  # [: the user's previous message
            (("left_square_bracket",), 2),
            (("right_square_bracket",), 4),  # ]: the user's next
            (("right_square_bracket",), 4),  # none after it: it stays
            (("up", "up", "up"), 1),
        ]:
            await press(pilot, *keys)
            assert log(app).cursor == expected, keys
            assert outlined(app) == [messages[expected].id], keys


async def test_home_and_end_reach_messages_not_drawn(settings: Settings, data_dir: Path) -> None:
    conversation = ui.save_exchanges(data_dir, 20)  # 40 messages: a window is drawn
    messages = conversation.messages
    async with driving(settings, conversation.id) as (app, pilot, _):
        assert log(app).view_of(0) is None
        await press(pilot, "ctrl+up")
        assert log(app).cursor == 39

        await press(pilot, "home")
        assert log(app).cursor == 0
        # Drawing the messages above is work of its own: wait for it (a loaded machine).
        await until_seen(pilot, app, messages[0].id, "Question number 0")  # and scrolled to

        await press(pilot, "end")
        assert log(app).cursor == 39
        await until_seen(pilot, app, messages[39].id, "Answer 19.")

        # Step by step past the top of what is drawn: the batch above is drawn.
        first_drawn = next(i for i in range(40) if log(app).view_of(i) is not None)
        for _ in range(39 - first_drawn + 2):
            await press(pilot, "up")
        assert log(app).cursor == first_drawn - 2
        above = messages[first_drawn - 2].id
        await until_seen(pilot, app, above, f"Answer {(first_drawn - 2) // 2}.")


async def until_seen(pilot: Pilot[Any], app: ClaudeTUI, message_id: str, words: str) -> None:
    """Until the message is the one outlined and ``words`` are on the screen."""
    await ui.wait_until(pilot, lambda: outlined(app) == [message_id], what="the outline")
    await ui.wait_until(pilot, lambda: words in ui.seen(app), what=repr(words))


async def test_tab_into_the_messages_puts_the_cursor_on_one_in_view(
    settings: Settings, data_dir: Path
) -> None:
    conversation = ui.save_exchanges(data_dir, 2)
    async with driving(settings, conversation.id) as (app, pilot, _):
        await press(pilot, "shift+tab")
        assert app.focused is log(app)
        assert outlined(app) == [conversation.messages[-1].id]


async def test_a_click_on_a_message_puts_the_cursor_there(
    settings: Settings, data_dir: Path
) -> None:
    conversation = ui.save_exchanges(data_dir, 2)
    first = conversation.messages[0]
    async with driving(settings, conversation.id) as (app, pilot, _):
        view = log(app).view_of(0)
        assert view is not None
        await pilot.click(view)
        await pilot.pause()
        assert app.focused is log(app)
        assert log(app).cursor == 0
        assert outlined(app) == [first.id]


async def test_a_click_on_a_replys_meter_still_opens_its_details(
    settings: Settings, data_dir: Path
) -> None:
    conversation = with_code(data_dir)
    async with driving(settings, conversation.id) as (app, pilot, _):
        await pilot.click(ReplyMeter)
        await ui.wait_for_screen(pilot, app, ReplyDetails)
        assert log(app).cursor is None


# -- acting --------------------------------------------------------------------------


async def test_each_key_posts_what_it_asks_for(settings: Settings, data_dir: Path) -> None:
    conversation = with_code(data_dir)
    question, answer = conversation.messages[2], conversation.messages[3]
    async with driving(settings, conversation.id) as (app, pilot, acts):
        await press(pilot, "ctrl+up")  # on the reply
        shown = footer(app)
        assert "Copy" in shown and "Again" in shown and "Code" in shown
        assert "Edit" not in shown and "Undo" not in shown and "Branch" not in shown
        await press(pilot, "e", "u")  # e: not a reply's; u: nothing to undo
        await press(pilot, "y", "i")
        await ui.wait_for_screen(pilot, app, ReplyDetails)
        await press(pilot, "escape")
        assert seen_acts(acts) == [("copy", answer.id, None), ("details", answer.id, None)]
        # (r and d act at once: they are in tests/test_message_actions.py and below)

        acts.clear()
        await press(pilot, "up")  # on the question
        shown = footer(app)
        assert "Edit" in shown and "Again" not in shown and "Code" not in shown
        await press(pilot, "r", "c", "1", "e")  # r: not the user's; c: no code drawn
        assert seen_acts(acts) == [("edit", question.id, None)]
        await press(pilot, "escape")  # (the edit, in the input box, is cancelled)
        await press(pilot, "ctrl+up", "up")

        acts.clear()
        log(app).can_undo = True  # (the screen says so after a change)
        await pilot.pause()
        assert "Undo" in footer(app)
        await press(pilot, "u")
        assert seen_acts(acts) == [("undo", question.id, None)]

        acts.clear()
        await press(pilot, "end")  # the reply: deleted at once (u brings it back)
        await press(pilot, "d")
        assert seen_acts(acts) == [("delete", answer.id, None)]


async def test_c_then_a_number_copies_that_code_block(settings: Settings, data_dir: Path) -> None:
    conversation = with_code(data_dir)
    answer = conversation.messages[3]
    async with driving(settings, conversation.id) as (app, pilot, acts):
        assert "[1]" not in ui.seen(app)  # numbered only with the cursor on it
        await press(pilot, "ctrl+up")
        assert "python [1]" in ui.seen(app) and "sh [2]" in ui.seen(app)

        await press(pilot, "c")
        assert "press the block's number" in ui.seen(app)
        await press(pilot, "2")
        assert seen_acts(acts) == [("copy_code", answer.id, 2)]
        assert "press the block's number" not in ui.seen(app)

        await press(pilot, "c", "5")  # no fifth block: nothing, a hint
        assert len(acts) == 1
        assert "This reply has 2 code blocks: no block 5." in ui.seen(app)

        await press(pilot, "c", "escape")  # Escape cancels, the cursor stays
        assert app.focused is log(app)
        await press(pilot, "1")  # a digit alone is nothing
        assert len(acts) == 1

        await press(pilot, "c", "up")  # another key cancels, and does what it does
        assert log(app).cursor == 2
        assert len(acts) == 1
        assert "[1]" not in ui.seen(app)  # the question has the cursor now


async def test_enter_opens_a_menu_of_what_applies(settings: Settings, data_dir: Path) -> None:
    conversation = with_code(data_dir)
    answer = conversation.messages[3]
    async with driving(settings, conversation.id) as (app, pilot, acts):
        await press(pilot, "ctrl+up", "enter")
        await ui.wait_for_screen(pilot, app, MessageMenu)
        shown = ui.seen(app)
        assert "Copy code block 1" in shown and "Copy code block 2" in shown
        assert "Ask for the reply again" in shown and "Edit it" not in shown
        await press(pilot, "down", "down", "enter")  # copy, code block 1, code block 2
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        await pilot.pause()
        assert seen_acts(acts)[-1] == ("copy_code", answer.id, 2)
        assert app.focused is log(app)

        await press(pilot, "enter")
        await ui.wait_for_screen(pilot, app, MessageMenu)
        before = len(acts)
        await press(pilot, "escape")
        await ui.wait_until(pilot, lambda: ui.on_chat_screen(app))
        assert len(acts) == before


async def test_a_streaming_reply_cannot_be_asked_again_or_deleted(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    gate = ui.held_reply(fake_api, "Half of it and the rest", after="Half")
    async with driving(settings) as (app, pilot, acts):
        await ui.wait_until(pilot, lambda: ui.chat_screen(app).ready)
        await ui.send_until_held(pilot, "Go", gate, shown="Half")
        await press(pilot, "ctrl+up")
        streaming = log(app).focused_message
        assert streaming is not None and streaming.status is TurnStatus.STREAMING
        assert "Again" not in footer(app) and "Delete" not in footer(app)
        await press(pilot, "r", "d")
        assert acts == []
        gate.release()
        await ui.wait_idle(pilot, app)
        assert "Again" in footer(app) and "Delete" in footer(app)


# -- marks ---------------------------------------------------------------------------


async def test_the_marks_the_screen_gives_are_drawn_and_offer_the_branch_keys(
    settings: Settings, data_dir: Path
) -> None:
    conversation = ui.save_exchanges(data_dir, 2)
    messages = conversation.messages
    marks: dict[int, MessageMarks] = {}
    index = {message.id: number for number, message in enumerate(messages)}

    def marks_of(message: Message) -> MessageMarks:
        return marks.get(index[message.id], NO_MARKS)

    async with driving(settings, conversation.id) as (app, pilot, acts):
        log(app).marks = marks_of
        marks[2] = MessageMarks(branch=(2, 3), unanswered=True)
        marks[1] = MessageMarks(branch=(1, 2))
        marks[3] = MessageMarks(branch=(1, 1))  # the only one: no marker
        log(app).refresh_marks()
        await pilot.pause()
        shown = ui.seen(app)
        assert f"You {OPEN} 2/3 {CLOSE}" in shown and f"Claude {OPEN} 1/2 {CLOSE}" in shown
        assert f"{OPEN} 1/1 {CLOSE}" not in shown
        assert "not answered · Ctrl+R sends it again" in shown

        await press(pilot, "ctrl+up")  # on 3: one branch, no branch keys
        assert "Branch" not in footer(app)
        await press(pilot, "left", "right")
        assert acts == []
        await press(pilot, "up")  # on 2
        assert "Branch" in footer(app)
        await press(pilot, "left", "right")
        assert seen_acts(acts) == [
            ("branch_previous", messages[2].id, None),
            ("branch_next", messages[2].id, None),
        ]

        marks.clear()
        log(app).refresh_marks()
        await pilot.pause()
        assert OPEN not in ui.seen(app) and "not answered" not in ui.seen(app)


# -- which code blocks are numbered --------------------------------------------------


def test_code_blocks_are_every_code_block_in_order() -> None:
    text = """\
```python
one = 1
```

~~~
two
~~~

    three (indented)

- a list item

  ```js
  four()
  ```

> quoted
>
> ```
> five
> ```

`not a block`
"""
    assert code_blocks(text) == [
        "one = 1",
        "two",
        "three (indented)",
        "four()",
        "five",
    ]
    assert code_blocks("No code at all, `inline` aside.") == []
    assert code_blocks("```\nkept\n\n```") == ["kept\n"]  # as written, blank line and all


def test_a_replys_code_blocks_count_on_over_its_text_blocks() -> None:
    message = Message(
        role="assistant",
        content=[TextBlock("```\na\n```"), TextBlock("text\n\n```\nb\n```\n\n    c")],
    )
    assert reply_code_blocks(message) == ["a", "b", "c"]


def test_a_branch_marker_only_when_there_are_branches_to_step_to() -> None:
    assert MessageMarks(branch=(1, 2)).branched
    assert not MessageMarks(branch=(1, 1)).branched
    assert not NO_MARKS.branched


async def drag(
    pilot: Pilot[Any], widget: Widget, start: tuple[int, int], end: tuple[int, int]
) -> None:
    """Press the mouse button at ``start`` in ``widget``, move to ``end`` and let go, as a
    terminal reports it (Pilot's own mouse methods skip the app's making a Click of it)."""
    app = pilot.app

    def event(kind: type[events.MouseEvent], offset: tuple[int, int]) -> events.MouseEvent:
        x, y = widget.region.offset + offset
        return kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y)

    for kind, offset in [(events.MouseDown, start), (events.MouseMove, end), (events.MouseUp, end)]:
        app.post_message(event(kind, offset))
        await pilot.pause()


async def test_dragging_over_a_message_selects_text_without_moving_the_focus(
    settings: Settings, data_dir: Path
) -> None:
    conversation = with_code(data_dir)
    async with driving(settings, conversation.id) as (app, pilot, _):
        view = log(app).view_of(1)  # the "Hi." reply
        assert view is not None
        block = view.query_one(TextBlockView)
        await drag(pilot, block, (0, 0), (2, 0))
        assert app.screen.get_selected_text() == "Hi."
        assert app.focused is ui.prompt(app)
        assert log(app).cursor is None


async def test_a_click_on_a_link_under_a_reply_follows_it_without_moving_the_cursor(
    settings: Settings, data_dir: Path, fake_api: FakeAnthropic
) -> None:
    conversation = save(
        data_dir,
        Message.user("Write a long story"),
        reply("Once upon", stop_reason="max_tokens", max_tokens=1024),
    )
    async with driving(settings, conversation.id) as (app, pilot, _):
        rows = ui.screen_text(app).splitlines()
        y = next(n for n, row in enumerate(rows) if "▶ Continue" in row)
        x = rows[y].index("▶ Continue") + 3
        await pilot.click(offset=(x, y))
        await ui.wait_idle(pilot, app)
        assert len(fake_api.requests) == 1  # Continue asked for the rest
        assert log(app).cursor is None
        assert app.focused is ui.prompt(app)
