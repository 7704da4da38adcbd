"""Checked values for the JSON form: ids, timestamps, strings, and the schema error."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


class SchemaError(ValueError):
    """A conversation file that does not match the schema."""


class NewerSchemaError(SchemaError):
    """A conversation file written by a newer claude-tui: left alone, not quarantined."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_timestamp(value: object) -> datetime:
    if not isinstance(value, str):
        raise SchemaError(f"expected a timestamp, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
        # In UTC, as the file will hold it: an offset can push a moment at either end of
        # the calendar (year 1, year 9999) out of range, which no save could then write.
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise SchemaError(f"bad timestamp {value!r}") from error


def as_string(value: object) -> str:
    if not isinstance(value, str):
        raise SchemaError(f"expected a string, got {type(value).__name__}")
    return value


def as_optional_string(value: object) -> str | None:
    return None if value is None else as_string(value)
