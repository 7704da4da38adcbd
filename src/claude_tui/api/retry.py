"""When a failed request is sent again: how long the API asks to wait, or a backoff."""

from __future__ import annotations

import importlib
import math
import time
from email.utils import parsedate_to_datetime
from typing import Any

from claude_tui.api.errors import protocol_error

# A wait the API asks for beyond this is not sat out: the turn fails and says how long.
RETRY_AFTER_CAP = 60.0
# A wait beyond this (a week) is a server's mistake, not an answer: treated as none given.
RETRY_AFTER_MAX = 7 * 24 * 3600.0
_RETRY_STATUSES = frozenset({408, 409, 429})


def _backoff(attempt: int) -> float:
    return float(min(0.5 * 2 ** (attempt - 1), 8.0))


def retry_after(headers: Any, now: float | None = None) -> float | None:
    """The seconds a response asks the client to wait (``retry-after-ms``, or
    ``retry-after`` as seconds or as an HTTP date), if it asks. A wait that is no number
    (``nan``), endless (``inf``, ``1e400``) or beyond ``RETRY_AFTER_MAX`` is no answer: as if
    none were given."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        asked = _seconds(raw_ms, 1000)
        if asked is not None:
            return asked
    raw = headers.get("retry-after")
    if not raw:
        return None
    asked = _seconds(raw, 1)
    if asked is not None:
        return asked
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return _sensible(when.timestamp() - (time.time() if now is None else now))


def _seconds(raw: str, per_second: int) -> float | None:
    """A header's number as seconds (``per_second`` of its units make one), if sensible."""
    try:
        return _sensible(float(raw) / per_second)
    except ValueError:
        return None


def _sensible(seconds: float) -> float | None:
    """A wait of at least 0 s, or None for one that is no number or beyond reason."""
    if not math.isfinite(seconds) or seconds > RETRY_AFTER_MAX:
        return None
    return max(seconds, 0.0)


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
        return None if protocol_error(error) is not None else _backoff(attempt)
    return None
