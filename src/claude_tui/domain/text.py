"""Making text from users and the model safe to show, and times readable."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

# Unicode text never holds a surrogate code point on its own. One gets into a Python string
# from bytes that were not UTF-8 (argv and stdin decode them as surrogate escapes), from a
# JSON escape such as "\\ud800" (a stream's delta, a file), and it cannot be encoded again.
_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """``text`` with every surrogate code point replaced by U+FFFD, the replacement
    character: the one rule for text that enters the app (input, streams, files), so what
    is kept can always be written, sent and shown."""
    return _SURROGATE.sub("\ufffd", text)


def well_formed_data(data: Any) -> Any:
    """``data`` (parsed JSON: a file's, the API's) with every string in it, keys too,
    well-formed; lists and dicts are changed in place. Without recursion, since a parser
    allows nesting deeper than a recursive walk would."""
    if isinstance(data, str):
        return well_formed(data)
    waiting = [data]
    while waiting:
        node = waiting.pop()
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    node[index] = well_formed(item)
                elif isinstance(item, list | dict):
                    waiting.append(item)
        elif isinstance(node, dict):
            items = list(node.items())
            node.clear()
            for key, item in items:
                if isinstance(item, str):
                    item = well_formed(item)
                elif isinstance(item, list | dict):
                    waiting.append(item)
                node[well_formed(key)] = item
    return data


def decoded(raw: bytes) -> str:
    """Bytes read as UTF-8, each invalid sequence replaced by U+FFFD."""
    return raw.decode("utf-8", "replace")


# C0 controls (but tab and newline), DEL and C1 controls become visible symbols, so
# escape sequences in a reply or a title can never reach the terminal as codes.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_VISIBLE[0x0D] = "\n"
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})


def printable(text: str) -> str:
    """``text`` with every terminal control character replaced by a visible symbol."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return text.translate(_VISIBLE)


_VISIBLE_IN_PLACE = {**_VISIBLE, 0x0D: "\u240d"}


def visible(text: str) -> str:
    """``text`` with every terminal control character but tab and newline replaced by a
    visible symbol, one character for one (a carriage return too): positions in it stay
    positions in ``text``."""
    return text.translate(_VISIBLE_IN_PLACE)


def query_words(query: str) -> list[str]:
    """The words of a search or a filter, to find in any case."""
    return [word.lower() for word in query.split()]


def contains_all(text: str, words: list[str]) -> bool:
    """Whether ``text`` holds every one of ``query_words(...)``, in any case."""
    lowered = text.lower()
    return all(word in lowered for word in words)


def ago(then: datetime, now: datetime) -> str:
    """A short, human description of when ``then`` was, seen from ``now``."""
    delta = now - then
    if delta < timedelta(minutes=1):
        return "just now"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}m ago"
    if delta < timedelta(days=1):
        return f"{int(delta.total_seconds() // 3600)}h ago"
    if delta < timedelta(days=2):
        return "yesterday"
    if delta < timedelta(days=7):
        return f"{delta.days}d ago"
    local = then.astimezone(now.tzinfo)
    if local.year == now.year:
        return f"{local:%b} {local.day}"
    return f"{local:%b} {local.day}, {local.year}"


def tokens(count: int) -> str:
    return f"{count:,}"
