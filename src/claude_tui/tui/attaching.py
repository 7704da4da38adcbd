"""Files brought into the message being written, on the chat screen: ``@path`` typed (with
its completion), the file picker (Ctrl+P → "Attach a file…", or its key), a pasted path (a
file dropped onto the terminal), the chips above the input box, and, at Enter, the
mentions read and every file checked against the model before the message is accepted.

The chips of each conversation's draft are kept apart, saved with the drafts' text
(``drafts.json``), and stay until the message is accepted; a refused send leaves the text
and the chips as they were. Files are read in threads (``AttachmentStore.add``), never on
the event loop.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from claude_tui.domain.attachments import Attachment, size_words
from claude_tui.domain.conversation import Conversation
from claude_tui.domain.mentions import Mention, mentions, named
from claude_tui.domain.sending import files_refusal
from claude_tui.store.attachments import AttachmentError, user_path
from claude_tui.tui.drafts import draft_key
from claude_tui.tui.screens.dialogs import Confirm
from claude_tui.tui.typed_paths import (
    Choice,
    Typed,
    existing_file,
    index_of,
    location_of,
    pasted_path,
    path_choices,
    typed_mention,
)
from claude_tui.tui.widgets.attachment_chips import AttachmentChips
from claude_tui.tui.widgets.suggestions import Suggestions

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

COMPLETION_KEYS = ("tab", "enter", "up", "down", "escape")


@dataclass(frozen=True)
class Outgoing:
    """A message ready to be accepted: its text (mentions named), its files, and whose
    draft's chips it takes."""

    text: str
    attachments: list[Attachment]
    key: str


