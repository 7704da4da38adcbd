"""The one place that talks to the ``anthropic`` SDK.

``import anthropic`` takes more than a second, so it happens lazily: the app calls
:func:`preload_sdk` in a thread after its first paint, and :class:`ClaudeClient`
imports on first use. Nothing else in claude-tui imports the SDK.

A stream becomes a small set of events of our own (:data:`StreamEvent`), ending
with exactly one :class:`Finished` or :class:`Failed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import math
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from claude_tui.core.config import Settings
from claude_tui.core.models import (
    USAGE_FIELDS,
    ContentBlock,
    Conversation,
    ErrorInfo,
    Message,
    OtherBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    TurnStatus,
    Usage,
)

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


# -- events ----------------------------------------------------------------------


@dataclass(frozen=True)
class MessageStarted:
    response_id: str
    model: str
    usage: Usage


@dataclass(frozen=True)
class BlockStarted:
    index: int
    block: ContentBlock


@dataclass(frozen=True)
class TextDelta:
    index: int
    text: str


@dataclass(frozen=True)
class ThinkingDelta:
    index: int
    text: str


@dataclass(frozen=True)
class BlockFinished:
    index: int
    block: ContentBlock


@dataclass(frozen=True)
class UsageUpdated:
    usage: Usage


@dataclass(frozen=True)
class Finished:
    stop_reason: str
    usage: Usage


@dataclass(frozen=True)
class Failed:
    error: ErrorInfo


@dataclass(frozen=True)
class Retrying:
    """The request failed before any of the reply arrived; it is sent again in ``delay``
    seconds, as attempt ``attempt`` of ``attempts``."""

    error: ErrorInfo
    attempt: int
    attempts: int
    delay: float

    def countdown(self, left: float) -> str:
        """``retrying in 4 s (attempt 2 of 3)``, with ``left`` seconds to go."""
        return f"retrying in {wait_words(left)} (attempt {self.attempt} of {self.attempts})"

    def describe(self) -> str:
        """What happened and when the next attempt goes out, in sentences."""
        return f"{self.error.title} {self.countdown(self.delay).capitalize()}."


StreamEvent = (
    MessageStarted
    | BlockStarted
    | TextDelta
    | ThinkingDelta
    | BlockFinished
    | UsageUpdated
    | Finished
    | Failed
    | Retrying
)


# -- requests --------------------------------------------------------------------


def history_params(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """The conversation as the Messages API wants it.

    Failed replies and replies with no text are left out (they stay on screen and on
    disk). After a user message, its last usable reply is the one sent. Consecutive
    user messages (left by failed turns) are merged, so roles alternate.
    """
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "user":
            blocks = [{"type": "text", "text": message.text}]
            if turns and turns[-1]["role"] == "user":
                turns[-1]["content"].extend(blocks)
            else:
                turns.append({"role": "user", "content": blocks})
            continue
        if message.status in (TurnStatus.FAILED, TurnStatus.STREAMING) or not message.text.strip():
            continue
        reply = {"role": "assistant", "content": [{"type": "text", "text": message.text}]}
        if turns and turns[-1]["role"] == "assistant":
            turns[-1] = reply
        elif turns:
            turns.append(reply)
    while turns and turns[-1]["role"] == "assistant":
        turns.pop()  # a retry of the last reply resends the last user message
    return turns


def build_request(conversation: Conversation) -> dict[str, Any]:
    request: dict[str, Any] = {
        "model": conversation.model,
        "max_tokens": conversation.max_tokens,
        "messages": history_params(conversation.messages),
    }
    if conversation.system:
        request["system"] = conversation.system
    return request


# -- errors ----------------------------------------------------------------------

_BY_TYPE: dict[str, tuple[str, str, str]] = {
    # API error type: (kind, title, hint)
    "authentication_error": (
        "auth",
        "The API key was refused.",
        "Check ANTHROPIC_API_KEY (or api_key in the config file) and restart claude-tui.",
    ),
    "permission_error": (
        "permission",
        "This API key is not allowed to do that.",
        "Check the key's permissions, or choose another model with --model.",
    ),
    "not_found_error": (
        "not_found",
        "The model or endpoint was not found.",
        "Check the model name (--model) and ANTHROPIC_BASE_URL.",
    ),
    "request_too_large": (
        "too_large",
        "The conversation is too large to send.",
        "Start a new conversation, or shorten this one.",
    ),
    "rate_limit_error": (
        "rate_limit",
        "Rate limited: too many requests for now.",
        "Wait a minute before retrying.",
    ),
    "overloaded_error": (
        "overloaded",
        "Claude is overloaded right now.",
        "Wait a moment before retrying.",
    ),
    "api_error": ("server", "The API had an internal error.", "Wait a moment before retrying."),
    "invalid_request_error": (
        "bad_request",
        "The API rejected the request.",
        "Check the model name and the settings.",
    ),
}
_TYPE_BY_STATUS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def classify_status(
    status: int, error_type: str | None, message: str, request_id: str | None
) -> ErrorInfo:
    if error_type not in _BY_TYPE:
        error_type = _TYPE_BY_STATUS.get(status, "api_error" if status >= 500 else None)
    if error_type is None:
        kind, title = "http", f"The API answered with HTTP {status}."
        hint = "Wait a moment before retrying."
    else:
        kind, title, hint = _BY_TYPE[error_type]
    return ErrorInfo(
        kind=kind,
        title=title,
        detail=message,
        hint=hint,
        status_code=status if status != 200 else None,
        request_id=request_id,
    )


NO_API_KEY = ErrorInfo(
    kind="no_api_key",
    title="No API key is set.",
    hint="Set ANTHROPIC_API_KEY in your shell (export ANTHROPIC_API_KEY=...), or api_key "
    "in the config file, and restart.",
)

INCOMPLETE = ErrorInfo(
    kind="incomplete",
    title="The reply ended before it was complete.",
    detail="The stream closed without its final event.",
    hint="The text that arrived is kept.",
)


def classify_exception(error: BaseException, base_url: str | None) -> ErrorInfo:
    """Turn whatever the SDK (or its HTTP layer) raised into words for a person."""
    anthropic = importlib.import_module("anthropic")
    if isinstance(error, anthropic.APIStatusError):
        return classify_status(
            error.status_code, error.type, error.api_message or error.message, error.request_id
        )
    where = base_url or "the Anthropic API"
    if isinstance(error, anthropic.APITimeoutError):
        return ErrorInfo(
            kind="timeout",
            title="The API did not answer in time.",
            detail=f"No reply from {where}.",
            hint="Check your network connection.",
        )
    if isinstance(error, anthropic.APIConnectionError):
        return ErrorInfo(
            kind="connection",
            title="Could not reach the API.",
            detail=f"Connecting to {where} failed.",
            hint="Check your network connection and ANTHROPIC_BASE_URL.",
        )
    httpx2 = importlib.import_module("httpx2")
    if isinstance(error, httpx2.TimeoutException):
        return ErrorInfo(
            kind="stalled",
            title="The reply stalled and timed out.",
            detail=str(error) or type(error).__name__,
            hint="The text that arrived is kept.",
        )
    if isinstance(error, httpx2.HTTPError):
        return ErrorInfo(
            kind="interrupted",
            title="The connection broke off mid-reply.",
            detail=str(error) or type(error).__name__,
            hint="The text that arrived is kept.",
        )
    return ErrorInfo(
        kind="unexpected",
        title="Something unexpected went wrong.",
        detail=f"{type(error).__name__}: {error}",
        hint="The text that arrived is kept.",
    )


def hide_key(info: ErrorInfo, key: str | None) -> ErrorInfo:
    """The error without the API key in it (an endpoint may echo the key it refused): it
    is shown, printed and saved."""
    if not key or not any(key in text for text in (info.title, info.detail, info.hint)):
        return info
    return replace(info, title=info.title.replace(key, KEY_HIDDEN),
                   detail=info.detail.replace(key, KEY_HIDDEN),
                   hint=info.hint.replace(key, KEY_HIDDEN))


KEY_HIDDEN = "(your API key)"


# -- retries ---------------------------------------------------------------------

# A wait the API asks for beyond this is not sat out: the turn fails and says how long.
RETRY_AFTER_CAP = 60.0
_RETRY_STATUSES = frozenset({408, 409, 429})


def _backoff(attempt: int) -> float:
    return float(min(0.5 * 2 ** (attempt - 1), 8.0))


def retry_after(headers: Any, now: float | None = None) -> float | None:
    """The seconds a response asks the client to wait (``retry-after-ms``, or
    ``retry-after`` as seconds or as an HTTP date), if it asks."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(float(raw_ms) / 1000, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def retry_delay(error: BaseException, attempt: int) -> float | None:
    """Seconds to wait before sending again after failed ``attempt``; None when sending
    again cannot help (a bad request, a refused key)."""
    anthropic = importlib.import_module("anthropic")
    if isinstance(error, anthropic.APIStatusError):
        headers = error.response.headers
        verdict = headers.get("x-should-retry")
        if verdict == "false":
            return None
        status = error.status_code
        if verdict != "true" and status not in _RETRY_STATUSES and not 500 <= status < 600:
            return None
        asked = retry_after(headers)
        return asked if asked is not None else _backoff(attempt)
    if isinstance(error, anthropic.APIConnectionError):  # (timeouts included)
        return _backoff(attempt)
    return None


