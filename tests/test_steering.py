"""A conversation's settings as sent (thinking, effort, sampling, caching, stop sequences),
the thinking sent back, Continue and pause_turn: through the real SDK over real HTTP to the
fake API, judged by what the server received and what lands on disk."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claude_tui.api.client import ClaudeClient
from claude_tui.api.request import build_request
from claude_tui.config import ConfigError, Settings, read_config_file
from claude_tui.domain.blocks import TextBlock, ThinkingBlock
from claude_tui.domain.catalog import Catalog
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.events import BlockFinished, BlockStarted, Finished, TextDelta, ThinkingDelta
from claude_tui.domain.message import Message, TurnStatus
from claude_tui.domain.settings import ChatSettings
from claude_tui.domain.steering import fitted_defaults
from claude_tui.domain.turn import Turn
from claude_tui.domain.usage import Usage
from claude_tui.session import ChatSession, TurnEnded
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.keeper import ConversationKeeper
from tests.fake_api import FakeAnthropic, Reply

MODEL = "claude-sonnet-5-5"


@pytest.fixture
async def session(settings: Settings, data_dir: Path) -> AsyncIterator[ChatSession]:
    client = ClaudeClient(settings)
    yield ChatSession(client, ConversationKeeper(ConversationStore(data_dir)))
    await client.close()


async def talk(session: ChatSession, conversation: Conversation, text: str | None) -> TurnEnded:
    """Send ``text`` (None: Continue the last reply) and run the turn to its end."""
    if text is not None:
        session.accept(conversation, text)
    ended = None
    async with contextlib.aclosing(
        session.run_turn(conversation, continuing=text is None)
    ) as updates:
        async for update in updates:
            if isinstance(update, TurnEnded):
                ended = update
    assert ended is not None
    return ended


def saved(data_dir: Path, conversation: Conversation) -> dict[str, Any]:
    path = data_dir / "conversations" / f"{conversation.id}.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


async def test_each_setting_goes_out_as_the_api_wants_it(
    session: ChatSession, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    settings = ChatSettings(
        model="claude-haiku-4-5",
        max_tokens=3000,
        system="Talk like a pirate",
        thinking="budget",
        thinking_budget=2048,
        effort="low",
        temperature=0.3,
        top_p=0.9,
        stop_sequences=("END",),
    )
    conversation = Conversation.start(settings)
    await talk(session, conversation, "Ahoy")
    request = fake_api.requests[-1]
    assert request.headers["anthropic-version"] == "2023-06-01"  # the one taking sampling
    body = request.body
    assert body["system"] == "Talk like a pirate"
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048, "display": "summarized"}
    assert body["output_config"] == {"effort": "low"}
    assert (body["temperature"], body["top_p"]) == (0.3, 0.9)
    assert body["stop_sequences"] == ["END"]
    assert body["cache_control"] == {"type": "ephemeral"}
    # what was sent stays with the reply, for its details
    reply = saved(data_dir, conversation)["messages"][1]
    assert reply["request"]["temperature"] == 0.3
    assert reply["request"]["anthropic_version"] == "2023-06-01"
    assert reply["request"]["system_characters"] == len("Talk like a pirate")
    assert "messages" not in reply["request"]


async def test_without_sampling_the_sdk_default_version_is_sent_and_caching_can_be_off(
    settings: Settings, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    client = ClaudeClient(replace(settings, prompt_caching=False))
    session = ChatSession(client, ConversationKeeper(ConversationStore(data_dir)))
    conversation = Conversation.start(ChatSettings(MODEL, 1000, thinking="adaptive"))
    await talk(session, conversation, "Hi")
    await client.close()
    request = fake_api.requests[-1]
    assert request.headers["anthropic-version"] != "2023-06-01"
    assert "temperature" not in request.body and "cache_control" not in request.body
    assert request.body["thinking"] == {"type": "adaptive", "display": "summarized"}


@pytest.mark.parametrize(
    ("choice", "sent"),
    [
        ("off", {"type": "disabled"}),
        ("between_tools", {"type": "between_tools"}),
        ("adaptive", {"type": "adaptive", "display": "summarized"}),
        (None, None),
    ],
)
def test_thinking_choices(choice: str | None, sent: dict[str, Any] | None) -> None:
    conversation = Conversation.start(ChatSettings(MODEL, 1000, thinking=choice))
    conversation.append(Message.user("Hi"))
    assert build_request(conversation).get("thinking") == sent


def _thinking_conversation(system: str | None) -> Conversation:
    conversation = Conversation.start(ChatSettings(MODEL, 1000, system=system))
    conversation.append(Message.user("What is 2+2?"))
    turn = Turn(conversation)
    turn.apply(BlockFinished(0, ThinkingBlock("Two and two.", "sig-1")))
    turn.apply(BlockFinished(1, TextBlock("Four.")))
    turn.apply(Finished("end_turn", Usage(10, 5)))
    conversation.append(Message.user("And 3+3?"))
    return conversation


def _sent_thinking(conversation: Conversation) -> list[dict[str, Any]]:
    return [
        block
        for turn in build_request(conversation)["messages"]
        for block in turn["content"]
        if block["type"] == "thinking"
    ]


def test_thinking_goes_back_with_its_signature_while_its_context_holds() -> None:
    conversation = _thinking_conversation("Be brief")
    assert _sent_thinking(conversation) == [
        {"type": "thinking", "thinking": "Two and two.", "signature": "sig-1"}
    ]


def test_a_changed_system_prompt_leaves_earlier_thinking_out() -> None:
    conversation = _thinking_conversation("Be brief")
    conversation.apply(conversation.settings.with_changes(system="Be thorough"))
    assert _sent_thinking(conversation) == []
    texts = [b["text"] for t in build_request(conversation)["messages"] for b in t["content"]]
    assert texts == ["What is 2+2?", "Four.", "And 3+3?"]  # the words all still go
    conversation.apply(conversation.settings.with_changes(system="Be brief"))
    assert len(_sent_thinking(conversation)) == 1  # changed back: it reads again


def test_another_model_gets_no_thinking_it_cannot_read() -> None:
    conversation = _thinking_conversation(None)
    conversation.apply(conversation.settings.with_changes(model="claude-opus-5-5"))
    assert _sent_thinking(conversation) == []


def test_the_settings_survive_the_file_and_an_old_file_reads_with_none_set(
    data_dir: Path,
) -> None:
    store = ConversationStore(data_dir)
    settings = ChatSettings(MODEL, 500, "sys", "budget", 2048, "high", 0.2, 0.5, ("X", "Y"))
    conversation = Conversation.start(settings)
    store.save(conversation)
    assert store.load(conversation.id).settings == settings
    old = {
        "schema_version": 1,
        "id": "old",
        "title": "Old",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "model": MODEL,
        "max_tokens": 100,
        "system": None,
        "messages": [],
    }
    (data_dir / "conversations" / "old.json").write_text(json.dumps(old))
    loaded = store.load("old").settings
    assert loaded == ChatSettings(MODEL, 100)
    assert build_request(store.load("old")).keys() == {
        "model",
        "max_tokens",
        "messages",
        "cache_control",
    }


def test_a_setting_a_hand_edited_file_holds_wrongly_is_not_set_and_the_file_opens() -> None:
    data = Conversation.start(ChatSettings(MODEL, 100)).to_dict()
    data.update(temperature="hot", effort="maximal", thinking="sometimes", top_p=0.5)
    loaded = Conversation.from_dict(data).settings
    assert (loaded.temperature, loaded.effort, loaded.thinking, loaded.top_p) == (
        None,
        None,
        None,
        0.5,
    )


def test_the_config_file_gives_new_conversations_their_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('temperature = 0.3\neffort = "low"\nthinking = "off"\nprompt_caching = false\n')
    values = read_config_file(path)
    defaults = Settings(**values).chat_defaults()
    assert (defaults.temperature, defaults.effort, defaults.thinking) == (0.3, "low", "off")
    assert values["prompt_caching"] is False
    for bad, words in (
        ("temperature = 3", "temperature must be between 0 and 1"),
        ('thinking = "sometimes"', "thinking must be one of"),
        ('effort = "maximal"', "effort must be one of"),
    ):
        path.write_text(bad + "\n")
        with pytest.raises(ConfigError, match=words):
            read_config_file(path)


async def test_continue_after_max_tokens_makes_one_joined_reply(
    session: ChatSession, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    conversation = Conversation.start(ChatSettings(MODEL, 1024))
    fake_api.enqueue(
        Reply.text("The first half, ", stop_reason="max_tokens", output_tokens=1024),
        Reply.text("and the rest.", input_tokens=1040, output_tokens=4),
    )
    await talk(session, conversation, "Tell me everything")
    assert conversation.messages[-1].stop_note == "Claude reached the 1,024-token limit."
    await talk(session, conversation, None)
    sent = fake_api.requests[-1].body["messages"]
    assert sent[-1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "The first half,"}],  # no trailing space
    }
    reply = saved(data_dir, conversation)["messages"]
    assert len(reply) == 2
    assert reply[1]["content"] == [{"type": "text", "text": "The first half, and the rest."}]
    assert reply[1]["stop_reason"] == "end_turn"
    assert reply[1]["usage"]["output_tokens"] == 1028  # both parts billed
    assert reply[1]["usage"]["input_tokens"] == 1050


async def test_a_paused_turn_goes_on_by_itself_into_the_same_reply(
    session: ChatSession, fake_api: FakeAnthropic, data_dir: Path
) -> None:
    conversation = Conversation.start(ChatSettings(MODEL, 1000))
    fake_api.enqueue(
        Reply.text("Searching the web. ", stop_reason="pause_turn"),
        Reply.text("Found it."),
    )
    ended = await talk(session, conversation, "Find it")
    assert len(fake_api.requests) == 2
    assert fake_api.requests[1].body["messages"][-1]["role"] == "assistant"
    assert ended.turn.message.status is TurnStatus.COMPLETE
    reply = saved(data_dir, conversation)["messages"][1]
    assert reply["content"] == [{"type": "text", "text": "Searching the web. Found it."}]
    assert reply["stop_reason"] == "end_turn"


def test_a_reply_knows_its_first_token_its_thinking_and_its_whole_time() -> None:
    now = [100.0]
    conversation = Conversation.start(ChatSettings(MODEL, 1000))
    conversation.append(Message.user("Hi"))
    turn = Turn(conversation, clock=lambda: now[0])
    now[0] = 101.5
    turn.apply(BlockStarted(0, ThinkingBlock("")))
    turn.apply(ThinkingDelta(0, "Hmm"))
    now[0] = 113.5
    turn.apply(BlockFinished(0, ThinkingBlock("Hmm", "sig")))
    turn.apply(TextDelta(1, "Hello"))
    now[0] = 115.0
    turn.apply(Finished("end_turn", Usage(10, 20)))
    message = turn.message
    assert message.first_token_seconds == 1.5
    assert message.thinking_seconds == 12.0
    assert message.duration_seconds == 15.0
    again = Message.from_dict(json.loads(json.dumps(message.to_dict())))
    assert (again.first_token_seconds, again.thinking_seconds, again.duration_seconds) == (
        1.5,
        12.0,
        15.0,
    )


def test_stop_reasons_in_words() -> None:
    def note(reason: str, **fields: Any) -> str | None:
        message = Message(role="assistant", stop_reason=reason, **fields)
        return message.stop_note

    assert note("max_tokens", max_tokens=1024) == "Claude reached the 1,024-token limit."
    assert note("stop_sequence", stop_sequence="END") == "Stopped at the stop sequence “END”."
    assert note("refusal") == "Claude declined to answer this."
    assert note("model_context_window_exceeded") == (
        "The conversation is longer than the model can read."
    )
    assert note("end_turn") is None


async def test_a_model_that_refuses_sampling_gets_the_apis_words_and_the_way_forward(
    session: ChatSession, data_dir: Path
) -> None:
    conversation = Conversation.start(ChatSettings(MODEL, 1000, temperature=0.3))
    ended = await talk(session, conversation, "Hi")
    error = ended.turn.message.error
    assert error is not None and error.status_code == 400
    assert "temperature" in error.detail  # the API's own refusal
    assert "clear temperature and top_p in the conversation's settings" in error.hint
    assert saved(data_dir, conversation)["messages"][0]["content"][0]["text"] == "Hi"


async def test_a_thinking_choice_the_model_refuses_says_where_to_change_it(
    session: ChatSession,
) -> None:
    conversation = Conversation.start(ChatSettings(MODEL, 1000, thinking="off"))
    ended = await talk(session, conversation, "Hi")
    error = ended.turn.message.error
    assert error is not None and "disabled" in error.detail
    assert error.hint == "Change thinking in the conversation's settings, or pick another model."


def test_a_new_conversation_starts_with_the_defaults_fitted_to_its_model() -> None:
    catalog = Catalog.fallback()
    wanted = ChatSettings("claude-haiku-4-5", 200_000, thinking="adaptive", effort="xhigh")
    fitted = fitted_defaults(wanted, catalog)
    assert (fitted.model, fitted.thinking, fitted.effort) == ("claude-haiku-4-5", "budget", None)
    assert fitted.max_tokens == 64_000
    sonnet = fitted_defaults(wanted.with_changes(model=MODEL, thinking="off"), catalog)
    assert sonnet.thinking == "between_tools"
    unknown = wanted.with_changes(model="claude-next-9")
    assert fitted_defaults(unknown, catalog) == unknown  # the API will say


def test_flags_set_the_settings_of_a_new_conversation(cli: Any, fake_api: FakeAnthropic) -> None:
    result = cli.run(
        "--model", "claude-sonnet-4-6", "--thinking", "off", "--effort", "low",
        "--temperature", "0.2", "-p", "hi",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = fake_api.requests[-1].body
    assert (body["thinking"], body["output_config"], body["temperature"]) == (
        {"type": "disabled"},
        {"effort": "low"},
        0.2,
    )
    refused = cli.run("--temperature", "7", "-p", "hi")
    assert refused.returncode == 2
    assert "temperature must be between 0 and 1" in refused.stderr
