"""The client: one ``AsyncAnthropic`` for the running app, a stream as our events.

``import anthropic`` takes more than a second, so it happens lazily: the app calls
:func:`preload_sdk` in a thread after its first paint, and :class:`ClaudeClient`
imports on first use.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from claude_tui.api.errors import error_info, joined
from claude_tui.api.incoming import (
    block_of,
    merged_usage,
    text_of,
    usage_of,
    with_partial_input,
)
from claude_tui.api.request import build_request
from claude_tui.api.request_log import RequestLog
from claude_tui.api.retry import RETRY_AFTER_CAP, retry_delay
from claude_tui.config import Settings
from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.errors import INCOMPLETE, NO_API_KEY, ErrorInfo
from claude_tui.domain.events import (
    BlockFinished,
    BlockStarted,
    BlockUpdated,
    Failed,
    Finished,
    MessageStarted,
    Retrying,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    UsageUpdated,
    wait_words,
)
from claude_tui.domain.text import well_formed_data
from claude_tui.domain.usage import Usage

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


def preload_sdk() -> None:
    """Import the SDK (slow); meant to run in a thread after the first paint."""
    importlib.import_module("anthropic")


class MissingKeyError(RuntimeError):
    """There is no API key, so nothing was asked of the API."""


class CatalogCache(Protocol):
    """Where :meth:`ClaudeClient.catalog` keeps the model list (``store.ModelCache``)."""

    def load(self) -> Catalog | None: ...

    def save(self, catalog: Catalog) -> None: ...


class ClaudeClient:
    """One ``AsyncAnthropic`` for the running app; create it inside the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sdk: AsyncAnthropic | None = None
        self._retired: list[AsyncAnthropic] = []  # built with an earlier key; closed last

    @property
    def has_credentials(self) -> bool:
        return self.settings.has_credentials

    def use_key(self, key: str) -> None:
        """Send every request from now on with ``key`` (the SDK client is built anew; one
        still streaming with the old key goes on until it ends)."""
        self.settings = replace(self.settings, api_key=key)
        if self._sdk is not None:
            self._retired.append(self._sdk)
            self._sdk = None

    async def check_key(self, key: str) -> ErrorInfo | None:
        """Ask the API for one model with ``key`` (the cheapest request there is): None
        when it answers, else why not, in words without the key."""
        try:
            sdk = await asyncio.to_thread(self._build, key)
        except Exception as error:  # (no SDK: the same words as a failed request)
            return error_info(error, key=key, base_url=self.settings.base_url)
        try:
            await sdk.models.list(limit=1)
        except Exception as error:  # every failure is said, none escapes
            return error_info(error, key=key, base_url=self.settings.base_url)
        finally:
            await sdk.close()
        return None

    def _build(self, key: str | None) -> AsyncAnthropic:
        anthropic = importlib.import_module("anthropic")
        from claude_tui.api.limits import capped_http_client  # imports httpx2: slow

        client: AsyncAnthropic = anthropic.AsyncAnthropic(
            api_key=key,
            base_url=self.settings.base_url,
            max_retries=0,  # retries are ours (stream), so they can be shown
            timeout=self.settings.request_timeout,
            http_client=capped_http_client(),  # no response is read beyond reason
        )
        return client

    async def _client(self) -> AsyncAnthropic:
        """The SDK client, imported and built in a thread: the event loop never waits."""
        while self._sdk is None:
            key = self.settings.api_key
            sdk = await asyncio.to_thread(self._build, key)
            if self._sdk is None and key == self.settings.api_key:
                self._sdk = sdk
            else:  # built meanwhile, or a new key came: this one is not needed
                await sdk.close()
        return self._sdk

    async def _keyed_client(self) -> AsyncAnthropic:
        if not self.has_credentials:
            raise MissingKeyError(NO_API_KEY.title)
        return await self._client()

    async def close(self) -> None:
        for sdk in [*self._retired, self._sdk]:
            if sdk is not None:
                await sdk.close()
        self._retired.clear()
        self._sdk = None

    async def list_models(self) -> tuple[ModelInfo, ...]:
        """Every model the API lists, newest first (all pages); raises what the SDK
        raises, and MissingKeyError without a key."""
        client = await self._keyed_client()
        listed = [
            ModelInfo.from_api(well_formed_data(model.to_dict()))
            async for model in client.models.list()
        ]
        return tuple(listed)

    async def count_tokens(self, params: dict[str, Any]) -> int:
        """The API's count of the input tokens of a request made of ``params`` (model,
        messages, and system, thinking, tools if wanted); raises as :meth:`list_models`."""
        client = await self._keyed_client()
        counted = await client.messages.count_tokens(**params)
        return usage_of(counted).input_tokens  # clamped as usage is

    async def catalog(
        self, cache: CatalogCache, *, now: datetime, refresh: bool = False
    ) -> Catalog:
        """The models to choose from: the cached list while it is under a day old (unless
        ``refresh``), else the API's, which is then cached. When the API cannot be asked
        (no key, no network, an error), the cached list however old, else the fallback
        list. Never raises for that."""
        cached = await asyncio.to_thread(cache.load)
        if cached is not None and not refresh and not cached.is_stale(now):
            return cached
        try:
            models = await self.list_models()
        except Exception:  # any failure to ask leaves the list we have
            models = ()
        if not models:
            return cached or Catalog.fallback()
        fetched = Catalog(models, now, "api")
        with contextlib.suppress(OSError):  # the cache is a convenience
            await asyncio.to_thread(cache.save, fetched)
        return fetched

    def request_for(
        self, conversation: Conversation, *, continuing: bool = False
    ) -> dict[str, Any]:
        """The request for the conversation as it stands (see :func:`build_request`)."""
        return build_request(
            conversation,
            caching=self.settings.prompt_caching,
            continuing=continuing,
            web=self.settings.web_tools(),
        )

    def stream(self, conversation: Conversation) -> AsyncIterator[StreamEvent]:
        """Stream a reply to the conversation as it stands (see :meth:`send`)."""
        return self.send(self.request_for(conversation))

    async def send(self, request: dict[str, Any]) -> AsyncIterator[StreamEvent]:
        """Send a request (from :meth:`request_for`) and stream the reply.

        Always ends with one :class:`Finished` or :class:`Failed`; raises only
        ``CancelledError`` (when the caller stops it).
        """
        if not self.has_credentials:
            yield Failed(NO_API_KEY)
            return
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            started = False  # once any of the reply is passed on, it is not sent again
            trace = RequestLog(request, attempt, attempts)
            try:
                async with contextlib.aclosing(self._attempt(request)) as events:
                    async for event in events:
                        started = True
                        trace.saw(event)
                        yield event
                return
            except Exception as error:  # every failure becomes an event, none escapes
                info = error_info(error, key=self.settings.api_key, base_url=self.settings.base_url)
                delay = None if started else retry_delay(error, attempt)
                if delay is not None and delay > RETRY_AFTER_CAP:
                    trace.failed(info)
                    yield Failed(
                        replace(
                            info, hint=f"The API asks to wait {wait_words(delay)} before retrying."
                        )
                    )
                    return
                if delay is None or attempt == attempts:
                    if attempt > 1:
                        info = replace(info, detail=joined(info.detail, f"Tried {attempt} times."))
                    trace.failed(info)
                    yield Failed(info)
                    return
                trace.failed(info, retry_in=delay)
                yield Retrying(info, attempt + 1, attempts, delay)
                await asyncio.sleep(delay)

    async def _attempt(self, request: dict[str, Any]) -> AsyncGenerator[StreamEvent, None]:
        """One request and its stream; raises what the SDK raises."""
        usage = Usage()
        inputs: dict[int, str] = {}  # the JSON of each tool input streamed so far
        stop_reason: str | None = None
        stop_sequence: str | None = None
        client = await self._client()
        async with client.messages.stream(**request) as stream:
            async for sdk_event in stream:
                event: Any = sdk_event  # a union the SDK types loosely; we read by .type
                kind = event.type
                if kind == "message_start":
                    usage = usage_of(event.message.usage)
                    message = event.message
                    yield MessageStarted(text_of(message.id), text_of(message.model), usage)
                elif kind == "content_block_start":
                    yield BlockStarted(event.index, block_of(event.content_block))
                elif kind == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta":
                        yield TextDelta(event.index, text_of(delta.text))
                    elif delta.type == "thinking_delta":
                        yield ThinkingDelta(event.index, text_of(delta.thinking))
                    elif delta.type in ("input_json_delta", "citations_delta"):
                        # the block as it stands: a search's query so far, the citations
                        snapshot = stream.current_message_snapshot.content[event.index]
                        block = block_of(snapshot)
                        if delta.type == "input_json_delta":
                            inputs[event.index] = inputs.get(event.index, "") + delta.partial_json
                            block = with_partial_input(block, inputs[event.index])
                        yield BlockUpdated(event.index, block)
                elif kind == "content_block_stop":
                    yield BlockFinished(event.index, block_of(event.content_block))
                elif kind == "message_delta":
                    usage = merged_usage(usage, event.usage)
                    stop_reason = text_of(event.delta.stop_reason) or stop_reason
                    stop_sequence = (
                        text_of(getattr(event.delta, "stop_sequence", None)) or stop_sequence
                    )
                    yield UsageUpdated(usage)
                elif kind == "message_stop":
                    yield Finished(stop_reason or "end_turn", usage, stop_sequence)
                    return
        yield Failed(INCOMPLETE)
