"""The fake API, checked with the real SDK over real HTTP (see the findings atop fake_api.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
from anthropic.lib.streaming import AsyncMessageStream
from anthropic.types import MessageParam

from tests.fake_api import FakeAnthropic, Gate, Reply

MODEL = "claude-sonnet-5-5"
HELLO: list[MessageParam] = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def server() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as fake:
        yield fake


def client_for(server: FakeAnthropic, **options: Any) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key="test-key", base_url=server.url, max_retries=0, **options
    )


@contextlib.asynccontextmanager
async def open_stream(
    server: FakeAnthropic, messages: Iterable[MessageParam] = HELLO, **options: Any
) -> AsyncIterator[AsyncMessageStream[Any]]:
    """A stream of the reply to `messages`, from a client made with `options`."""
    async with (
        client_for(server, **options) as client,
        client.messages.stream(model=MODEL, max_tokens=100, messages=messages) as stream,
    ):
        yield stream


async def stream_text(
    server: FakeAnthropic, received: list[str] | None = None, **options: Any
) -> str | None:
    """Stream a reply to HELLO, appending each text delta to `received`; its stop reason."""
    async with open_stream(server, **options) as stream:
        async for event in stream:
            if event.type == "text" and received is not None:
                received.append(event.text)
        return (await stream.get_final_message()).stop_reason


def post(server: FakeAnthropic, path: str, body: object, headers: dict[str, str]) -> Any:
    """POST with urllib, to send what the SDK would not; the status and the JSON body."""
    request = urllib.request.Request(
        server.url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


# Streamed and whole replies


@pytest.mark.asyncio
async def test_a_streamed_text_arrives_whole_with_stop_reason_and_usage(
    server: FakeAnthropic,
) -> None:
    text = "Hello, streaming world!"
    server.enqueue(Reply.text(text, chunk_size=4, input_tokens=12, cache_read_input_tokens=5))
    starts = []
    pieces = []
    async with open_stream(server) as stream:
        async for event in stream:
            if event.type == "message_start":
                starts.append(event.message)
            elif event.type == "text":
                pieces.append(event.text)
        final = await stream.get_final_message()
    assert "".join(pieces) == text
    assert len(pieces) == 6
    assert starts[0].usage.output_tokens == 1
    assert final.content[0].type == "text"
    assert final.content[0].text == text
    assert final.stop_reason == "end_turn"
    assert final.model == MODEL
    assert final.id.startswith("msg_")
    assert final.usage.input_tokens == 12
    assert final.usage.cache_read_input_tokens == 5
    assert final.usage.output_tokens == len(text) // 4 + 1


@pytest.mark.asyncio
async def test_a_reply_can_set_model_id_stop_reason_and_output_tokens(
    server: FakeAnthropic,
) -> None:
    server.enqueue(
        Reply.text(
            "Cut",
            model="claude-opus-5-5",
            message_id="msg_1",
            stop_reason="max_tokens",
            output_tokens=99,
        )
    )
    async with open_stream(server) as stream:
        final = await stream.get_final_message()
    assert (final.model, final.id, final.stop_reason) == ("claude-opus-5-5", "msg_1", "max_tokens")
    assert final.usage.output_tokens == 99


@pytest.mark.asyncio
async def test_create_without_stream_returns_the_whole_message(server: FakeAnthropic) -> None:
    server.enqueue(Reply.text("All at once", input_tokens=3, cache_creation_input_tokens=7))
    async with client_for(server) as client:
        message = await client.messages.create(model=MODEL, max_tokens=100, messages=HELLO)
    assert message.content[0].type == "text"
    assert message.content[0].text == "All at once"
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 3
    assert message.usage.cache_creation_input_tokens == 7
    assert message.usage.output_tokens == len("All at once") // 4 + 1
    assert server.requests[-1].stream is False


@pytest.mark.asyncio
async def test_thinking_and_tool_use_blocks_arrive_as_such(server: FakeAnthropic) -> None:
    server.enqueue(
        Reply.blocks(
            [
                {"type": "thinking", "thinking": "Let me look it up.", "signature": "sig-1"},
                {"type": "text", "text": "Looking it up."},
                {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": [1, "x"]}},
            ],
            chunk_size=5,
        )
    )
    event_types = set()
    async with open_stream(server) as stream:
        async for event in stream:
            event_types.add(event.type)
        final = await stream.get_final_message()
    assert {"thinking", "signature", "text", "input_json"} <= event_types
    thinking, text, tool_use = final.content
    assert thinking.type == "thinking"
    assert (thinking.thinking, thinking.signature) == ("Let me look it up.", "sig-1")
    assert text.type == "text"
    assert text.text == "Looking it up."
    assert tool_use.type == "tool_use"
    assert (tool_use.id, tool_use.name, tool_use.input) == ("toolu_1", "lookup", {"q": [1, "x"]})
    assert final.stop_reason == "tool_use"


@pytest.mark.asyncio
async def test_a_reply_of_ten_thousand_blocks_arrives_block_by_block(
    server: FakeAnthropic,
) -> None:
    server.enqueue(Reply.many_blocks(10_000))
    async with open_stream(server) as stream:
        final = await stream.get_final_message()
    assert len(final.content) == 10_000
    first, last = final.content[0], final.content[-1]
    assert first.type == last.type == "text"
    assert (first.text, last.text) == ("Block 1.", "Block 10000.")
    assert final.stop_reason == "end_turn"


@pytest.mark.asyncio
async def test_the_default_reply_echoes_the_last_user_message(server: FakeAnthropic) -> None:
    messages: list[MessageParam] = [
        {"role": "user", "content": "First"},
        {"role": "assistant", "content": "Reply"},
        {"role": "user", "content": [{"type": "text", "text": "Second question"}]},
    ]
    async with open_stream(server, messages) as stream:
        text = await stream.get_final_text()
    assert text.startswith("## ")
    assert "> Second question" in text
    assert "\n- " in text
    assert "```python\n" in text
    assert "(I have seen 3 messages in this conversation)" in text


# Errors


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error_class", "error_type"),
    [
        (400, anthropic.BadRequestError, "invalid_request_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (403, anthropic.PermissionDeniedError, "permission_error"),
        (404, anthropic.NotFoundError, "not_found_error"),
        (413, anthropic.ContentTooLargeError, "request_too_large"),
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (529, anthropic.OverloadedError, "overloaded_error"),
    ],
)
async def test_each_http_error_raises_its_sdk_class(
    server: FakeAnthropic, status: int, error_class: type[anthropic.APIStatusError], error_type: str
) -> None:
    server.enqueue(Reply.error(status, "It went wrong"))
    with pytest.raises(error_class) as caught:
        await stream_text(server)
    assert caught.value.status_code == status
    assert caught.value.type == error_type
    assert caught.value.api_message == "It went wrong"
    assert (caught.value.request_id or "").startswith("req_")


@pytest.mark.asyncio
async def test_an_error_can_carry_retry_after_and_reach_create(server: FakeAnthropic) -> None:
    server.enqueue(Reply.error(429, retry_after=3))
    async with client_for(server) as client:
        with pytest.raises(anthropic.RateLimitError) as caught:
            await client.messages.create(model=MODEL, max_tokens=100, messages=HELLO)
    assert caught.value.response.headers["retry-after"] == "3"


@pytest.mark.asyncio
@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-5"])
async def test_retry_after_headers_can_be_any_string(server: FakeAnthropic, value: str) -> None:
    server.enqueue(Reply.error(429, retry_after=value, retry_after_ms=value))
    with pytest.raises(anthropic.RateLimitError) as caught:
        await stream_text(server)
    headers = caught.value.response.headers
    assert (headers["retry-after"], headers["retry-after-ms"]) == (value, value)


@pytest.mark.asyncio
async def test_a_huge_error_is_read_whole_by_the_sdk(server: FakeAnthropic) -> None:
    server.enqueue(Reply.huge_error(529, size=3_000_000))
    with pytest.raises(anthropic.OverloadedError) as caught:
        await stream_text(server)
    assert caught.value.type == "overloaded_error"
    assert caught.value.api_message == "x" * 3_000_000


@pytest.mark.asyncio
async def test_a_gzip_bomb_error_inflates_whole_in_the_sdk(server: FakeAnthropic) -> None:
    server.enqueue(Reply.gzip_bomb(8 << 20))
    with pytest.raises(anthropic.InternalServerError) as caught:
        await stream_text(server)
    assert caught.value.response.headers["content-encoding"] == "gzip"
    assert caught.value.message.startswith('{"type": "error", "error": {"type": "api_error"')
    assert caught.value.message.endswith("\0" * 1000)
    assert len(caught.value.message) > 8 << 20


@pytest.mark.asyncio
async def test_a_streamed_gzip_bomb_is_read_whole_and_its_last_event_dropped(
    server: FakeAnthropic,
) -> None:
    server.enqueue(Reply.gzip_bomb(8 << 20, stream=True, text_before="Partial answer"))
    received: list[str] = []
    stop_reason = await stream_text(server, received)
    assert "".join(received) == "Partial answer"
    assert stop_reason is None


def test_a_gzip_bomb_is_small_on_the_wire(server: FakeAnthropic) -> None:
    """4 GB of zeros in about 4 MB: a thousandth."""
    server.enqueue(Reply.gzip_bomb())
    body = {"model": MODEL, "max_tokens": 10, "messages": HELLO}
    headers = {"x-api-key": "k", "anthropic-version": "2023-06-01"}
    request = urllib.request.Request(
        server.url + "/v1/messages", data=json.dumps(body).encode(), headers=headers
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    with caught.value as response:
        assert response.headers["content-encoding"] == "gzip"
        wire = response.read(64 * 1024)
    inflated = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(wire)
    assert inflated.startswith(b'{"type": "error", "error": {"type": "api_error", "message": "')
    assert len(inflated) > 60 << 20


@pytest.mark.asyncio
async def test_a_lone_surrogate_reaches_the_sdk_as_such(server: FakeAnthropic) -> None:
    server.enqueue(Reply.lone_surrogate("Hello ", " world."))
    received: list[str] = []
    await stream_text(server, received)
    assert "".join(received) == "Hello \ud800 world."
    with pytest.raises(UnicodeEncodeError):
        "".join(received).encode()


@pytest.mark.asyncio
async def test_a_byte_that_is_not_utf8_makes_the_sdk_raise(server: FakeAnthropic) -> None:
    server.enqueue(Reply.invalid_utf8("Hello ", " world.", chunk_size=6))
    received: list[str] = []
    with pytest.raises(UnicodeDecodeError):
        await stream_text(server, received)
    assert "".join(received) == "Hello "


@pytest.mark.asyncio
async def test_a_huge_header_is_refused_by_the_http_layer(server: FakeAnthropic) -> None:
    server.enqueue(Reply.huge_header(1 << 20))
    with pytest.raises(anthropic.APIConnectionError) as caught:
        await stream_text(server)
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)
    assert "too long" in str(caught.value.__cause__)


@pytest.mark.asyncio
async def test_usage_can_be_negative_or_huge(server: FakeAnthropic) -> None:
    server.enqueue(Reply.text("Odd counts", input_tokens=-5, output_tokens=10**15))
    async with open_stream(server) as stream:
        final = await stream.get_final_message()
    assert (final.usage.input_tokens, final.usage.output_tokens) == (-5, 10**15)
    server.token_count = -7
    async with client_for(server) as client:
        counted = await client.messages.count_tokens(model=MODEL, messages=HELLO)
    assert counted.input_tokens == -7


@pytest.mark.asyncio
async def test_credentials_in_the_base_url_are_sent_as_basic_and_taken(
    server: FakeAnthropic,
) -> None:
    assert server.url_with("user:secret").startswith("http://user:secret@127.0.0.1:")
    server.enqueue(Reply.text("Taken."))
    async with (
        anthropic.AsyncAnthropic(
            api_key="test-key", base_url=server.url_with("user:secret"), max_retries=0
        ) as client,
        client.messages.stream(model=MODEL, max_tokens=10, messages=HELLO) as stream,
    ):
        assert await stream.get_final_text() == "Taken."
    assert server.requests[0].headers["authorization"].startswith("Basic ")


def test_requests_without_credentials_get_401(server: FakeAnthropic) -> None:
    body = {"model": MODEL, "max_tokens": 10, "messages": HELLO}
    version = {"anthropic-version": "2023-06-01"}
    status, error = post(server, "/v1/messages", body, version)
    assert (status, error["error"]["type"]) == (401, "authentication_error")
    assert post(server, "/v1/messages", body, {**version, "x-api-key": "k"})[0] == 200
    assert len(server.requests) == 2


@pytest.mark.asyncio
async def test_sampling_parameters_need_the_old_api_version(server: FakeAnthropic) -> None:
    older = "claude-sonnet-4-6"  # the 5.x models refuse them under any version
    async with client_for(server) as client:
        with pytest.raises(anthropic.BadRequestError):
            await client.messages.create(
                model=older, max_tokens=100, messages=HELLO, extra_body={"temperature": 0.5}
            )
        await client.messages.create(
            model=older,
            max_tokens=100,
            messages=HELLO,
            extra_body={"temperature": 0.5},
            extra_headers={"anthropic-version": "2023-06-01"},
        )


# Faults in the middle of a stream


@pytest.mark.asyncio
async def test_an_error_event_mid_stream_raises_a_plain_api_status_error(
    server: FakeAnthropic,
) -> None:
    server.enqueue(Reply.stream_error_event("Partial answer", "overloaded_error", "Overloaded"))
    received: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        await stream_text(server, received)
    assert type(caught.value) is anthropic.APIStatusError
    assert caught.value.status_code == 200
    assert caught.value.type == "overloaded_error"
    assert caught.value.api_message == "Overloaded"
    assert "".join(received) == "Partial answer"


@pytest.mark.asyncio
async def test_a_dropped_connection_raises_an_httpx2_error(server: FakeAnthropic) -> None:
    server.enqueue(Reply.drop_mid_stream("Partial answer"))
    received: list[str] = []
    with pytest.raises(httpx2.RemoteProtocolError):
        await stream_text(server, received)
    assert "".join(received) == "Partial answer"


@pytest.mark.asyncio
async def test_a_stream_ended_before_message_stop_raises_nothing(server: FakeAnthropic) -> None:
    server.enqueue(Reply.end_without_stop("Partial answer"))
    received: list[str] = []
    stop_reason = await stream_text(server, received)
    assert stop_reason is None
    assert "".join(received) == "Partial answer"


@pytest.mark.asyncio
async def test_a_stall_longer_than_the_read_timeout_raises_httpx2_read_timeout(
    server: FakeAnthropic,
) -> None:
    server.enqueue(Reply.stall("Partial answer", 30))
    received: list[str] = []
    with pytest.raises(httpx2.ReadTimeout):
        await stream_text(server, received, timeout=0.2)
    assert "".join(received) == "Partial answer"


@pytest.mark.asyncio
async def test_a_hang_before_headers_raises_api_timeout_error(server: FakeAnthropic) -> None:
    server.enqueue(Reply.hang_before_headers(30))
    with pytest.raises(anthropic.APITimeoutError):
        await stream_text(server, timeout=0.2)


# The gate, recording, other endpoints


@pytest.mark.asyncio
async def test_a_gate_holds_the_stream_until_released(server: FakeAnthropic) -> None:
    gate = Gate(after="Hello")
    server.enqueue(Reply.text("Hello, world", chunk_size=3, gate=gate))
    received: list[str] = []
    task = asyncio.create_task(stream_text(server, received))
    await gate.wait_held_async()
    await asyncio.sleep(0.1)
    assert "".join(received) == "Hello"
    assert not task.done()
    gate.release()
    assert await task == "end_turn"
    assert received == ["Hel", "lo", ", w", "orl", "d"]


def test_a_gate_must_match_the_start_of_the_text() -> None:
    with pytest.raises(ValueError):
        Reply.text("Hello", gate=Gate(after="World"))


@pytest.mark.asyncio
async def test_requests_are_recorded_with_their_body(server: FakeAnthropic) -> None:
    server.enqueue(Reply.text("One"), Reply.text("Two"))
    async with client_for(server) as client:
        async with client.messages.stream(
            model=MODEL, max_tokens=123, messages=HELLO, system="Be brief."
        ) as stream:
            assert await stream.get_final_text() == "One"
        message = await client.messages.create(model=MODEL, max_tokens=7, messages=HELLO)
        assert message.content[0].type == "text"
        assert message.content[0].text == "Two"
    server.wait_for_requests(2)
    first, second = server.requests
    assert first.path == "/v1/messages"
    assert first.stream is True
    assert first.body["model"] == MODEL
    assert first.body["max_tokens"] == 123
    assert first.body["messages"] == [{"role": "user", "content": "Hello"}]
    assert first.body["system"] == "Be brief."
    assert first.headers["authorization"] == "Bearer test-key"
    assert "anthropic-version" in first.headers
    assert second.stream is False
    assert second.body["max_tokens"] == 7
    assert server.queued == 0


@pytest.mark.asyncio
async def test_count_tokens_and_list_models(server: FakeAnthropic) -> None:
    async with client_for(server) as client:
        count = await client.messages.count_tokens(model=MODEL, messages=HELLO, system="Hi")
        models = [model async for model in client.models.list()]
    assert count.input_tokens > 0
    assert MODEL in [model.id for model in models]
    assert models[0].display_name.startswith("Claude ")
    assert server.requests == []
    assert [r.path for r in server.all_requests] == ["/v1/messages/count_tokens", "/v1/models"]


# Robustness


@pytest.mark.asyncio
async def test_stop_is_prompt_during_a_stall_and_a_held_gate() -> None:
    gate = Gate(after="Hi")
    with FakeAnthropic() as server:
        server.enqueue(Reply.stall("Hi", 30), Reply.text("Hi there", gate=gate))
        tasks = [asyncio.create_task(stream_text(server)) for _ in range(2)]
        await gate.wait_held_async()
        await server.wait_for_requests_async(2)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(result, httpx2.RemoteProtocolError) for result in results)


@pytest.mark.asyncio
async def test_clients_going_away_leave_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    with FakeAnthropic() as server:
        server.enqueue(Reply.text("x" * 2000, chunk_size=1, delay=0.001))
        async with open_stream(server) as stream:
            async for event in stream:
                if event.type == "text":
                    break
        await asyncio.sleep(0.1)  # the server writes on into the closed connection
    assert capfd.readouterr().err == ""


def test_the_command_line_serves_echo_replies() -> None:
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-m", "tests.fake_api", "--port", "0", "--delay", "0", "--quiet"]
    with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            request = urllib.request.Request(
                url + "/v1/messages",
                data=json.dumps({"model": MODEL, "max_tokens": 9, "messages": HELLO}).encode(),
                headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                message = json.load(response)
            assert "(I have seen 1 messages in this conversation)" in message["content"][0]["text"]
        finally:
            process.terminate()
