"""What ``--debug`` logs of each request to the Messages API: never its content.

A request is logged by its shape (model, how many messages, its size in bytes, the
settings that change the answer, which tools), its reply by its status, usage and timings,
and a failure by its kind and status. The messages, the system prompt and the files are
never written; nor is the key (debug_log.py hides it even where another logger has it).
Nothing is done, not even measuring, unless the log is on.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from claude_tui.domain.errors import ErrorInfo
from claude_tui.domain.events import Failed, Finished, MessageStarted, StreamEvent

log = logging.getLogger("claude_tui.api")

_SETTINGS = ("max_tokens", "thinking", "output_config", "stop_sequences", "cache_control")


def shape(request: dict[str, Any]) -> str:
    """A request in words without its content: ``model=… messages=3 bytes=1234 …``."""
    size = len(json.dumps(request, default=str, ensure_ascii=False).encode("utf-8", "replace"))
    parts = [
        f"model={request.get('model')}",
        f"messages={len(request.get('messages') or ())}",
        f"bytes={size}",
    ]
    if request.get("system"):
        parts.append("system=yes")
    for name in _SETTINGS:
        value = request.get(name)
        if value is not None and name != "stop_sequences":
            parts.append(f"{name}={json.dumps(value, sort_keys=True)}")
        elif value:
            parts.append(f"stop_sequences={len(value)}")
    tools = [tool.get("type", "?") for tool in request.get("tools") or () if isinstance(tool, dict)]
    if tools:
        parts.append(f"tools={','.join(tools)}")
    return " ".join(parts)


class RequestLog:
    """One attempt of one request, as the log tells it."""

    def __init__(self, request: dict[str, Any], attempt: int, attempts: int) -> None:
        self.on = log.isEnabledFor(logging.INFO)
        self.started = time.monotonic()
        self.first: float | None = None
        if self.on:
            log.info("POST /v1/messages (attempt %d of %d): %s", attempt, attempts, shape(request))

    def _seconds(self) -> float:
        return time.monotonic() - self.started

    def saw(self, event: StreamEvent) -> None:
        if not self.on:
            return
        if self.first is None:
            self.first = self._seconds()
            log.info("stream began after %.2f s", self.first)
        if isinstance(event, MessageStarted):
            log.debug("message %s from %s", event.response_id, event.model)
        elif isinstance(event, Finished):
            usage = event.usage
            log.info(
                "reply ended: stop_reason=%s input_tokens=%d cache_read=%d cache_write=%d "
                "output_tokens=%d after %.2f s",
                event.stop_reason,
                usage.input_tokens,
                usage.cache_read_input_tokens,
                usage.cache_creation_input_tokens,
                usage.output_tokens,
                self._seconds(),
            )
        elif isinstance(event, Failed):
            self.failed(event.error)

    def failed(self, error: ErrorInfo, retry_in: float | None = None) -> None:
        if not self.on:
            return
        then = f"; retrying in {retry_in:.1f} s" if retry_in is not None else ""
        log.warning(
            "failed after %.2f s: %s (%s%s)%s",
            self._seconds(),
            error.kind,
            f"HTTP {error.status_code}" if error.status_code is not None else "no status",
            f", request id {error.request_id}" if error.request_id else "",
            then,
        )
