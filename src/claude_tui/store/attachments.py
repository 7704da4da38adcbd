"""The files attached to messages: read from where the user points, checked, and kept once
in the data folder's ``attachments/``, named by the SHA-256 of their bytes (see
``domain/attachments.py``).

A file is read whole when it is attached (never again from where it was), so what is
sent is what was checked, and a file that changes while it is read is refused rather than
sent half-written. A conversation names its files by digest; the bytes are read again
only to send them or to open them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

from claude_tui.domain.attachments import (
    PDF_PAGE_TOKENS,
    PDF_TYPE,
    REQUEST_LIMIT,
    TEXT_TYPE,
    Attachment,
    image_tokens,
    size_words,
    text_tokens,
)
from claude_tui.domain.text import decoded
from claude_tui.domain.values import SchemaError
from claude_tui.store.files import DIR_MODE, read_regular, write_atomic

FILE_LIMIT = REQUEST_LIMIT * 3 // 4
"""The largest file that fits a request once base64 makes it a third larger (24 MB)."""

_KEPT = re.compile(r"[0-9a-f]{64}\.[a-z]+")


class AttachmentError(Exception):
    """A file that cannot be attached; the message says why, for a person."""


_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
"""The media type of each image format (as Pillow names it) that Claude reads."""


def inspect(name: str, data: bytes) -> Attachment:
    """The attachment ``data`` makes (named ``name``); AttachmentError if it is not an image
    Claude reads, a PDF or a text file, or cannot be read as what it claims to be."""
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        raise AttachmentError(f"{name} is empty.")
    if data.startswith(b"%PDF-"):
        pages = _pdf_pages(name, data)
        tokens = pages * PDF_PAGE_TOKENS
        return Attachment(digest, name, PDF_TYPE, len(data), tokens, pages=pages)
    image = _image(name, data)
    if image is not None:
        media_type, width, height = image
        return Attachment(digest, name, media_type, len(data), image_tokens(width, height))
    if b"\x00" in data[: 64 * 1024]:
        raise AttachmentError(
            f"{name} is neither an image, a PDF nor a text file: "
            "Claude reads PNG, JPEG, GIF and WebP images, PDFs, and text."
        )
    return Attachment(digest, name, TEXT_TYPE, len(data), text_tokens(len(decoded(data))))


def _image(name: str, data: bytes) -> tuple[str, int, int] | None:
    """(media type, width, height) of an image Claude reads; None for what is no image;
    AttachmentError for an image of another format or one that cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or "?"
            width, height = image.size
    except UnidentifiedImageError:
        return None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise AttachmentError(
            f"{name} looks like an image but cannot be read ({error})."
        ) from error
    media_type = _FORMATS.get(kind)
    if media_type is None:
        raise AttachmentError(
            f"{name} is a {kind} image; Claude reads PNG, JPEG, GIF and WebP images."
        )
    return media_type, width, height


def _pdf_pages(name: str, data: bytes) -> int:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentError(f"{name} is a PDF locked with a password.")
        return len(reader.pages)
    except AttachmentError:
        raise
    except Exception as error:  # pypdf raises many kinds (NotImplementedError, struct.error…)
        raise AttachmentError(f"{name} looks like a PDF but cannot be read: {error}.") from error


def user_path(text: str, base: Path | None = None) -> Path | None:
    """The path a user wrote (``~`` their home, ``~name`` another's; relative to ``base``);
    None when it cannot be one (``~name`` of nobody, a NUL in it)."""
    try:
        path = Path(text).expanduser()
    except (RuntimeError, ValueError):
        return None
    if "\x00" in text:
        return None
    return base / path if base is not None else path


