"""The fake API's models, capabilities and thinking/sampling rules (tests/fake_models.py),
checked with the real SDK over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic
import pytest
from anthropic.types import Message, MessageParam

from tests.fake_api import FakeAnthropic, Reply

HELLO: list[MessageParam] = [{"role": "user", "content": "Hello"}]
OLD_VERSION = {"anthropic-version": "2023-06-01"}
SUMMARIZED: dict[str, Any] = {"type": "adaptive", "display": "summarized"}


@pytest.fixture
def server() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
async def client(server: FakeAnthropic) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with anthropic.AsyncAnthropic(
        api_key="k", base_url=server.url, max_retries=0
    ) as sdk_client:
        yield sdk_client


async def create(client: anthropic.AsyncAnthropic, **params: Any) -> Message:
    """A whole (not streamed) reply to HELLO unless `messages` is given, on Sonnet 5.5 unless
    `model` is given."""
    params = {"model": "claude-sonnet-5-5", "max_tokens": 4000, "messages": HELLO, **params}
    return await client.messages.create(**params)


async def refusal(client: anthropic.AsyncAnthropic, **params: Any) -> tuple[int, str, str]:
    """The status, error type and message the request is refused with."""
    with pytest.raises(anthropic.APIStatusError) as caught:
        await create(client, **params)
    body = caught.value.body
    assert isinstance(body, dict)
    return caught.value.status_code, body["error"]["type"], body["error"]["message"]


def bad(message: str) -> tuple[int, str, str]:
    return 400, "invalid_request_error", message


# GET /v1/models


async def test_the_models_are_listed_newest_first_with_their_capabilities(
    client: anthropic.AsyncAnthropic,
) -> None:
    models = {m.id: m async for m in client.models.list()}
    assert list(models) == [
        "claude-fable-5-1",
        "claude-opus-5-5",
        "claude-sonnet-5-5",
        "claude-haiku-5-5",
        "claude-sonnet-4-6",
        "claude-haiku-4-5",
    ]
    sonnet, haiku = models["claude-sonnet-5-5"], models["claude-haiku-4-5"]
    assert (sonnet.display_name, sonnet.max_input_tokens, sonnet.max_tokens) == (
        "Claude Sonnet 5.5",
        1_000_000,
        128_000,
    )
    assert (haiku.max_input_tokens, haiku.max_tokens) == (200_000, 64_000)
    assert sonnet.capabilities is not None and haiku.capabilities is not None
    types = sonnet.capabilities.thinking.types
    assert (types.adaptive.supported, types.between_tools.supported) == (True, True)
    assert (types.enabled.supported, types.disabled.supported) == (False, False)
    effort = sonnet.capabilities.effort
    assert [effort.low.supported, effort.max.supported] == [True, True]
    assert effort.xhigh is not None and not effort.xhigh.supported
    assert not haiku.capabilities.effort.supported
    assert not haiku.capabilities.thinking.types.adaptive.supported
    fable = models["claude-fable-5-1"].capabilities
    assert fable is not None
    assert fable.effort.xhigh is not None and fable.effort.xhigh.supported
    assert fable.image_input.supported and fable.pdf_input.supported
    assert fable.server_tools.web_search.supported


async def test_the_list_comes_in_pages_the_sdk_follows_and_one_model_by_id(
    client: anthropic.AsyncAnthropic, server: FakeAnthropic
) -> None:
    ids = [m.id async for m in client.models.list(limit=4)]
    assert len(ids) == 6 and ids[-1] == "claude-haiku-4-5"
    pages = [r.path for r in server.all_requests]
    assert pages == ["/v1/models?limit=4", "/v1/models?limit=4&after_id=claude-haiku-5-5"]
    page = await client.models.list(limit=2, before_id="claude-haiku-5-5")
    assert [m.id for m in page.data] == ["claude-opus-5-5", "claude-sonnet-5-5"]
    haiku = await client.models.retrieve("claude-haiku-4-5")
    assert haiku.display_name == "Claude Haiku 4.5"
    with pytest.raises(anthropic.NotFoundError, match="model: gpt-4o"):
        await client.models.retrieve("gpt-4o")


# POST /v1/messages: models, thinking, effort, sampling


async def test_an_unknown_model_is_not_found(client: anthropic.AsyncAnthropic) -> None:
    assert await refusal(client, model="gpt-4o") == (404, "not_found_error", "model: gpt-4o")


@pytest.mark.parametrize(
    ("model", "kind", "instead"),
    [
        ("claude-sonnet-5-5", "disabled", "between_tools"),
        ("claude-opus-5-5", "disabled", "adaptive"),
        ("claude-fable-5-1", "enabled", "adaptive"),
        ("claude-haiku-4-5", "adaptive", "enabled"),
        ("claude-haiku-5-5", "between_tools", "disabled"),
    ],
)
async def test_a_thinking_type_the_model_does_not_take_is_refused(
    client: anthropic.AsyncAnthropic, model: str, kind: str, instead: str
) -> None:
    thinking = {"type": kind, **({"budget_tokens": 2000} if kind == "enabled" else {})}
    assert await refusal(client, model=model, thinking=thinking) == bad(
        f"thinking.type: '{kind}' is not supported by {model}; use '{instead}'"
    )


@pytest.mark.parametrize(
    ("model", "thinking"),
    [
        ("claude-sonnet-5-5", {"type": "between_tools"}),
        ("claude-opus-5-5", {"type": "adaptive"}),
        ("claude-haiku-5-5", {"type": "disabled"}),
        ("claude-haiku-4-5", {"type": "enabled", "budget_tokens": 1024}),
        ("claude-sonnet-4-6", {"type": "adaptive", "display": "summarized"}),
    ],
)
async def test_a_thinking_type_the_model_takes_is_answered(
    client: anthropic.AsyncAnthropic, model: str, thinking: dict[str, Any]
) -> None:
    reply = await create(client, model=model, thinking=thinking)
    assert reply.stop_reason == "end_turn"


async def test_between_tools_is_only_for_the_lower_efforts(
    client: anthropic.AsyncAnthropic,
) -> None:
    between = {"type": "between_tools"}
    assert await refusal(client, thinking=between, output_config={"effort": "max"}) == bad(
        "thinking.type: 'between_tools' is not supported at effort 'max'; "
        "use effort 'low', 'medium' or 'high'"
    )
    reply = await create(client, thinking=between, output_config={"effort": "high"})
    assert reply.stop_reason == "end_turn"


async def test_a_thinking_budget_must_be_at_least_1024_and_below_max_tokens(
    client: anthropic.AsyncAnthropic,
) -> None:
    haiku = "claude-haiku-4-5"
    assert await refusal(
        client, model=haiku, thinking={"type": "enabled", "budget_tokens": 1023}
    ) == bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
    assert await refusal(
        client, model=haiku, max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 2000}
    ) == bad("`max_tokens` must be greater than `thinking.budget_tokens`")


@pytest.mark.parametrize(
    ("model", "effort", "message"),
    [
        ("claude-haiku-4-5", "low", "output_config.effort: is not supported by claude-haiku-4-5"),
        (
            "claude-sonnet-5-5",
            "xhigh",
            "output_config.effort: 'xhigh' is not supported by claude-sonnet-5-5; "
            "use 'low', 'medium', 'high', 'max'",
        ),
        (
            "claude-haiku-5-5",
            "max",
            "output_config.effort: 'max' is not supported by claude-haiku-5-5; "
            "use 'low', 'medium', 'high'",
        ),
    ],
)
async def test_an_effort_the_model_does_not_list_is_refused(
    client: anthropic.AsyncAnthropic, model: str, effort: str, message: str
) -> None:
    assert await refusal(client, model=model, output_config={"effort": effort}) == bad(message)


async def test_every_effort_the_fable_model_lists_is_answered(
    client: anthropic.AsyncAnthropic,
) -> None:
    for effort in ("low", "medium", "high", "xhigh", "max"):
        reply = await create(client, model="claude-fable-5-1", output_config={"effort": effort})
        assert reply.stop_reason == "end_turn"


@pytest.mark.parametrize(
    "model", ["claude-fable-5-1", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"]
)
async def test_the_5x_models_refuse_sampling_under_any_version(
    client: anthropic.AsyncAnthropic, model: str
) -> None:
    for name in ("temperature", "top_p", "top_k"):
        assert await refusal(
            client, model=model, extra_body={name: 0.5}, extra_headers=OLD_VERSION
        ) == bad(f"{name}: is not supported on this model")


@pytest.mark.parametrize("model", ["claude-sonnet-4-6", "claude-haiku-4-5"])
async def test_older_models_take_sampling_under_the_old_version_only(
    client: anthropic.AsyncAnthropic, server: FakeAnthropic, model: str
) -> None:
    sampling = {"temperature": 0.3, "top_p": 0.9, "top_k": 40}
    reply = await create(client, model=model, extra_body=sampling, extra_headers=OLD_VERSION)
    assert reply.stop_reason == "end_turn"
    assert server.requests[-1].body["temperature"] == 0.3
    assert await refusal(client, model=model, extra_body=sampling) == bad(
        "temperature: Extra inputs are not permitted"
    )


# Thinking: what is shown, signatures, sending it back


async def test_summarized_thinking_streams_its_text_with_a_bound_signature(
    client: anthropic.AsyncAnthropic,
) -> None:
    async with client.messages.stream(
        model="claude-sonnet-5-5",
        max_tokens=4000,
        messages=[{"role": "user", "content": "Is 7 prime?"}],
        thinking={"type": "adaptive", "display": "summarized"},
    ) as stream:
        thought = "".join([e.thinking async for e in stream if e.type == "thinking"])
        reply = await stream.get_final_message()
    assert thought == "Thinking about what you said: Is 7 prime?"
    thinking, text = reply.content
    assert thinking.type == "thinking" and thinking.thinking == thought
    assert thinking.signature.startswith("sig:")
    assert text.type == "text" and "> Is 7 prime?" in text.text


@pytest.mark.parametrize(
    ("model", "thinking"),
    [
        ("claude-sonnet-5-5", {"type": "adaptive", "display": "omitted"}),
        ("claude-sonnet-5-5", {"type": "adaptive"}),
        ("claude-haiku-5-5", {"type": "enabled", "budget_tokens": 2000}),
        ("claude-sonnet-4-6", {"type": "adaptive", "display": "omitted"}),
    ],
)
async def test_omitted_thinking_comes_empty_but_signed(
    client: anthropic.AsyncAnthropic, model: str, thinking: dict[str, Any]
) -> None:
    reply = await create(client, model=model, thinking=thinking)
    block = reply.content[0]
    assert block.type == "thinking"
    assert (block.thinking, block.signature[:4]) == ("", "sig:")


async def test_an_older_model_shows_thinking_unless_told_otherwise(
    client: anthropic.AsyncAnthropic,
) -> None:
    reply = await create(client, model="claude-sonnet-4-6", thinking={"type": "adaptive"})
    assert reply.content[0].type == "thinking"
    assert reply.content[0].thinking.startswith("Thinking about what you said: Hello")


@pytest.mark.parametrize(
    ("model", "thinking"),
    [
        ("claude-sonnet-5-5", None),
        ("claude-sonnet-5-5", {"type": "between_tools"}),
        ("claude-haiku-5-5", {"type": "disabled"}),
    ],
)
async def test_the_echo_does_not_think_unless_asked(
    client: anthropic.AsyncAnthropic, model: str, thinking: dict[str, Any] | None
) -> None:
    params = {} if thinking is None else {"thinking": thinking}
    reply = await create(client, model=model, **params)
    assert [block.type for block in reply.content] == ["text"]


async def test_a_scripted_thinking_block_without_signature_is_signed_for_its_request(
    client: anthropic.AsyncAnthropic, server: FakeAnthropic
) -> None:
    server.enqueue(
        Reply.blocks([{"type": "thinking", "thinking": "Hmm."}, {"type": "text", "text": "Yes."}]),
        Reply.blocks([{"type": "thinking", "thinking": "Kept.", "signature": "sig-1"}]),
    )
    signed = await create(client, system="Be brief.", thinking=SUMMARIZED)
    kept = await create(client)
    assert signed.content[0].type == "thinking"
    assert (signed.content[0].thinking, signed.content[0].signature[:4]) == ("Hmm.", "sig:")
    assert kept.content[0].type == "thinking"
    assert (kept.content[0].thinking, kept.content[0].signature) == ("Kept.", "sig-1")
    again = await create(client, system="Be brief.", messages=history(signed), thinking=SUMMARIZED)
    assert again.stop_reason == "end_turn"


def history(reply: Message, keep: str = "") -> list[MessageParam]:
    """HELLO, the reply sent back as it came (only its blocks of type `keep` if given), and
    a question."""
    blocks: list[Any] = [b.to_dict() for b in reply.content if keep in ("", b.type)]
    return [*HELLO, {"role": "assistant", "content": blocks}, {"role": "user", "content": "And?"}]


async def test_thinking_sent_back_under_another_system_prompt_is_refused(
    client: anthropic.AsyncAnthropic,
) -> None:
    first = await create(client, system="Be brief.", thinking=SUMMARIZED)
    assert await refusal(
        client, system="Be long.", messages=history(first), thinking=SUMMARIZED
    ) == bad(
        "messages.1.content.0: thinking block is bound to a different conversation "
        "(its system prompt or earlier messages changed)"
    )
    same_in_blocks = [{"type": "text", "text": "Be brief."}]
    again = await create(
        client, system=same_in_blocks, messages=history(first), thinking=SUMMARIZED
    )
    assert again.stop_reason == "end_turn"


async def test_thinking_made_by_another_model_is_ignored(
    client: anthropic.AsyncAnthropic,
) -> None:
    first = await create(client, model="claude-opus-5-5", thinking=SUMMARIZED)
    reply = await create(
        client, model="claude-sonnet-5-5", system="Other.", messages=history(first)
    )
    assert reply.stop_reason == "end_turn"


@pytest.mark.parametrize("signature", ["", "sig-1", "sig:0123:abc"])
async def test_thinking_without_a_valid_signature_is_refused(
    client: anthropic.AsyncAnthropic, signature: str
) -> None:
    first = await create(client, thinking=SUMMARIZED)
    messages = history(first)
    assistant_blocks: Any = messages[1]["content"]
    assistant_blocks[0]["signature"] = signature
    assert await refusal(client, messages=messages) == bad(
        "messages.1.content.0.thinking.signature: Field required"
    )


# Stop sequences and counting tokens


async def test_a_stop_sequence_ends_the_reply_streamed_or_whole(
    client: anthropic.AsyncAnthropic, server: FakeAnthropic
) -> None:
    server.enqueue(Reply.text("Up to", stop_sequence="###"), Reply.text("x", stop_sequence="END"))
    async with client.messages.stream(
        model="claude-sonnet-5-5", max_tokens=100, messages=HELLO, stop_sequences=["###"]
    ) as stream:
        deltas = [e async for e in stream if e.type == "message_delta"]
        streamed = await stream.get_final_message()
    whole = await create(client, stop_sequences=["END"])
    assert deltas[0].delta.stop_sequence == "###"
    assert (streamed.content[0].type, streamed.stop_reason, streamed.stop_sequence) == (
        "text",
        "stop_sequence",
        "###",
    )
    assert (whole.stop_reason, whole.stop_sequence) == ("stop_sequence", "END")


async def test_counting_tokens_checks_the_model_and_counts_thinking_too(
    client: anthropic.AsyncAnthropic,
) -> None:
    with pytest.raises(anthropic.NotFoundError, match="model: gpt-4o"):
        await client.messages.count_tokens(model="gpt-4o", messages=HELLO)
    first = await create(client, system="Be brief.", thinking=SUMMARIZED)
    short = await client.messages.count_tokens(model="claude-sonnet-5-5", messages=HELLO)
    long_system = await client.messages.count_tokens(
        model="claude-sonnet-5-5", messages=HELLO, system="Be brief. " * 40
    )
    with_history = await client.messages.count_tokens(
        model="claude-sonnet-5-5", system="Be brief.", messages=history(first)
    )
    lighter = await client.messages.count_tokens(
        model="claude-sonnet-5-5", system="Be brief.", messages=history(first, keep="text")
    )
    thinking = first.content[0]
    assert thinking.type == "thinking"
    assert short.input_tokens < long_system.input_tokens
    added = with_history.input_tokens - lighter.input_tokens
    assert abs(added - len(thinking.thinking) / 4) <= 1
