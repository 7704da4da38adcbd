"""A fake Anthropic Messages API on 127.0.0.1, for tests and manual trials.

It speaks the documented wire format over real HTTP, so the real SDK talks to it:

    with FakeAnthropic() as server:
        server.enqueue(Reply.text("Hello, world"), Reply.error(529))
        client = anthropic.AsyncAnthropic(api_key="test-key", base_url=server.url, max_retries=0)

Each POST /v1/messages takes the next queued `Reply` (first in, first out); when the queue is
empty it answers with the server's default reply, by default an echo of the last user message.
Requests with `"stream": true` get Server-Sent Events, the others one JSON message.

To hold a stream part-way, give the reply a `Gate`:

    gate = Gate(after="Hello")
    server.enqueue(Reply.text("Hello, world", gate=gate))
    ...                              # start the request
    await gate.wait_held_async()     # "Hello" has been sent; the server now waits
    gate.release()                   # ", world" and the end of the message follow

With `server.keys = {"good-key"}` it takes only those API keys: any other gets the API's
401 (`authentication_error`, "invalid x-api-key"), on /v1/messages and /v1/models alike.

It knows models (tests/fake_models.py): GET /v1/models lists six, newest first, with their
`capabilities`, in pages (`limit`, `after_id`, `before_id`); GET /v1/models/ID gives one.
POST /v1/messages and /v1/messages/count_tokens refuse what the real API refuses for the model
asked (404 for an unknown one, 400 for a thinking type, effort, budget or sampling parameter it
does not take, or a thinking block sent back with a signature that is missing or bound to
another system prompt). Thinking blocks are signed for the request they answer (a scripted
block without a signature gets one) and come with empty text when the request turns thinking
on without `display: "summarized"` on a 5.x model (or with `display: "omitted"`). The echo
starts with a short thinking block when the request turns thinking on (adaptive or enabled).

Hostile replies, for robustness trials: `Reply.lone_surrogate` (a delta holding "\\ud800"),
`Reply.invalid_utf8` (a byte 0xFF in a delta), `Reply.error(..., retry_after="inf")` (any
header value), `Reply.huge_error` (a 50 MB error), `Reply.gzip_bomb` (gigabytes from
megabytes, as an error or mid-stream), `Reply.huge_header` (a megabyte of one header),
`Reply.many_blocks` (10,000 content blocks), token counts below zero or over a billion
(`input_tokens=-5`), and `server.url_with("user:secret")`, a base URL with credentials in it.

Run it on its own (echo replies, streamed slowly) for manual trials and benchmarks:

    python -m tests.fake_api --port 8765 --delay 0.02 --chunk-size 8

Stdlib only, so that it runs anywhere.
"""

# What the real SDK (anthropic 2.14.0 over httpx2 2.16.2) does with each fault, as checked
# by tests/test_fake_api.py through `client.messages.stream(...)`:
# - Reply.stream_error_event: iterating the stream raises `anthropic.APIStatusError` (the base
#   class itself: the HTTP status was 200) with `.status_code == 200` and `.type` set to the
#   event's error type, e.g. "overloaded_error"; `.body` is the event's JSON.
# - Reply.drop_mid_stream: iterating raises `httpx2.RemoteProtocolError` ("peer closed
#   connection without sending complete message body"), not an SDK exception.
# - Reply.end_without_stop: nothing is raised; `get_final_message()` returns the partial text
#   with `stop_reason None` (and output_tokens 1, from message_start).
# - Reply.stall with a client read timeout shorter than the stall: `httpx2.ReadTimeout`.
# - Reply.hang_before_headers with a shorter client timeout: `anthropic.APITimeoutError`.
# - Reply.many_blocks(10_000): the final message holds the 10,000 text blocks, in order.
# - Reply.lone_surrogate: the `text` event and the final text hold "\ud800" as it is (a str
#   that cannot be encoded: UnicodeEncodeError).
# - Reply.error(..., retry_after="inf", retry_after_ms="nan"): the headers reach
#   `error.response.headers` as sent; the SDK (max_retries=0) does not read them.
# - Reply.huge_error: the SDK reads the whole body; `.api_message` is the whole message.
# - Reply.gzip_bomb: the SDK inflates it all (httpx2 inflates a mebibyte at a time, but the
#   error body is joined whole in memory); as an error its `.message` is the inflated body.
#   Streamed, the zeros event has no blank line after it: the SDK buffers it whole, then drops
#   it when the body ends; nothing is raised and the stop reason is None.
# - Reply.invalid_utf8: iterating raises `UnicodeDecodeError` at the event holding the byte.
# - Reply.huge_header: `anthropic.APIConnectionError` caused by `httpx2.RemoteProtocolError`
#   ("Receive buffer too long"): the HTTP layer reads no more than 100 KB of headers.
# - Negative or huge counts (`input_tokens=-5`, `output_tokens=10**15`) reach `usage` as sent.
# - A base URL with userinfo (`server.url_with("user:secret")`): httpx2 sends the userinfo as
#   `Authorization: Basic ...` in place of the SDK's Bearer key; the server takes either.
# - An HTTP error before the stream starts raises on entering `messages.stream(...)`, with the
#   class of its status: 400 BadRequestError, 401 AuthenticationError, 403 PermissionDeniedError,
#   404 NotFoundError, 413 ContentTooLargeError, 429 RateLimitError, 500 InternalServerError,
#   529 OverloadedError (a subclass of InternalServerError).
# And with models, as checked by tests/test_fake_api_models.py:
# - `client.models.list()` parses each model's `capabilities` into `ModelCapabilities`;
#   `async for` follows `has_more` by asking again with `after_id=<last_id>` (and `limit`).
# - A 404 from /v1/messages (unknown model) raises `NotFoundError`; `.body` is the whole JSON,
#   `{"type": "error", "error": {"type": "not_found_error", "message": "model: ..."}}`.
# - `thinking={"type": "between_tools"}`, `output_config={"effort": ...}` and `stop_sequences`
#   are method parameters; sampling parameters only pass as `extra_body`, and the old API
#   version as `extra_headers={"anthropic-version": "2023-06-01"}`.
# - The stream's `thinking` events carry the thinking text; the final message's thinking block
#   has it and the signature (from the `signature_delta`); `message_delta.delta.stop_sequence`
#   becomes the final message's `stop_sequence`.

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import socket
import sys
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

