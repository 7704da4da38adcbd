"""Files sent from the command line: ``-p -a FILE`` and ``@path`` in a line of ``chat``.

Each file is read once and checked (a regular file, an image Claude reads, a PDF or text,
not too large, not changing while read); the whole message is then checked against the
conversation's model (does it read images, PDFs; the API's page and size limits). Only a
message that may go has its files kept in the data folder's ``attachments/``: a refusal
leaves nothing behind, neither a file nor a message.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from claude_tui.console.talk import Refused, Talk
from claude_tui.domain.attachments import Attachment
from claude_tui.domain.mentions import mentions, named
from claude_tui.domain.sending import files_refusal
from claude_tui.store.attachments import AttachmentError, read_file, user_path


def mentioned_files(text: str) -> tuple[str, list[Path]]:
    """The files ``@path`` names in ``text`` (relative to the working folder, ``~`` the
    home folder) and the text with each of them written as the file's name. A mention
    that names nothing on disk (``@everyone``) stays as typed; one that names a folder or
    a FIFO is taken, so that attaching it is refused in words."""
    taken = []
    files = []
    for mention in mentions(text):
        path = user_path(mention.path)
        if path is not None and os.path.lexists(path):
            taken.append(mention)
            files.append(path)
    return named(text, taken), files


def attach_files(talk: Talk, text: str, paths: Sequence[Path]) -> list[Attachment]:
    """The files at ``paths``, read, checked for the message of ``text`` in the talk's
    conversation, and kept (each once, in order); Refused, with the reason, when one
    cannot be read or the message could not be sent with them."""
    read: dict[str, tuple[Attachment, bytes]] = {}
    model = talk.model_info() if paths else None
    for path in paths:
        try:
            attachment, data = read_file(path)
        except AttachmentError as error:
            raise Refused(str(error)) from error
        read.setdefault(attachment.digest, (attachment, data))
        # Checked as each file comes: a refusal stops reading the rest (and holding them).
        attachments = [attachment for attachment, _ in read.values()]
        refusal = files_refusal(talk.conversation, text, attachments, model)
        if refusal is not None:
            raise Refused(refusal)
    store = talk.session.attachments
    try:
        for attachment, data in read.values():
            store.keep(attachment, data)
    except AttachmentError as error:
        raise Refused(str(error)) from error
    return [attachment for attachment, _ in read.values()]
