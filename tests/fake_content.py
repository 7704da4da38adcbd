"""What the fake API checks in the files a request carries (see tests/fake_models.py for the
rest of what it refuses), as the Messages API documents them:

- a user message's blocks are `text` (not empty), `image` or `document` (or a tool result);
- an `image` is base64 of a PNG, JPEG, GIF or WebP, its bytes what its `media_type` says;
- a `document` is base64 of a PDF (`application/pdf`) or a `text` source (`text/plain`),
  with an optional `title` and `citations`;
- a model whose capabilities say no to `image_input` or `pdf_input` refuses those blocks.

Stdlib only, like the server.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
USER_BLOCKS = ("text", "image", "document", "tool_result")


def _decoded(source: dict[str, Any]) -> bytes | None:
    data = source.get("data")
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def _block_problem(
    where: str, block: Any, *, image_input: bool, pdf_input: bool, model: str
) -> str | None:
    if not isinstance(block, dict):
        return f"{where}: Input should be an object"
    kind = block.get("type")
    if kind not in USER_BLOCKS:
        tags = ", ".join(f"'{tag}'" for tag in USER_BLOCKS)
        return f"{where}: Input tag {kind!r} does not match any of the expected tags: {tags}"
    if kind == "text" and not block.get("text"):
        return f"{where}: text content blocks must be non-empty"
    source = block.get("source")
    if kind not in ("image", "document"):
        return None
    if not isinstance(source, dict):
        return f"{where}.source: Field required"
    media_type = source.get("media_type")
    if kind == "document" and source.get("type") == "text":
        if media_type != "text/plain" or not isinstance(source.get("data"), str):
            return f"{where}.source: a text source needs media_type 'text/plain' and data"
        return None
    if source.get("type") != "base64":
        return f"{where}.source.type: Input should be 'base64'"
    if kind == "image" and media_type not in IMAGE_TYPES:
        return f"{where}.source.media_type: Input should be {' or '.join(IMAGE_TYPES)}"
    if kind == "document" and media_type != "application/pdf":
        return f"{where}.source.media_type: Input should be 'application/pdf'"
    data = _decoded(source)
    if data is None:
        return f"{where}.source.data: invalid base64 data"
    if not data.startswith(MAGIC[str(media_type)]):
        return f"{where}: The {kind} data does not match its media type {media_type}"
    if kind == "image" and not image_input:
        return f"{where}: {model} does not support image input"
    if kind == "document" and not pdf_input:
        return f"{where}: {model} does not support PDF input"
    return None


def content_problem(
    body: dict[str, Any], *, image_input: bool, pdf_input: bool, model: str
) -> str | None:
    """The first thing the API would refuse in the user messages' blocks, if any."""
    for n, message in enumerate(body["messages"]):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            if not content:
                return f"messages.{n}: user messages must have non-empty content"
            continue
        if not isinstance(content, list) or not content:
            return f"messages.{n}: user messages must have non-empty content"
        for m, block in enumerate(content):
            problem = _block_problem(
                f"messages.{n}.content.{m}",
                block,
                image_input=image_input,
                pdf_input=pdf_input,
                model=model,
            )
            if problem:
                return problem
    return None
