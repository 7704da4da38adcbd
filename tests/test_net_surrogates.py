"""Text from the API that is not well-formed Unicode (a JSON escape of a lone surrogate,
"\\ud800", in a delta, a thinking block, a block sent whole, an error; a byte that is not
UTF-8 in the stream) enters as U+FFFD: the reply streams on to its end, is printed and saved,
and the next message is sent."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.blocks import OtherBlock, TextBlock, ThinkingBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.turn import Turn
from tests import fake_models, ui
from tests.fake_api import LONE_SURROGATE, FakeAnthropic, Reply
from tests.test_cli_harness import Cli, said

REPLY = f"Hello {LONE_SURROGATE} world, and the rest of the reply."
SHOWN = "Hello \ufffd world, and the rest of the reply."


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[ClaudeClient]:
    client = ClaudeClient(settings)
    yield client
    await client.close()


async def test_every_text_of_a_reply_enters_well_formed(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(
        Reply.blocks(
            [
                {"type": "thinking", "thinking": f"Let me {LONE_SURROGATE} think."},
                {"type": "text", "text": REPLY},
                {  # a block type sent whole (the SDK refuses a tool input holding one)
                    "type": "web_search_tool_result",
                    "tool_use_id": "srvtoolu_1",
                    "content": [{"type": "web_search_result", "title": f"A{LONE_SURROGATE}"}],
                },
            ],
            chunk_size=3,
        )
    )
    conversation = Conversation(model="claude-sonnet-5-5", max_tokens=100)
    conversation.append(Message.user("Hi"))
    turn = Turn(conversation)
    async for event in client.stream(conversation):
        turn.apply(event)

    reply = turn.message
    assert reply.status is TurnStatus.COMPLETE
    thinking, text, other = reply.content
    assert isinstance(thinking, ThinkingBlock)
    assert thinking.thinking == "Let me \ufffd think."
    assert text == TextBlock(SHOWN)
    assert isinstance(other, OtherBlock)
    assert other.data["content"][0]["title"] == "A\ufffd"
    json.dumps(reply.to_dict(), ensure_ascii=False).encode()  # can be written and sent


def test_the_command_line_prints_saves_and_sends_on_a_reply_with_a_lone_surrogate(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.lone_surrogate("Hello ", REPLY.removeprefix(f"Hello {LONE_SURROGATE}")))
    first = cli.run("-p", "Hi")
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == f"{SHOWN}\n"

    fake_api.enqueue(Reply.text("Second answer."))
    second = cli.run("-p", "-c", "And then?")
    assert second.returncode == 0, second.stderr
    assert second.stdout == "Second answer.\n"
    assert said(fake_api.requests[-1].body) == [
        ("user", "Hi"),
        ("assistant", SHOWN),
        ("user", "And then?"),
    ]
    saved = cli.only_conversation()["messages"]
    assert [m.get("status") for m in saved] == [None, "complete", None, "complete"]
    assert saved[1]["content"] == [{"type": "text", "text": SHOWN}]


def test_an_error_message_with_a_lone_surrogate_is_printed_and_the_next_send_works(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.error(400, f"Bad {LONE_SURROGATE} input"))
    failed = cli.run("-p", "Hi")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "Bad \ufffd input" in failed.stderr
    assert cli.only_conversation()["messages"][1]["error"]["detail"] == "Bad \ufffd input"

    fake_api.enqueue(Reply.text("Fine now."))
    again = cli.run("-p", "-c", "Again")
    assert (again.returncode, again.stdout) == (0, "Fine now.\n")


async def test_the_app_shows_the_whole_reply_and_sends_the_next_message(
    fake_api: FakeAnthropic, settings: Settings, data_dir: Path
) -> None:
    fake_api.enqueue(
        Reply.lone_surrogate("Hello ", REPLY.removeprefix(f"Hello {LONE_SURROGATE}")),
        Reply.text("Second answer."),
    )
    async with ui.running(replace(settings, max_retries=0)) as (app, pilot):
        await ui.send(pilot, app, "Hi")
        assert SHOWN in ui.seen(app)
        await ui.send(pilot, app, "And then?")
        assert "Second answer." in ui.seen(app)
        assert "went wrong" not in ui.seen(app)
    assert said(fake_api.requests[-1].body)[1] == ("assistant", SHOWN)
    messages = ui.the_saved_conversation(data_dir)["messages"]
    assert [m.get("status") for m in messages] == [None, "complete", None, "complete"]
    assert messages[1]["content"] == [{"type": "text", "text": SHOWN}]


def test_a_byte_that_is_not_utf8_in_the_stream_enters_as_u_fffd(
    cli: Cli, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.invalid_utf8("Hello ", " world, and the rest.", chunk_size=6))
    result = cli.run("-p", "Hi")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "Hello \ufffd world, and the rest.\n"
    reply = cli.only_conversation()["messages"][1]
    assert reply["status"] == "complete"


async def test_a_model_list_with_a_lone_surrogate_enters_well_formed(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    odd = dataclasses.replace(fake_models.MODELS[0], display_name=f"Claude {LONE_SURROGATE}")
    fake_api.models = (odd, *fake_models.MODELS[1:])
    models = await client.list_models()
    assert models[0].display_name == "Claude \ufffd"
    json.dumps([model.display_name for model in models], ensure_ascii=False).encode()
