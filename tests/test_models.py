"""Conversations, messages and blocks (core/models.py), and safe text (core/text.py)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from claude_tui.domain.blocks import OtherBlock, TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.conversation import (
    SCHEMA_VERSION,
    TITLE_LENGTH,
    UNBRANCHED_SCHEMA,
    Conversation,
)
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.text import ago, printable
from claude_tui.domain.usage import Usage
from claude_tui.domain.values import NewerSchemaError, SchemaError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def assistant(
    text: str = "Hello",
    *,
    status: TurnStatus = TurnStatus.COMPLETE,
    stop_reason: str | None = "end_turn",
    usage: Usage | None = None,
) -> Message:
    return Message(
        role="assistant",
        content=[TextBlock(text)] if text else [],
        status=status,
        stop_reason=stop_reason,
        usage=usage,
    )


def rich_conversation() -> Conversation:
    """A conversation using every field, with timestamps the file format keeps exactly."""
    conversation = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=4096,
        system="Be brief.",
        id="conv1",
        title="Weather in Paris",
        title_set_by_user=True,
        created_at=NOW,
        updated_at=NOW + timedelta(minutes=5),
    )
    conversation.messages = [
        Message(
            role="user",
            content=[TextBlock("What's the weather in Paris?")],
            id="m1",
            created_at=NOW,
        ),
        Message(
            role="assistant",
            id="m2",
            created_at=NOW + timedelta(seconds=1),
            content=[
                ThinkingBlock("The user wants weather.", signature="sig-abc"),
                TextBlock("Let me check."),
                ToolUseBlock(id="toolu_1", name="get_weather", input={"city": "Paris", "n": [1]}),
                OtherBlock({"type": "future_block", "payload": {"nested": [1, 2]}, "x": None}),
            ],
            status=TurnStatus.COMPLETE,
            response_id="msg_123",
            model="claude-sonnet-5-5-20261101",
            stop_reason="tool_use",
            usage=Usage(10, 20, 30, 40),
        ),
        Message(
            role="user",
            content=[TextBlock("And tomorrow?")],
            id="m3",
            created_at=NOW + timedelta(seconds=2),
        ),
        Message(
            role="assistant",
            id="m4",
            created_at=NOW + timedelta(seconds=3),
            content=[TextBlock("Tomorrow it")],
            status=TurnStatus.FAILED,
            error=ErrorInfo(
                kind="overloaded",
                title="Claude is overloaded right now.",
                detail="Overloaded",
                hint="Wait a moment.",
                status_code=529,
                request_id="req_1",
            ),
        ),
    ]
    return conversation


# -- round trip ------------------------------------------------------------------


def test_a_conversation_round_trips_through_its_dict_form() -> None:
    conversation = rich_conversation()
    data = conversation.to_dict()
    # Through real JSON text, as it goes to disk.
    loaded = Conversation.from_dict(json.loads(json.dumps(data)))
    assert loaded == conversation
    assert loaded.to_dict() == data


def test_each_block_type_keeps_its_fields() -> None:
    loaded = Conversation.from_dict(json.loads(json.dumps(rich_conversation().to_dict())))
    thinking, text, tool, other = loaded.messages[1].content
    assert thinking == ThinkingBlock("The user wants weather.", signature="sig-abc")
    assert text == TextBlock("Let me check.")
    assert tool == ToolUseBlock(id="toolu_1", name="get_weather", input={"city": "Paris", "n": [1]})
    assert isinstance(other, OtherBlock)
    assert other.type == "future_block"
    assert other.to_dict() == {"type": "future_block", "payload": {"nested": [1, 2]}, "x": None}


def test_usage_error_and_status_survive_the_round_trip() -> None:
    loaded = Conversation.from_dict(json.loads(json.dumps(rich_conversation().to_dict())))
    reply, failed = loaded.messages[1], loaded.messages[3]
    assert reply.usage == Usage(10, 20, 30, 40)
    assert reply.response_id == "msg_123"
    assert reply.model == "claude-sonnet-5-5-20261101"
    assert reply.stop_reason == "tool_use"
    assert reply.status is TurnStatus.COMPLETE
    assert failed.status is TurnStatus.FAILED
    assert failed.error == rich_conversation().messages[3].error
    assert failed.error is not None
    assert (failed.error.kind, failed.error.status_code, failed.error.request_id) == (
        "overloaded",
        529,
        "req_1",
    )
    assert failed.text == "Tomorrow it"


@pytest.mark.parametrize("status", [s for s in TurnStatus if s is not TurnStatus.STREAMING])
def test_every_status_round_trips(status: TurnStatus) -> None:
    message = assistant("x", status=status)
    data = json.loads(json.dumps(message.to_dict()))
    assert data["status"] == status.value
    assert Message.from_dict(data).status is status


def test_a_reply_saved_mid_stream_loads_as_interrupted_with_its_text() -> None:
    """A file written while a reply streamed, then the app died: keep the text, say so."""
    message = assistant("Half of it", status=TurnStatus.STREAMING)
    loaded = Message.from_dict(json.loads(json.dumps(message.to_dict())))
    assert loaded.status is TurnStatus.FAILED
    assert loaded.text == "Half of it"
    assert loaded.error is not None
    assert loaded.error.title == "claude-tui closed before this reply finished."


def test_the_dict_form_carries_the_schema_version() -> None:
    data = rich_conversation().to_dict()
    assert data["schema_version"] == UNBRANCHED_SCHEMA  # no branches: the older layout
    assert data["created_at"] == "2026-11-25T12:00:00.000+00:00"


# -- title -----------------------------------------------------------------------


def test_the_title_is_the_first_non_blank_line_of_the_first_user_message() -> None:
    conversation = Conversation(model="m", max_tokens=10)
    conversation.append(Message.user("\n   \n  Fix   my\tcode  \nsecond line"))
    conversation.append(assistant("Sure"))
    conversation.append(Message.user("Another question"))
    assert conversation.title == "Fix my code"


def test_a_long_title_is_truncated_with_an_ellipsis() -> None:
    conversation = Conversation(model="m", max_tokens=10)
    conversation.append(Message.user("word " * 40))
    assert len(conversation.title) == TITLE_LENGTH
    assert conversation.title.endswith("…")
    assert conversation.title.startswith("word word")


def test_a_blank_first_message_leaves_the_default_title() -> None:
    conversation = Conversation(model="m", max_tokens=10)
    conversation.append(Message.user("  \n\n "))
    assert conversation.title == "New conversation"


def test_a_title_set_by_the_user_is_kept() -> None:
    conversation = Conversation(model="m", max_tokens=10, title="Mine", title_set_by_user=True)
    conversation.append(Message.user("Something else"))
    assert conversation.title == "Mine"


# -- stop note, usage, retry -----------------------------------------------------


def test_a_complete_reply_that_did_not_end_its_turn_gets_a_stop_note() -> None:
    assert assistant(stop_reason="max_tokens").stop_note == "Claude reached its limit."
    assert assistant(stop_reason="end_turn").stop_note is None
    assert assistant(stop_reason="max_tokens", status=TurnStatus.FAILED).stop_note is None
    assert Message.user("hi").stop_note is None


def test_total_and_last_usage() -> None:
    conversation = Conversation(model="m", max_tokens=10)
    assert conversation.total_usage == Usage()
    assert conversation.last_usage is None
    conversation.append(Message.user("a"))
    conversation.append(assistant(usage=Usage(10, 5, 1, 2)))
    conversation.append(Message.user("b"))
    conversation.append(assistant(usage=Usage(100, 50, 3, 4)))
    conversation.append(Message.user("c"))
    conversation.append(assistant("", status=TurnStatus.FAILED))
    assert conversation.total_usage == Usage(110, 55, 4, 6)
    last = conversation.last_usage
    assert last == Usage(100, 50, 3, 4)
    assert last is not None
    assert last.prompt_tokens == 107


def test_can_retry_only_without_a_finished_last_reply() -> None:
    conversation = Conversation(model="m", max_tokens=10)
    assert not conversation.can_retry
    conversation.append(Message.user("a"))
    assert conversation.can_retry
    conversation.messages.append(assistant(status=TurnStatus.STREAMING))
    assert not conversation.can_retry
    conversation.messages[-1] = assistant(status=TurnStatus.COMPLETE)
    assert not conversation.can_retry
    conversation.messages[-1] = assistant(status=TurnStatus.FAILED)
    assert conversation.can_retry
    conversation.messages[-1] = assistant(status=TurnStatus.STOPPED)
    assert conversation.can_retry


# -- schema errors ---------------------------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


BROKEN = {
    "messages not a list": _set(("messages",), {"a": 1}),
    "messages missing": _drop(("messages",)),
    "a message not an object": _set(("messages", 0), "hello"),
    "unknown role": _set(("messages", 0, "role"), "system"),
    "role of wrong type": _set(("messages", 0, "role"), ["user"]),
    "content not a list": _set(("messages", 0, "content"), "hi"),
    "block not an object": _set(("messages", 0, "content", 0), 3),
    "block without type": _set(("messages", 0, "content", 0), {"text": "x"}),
    "block type unhashable": _set(("messages", 0, "content", 0), {"type": {"a": 1}}),
    "text block without text": _set(("messages", 0, "content", 0), {"type": "text"}),
    "text of wrong type": _set(("messages", 0, "content", 0, "text"), 5),
    "tool_use without name": _drop(("messages", 1, "content", 2, "name")),
    "thinking of wrong type": _set(("messages", 1, "content", 0, "thinking"), None),
    "unknown status": _set(("messages", 1, "status"), "exploded"),
    "status unhashable": _set(("messages", 1, "status"), ["complete"]),
    "usage not an object": _set(("messages", 1, "usage"), [1]),
    "usage count a string": _set(("messages", 1, "usage", "input_tokens"), "10"),
    "usage count a bool": _set(("messages", 1, "usage", "output_tokens"), True),
    "error not an object": _set(("messages", 3, "error"), "boom"),
    "error kind of wrong type": _set(("messages", 3, "error", "kind"), 3),
    "model missing": _drop(("model",)),
    "id of wrong type": _set(("id",), 42),
    "max_tokens a string": _set(("max_tokens",), "4096"),
    "max_tokens a bool": _set(("max_tokens",), True),
    "system of wrong type": _set(("system",), ["x"]),
    "title null": _set(("title",), None),
    "created_at missing": _drop(("created_at",)),
    "updated_at not a time": _set(("updated_at",), "yesterday"),
    "message created_at a number": _set(("messages", 0, "created_at"), 12),
    "schema_version missing": _drop(("schema_version",)),
    "schema_version a string": _set(("schema_version",), "1"),
    "stop_reason of wrong type": _set(("messages", 1, "stop_reason"), 1),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_a_wrong_shape_raises_schema_error(change: Any) -> None:
    data = copy.deepcopy(rich_conversation().to_dict())
    change(data)
    with pytest.raises(SchemaError) as caught:
        Conversation.from_dict(data)
    assert not isinstance(caught.value, NewerSchemaError)


@pytest.mark.parametrize("data", [None, [], "conversation", 1])
def test_a_conversation_that_is_not_an_object_raises_schema_error(data: object) -> None:
    with pytest.raises(SchemaError):
        Conversation.from_dict(data)


def test_a_higher_schema_version_raises_newer_schema_error() -> None:
    data = rich_conversation().to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    data["messages"] = "stored elsewhere in the new format"
    with pytest.raises(NewerSchemaError, match="newer"):
        Conversation.from_dict(data)


# -- core/text.py ----------------------------------------------------------------


def test_printable_makes_escape_sequences_visible() -> None:
    shown = printable("a\x1b[31mred\x1b[0m\x07 and \x9b2J")
    assert "\x1b" not in shown
    assert "\x07" not in shown
    assert "\x9b" not in shown
    assert shown == "a\u241b[31mred\u241b[0m\u2407 and \ufffd2J"


def test_printable_replaces_every_control_but_newline_and_tab() -> None:
    controls = "".join(chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    shown = printable(controls)
    leftovers = {c for c in shown if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0}
    assert leftovers == {"\t", "\n"}
    assert printable("\x00\x08\x7f") == "\u2400\u2408\u2421"


def test_printable_keeps_ordinary_text_and_normalises_crlf() -> None:
    text = "Héllo,\tworld!\nSecond line — ✓ 日本語"
    assert printable(text) == text
    assert printable("one\r\ntwo\r\n") == "one\ntwo\n"


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        (NOW - timedelta(seconds=20), "just now"),
        (NOW - timedelta(minutes=5, seconds=30), "5m ago"),
        (NOW - timedelta(hours=3, minutes=59), "3h ago"),
        (NOW - timedelta(hours=30), "yesterday"),
        (NOW - timedelta(days=3, hours=2), "3d ago"),
        (datetime(2026, 3, 4, 9, 0, tzinfo=UTC), "Mar 4"),
        (datetime(2025, 12, 31, 9, 0, tzinfo=UTC), "Dec 31, 2025"),
    ],
)
def test_ago_wording(then: datetime, expected: str) -> None:
    assert ago(then, NOW) == expected