from tests.fake_models import (
    DEFAULT_MODEL,
    MODELS,
    asks_for_thinking,
    check_request,
    count_tokens,
    find_model,
    model_page,
    rough_token_count,
    shaped_blocks,
)

REQUEST_LIMIT = 32 * 1024 * 1024
"""The most a request body may hold: more is a 413 `request_too_large`."""

ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
"""The error type the API puts in the body for each HTTP status."""

_ERROR_MESSAGES: dict[str, str] = {
    "invalid_request_error": "Invalid request",
    "authentication_error": "invalid x-api-key",
    "billing_error": "Your credit balance is too low to access the Anthropic API.",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit",
    "api_error": "Internal server error",
    "timeout_error": "Request timed out",
    "overloaded_error": "Overloaded",
}


def _new_id(prefix: str) -> str:
    return f"{prefix}_fake{uuid.uuid4().hex[:20]}"


def error_type_for(status: int) -> str:
    """The error type the API sends with an HTTP error status."""
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


LONE_SURROGATE = "\ud800"
"""Half of a UTF-16 pair on its own, as `Reply.lone_surrogate` sends it."""
INVALID_UTF8 = "\ue000"
"""Stands for the byte 0xFF in the text of a reply made by `Reply.invalid_utf8`."""
_INVALID_UTF8_ESCAPED = json.dumps(INVALID_UTF8).strip('"').encode()


class Gate:
    """A point where a streamed reply waits until the test releases it.

    The stream holds once the text of its text blocks streamed so far equals `after` (which must
    start the reply's text); with `after=""` it holds before the first delta. A non-streamed
    reply is held back whole. A gate holds once: after `release()` it stays open. Stopping the
    server ends a held reply (the connection is closed).
    """

    def __init__(self, after: str = "") -> None:
        self.after = after
        self._held = threading.Event()
        self._released = threading.Event()

    @property
    def held(self) -> bool:
        """Whether the server has reached the gate (it stays true after the release)."""
        return self._held.is_set()

    def wait_held(self, timeout: float = 5.0) -> None:
        """Block until the server reaches the gate. Do not call it on the event loop that runs
        the client, which would then never send the request: use `wait_held_async` there."""
        if not self._held.wait(timeout):
            raise TimeoutError(
                f"the reply did not reach the gate after {self.after!r} in {timeout} s"
            )

    async def wait_held_async(self, timeout: float = 5.0) -> None:
        """Wait, without blocking the event loop, until the server reaches the gate."""
        deadline = time.monotonic() + timeout
        while not self._held.is_set():
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the reply did not reach the gate after {self.after!r} in {timeout} s"
                )
            await asyncio.sleep(0.005)

    def release(self) -> None:
        """Let the held reply go on."""
        self._released.set()

    def _hold(self, stopping: threading.Event) -> None:
        """Called by the server: wait here until released or until the server stops."""
        self._held.set()
        while not self._released.wait(0.02):
            if stopping.is_set():
                return


Fault = Literal[
    "error_event",
    "drop",
    "end_without_stop",
    "stall",
    "hang_before_headers",
    "gzip_bomb",
    "huge_header",
]
"""How a reply goes wrong (see the fault constructors of `Reply`)."""


