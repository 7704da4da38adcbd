"""The core client (core/claude.py) and Turn (core/turn.py), through the real SDK over real
HTTP to the fake API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest

from claude_tui.api.client import ClaudeClient
from claude_tui.api.request import build_request, history_params
from claude_tui.config import Settings
from claude_tui.domain.blocks import TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.events import (
    BlockFinished,
    BlockStarted,
    Failed,
    Finished,
    MessageStarted,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
)
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.turn import Turn
from claude_tui.domain.usage import Usage
from tests.fake_api import FakeAnthropic, Gate, Reply

MODEL = "claude-sonnet-5-5"
MakeClient = Callable[..., ClaudeClient]


@pytest.fixture
async def make_client(settings: Settings) -> AsyncIterator[MakeClient]:
    """Clients on the test settings, changed by keyword; all closed at the end."""
    clients: list[ClaudeClient] = []

    def make(**changes: object) -> ClaudeClient:
        client = ClaudeClient(replace(settings, **changes))  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
def client(make_client: MakeClient) -> ClaudeClient:
    return make_client()


def asking(*texts: str, system: str | None = None, max_tokens: int = 1000) -> Conversation:
    conversation = Conversation(model=MODEL, max_tokens=max_tokens, system=system)
    for text in texts:
        conversation.append(Message.user(text))
    return conversation


def reply(text: str, status: TurnStatus = TurnStatus.COMPLETE) -> Message:
    return Message(role="assistant", content=[TextBlock(text)] if text else [], status=status)


async def collect(client: ClaudeClient, conversation: Conversation) -> list[StreamEvent]:
    return [event async for event in client.stream(conversation)]


def text_of(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def the_failure(events: list[StreamEvent]) -> ErrorInfo:
    """The error of the one Failed event, which must be the last event, with no Finished."""
    failures = [e for e in events if isinstance(e, Failed)]
    assert len(failures) == 1, events
    assert events[-1] is failures[0]
    assert not any(isinstance(e, Finished) for e in events)
    error = failures[0].error
    assert error.title.strip()
    assert error.hint.strip()
    return error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- a reply ---------------------------------------------------------------------


async def test_a_streamed_reply_ends_with_one_finished_carrying_usage(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    text = "Hello there! Here is a reply long enough to come in several pieces."
    fake_api.enqueue(
        Reply.text(
            text,
            chunk_size=7,
            input_tokens=123,
            output_tokens=45,
            cache_creation_input_tokens=6,
            cache_read_input_tokens=789,
            message_id="msg_abc",
        )
    )
    events = await collect(client, asking("Hi"))

    assert isinstance(events[0], MessageStarted)
    assert events[0].response_id == "msg_abc"
    assert events[0].model == MODEL
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert len(deltas) == 10
    assert text_of(events) == text
    finished = [e for e in events if isinstance(e, Finished)]
    assert finished == [Finished("end_turn", Usage(123, 45, 6, 789))]
    assert events[-1] is finished[0]
    assert not any(isinstance(e, Failed) for e in events)


async def test_the_server_stop_reason_is_passed_on(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.text("Cut sho", stop_reason="max_tokens"))
    events = await collect(client, asking("Hi"))
    assert isinstance(events[-1], Finished)
    assert events[-1].stop_reason == "max_tokens"


async def test_a_turn_builds_the_message_from_the_events(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(
        Reply.text(
            "The **answer** is 42.",
            chunk_size=4,
            model="claude-sonnet-5-5-20261101",
            message_id="msg_turn",
            input_tokens=50,
            output_tokens=8,
            cache_read_input_tokens=100,
        )
    )
    conversation = asking("What is the answer?")
    turn = Turn(conversation)
    assert conversation.messages[-1] is turn.message
    assert turn.message.status is TurnStatus.STREAMING
    async for event in client.stream(conversation):
        turn.apply(event)

    message = conversation.messages[-1]
    assert turn.done
    assert message.role == "assistant"
    assert message.text == "The **answer** is 42."
    assert message.content == [TextBlock("The **answer** is 42.")]
    assert message.response_id == "msg_turn"
    assert message.model == "claude-sonnet-5-5-20261101"
    assert message.usage == Usage(50, 8, 0, 100)
    assert message.stop_reason == "end_turn"
    assert message.status is TurnStatus.COMPLETE
    assert message.stop_note is None
    assert conversation.last_usage == Usage(50, 8, 0, 100)
    assert not conversation.can_retry


async def test_a_turn_keeps_the_text_of_a_failed_reply(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.drop_mid_stream("Partial answ", chunk_size=4))
    conversation = asking("Hi")
    turn = Turn(conversation)
    async for event in client.stream(conversation):
        turn.apply(event)
    assert turn.message.status is TurnStatus.FAILED
    assert turn.message.text == "Partial answ"
    assert turn.message.error is not None
    assert turn.message.error.kind == "interrupted"
    assert conversation.can_retry


async def test_thinking_and_tool_use_blocks_come_through_as_such(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(
        Reply.blocks(
            [
                {"type": "thinking", "thinking": "Weather needs a tool.", "signature": "sig-1"},
                {"type": "text", "text": "Let me look that up."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Paris", "days": 2},
                },
            ],
            chunk_size=6,
        )
    )
    conversation = asking("Weather in Paris?")
    turn = Turn(conversation)
    events: list[StreamEvent] = []
    async for event in client.stream(conversation):
        events.append(event)
        turn.apply(event)

    thinking = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    assert thinking == "Weather needs a tool."
    assert all(e.index == 1 for e in events if isinstance(e, TextDelta))
    assert text_of(events) == "Let me look that up."
    assert isinstance(next(e for e in events if isinstance(e, BlockStarted)).block, ThinkingBlock)
    finished_blocks = [e.block for e in events if isinstance(e, BlockFinished)]
    assert finished_blocks == [
        ThinkingBlock("Weather needs a tool.", signature="sig-1"),
        TextBlock("Let me look that up."),
        ToolUseBlock(id="toolu_1", name="get_weather", input={"city": "Paris", "days": 2}),
    ]
    assert isinstance(events[-1], Finished)
    assert events[-1].stop_reason == "tool_use"

    message = turn.message
    assert message.content == finished_blocks
    assert message.text == "Let me look that up."
    assert message.status is TurnStatus.COMPLETE
    assert message.stop_note == "Claude asked to use a tool, which this app does not offer."


# -- the request -----------------------------------------------------------------


async def test_the_request_carries_model_max_tokens_system_and_history(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    conversation = asking("First question", system="Answer in French.", max_tokens=321)
    conversation.append(reply("First answer"))
    conversation.append(Message.user("Second question"))
    await collect(client, conversation)

    fake_api.wait_for_requests(1)
    (request,) = fake_api.requests
    assert request.stream
    assert request.headers["authorization"] == "Bearer test-key"
    body = request.body
    assert body["model"] == MODEL
    assert body["max_tokens"] == 321
    assert body["system"] == "Answer in French."
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "First question"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "First answer"}]},
        {"role": "user", "content": [{"type": "text", "text": "Second question"}]},
    ]


async def test_no_system_prompt_is_sent_when_none_is_set(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    await collect(client, asking("Hi"))
    await collect(client, asking("Hi", system=""))
    assert len(fake_api.requests) == 2
    assert all("system" not in r.body for r in fake_api.requests)


def test_failed_and_empty_replies_are_left_out_and_their_messages_with_them() -> None:
    """A message whose turn failed is not answered: it is never glued to the next one."""
    conversation = asking("One")
    conversation.append(reply("Half an answ", TurnStatus.FAILED))
    conversation.append(Message.user("Two"))
    conversation.append(reply("", TurnStatus.COMPLETE))
    conversation.append(Message.user("Three"))
    conversation.append(reply("Answer to three"))
    conversation.append(Message.user("Four"))
    assert history_params(conversation.messages) == [
        {"role": "user", "content": [{"type": "text", "text": "Three"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Answer to three"}]},
        {"role": "user", "content": [{"type": "text", "text": "Four"}]},
    ]


def test_a_stopped_reply_with_text_is_kept() -> None:
    conversation = asking("One")
    conversation.append(reply("Partial answer", TurnStatus.STOPPED))
    conversation.append(Message.user("Go on"))
    assert history_params(conversation.messages) == [
        {"role": "user", "content": [{"type": "text", "text": "One"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Partial answer"}]},
        {"role": "user", "content": [{"type": "text", "text": "Go on"}]},
    ]


def test_a_reply_with_only_thinking_or_tool_use_counts_as_empty() -> None:
    conversation = asking("One")
    conversation.messages.append(
        Message(
            role="assistant",
            content=[ThinkingBlock("hmm", "sig"), ToolUseBlock(id="t", name="x")],
            stop_reason="tool_use",
        )
    )
    conversation.append(Message.user("Two"))
    assert history_params(conversation.messages) == [
        {"role": "user", "content": [{"type": "text", "text": "Two"}]}
    ]


def test_a_reply_is_sent_back_block_by_block_with_thinking_it_was_made_for() -> None:
    conversation = asking("One")
    conversation.messages.append(
        Message(
            role="assistant",
            content=[ThinkingBlock("hmm", "sig"), TextBlock("Part A"), TextBlock("Part B")],
        )
    )
    conversation.append(Message.user("Two"))
    assert history_params(conversation.messages)[1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "Part A"}, {"type": "text", "text": "Part B"}],
    }
    reply_id = conversation.messages[1].id
    assert history_params(conversation.messages, readable={reply_id})[1]["content"] == [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "text", "text": "Part A"},
        {"type": "text", "text": "Part B"},
    ]


def test_trailing_replies_are_dropped_so_a_retry_resends_the_last_user_message() -> None:
    for last in (
        reply("Complete answer"),
        reply("Stopped answ", TurnStatus.STOPPED),
        reply("Failed answ", TurnStatus.FAILED),
        reply("", TurnStatus.STREAMING),
    ):
        conversation = asking("One")
        conversation.append(reply("Answer one"))
        conversation.append(Message.user("Two"))
        conversation.append(last)
        messages = history_params(conversation.messages)
        assert messages[-1] == {"role": "user", "content": [{"type": "text", "text": "Two"}]}
        assert [m["role"] for m in messages] == ["user", "assistant", "user"]


def test_of_two_replies_in_a_row_the_later_is_sent() -> None:
    conversation = asking("One")
    conversation.append(reply("Stopped first try", TurnStatus.STOPPED))
    conversation.append(reply("Second try"))
    conversation.append(Message.user("Two"))
    assert history_params(conversation.messages)[1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "Second try"}],
    }


def test_a_stopped_reply_of_only_whitespace_is_left_out() -> None:
    conversation = asking("One")
    conversation.append(reply("\n\n", TurnStatus.STOPPED))
    conversation.append(Message.user("Two"))
    for turn in history_params(conversation.messages):
        for block in turn["content"]:
            assert block["text"].strip()


def test_build_request_uses_the_conversation_settings() -> None:
    request = build_request(asking("Hi", max_tokens=77), caching=False)
    assert request == {
        "model": MODEL,
        "max_tokens": 77,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
    }


# -- failures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "bad_request"),
        (401, "auth"),
        (403, "permission"),
        (404, "not_found"),
        (413, "too_large"),
        (429, "rate_limit"),
        (500, "server"),
        (529, "overloaded"),
    ],
)
async def test_an_http_error_yields_one_failed_of_its_kind(
    client: ClaudeClient, fake_api: FakeAnthropic, status: int, kind: str
) -> None:
    fake_api.enqueue(Reply.error(status, f"Details for {status}"))
    events = await collect(client, asking("Hi"))
    assert len(events) == 1
    error = the_failure(events)
    assert error.kind == kind
    assert error.status_code == status
    assert error.request_id is not None
    assert error.request_id.startswith("req_")
    assert error.detail == f"Details for {status}"
    assert len(fake_api.requests) == 1  # max_retries=0: no retry


async def test_distinct_kinds_get_distinct_titles(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    statuses = (400, 401, 403, 404, 413, 429, 500, 529)
    fake_api.enqueue(*(Reply.error(status) for status in statuses))
    titles = {the_failure(await collect(client, asking("Hi"))).title for _ in statuses}
    assert len(titles) == len(statuses)


async def test_nothing_listening_yields_a_connection_failure(make_client: MakeClient) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{free_port()}")
    error = the_failure(await collect(client, asking("Hi")))
    assert error.kind == "connection"
    assert error.status_code is None


async def test_no_headers_in_time_yields_a_timeout(
    make_client: MakeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.hang_before_headers(30))
    client = make_client(request_timeout=0.3)
    started = time.monotonic()
    error = the_failure(await collect(client, asking("Hi")))
    assert error.kind == "timeout"
    assert time.monotonic() - started < 20  # the timeout, not the 30 s the server holds


async def test_an_error_event_mid_stream_yields_overloaded_after_the_text(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.stream_error_event("Some text first", chunk_size=5))
    events = await collect(client, asking("Hi"))
    assert text_of(events) == "Some text first"
    error = the_failure(events)
    assert error.kind == "overloaded"
    assert error.detail == "Overloaded"


async def test_a_dropped_connection_yields_interrupted(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.drop_mid_stream("Some text", chunk_size=4))
    events = await collect(client, asking("Hi"))
    assert text_of(events) == "Some text"
    assert the_failure(events).kind == "interrupted"


async def test_a_stall_longer_than_the_timeout_yields_stalled(
    make_client: MakeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.stall("Some text", 30))
    client = make_client(request_timeout=0.3)
    started = time.monotonic()
    events = await collect(client, asking("Hi"))
    assert text_of(events) == "Some text"
    assert the_failure(events).kind == "stalled"
    assert time.monotonic() - started < 20  # the timeout, not the 30 s the server holds


async def test_a_stream_ended_without_message_stop_yields_incomplete(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    fake_api.enqueue(Reply.end_without_stop("Some text", chunk_size=4))
    conversation = asking("Hi")
    turn = Turn(conversation)
    events: list[StreamEvent] = []
    async for event in client.stream(conversation):
        events.append(event)
        turn.apply(event)
    assert text_of(events) == "Some text"
    assert the_failure(events).kind == "incomplete"
    assert turn.message.status is TurnStatus.FAILED
    assert turn.message.text == "Some text"


async def test_without_an_api_key_nothing_is_sent(
    make_client: MakeClient, fake_api: FakeAnthropic
) -> None:
    client = make_client(api_key=None)
    assert not client.has_credentials
    events = await collect(client, asking("Hi"))
    assert the_failure(events).kind == "no_api_key"
    assert events == [events[0]]
    await asyncio.sleep(0.05)
    assert fake_api.all_requests == []


# -- cancelling ------------------------------------------------------------------


async def test_cancelling_mid_stream_raises_cancelled_and_closes_the_connection(
    client: ClaudeClient, fake_api: FakeAnthropic
) -> None:
    gate = Gate(after="Hello")
    fake_api.enqueue(Reply.text("Hello, and the rest of a long reply", chunk_size=5, gate=gate))
    received: list[StreamEvent] = []

    async def consume() -> None:
        async for event in client.stream(asking("Hi")):
            received.append(event)

    task = asyncio.create_task(consume())
    await gate.wait_held_async()
    deadline = time.monotonic() + 5
    while text_of(received) != "Hello":
        assert time.monotonic() < deadline, received
        await asyncio.sleep(0.01)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not any(isinstance(e, Finished | Failed) for e in received)

    # The server goes on once released; with the client's socket closed its handler ends.
    # (If the connection were left open, the handler would wait there for a next request.)
    gate.release()
    deadline = time.monotonic() + 5
    while fake_api.open_connections:
        assert time.monotonic() < deadline, "the server never saw the connection close"
        await asyncio.sleep(0.01)
