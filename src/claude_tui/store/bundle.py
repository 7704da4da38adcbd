"""A conversation as a folder to carry: its Markdown and the files attached to it.

``<title>/<title>.md`` and ``<title>/files/``, each file under the name it was attached
by (two different files of one name as ``a.png`` and ``a-2.png``; a file attached twice
once), linked from the Markdown by a relative URL: the folder can be zipped, moved and
read anywhere. A file missing from the data folder is said missing, as in any export.

The folder is made whole under a hidden name beside where it goes, then renamed into
place: it appears complete or not at all, and never replaces anything.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from claude_tui.domain import branches
from claude_tui.domain.attachments import EXTENSIONS, Attachment
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.text import printable
from claude_tui.store.attachments import AttachmentStore
from claude_tui.store.export import (
    NAME_BYTES,
    cut_name,
    default_filename,
    name_candidates,
    to_markdown,
)
from claude_tui.store.files import DIR_MODE, fsync_dir, write_atomic

if TYPE_CHECKING:
    from claude_tui.domain.pricing import PriceTable

FILES = "files"


def file_names(attachments: list[Attachment]) -> dict[str, str]:
    """A name in ``files/`` for each attached file (by digest): its own name, made safe
    for any file system, numbered (``a-2.png``) when another file took it; names that
    differ only in case count as taken (some systems do not tell them apart)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for attachment in attachments:
        if attachment.digest in names:
            continue
        stem, suffix = _safe_parts(attachment)
        name = stem + suffix
        number = 1
        while name.casefold() in taken:  # (the stem leaves room for the number)
            number += 1
            name = f"{stem}-{number}{suffix}"
        taken.add(name.casefold())
        names[attachment.digest] = name
    return names


def _safe_parts(attachment: Attachment) -> tuple[str, str]:
    """(stem, suffix) of a file's name with no separator, control character or leading
    dot, short enough for any file system; the kind's own ending when it has none."""
    name = printable(attachment.name).replace("\n", " ").replace("\t", " ")
    name = re.sub(r"[/\\:*?\"<>|\x00]", "_", name).strip().lstrip(".")
    path = Path(name or "file")
    suffix = path.suffix if path.suffix and path.stem else ""
    stem = path.stem if suffix else path.name
    if not suffix:
        suffix = "." + EXTENSIONS[attachment.media_type]
    suffix = cut_name(suffix, 16)
    return cut_name(stem, NAME_BYTES - 16 - 8) or "file", suffix


def write_bundle(
    where: Path,
    conversation: Conversation,
    attachments: AttachmentStore,
    prices: PriceTable | None = None,
    *,
    all_branches: bool = False,
    name: str | None = None,
) -> Path:
    """Write the conversation's bundle into the folder ``where``, named ``name``
    (FileExistsError if it is taken), else after its title (numbered if the name is
    taken); the folder written. Reads the files: call it off an event loop. Raises
    ``OSError``."""
    messages = list(conversation.messages)
    if all_branches:
        messages += branches.in_tree_order(conversation)
    held = [attachment for message in messages for attachment in message.attachments]
    names = file_names(held)
    stem = default_filename(conversation, "md").removesuffix(".md")
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=where))
    try:
        copied: set[str] = set()
        for attachment in held:
            data = attachments.read(attachment)
            if data is None or attachment.digest in copied:
                continue
            (staging / FILES).mkdir(mode=DIR_MODE, exist_ok=True)
            write_atomic(staging / FILES / names[attachment.digest], data)
            copied.add(attachment.digest)

        def link(attachment: Attachment) -> str | None:
            if attachment.digest not in copied:
                return None
            return f"{FILES}/{quote(names[attachment.digest])}"

        text = to_markdown(conversation, prices, all_branches=all_branches, links=link)
        write_atomic(staging / f"{stem}.md", text.encode("utf-8"))
        with contextlib.suppress(OSError):
            os.chmod(staging, DIR_MODE)
        candidates = [where / name] if name is not None else name_candidates(where / stem)
        for candidate in candidates:
            if os.path.lexists(candidate):
                continue
            try:
                os.rename(staging, candidate)  # (fails if the name appeared meanwhile)
            except OSError:
                if os.path.lexists(candidate):
                    continue
                raise
            fsync_dir(where)
            return candidate
        if name is not None:
            raise FileExistsError(f"{where / name} already exists")
        raise FileExistsError(f"{where / stem} and its numbered names are all taken")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