class Attaching:
    def __init__(self, screen: ChatScreen, cwd: Path | None = None) -> None:
        self.screen = screen
        self.cwd = cwd or Path.cwd()  # where @paths and the picker start
        self._chips: dict[str, list[Attachment]] = {}  # by draft key (tui/drafts.py)
        self._before_edit: dict[str, list[Attachment]] = {}  # the chips an edit set aside
        self.missing: frozenset[str] = frozenset()  # the open conversation's files gone
        self.choices: list[Choice] = []  # what the @path being typed can become
        self._typed: Typed | None = None
        self._followed: str | None = None  # the text the choices were made for

    def mount(self) -> None:
        """Hook into the input box and the chips (the screen's on_mount)."""
        prompt = self.screen.prompt
        prompt.completer = self.key
        prompt.paste_watcher = self.pasted
        prompt.has_files = lambda: bool(self.pending)
        chips = self.screen.query_one(AttachmentChips)
        chips.removed = self.remove
        chips.back = prompt.focus

    # -- the chips ---------------------------------------------------------------------

    @property
    def pending(self) -> list[Attachment]:
        """The files of the open conversation's draft."""
        return self._chips.get(draft_key(self.screen.conversation), [])

    @property
    def chips(self) -> dict[str, list[Attachment]]:
        """Every draft's files, by draft key (saved with the drafts' text)."""
        return {key: files for key, files in self._chips.items() if files}

    def restore(self, saved: dict[str, list[Attachment]]) -> None:
        """The drafts' files read from the disk, under those attached since the start."""
        for key, files in saved.items():
            self._chips.setdefault(key, files)
        self.show()
        self.screen.estimate.changed()

    def _set(self, attachments: list[Attachment], key: str | None = None) -> None:
        self._chips[draft_key(self.screen.conversation) if key is None else key] = attachments
        self.show()
        self.screen.estimate.changed()
        self.screen.drafts_changed()  # kept across a restart, as the text is

    def show(self) -> None:
        self.screen.query_one(AttachmentChips).show(self.pending)

    def remove(self, index: int) -> None:
        files = list(self.pending)
        if 0 <= index < len(files):
            del files[index]
            self._set(files)

    def begin_edit(self, attachments: list[Attachment]) -> None:
        """An edit of a message: its files become the chips (the draft's wait for Escape)."""
        key = draft_key(self.screen.conversation)
        self._before_edit.setdefault(key, self.pending)
        self._set(list(attachments))

    def end_edit(self) -> None:
        """The edit was cancelled: the draft's chips come back."""
        key = draft_key(self.screen.conversation)
        if key in self._before_edit:
            self._set(self._before_edit.pop(key))

    def take_chips(self, conversation: Conversation) -> list[Attachment]:
        """The chips of ``conversation``'s draft, taken (quitting keeps a message just
        submitted, with its files)."""
        return self._chips.pop(draft_key(conversation), [])

    def switched(self) -> None:
        """Another conversation is open: its chips, and which of its files are gone."""
        self.show()
        self.missing = frozenset()
        conversation = self.screen.conversation
        held = {a.digest: a for m in conversation.messages for a in m.attachments}
        if held:
            self.screen.run_worker(
                self._check_kept(conversation.id, list(held.values())),
                group="attachments-kept",
                exit_on_error=False,
            )

    async def _check_kept(self, conversation_id: str, held: list[Attachment]) -> None:
        store = self.screen.session.attachments
        gone = await asyncio.to_thread(store.missing, held)
        if gone and self.screen.conversation.id == conversation_id:
            self.missing = frozenset(a.digest for a in gone)
            self.screen.log_view.refresh_marks()

    async def add(self, path: Path) -> Attachment | None:
        """Read the file and show its chip; None (and said why) if it cannot be attached."""
        key = draft_key(self.screen.conversation)
        try:
            attachment = await asyncio.to_thread(self.screen.session.attachments.add, path)
        except AttachmentError as error:
            self.screen.tell(str(error), title="Not attached", severity="warning", timeout=10)
            return None
        files = self._chips.get(key, [])
        same = next((a for a in files if a.digest == attachment.digest), None)
        if same is None:
            self._set([*files, attachment], key)
        else:  # one file, sent once, under the name it was first attached by
            self.screen.tell(
                f"{attachment.name} is the same file as {same.name}, attached already.",
                title="Attached once",
                timeout=8,
            )
        return attachment

    # -- the picker ----------------------------------------------------------------------

    def pick(self) -> None:
        from claude_tui.tui.screens.attach_picker import AttachPicker  # (textual-fspicker)

        def picked(path: Path | None) -> None:
            if path is not None:
                self.screen.run_worker(self.add(path), group="attach", exit_on_error=False)

        self.screen.app.push_screen(AttachPicker(self.cwd), callback=picked)

    # -- a pasted path -------------------------------------------------------------------

    def pasted(self, text: str) -> None:
        """A paste (pasted as it is): if it is one file's path, offer to attach the file."""
        path = pasted_path(text)
        if path is not None:
            self.screen.run_worker(self._offer(path, text), group="paste", exit_on_error=False)

    async def _offer(self, path: str, text: str) -> None:
        """Offer to attach the pasted path's file; if taken, the path leaves the text."""
        screen = self.screen
        found = await asyncio.to_thread(existing_file, path, self.cwd)
        if found is None:
            return
        size = await asyncio.to_thread(lambda: found.stat().st_size)
        question = f"Attach {found.name} ({size_words(size)})? Cancel keeps the path as text."
        if not await screen.app.push_screen_wait(Confirm("A file's path", question, "Attach")):
            return
        if await self.add(found) is None:
            return
        prompt = screen.prompt
        typed = prompt.text
        at = typed.rfind(text)
        if at >= 0:
            prompt.replace("", location_of(typed, at), location_of(typed, at + len(text)))

    # -- @path: completing as it is typed ------------------------------------------------

    @property
    def box(self) -> Suggestions:
        return self.screen.query_one(Suggestions)

    def typed(self) -> None:
        """Follow the input box: slash commands first, then the @path at the cursor."""
        screen = self.screen
        screen.slash.typed()
        prompt = screen.prompt
        text = self._followed = prompt.text
        cursor = index_of(text, prompt.cursor_location)
        typed = None if text.startswith("/") else typed_mention(text, cursor)
        self._typed = typed
        if typed is None:
            if self.choices:
                self.choices = []
                self.box.hide()
            return
        screen.run_worker(
            self._complete_in_thread(text, typed),
            group="mention-choices",
            exit_on_error=False,
        )

    async def _complete_in_thread(self, text: str, typed: Typed) -> None:
        choices = await asyncio.to_thread(path_choices, typed.path, self.cwd)
        if self.screen.prompt.text != text:
            return  # typed on since: a newer list is on its way
        self.choices = choices
        if not choices:
            self.box.hide()
            return
        # The first one is taken by Enter once something is typed, unless the path is
        # typed whole: Enter sends then (Tab still makes it a chip).
        chosen = bool(typed.path) and choices[0].path != typed.path
        self.box.show([(c.label + ("/" if c.is_folder else ""), c.what) for c in choices], chosen)

    def key(self, key: str) -> bool:
        """A key the input box offers first; True if taken (slash commands come first)."""
        screen = self.screen
        if screen.slash.key(key):
            return True
        prompt = screen.prompt
        if key == "backspace" and self.pending:
            # Done here, in order with the keys: the input box's own Backspace (a binding)
            # runs once the key has bubbled up, after the next keys of a quick burst.
            if prompt.document.end == (0, 0):
                self.remove(len(self.pending) - 1)
            else:
                prompt.action_delete_left()
            return True
        if key not in COMPLETION_KEYS or not self.choices or not self.box.display:
            return False
        if prompt.text != self._followed:
            return False  # typed on: the list is out of date
        return self.box.take_key(key, self.complete)

    def complete(self, row: int) -> bool:
        """Take a choice: a folder goes into the text (its files are offered next); a file
        is attached at once, its chip shown and its name left in the text."""
        typed, choice = self._typed, self.choices[row]
        if typed is None:
            return False
        prompt = self.screen.prompt
        written = re.sub(r"(\s)", r"\\\1", choice.path) if choice.is_folder else choice.written
        text = prompt.text
        start, end = location_of(text, typed.start), location_of(text, typed.end)
        self.choices = []
        self.box.hide()
        prompt.replace(f"@{written}", start, end)
        if not choice.is_folder:
            self.screen.run_worker(
                self._attach_typed(typed.start, f"@{written}", choice),
                group="attach",
                exit_on_error=False,
            )
        return True

    async def _attach_typed(self, start: int, token: str, choice: Choice) -> None:
        attachment = await self.add(self.cwd / Path(choice.path).expanduser())
        prompt = self.screen.prompt
        text = prompt.text
        at = start if text[start : start + len(token)] == token else text.find(token)
        if attachment is None or at < 0:
            return
        begin, end = location_of(text, at), location_of(text, at + len(token))
        prompt.replace(f"{choice.label} ", begin, end)

    # -- sending ---------------------------------------------------------------------

    async def prepare(self, text: str) -> Outgoing | None:
        """The message to accept: each ``@path`` that names a file read and attached (its
        name in the text), with the chips; None (said why, the text given back, the
        chips kept) if a file cannot be read or the model cannot take them."""
        screen = self.screen
        conversation = screen.conversation
        key = draft_key(conversation)
        files = list(self.pending)
        found = mentions(text)
        taken: list[Mention] = []
        if found:
            read = await asyncio.to_thread(self._read_mentions, found)
            for mention, result in zip(found, read, strict=True):
                if isinstance(result, AttachmentError):
                    self._refused(text, str(result), "Not attached")
                    return None
                if result is not None:
                    taken.append(mention)
                    files.append(result)
        files = list({a.digest: a for a in files}.values())
        store = screen.session.attachments
        gone = await asyncio.to_thread(store.missing, files)
        if gone:  # (an edit of a message whose kept copy is gone, say)
            self._refused(
                text,
                f"{gone[0].name} is no longer in the data folder: remove its chip (Shift+Tab, "
                "Delete), or attach the file again.",
                "Not sent",
            )
            return None
        sent = named(text, taken)
        upto = screen.actions.edit_point()  # an edit: what follows it is not sent
        before = replace(conversation, messages=conversation.messages[:upto])
        why = files_refusal(before, sent, files, screen.catalog.find(conversation.model))
        if why is not None:
            self._refused(text, why, "Not sent")
            return None
        return Outgoing(sent, files, key)

    def _read_mentions(self, found: list[Mention]) -> list[Attachment | AttachmentError | None]:
        """Each mention's file, attached; None for one that names nothing (it stays as
        typed). In a thread."""
        results: list[Attachment | AttachmentError | None] = []
        for mention in found:
            path = user_path(mention.path, self.cwd)
            if path is None or not path.exists():
                results.append(None)
                continue
            try:
                results.append(self.screen.session.attachments.add(path))
            except AttachmentError as error:
                results.append(error)
        return results

    def _refused(self, text: str, why: str, title: str) -> None:
        self.screen.prompt.give_back(text)
        self.screen.tell(why, title=title, severity="warning", timeout=15)

    def sent(self, outgoing: Outgoing) -> None:
        """The message was accepted: its chips go (and those an edit set aside, as the
        draft's text goes)."""
        sent = {a.digest for a in outgoing.attachments}
        left = [a for a in self._chips.get(outgoing.key, []) if a.digest not in sent]
        self._chips[outgoing.key] = left  # (a chip added while the message was checked)
        self._before_edit.pop(outgoing.key, None)
        self.show()
        self.screen.drafts_changed()  # the saved draft's files go too
