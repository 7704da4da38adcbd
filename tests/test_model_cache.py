"""The model list kept on disk (store/model_cache.py), in the user's cache folder."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from claude_tui import paths
from claude_tui.domain.catalog import FALLBACK_MODELS, Catalog
from claude_tui.store.model_cache import FILE_NAME, ModelCache
from tests.conftest import FIXED_NOW

FETCHED = Catalog(FALLBACK_MODELS[:3], FIXED_NOW, "api")


def test_the_cache_lives_in_the_users_cache_folder(tmp_path: Path) -> None:
    # The autouse fixture points XDG_CACHE_HOME at tmp_path / "xdg-cache".
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "claude-tui"
    assert FILE_NAME == "models.json"


def test_a_saved_catalog_comes_back_from_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "claude-tui" / "models.json"
    ModelCache(path).save(FETCHED)
    loaded = ModelCache(path).load()
    assert loaded == Catalog(FETCHED.models, FIXED_NOW, "cache")
    on_disk = json.loads(path.read_text())
    assert on_disk["fetched_at"] == "2026-11-25T12:00:00.000+00:00"
    assert [model["id"] for model in on_disk["models"]] == [
        "claude-fable-5-1",
        "claude-opus-5-5",
        "claude-sonnet-5-5",
    ]
    assert on_disk["models"][2]["thinking_types"] == ["adaptive", "between_tools"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["models.json"]  # no temporary file left


def test_saving_again_replaces_the_file(tmp_path: Path) -> None:
    cache = ModelCache(tmp_path / FILE_NAME)
    cache.save(FETCHED)
    cache.save(Catalog(FALLBACK_MODELS[-1:], FIXED_NOW, "api"))
    loaded = cache.load()
    assert loaded is not None and loaded.ids() == ("claude-haiku-4-5",)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not text",
        b"{not json",
        b"[]",
        b'{"fetched_at": "2026-11-25T12:00:00Z"}',
        b'{"fetched_at": "2026-11-25T12:00:00Z", "models": []}',
        b'{"fetched_at": "yesterday", "models": [{"id": "claude-x"}]}',
        b'{"models": [{"id": "claude-x"}]}',
        b'{"fetched_at": "2026-11-25T12:00:00Z", "models": [{"id": "claude-x"}]}',
        b"[" * 100_000,
    ],
)
def test_a_damaged_cache_file_is_no_cache(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    assert ModelCache(path).load() is None


def test_a_missing_or_unreadable_cache_is_no_cache(tmp_path: Path) -> None:
    assert ModelCache(tmp_path / "nowhere" / FILE_NAME).load() is None
    (tmp_path / FILE_NAME).mkdir()
    assert ModelCache(tmp_path / FILE_NAME).load() is None


def test_only_a_fetched_catalog_is_saved_and_a_failed_save_says_so(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fetched"):
        ModelCache(tmp_path / FILE_NAME).save(Catalog.fallback())
    assert not (tmp_path / FILE_NAME).exists()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(OSError):
        ModelCache(tmp_path / "a-file" / FILE_NAME).save(FETCHED)
