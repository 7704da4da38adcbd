"""The client's model list, token count and catalog (api/client.py), through the real SDK over
real HTTP to the fake API, with the catalog cached on disk (store/model_cache.py)."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import anthropic
import pytest

from claude_tui.api.client import ClaudeClient, MissingKeyError
from claude_tui.config import Settings
from claude_tui.domain.catalog import FALLBACK_MODELS, Catalog
from claude_tui.store.model_cache import FILE_NAME, ModelCache
from tests.conftest import FIXED_NOW
from tests.fake_api import FakeAnthropic
from tests.fake_models import MODELS

LISTED = tuple(model.id for model in MODELS)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[ClaudeClient]:
    claude = ClaudeClient(settings)
    yield claude
    await claude.close()


@pytest.fixture
def cache(tmp_path: Path) -> ModelCache:
    return ModelCache(tmp_path / "cache" / FILE_NAME)


@contextlib.contextmanager
def nowhere() -> Iterator[str]:
    """A URL where connections are refused: a port held but not listening."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{probe.getsockname()[1]}"


def model_lists(fake_api: FakeAnthropic) -> int:
    return sum(r.path.startswith("/v1/models") for r in fake_api.all_requests)


async def test_the_models_the_api_lists_with_what_they_accept(client: ClaudeClient) -> None:
    models = await client.list_models()
    assert tuple(model.id for model in models) == LISTED
    sonnet = models[LISTED.index("claude-sonnet-5-5")]
    assert (sonnet.display_name, sonnet.max_input_tokens, sonnet.max_tokens) == (
        "Claude Sonnet 5.5",
        1_000_000,
        128_000,
    )
    assert sonnet.thinking_choices == ("between_tools", "adaptive")
    assert sonnet.effort_levels == ("low", "medium", "high", "max")
    assert models[-1].thinking_choices == ("off", "budget")  # claude-haiku-4-5


async def test_listing_needs_a_key_and_a_reachable_api(
    settings: Settings, fake_api: FakeAnthropic
) -> None:
    keyless = ClaudeClient(replace(settings, api_key=None))
    with pytest.raises(MissingKeyError, match="No API key is set"):
        await keyless.list_models()
    with pytest.raises(MissingKeyError):
        await keyless.count_tokens({"model": "claude-sonnet-5-5", "messages": []})
    assert fake_api.all_requests == []
    with nowhere() as url:
        unreachable = ClaudeClient(replace(settings, base_url=url))
        try:
            with pytest.raises(anthropic.APIConnectionError):
                await unreachable.list_models()
        finally:
            await unreachable.close()


async def test_counting_tokens_asks_the_api(client: ClaudeClient, fake_api: FakeAnthropic) -> None:
    hello = [{"role": "user", "content": "Hello"}]
    short = await client.count_tokens({"model": "claude-haiku-5-5", "messages": hello})
    longer = await client.count_tokens(
        {"model": "claude-haiku-5-5", "messages": hello, "system": "Answer in verse. " * 20}
    )
    assert 0 < short < longer
    asked = fake_api.all_requests[-1]
    assert asked.path == "/v1/messages/count_tokens"
    assert asked.body["system"].startswith("Answer in verse.")
    with pytest.raises(anthropic.NotFoundError, match="model: gpt-4o"):
        await client.count_tokens({"model": "gpt-4o", "messages": hello})
    assert fake_api.requests == []  # nothing was sent as a message


async def test_the_catalog_is_fetched_once_and_cached_for_a_day(
    client: ClaudeClient, cache: ModelCache, fake_api: FakeAnthropic
) -> None:
    fetched = await client.catalog(cache, now=FIXED_NOW)
    assert (fetched.source, fetched.fetched_at, fetched.ids()) == ("api", FIXED_NOW, LISTED)
    on_disk = json.loads(cache.path.read_text())
    assert [model["id"] for model in on_disk["models"]] == list(LISTED)
    later = await client.catalog(cache, now=FIXED_NOW + timedelta(hours=23))
    assert (later.source, later.fetched_at, later.ids()) == ("cache", FIXED_NOW, LISTED)
    assert model_lists(fake_api) == 1
    next_day = FIXED_NOW + timedelta(hours=25)
    again = await client.catalog(cache, now=next_day)
    assert (again.source, again.fetched_at) == ("api", next_day)
    refreshed = await client.catalog(cache, now=next_day, refresh=True)
    assert refreshed.source == "api"
    assert model_lists(fake_api) == 3


async def test_without_the_api_the_old_cache_serves_else_the_fallback(
    settings: Settings, cache: ModelCache
) -> None:
    with nowhere() as url:
        offline = ClaudeClient(replace(settings, base_url=url))
        try:
            first = await offline.catalog(cache, now=FIXED_NOW)
            assert first == Catalog.fallback()
            assert first.ids() == tuple(model.id for model in FALLBACK_MODELS)
            assert not cache.path.exists()
            old = Catalog(FALLBACK_MODELS[:2], FIXED_NOW - timedelta(days=30), "api")
            cache.save(old)
            stale = await offline.catalog(cache, now=FIXED_NOW, refresh=True)
        finally:
            await offline.close()
    assert stale == replace(old, source="cache")
    keyless = ClaudeClient(replace(settings, api_key=None))
    assert await keyless.catalog(cache, now=FIXED_NOW) == replace(old, source="cache")


async def test_a_cache_that_cannot_be_written_does_not_stop_the_catalog(
    client: ClaudeClient, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("")
    fetched = await client.catalog(ModelCache(tmp_path / "a-file" / FILE_NAME), now=FIXED_NOW)
    assert (fetched.source, fetched.ids()) == ("api", LISTED)
