"""When a failed request is sent again: how long the API asks to wait, or a backoff."""

from __future__ import annotations

import importlib
import time
from email.utils import parsedate_to_datetime
from typing import Any

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
