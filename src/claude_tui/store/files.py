"""Durable file writes and careful reads, shared by everything the app keeps on disk.

Every read of the data folder goes through :func:`read_regular`: it opens only regular
files (a FIFO would block the reader for ever, ``/dev/zero`` would never end), and never
more than a size no real file of ours reaches. What it refuses, and every file that is not
UTF-8 JSON, is a ``SchemaError``: unreadable, whatever the reason, so each caller quarantines
or ignores it as it does a broken file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from claude_tui.domain.text import well_formed_data
from claude_tui.domain.values import SchemaError

DIR_MODE = 0o700
FILE_MODE = 0o600

MB = 1024 * 1024
CONVERSATION_LIMIT = 256 * MB
"""A conversation file: a hundred times the longest conversations seen (a few MB)."""
INDEX_LIMIT = 64 * MB
"""``index.json``, ``usage.json`` and ``drafts.json``: tens of thousands of entries fit."""
SMALL_LIMIT = 4 * MB
"""``state.json`` (one id) and the model list's cache (a few kB)."""

STALE_AFTER = 3600.0
"""Seconds after which a temporary file of :func:`write_atomic` is taken as left by a save
that never finished (a kill, a crash): a save in progress, even of a second copy of the
app on a slow disk, takes seconds."""
# tempfile.mkstemp's names: the prefix, eight characters of [a-z0-9_], the suffix.
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


LOCK_NAME = ".lock"


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of ``folder`` (an advisory lock on its ``.lock`` file) for a check and
    the write that follows it, so that two copies of the app (or two stores in one) never
    both find the file unchanged and then both write it, one losing the other's turn.
    Where no lock is to be had (no ``fcntl``, a file system without locks), nothing is
    held: the check then still catches all but a save at the very same moment."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    try:
        descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # (which lets the lock go)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temporaries(entries: Iterable[os.DirEntry[str]], now: float) -> None:
    """Delete the temporary files of :func:`write_atomic` among ``entries`` (a scan of a
    folder of ours) that a save killed midway left behind: only names of its pattern, only
    regular files, only those unchanged for :data:`STALE_AFTER` (``now``: ``time.time()``)."""
    for entry in entries:
        if not _TEMPORARY.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER:
                os.unlink(entry.path)


def utf8(text: str) -> bytes:
    """Text as UTF-8 for a file. A lone surrogate (text read is mended, see
    :func:`parse_json`, but a write must never fail) is written as its ``\\uXXXX`` escape."""
    return text.encode("utf-8", "backslashreplace")


# (The flags a platform lacks are 0: Windows has no FIFO to wait for, and wants O_BINARY.)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS |= getattr(os, "O_BINARY", 0)


def read_regular(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and the ``fstat`` of the file read; SchemaError if it is not a
    regular file (a FIFO, a device, a socket, also behind a symlink) or holds more than
    ``limit`` bytes, OSError if it cannot be opened (FileNotFoundError: it is not there;
    IsADirectoryError: a folder, as opening it says).

    It is opened without blocking (a FIFO would wait for a writer) and checked twice: by
    its path before it is opened, so a device is never even opened, and by the descriptor,
    which is the file actually read.
    """
    _check_regular(path, os.stat(path), limit)
    fd = os.open(path, _READ_FLAGS)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        _check_regular(path, info, limit)
        raw = file.read(info.st_size + 1)  # (a read allocates what it is asked for)
        while info.st_size < len(raw) <= limit:  # it grew since: read on, up to the limit
            more = file.read(min(MB, limit + 1 - len(raw)))
            if not more:
                break
            raw += more
    if len(raw) > limit:
        raise SchemaError(f"larger than {limit // MB} MB")
    return raw, info


def _check_regular(path: Path, info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode):
        raise SchemaError(f"not a regular file but {_kind(info.st_mode)}")
    if info.st_size > limit:
        raise SchemaError(f"larger than {limit // MB} MB")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "something else"


def read_json(path: Path, limit: int) -> Any:
    """The parsed JSON of ``path`` (see :func:`read_regular` and :func:`parse_json`);
    SchemaError if it is unreadable, OSError if it cannot be opened."""
    return parse_json(read_regular(path, limit)[0])


# A JSON file can hold a lone surrogate only as an escape, "\ud800" to "\udfff".
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def may_hold_surrogates(raw: bytes) -> bool:
    """Whether the JSON of ``raw`` may hold a lone surrogate, which :func:`parse_json`
    mends: what is read then differs from the file."""
    return _SURROGATE_ESCAPE.search(raw) is not None


def parse_json(raw: bytes) -> Any:
    """The parsed JSON of a file's bytes, every string in it (keys too) well-formed: a lone
    surrogate, which JSON allows as an escape, is read as U+FFFD (``well_formed``), so what
    was read can always be sent, shown and written. SchemaError for anything that cannot be
    read: not UTF-8, not JSON, nested too deeply, a number Python refuses (an integer of
    over 4300 digits)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SchemaError("not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise SchemaError(f"not valid JSON: {error}") from error
    except ValueError as error:  # (int's limit: "Exceeds the limit (4300 digits) ...")
        raise SchemaError("a number in it is too long to read") from error
    except RecursionError as error:  # json's decoder recurses once per "[" or "{"
        raise SchemaError("nested too deeply to read") from error
    return well_formed_data(data) if may_hold_surrogates(raw) else data