@dataclass
class Reply:
    """One scripted response. Make them with the class methods."""

    content: list[dict[str, Any]] = field(default_factory=list)
    chunk_size: int = 20
    """Characters per delta event."""
    delay: float = 0.0
    """Seconds between delta events (streamed replies only)."""
    model: str | None = None
    """None: the model the request asked for."""
    stop_reason: str | None = "end_turn"
    stop_sequence: str | None = None
    """The stop sequence that ended the reply (with stop_reason "stop_sequence")."""
    input_tokens: int = 10
    output_tokens: int | None = None
    """None: a rough count of the content."""
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    message_id: str | None = None
    """None: a new id for each response."""
    gate: Gate | None = None
    status: int = 200
    """An HTTP error status, sent with `error_type` and `error_message` instead of a message."""
    error_type: str = ""
    error_message: str = ""
    retry_after: float | str | None = None
    """The retry-after header of an error: a number of seconds, or a string sent as it is
    ("inf", "nan", "1e400", an HTTP date)."""
    retry_after_ms: float | str | None = None
    """The retry-after-ms header of an error, the same way."""
    error_size: int = 0
    """An error whose message is this many "x" (streamed, never built whole), when not 0."""
    fault: Fault | None = None
    fault_seconds: float = 0.0
    """How long a stall or a hang lasts."""
    fault_size: int = 0
    """How many bytes a gzip bomb inflates to, or a huge header holds."""
    invalid_byte: bool = False
    """Whether each INVALID_UTF8 in the streamed text goes out as the byte 0xFF, which is not
    UTF-8 (see `Reply.invalid_utf8`)."""
    is_echo: bool = False
    """Whether the content is made from each request (see `Reply.echo`)."""
    server_tool_use: dict[str, int] | None = None
    """`usage.server_tool_use` (`web_search_requests`, `web_fetch_requests`), when given."""
    hold_before_block: tuple[int, Gate] | None = None
    """(n, gate): the stream holds at the gate before the `content_block_start` of block n
    (a search's result, say), whatever the text sent."""

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, not {self.chunk_size}")

    @classmethod
    def text(cls, text: str, **options: Any) -> Reply:
        """A reply with one text block; ``options`` as for :meth:`blocks` (chunk_size,
        delay, model, stop_reason — "end_turn" unless given —, stop_sequence, the token
        counts, message_id, gate)."""
        return cls.blocks([{"type": "text", "text": text}], **options)

    @classmethod
    def blocks(
        cls,
        blocks: list[dict[str, Any]],
        *,
        chunk_size: int = 20,
        delay: float = 0.0,
        model: str | None = None,
        stop_reason: str | None = None,
        stop_sequence: str | None = None,
        input_tokens: int = 10,
        output_tokens: int | None = None,
        cache_creation_input_tokens: int = 0,
        cache_read_input_tokens: int = 0,
        message_id: str | None = None,
        gate: Gate | None = None,
    ) -> Reply:
        """A reply with these content blocks: `{"type": "text", "text": ...}`,
        `{"type": "thinking", "thinking": ..., "signature": ...}`,
        `{"type": "tool_use", "id": ..., "name": ..., "input": {...}}` (the id and the signature may
        be left out: a thinking block then gets a signature bound to the request it answers);
        other types are sent whole in their `content_block_start`.
        `stop_reason` None means "stop_sequence" if `stop_sequence` is given, "tool_use" if there
        is a tool_use block, else "end_turn"."""
        content = [_complete_block(block) for block in blocks]
        if stop_reason is None and stop_sequence is not None:
            stop_reason = "stop_sequence"
        elif stop_reason is None:
            stop_reason = (
                "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
            )
        reply = cls(
            content=content,
            chunk_size=chunk_size,
            delay=delay,
            model=model,
            stop_reason=stop_reason,
            stop_sequence=stop_sequence,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cache_creation_input_tokens=cache_creation_input_tokens,
            cache_read_input_tokens=cache_read_input_tokens,
            message_id=message_id,
            gate=gate,
        )
        if gate is not None and not reply.visible_text.startswith(gate.after):
            raise ValueError(f"the gate's text {gate.after!r} does not start the reply's text")
        return reply

    @classmethod
    def many_blocks(cls, count: int, text: str = "Block {n}.", **options: Any) -> Reply:
        """A reply with `count` text blocks, the n-th (from 1) holding `text` with `{n}` filled
        in, e.g. 10,000 blocks for drawing and saving trials; ``options`` as for
        :meth:`blocks`."""
        return cls.blocks(
            [{"type": "text", "text": text.format(n=n)} for n in range(1, count + 1)], **options
        )

    @classmethod
    def echo(cls, *, chunk_size: int = 20, delay: float = 0.0, model: str | None = None) -> Reply:
        """A short Markdown reply quoting the last user message (the server's default), after
        a short thinking block when the request turns thinking on (adaptive or enabled)."""
        return cls(chunk_size=chunk_size, delay=delay, model=model, is_echo=True)

    @classmethod
    def error(
        cls,
        status: int,
        message: str | None = None,
        *,
        error_type: str | None = None,
        retry_after: float | str | None = None,
        retry_after_ms: float | str | None = None,
    ) -> Reply:
        """An HTTP error, `{"type": "error", "error": {"type": T, "message": M}}`, where T is the
        API's type for the status unless given; `retry_after` and `retry_after_ms` set those
        headers (a number as seconds or milliseconds, a string as it is: "inf", "nan",
        "1e400")."""
        error_type = error_type or error_type_for(status)
        return cls(
            status=status,
            error_type=error_type,
            error_message=message or _ERROR_MESSAGES.get(error_type, "Error"),
            retry_after=retry_after,
            retry_after_ms=retry_after_ms,
        )

    @classmethod
    def huge_error(cls, status: int = 500, size: int = 50_000_000) -> Reply:
        """An HTTP error whose message is `size` times "x" (50 MB unless given), with its
        content-length; the body is written piece by piece, so a client that stops reading
        costs the server nothing more."""
        reply = cls.error(status, "x")
        return replace(reply, error_message="", error_size=size)

    @classmethod
    def gzip_bomb(
        cls, size: int = 4 << 30, *, stream: bool = False, text_before: str = "Partial answer"
    ) -> Reply:
        """A body with `content-encoding: gzip` that inflates to `size` bytes (4 GB unless
        given) from about a thousandth of that on the wire, made of zeros compressed once
        and sent again and again (the gzip member is never closed: a client that inflated it
        all would find no end). Without `stream` (or for a request without "stream"), an
        HTTP 500 whose JSON body opens an error message that is all zeros; with it, a 200 event
        stream that streams `text_before`, then an event whose data line is all zeros."""
        reply = cls.text(text_before) if stream else cls.error(500)
        return replace(reply, fault="gzip_bomb", fault_size=size)

    @classmethod
    def huge_header(cls, size: int = 1 << 20) -> Reply:
        """A response whose headers never end: one header of `size` bytes (1 MB unless
        given), then the connection is closed."""
        return cls(fault="huge_header", fault_size=size)

    @classmethod
    def lone_surrogate(
        cls, before: str = "Hello ", after: str = " world.", **options: Any
    ) -> Reply:
        """A text reply with a lone surrogate between `before` and `after`: its delta holds
        the JSON escape "\\ud800" (valid JSON, but not a character: a client that keeps it
        can neither encode nor send it again). `options` as for :meth:`text`."""
        return cls.text(f"{before}{LONE_SURROGATE}{after}", **options)

    @classmethod
    def invalid_utf8(cls, before: str = "Hello ", after: str = " world.", **options: Any) -> Reply:
        """A streamed text reply with the byte 0xFF (never part of UTF-8) between `before` and
        `after`, raw in its delta's event (a request without "stream" gets U+E000 there).
        `options` as for :meth:`text`."""
        reply = cls.text(f"{before}{INVALID_UTF8}{after}", **options)
        return replace(reply, invalid_byte=True)

    # The stream faults come once `text_before` has been streamed, inside its open text block.
    # A request without "stream" gets: for an error event, the HTTP error of that type; for a
    # drop or a stall, the connection closed (after the stall) with no response; for an end
    # without stop, the message with stop_reason null.

    @classmethod
    def stream_error_event(
        cls,
        text_before: str,
        error_type: str = "overloaded_error",
        message: str = "Overloaded",
        *,
        chunk_size: int = 20,
        delay: float = 0.0,
        gate: Gate | None = None,
    ) -> Reply:
        """Streams `text_before`, then an `event: error`, then ends the response."""
        reply = cls.text(text_before, chunk_size=chunk_size, delay=delay, gate=gate)
        return replace(reply, fault="error_event", error_type=error_type, error_message=message)

    @classmethod
    def drop_mid_stream(
        cls, text_before: str, *, chunk_size: int = 20, delay: float = 0.0, gate: Gate | None = None
    ) -> Reply:
        """Streams `text_before`, then closes the connection without ending the chunked body."""
        reply = cls.text(text_before, chunk_size=chunk_size, delay=delay, gate=gate)
        return replace(reply, fault="drop")

    @classmethod
    def end_without_stop(
        cls, text_before: str, *, chunk_size: int = 20, delay: float = 0.0, gate: Gate | None = None
    ) -> Reply:
        """Streams `text_before`, then ends the response cleanly, with no message_delta or
        message_stop."""
        reply = cls.text(text_before, chunk_size=chunk_size, delay=delay, gate=gate)
        return replace(reply, fault="end_without_stop")

    @classmethod
    def stall(
        cls,
        text_before: str,
        seconds: float,
        *,
        chunk_size: int = 20,
        delay: float = 0.0,
        gate: Gate | None = None,
    ) -> Reply:
        """Streams `text_before`, sends nothing for `seconds`, then closes the connection without
        ending the body (as a proxy that gives up would)."""
        reply = cls.text(text_before, chunk_size=chunk_size, delay=delay, gate=gate)
        return replace(reply, fault="stall", fault_seconds=seconds)

    @classmethod
    def hang_before_headers(cls, seconds: float) -> Reply:
        """Sends nothing for `seconds`, then closes the connection: for client timeouts."""
        return cls(fault="hang_before_headers", fault_seconds=seconds)

    @property
    def visible_text(self) -> str:
        """The text of the text blocks, joined."""
        return "".join(block["text"] for block in self.content if block["type"] == "text")

    def for_request(self, body: dict[str, Any]) -> Reply:
        """This reply as sent for a request: an echo gets its text from the request; thinking
        blocks get a signature bound to it if they have none, and no text if it hides them."""
        content = self.content
        if self.is_echo and web_tool_names(body):
            return web_echo(body, self).for_request(body)
        if self.is_echo:
            content = [{"type": "text", "text": echo_text(body)}]
            if asks_for_thinking(body):
                content.insert(0, {"type": "thinking", "thinking": echo_thinking(body)})
        return replace(self, content=shaped_blocks(content, body), is_echo=False)


