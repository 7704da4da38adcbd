"""Settings (core/config.py): defaults, the TOML file, the environment, CLI overrides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_tui.config import ConfigError, Settings, load_settings

SECRET = "sk-ant-very-secret-key-123"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("")
    return path


def test_a_config_file_named_on_the_command_line_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=f"{missing} does not exist"):
        load_settings(config_path=missing, environ={})


def test_defaults_without_a_config_file() -> None:
    # The autouse fixture points XDG_CONFIG_HOME at an empty folder.
    settings = load_settings(environ={})
    assert settings.model == "claude-sonnet-5-5"
    assert settings.max_tokens == 8192
    assert settings.system is None
    assert settings.api_key is None
    assert settings.base_url is None
    assert not settings.has_credentials


def test_the_default_config_file_is_read_from_the_config_dir(tmp_path: Path) -> None:
    # The autouse fixture points XDG_CONFIG_HOME at tmp_path / "xdg-config".
    folder = tmp_path / "xdg-config" / "claude-tui"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('model = "claude-haiku-5-5"\n')
    assert load_settings(environ={}).model == "claude-haiku-5-5"


def test_the_file_sets_model_max_tokens_and_system(config_path: Path, tmp_path: Path) -> None:
    config_path.write_text(
        'model = "claude-opus-5-5"\n'
        "max_tokens = 2048\n"
        'system = """You are terse.\nAnswer in French."""\n'
        f'data_dir = "{tmp_path / "elsewhere"}"\n'
        "request_timeout = 12.5\n"
        "max_retries = 5\n"
    )
    settings = load_settings(config_path=config_path, environ={})
    assert settings.model == "claude-opus-5-5"
    assert settings.max_tokens == 2048
    assert settings.system == "You are terse.\nAnswer in French."
    assert settings.data_dir == tmp_path / "elsewhere"
    assert settings.resolved_data_dir() == tmp_path / "elsewhere"
    assert settings.request_timeout == 12.5
    assert settings.max_retries == 5


def test_overrides_win_over_the_file_and_none_is_ignored(config_path: Path) -> None:
    config_path.write_text('model = "claude-opus-5-5"\nmax_tokens = 2048\nsystem = "File."\n')
    settings = load_settings(
        config_path=config_path, environ={}, model="claude-haiku-5-5", max_tokens=None, system=None
    )
    assert settings.model == "claude-haiku-5-5"
    assert settings.max_tokens == 2048
    assert settings.system == "File."


def test_key_and_base_url_come_from_the_given_environment(config_path: Path) -> None:
    settings = load_settings(
        config_path=config_path,
        environ={"ANTHROPIC_API_KEY": SECRET, "ANTHROPIC_BASE_URL": "http://127.0.0.1:9"},
    )
    assert settings.api_key == SECRET
    assert settings.base_url == "http://127.0.0.1:9"
    assert settings.has_credentials


def test_the_given_environment_replaces_the_process_environment(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    assert load_settings(config_path=config_path, environ={}).api_key is None
    assert load_settings(config_path=config_path).api_key == SECRET


def test_an_empty_key_counts_as_none(config_path: Path) -> None:
    settings = load_settings(
        config_path=config_path, environ={"ANTHROPIC_API_KEY": "", "ANTHROPIC_BASE_URL": ""}
    )
    assert settings.api_key is None
    assert settings.base_url is None
    assert not settings.has_credentials


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('model = "unterminated\n', "not valid TOML"),
        ("model = = 3\n", "not valid TOML"),
        ('colour = "blue"\n', "unknown setting 'colour'"),
        ("api_key = 5\n", "api_key has the wrong type"),
        ('max_tokens = "many"\n', "max_tokens has the wrong type"),
        ("max_tokens = 1.5\n", "max_tokens has the wrong type"),
        ("max_tokens = true\n", "max_tokens has the wrong type"),
        ("model = 5\n", "model has the wrong type"),
        ("request_timeout = false\n", "request_timeout has the wrong type"),
        ("max_tokens = 0\n", "max_tokens must be at least 1"),
        ("max_tokens = -5\n", "max_tokens must be at least 1"),
    ],
)
def test_a_bad_config_file_raises_config_error_naming_the_file(
    config_path: Path, content: str, says: str
) -> None:
    config_path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config_path, environ={})
    assert str(config_path) in str(caught.value)
    assert says in str(caught.value)


def test_a_config_file_that_is_not_utf8_raises_config_error(config_path: Path) -> None:
    config_path.write_bytes(b'model = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_settings(config_path=config_path, environ={})
    assert str(config_path) in str(caught.value)


def test_repr_never_shows_the_key(config_path: Path) -> None:
    settings = load_settings(config_path=config_path, environ={"ANTHROPIC_API_KEY": SECRET})
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert SECRET not in f"{settings!r} {settings}"
    assert "api_key=set" in repr(settings)
    assert "api_key=unset" in repr(Settings())


# -- the API key in the config file -------------------------------------------------


def _key_file(path: Path, mode: int, key: str = SECRET) -> Path:
    path.write_text(f'api_key = "{key}"\nmodel = "claude-haiku-5-5"\n')
    path.chmod(mode)
    return path


def test_a_key_in_a_private_config_file_is_used(config_path: Path) -> None:
    settings = load_settings(config_path=_key_file(config_path, 0o600), environ={})
    assert settings.api_key == SECRET
    assert settings.has_credentials
    assert settings.model == "claude-haiku-5-5"


def test_a_key_in_the_default_config_file_is_used(tmp_path: Path) -> None:
    folder = tmp_path / "xdg-config" / "claude-tui"
    folder.mkdir(parents=True)
    _key_file(folder / "config.toml", 0o400)
    assert load_settings(environ={}).api_key == SECRET


@pytest.mark.parametrize("name", ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"])
def test_the_environment_wins_over_the_key_in_the_file(config_path: Path, name: str) -> None:
    _key_file(config_path, 0o600)
    settings = load_settings(config_path=config_path, environ={name: "sk-from-the-shell"})
    assert settings.api_key == "sk-from-the-shell"
    # An empty variable is no key: the file's key is used.
    assert load_settings(config_path=config_path, environ={name: ""}).api_key == SECRET


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o610])
def test_a_key_in_a_file_others_may_read_or_write_is_refused(config_path: Path, mode: int) -> None:
    _key_file(config_path, mode)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config_path, environ={})
    message = str(caught.value)
    assert message == (
        f"{config_path} holds an API key and other users can read or change it "
        f"(mode {mode:04o}); make it yours alone: chmod 600 {config_path}"
    )
    assert SECRET not in message


def test_the_refusal_stands_even_when_the_environment_has_a_key(config_path: Path) -> None:
    # The key in the file is exposed whether or not this run would use it.
    _key_file(config_path, 0o644)
    with pytest.raises(ConfigError, match="holds an API key"):
        load_settings(config_path=config_path, environ={"ANTHROPIC_API_KEY": "sk-shell"})


def test_the_fix_the_refusal_gives_works(config_path: Path) -> None:
    _key_file(config_path, 0o664)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_settings(config_path=config_path, environ={})
    config_path.chmod(0o600)
    assert load_settings(config_path=config_path, environ={}).api_key == SECRET


def test_the_fix_quotes_a_path_with_spaces(tmp_path: Path) -> None:
    path = _key_file(tmp_path / "my config.toml", 0o644)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=path, environ={})
    assert str(caught.value).endswith(f"chmod 600 '{path}'")


@pytest.mark.parametrize("mode", [0o644, 0o666])
def test_a_config_file_without_a_key_works_at_any_mode(config_path: Path, mode: int) -> None:
    config_path.write_text('model = "claude-opus-5-5"\n')
    config_path.chmod(mode)
    settings = load_settings(config_path=config_path, environ={})
    assert settings.model == "claude-opus-5-5"
    assert settings.api_key is None


@pytest.mark.parametrize(
    "key",
    [
        f"{SECRET}\\nmore",
        f"sk\\t{SECRET}",
        f"{SECRET}\\r\\nX-Header: 1",
        f"{SECRET}\\u00e9",
        "sk ant",
    ],
)
def test_a_key_no_header_could_carry_is_refused_without_showing_it(
    config_path: Path, key: str
) -> None:
    _key_file(config_path, 0o600, key)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path=config_path, environ={})
    assert str(caught.value) == (
        f"{config_path}: api_key has a space, a line break or another character no API key has"
    )


def test_an_empty_key_in_the_file_is_no_key_and_needs_no_chmod(config_path: Path) -> None:
    config_path.write_text('api_key = ""\n')
    config_path.chmod(0o644)
    settings = load_settings(config_path=config_path, environ={})
    assert settings.api_key is None
    assert not settings.has_credentials


def test_the_command_line_reports_the_refusal_in_one_line(tmp_path: Path) -> None:
    config = _key_file(tmp_path / "config.toml", 0o644)
    env = {name: value for name, value in os.environ.items() if not name.startswith("ANTHROPIC_")}
    result = subprocess.run(
        [sys.executable, "-m", "claude_tui", "--config", str(config), "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "XDG_DATA_HOME": str(tmp_path / "data")},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"claude-tui: {config} holds an API key and other users can read or change it "
        f"(mode 0644); make it yours alone: chmod 600 {config}\n"
    )
    assert not (tmp_path / "data").exists()  # refused before anything was touched
