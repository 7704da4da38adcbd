"""Why a turn failed (ErrorInfo), and the fixed failures every layer names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claude_tui.domain.values import SchemaError, as_string


@dataclass(frozen=True)
class ErrorInfo:
    """Why a turn failed, in words for a person, plus what the API said."""

    kind: str
    title: str
    detail: str = ""
    hint: str = ""
    status_code: int | None = None
    request_id: str | None = None

    @property
    def reference(self) -> str:
        """``HTTP 429 · request id req_…``: what identifies the failure to the API's support."""
        parts = [f"HTTP {self.status_code}"] if self.status_code is not None else []
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " · ".join(parts)

    @property
    def facts(self) -> str:
        """What the API said, and its reference: ``Overloaded. · HTTP 529 · request id …``."""
        return " · ".join(part for part in (self.detail, self.reference) if part)

    def lines(self) -> list[str]:
        """The failure in words, a line each: what happened, what the API said (with its
        reference), what to do. The app, the command line and the Markdown export all say a
        failure this way; each only styles the lines."""
        return [line for line in (self.title, self.facts, self.hint) if line]

    def sentence(self) -> str:
        """The failure on one line (a notification, a note in an export)."""
        return " ".join(" ".join(line.split()) for line in self.lines())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "detail": self.detail,
            "hint": self.hint,
            "status_code": self.status_code,
            "request_id": self.request_id,
        }

    @classmethod
    def from_dict(cls, data: object) -> ErrorInfo:
        if not isinstance(data, dict):
            raise SchemaError("error must be an object")
        status = data.get("status_code")
        request_id = data.get("request_id")
        return cls(
            kind=as_string(data.get("kind", "unknown")),
            title=as_string(data.get("title", "")),
            detail=as_string(data.get("detail", "")),
            hint=as_string(data.get("hint", "")),
            status_code=status if isinstance(status, int) else None,
            request_id=request_id if isinstance(request_id, str) else None,
        )


INTERRUPTED = ErrorInfo(
    kind="interrupted",
    title="claude-tui closed before this reply finished.",
    hint="The text that arrived is kept.",
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


def unexpected(error: BaseException) -> ErrorInfo:
    """A failure nobody foresaw (a bug of ours, mid-turn), in words: the text that arrived
    is kept."""
    return ErrorInfo(
        kind="unexpected",
        title="Something unexpected went wrong.",
        detail=f"{type(error).__name__}: {error}",
        hint="The text that arrived is kept.",
    )
