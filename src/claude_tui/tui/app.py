"""The app: wiring, the palette, start and quit.

It makes the services (store, keeper, client, session, drafts) and the one
:class:`~claude_tui.tui.screens.chat.ChatScreen`, which owns the chat keys and the open
conversation. Quitting and F1 work on every screen, so their keys are the app's.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from types import FrameType
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from claude_tui import paths
from claude_tui.api.client import ClaudeClient
from claude_tui.config import Settings
from claude_tui.domain.text import printable
from claude_tui.domain.values import utc_now
from claude_tui.session import ChatSession
from claude_tui.store.conversations import ConversationStore
from claude_tui.store.drafts import DraftStore
from claude_tui.store.keeper import ConversationKeeper
from claude_tui.store.model_cache import ModelCache
from claude_tui.tui import collector
from claude_tui.tui.commands import ConversationCommands
from claude_tui.tui.drafts import DraftBook
from claude_tui.tui.editor import ExternalEditor
from claude_tui.tui.keying import NO_KEY_REASON, Keying
from claude_tui.tui.keymap import Keymap, resolve
from claude_tui.tui.library import EXPORT_FORMATS
from claude_tui.tui.opening import Opening
from claude_tui.tui.patches import report_crash_without_locals
from claude_tui.tui.screens.chat import ChatScreen
from claude_tui.tui.screens.help import HelpScreen
from claude_tui.tui.services import Services
from claude_tui.tui.themes import Looks, ThemeChoice
from claude_tui.tui.widgets.prompt_input import PromptInput

QUIT_ANYWAY_SECONDS = 10.0  # a second Ctrl+Q within this quits with unsaved words lost
QUIT_WARNING_SHOWN = 10.0  # seconds the warning stays up (tests shorten only the above)
EXIT_TERMINATED = 143  # ended by SIGTERM, as shells report it (128 + the signal)
# Signals that end the app as Ctrl+Q does: SIGTERM (kill, a shutdown), SIGHUP (the terminal
# closed); where the platform has them.
QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
FIX_PERMISSIONS = "Make the data folder yours alone"


@report_crash_without_locals  # (its locals could hold the API key)
class ClaudeTUI(App[None]):
    TITLE = "claude-tui"
    COMMANDS = App.COMMANDS | {ConversationCommands}
    CSS_PATH = [paths.styles_dir() / "app.tcss"]
    BINDINGS = [
        Binding("f1", "help", "Keys", tooltip="list every key", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="quit", id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        prompt: str | None = None,
        resume: bool = False,
        clock: Callable[[], datetime] = utc_now,
        freeze_after_start: bool = False,
    ) -> None:
        """``prompt``: send this at once; ``resume``: into (or just open) the conversation
        used last, else into a new one; ``freeze_after_start``: leave what exists once the
        SDK is imported out of later garbage collections (see ``collector``: for the
        process of ``claude-tui``, not for tests that start many apps in one)."""
        self._looks = Looks(settings)  # (before the stylesheet asks for its variables)
        super().__init__()
        self.freeze_after_start = freeze_after_start
        self.settings = settings
        self._data_dir = settings.resolved_data_dir()
        store = ConversationStore(self._data_dir)
        keeper = ConversationKeeper(store)
        client = ClaudeClient(settings)
        self.services = Services(
            settings=settings,
            store=store,
            keeper=keeper,
            client=client,
            session=ChatSession(client, keeper, on_merged=lambda c: self._chat.merged(c)),
            drafts=DraftBook(DraftStore(store.root)),
            clock=clock,
            models=ModelCache.in_folder(paths.cache_dir()),
        )
        self._chat = ChatScreen(self.services, prompt=prompt, resume=resume)
        self.keying = Keying(self)  # the API key dialog: at start without one, after a 401
        self.editor = ExternalEditor(self)  # Alt+E in the input box
        self.user_keys = Keymap()  # the config's [keys], as checked at start
        self.theme_choice = ThemeChoice(self, settings)
        self._notices_showing: dict[tuple[str, str, str], float] = {}  # until when
        self._quit_warned: float | None = None  # when quitting was refused (unsaved words)
        self._terminating = False
        self._exit_code = EXIT_TERMINATED
        self._signals_before: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}

    @property
    def chat(self) -> ChatScreen:
        return self._chat

    def get_default_screen(self) -> Screen[None]:
        return self._chat

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of the app (its screens and widgets hand theirs to the app):
        a conversation's title, a file name or an error in it can never reach the
        terminal as control codes. A notice still showing is not stacked again (a key
        pressed again and again while it is refused)."""
        now = time.monotonic()
        showing = self._notices_showing
        for notice in [notice for notice, until in showing.items() if until <= now]:
            del showing[notice]
        if (message, title, severity) in showing:
            return
        showing[message, title, severity] = now + (timeout or self.NOTIFICATION_TIMEOUT)
        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def clear_notifications(self) -> None:
        self._notices_showing.clear()
        super().clear_notifications()

    # -- start and quit ------------------------------------------------------------

    def on_mount(self) -> None:
        """SIGTERM (``kill``, a system shutting down) and SIGHUP (the terminal closed) quit
        as Ctrl+Q does, so the terminal is given back as it was (no app screen, no mouse
        mode) and nothing is lost."""
        for number in QUIT_SIGNALS:
            self._signals_before[number] = signal.getsignal(number)
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop = asyncio.get_running_loop()
                loop.add_signal_handler(number, self._terminated, number)
        self.user_keys = resolve(self.settings.keys or {})
        self.set_keymap(self.user_keys.keys)
        if self.user_keys.problems:
            self.notify(
                "\n".join(self.user_keys.problems),
                title="Keys in the config ([keys])",
                severity="warning",
                timeout=30,
                markup=False,
            )

    def on_app_focus(self) -> None:
        """In a browser (``claude-tui serve``) the page blurs the app before its screen is
        up, so the screen's AUTO_FOCUS never ran, and Textual gives focus back only to what
        had it: focus what the screen would have, else keys go nowhere."""
        screen = self.screen
        if screen.focused is None and screen.AUTO_FOCUS:
            focusable = [widget for widget in screen.query(screen.AUTO_FOCUS) if widget.focusable]
            if focusable:
                screen.set_focus(focusable[0])

    def _terminated(self, number: int) -> None:
        """Drafts kept and a streaming reply saved as it is, then exit without asking
        (the system wants the process gone); a second signal exits at once."""
        self._exit_code = 128 + number
        if self._terminating:
            self.exit(return_code=self._exit_code)
            return
        self._terminating = True
        self.call_later(self._quit)

    async def on_ready(self) -> None:
        """After the first paint: the chat screen draws, then reads the list."""
        await self._chat.start()
        if not self.services.client.has_credentials:
            self.keying.open(NO_KEY_REASON)
        self.theme_choice.report()
        warning = paths.permissions_warning(self._data_dir)
        if warning is not None:
            offer = f"Or choose “{FIX_PERMISSIONS}” in the palette (Ctrl+P)."
            self.notify(
                f"{warning[:1].upper()}{warning[1:]}. {offer}",
                title="Data folder",
                severity="warning",
                timeout=30,
            )

    def _fix_permissions(self) -> None:
        try:
            fixed = paths.fix_permissions(self._data_dir)
        except OSError as error:
            self.notify(f"Could not change the folder's permissions: {error}", severity="error")
            return
        folders = ", ".join(str(path) for path in fixed)
        self.notify(f"Only you can write these folders now: {folders}.", timeout=10)

    def on_keying_wanted(self, event: Keying.Wanted) -> None:
        self.keying.open(event.reason)

    def on_opening_sdk_loaded(self, _: Opening.SdkLoaded) -> None:
        if self.freeze_after_start:
            collector.freeze_startup()

    async def action_quit(self) -> None:
        """Quit once the input box has handled the keys typed before Ctrl+Q."""
        # A message submitted with Ctrl+Q is kept, but not sent.
        if not self._chat.prompt.call_later(self._quit):
            await self._quit()

    async def _quit(self) -> None:
        unsaved = await self._chat.replying.close()
        if self._terminating:  # (a signal: the system wants the process gone)
            self.exit(return_code=self._exit_code)
            return
        warned = self._quit_warned  # a second Ctrl+Q counts only soon after the warning
        if unsaved and (warned is None or time.monotonic() - warned > QUIT_ANYWAY_SECONDS):
            self._quit_warned = time.monotonic()
            titles = ", ".join(f"'{c.title}'" for c in unsaved)
            self.notify(
                f"{titles} could not be saved. Free the disk and try again, or press "
                "Ctrl+Q again now to quit and lose the unsaved words.",
                title="Not quitting yet",
                severity="error",
                timeout=QUIT_WARNING_SHOWN,
                markup=False,
            )
            return
        self.exit()

    async def on_unmount(self) -> None:
        for number, before in self._signals_before.items():
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                removed = asyncio.get_running_loop().remove_signal_handler(number)
                if removed and before is not None:
                    signal.signal(number, before)  # as it was before
        await self.services.client.close()

    # -- keys and the palette --------------------------------------------------------

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, its text colours made readable, and our own."""
        variables = super().get_css_variables()
        self.theme_variables = {**variables, **self._looks.variables(variables)}
        return self.theme_variables

    def search_themes(self) -> None:
        """The palette's "Theme": the theme picked is kept for the next start."""
        self.push_screen(self.theme_choice.palette())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            from claude_tui.tui.keys import every_key

            self.push_screen(HelpScreen(every_key(self.user_keys.keys)))

    def on_prompt_input_editor_wanted(self, event: PromptInput.EditorWanted) -> None:
        self.editor.edit(event.prompt)

    def open_conversation(self, conversation_id: str) -> None:
        """Open a conversation (from the palette) and put the cursor in the input box."""
        self._chat.opening.open(conversation_id)
        self._chat.prompt.focus()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        chat = self._chat
        library = chat.library
        turn: list[tuple[str, str, Callable[[], object]]] = []
        if chat.session.busy:
            turn = [("Stop reply", "Stop the streaming reply (Escape)", chat.action_stop)]
        elif chat.conversation.can_retry:
            turn = [("Retry", "Send the last message again (Ctrl+R)", chat.action_retry)]
        if not chat.session.busy and chat.actions.can_undo:
            turn.append(
                (
                    "Undo",
                    "Bring back what was deleted last (u on a message)",
                    lambda: chat.run_worker(chat.actions.undo()),
                )
            )
        if not chat.session.busy and chat.conversation.can_continue:
            turn.append(
                (
                    "Continue reply",
                    "Go on with the reply cut short (Ctrl+O)",
                    chat.action_continue_reply,
                )
            )
        if paths.writable_by_others(self._data_dir):
            turn.append((FIX_PERMISSIONS, "Others can write it: chmod go-w", self._fix_permissions))
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("New conversation", "Start a new conversation (Ctrl+N)", chat.action_new_conversation),
            ("Next conversation", "Open the next one in the list", chat.action_next_conversation),
            (
                "Previous conversation",
                "Open the previous one in the list",
                chat.action_previous_conversation,
            ),
            (
                "Toggle sidebar",
                "Hide or show the conversation list (Ctrl+B)",
                chat.action_toggle_sidebar,
            ),
            *turn,
            (
                "Conversation settings…",
                "Model, system prompt, thinking, effort, sampling (F3)",
                chat.action_settings,
            ),
            ("Choose model…", "Pick the open conversation's model (Alt+P)", chat.action_pick_model),
            ("Set API key…", "Paste an Anthropic API key, masked (/key)", self.keying.open),
            (
                "Attach a file…",
                "A picture, a PDF or a text file (Ctrl+T, or @path)",
                chat.action_attach_file,
            ),
            (
                "Toggle thinking",
                "Thinking on or off for the open conversation (Alt+T)",
                chat.action_toggle_thinking,
            ),
            (
                "Focus the messages",
                "Move, copy, edit, ask again, branches, delete (Ctrl+Up)",
                chat.action_focus_log,
            ),
            (
                "Copy the conversation as Markdown",
                "The current branch, as the Markdown export writes it",
                lambda: chat.run_worker(chat.actions.copy_conversation()),
            ),
            (
                "Save the last copy to a file",
                "When the terminal ignored the copy: write it to a file",
                chat.actions.save_last_copy,
            ),
            (
                "Reply details",
                "Tokens, cost, timing, what was asked (F4)",
                chat.action_reply_details,
            ),
            ("Search messages", "Find words in every conversation (Ctrl+F)", library.search),
            ("Filter conversations", "Narrow the list by title (Ctrl+G)", chat.action_filter),
            ("Rename conversation", "Give the open conversation a title (F2)", library.rename),
            ("Delete conversation", "Move the open conversation to the trash (F8)", library.delete),
            ("Restore from trash", "Bring back a deleted conversation", library.restore),
            ("Duplicate conversation", "A copy to take in another direction", library.duplicate),
            *(
                (
                    f"Export as {label}",
                    f"Write the open conversation to a .{fmt} file",
                    partial(library.export, fmt),
                )
                for fmt, label in EXPORT_FORMATS.items()
            ),
            ("Keys", "List every key (F1)", self.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's key panel; ours is above (F1)
                yield command
