"""Files brought to Claude: what an attachment is, how it is kept in a message, and the
rules a request with attachments must meet (no I/O here: ``store/attachments.py`` reads
and keeps the files).

An attachment is one of three kinds, each sent as the API's own block (see
:func:`claude_tui.api.request.attachment_param`):

- an image (PNG, JPEG, GIF, WebP): an ``image`` block;
- a PDF: a ``document`` block with its title;
- a text or source file: a ``document`` block of type text with its file name as title.
  Chosen over pasting the text into a fenced block: the file stays one unit that Claude
  can cite by name, the user's own words stay apart from the file, and the message on
  screen and on disk stays as short as what was typed.

In a message it is an :class:`AttachmentBlock` that names the file by the SHA-256 of its
bytes; the bytes live once in the data folder's ``attachments/``, whatever the number of
messages or conversations that hold them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from claude_tui.domain.values import SchemaError, as_string

MB = 1024 * 1024
REQUEST_LIMIT = 32 * MB
"""The most a request may hold, as the API says (its files go base64, a third larger)."""
PDF_PAGE_LIMIT = 100
"""The most PDF pages a request may hold (the API's documented limit)."""

IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}
PDF_TYPE = "application/pdf"
TEXT_TYPE = "text/plain"
EXTENSIONS = {**IMAGE_TYPES, PDF_TYPE: "pdf", TEXT_TYPE: "txt"}
"""The name ending of each kind of file kept (a viewer opens it by its ending)."""

Kind = Literal["image", "pdf", "text"]

IMAGE_EDGE = 1568
"""An image's longer side is scaled down to this before the model sees it."""
IMAGE_PIXELS_PER_TOKEN = 750
PDF_PAGE_TOKENS = 2000
"""A PDF page costs about 1,500 to 3,000 tokens (its text and its picture): the middle."""
TEXT_CHARACTERS_PER_TOKEN = 4


def base64_size(size: int) -> int:
    """How many bytes ``size`` bytes take in base64."""
    return 4 * math.ceil(size / 3)


def image_tokens(width: int, height: int) -> int:
    """About what an image costs: its pixels (scaled to fit ``IMAGE_EDGE``) / 750."""
    scale = min(1.0, IMAGE_EDGE / max(width, height, 1))
    return max(1, round(width * scale * height * scale / IMAGE_PIXELS_PER_TOKEN))


def text_tokens(characters: int) -> int:
    return max(1, math.ceil(characters / TEXT_CHARACTERS_PER_TOKEN))


@dataclass(frozen=True)
class Attachment:
    """One file as a message holds it: by the SHA-256 of its bytes."""

    digest: str
    name: str
    media_type: str
    size: int
    tokens: int
    """An estimate of what it costs in a prompt (see the ``*_tokens`` rules above)."""
    pages: int | None = None  # a PDF's

    @property
    def kind(self) -> Kind:
        if self.media_type in IMAGE_TYPES:
            return "image"
        return "pdf" if self.media_type == PDF_TYPE else "text"

    @property
    def file_name(self) -> str:
        """Its name in ``attachments/``: the digest and the ending of its kind."""
        return f"{self.digest}.{EXTENSIONS.get(self.media_type, 'bin')}"

    @property
    def kind_words(self) -> str:
        """ "PNG image", "PDF, 12 pages", "text" """
        if self.kind == "image":
            return f"{IMAGE_TYPES[self.media_type].upper().replace('JPG', 'JPEG')} image"
        if self.kind == "pdf":
            pages = self.pages or 0
            return f"PDF, {pages} page{'' if pages == 1 else 's'}"
        return "text"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "attachment",
            "digest": self.digest,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "tokens": self.tokens,
        }
        if self.pages is not None:
            data["pages"] = self.pages
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        digest = as_string(data.get("digest"))
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise SchemaError("an attachment needs the SHA-256 of its file")
        media_type = as_string(data.get("media_type"))
        if media_type not in EXTENSIONS:
            raise SchemaError(f"an attachment of an unknown type {media_type!r:.60}")
        return cls(
            digest=digest,
            name=as_string(data.get("name")) or EXTENSIONS[media_type],
            media_type=media_type,
            size=_count(data.get("size")),
            tokens=_count(data.get("tokens")),
            pages=_count(data["pages"]) if data.get("pages") is not None else None,
        )


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SchemaError("an attachment's size, pages and tokens are counts")
    return value


@dataclass
class AttachmentBlock:
    """A file in a user's message (before its text, as the API prefers)."""

    attachment: Attachment
    type: Literal["attachment"] = "attachment"

    def to_dict(self) -> dict[str, Any]:
        return self.attachment.to_dict()


def size_words(size: int) -> str:
    """ "812 B", "14 KB", "3.2 MB" """
    if size < 1024:
        return f"{size} B"
    if size < MB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MB:.1f} MB"


def refusal(
    attachments: Iterable[Attachment],
    *,
    image_input: bool = True,
    pdf_input: bool = True,
    model: str = "this model",
    text_bytes: int = 0,
    earlier: frozenset[str] = frozenset(),
) -> str | None:
    """Why a request holding ``attachments`` (every one of the conversation's history that
    is sent) and ``text_bytes`` of everything else cannot be sent, in words; None if it can.
    ``image_input`` and ``pdf_input``: what the model takes (its capabilities); ``earlier``:
    the digests of the files of earlier messages (not the new one's)."""
    held = list({attachment.digest: attachment for attachment in attachments}.values())
    for kind, reads, what in (("image", image_input, "images"), ("pdf", pdf_input, "PDFs")):
        unread = next((a for a in held if a.kind == kind), None)
        if reads or unread is None:
            continue
        if unread.digest in earlier:
            return (
                f"{model} does not read {what}, and {unread.name}, attached earlier in this "
                "conversation, goes with every message. Choose a model that reads them "
                "(Alt+P), or start a new conversation."
            )
        return f"{model} does not read {what}, so {unread.name} cannot be sent to it."
    pages = sum(a.pages or 0 for a in held if a.kind == "pdf")
    if pages > PDF_PAGE_LIMIT:
        return (
            f"The PDFs come to {pages} pages; a request may hold {PDF_PAGE_LIMIT}. "
            "Remove one, or start a new conversation for it."
        )
    total = text_bytes + sum(base64_size(a.size) for a in held)
    if total > REQUEST_LIMIT:
        return (
            f"The request would be {size_words(total)} with its files (sent as base64); "
            f"the API takes at most {size_words(REQUEST_LIMIT)}."
        )
    return None
