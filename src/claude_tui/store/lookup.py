"""Finding a saved conversation: the one used last, or one named by its id or a prefix of it."""

from __future__ import annotations

from collections.abc import Sequence


class NotFound(LookupError):
    """No single conversation answers; the message says why, for a person."""


def most_recently_used(last_open: str | None, ids: Sequence[str]) -> str | None:
    """The conversation used last: ``last_open`` (``store.last_open()``: open last in the
    app, or used last on the command line) if it is still among ``ids``; else the first of
    ``ids`` (newest first, as ``store.list_summaries()`` sorts them); None if there are none.
    """
    if last_open is not None and last_open in ids:
        return last_open
    return ids[0] if ids else None


def resolve(reference: str, ids: Sequence[str]) -> str:
    """The one id of ``ids`` that is ``reference`` or starts with it."""
    reference = reference.strip()
    if not reference:
        raise NotFound("no conversation id given")
    if reference in ids:
        return reference
    matches = [conversation_id for conversation_id in ids if conversation_id.startswith(reference)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no conversation has the id {reference!r} (claude-tui list shows them)")
    shown = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
    raise NotFound(
        f"{reference!r} starts {len(matches)} conversation ids ({shown}); give more of it"
    )
