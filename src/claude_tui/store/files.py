"""Durable file writes and strict JSON reads, shared by everything the app keeps on disk."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from claude_tui.domain.values import SchemaError

DIR_MODE = 0o700
FILE_MODE = 0o600


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


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def utf8(text: str) -> bytes:
    """Text as UTF-8 for a file. A lone surrogate (a JSON file may hold one as an escape,
    and JSON text only ever has it inside a string) is written as its ``\\uXXXX`` escape,
    which JSON reads back as the same character, instead of failing the write."""
    return text.encode("utf-8", "backslashreplace")


def read_json(path: Path) -> Any:
    """The parsed JSON of ``path``; SchemaError if it is not UTF-8 JSON."""
    return parse_json(path.read_bytes())


def parse_json(raw: bytes) -> Any:
    """The parsed JSON of a file's bytes; SchemaError if they are not UTF-8 JSON."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SchemaError("not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise SchemaError(f"not valid JSON: {error}") from error
    except RecursionError as error:  # json's decoder recurses once per "[" or "{"
        raise SchemaError("nested too deeply to read") from error
