"""Slash commands typed at the start of the input box: ``/model [id]``, ``/system [text]``,
``/effort [level]``, ``/thinking [off|adaptive|between_tools|budget N]``,
``/web [on|off|fetch [on|off]]`` change the open conversation's settings; ``/key`` opens
the API key dialog. They are never sent to Claude.

Which text is a command: one that starts with ``/`` and a word (letters, digits, ``-``, ``_``)
followed by a space or nothing. A known word runs; an unknown one is refused with the list
of commands, the text kept in the box (start it with a space to send it as it is). Anything
else starting with ``/`` (``/usr/bin/env``, ``/5``, ``/ ``) is an ordinary message.

While a command is typed, the list above the box shows what it can become: the commands,
then the model ids, effort levels or thinking choices. Tab takes the highlighted one, Enter
too when it changes the text (else Enter runs the command), Up and Down move, Escape hides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claude_tui.domain.settings import MIN_THINKING_BUDGET
from claude_tui.domain.steering import DEFAULT, WEB_TOOL_WORDS, fit_to_model, thinking_words
from claude_tui.domain.values import SchemaError
from claude_tui.tui.keying import Keying
from claude_tui.tui.submit import Submitted
from claude_tui.tui.widgets.suggestions import Suggestions

if TYPE_CHECKING:
    from claude_tui.tui.screens.chat import ChatScreen

COMMANDS = {
    "model": ("[id]", "the model; alone: the model picker"),
    "system": ("[text]", "the system prompt; alone: the settings panel"),
    "effort": ("[level]", "how much effort: low … max, or default"),
    "thinking": ("[choice]", "off, between_tools, adaptive, or budget N"),
    "web": ("[on|off|fetch on|off]", "web search (alone: turn it on or off); fetch: web fetch"),
    "key": ("", "paste an Anthropic API key (masked)"),
}
COMPLETION_KEYS = ("tab", "enter", "up", "down", "escape")
_COMMAND = re.compile(r"/([A-Za-z0-9][\w-]*)(?=\s|$)")


@dataclass(frozen=True)
class Command:
    name: str
    argument: str  # stripped; empty when none was given


def command_list() -> str:
    return ", ".join(f"/{name}" for name in COMMANDS)


def parse(text: str) -> Command | str | None:
    """The command ``text`` is; None when it is a message; the refusal of an unknown one."""
    found = _COMMAND.match(text)
    if found is None:
        return None
    name = found.group(1).lower()
    if name not in COMMANDS:
        return (
            f"There is no command /{found.group(1)}. The commands are {command_list()}. "
            "To send the text to Claude as it is, start it with a space."
        )
    return Command(name, text[found.end() :].strip())


def _in_order(typed: str, value: str) -> bool:
    """Every typed character is in ``value``, in order (``h4`` finds claude-haiku-4-5)."""
    position = 0
    for char in typed:
        position = value.find(char, position) + 1
        if not position:
            return False
    return True


class Slash:
    def __init__(self, screen: ChatScreen) -> None:
        self.screen = screen
        self.completions: list[str] = []  # what each row of the list completes to
        self._followed: str | None = None  # the text the list was made for

    @property
    def box(self) -> Suggestions:
        return self.screen.query_one(Suggestions)

    # -- completing ------------------------------------------------------------------

    def choices(self, command: str) -> list[tuple[str, str]]:
        """What may follow ``/command``, and what each is."""
        screen = self.screen
        model = screen.steering.model(screen.conversation.model)
        if command == "model":
            return [(m.id, m.display_name) for m in screen.catalog.models]
        if command == "effort":
            return [(level, "") for level in model.effort_levels] + [(DEFAULT, "the model's own")]
        if command == "thinking":
            rows: list[tuple[str, str]] = [(c, "") for c in model.thinking_choices if c != "budget"]
            if "budget" in model.thinking_choices:
                rows.append((f"budget {screen.conversation.settings.budget}", "tokens"))
            return rows
        if command == "web":
            return [
                ("on", "web search"),
                ("off", "web search"),
                ("fetch on", "web fetch"),
                ("fetch off", "web fetch"),
            ]
        return []

    def suggest(self, text: str) -> list[tuple[str, str, str]]:
        """(completion, label, what it is) for the text typed so far."""
        if not text.startswith("/") or "\n" in text:
            return []
        head, space, partial = text[1:].partition(" ")
        if not space:
            return [
                (f"/{name} ", f"/{name} {usage}", does)
                for name, (usage, does) in COMMANDS.items()
                if name.startswith(head.lower())
            ]
        if head.lower() not in COMMANDS:
            return []
        partial = partial.strip().lower()
        if head.lower() == "web":  # (by their start: "on" is not "fetch on")
            return [
                (f"/{head} {value}", value, does)
                for value, does in self.choices("web")
                if value.startswith(partial)
            ]
        return [
            (f"/{head} {value}", value, does)
            for value, does in self.choices(head.lower())
            if _in_order(partial, value.lower()) or partial in does.lower()
        ]

    def typed(self) -> None:
        """Follow the input box: show what the text can become, or nothing."""
        text = self._followed = self.screen.prompt.text
        rows = [row for row in self.suggest(text) if row[0].strip() != text.strip()]
        self.completions = [completion for completion, _, _ in rows]
        if not rows:
            self.box.hide()
            return
        partial = text[1:].partition(" ")[2] if " " in text else text[1:]
        self.box.show([(label, does) for _, label, does in rows], highlight=bool(partial.strip()))

    def key(self, key: str) -> bool:
        """A key the input box hands over while the list may be shown; True if taken."""
        if key not in COMPLETION_KEYS or not self.screen.prompt.text.startswith("/"):
            return False
        if self.screen.prompt.text != self._followed:
            self.typed()  # (what was typed just before the key was not followed yet)
        box = self.box
        if not self.completions:
            return False
        if key == "escape":
            box.hide()
        elif key in ("up", "down"):
            box.step(1 if key == "down" else -1)
        elif box.highlighted is None:
            return key == "tab" and self.complete(0)
        else:
            return self.complete(box.highlighted) or key == "tab"
        return True

    def complete(self, row: int) -> bool:
        """Put row's completion in the box; False if that changes nothing."""
        completion = self.completions[row]
        prompt = self.screen.prompt
        if completion == prompt.text:
            return False
        prompt.set_draft(completion)
        return True

    # -- running ---------------------------------------------------------------------

    async def accept(self, submitted: Submitted) -> None:
        """A submitted text: a command runs here, a message goes on to be sent."""
        screen = self.screen
        command = parse(submitted.text)
        owner = submitted.owner
        if command is None or (owner is not None and owner != screen.conversation.id):
            await screen.replying.accept(submitted)
            return
        self.box.hide()
        if isinstance(command, str):
            self.refuse(submitted.text, command)
        elif not await self.run(command):
            screen.prompt.give_back(submitted.text)

    def refuses_now(self, text: str) -> bool:
        """Whether the message ``text`` cannot be sent now (and said why), asked as Enter
        is pressed. A command is never refused here: it runs, or says why not."""
        return parse(text) is None and self.screen.replying.refuse()

    def refuse(self, text: str, why: str) -> None:
        self.screen.prompt.give_back(text)
        self.screen.tell(why, severity="warning", timeout=15)

    async def run(self, command: Command) -> bool:
        """Run ``command``; False (and said why) when it cannot be done."""
        steering = self.screen.steering
        argument = command.argument
        if command.name == "model":
            if not argument:
                steering.open_picker()
                return True
            return await steering.use_model(argument)
        if command.name == "system":
            if not argument:
                steering.open_settings("system")
                return True
            said = f"System prompt: {len(argument):,} characters."
            return await self._set("system", argument, said)
        if command.name == "effort":
            return await self._effort(argument)
        if command.name == "web":
            return await self._web(argument)
        if command.name == "key":  # (a key typed after it is dropped: it was not masked)
            self.screen.post_message(Keying.Wanted())
            return True
        return await self._thinking(argument)

    async def _set(self, name: str, value: object, said: str, **more: object) -> bool:
        screen = self.screen
        try:
            settings = screen.conversation.settings.with_changes(**{name: value}, **more)
            settings.check()
        except SchemaError as error:
            screen.tell(f"{error}.", severity="warning", timeout=15)
            return False
        settings, notes = fit_to_model(settings, screen.steering.model(settings.model))
        if not await screen.steering.apply(settings):
            return False
        screen.tell(" ".join([said, *notes]), timeout=6)
        return True

    async def _effort(self, level: str) -> bool:
        screen = self.screen
        model = screen.steering.model(screen.conversation.model)
        levels = ", ".join([*model.effort_levels, DEFAULT])
        if not level:
            now = screen.conversation.effort or DEFAULT
            screen.tell(f"Effort: {now}. {model.display_name} takes {levels}.", timeout=10)
            return True
        if not model.effort_levels:
            screen.tell(f"{model.display_name} has no effort setting.", severity="warning")
            return False
        level = level.lower()
        if level not in (*model.effort_levels, DEFAULT):
            screen.tell(f"{model.display_name} takes effort {levels}.", severity="warning")
            return False
        value = None if level == DEFAULT else level
        return await self._set("effort", value, f"Effort: {level}.")

    async def _thinking(self, argument: str) -> bool:
        screen = self.screen
        conversation = screen.conversation
        model = screen.steering.model(conversation.model)
        choices = ", ".join(model.thinking_choices)
        words = argument.lower().split()
        if not words:
            now = thinking_words(conversation.thinking, conversation.thinking_budget)
            screen.tell(f"Thinking: {now}. {model.display_name} takes {choices}.", timeout=10)
            return True
        choice, budget = words[0], words[1:]
        if choice not in model.thinking_choices or len(budget) > (choice == "budget"):
            screen.tell(f"{model.display_name} takes thinking {choices}.", severity="warning")
            return False
        if choice != "budget":
            return await self._set("thinking", choice, f"Thinking: {thinking_words(choice)}.")
        tokens = budget[0].replace(",", "").replace("_", "") if budget else ""
        if budget and not tokens.isdigit():
            screen.tell(
                f"The thinking budget is a number of tokens, at least {MIN_THINKING_BUDGET:,}.",
                severity="warning",
            )
            return False
        count = int(tokens) if tokens else conversation.settings.budget
        if count >= conversation.max_tokens:
            screen.tell(
                f"The thinking budget must be below max_tokens ({conversation.max_tokens:,}).",
                severity="warning",
            )
            return False
        said = f"Thinking: {thinking_words(choice, count)}."
        return await self._set("thinking", choice, said, thinking_budget=count)

    async def _web(self, argument: str) -> bool:
        """``/web`` turns web search on or off, ``/web on|off`` says which; ``/web fetch``
        does the same for web fetch."""
        screen = self.screen
        words = argument.lower().split()
        tool = "web_search"
        if words[:1] == ["fetch"]:
            tool, words = "web_fetch", words[1:]
        if len(words) > 1 or words[:1] not in ([], ["on"], ["off"]):
            screen.tell("/web takes on, off, fetch on or fetch off.", severity="warning")
            return False
        settings = screen.conversation.settings
        wanted = not getattr(settings, tool) if not words else words[0] == "on"
        label, does = WEB_TOOL_WORDS[tool]
        model = screen.steering.model(settings.model)
        if wanted and not getattr(model, tool):
            screen.tell(f"{model.display_name} cannot {does}.", severity="warning")
            return False
        said = f"{label}: {'on' if wanted else 'off'}."
        return await self._set(tool, wanted, said)
