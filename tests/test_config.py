"""Settings (core/config.py): defaults, the TOML file, the environment, CLI overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_tui.core.config import ConfigError, Settings, load_settings

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
        config_path=config_path,
        environ={},
        model="claude-haiku-5-5",
        max_tokens=None,
        system=None,
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
        ('api_key = "sk-in-a-file"\n', "unknown setting 'api_key'"),
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