@dataclass
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    """With lower-case names."""
    body: dict[str, Any]
    """The parsed JSON body ({} when there is none or it is not a JSON object)."""
    received_at: float = field(default_factory=time.monotonic)
    """When it arrived (``time.monotonic()``)."""

    @property
    def stream(self) -> bool:
        return self.body.get("stream") is True


class FakeAnthropic:
    """The fake API server. Use it as a context manager, or call `start()` and `stop()`."""

    def __init__(
        self,
        default: Reply | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        """`default` answers POST /v1/messages when the queue is empty (None: `Reply.echo()`);
        port 0 picks a free port; `verbose` logs each request to stderr."""
        self.default = default or Reply.echo()
        self.models = MODELS
        """The models it lists and serves (see ``fake_models.without_input``)."""
        self.verbose = verbose
        self.requests: list[RecordedRequest] = []
        """Every request to /v1/messages, in order."""
        self.all_requests: list[RecordedRequest] = []
        """Every request, to any path."""
        self.without_web_search: set[str] = set()
        """Ids of models whose capabilities say they have no web search: GET /v1/models says
        so, and POST /v1/messages refuses the web tools for them (400)."""
        self.keys: set[str] | None = None
        """The API keys it takes (None: any key at all); any other key gets the API's 401
        (`authentication_error`, "invalid x-api-key") on every path, as the real one does."""
        self.token_count: int | None = None
        """What POST /v1/messages/count_tokens answers (None: a rough count of the request),
        a negative or huge one too."""
        self._host = host
        self._port = port
        self._queue: deque[Reply] = deque()
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def open_connections(self) -> int:
        """How many client connections the server holds open now."""
        return len(self._connections)

    @property
    def url(self) -> str:
        """The base URL, "http://127.0.0.1:PORT", to give the client as `base_url`."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url_with(self, userinfo: str) -> str:
        """The base URL with credentials in it, "http://USERINFO@127.0.0.1:PORT". The HTTP
        layer sends them as Basic credentials instead of the key; the server takes them."""
        return self.url.replace("://", f"://{userinfo}@", 1)

    def start(self) -> FakeAnthropic:
        self._stopping.clear()
        self._httpd = _Server((self._host, self._port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-anthropic",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop at once: stalls, hangs and gates give up, open connections are closed."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._handler_threads)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        deadline = time.monotonic() + 1.0
        for thread in [self._thread, *threads]:
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        self._httpd = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies for the next POST /v1/messages requests, in this order."""
        with self._lock:
            self._queue.extend(replies)

    @property
    def queued(self) -> int:
        """How many queued replies have not been used yet."""
        with self._lock:
            return len(self._queue)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> None:
        """Block until /v1/messages has received `n` requests in all. Do not call it on the event
        loop that runs the client: use `wait_for_requests_async` there."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(
                    f"expected {n} requests to /v1/messages, got {len(self.requests)}"
                )

    async def wait_for_requests_async(self, n: int, timeout: float = 5.0) -> None:
        """Wait, without blocking the event loop, until /v1/messages has received `n` requests."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"expected {n} requests to /v1/messages, got {len(self.requests)}"
                )
            await asyncio.sleep(0.005)

    # Called from the handler threads.

    def _record(self, request: RecordedRequest, *, is_message: bool) -> None:
        with self._lock:
            self.all_requests.append(request)
            if is_message:
                self.requests.append(request)
            self._lock.notify_all()

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def _opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            self._handler_threads.add(threading.current_thread())

    def _closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)
            self._handler_threads.discard(threading.current_thread())


def _key_of(headers: dict[str, str]) -> str | None:
    """The API key a request carries (x-api-key, or a Bearer token)."""
    bearer = headers.get("authorization", "")
    return headers.get("x-api-key") or (bearer[7:] if bearer.startswith("Bearer ") else None)


