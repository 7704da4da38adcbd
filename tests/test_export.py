"""core/export.py: Markdown and JSON documents of a conversation, safe names, safe writes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.blocks import OtherBlock, TextBlock, ThinkingBlock, ToolUseBlock
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.pricing import PriceTable, format_cost
from claude_tui.domain.turn import Turn
from claude_tui.domain.usage import Usage
from claude_tui.store.export import default_filename, to_json, to_markdown, write_export
from tests.fake_api import FakeAnthropic, Reply

WHEN = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
CODE_REPLY = (
    "Here is the fix:\n\n"
    "```python\n"
    "def f():\n"
    "    return '```'  # a fence inside a string\n"
    "```\n\n"
    "## A heading of the reply's own\n\n"
    "~~~\nliteral ``` backticks\n~~~\n"
)


def _conversation(title: str = "A title", **changes: object) -> Conversation:
    conversation = Conversation(
        model="claude-sonnet-5-5",
        max_tokens=1024,
        id="abc123",
        title=title,
        created_at=WHEN,
        updated_at=WHEN,
    )
    return replace(conversation, **changes)


def _message(role: str, *blocks: object, **changes: object) -> Message:
    message = Message(role=role, content=list(blocks), created_at=WHEN)
    return replace(message, **changes)


def _front_matter(markdown: str) -> dict[str, object]:
    assert markdown.startswith("---\n")
    block = markdown[4 : markdown.index("\n---\n")]
    values: dict[str, object] = {}
    for line in block.split("\n"):
        key, _, value = line.partition(": ")
        values[key] = json.loads(value)  # each value is a JSON scalar, hence valid YAML
    return values


def test_the_front_matter_holds_any_title_as_a_quoted_scalar() -> None:
    title = 'He said "no": [bold]x[/bold]\n---\n# not a heading \x1b[2J \u0085 end'
    conversation = _conversation(title, system="Be brief.\nVery.")
    conversation.messages = [_message("user", TextBlock("hi"))]
    markdown = to_markdown(conversation)
    assert _front_matter(markdown) == {
        "title": title,
        "id": "abc123",
        "model": "claude-sonnet-5-5",
        "max_tokens": 1024,
        "system": "Be brief.\nVery.",
        "created": "2026-11-25T12:30:00+00:00",
        "updated": "2026-11-25T12:30:00+00:00",
        "messages": 1,
        "cost": "$0.00",
    }
    header = markdown[: markdown.index("\n---\n") + 5]
    assert header.count("\n---\n") == 1 and "\x1b" not in header and "\u0085" not in header
    assert '\n# He said "no": [bold]x[/bold] --- # not a heading \u241b[2J end\n' in markdown


def test_messages_are_headed_by_who_and_when_and_code_blocks_stay_intact() -> None:
    conversation = _conversation()
    conversation.messages = [
        _message("user", TextBlock("Fix `f`, please.\n\n```\nf()\n```")),
        _message("assistant", TextBlock(CODE_REPLY)),
    ]
    markdown = to_markdown(conversation)
    body = markdown.split("\n---\n", 1)[1]
    assert body == (
        "\n# A title\n\n"
        "## You — 2026-11-25 12:30 UTC\n\n"
        "Fix `f`, please.\n\n```\nf()\n```\n\n"
        "## Claude — 2026-11-25 12:30 UTC\n\n"
        f"{CODE_REPLY}"
    )
    assert "system:" not in markdown  # no system prompt, no line for it


def test_a_reply_cut_off_inside_a_code_block_does_not_swallow_what_follows() -> None:
    conversation = _conversation()
    conversation.messages = [
        _message("user", TextBlock("Write code")),
        _message(
            "assistant",
            TextBlock("Sure:\n\n````js\nlet a = 1;\n```\nlet b"),
            status=TurnStatus.STOPPED,
        ),
        _message("user", TextBlock("Go on")),
    ]
    markdown = to_markdown(conversation)
    assert (
        "````js\nlet a = 1;\n```\nlet b\n````\n\n"
        "_Reply incomplete: stopped before it finished._\n\n"
        "## You — 2026-11-25 12:30 UTC\n\nGo on\n"
    ) in markdown


def test_thinking_tool_calls_unknown_blocks_and_failures_are_shown_in_words() -> None:
    conversation = _conversation()
    failure = ErrorInfo(kind="overloaded", title="Claude is overloaded right now.")
    conversation.messages = [
        _message("user", TextBlock("Weather?")),
        _message(
            "assistant",
            ThinkingBlock("Let me think.\n\nA tool would help.", signature="sig"),
            ToolUseBlock(id="toolu_1", name="get_weather", input={"city": "Zürich"}),
            OtherBlock({"type": "redacted_thinking", "data": "xyz"}),
            TextBlock("It is sunny"),
            status=TurnStatus.FAILED,
            error=failure,
        ),
        _message("assistant", TextBlock("Long answer"), stop_reason="max_tokens"),
    ]
    markdown = to_markdown(conversation)
    assert (
        "> **Thinking**\n>\n> Let me think.\n>\n> A tool would help.\n\n"
        "**Tool call: get_weather**\n\n"
        '```json\n{\n  "city": "Zürich"\n}\n```\n\n'
        "_(a redacted_thinking block, not shown)_\n\n"
        "It is sunny\n\n"
        "_Reply incomplete: Claude is overloaded right now._\n\n"
    ) in markdown
    assert markdown.endswith("Long answer\n\n_Claude reached its limit._\n")
    assert "sig" not in markdown and "xyz" not in markdown


def test_each_metered_reply_ends_with_its_cost_and_the_header_has_the_total() -> None:
    conversation = _conversation()
    sonnet = {"model": "claude-sonnet-5-5", "usage": Usage(input_tokens=1000, output_tokens=110)}
    conversation.messages = [
        _message("user", TextBlock("Q")),
        _message("assistant", TextBlock("Done"), **sonnet),
        _message("assistant", TextBlock("Cut"), status=TurnStatus.STOPPED, **sonnet),
        _message("assistant", TextBlock("Long"), stop_reason="max_tokens", **sonnet),
        _message("assistant", TextBlock("Who?"), model="claude-mystery-1", usage=Usage(9, 9)),
        _message("assistant", TextBlock("Lost"), status=TurnStatus.FAILED),  # no usage
    ]
    one = (1000 * 2 + 110 * 10) / 1_000_000  # Sonnet 5.5: $0.0031
    assert format_cost(one) == "$0.0031" and format_cost(3 * one) == "$0.0093"
    markdown = to_markdown(conversation)
    assert _front_matter(markdown)["cost"] == "$0.0093 + unknown"
    assert "Done\n\n_Cost: $0.0031_\n\n" in markdown
    assert "Cut\n\n_Reply incomplete: stopped before it finished. Cost: $0.0031_\n\n" in markdown
    assert "Long\n\n_Claude reached its limit. Cost: $0.0031_\n\n" in markdown
    assert "Who?\n\n_Cost: unknown_\n\n" in markdown
    assert markdown.endswith("Lost\n\n_Reply incomplete: it failed_\n")
    # with the config file's prices
    cheap = {"input": 1, "output": 1, "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}
    prices = PriceTable.default().with_overrides({"claude-sonnet-5-5": cheap})
    repriced = to_markdown(conversation, prices)
    assert _front_matter(repriced)["cost"] == "$0.0033 + unknown"  # 3 x 1,110 tokens at $1
    assert "Done\n\n_Cost: $0.0011_\n\n" in repriced


def test_json_is_the_saved_schema_and_loads_back() -> None:
    conversation = _conversation("Round trip", system="sys")
    conversation.messages = [
        _message("user", TextBlock("hé\n")),
        _message("assistant", TextBlock("ok"), stop_reason="end_turn"),
    ]
    text = to_json(conversation)
    assert text.endswith("}\n") and "hé" in text
    data = json.loads(text)
    assert data["schema_version"] == 2
    assert Conversation.from_dict(data).to_dict() == conversation.to_dict() == data


@pytest.mark.parametrize(
    ("title", "fmt", "expected"),
    [
        ("How do I parse JSON?", "md", "how-do-i-parse-json.md"),
        ("../../etc/passwd", "json", "etc-passwd.json"),
        (".hidden", "md", "hidden.md"),
        ("Ünïcode — naïve café", "md", "ünïcode-naïve-café.md"),
        ("a_b\\c:d*e?f", "md", "a-b-c-d-e-f.md"),
        ("!!! ??? ...", "md", "conversation-abc123.md"),
        ("", "json", "conversation-abc123.json"),
    ],
)
def test_default_filename_is_a_safe_short_name(title: str, fmt: str, expected: str) -> None:
    assert default_filename(_conversation(title), fmt) == expected


def test_default_filename_is_bounded() -> None:
    name = default_filename(_conversation("word " * 100), "md")
    assert name.endswith(".md") and len(name) <= 63 and not name.startswith(("-", "."))
    assert "/" not in name and "--" not in name


def test_write_export_never_replaces_a_different_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    target.write_text("mine")
    first = write_export(target, "export one\n")
    second = write_export(target, "export two\n")
    again = write_export(target, "export one\n")  # the same text: the same file
    assert (first, second, again) == (tmp_path / "notes-1.md", tmp_path / "notes-2.md", first)
    assert target.read_text() == "mine"
    assert first.read_text() == "export one\n" and second.read_text() == "export two\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes-1.md", "notes-2.md", "notes.md"]


def test_write_export_writes_a_new_file_and_fails_loudly(tmp_path: Path) -> None:
    assert write_export(tmp_path / "a.json", "{}\n").read_text() == "{}\n"
    with pytest.raises(OSError):
        write_export(tmp_path / "missing" / "a.json", "{}\n")


async def test_the_api_key_never_appears_in_an_export(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    secret = "sk-ant-api03-UNIQUE-SECRET-0123456789"
    settings = replace(settings, api_key=secret)
    conversation = Conversation(model=settings.model, max_tokens=settings.max_tokens)
    conversation.append(Message.user("Say something"))
    fake_api.enqueue(Reply.text("Something."))
    client = ClaudeClient(settings)
    turn = Turn(conversation)
    try:
        async for event in client.stream(conversation):
            turn.apply(event)
    finally:
        await client.close()
    assert turn.message.text == "Something."
    assert fake_api.requests[0].headers["authorization"] == f"Bearer {secret}"  # it was used
    for document in (to_markdown(conversation), to_json(conversation)):
        assert "Something." in document
        assert secret not in document and "UNIQUE-SECRET" not in document
