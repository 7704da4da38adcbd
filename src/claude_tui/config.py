"""Settings: defaults, then the TOML config file, then the environment, then CLI flags."""

from __future__ import annotations

import math
import os
import shlex
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from claude_tui import paths
from claude_tui.domain.pricing import PriceError, PriceTable
from claude_tui.domain.settings import ChatSettings, WebToolOptions
from claude_tui.domain.steering import FIELDS, WEB_TOOL_WORDS
from claude_tui.domain.values import SchemaError

DEFAULT_MODEL = "claude-sonnet-5-5"
DEFAULT_MAX_TOKENS = 8192
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_THINKING = "adaptive"
DEFAULT_READING_WIDTH = 100  # columns of a message's text on a wide terminal
READING_WIDTH_RANGE = (20, 1000)  # besides 0: no limit


class ConfigError(ValueError):
    """A config file that cannot be used; the message says why, for a person."""


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    max_tokens: int = DEFAULT_MAX_TOKENS
    system: str | None = None
    data_dir: Path | None = None
    # From ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN, else the config file's `api_key`, or
    # pasted into the app; the client is given it explicitly. Never printed (see
    # __repr__); saved only when the user asks (save_api_key).
    api_key: str | None = None
    base_url: str | None = None
    request_timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    # How new conversations ask Claude to answer (each conversation keeps its own).
    thinking: str | None = DEFAULT_THINKING
    thinking_budget: int | None = None
    effort: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop_sequences: tuple[str, ...] = ()
    # A top-level cache_control on every request: a long conversation bills mostly as
    # cache reads.
    prompt_caching: bool = True
    # Price overrides per model id prefix: {"claude-x": {"input": 3.0, ...}} (USD per
    # million tokens), checked by the price table.
    prices: dict[str, Any] | None = None
    # Whether new conversations start with web search / web fetch on (where the model has
    # them); each conversation then keeps its own (the settings panel, /web).
    web_search: bool = False
    web_fetch: bool = False
    # The web tools of every conversation that turns them on: the domains they may reach
    # (empty: any), and how many uses a request may make (None: as the API decides).
    web_allowed_domains: tuple[str, ...] = ()
    web_max_uses: int | None = None
    # ``-p`` leaves no conversation behind (as ``--no-save``; ``--save`` overrides it).
    no_save: bool = False
    # The keymap: binding id (or its short name) → keys, from the file's [keys] table;
    # checked against the app's bindings when the app starts (tui/keymap.py).
    keys: dict[str, str] | None = None
    # The look: a Textual theme by name (None: Textual's default; the app checks the name
    # and writes the one chosen in the palette here), and the widest a message's text
    # runs, in columns, centred on a wider terminal (0: as wide as the terminal).
    theme: str | None = None
    reading_width: int = DEFAULT_READING_WIDTH
    # The config file read (``--config``, else the usual place): "Save as defaults" writes
    # there. Not a setting of the file itself.
    config_path: Path | None = None

    @property
    def has_credentials(self) -> bool:
        return bool(self.api_key)

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else paths.data_dir()

    def chat_defaults(self) -> ChatSettings:
        """The settings a new conversation starts with."""
        return ChatSettings.of(self)

    def web_tools(self) -> WebToolOptions:
        return WebToolOptions(self.web_allowed_domains, self.web_max_uses)

    def price_table(self) -> PriceTable:
        """The shipped prices with the config file's rows (checked when it was read)."""
        return PriceTable.default().with_overrides(self.prices)

    def __repr__(self) -> str:  # never print the key
        key = "set" if self.api_key else "unset"
        return f"Settings(model={self.model!r}, max_tokens={self.max_tokens}, api_key={key})"


_FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "api_key": str,
    "model": str,
    "max_tokens": int,
    "system": str,
    "data_dir": str,
    "request_timeout": (int, float),
    "max_retries": int,
    "thinking": str,
    "thinking_budget": int,
    "effort": str,
    "temperature": (int, float),
    "top_p": (int, float),
    "stop_sequences": list,
    "prompt_caching": bool,
    "prices": dict,
    "web_search": bool,
    "web_fetch": bool,
    "web_allowed_domains": list,
    "web_max_uses": int,
    "no_save": bool,
    "keys": dict,
    "theme": str,
    "reading_width": int,
}