def read_attachable(path: Path) -> bytes:
    """The bytes of the file at ``path``, read once and whole; AttachmentError, in words,
    when it is not a regular file, cannot be read, is too large for a request, or changed
    while it was read."""
    name = path.name or str(path)
    try:
        size = path.stat().st_size
        if size > FILE_LIMIT and path.is_file():
            raise AttachmentError(
                f"{name} is {size_words(size)}; a request holds at most "
                f"{size_words(REQUEST_LIMIT)}, which is {size_words(FILE_LIMIT)} of files."
            )
        data, before = read_regular(path, FILE_LIMIT)
        after = os.stat(path)
    except FileNotFoundError as error:
        raise AttachmentError(f"There is no file {path}.") from error
    except IsADirectoryError as error:
        raise AttachmentError(f"{name} is a folder; attach the files in it one by one.") from error
    except PermissionError as error:
        raise AttachmentError(f"{name} cannot be read: permission denied.") from error
    except SchemaError as error:
        raise AttachmentError(f"{name} cannot be attached: {error}.") from error
    except OSError as error:
        raise AttachmentError(f"{name} cannot be read: {error.strerror or error}.") from error
    if len(data) != before.st_size or (after.st_size, after.st_mtime_ns) != (
        before.st_size,
        before.st_mtime_ns,
    ):
        raise AttachmentError(
            f"{name} changed while it was being read; attach it again once it is written."
        )
    return data


def read_file(path: Path) -> tuple[Attachment, bytes]:
    """The attachment the file at ``path`` makes, and its bytes (see :func:`read_attachable`
    and :func:`inspect`); AttachmentError says why it cannot be one."""
    data = read_attachable(path)
    return inspect(path.name or str(path), data), data


class AttachmentStore:
    """``attachments/`` in the data folder: each file once, by digest."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "attachments"

    def path_of(self, attachment: Attachment) -> Path:
        return self.folder / attachment.file_name

    def add(self, path: Path) -> Attachment:
        """Read, check and keep the file at ``path``; AttachmentError says why it cannot be
        (and then nothing is kept)."""
        attachment, data = read_file(path)
        self.keep(attachment, data)
        return attachment

    def keep(self, attachment: Attachment, data: bytes) -> None:
        """Write the file (again if it is kept already: a prune at that moment cannot take
        it, and it is new as far as the next prune is concerned); AttachmentError if it
        cannot be."""
        target = self.path_of(attachment)
        try:
            self.folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
            write_atomic(target, data)
        except OSError as error:
            raise AttachmentError(
                f"{attachment.name} could not be kept in {self.folder}: {error.strerror or error}."
            ) from error

    def read(self, attachment: Attachment) -> bytes | None:
        """The file's bytes, or None if it is missing (or is not what was attached)."""
        try:
            data, _ = read_regular(self.path_of(attachment), FILE_LIMIT)
        except (OSError, SchemaError):
            return None
        if len(data) != attachment.size or hashlib.sha256(data).hexdigest() != attachment.digest:
            return None
        return data

    def uri(self, attachment: Attachment) -> str | None:
        """A ``file:`` URL of the kept file (an export links it), None if it is missing."""
        return self.path_of(attachment).as_uri() if self.has(attachment) else None

    def missing(self, attachments: Iterable[Attachment]) -> list[Attachment]:
        """Those of ``attachments`` whose file is not there (see :meth:`has`)."""
        return [attachment for attachment in attachments if not self.has(attachment)]

    def has(self, attachment: Attachment) -> bool:
        """Is the file there (by its size, without reading it)?"""
        try:
            return self.path_of(attachment).stat().st_size == attachment.size
        except OSError:
            return False

    def kept(self) -> list[os.DirEntry[str]]:
        """The files kept in the folder (by their names: ``<sha256>.<ending>``)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return []
        return [entry for entry in entries if _KEPT.fullmatch(entry.name)]

    def prune(self, referenced: Iterable[str], keep_newer_than: float = 0.0) -> list[Path]:
        """Remove the kept files whose digest nothing in ``referenced`` names (and not
        touched since ``keep_newer_than``, a time: a file attached to a draft not yet sent
        stays); the files removed."""
        wanted = set(referenced)
        removed: list[Path] = []
        for entry in self.kept():
            if entry.name.split(".")[0] in wanted:
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime >= keep_newer_than > 0:
                    continue
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        return removed
