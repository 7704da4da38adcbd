"""How much of a response is read: never more than a person could want, whatever a server
(or a gzip bomb) sends.

Every response of the HTTP client goes through :func:`_cap` (an httpx2 event hook, run once
the headers are in): its body is then read through :class:`_Capped`, which inflates it (so
what is counted is what a gzip body grows to, a mebibyte at a time) and counts.

- A reply's event stream may be long (a long reply is many small events), but no single event
  may pass ``EVENT_LIMIT`` nor the whole stream ``STREAM_LIMIT``: past either, reading fails
  with :class:`ResponseTooLarge`, and the text that arrived is kept. It is also read as UTF-8
  with U+FFFD for each invalid sequence (the rule of ``domain.text.decoded``), which the SDK
  would refuse (UnicodeDecodeError), losing the rest of the reply.
- Any other body (an error, the model list) is read up to ``BODY_LIMIT`` and cut there; the
  response is marked (:func:`was_cut`), so the error can say so.
- Headers are limited by the HTTP layer itself (h11: 100 KB).

Imported when the SDK client is built (it imports httpx2, which is slow to import).
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
from collections.abc import AsyncIterator

import httpx2

BODY_LIMIT = 1 << 20
"""Bytes read of a response that is not an event stream (1 MB), after inflating."""
EVENT_LIMIT = 4 << 20
"""Bytes of one event of a stream (4 MB): no event of a reply comes near it."""
STREAM_LIMIT = 256 << 20
"""Bytes of a whole event stream (256 MB): many times the longest reply."""

_CUT = "claude_tui.cut_at"  # in a response's extensions: the body was cut at this many bytes


class ResponseTooLarge(Exception):
    """A stream of the API grew past a limit; reading stopped there."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} was larger than {size_words(limit)}.")
        self.limit = limit


def size_words(size: int) -> str:
    """``4 MB``, ``256 MB``, ``2 KB``: a limit in bytes as a person says it."""
    if size >= 1 << 20:
        return f"{size >> 20} MB"
    return f"{max(size >> 10, 1)} KB"


def was_cut(response: object) -> int | None:
    """The limit a response's body was cut at, if it was (see :func:`capped_http_client`)."""
    extensions = getattr(response, "extensions", None)
    cut = extensions.get(_CUT) if isinstance(extensions, dict) else None
    return cut if isinstance(cut, int) else None


def capped_http_client() -> httpx2.AsyncClient:
    """The SDK's own HTTP client (its defaults: keep-alive, proxies from the environment),
    with every response capped."""
    anthropic = importlib.import_module("anthropic")
    client: httpx2.AsyncClient = anthropic.DefaultAsyncHttpxClient(event_hooks={"response": [_cap]})
    return client


async def _cap(response: httpx2.Response) -> None:
    """Have the body read through :class:`_Capped`. The response then holds the body
    inflated, so it no longer says it is compressed."""
    inflating = httpx2.Response(
        response.status_code,
        headers=response.headers,
        stream=response.stream,
        request=response.request,
    )
    content_type = response.headers.get("content-type", "")
    response.stream = _Capped(inflating, response, content_type.startswith("text/event-stream"))
    if "content-encoding" in response.headers:
        del response.headers["content-encoding"]
        response.headers.pop("content-length", None)


class _Capped(httpx2.AsyncByteStream):
    """The inflated body of ``source``, counted as it is read."""

    def __init__(self, source: httpx2.Response, response: httpx2.Response, events: bool) -> None:
        self._source = source
        self._response = response
        self._events = events

    async def __aiter__(self) -> AsyncIterator[bytes]:
        parts = self._events_of if self._events else self._body_of
        async with contextlib.aclosing(self._source.aiter_bytes()) as chunks:
            async for part in parts(chunks):
                yield part

    async def _body_of(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """The body up to BODY_LIMIT; a longer one is cut there, and marked."""
        read = 0
        async for chunk in chunks:
            if read + len(chunk) > BODY_LIMIT:
                self._response.extensions[_CUT] = BODY_LIMIT
                yield chunk[: BODY_LIMIT - read]
                return
            read += len(chunk)
            yield chunk

    async def _events_of(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """The stream as valid UTF-8, failing once an event or the whole passes its limit."""
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        read = 0
        event = 0  # bytes since the blank line that ended the last event
        tail = b""  # the end of the last chunk, where a blank line may begin
        async for chunk in chunks:
            read += len(chunk)
            if read > STREAM_LIMIT:
                raise ResponseTooLarge("The reply's stream", STREAM_LIMIT)
            window = tail + chunk
            end = _after_last_blank_line(window)
            event = event + len(chunk) if end is None else len(window) - end
            if event > EVENT_LIMIT:
                raise ResponseTooLarge("One event of the reply's stream", EVENT_LIMIT)
            tail = window[-3:]
            yield utf8.decode(chunk).encode()
        rest = utf8.decode(b"", final=True)
        if rest:
            yield rest.encode()

    async def aclose(self) -> None:
        await self._source.aclose()


_BLANK_LINES = (b"\n\n", b"\r\r", b"\r\n\r\n")


def _after_last_blank_line(data: bytes) -> int | None:
    """Where the last blank line in ``data`` (the end of an event) ends; None if none."""
    ends = [data.rfind(blank) + len(blank) for blank in _BLANK_LINES if blank in data]
    return max(ends) if ends else None
