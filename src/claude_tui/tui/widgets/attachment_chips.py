"""The files attached to the message being written: a chip each, above the input box
("shot.png · PNG image · 14 KB · ≈ 1,600 tokens"), and the same words in a sent message.

A chip takes the focus (Shift+Tab from the input box, Left / Right between chips):
Delete or Backspace removes it, Escape goes back to the input box. The screen says what
to show (:meth:`AttachmentChips.show`) and is told what the user removed (``removed``, set
by the screen, as the input box's ``completer`` is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from claude_tui.domain.attachments import Attachment, size_words
from claude_tui.domain.text import printable, tokens

MISSING = "attachment missing"
MARK = "▪"  # before each file's name


def chip_words(attachment: Attachment, *, estimate: bool = False, missing: bool = False) -> str:
    """ "shot.png · PNG image · 14 KB" (with ``estimate``: " · ≈ 1,600 tokens"); a kept
    file that is gone: "shot.png · attachment missing"."""
    parts = [printable(attachment.name).replace("\n", " ")]
    if missing:
        return f"{parts[0]} · {MISSING}"
    parts += [attachment.kind_words, size_words(attachment.size)]
    if estimate:
        parts.append(f"≈ {tokens(attachment.tokens)} token{'' if attachment.tokens == 1 else 's'}")
    return " · ".join(parts)


def chip_content(
    attachment: Attachment, *, estimate: bool = False, missing: bool = False
) -> Content:
    """A chip's words as text (never markup), the name in bold."""
    words = chip_words(attachment, estimate=estimate, missing=missing)
    name = printable(attachment.name).replace("\n", " ")
    return Content(f"{MARK} {words}").stylize("bold", 2, 2 + len(name))


class AttachmentChip(Static):
    can_focus = True
    REMOVE = Binding(
        "delete,backspace",
        "remove",
        "Remove",
        key_display="Delete / Backspace",
        tooltip=(
            "remove the file (on a file above the input: Shift+Tab reaches them; "
            "Backspace in an empty input removes the last)"
        ),
        id="chip.remove",
    )
    BINDINGS = [
        REMOVE,
        Binding("left,up", "step(-1)", "Previous", show=False, id="chip.previous"),
        Binding("right,down", "step(1)", "Next", show=False, id="chip.next"),
        Binding("escape", "leave", "Back", show=False, id="chip.leave"),
    ]

    def __init__(self, attachment: Attachment, index: int) -> None:
        super().__init__(chip_content(attachment, estimate=True), classes="chip")
        self.attachment = attachment
        self.index = index

    @property
    def chips(self) -> AttachmentChips:
        parent = self.parent
        assert isinstance(parent, AttachmentChips)
        return parent

    def action_remove(self) -> None:
        self.chips.remove_at(self.index)

    def action_step(self, step: int) -> None:
        self.chips.focus_chip(self.index + step)

    def action_leave(self) -> None:
        self.chips.leave()


class AttachmentChips(VerticalScroll, can_focus=False):
    """The chips of the message being written; hidden when there are none. More than fit
    (six rows) scroll: the newest is in view, and so is a chip taking the focus."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.attachments: tuple[Attachment, ...] = ()
        # Set by the screen: the user removed the file at this index (it shows the rest).
        self.removed: Callable[[int], object] | None = None
        # Set by the screen: where the focus goes back to (the input box).
        self.back: Callable[[], object] | None = None

    def show(self, attachments: Sequence[Attachment]) -> None:
        """Show these files (none: hidden)."""
        attachments = tuple(attachments)
        if attachments == self.attachments:
            return
        had_focus = any(chip.has_focus for chip in self.query(AttachmentChip))
        focused = next((c.index for c in self.query(AttachmentChip) if c.has_focus), 0)
        self.attachments = attachments
        self.remove_children()
        self.mount_all(AttachmentChip(a, n) for n, a in enumerate(attachments))
        self.display = bool(attachments)
        if had_focus:
            self.call_after_refresh(
                self.focus_chip, min(focused, len(attachments) - 1) if attachments else 0
            )
        else:
            self.call_after_refresh(self.scroll_end, animate=False)  # the newest in view

    def focus_chip(self, index: int) -> None:
        """Focus the chip at ``index`` (the first one before it); past the last one, the
        input box below."""
        chips = list(self.query(AttachmentChip))
        if index >= len(chips):
            self.leave()
        else:
            chip = chips[max(index, 0)]
            chip.focus()
            self.scroll_to_widget(chip, animate=False)

    def remove_at(self, index: int) -> None:
        if self.removed is not None:
            self.removed(index)

    def leave(self) -> None:
        if self.back is not None:
            self.back()
