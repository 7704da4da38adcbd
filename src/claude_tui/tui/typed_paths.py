"""Paths as the user types or pastes them: the ``@path`` being typed at the cursor and what
it can become (the files and folders it can name), and a pasted text that is one file's
path (dropped onto the terminal). :func:`path_choices` and :func:`existing_file` read the
disk: call them in a thread.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from claude_tui.domain.attachments import size_words
from claude_tui.domain.mentions import quoted
from claude_tui.store.attachments import user_path

SHOWN = 50  # choices offered at most
_UNESCAPE = re.compile(r"\\(.)")


def index_of(text: str, location: tuple[int, int]) -> int:
    """Where (row, column) is in ``text`` (lines split at ``\n``)."""
    row, column = location
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[:row]) + column


def location_of(text: str, index: int) -> tuple[int, int]:
    """The (row, column) of an index into ``text``."""
    before = text[:index]
    return before.count("\n"), index - (before.rfind("\n") + 1)


@dataclass(frozen=True)
class Typed:
    """An ``@path`` being typed: where its ``@`` is, where the cursor is, the path so far."""

    start: int
    end: int
    path: str


def typed_mention(text: str, cursor: int) -> Typed | None:
    """The ``@path`` that ends at the cursor (``cursor``: an index into ``text``), the path
    unquoted and unescaped; None when the cursor is not in one."""
    before = text[:cursor]
    at = before.rfind("@")
    while at >= 0:
        if at == 0 or before[at - 1].isspace():
            break
        at = before.rfind("@", 0, at)
    if at < 0:
        return None
    written = before[at + 1 :]
    if written[:1] in ("'", '"'):
        inside = written[1:]
        return None if written[0] in inside else Typed(at, cursor, inside)
    if re.search(r"(?<!\\)\s", written):
        return None
    return Typed(at, cursor, _UNESCAPE.sub(r"\1", written))


@dataclass(frozen=True)
class Choice:
    path: str  # as it completes, "~" and the folder as typed (a folder's ends in "/")
    label: str  # its name
    what: str  # "folder", or the file's size

    @property
    def is_folder(self) -> bool:
        return self.path.endswith("/")

    @property
    def written(self) -> str:
        """How it is written after ``@``."""
        return quoted(self.path)


def path_choices(typed: str, cwd: Path) -> list[Choice]:
    """The files and folders ``typed`` can become (names that start with what follows its
    last ``/``, any case), relative to ``cwd``; hidden ones only when a ``.`` is typed."""
    folder, _, start = typed.rpartition("/")
    prefix = f"{folder}/" if folder or typed.startswith("/") else ""
    where = user_path(prefix or ".", cwd)
    try:
        entries = list(os.scandir(where)) if where is not None else []
    except OSError:
        return []
    found = []
    for entry in entries:
        name = entry.name
        if not name.lower().startswith(start.lower()) or (
            name.startswith(".") and not start.startswith(".")
        ):
            continue
        try:
            is_folder = entry.is_dir()
            size = 0 if is_folder else entry.stat().st_size
        except OSError:
            continue
        what = "folder" if is_folder else size_words(size)
        found.append(Choice(f"{prefix}{name}{'/' if is_folder else ''}", name, what))
    found.sort(key=lambda c: (not c.is_folder, c.label.lower()))
    return found[:SHOWN]


def pasted_path(text: str) -> str | None:
    """The path a paste is, if it is one path and nothing else (as terminals paste a
    dropped file: maybe quoted, maybe a ``file://`` URL, maybe spaces escaped); else None."""
    text = text.strip()
    if not text or "\n" in text or len(text) > 4096:
        return None
    if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    elif text.startswith("file://"):
        url = urlparse(text)
        if url.netloc not in ("", "localhost"):
            return None
        text = unquote(url.path)
    else:
        if re.search(r"(?<!\\)\s", text):
            return None
        text = _UNESCAPE.sub(r"\1", text)
    if not text.startswith(("/", "~", "./", "../")):
        return None  # a word, a sentence: a paste, not a dropped file
    return text


def existing_file(path: str, cwd: Path) -> Path | None:
    """The regular file ``path`` names (``~`` expanded, relative to ``cwd``), or None."""
    found = user_path(path, cwd)
    try:
        return found if found is not None and stat.S_ISREG(found.stat().st_mode) else None
    except OSError:
        return None
