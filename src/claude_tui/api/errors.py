"""What the SDK (or its HTTP layer) raised, as an ErrorInfo in words for a person."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qsl, unquote, urlsplit

from claude_tui.domain.errors import ErrorInfo, unexpected
from claude_tui.domain.text import well_formed

_BY_TYPE: dict[str, tuple[str, str, str]] = {
    # API error type: (kind, title, hint)
    "authentication_error": (
        "auth",
        "The API key was refused.",
        "Check ANTHROPIC_API_KEY (or api_key in the config file).",
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


_REFUSED_SETTINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    # words in a 400's message: the way forward (the API's own words are the detail)
    (
        ("temperature", "top_p", "top_k"),
        "This model refuses sampling settings: clear temperature and top_p in the "
        "conversation's settings, or pick a model that takes them.",
    ),
    (
        ("thinking",),
        "Change thinking in the conversation's settings, or pick another model.",
    ),
    (
        ("effort",),
        "Choose another effort (or the model's default) in the conversation's settings.",
    ),
    (
        ("max_tokens",),
        "Lower max_tokens in the conversation's settings to what the model allows.",
    ),
)


def _settings_hint(message: str) -> str | None:
    """The way forward for a request refused for one of the conversation's settings."""
    for words, hint in _REFUSED_SETTINGS:
        if any(word in message for word in words):
            return hint
    return None


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
    if error_type == "invalid_request_error":
        hint = _settings_hint(message) or hint
    return ErrorInfo(
        kind=kind,
        title=title,
        detail=message,
        hint=hint,
        status_code=status if status != 200 else None,
        request_id=request_id,
    )


def protocol_error(error: BaseException) -> BaseException | None:
    """What the HTTP parser (h11) refused in the server's answer, if that is what
    ``error`` comes from: its headers longer than are read, a line HTTP does not allow.
    Sending again will not help. (A server that closed the connection is not this: that
    is worth another try.)"""
    h11 = importlib.import_module("h11")
    seen: BaseException | None = error
    for _ in range(10):  # (a chain of causes, never a loop)
        if seen is None:
            return None
        if isinstance(seen, h11.RemoteProtocolError):
            found: BaseException = seen
            return found
        seen = seen.__cause__ or seen.__context__
    return None


def classify_exception(error: BaseException, base_url: str | None) -> ErrorInfo:
    """Turn whatever the SDK (or its HTTP layer) raised into words for a person."""
    anthropic = importlib.import_module("anthropic")
    if isinstance(error, anthropic.APIStatusError):
        return classify_status(
            error.status_code, error.type, error.api_message or error.message, error.request_id
        )
    httpx2 = importlib.import_module("httpx2")
    from claude_tui.api.limits import ResponseTooLarge

    where = base_url or "the Anthropic API"
    said = str(error) or type(error).__name__
    kept = "The text that arrived is kept."
    broken = protocol_error(error)
    if isinstance(error, anthropic.APIConnectionError) and broken is not None:
        too_long = "buffer too long" in str(broken)  # (h11's words)
        return ErrorInfo(
            kind="bad_response",
            title="The API's answer could not be read.",
            detail=f"{where} answered with what HTTP does not allow: "
            + ("headers longer than the 100 KB that are read." if too_long else f"{broken}."),
            hint="Check ANTHROPIC_BASE_URL: is it a Messages API?",
        )
    cases: list[tuple[type[BaseException], str, str, str, str]] = [  # the first that fits
        (ResponseTooLarge, "too_large_response", "The API's response was cut.", said, kept),
        (
            anthropic.APITimeoutError,
            "timeout",
            "The API did not answer in time.",
            f"No reply from {where}.",
            "Check your network connection.",
        ),
        (
            anthropic.APIConnectionError,
            "connection",
            "Could not reach the API.",
            f"Connecting to {where} failed.",
            "Check your network connection and ANTHROPIC_BASE_URL.",
        ),
        (httpx2.TimeoutException, "stalled", "The reply stalled and timed out.", said, kept),
        (httpx2.HTTPError, "interrupted", "The connection broke off mid-reply.", said, kept),
    ]
    for raised, kind, title, detail, hint in cases:
        if isinstance(error, raised):
            return ErrorInfo(kind=kind, title=title, detail=detail, hint=hint)
    return unexpected(error)


