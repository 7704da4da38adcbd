"""Why a reply ended, in words, with the way forward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claude_tui.domain.message import Message

CONTINUABLE = ("max_tokens", "pause_turn")
"""Stop reasons after which the same reply can go on (``Continue``)."""


@dataclass(frozen=True)
class StopNote:
    """What to say under a reply that did not simply end its turn."""

    text: str
    hint: str = ""
    can_continue: bool = False
    raise_limit: bool = False

    def sentence(self) -> str:
        return f"{self.text} {self.hint}".strip()


def stop_note_of(message: Message) -> StopNote | None:
    """The note for a finished reply whose stop reason needs one (None for end_turn)."""
    if message.role != "assistant" or message.status.value != "complete":
        return None
    reason = message.stop_reason
    if reason in (None, "end_turn"):
        return None
    if reason == "max_tokens":
        limit = f"the {message.max_tokens:,}-token limit" if message.max_tokens else "its limit"
        return StopNote(
            f"Claude reached {limit}.",
            "Continue resumes this reply; or raise the limit in the settings.",
            can_continue=True,
            raise_limit=True,
        )
    if reason == "pause_turn":
        return StopNote("Claude paused its turn.", "Continue lets it go on.", can_continue=True)
    if reason == "refusal":
        return StopNote(
            "Claude declined to answer this.",
            "Rephrase the message, or start a new conversation.",
        )
    if reason == "model_context_window_exceeded":
        return StopNote(
            "The conversation is longer than the model can read.",
            "Start a new conversation, remove earlier messages, "
            "or pick a model with a larger context window.",
        )
    if reason == "stop_sequence":
        named = f" “{message.stop_sequence}”" if message.stop_sequence else ""
        return StopNote(f"Stopped at the stop sequence{named}.")
    if reason == "tool_use":
        return StopNote("Claude asked to use a tool, which this app does not offer.")
    return StopNote(f"Stopped: {reason}.")
