"""``--debug``: a log of the requests, for finding out what went wrong.

It goes to ``debug.log`` in the user log folder (platformdirs: ``~/.local/state/claude-tui/log``
on Linux), appended to, readable by its owner alone. What is logged: each request's model,
size and settings (never the messages, the system prompt or the files: see
``api/request_log.py``), its status, timings and retries, and the HTTP layer's one line per
request. The SDK's own debug output (which holds the request's content and its headers) is
left off. Every line is searched for the key (and any ``Authorization``/``x-api-key`` value)
before it is written, and what is found becomes ``[key hidden]``; a gateway's credentials in
a URL become ``***``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

from claude_tui import paths

LOG_NAME = "debug.log"
HIDDEN = "[key hidden]"
LOGGERS = {"claude_tui": logging.DEBUG, "httpx2": logging.INFO, "anthropic": logging.INFO}
_HEADER = re.compile(
    r"(?i)((?:authorization|x-api-key)['\"]?\s*[:=,]\s*['\"]?(?:bearer\s+)?)[^\s'\",}]+"
)


_HIDDEN_VALUE = rf"\g<1>{HIDDEN}"


def hider(api_key: str | None, base_url: str | None) -> Callable[[str], str]:
    """What a line goes through: any Authorization or x-api-key value, the key, and a
    gateway's credentials (a URL's userinfo, the base URL's query values) hidden, as the
    errors the app shows hide them."""
    from claude_tui.api.errors import secrets_hider

    hide_secrets = secrets_hider(api_key, base_url, key_shown_as=HIDDEN)
    return lambda text: hide_secrets(_HEADER.sub(_HIDDEN_VALUE, text))


class DebugLogError(Exception):
    """The log could not be opened; the message says why, for a person."""


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


class _Hide(logging.Filter):
    """Takes the key out of every record, whoever logged it."""

    def __init__(self, hidden: Callable[[str], str]) -> None:
        super().__init__()
        self.hidden = hidden

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.hidden(record.getMessage()), None
        if record.exc_info:  # the traceback's text, hidden as well
            formatted = logging.Formatter().formatException(record.exc_info)
            record.msg = f"{record.msg}\n{self.hidden(formatted)}"
            record.exc_info, record.exc_text = None, None
        return True


def start(api_key: str | None, base_url: str | None = None, path: Path | None = None) -> Path:
    """Write the log to ``path`` (the user log folder's ``debug.log`` by default) from now
    on; the file's path. DebugLogError when it cannot be opened."""
    path = path or log_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        stream = os.fdopen(descriptor, "a", encoding="utf-8", errors="backslashreplace")
    except OSError as error:
        raise DebugLogError(
            f"cannot write the debug log {path}: {error.strerror or error}"
        ) from error
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_Hide(hider(api_key, base_url)))
    for name, level in LOGGERS.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
    logging.getLogger("claude_tui").info("claude-tui started, pid %d", os.getpid())
    return path
