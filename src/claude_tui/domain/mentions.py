"""``@path`` in a message: a file to attach, named where it is typed (the input box, a line
of ``chat``). Pure text rules here; whether a path names a file is the caller's to check.

``@`` starts a mention at the start of the text or after white space (so ``me@host`` is
none); the path runs to the next white space, where ``\\ `` is a space of the path, or is
quoted whole (``@"My File.png"``, ``@'a b.pdf'``). ``~`` is the home folder (the caller
expands it, see :func:`pathlib.Path.expanduser`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MENTION = re.compile(r"""(?:^|(?<=\s))@(?:"([^"]+)"|'([^']+)'|((?:\\.|[^\s\\])+))""")


_TRAILING = ",.;:!?)]}"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    path: str


def mentions(text: str) -> list[Mention]:
    """Every ``@path`` in ``text``, in order."""
    found = []
    for match in _MENTION.finditer(text):
        quoted = match.group(1) or match.group(2)
        end = match.end()
        if quoted:
            path = quoted
        else:
            raw = match.group(3)
            bare = raw.rstrip(_TRAILING)  # "see @a.png." ends a sentence
            end -= len(raw) - len(bare)
            path = re.sub(r"\\(.)", r"\1", bare)
        if path:
            found.append(Mention(match.start(), end, path))
    return found


def named(text: str, taken: list[Mention]) -> str:
    """``text`` with each mention ``taken`` (its file attached) written as the file's name:
    "what is in @~/shots/a.png?" reads "what is in a.png?", the name the file goes by."""
    parts = []
    last = 0
    for mention in sorted(taken, key=lambda m: m.start):
        parts.append(text[last : mention.start])
        parts.append(mention.path.rstrip("/").rsplit("/", 1)[-1] or mention.path)
        last = mention.end
    parts.append(text[last:])
    return "".join(parts)


def quoted(path: str) -> str:
    """How a path is written after ``@``: as it is, or quoted when it holds white space."""
    if not re.search(r"\s", path):
        return path
    return f"'{path}'" if '"' in path else f'"{path}"'