def read_config_file(path: Path, *, required: bool = False) -> dict[str, Any]:
    """The recognised keys of a TOML config file; an absent file is empty unless required.

    A file that holds an ``api_key`` must be for its owner only (mode 0600): one that
    group or others may read or write is refused, whether or not the environment has a key.
    """
    try:
        with path.open("rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            raw = file.read()
    except FileNotFoundError as error:
        if required:
            raise ConfigError(f"{path} does not exist") from error
        return {}
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from error
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    values: dict[str, Any] = {}
    for key, value in data.items():
        expected = _FILE_KEYS.get(key)
        if expected is None:
            raise ConfigError(f"{path}: unknown setting {key!r}")
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            raise ConfigError(f"{path}: {key} has the wrong type")
        values[key] = value
    api_key = usable_key(values.pop("api_key", None), f"{path}: api_key")
    if api_key is not None:
        values["api_key"] = api_key
        if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
            fix = f"chmod 600 {shlex.quote(str(path))}"
            raise ConfigError(
                f"{path} holds an API key and other users can read or change it "
                f"(mode {stat.S_IMODE(mode):04o}); make it yours alone: {fix}"
            )
    _check_numbers(values, path)
    if "max_tokens" in values and values["max_tokens"] < 1:
        raise ConfigError(f"{path}: max_tokens must be at least 1")
    if "stop_sequences" in values:
        values["stop_sequences"] = tuple(values["stop_sequences"])
    if "web_allowed_domains" in values:
        values["web_allowed_domains"] = tuple(values["web_allowed_domains"])
    try:  # the conversation settings are checked as a conversation checks them
        Settings(**values).chat_defaults()
        Settings(**values).web_tools().check()
    except SchemaError as error:
        raise ConfigError(f"{path}: {error}") from error
    if "prices" in values:
        try:
            PriceTable.default().with_overrides(values["prices"])
        except PriceError as error:
            raise ConfigError(f"{path}: {error}") from error
    if "data_dir" in values:
        values["data_dir"] = Path(values["data_dir"]).expanduser()
    if "keys" in values:
        values["keys"] = _keymap(values["keys"], path)
    return values


def _keymap(table: dict[str, Any], path: Path) -> dict[str, str]:
    """The [keys] table as {name: keys}. A dotted name (``chat.new_conversation = …``)
    is a table of its own in TOML: it is read back as the one name. Whether the names and
    keys exist is the app's to check (it knows its bindings)."""
    keymap: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            for inner, keys in _keymap(value, path).items():
                keymap[f"{name}.{inner}"] = keys
        elif isinstance(value, str) and value.strip():
            keymap[name] = value
        else:
            raise ConfigError(
                f'{path}: keys.{name} must be a key in quotes, like "ctrl+t" (several: "ctrl+t,f9")'
            )
    return keymap


def usable_key(value: str | None, source: str) -> str | None:
    """An API key as it is sent: the white space around it dropped (a line break at the end
    of a key file, a pasted space: never part of a key), None when nothing is left.

    A key with a space, a line break or any other character no API key has inside it is
    refused, naming where it came from: sent as it is, it would fail far from here (a line
    break as "could not reach the API"), and the HTTP layer's error would hold the key.
    The key itself is never echoed.
    """
    key = (value or "").strip()
    if not key:
        return None
    if not (key.isascii() and key.isprintable()) or " " in key:
        raise ConfigError(f"{source} has a space, a line break or another character no API key has")
    return key


MAX_RETRIES_LIMIT = 100
TIMEOUT_LIMIT = 86_400.0  # seconds: a day


def _check_numbers(values: dict[str, Any], path: Path) -> None:
    """The numbers a request is made with: whole tries from 0, a finite wait above 0."""
    retries = values.get("max_retries")
    if retries is not None and not 0 <= retries <= MAX_RETRIES_LIMIT:
        raise ConfigError(
            f"{path}: max_retries must be a whole number from 0 to {MAX_RETRIES_LIMIT} "
            f"(it is {retries})"
        )
    width = values.get("reading_width")
    low, high = READING_WIDTH_RANGE
    if width is not None and width != 0 and not low <= width <= high:
        raise ConfigError(
            f"{path}: reading_width must be 0 (no limit) or a number of columns from {low} "
            f"to {high} (it is {width})"
        )
    if values.get("theme") is not None and not values["theme"].strip():
        raise ConfigError(f"{path}: theme must name a theme (it is empty)")
    timeout = values.get("request_timeout")
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= TIMEOUT_LIMIT):
        raise ConfigError(
            f"{path}: request_timeout must be a number of seconds above 0 and at most "
            f"{TIMEOUT_LIMIT:,.0f} (it is {timeout})"
        )


