"""The fake API's server tools, as the real SDK reads them: a search and its result, text
with citations, the server tools' usage, a paused reply, and the checks of `tools`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from tests.fake_api import FakeAnthropic, fetch_blocks, paused_search_reply, web_search_reply

MODEL = "claude-sonnet-5-5"
SEARCH = {"type": "web_search_20260318", "name": "web_search"}


@pytest.fixture
def server() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as fake:
        yield fake


def client_for(server: FakeAnthropic) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(api_key="test-key", base_url=server.url, max_retries=0)


async def streamed(server: FakeAnthropic, **request: Any) -> tuple[Any, list[Any]]:
    """The final message of a streamed request, and its events."""
    params: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "Hello"}],
        **request,
    }
    async with client_for(server) as client, client.messages.stream(**params) as stream:
        events = [event async for event in stream]
        return await stream.get_final_message(), events


async def test_a_search_streams_its_query_its_results_and_cited_text(
    server: FakeAnthropic,
) -> None:
    server.enqueue(web_search_reply("rust async", chunk_size=4))
    message, events = await streamed(server, tools=[SEARCH])
    kinds = [block.type for block in message.content]
    assert kinds[:3] == ["text", "server_tool_use", "web_search_tool_result"]
    assert message.content[1].input == {"query": "rust async"}
    assert sum(e.type == "input_json" for e in events) > 1  # the query arrives in pieces
    results = message.content[2].content
    assert next(r.url for r in results) == "https://docs.python.org/3/library/asyncio.html"
    cited = [block for block in message.content if block.type == "text" and block.citations]
    assert [len(block.citations) for block in cited] == [1, 2]
    assert cited[0].citations[0].type == "web_search_result_location"
    assert sum(e.type == "citation" for e in events) == 3  # each as a citations_delta
    assert message.usage.server_tool_use.web_search_requests == 1


async def test_a_paused_reply_ends_with_pause_turn(server: FakeAnthropic) -> None:
    server.enqueue(paused_search_reply())
    message, _ = await streamed(server, tools=[SEARCH])
    assert message.stop_reason == "pause_turn"
    assert [block.type for block in message.content] == [
        "server_tool_use",
        "web_search_tool_result",
    ]


async def test_a_fetch_result_carries_the_page_as_a_document(server: FakeAnthropic) -> None:
    from tests.fake_api import Reply

    server.enqueue(Reply.blocks(fetch_blocks("https://example.com/a", "Example A")))
    fetch = {"type": "web_fetch_20260318", "name": "web_fetch"}
    message, _ = await streamed(server, tools=[fetch])
    result = message.content[1]
    assert result.type == "web_fetch_tool_result"
    assert result.content.url == "https://example.com/a"
    assert result.content.content.title == "Example A"


@pytest.mark.parametrize(
    ("tool", "said"),
    [
        ({"type": "web_search_20260318", "name": "web_fetch"}, "unknown server tool"),
        ({"type": "web_search_20260318", "name": "web_search", "max_uses": 0}, "max_uses"),
        (
            {"type": "web_search_20260318", "name": "web_search", "allowed_domains": "a.com"},
            "allowed_domains",
        ),
        (
            {
                "type": "web_search_20260318",
                "name": "web_search",
                "allowed_domains": ["a.com"],
                "blocked_domains": ["b.com"],
            },
            "not both",
        ),
    ],
)
async def test_tools_that_are_not_well_formed_get_a_400(
    server: FakeAnthropic, tool: dict[str, Any], said: str
) -> None:
    with pytest.raises(anthropic.BadRequestError) as raised:
        await streamed(server, tools=[tool])
    assert raised.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]
    assert said in raised.value.message


async def test_a_model_without_web_search_is_listed_so_and_refuses_it(
    server: FakeAnthropic,
) -> None:
    server.without_web_search = {"claude-haiku-4-5"}
    async with client_for(server) as client:
        listed = {model.id: model async for model in client.models.list()}
    assert not listed["claude-haiku-4-5"].capabilities.server_tools.web_search.supported
    assert listed["claude-sonnet-5-5"].capabilities.server_tools.web_search.supported
    with pytest.raises(anthropic.BadRequestError, match="not supported on claude-haiku-4-5"):
        await streamed(server, model="claude-haiku-4-5", tools=[SEARCH])
