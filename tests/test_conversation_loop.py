"""The conversation loop through the real app, the real SDK and the fake API."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual import events

from claude_tui.config import Settings
from claude_tui.tui.widgets.message_log import AssistantMessageView, MessageLog, TextBlockView
from tests import ui
from tests.fake_api import FakeAnthropic, Reply


def first_message_sent(fake_api: FakeAnthropic) -> str:
    """The text of the first message of the first request the API received."""
    return fake_api.requests[0].body["messages"][0]["content"][0]["text"]


async def test_send_streams_the_reply_and_saves_both_messages(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.text(
            "Hello! Here is **bold** text.",
            chunk_size=4,
            input_tokens=21,
            output_tokens=9,
            message_id="msg_first",
        )
    )
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "Hi Claude")

        shown = ui.seen(app)
        assert "You Hi Claude" in shown
        assert "Hello! Here is bold text." in shown
        assert "last in 21 · out 9" in shown
        assert "total in 21 · out 9" in shown
        assert ui.prompt(app).text == ""

    saved = ui.the_saved_conversation(data_dir)
    assert saved["schema_version"] == 2
    assert saved["title"] == "Hi Claude"
    user, reply = saved["messages"]
    assert user["role"] == "user"
    assert user["content"] == [{"type": "text", "text": "Hi Claude"}]
    assert reply["status"] == "complete"
    assert reply["response_id"] == "msg_first"
    assert reply["stop_reason"] == "end_turn"
    assert reply["model"] == "claude-sonnet-5-5"
    assert reply["usage"]["input_tokens"] == 21
    assert reply["usage"]["output_tokens"] == 9
    assert reply["content"] == [{"type": "text", "text": "Hello! Here is **bold** text."}]


async def test_user_message_is_on_disk_before_the_request_goes_out(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    # The server holds the request before answering anything: no reply has begun, so no
    # checkpoint of one can be on disk yet. (It would hold for a minute: Escape ends it.)
    fake_api.enqueue(Reply.hang_before_headers(60))
    async with ui.running(settings) as (app, pilot):
        await ui.submit(pilot, "Question")
        await fake_api.wait_for_requests_async(1)
        messages = ui.the_saved_conversation(data_dir)["messages"]
        assert [m["role"] for m in messages] == ["user"]
        assert messages[0]["content"][0]["text"] == "Question"
        assert "● streaming" in ui.screen_text(app)
        await pilot.press("escape")
        await ui.wait_idle(pilot, app)
        assert "● streaming" not in ui.screen_text(app)


async def test_reply_text_is_streamed_into_the_markdown_not_rerendered(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    gate = ui.held_reply(fake_api, "First half, second half.", after="First half, ", chunk_size=3)
    async with ui.running(settings) as (app, pilot):
        await ui.send_until_held(pilot, "go", gate, shown="First half,")
        assert "second half" not in ui.screen_text(app)
        view = app.query_one(AssistantMessageView)
        block = view.query_one(TextBlockView)
        gate.release()
        await ui.wait_idle(pilot, app)
        # the same widget grew: it was appended to, not replaced
        assert app.query_one(AssistantMessageView) is view
        assert view.query_one(TextBlockView) is block
        assert "First half, second half." in ui.seen(app)


async def test_second_turn_sends_the_first_turn_as_history(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("Nice to meet you, Ada."), Reply.text("Your name is Ada."))
    settings = replace(settings, system="Be brief.", max_tokens=777, model="claude-opus-5-5")
    async with ui.running(settings) as (app, pilot):
        await ui.send(pilot, app, "My name is Ada")
        await ui.send(pilot, app, "What is my name?")
        assert "Your name is Ada." in ui.screen_text(app)

    first, second = fake_api.requests
    assert first.body["model"] == "claude-opus-5-5"
    assert first.body["max_tokens"] == 777
    assert first.body["system"] == "Be brief."
    assert first.body["stream"] is True
    assert second.body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "My name is Ada"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Nice to meet you, Ada."}]},
        {"role": "user", "content": [{"type": "text", "text": "What is my name?"}]},
    ]


async def test_no_system_prompt_is_sent_when_none_is_set(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    await ui.screen_after_sending(settings, "hello")
    assert "system" not in fake_api.requests[0].body


async def test_blank_input_is_not_sent(fake_api: FakeAnthropic, settings: Settings) -> None:
    async with ui.running(settings) as (app, pilot):
        await pilot.press("enter")
        await ui.type_text(pilot, "   ")
        await pilot.press("ctrl+j", "enter")
        await ui.wait_idle(pilot, app)
        assert fake_api.requests == []
        assert ui.open_conversation(app).messages == []
        assert "Start a conversation" in ui.screen_text(app)


async def test_ctrl_j_inserts_a_newline_and_the_message_keeps_it(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    async with ui.running(settings) as (app, pilot):
        await ui.type_text(pilot, "line one")
        await pilot.press("ctrl+j")
        await ui.type_text(pilot, "line two")
        assert ui.prompt(app).text == "line one\nline two"
        assert fake_api.requests == []
        await pilot.press("enter")
        await ui.wait_idle(pilot, app)
    assert first_message_sent(fake_api) == "line one\nline two"


async def test_a_paste_never_sends_by_itself(fake_api: FakeAnthropic, settings: Settings) -> None:
    async with ui.running(settings) as (app, pilot):
        app.post_message(events.Paste("pasted line\nsecond pasted line\n"))  # as a terminal does
        await ui.wait_until(pilot, lambda: ui.prompt(app).text != "", what="the paste")
        await ui.wait_idle(pilot, app)
        assert ui.prompt(app).text == "pasted line\nsecond pasted line\n"
        assert fake_api.requests == []


async def test_keys_typed_before_enter_all_reach_the_message(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    """Enter must not overtake characters still queued for the input box."""
    async with ui.running(settings) as (app, pilot):
        # all at once, as a terminal delivers a fast burst: no pause between keys
        for char in "abc def":
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("enter", "\r"))
        await ui.wait_until(pilot, lambda: bool(fake_api.requests), what="the message sent")
        await ui.wait_idle(pilot, app)
    assert first_message_sent(fake_api) == "abc def"


async def test_stop_reason_other_than_end_turn_shows_on_the_message(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("A reply cut short", stop_reason="max_tokens"))
    shown = ui.flat(await ui.screen_after_sending(settings, "long story"))
    assert "Claude reached the 8,192-token limit." in shown


async def test_thinking_and_tool_use_blocks_are_shown_for_what_they_are(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.blocks(
            [
                {"type": "thinking", "thinking": "Let me weigh this.", "signature": "sig"},
                {"type": "text", "text": "Checking the weather."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Oslo"},
                },
            ]
        )
    )
    shown = ui.flat(await ui.screen_after_sending(settings, "weather?"))
    assert "▸ Thought for" in shown and "4 words" in shown  # closed: one line
    assert "Let me weigh this." not in shown
    assert "Checking the weather." in shown
    assert "Tool use: get_weather" in shown
    assert '"city": "Oslo"' in shown
    assert "Claude asked to use a tool, which this app does not offer." in shown
    blocks = ui.the_saved_conversation(data_dir)["messages"][1]["content"]
    assert [block["type"] for block in blocks] == ["thinking", "text", "tool_use"]


async def test_markup_and_escape_codes_in_text_are_shown_literally(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(Reply.text("Reply with [bold red]fake markup[/] and \x1b[31mred\x1b[0m."))
    shown = await ui.screen_after_sending(settings, "[link=http://x]click[/link]")
    assert "[link=http://x]click[/link]" in shown
    assert "[bold red]fake markup[/]" in shown
    assert "\x1b" not in shown
    assert "␛[31mred␛[0m" in shown


async def test_the_log_follows_a_reply_at_the_bottom_and_stays_where_the_user_scrolled(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    lines = [f"Line {n} of a long reply." for n in range(1, 121)]
    first_half = "\n\n".join(lines[:60]) + "\n\n"
    gate = ui.held_reply(fake_api, "\n\n".join(lines), after=first_half, chunk_size=40)
    async with ui.running(settings) as (app, pilot):
        log = app.query_one(MessageLog)
        await ui.send_until_held(pilot, "long please", gate, shown="Line 60 of")
        assert log.scroll_y == log.max_scroll_y > 0

        await pilot.press("pageup")  # the user scrolls up to read
        await pilot.pause()
        held_at = log.scroll_y
        assert held_at < log.max_scroll_y
        gate.release()
        await ui.wait_idle(pilot, app)
        assert log.scroll_y == held_at  # not dragged down
        assert "Line 120 of" not in ui.screen_text(app)

        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert "Line 120 of" in ui.screen_text(app)


async def test_long_code_lines_wrap_instead_of_being_cut(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    code_line = "result = compute(" + ", ".join(f"argument_{n}" for n in range(12)) + ")"
    fake_api.enqueue(Reply.text(f"```python\n{code_line}\n```\n"))
    shown = ui.flat(await ui.screen_after_sending(settings, "code", size=(80, 24)))
    assert "argument_0," in shown
    assert "argument_11)" in shown


LIST_REPLY = "Facts:\n\n- model: m\n- characters: 7\n- words: 2\n\nThe end."
FENCE_REPLY = "Code:\n\n```python\nsaid = 'hello'\nsaid += '!'\nprint(said)\n```\n\nThe end."


@pytest.mark.parametrize(
    ("text", "held_after", "lines"),
    [
        (
            LIST_REPLY,
            "Facts:\n\n- model: m\n- characters: 7\n",
            ["• model: m", "• characters: 7", "• words: 2"],
        ),
        (
            FENCE_REPLY,
            "Code:\n\n```python\nsaid = 'hello'\nsaid += '!'\n",
            ["said = 'hello'", "said += '!'", "print(said)"],
        ),
    ],
    ids=["list", "fence"],
)
async def test_a_reply_drawn_and_then_streamed_into_keeps_every_line(
    fake_api: FakeAnthropic,
    settings: Settings,
    data_dir: Path,
    text: str,
    held_after: str,
    lines: list[str],
) -> None:
    """Coming back to a reply that streams draws it anew with the text that has arrived;
    what comes later must not replace the block that text ends in (Textual's Markdown
    would, left to itself). The same happens when a block's first text comes with it."""
    (other,) = ui.seed(data_dir, "Other")
    gate = ui.held_reply(fake_api, text, after=held_after, chunk_size=4)
    async with ui.running(settings, open=other.id) as (app, pilot):
        mine = await ui.reply_held_in_a_new_conversation(pilot, app, "go", gate)
        await pilot.press("alt+down")  # away, and back: drawn anew, mid-list or mid-fence
        await ui.wait_open(pilot, app, other.id)
        await pilot.press("alt+up")
        await ui.wait_open(pilot, app, mine)
        await ui.wait_until(pilot, lambda: lines[0] in ui.screen_text(app), what="the first part")
        gate.release()
        await ui.wait_idle(pilot, app)
        shown = ui.screen_text(app)
        for line in [*lines, "The end."]:
            assert line in shown, line
        assert "```" not in shown  # the fence is still drawn as code


async def test_html_in_a_reply_is_shown_as_text(
    fake_api: FakeAnthropic, settings: Settings
) -> None:
    fake_api.enqueue(
        Reply.text(
            "Use List<String> or Map<K, V>; the <div> tag, <script>alert(1)</script> and\n\n"
            "<details>a hidden block</details>\n\nThe end."
        )
    )
    shown = ui.flat(await ui.screen_after_sending(settings, "go"))
    assert "Use List<String> or Map<K, V>; the <div> tag, <script>alert(1)</script>" in shown
    assert "<details>a hidden block</details>" in shown
