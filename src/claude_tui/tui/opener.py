"""A sent message's files in the system's viewer (``o`` on a message in the log): each kept
file opened with the system's opener, without waiting for the viewer; a file that is gone,
or no opener at all, is said in words."""

from __future__ import annotations

import asyncio
import shutil
import sys
from typing import TYPE_CHECKING

from claude_tui.domain.message import Message

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen


async def open_files(screen: ChatScreen, message: Message) -> None:
    """Open each file of the message with the system's opener (``xdg-open``, macOS's
    ``open``), without waiting for the viewer; say which are missing, or that there is
    no opener."""
    store = screen.session.attachments
    files = message.attachments
    gone = await asyncio.to_thread(store.missing, files)
    kept = [attachment for attachment in files if attachment not in gone]
    for attachment in gone:
        screen.tell(
            f"{attachment.name}: attachment missing (no longer in the data folder).",
            severity="warning",
            timeout=8,
        )
    opener = await asyncio.to_thread(find_opener)
    if opener is None:
        if kept:
            screen.tell(
                f"No program to open files was found ({' or '.join(OPENERS)}). "
                f"The file is kept at "
                f"{store.path_of(kept[0])}.",
                severity="warning",
                timeout=15,
            )
        return
    for attachment in kept:
        process = await asyncio.create_subprocess_exec(
            opener,
            str(store.path_of(attachment)),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        screen.run_worker(process.wait(), group="opener", exit_on_error=False)
        screen.tell(f"Opening {attachment.name}…", timeout=4)


OPENERS = ("xdg-open", "open")


def find_opener() -> str | None:
    """The system's program that opens a file in its viewer, or None."""
    names = ("open",) if sys.platform == "darwin" else ("xdg-open",)
    return next((found for name in names if (found := shutil.which(name))), None)