def load_settings(
    *, config_path: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Build the settings. ``overrides`` (from CLI flags) win when not None."""
    env = os.environ if environ is None else environ
    if config_path is not None:
        settings = Settings(**read_config_file(config_path, required=True))
    else:
        settings = Settings(**read_config_file(paths.config_file()))
    settings = replace(
        settings,
        config_path=config_path,
        api_key=environment_key(env) or settings.api_key,
        base_url=env.get("ANTHROPIC_BASE_URL", "").strip() or None,
    )
    chosen = {key: value for key, value in overrides.items() if value is not None}
    settings = replace(settings, **chosen)
    try:
        settings.chat_defaults()
    except SchemaError as error:
        raise ConfigError(str(error)) from error
    return settings


def environment_key(env: Mapping[str, str]) -> str | None:
    """The key of ANTHROPIC_API_KEY, else of ANTHROPIC_AUTH_TOKEN (one only of white space
    is no key)."""
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        key = usable_key(env.get(name), name)
        if key is not None:
            return key
    return None


def save_defaults(chat: ChatSettings, path: Path) -> None:
    """Write ``chat`` into the config file at ``path`` as the defaults of new conversations
    (see :func:`edit_config_file`; ConfigError says why it could not)."""
    values = chat.to_fields()

    def change(document: Any) -> None:
        import tomlkit

        for key in (*FIELDS, *WEB_TOOL_WORDS):  # the settings panel's fields
            value = values[key]
            if value is None or value == () or value is False:
                document.pop(key, None)
            elif key == "system" and "\n" in value:
                document[key] = tomlkit.string(value, multiline=True)
            else:
                document[key] = list(value) if key == "stop_sequences" else value

    edit_config_file(path, change)


def save_api_key(key: str, path: Path) -> None:
    """Write ``key`` as the config file's ``api_key`` (see :func:`edit_config_file`: the file
    is then for its owner alone, 0600). The key is never in what ConfigError says."""
    usable = usable_key(key, "the API key")

    def change(document: Any) -> None:
        document["api_key"] = usable

    edit_config_file(path, change)


def save_theme(name: str, path: Path) -> None:
    """Write ``theme = name`` into the config file at ``path`` (the palette's choice)."""
    edit_config_file(path, lambda document: document.__setitem__("theme", name))


def edit_config_file(path: Path, change: Callable[[Any], None]) -> None:
    """Let ``change`` edit the config file at ``path`` (a tomlkit document), and write it.

    Everything else in the file stays as it was: other keys, comments, the order, and the
    file's mode (a new file is made for its owner alone, 0600; a file with an ``api_key``
    never becomes readable by others). Written to a file beside it, read back as the app
    reads it, then moved over it: a failure leaves the old file whole. ConfigError says why.
    """
    import tomlkit  # (only here: nothing else of the app needs it)
    from tomlkit.exceptions import ParseError

    path = path.resolve() if path.is_symlink() else path
    try:
        text = path.read_text(encoding="utf-8")
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        text, mode = "# claude-tui settings (see claude-tui --help)\n", 0o600
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from error
    try:
        document = tomlkit.parse(text)
    except ParseError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    change(document)
    if "api_key" in document:
        mode &= 0o600
    _replace_file(path, tomlkit.dumps(document), mode)


def _replace_file(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), mode)  # (the umask may have taken bits away)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        read_config_file(temporary, required=True)  # the app could read it back
        os.replace(temporary, path)
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)