class _Aborted(Exception):
    """The server is stopping: drop the connection."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeAnthropic) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that go away; report anything else."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, _Aborted)):
            return
        if isinstance(error, OSError) and self.fake._stopping.is_set():
            return
        super().handle_error(request, client_address)


@dataclass(frozen=True)
class _Event:
    name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class _Hold:
    gate: Gate


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    @property
    def fake(self) -> FakeAnthropic:
        return self.server.fake

    def setup(self) -> None:
        super().setup()
        self.fake._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.fake._closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        if self.fake.verbose:
            sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    # Routing

    def _handle(self, method: str) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        headers = {name.lower(): value for name, value in self.headers.items()}
        raw_body = self._read_body()
        try:
            parsed = json.loads(raw_body) if raw_body else {}
        except ValueError:
            parsed = None
        body: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
        request = RecordedRequest(method=method, path=self.path, headers=headers, body=body)
        self.fake._record(request, is_message=(method, path) == ("POST", "/v1/messages"))
        try:
            if not (
                headers.get("x-api-key")
                or headers.get("authorization", "").startswith(("Bearer ", "Basic "))
            ):
                self._send_error(401, "authentication_error", "x-api-key header is required")
            elif self.fake.keys is not None and _key_of(headers) not in self.fake.keys:
                self._send_error(401, "authentication_error", "invalid x-api-key")
            elif "anthropic-version" not in headers:
                self._send_error(
                    400, "invalid_request_error", "anthropic-version: header is required"
                )
            elif len(raw_body) > REQUEST_LIMIT:
                self._send_error(
                    413, "request_too_large", "Request exceeds the maximum size of 32 MB"
                )
            elif raw_body and parsed is None:
                self._send_error(400, "invalid_request_error", "The request body is not valid JSON")
            elif (method, path) == ("POST", "/v1/messages"):
                self._messages(request)
            elif (method, path) == ("POST", "/v1/messages/count_tokens"):
                self._count_tokens(request)
            elif (method, path) == ("GET", "/v1/models"):
                page = model_page(urlsplit(self.path).query, self.fake.models)
                self._send_json(200, without_web_search(page, self.fake.without_web_search))
            elif method == "GET" and path.startswith("/v1/models/"):
                self._model(path.removeprefix("/v1/models/"))
            else:
                self._send_error(404, "not_found_error", f"Not found: {method} {path}")
        except (ConnectionError, _Aborted):
            self.close_connection = True

    def _read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _count_tokens(self, request: RecordedRequest) -> None:
        refusal = check_request(
            request.body, request.headers, counting=True, models=self.fake.models
        )
        if refusal:
            self._send_error(*refusal)
            return
        counted = self.fake.token_count
        if counted is None:
            counted = count_tokens(request.body)
        self._send_json(200, {"input_tokens": counted})

    def _model(self, model_id: str) -> None:
        model = find_model(model_id, self.fake.models)
        if model is None:
            self._send_error(404, "not_found_error", f"model: {model_id}")
        else:
            self._send_json(200, without_web_search(model.info(), self.fake.without_web_search))

    # POST /v1/messages

    def _messages(self, request: RecordedRequest) -> None:
        refusal = check_request(
            request.body, request.headers, models=self.fake.models
        ) or tools_refusal(request.body, self.fake.without_web_search)
        if refusal:
            self._send_error(*refusal)
            return
        reply = self.fake._next_reply().for_request(request.body)
        model = reply.model or str(request.body.get("model") or DEFAULT_MODEL)
        message_id = reply.message_id or _new_id("msg")
        if reply.fault == "hang_before_headers":
            self._wait(reply.fault_seconds)
            self.close_connection = True
            return
        if reply.fault == "gzip_bomb":
            self._send_gzip_bomb(reply, model, message_id, stream=request.stream)
            return
        if reply.fault == "huge_header":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nx-padding: ")
            for _ in range(0, reply.fault_size, 65536):
                self._check_stopping()
                self.wfile.write(b"x" * 65536)
            self.close_connection = True
            return
        if reply.status != 200 and reply.error_size:
            self._send_huge_error(reply)
            return
        if reply.status != 200:
            self._send_error(
                reply.status, reply.error_type, reply.error_message, _retry_headers(reply)
            )
            return
        if request.stream:
            self._stream(reply, model, message_id)
        else:
            self._whole(reply, model, message_id)

    def _whole(self, reply: Reply, model: str, message_id: str) -> None:
        """Answer a request without `stream`: the message as one JSON document."""
        if reply.gate is not None:
            reply.gate._hold(self.fake._stopping)
            self._check_stopping()
        if reply.fault == "error_event":
            status = next((s for s, t in ERROR_TYPES.items() if t == reply.error_type), 500)
            self._send_error(status, reply.error_type, reply.error_message)
            return
        if reply.fault in ("drop", "stall"):
            self._wait(reply.fault_seconds)
            self.close_connection = True
            return
        message = _message(reply, model, message_id)
        message["content"] = reply.content
        if reply.fault == "end_without_stop":
            message["stop_reason"] = None
        self._send_json(200, message)

    def _stream(self, reply: Reply, model: str, message_id: str) -> None:
        """Answer a request with `"stream": true`: Server-Sent Events, one chunk each."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", _new_id("req"))
        self.end_headers()
        first_delta = True
        for step in _stream_steps(reply, model, message_id):
            if isinstance(step, _Hold):
                step.gate._hold(self.fake._stopping)
                self._check_stopping()
                continue
            if step.name == "content_block_delta":
                if reply.delay and not first_delta:
                    self._wait(reply.delay)
                first_delta = False
            event = _event_bytes(step.name, step.data)
            if reply.invalid_byte:
                event = event.replace(_INVALID_UTF8_ESCAPED, b"\xff")
            self._send_chunk(event)
        if reply.fault == "error_event":
            error = {
                "type": "error",
                "error": {"type": reply.error_type, "message": reply.error_message},
            }
            self._send_event("error", error)
        elif reply.fault == "stall":
            self._wait(reply.fault_seconds)
        if reply.fault in ("drop", "stall"):
            self.close_connection = True  # without the last chunk: the body is cut short
        else:
            self._send_chunk(b"")

    # Writing

    def _send_event(self, name: str, data: dict[str, Any]) -> None:
        self._send_chunk(_event_bytes(name, data))

    def _send_chunk(self, data: bytes) -> None:
        """One chunk of a chunked body (an empty one ends the body), sent at once."""
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _send_json(
        self, status: int, document: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", _new_id("req"))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(
        self, status: int, error_type: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send_json(
            status, {"type": "error", "error": {"type": error_type, "message": message}}, headers
        )

    def _send_head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "request-id": _new_id("req")}.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_huge_error(self, reply: Reply) -> None:
        """An error whose message is `reply.error_size` times "x", written piece by piece."""
        opening, closing = _error_opening(reply.error_type), b'"}}'
        length = len(opening) + reply.error_size + len(closing)
        headers = {"content-type": "application/json", "content-length": str(length)}
        self._send_head(reply.status, {**headers, **_retry_headers(reply)})
        self.wfile.write(opening)
        piece = b"x" * 65536
        left = reply.error_size
        while left > 0:
            self._check_stopping()
            self.wfile.write(piece[: min(left, len(piece))])
            left -= len(piece)
        self.wfile.write(closing)

    def _send_gzip_bomb(self, reply: Reply, model: str, message_id: str, *, stream: bool) -> None:
        """A gzip body that inflates to `reply.fault_size` bytes: an opening, then zeros (see
        `Reply.gzip_bomb`), in chunks of one compressed mebibyte each."""
        if stream and reply.status == 200:
            status, content_type = 200, "text/event-stream; charset=utf-8"
            events = _stream_steps(reply, model, message_id)
            opening = b"".join(
                _event_bytes(e.name, e.data) for e in events if isinstance(e, _Event)
            )
            opening += b"event: content_block_delta\ndata: "
        else:
            status, content_type = 500, "application/json"
            opening = _error_opening(reply.error_type or "api_error")
        headers = {"content-encoding": "gzip", "transfer-encoding": "chunked"}
        self._send_head(status, {"content-type": content_type, **headers})
        gzip = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self._send_chunk(gzip.compress(opening) + gzip.flush(zlib.Z_FULL_FLUSH))
        block = _zeros_compressed()
        for _ in range(reply.fault_size // _ZEROS):
            self._check_stopping()
            self._send_chunk(block)
        self._send_chunk(b"")

    def _wait(self, seconds: float) -> None:
        """Sleep, unless the server stops meanwhile."""
        if self.fake._stopping.wait(seconds):
            raise _Aborted

    def _check_stopping(self) -> None:
        if self.fake._stopping.is_set():
            raise _Aborted


def _event_bytes(name: str, data: dict[str, Any]) -> bytes:
    """One Server-Sent Event (json.dumps escapes what is not ASCII, lone surrogates too)."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def _retry_headers(reply: Reply) -> dict[str, str]:
    """The retry-after headers of an error reply: a number formatted, a string as it is."""
    given = {"retry-after": reply.retry_after, "retry-after-ms": reply.retry_after_ms}
    return {
        name: value if isinstance(value, str) else f"{value:g}"
        for name, value in given.items()
        if value is not None
    }


def _error_opening(error_type: str) -> bytes:
    """An error's JSON body up to the first character of its message."""
    return b'{"type": "error", "error": {"type": "%s", "message": "' % error_type.encode()


_ZEROS = 1 << 20


@functools.cache
def _zeros_compressed() -> bytes:
    """A mebibyte of zeros as raw deflate blocks that stand alone (a full flush ends them):
    sent again and again inside a gzip member after a full flush of its own."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflate.compress(bytes(_ZEROS)) + deflate.flush(zlib.Z_FULL_FLUSH)


def _complete_block(block: dict[str, Any]) -> dict[str, Any]:
    """A copy of a content block with what the API always sends filled in."""
    block = dict(block)
    if block["type"] == "tool_use":
        block.setdefault("id", _new_id("toolu"))
        block.setdefault("input", {})
    if block["type"] == "server_tool_use":
        block.setdefault("id", _new_id("srvtoolu"))
    return block


def _message(reply: Reply, model: str, message_id: str) -> dict[str, Any]:
    """The message as a whole, with an empty content."""
    streamed = "".join(_block_payload(block) for block in reply.content)
    output_tokens = (
        reply.output_tokens if reply.output_tokens is not None else rough_token_count(streamed)
    )
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": reply.stop_reason,
        "stop_sequence": reply.stop_sequence,
        "usage": {
            "input_tokens": reply.input_tokens,
            "cache_creation_input_tokens": reply.cache_creation_input_tokens,
            "cache_read_input_tokens": reply.cache_read_input_tokens,
            "output_tokens": output_tokens,
            "service_tier": "standard",
            **({"server_tool_use": reply.server_tool_use} if reply.server_tool_use else {}),
        },
    }


def _block_payload(block: dict[str, Any]) -> str:
    """What the deltas of a block carry, joined."""
    if block["type"] == "text":
        return str(block["text"])
    if block["type"] == "thinking":
        return str(block["thinking"])
    if block["type"] in ("tool_use", "server_tool_use"):
        return json.dumps(block["input"])
    return ""


def _stream_steps(reply: Reply, model: str, message_id: str) -> Iterator[_Event | _Hold]:
    """The events of a streamed reply, with the point where its gate holds. For a reply with a
    fault, they stop after the deltas of the last block, which stays open."""
    message = _message(reply, model, message_id)
    usage_so_far = {**message["usage"], "output_tokens": 1}
    yield _Event(
        "message_start",
        {
            "type": "message_start",
            "message": {
                **message,
                "stop_reason": None,
                "stop_sequence": None,
                "usage": usage_so_far,
            },
        },
    )
    yield _Event("ping", {"type": "ping"})
    gate = reply.gate
    text_sent = 0

    def hold_if_due() -> Iterator[_Hold]:
        nonlocal gate
        if gate is not None and text_sent >= len(gate.after):
            yield _Hold(gate)
            gate = None

    for index, block in enumerate(reply.content):
        if reply.hold_before_block is not None and reply.hold_before_block[0] == index:
            yield _Hold(reply.hold_before_block[1])
        start, delta_type, field_name = _block_start(block)
        yield _Event(
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": start},
        )
        for citation in block.get("citations") or [] if block["type"] == "text" else []:
            delta = {"type": "citations_delta", "citation": citation}
            yield _Event(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        payload = _block_payload(block)
        position = 0
        while position < len(payload):
            end = min(position + reply.chunk_size, len(payload))
            if gate is not None and block["type"] == "text" and text_sent < len(gate.after):
                end = min(end, position + len(gate.after) - text_sent)
            yield from hold_if_due()
            piece = payload[position:end]
            delta = {"type": delta_type, field_name: piece}
            yield _Event(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
            if block["type"] == "text":
                text_sent += len(piece)
            position = end
        if block["type"] == "thinking" and block.get("signature"):
            yield from hold_if_due()
            delta = {"type": "signature_delta", "signature": block["signature"]}
            yield _Event(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": delta},
            )
        if reply.fault is not None and index == len(reply.content) - 1:
            break
        yield _Event("content_block_stop", {"type": "content_block_stop", "index": index})
    yield from hold_if_due()
    if reply.fault is not None:
        return
    yield _Event("ping", {"type": "ping"})
    yield _Event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": reply.stop_sequence},
            "usage": {
                key: value for key, value in message["usage"].items() if key != "service_tier"
            },
        },
    )
    yield _Event("message_stop", {"type": "message_stop"})


def _block_start(block: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """A block's content_block_start, and the delta type and field its payload goes in."""
    if block["type"] == "text" and block.get("citations"):
        return {"type": "text", "text": "", "citations": []}, "text_delta", "text"
    if block["type"] == "text":
        return {"type": "text", "text": ""}, "text_delta", "text"
    if block["type"] == "thinking":
        return {"type": "thinking", "thinking": "", "signature": ""}, "thinking_delta", "thinking"
    if block["type"] in ("tool_use", "server_tool_use"):
        start = {"type": block["type"], "id": block["id"], "name": block["name"], "input": {}}
        return start, "input_json_delta", "partial_json"
    return block, "", ""


def _user_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            b["text"] for b in content if isinstance(b, dict) and b.get("type") == "text"
        )
    return ""


