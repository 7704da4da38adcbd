"""The meter without the app: Continue's condition, a continued reply's prompt, what the
status bar, a reply's meter line, its details and a thinking's line say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claude_tui.domain.blocks import TextBlock
from claude_tui.domain.catalog import ModelInfo
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.events import Finished, MessageStarted, TextDelta, UsageUpdated
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.turn import Turn
from claude_tui.domain.usage import Usage
from claude_tui.tui.estimate import count_params, estimate_text, with_draft
from claude_tui.tui.screens.details import asked_rows, detail_rows, stop_words
from claude_tui.tui.status import status_of
from claude_tui.tui.widgets.reply_footer import fit, meter_parts, tokens_per_second
from claude_tui.tui.widgets.status_bar import StatusInfo, gauge_section, usage_section
from claude_tui.tui.widgets.thinking import WordCount, thinking_summary

WHEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SONNET = ModelInfo("claude-sonnet-5-5", "Claude Sonnet 5.5", max_input_tokens=1_000_000)


def reply(stop_reason: str | None = "end_turn", **fields: object) -> Message:
    options: dict[str, object] = {
        "content": [TextBlock("An answer.")],
        "model": "claude-sonnet-5-5",
        "usage": Usage(input_tokens=1000, output_tokens=500, cache_read_input_tokens=200_000),
        "created_at": WHEN,
        **fields,
    }
    return Message(role="assistant", stop_reason=stop_reason, **options)  # type: ignore[arg-type]


def conversation_of(*replies: Message, model: str = "claude-sonnet-5-5") -> Conversation:
    conversation = Conversation(model=model, max_tokens=8192)
    for answer in replies:
        conversation.append(Message.user("A question."))
        conversation.append(answer)
    return conversation


def text(parts: list[str | tuple[str, str]]) -> str:
    return "".join(part if isinstance(part, str) else part[0] for part in parts)


# -- Continue ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop_reason", "status", "can"),
    [
        ("max_tokens", TurnStatus.COMPLETE, True),
        ("pause_turn", TurnStatus.COMPLETE, True),
        ("end_turn", TurnStatus.COMPLETE, False),
        ("refusal", TurnStatus.COMPLETE, False),
        ("max_tokens", TurnStatus.STOPPED, True),  # stopped by the user: it goes on too
        (None, TurnStatus.STOPPED, True),
        ("end_turn", TurnStatus.FAILED, False),
    ],
)
def test_a_conversation_can_continue_only_a_last_reply_cut_where_it_can_go_on(
    stop_reason: str | None, status: TurnStatus, can: bool
) -> None:
    conversation = conversation_of(reply(stop_reason, status=status))
    assert conversation.can_continue is can
    conversation.append(Message.user("Something else."))
    assert not conversation.can_continue  # no longer the last message
    assert not Conversation(model="m", max_tokens=1).can_continue


def test_a_continued_reply_keeps_the_prompt_of_its_newest_request_apart() -> None:
    conversation = conversation_of(reply("max_tokens"))
    first = conversation.messages[-1]
    assert first.context_tokens == 201_000  # a reply of one request: its usage says
    turn = Turn(conversation, resume=first)
    turn.apply(MessageStarted("msg_2", "claude-sonnet-5-5", Usage(input_tokens=1600)))
    turn.apply(TextDelta(0, " More."))
    turn.apply(UsageUpdated(Usage(input_tokens=1600, output_tokens=40)))
    turn.apply(Finished("end_turn", Usage(input_tokens=1600, output_tokens=40)))
    assert first.usage is not None and first.usage.prompt_tokens == 202_600  # summed: billed
    assert first.context_tokens == 1600  # what the context window held the second time
    assert Message.from_dict(first.to_dict()).last_prompt_tokens == 1600
    assert "last_prompt_tokens" not in reply().to_dict()  # only a continued reply has it


# -- the status bar ------------------------------------------------------------------


def test_the_status_prices_the_last_turn_and_the_conversation_by_hand() -> None:
    conversation = conversation_of(reply(), reply())
    info = status_of(conversation, None, None, True, model=SONNET)
    # claude-sonnet-5-5 after 2026-10-07: input 2, cache read 0.10, output 10 per million
    one = (1000 * 2 + 200_000 * 0.10 + 500 * 10) / 1_000_000
    assert info.last_cost == pytest.approx(one)
    assert info.total_cost is not None and info.total_cost.dollars == pytest.approx(2 * one)
    assert info.context_used == 201_000 and info.context_window == 1_000_000
    assert text(usage_section("last", info.last, None, cache=True).parts) == (  # type: ignore[arg-type]
        "last in 1,000 · out 500 · cache read 200,000"
    )


def test_a_model_without_a_price_costs_unknown_and_no_window_hides_the_gauge() -> None:
    conversation = conversation_of(reply(model="claude-mystery-1"), model="claude-mystery-1")
    info = status_of(conversation, None, None, True, model=None)
    assert info.last_cost is None
    assert info.total_cost is not None and info.total_cost.unpriced == 1
    assert info.last is not None
    section = usage_section("last", info.last, info.total_cost, cache=False)
    assert text(section.parts).endswith("· cost unknown")
    assert gauge_section(info) is None


@pytest.mark.parametrize(
    ("used", "level", "said"),
    [
        (500_000, "", "context 50% ███░░░"),
        (850_000, "high", "context 85% █████░"),
        (970_000, "full", "context 97% ██████ · start a new conversation (Ctrl+N)"),
    ],
)
def test_the_gauge_warns_at_80_and_says_what_to_do_at_95(used: int, level: str, said: str) -> None:
    info = StatusInfo(model="m", context_used=used, context_window=1_000_000)
    assert info.context_level == level
    section = gauge_section(info)
    assert section is not None and text(section.parts) == said
    styles = " ".join(part[1] for part in section.parts if isinstance(part, tuple))
    assert ("$error" in styles) is (level == "full")
    assert ("$warning" in styles) is (level == "high")


# -- a reply's meter line and details ----------------------------------------------


def test_the_meter_line_says_what_a_reply_took_and_drops_the_least_first() -> None:
    message = reply(
        first_token_seconds=1.25, duration_seconds=6.25, response_id="msg_x", max_tokens=8192
    )
    parts = meter_parts(message, None)
    line = fit(parts, 0)
    assert line == (
        "claude-sonnet-5-5 · in 1,000 · out 500 · cache read 200,000 · $0.027 · "
        "first token 1.2 s · 100 tok/s · end turn"
    )
    assert tokens_per_second(message) == pytest.approx(100.0)
    kept = "claude-sonnet-5-5 · in 1,000 · out 500 · cache read 200,000 · $0.027"
    assert fit(parts, 70) == kept  # its time, speed and stop reason left out
    assert fit(parts, 10) == "claude-sonnet-5-5"
    assert meter_parts(reply(status=TurnStatus.STREAMING), None) == []
    stopped = fit(meter_parts(reply(status=TurnStatus.STOPPED), None), 0)
    assert "out" not in stopped and "≥ $" in stopped  # its output was never counted


def test_the_details_list_everything_in_words() -> None:
    message = reply(
        "max_tokens",
        max_tokens=8192,
        first_token_seconds=0.5,
        thinking_seconds=2.0,
        duration_seconds=12.0,
        request={
            "model": "claude-sonnet-5-5",
            "max_tokens": 8192,
            "thinking": {"type": "adaptive", "display": "summarized"},
            "output_config": {"effort": "high"},
            "temperature": 0.3,
            "stop_sequences": ["END"],
            "cache_control": {"type": "ephemeral"},
            "anthropic_version": "2023-06-01",
            "system_characters": 42,
        },
    )
    rows = dict(detail_rows(message) + asked_rows(message.request, message))
    assert rows["Ended"] == "Claude reached the 8,192-token limit. (max_tokens)"
    assert rows["Input"] == "1,000" and rows["Cache read"] == "200,000"
    assert rows["Cost"].startswith("$0.027 (prices checked ")
    assert rows["First token after"] == "0.5 s" and rows["Whole reply"] == "12 s"
    assert rows["Tokens per second"] == "43"
    assert rows["Thinking"] == "adaptive (summarized)"  # the asked-for one, listed last
    assert rows["Effort"] == "high" and rows["Temperature"] == "0.3"
    assert rows["Stop sequences"] == '"END"' and rows["Prompt caching"] == "on (5 minutes)"
    assert rows["API version"] == "2023-06-01" and rows["System prompt"] == "42 characters"
    assert stop_words(reply()) == "Claude ended its turn (end_turn)"
    assert dict(asked_rows(None, message))["Request"] == "not recorded"


# -- thinking and the estimate -------------------------------------------------------


def test_a_thinking_line_counts_words_as_they_arrive() -> None:
    count = WordCount()
    assert count.of("Let me") == 2
    assert count.of("Let me thi") == 3
    assert count.of("Let me think about\nit ") == 5
    assert count.of("other") == 1  # a new text: counted again
    assert thinking_summary(120, done=False, seconds=None).plain == "▸ Thinking… · 120 words"
    done = thinking_summary(1840, done=True, seconds=12.4, expanded=True).plain
    assert done == "▾ Thought for 12 s · 1,840 words"
    assert thinking_summary(0, done=True, seconds=3).plain.endswith("not shown by the API")


def test_the_estimate_counts_the_history_and_the_draft() -> None:
    conversation = conversation_of(reply())
    drafted = with_draft(conversation, "And now?")
    assert drafted.messages[-1].text == "And now?" and len(conversation.messages) == 2
    params = count_params({"model": "m", "messages": [], "max_tokens": 5, "thinking": {}})
    assert params == {"model": "m", "messages": [], "thinking": {}}
    assert estimate_text(12_400, 0.0248) == "≈ 12,400 tokens · ≈ $0.025"
    assert estimate_text(12_400, None) == "≈ 12,400 tokens"