def wait_words(seconds: float) -> str:
    """``12 s``, ``3 min``, ``2 h``: a wait as a person says it."""
    if seconds < 90:
        return f"{max(math.ceil(seconds), 1)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


# -- the client ------------------------------------------------------------------


def preload_sdk() -> None:
    """Import the SDK (slow); meant to run in a thread after the first paint."""
    importlib.import_module("anthropic")


def _usage(raw: Any) -> Usage:
    def count(name: str) -> int:
        value = getattr(raw, name, None)
        return value if isinstance(value, int) else 0

    return Usage(**{name: count(name) for name in USAGE_FIELDS})


def _block(raw: Any) -> ContentBlock:
    kind = getattr(raw, "type", None)
    if kind == "text":
        return TextBlock(text=raw.text)
    if kind == "thinking":
        return ThinkingBlock(thinking=raw.thinking, signature=raw.signature or "")
    if kind == "tool_use":
        return ToolUseBlock(id=raw.id, name=raw.name, input=raw.input)
    data = raw.to_dict() if hasattr(raw, "to_dict") else {"type": str(kind)}
    return OtherBlock(data=json.loads(json.dumps(data, default=str)))


class ClaudeClient:
    """One ``AsyncAnthropic`` for the running app; create it inside the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sdk: AsyncAnthropic | None = None

    @property
    def has_credentials(self) -> bool:
        return self.settings.has_credentials

    def _build(self) -> AsyncAnthropic:
        anthropic = importlib.import_module("anthropic")
        client: AsyncAnthropic = anthropic.AsyncAnthropic(
            api_key=self.settings.api_key,
            base_url=self.settings.base_url,
            max_retries=0,  # retries are ours (stream), so they can be shown
            timeout=self.settings.request_timeout,
        )
        return client

    async def _client(self) -> AsyncAnthropic:
        """The SDK client, imported and built in a thread: the event loop never waits."""
        if self._sdk is None:
            sdk = await asyncio.to_thread(self._build)
            if self._sdk is None:
                self._sdk = sdk
            else:
                await sdk.close()
        return self._sdk

    async def close(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None

    async def stream(self, conversation: Conversation) -> AsyncIterator[StreamEvent]:
        """Stream a reply to the conversation as it stands.

        Always ends with one :class:`Finished` or :class:`Failed`; raises only
        ``CancelledError`` (when the caller stops it).
        """
        if not self.has_credentials:
            yield Failed(NO_API_KEY)
            return
        request = build_request(conversation)
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            started = False  # once any of the reply is passed on, it is not sent again
            try:
                async with contextlib.aclosing(self._attempt(request)) as events:
                    async for event in events:
                        started = True
                        yield event
                return
            except Exception as error:  # every failure becomes an event, none escapes
                info = hide_key(classify_exception(error, self.settings.base_url),
                                self.settings.api_key)
                delay = None if started else retry_delay(error, attempt)
                if delay is not None and delay > RETRY_AFTER_CAP:
                    yield Failed(replace(info, hint=f"The API asks to wait {wait_words(delay)} "
                                                    "before retrying."))
                    return
                if delay is None or attempt == attempts:
                    if attempt > 1:
                        info = replace(info, detail=_joined(info.detail,
                                                            f"Tried {attempt} times."))
                    yield Failed(info)
                    return
                yield Retrying(info, attempt + 1, attempts, delay)
                await asyncio.sleep(delay)

    async def _attempt(self, request: dict[str, Any]) -> AsyncGenerator[StreamEvent, None]:
        """One request and its stream; raises what the SDK raises."""
        usage = Usage()
        stop_reason: str | None = None
        client = await self._client()
        async with client.messages.stream(**request) as stream:
            async for sdk_event in stream:
                event: Any = sdk_event  # a union the SDK types loosely; we read by .type
                kind = event.type
                if kind == "message_start":
                    usage = _usage(event.message.usage)
                    yield MessageStarted(event.message.id, event.message.model, usage)
                elif kind == "content_block_start":
                    yield BlockStarted(event.index, _block(event.content_block))
                elif kind == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta":
                        yield TextDelta(event.index, delta.text)
                    elif delta.type == "thinking_delta":
                        yield ThinkingDelta(event.index, delta.thinking)
                elif kind == "content_block_stop":
                    yield BlockFinished(event.index, _block(event.content_block))
                elif kind == "message_delta":
                    usage = _merge_usage(usage, event.usage)
                    stop_reason = event.delta.stop_reason or stop_reason
                    yield UsageUpdated(usage)
                elif kind == "message_stop":
                    yield Finished(stop_reason or "end_turn", usage)
                    return
        yield Failed(INCOMPLETE)


def _joined(*parts: str) -> str:
    """Sentences, each ended by a full stop if it has none."""
    return " ".join(part if part.endswith((".", "!", "?")) else f"{part}."
                    for part in parts if part)


def _merge_usage(current: Usage, raw: Any) -> Usage:
    """``message_delta`` usage is cumulative; fields it leaves out keep their value."""
    update = _usage(raw)
    return Usage(
        **{name: getattr(update, name) or getattr(current, name) for name in USAGE_FIELDS}
    )
