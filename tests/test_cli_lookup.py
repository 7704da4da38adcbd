"""core/lookup.py: which conversation ``-c`` and ``export --last`` mean, and id prefixes."""

from __future__ import annotations

import pytest

from claude_tui.store.lookup import NotFound, most_recently_used, resolve

IDS = ["c3", "b2", "a1b", "a1c"]  # newest first


@pytest.mark.parametrize(
    ("last_open", "ids", "expected"),
    [
        ("b2", IDS, "b2"),  # open last in the app, though not the newest
        ("gone", IDS, "c3"),  # deleted since: the newest instead
        (None, IDS, "c3"),
        (None, [], None),
        ("b2", [], None),
    ],
)
def test_most_recently_used(last_open: str | None, ids: list[str], expected: str | None) -> None:
    assert most_recently_used(last_open, ids) == expected


def test_resolve_takes_an_id_or_a_unique_start_of_one() -> None:
    assert resolve("b2", IDS) == "b2"
    assert resolve(" c ", IDS) == "c3"
    assert resolve("a1b", IDS) == "a1b"
    with pytest.raises(NotFound, match=r"'a1' starts 2 conversation ids \(a1b, a1c\)"):
        resolve("a1", IDS)
    with pytest.raises(NotFound, match="no conversation has the id 'zz'"):
        resolve("zz", IDS)
    with pytest.raises(NotFound, match="no conversation id given"):
        resolve("  ", IDS)