def error_info(error: BaseException, *, key: str | None, base_url: str | None) -> ErrorInfo:
    """What the SDK (or its HTTP layer) raised, in words that can be shown, printed and
    saved: the key and the credentials of a URL hidden, every text well-formed, what the API
    said cut at DETAIL_LIMIT, and a word when its response was cut (see ``limits``)."""
    from claude_tui.api.limits import size_words, was_cut

    info = classify_exception(error, base_url)
    # Hidden before the cut (which could split a secret), in a start of the detail that the
    # cut shortens further, so that no server's answer makes the search slow.
    info = hide_secrets(replace(info, detail=info.detail[: 4 * DETAIL_LIMIT]), key, base_url)
    detail = cut_detail(info.detail)
    cut = was_cut(getattr(error, "response", None))
    if cut is not None:
        detail = joined(
            detail, f"The API's response was larger than {size_words(cut)} and was cut."
        )
    return replace(info, detail=detail)


DETAIL_LIMIT = 1024
"""Bytes (UTF-8) of what the API said that are kept in an error's detail."""


def cut_detail(text: str) -> str:
    """``text`` if it fits DETAIL_LIMIT, else its start and ``… (cut at 1 KB)``."""
    raw = text.encode()
    if len(raw) <= DETAIL_LIMIT:
        return text
    kept = raw[:DETAIL_LIMIT].decode(errors="ignore")  # a character cut in half goes
    return f"{kept}… (cut at {DETAIL_LIMIT >> 10} KB)"


def joined(*parts: str) -> str:
    """Sentences, each ended by a full stop if it has none."""
    return " ".join(
        part if part.endswith((".", "!", "?")) else f"{part}." for part in parts if part
    )


def hide_secrets(info: ErrorInfo, key: str | None, base_url: str | None) -> ErrorInfo:
    """The error without secrets (it is shown, printed and saved), every text well-formed:
    no API key (an endpoint may echo the key it refused), and no credentials of a URL
    (``http://user:secret@host`` becomes ``http://user:***@host``), the base URL's
    included wherever they appear."""
    hidden = secrets_hider(key, base_url, key_shown_as=KEY_HIDDEN)
    return replace(
        info, title=hidden(info.title), detail=hidden(info.detail), hint=hidden(info.hint)
    )


def secrets_hider(
    key: str | None, base_url: str | None, *, key_shown_as: str
) -> Callable[[str], str]:
    """What hides the secrets in a text (well-formed first): the key, the credentials of
    the base URL, and the userinfo of any URL in it."""
    hidden_as = {key: key_shown_as} if key else {}
    hidden_as.update({secret: CREDENTIALS_HIDDEN for secret in _credentials_of(base_url)})

    def hidden(text: str) -> str:
        text = well_formed(text)
        for secret, shown in hidden_as.items():
            text = text.replace(secret, shown)
        return _USERINFO.sub(_hide_userinfo, text)

    return hidden


KEY_HIDDEN = "(your API key)"
CREDENTIALS_HIDDEN = "***"

# The userinfo of a URL: after the scheme, up to the last "@" before the host's end.
_USERINFO = re.compile(
    r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]{0,40}://)(?P<userinfo>[^/?#\s]{1,4096})@"
)


def _hide_userinfo(match: re.Match[str]) -> str:
    user, colon, _ = match["userinfo"].partition(":")
    shown = f"{user}:{CREDENTIALS_HIDDEN}" if colon else CREDENTIALS_HIDDEN
    return f"{match['scheme']}{shown}@"


def _credentials_of(base_url: str | None) -> list[str]:
    """The secrets of a base URL: its userinfo's (its password, else its user name, which
    then is a token) and its query's values (``?token=…``), as written and decoded; one too
    short to be told apart from words is left out."""
    if not base_url:
        return []
    try:
        parts = urlsplit(base_url)
        secret = parts.password if parts.password is not None else parts.username
    except ValueError:
        return []
    found = [secret or ""] + [value for _, value in parse_qsl(parts.query)]
    secrets = {form for value in found if len(value) >= 4 for form in (value, unquote(value))}
    return sorted(secrets, key=len, reverse=True)
