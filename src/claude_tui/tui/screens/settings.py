"""The settings panel of the open conversation: model, system prompt, reply length,
thinking, effort, sampling, stop sequences, web search and web fetch (offered where the
model has them).

It knows no file and no conversation: it is given the settings and the model list, and
answers with the settings read from its fields (:class:`SettingsAnswer`), or None when
cancelled. A field that cannot be read says why beside it, and nothing is answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.settings import THINKING_WORDS, ChatSettings
from claude_tui.domain.steering import (
    DEFAULT,
    FIELDS,
    cannot_turn_off_words,
    default_effort_words,
    fit_to_model,
    read_fields,
)
from claude_tui.domain.text import printable
from claude_tui.tui.screens.dialogs import Dialog, PlainInput

SAMPLING_NOTE = "Empty: not sent. A model that takes no sampling settings says so when asked."
WEB_TOOLS = {
    "web_search": ("Web search", "Claude may search the web and cite what it finds"),
    "web_fetch": ("Web fetch", "Claude may read a web page whose address it has"),
}
RESERVED_ROWS = 10  # of the screen, for the frame, the notes and the buttons


@dataclass(frozen=True)
class SettingsAnswer:
    settings: ChatSettings
    as_defaults: bool  # also the defaults of new conversations (the config file)


def _plain(text: str) -> Content:
    return Content(printable(text))


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class SettingsScreen(Dialog[SettingsAnswer]):
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="settings.save")]

    def __init__(self, settings: ChatSettings, catalog: Catalog, focus: str = "model") -> None:
        super().__init__("Conversation settings", "Ctrl+S saves · Escape cancels")
        self.settings = settings
        self.catalog = catalog
        self.focus_on = focus
        self.model = self._info(settings.model)
        self.chosen = settings.model  # the model the choices below are for

    def _info(self, model_id: str) -> ModelInfo:
        """The model of the list, or (not listed) one that takes everything: the API's
        refusal then says what it does not take."""
        return self.catalog.find(model_id) or ModelInfo(model_id, model_id)

    # -- drawing ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        settings = self.settings
        with self.frame() as frame:
            frame.add_class("settings-body")
            with VerticalScroll(id="settings-fields"):
                yield from self._row("model", "Model", self._model_select())
                yield Static(_plain("System prompt"), classes="field-label wide")
                yield TextArea(
                    settings.system or "",
                    id="settings-system",
                    classes="settings-text",
                    compact=True,
                    soft_wrap=True,
                    show_line_numbers=False,
                )
                yield self._error("system")
                yield from self._row(
                    "max_tokens",
                    "Max tokens",
                    PlainInput(str(settings.max_tokens), id="settings-max_tokens", compact=True),
                    Static(id="settings-max_tokens-hint", classes="field-hint"),
                )
                yield from self._row(
                    "thinking",
                    "Thinking",
                    Select[str](
                        self._thinking_options(),
                        id="settings-thinking",
                        compact=True,
                        prompt="model default",
                    ),
                    Static(_plain("budget"), classes="field-hint inline"),
                    PlainInput(
                        str(settings.thinking_budget or ""),
                        placeholder=f"{settings.budget:,}",
                        id="settings-thinking_budget",
                        compact=True,
                    ),
                )
                yield Static(id="settings-thinking-note", classes="field-note")
                yield self._error("thinking")
                yield self._error("thinking_budget")
                yield from self._row(
                    "effort",
                    "Effort",
                    Select[str](
                        self._effort_options(),
                        id="settings-effort",
                        compact=True,
                        allow_blank=False,
                    ),
                    Static(id="settings-effort-note", classes="field-hint"),
                )
                yield from self._row(
                    "temperature",
                    "Temperature",
                    PlainInput(
                        _number(settings.temperature),
                        placeholder="0 to 1",
                        id="settings-temperature",
                        compact=True,
                    ),
                    Static(_plain("top p"), classes="field-hint inline"),
                    PlainInput(
                        _number(settings.top_p),
                        placeholder="0 to 1",
                        id="settings-top_p",
                        compact=True,
                    ),
                )
                yield self._error("temperature")
                yield self._error("top_p")
                yield Static(_plain(SAMPLING_NOTE), classes="field-note")
                yield Static(_plain("Stop sequences (one a line)"), classes="field-label wide")
                yield TextArea(
                    "\n".join(settings.stop_sequences),
                    id="settings-stop_sequences",
                    classes="settings-text short",
                    compact=True,
                    show_line_numbers=False,
                )
                yield self._error("stop_sequences")
                for name, (label, note) in WEB_TOOLS.items():
                    spaced = " spaced" if name == "web_search" else ""
                    with Horizontal(classes=f"field{spaced}"):
                        yield Static(_plain(label), classes="field-label")
                        value = getattr(settings, name)
                        yield Checkbox(_plain(note), value, id=f"settings-{name}", compact=True)
            yield Static(id="settings-notes")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="settings-save", compact=True)
                yield Button("Save as defaults", id="settings-defaults", compact=True)
                yield Button("Cancel", id="settings-cancel", compact=True)

    def _row(self, name: str, label: str, *widgets: Widget) -> Iterable[Widget]:
        spaced = " spaced" if name in ("thinking", "effort", "temperature") else ""
        with_label = Horizontal(
            Static(_plain(label), classes="field-label"), *widgets, classes=f"field{spaced}"
        )
        yield with_label
        if name not in ("thinking", "temperature"):  # (their errors go below their notes)
            yield self._error(name)

    def _error(self, name: str) -> Static:
        return Static(id=f"settings-{name}-error", classes="field-error")

    def _model_select(self) -> Select[str]:
        """The models of the list; the conversation's keeps its own id (a dated one, or
        one the list lacks)."""
        current = self.settings.model
        listed = self.catalog.find(current)
        options = [
            (_plain(m.display_name), current if m is listed else m.id) for m in self.catalog.models
        ]
        if listed is None:
            options.insert(0, (_plain(f"{current} (not listed)"), current))
        return Select[str](
            options, value=current, allow_blank=False, id="settings-model", compact=True
        )

    def on_resize(self) -> None:
        """The fields scroll, so that the notes and the buttons below them stay in sight."""
        fields = self.query_one("#settings-fields")
        fields.styles.max_height = max(6, self.size.height - RESERVED_ROWS)

    def on_mount(self) -> None:
        self.on_resize()
        self._show_model(self.settings)
        target = {"system": "#settings-system", "max_tokens": "#settings-max_tokens"}.get(
            self.focus_on, "#settings-model"
        )
        self.query_one(target).focus()

    def _show_model(self, settings: ChatSettings) -> None:
        """The choices the model gives, and the settings' values among them."""
        model = self.model
        thinking = self.query_one("#settings-thinking", Select)
        effort = self.query_one("#settings-effort", Select)
        with self.prevent(Select.Changed):
            thinking.set_options(self._thinking_options())
            thinking.value = settings.thinking if settings.thinking else Select.NULL
            effort.set_options(self._effort_options())
            effort.value = settings.effort or DEFAULT
            effort.mutate_reactive(Select.value)  # type: ignore[misc]  # (a new label)
        effort.disabled = not model.effort_levels
        self._note("effort-note", "" if model.effort_levels else "this model has no effort setting")
        self._note("thinking-note", cannot_turn_off_words(model))
        most = f"at most {model.max_tokens:,}" if model.max_tokens else ""
        self._note("max_tokens-hint", most)
        for name in WEB_TOOLS:
            box = self.query_one(f"#settings-{name}", Checkbox)
            offered = getattr(model, name)
            with self.prevent(Checkbox.Changed):
                box.value = getattr(settings, name) and offered
            box.disabled = not offered
            note = WEB_TOOLS[name][1] if offered else f"{model.display_name} does not offer it"
            box.label = _plain(note)
        self._follow_thinking()

    def _thinking_options(self) -> list[tuple[Content, str]]:
        return [(_plain(THINKING_WORDS[c]), c) for c in self.model.thinking_choices]

    def _effort_options(self) -> list[tuple[Content, str]]:
        levels = [(_plain(level), level) for level in self.model.effort_levels]
        return [(_plain(default_effort_words(self.model)), DEFAULT), *levels]

    def _note(self, name: str, text: str) -> None:
        note = self.query_one(f"#settings-{name}", Static)
        note.update(_plain(text))
        note.display = bool(text)

    def _follow_thinking(self) -> None:
        chosen = self.query_one("#settings-thinking", Select).value
        self.query_one("#settings-thinking_budget").disabled = chosen != "budget"

    # -- reading the fields ------------------------------------------------------------

    def raw_fields(self) -> dict[str, str | None]:
        """What each field holds, as text (a choice left blank is None)."""
        raw: dict[str, str | None] = {}
        for name in FIELDS:
            widget = self.query_one(f"#settings-{name}")
            if isinstance(widget, Select):
                raw[name] = None if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, TextArea):
                raw[name] = widget.text
            elif isinstance(widget, Input):
                raw[name] = widget.value
        return raw

    def read(self) -> ChatSettings | None:
        """The settings the fields give; None, each problem shown by its field."""
        web = {name: self.query_one(f"#settings-{name}", Checkbox).value for name in WEB_TOOLS}
        base = self.settings.with_changes(**web)
        settings, problems = read_fields(self.raw_fields(), base, self.model)
        for name in FIELDS:
            self._note(f"{name}-error", problems.get(name, ""))
        if problems:
            first = next(name for name in FIELDS if name in problems)
            widget = self.query_one(f"#settings-{first}")
            if widget.focusable:
                widget.focus()
            self._note("notes", "Nothing is saved until every field can be read.")
        return settings

    # -- events ----------------------------------------------------------------------

    @on(Select.Changed, "#settings-model")
    def _model_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL or event.value == self.chosen:
            return
        self.chosen = str(event.value)
        self.model = self._info(self.chosen)
        raw = self.raw_fields()
        changes: dict[str, Any] = {
            **{name: self.query_one(f"#settings-{name}", Checkbox).value for name in WEB_TOOLS},
            "thinking": raw["thinking"],
            "effort": None if raw["effort"] in (None, DEFAULT) else raw["effort"],
        }
        max_tokens = (raw["max_tokens"] or "").strip()
        if max_tokens.isdigit() and int(max_tokens) > 0:
            changes["max_tokens"] = int(max_tokens)
        fitted, notes = fit_to_model(self.settings.with_changes(**changes), self.model)
        self._show_model(fitted)
        if "max_tokens" in changes and fitted.max_tokens != changes["max_tokens"]:
            self.query_one("#settings-max_tokens", Input).value = str(fitted.max_tokens)
        self._note("notes", " ".join(notes))

    @on(Select.Changed, "#settings-thinking")
    def _thinking_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._follow_thinking()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "settings-cancel":
            self.dismiss(None)
        else:
            self.action_save(as_defaults=event.button.id == "settings-defaults")

    def action_save(self, as_defaults: bool = False) -> None:
        settings = self.read()
        if settings is not None:
            self.dismiss(SettingsAnswer(settings, as_defaults))
