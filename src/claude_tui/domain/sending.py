"""Whether a message with files can be sent in a conversation, asked before it is accepted:
a refusal leaves the message, its text and its files where they were."""

from __future__ import annotations

from collections.abc import Sequence

from claude_tui.domain.attachments import Attachment, refusal
from claude_tui.domain.catalog import ModelInfo
from claude_tui.domain.conversation import Conversation


def files_refusal(
    conversation: Conversation,
    text: str,
    attachments: Sequence[Attachment],
    model: ModelInfo | None,
) -> str | None:
    """Why the conversation with a message of ``text`` and ``attachments`` sent next cannot
    be sent, in words (the model does not read a kind of file, too many PDF pages, too
    large); None if it can. ``model``: what the conversation's model takes (None: not
    known, so everything is tried and the API has the last word)."""
    held = [a for message in conversation.messages for a in message.attachments]
    earlier = frozenset(a.digest for a in held) - {a.digest for a in attachments}
    held.extend(attachments)
    if not held:
        return None
    words = [conversation.settings.system or "", text]
    words.extend(message.text for message in conversation.messages)
    return refusal(
        held,
        image_input=model is None or model.image_input,
        pdf_input=model is None or model.pdf_input,
        model=model.display_name if model is not None else conversation.settings.model,
        text_bytes=sum(len(part.encode("utf-8", "replace")) for part in words),
        earlier=earlier,
    )
