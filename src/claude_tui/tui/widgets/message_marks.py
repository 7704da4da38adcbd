"""What a message's view says about its place in the conversation, as the screen tells
it (the widgets do not know the conversation's branch tree): which of its branches it is
("You", and "2/3" between angle quotes), and, for a message of the user's, that it was
never answered and which of its files are missing from the data folder."""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSE = "\u2039", "\u203a"  # the angle quotes around "2/3"
UNANSWERED = "not answered · Ctrl+R sends it again"  # (keys.py: chat.retry)


@dataclass(frozen=True)
class MessageMarks:
    # (position 1-based, count) among the messages that follow the same one
    branch: tuple[int, int] | None = None
    unanswered: bool = False
    missing: frozenset[str] = frozenset()  # the digests of its files no longer kept

    @property
    def branched(self) -> bool:
        """It has siblings to step to (Left / Right)."""
        return self.branch is not None and self.branch[1] > 1


NO_MARKS = MessageMarks()


def marked_title(name: str, marks: MessageMarks) -> str:
    """A view's border title: ``name``, and which branch it is when there are several."""
    if marks.branch is None or not marks.branched:
        return name
    position, count = marks.branch
    return f"{name} {OPEN} {position}/{count} {CLOSE}"