def _last_said(body: dict[str, Any]) -> str:
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    return next((_user_text(m) for m in reversed(messages) if m.get("role") == "user"), "")


def echo_thinking(body: dict[str, Any]) -> str:
    """The echo reply's thinking, when the request asks for thinking."""
    said = " ".join(_last_said(body).split())
    return f"Thinking about what you said: {said[:60] or '(nothing)'}"


def echo_text(body: dict[str, Any]) -> str:
    """The echo reply to a request: Markdown quoting its last user message."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    said = _last_said(body)
    quoted = "\n".join(f"> {line}" for line in said.splitlines() or ["(nothing)"])
    return (
        "## Echo\n\n"
        f"You said:\n\n{quoted}\n\n"
        f"- model: `{body.get('model', DEFAULT_MODEL)}`\n"
        f"- characters: {len(said)}\n"
        f"- words: {len(said.split())}\n\n"
        f"(I have seen {len(messages)} messages in this conversation)\n\n"
        "```python\n"
        f"said = {said[:60]!r}\n"
        "print(said.upper())\n"
        "```\n"
    )


# -- Server tools: web search and web fetch ---------------------------------------------
#
# Replies that search and fetch as the API does: a `server_tool_use` block (its input streamed
# as `input_json_delta`), its `web_search_tool_result` / `web_fetch_tool_result` block (whole
# in its `content_block_start`), text blocks with `citations` (each streamed as a
# `citations_delta` before the text), and `usage.server_tool_use`. A request's `tools` are
# checked (400 `invalid_request_error` for an entry that is not well-formed, or for a web tool
# on a model whose capabilities say it has none). The echo, asked with web search on, searches
# for the last user message and cites what it found.

WEB_TOOL_TYPES = {
    "web_search": ("web_search_20250305", "web_search_20260209", "web_search_20260318"),
    "web_fetch": ("web_fetch_20250910", "web_fetch_20260209", "web_fetch_20260309",
                  "web_fetch_20260318"),
}  # fmt: skip


def web_tool_names(body: dict[str, Any]) -> list[str]:
    """The web tools a request turns on, by name."""
    tools = body.get("tools")
    if not isinstance(tools, list):
        return []
    return [str(t.get("name")) for t in tools if isinstance(t, dict) and t.get("name")]


def without_web_search(listed: dict[str, Any], ids: set[str]) -> dict[str, Any]:
    """A model (or a page of them) as listed, those of `ids` without web search."""
    if "data" in listed:
        return {**listed, "data": [without_web_search(model, ids) for model in listed["data"]]}
    if listed.get("id") not in ids:
        return listed
    capabilities = listed["capabilities"]
    tools = {**capabilities["server_tools"], "web_search": {"supported": False}}
    return {**listed, "capabilities": {**capabilities, "server_tools": tools}}


def tools_refusal(body: dict[str, Any], without: set[str]) -> tuple[int, str, str] | None:
    """The 400 the API gives for a request's `tools`, if any (`without`: the ids of models
    that have no web search)."""
    tools = body.get("tools")
    if tools is None:
        return None

    def bad(message: str) -> tuple[int, str, str]:
        return 400, "invalid_request_error", message

    if not isinstance(tools, list):
        return bad("tools: Input should be a valid list")
    model = body.get("model")
    for n, tool in enumerate(tools):
        if not isinstance(tool, dict):
            return bad(f"tools.{n}: Input should be a valid dictionary")
        name, kind = tool.get("name"), tool.get("type")
        if name not in WEB_TOOL_TYPES or kind not in WEB_TOOL_TYPES[name]:
            return bad(f"tools.{n}: unknown server tool {kind!r} named {name!r}")
        uses = tool.get("max_uses")
        if uses is not None and (not isinstance(uses, int) or isinstance(uses, bool) or uses < 1):
            return bad(f"tools.{n}.max_uses: Input should be greater than or equal to 1")
        for key in ("allowed_domains", "blocked_domains"):
            domains = tool.get(key)
            if domains is not None and not (
                isinstance(domains, list) and all(isinstance(d, str) and d for d in domains)
            ):
                return bad(f"tools.{n}.{key}: Input should be a list of domain names")
        if tool.get("allowed_domains") and tool.get("blocked_domains"):
            return bad(f"tools.{n}: use allowed_domains or blocked_domains, not both")
        if model in without:
            return bad(f"tools.{n}: '{kind}' is not supported on {model}")
    return None


def web_result(url: str, title: str) -> dict[str, Any]:
    """One `web_search_result` of a `web_search_tool_result`."""
    return {
        "type": "web_search_result",
        "url": url,
        "title": title,
        "encrypted_content": f"enc-{uuid.uuid4().hex[:12]}",
        "page_age": "2 days ago",
    }


def web_citation(url: str, title: str, cited_text: str) -> dict[str, Any]:
    """A `web_search_result_location` citation."""
    return {
        "type": "web_search_result_location",
        "url": url,
        "title": title,
        "cited_text": cited_text,
        "encrypted_index": f"idx-{uuid.uuid4().hex[:12]}",
    }


def search_blocks(
    query: str, results: list[tuple[str, str]], *, tool_id: str | None = None
) -> list[dict[str, Any]]:
    """A search: its `server_tool_use` block and its result block, (url, title) each."""
    tool_id = tool_id or _new_id("srvtoolu")
    return [
        {"type": "server_tool_use", "id": tool_id, "name": "web_search", "input": {"query": query}},
        {
            "type": "web_search_tool_result",
            "tool_use_id": tool_id,
            "content": [web_result(url, title) for url, title in results],
        },
    ]


def search_error_blocks(query: str, code: str = "max_uses_exceeded") -> list[dict[str, Any]]:
    """A search that failed: its result is a `web_search_tool_result_error`."""
    tool_id = _new_id("srvtoolu")
    return [
        {"type": "server_tool_use", "id": tool_id, "name": "web_search", "input": {"query": query}},
        {
            "type": "web_search_tool_result",
            "tool_use_id": tool_id,
            "content": {"type": "web_search_tool_result_error", "error_code": code},
        },
    ]


def fetch_blocks(url: str, title: str, text: str = "The page's text.") -> list[dict[str, Any]]:
    """A fetch: its `server_tool_use` block and its `web_fetch_tool_result`."""
    tool_id = _new_id("srvtoolu")
    return [
        {"type": "server_tool_use", "id": tool_id, "name": "web_fetch", "input": {"url": url}},
        {
            "type": "web_fetch_tool_result",
            "tool_use_id": tool_id,
            "content": {
                "type": "web_fetch_result",
                "url": url,
                "retrieved_at": "2026-12-03T12:00:00Z",
                "content": {
                    "type": "document",
                    "source": {"type": "text", "media_type": "text/plain", "data": text},
                    "title": title,
                    "citations": {"enabled": True},
                },
            },
        },
    ]


SEARCH_RESULTS = [
    ("https://docs.python.org/3/library/asyncio.html", "asyncio — Asynchronous I/O"),
    ("https://peps.python.org/pep-0492/", "PEP 492 - Coroutines with async and await syntax"),
    ("https://en.wikipedia.org/wiki/Async/await", "Async/await - Wikipedia"),
]


def web_search_reply(
    query: str = "python asyncio",
    results: list[tuple[str, str]] | None = None,
    **options: Any,
) -> Reply:
    """A reply that searches for `query`, then writes text citing the first two results (a
    sentence split into blocks where the citations begin and end, as the API splits it);
    usage counts one search. `options` as for `Reply.blocks`."""
    results = results or SEARCH_RESULTS
    first, second = results[0], results[min(1, len(results) - 1)]
    blocks = [
        {"type": "text", "text": "Let me search for that."},
        *search_blocks(query, results),
        {"type": "text", "text": "According to the documentation, "},
        {
            "type": "text",
            "text": "asyncio is a library to write concurrent code",
            "citations": [web_citation(*first, "asyncio is a library to write concurrent code")],
        },
        {"type": "text", "text": ", and "},
        {
            "type": "text",
            "text": "coroutines are declared with async def",
            "citations": [
                web_citation(*second, "declared with async def"),
                web_citation(*first, "async def"),
            ],
        },
        {"type": "text", "text": "."},
    ]
    reply = Reply.blocks(blocks, **options)
    return replace(reply, server_tool_use={"web_search_requests": 1, "web_fetch_requests": 0})


def paused_search_reply(query: str = "python asyncio", **options: Any) -> Reply:
    """A reply the API pauses (`pause_turn`) after a search, before any text."""
    reply = Reply.blocks(search_blocks(query, SEARCH_RESULTS), stop_reason="pause_turn", **options)
    return replace(reply, server_tool_use={"web_search_requests": 1, "web_fetch_requests": 0})


def web_echo(body: dict[str, Any], echo: Reply) -> Reply:
    """The echo's answer when the request turns a web tool on: a search for the last user
    message (and a fetch of its first result with web fetch on), cited."""
    said = " ".join(_last_said(body).split())[:80] or "nothing"
    reply = web_search_reply(said, chunk_size=echo.chunk_size, delay=echo.delay)
    if "web_fetch" in web_tool_names(body):
        url, title = SEARCH_RESULTS[0]
        fetched = [*fetch_blocks(url, title), {"type": "text", "text": "\n\nI also read the page."}]
        reply = replace(
            reply,
            content=[_complete_block(b) for b in [*reply.content, *fetched]],
            server_tool_use={"web_search_requests": 1, "web_fetch_requests": 1},
        )
    if "web_search" not in web_tool_names(body):
        reply = replace(reply, content=reply.content[3:], server_tool_use=None)
    return replace(reply, model=echo.model)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Run the fake Anthropic API, answering every request with an echo."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between streamed chunks")
    parser.add_argument("--chunk-size", type=int, default=8, help="characters per streamed chunk")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    parser.add_argument(
        "--key", action="append", help="take only this API key (may be given again); default: any"
    )
    args = parser.parse_args(argv)
    echo = Reply.echo(delay=args.delay, chunk_size=args.chunk_size)
    server = FakeAnthropic(echo, host=args.host, port=args.port, verbose=not args.quiet)
    server.keys = set(args.key) if args.key else None
    server.start()
    print(server.url, flush=True)
    print(
        f"# ANTHROPIC_BASE_URL={server.url} ANTHROPIC_API_KEY={(args.key or ['fake'])[0]}; "
        "Ctrl+C stops",
        file=sys.stderr,
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
