"""The model list as the API last gave it, kept for a day in the cache folder.

The file (``models.json`` in ``paths.cache_dir()``) holds
``{"fetched_at": ISO time, "models": [ModelInfo.to_dict(), ...]}``. It can always be fetched
again, so a file that is missing, unreadable or damaged is simply no cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from claude_tui.domain.catalog import Catalog, ModelInfo
from claude_tui.domain.values import SchemaError, format_timestamp, parse_timestamp
from claude_tui.store.files import DIR_MODE, SMALL_LIMIT, read_json, utf8, write_atomic

FILE_NAME = "models.json"


class ModelCache:
    """The cached model list at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_folder(cls, folder: Path) -> ModelCache:
        """The cache file of its usual name in ``folder`` (the user's cache folder)."""
        return cls(folder / FILE_NAME)

    def load(self) -> Catalog | None:
        """The catalog saved last (source "cache"); None when there is none that can be read."""
        try:
            data = read_json(self.path, SMALL_LIMIT)
            if not isinstance(data, dict) or not isinstance(data.get("models"), list):
                return None
            models = tuple(ModelInfo.from_dict(entry) for entry in data["models"])
            fetched_at = parse_timestamp(data.get("fetched_at"))
        except (OSError, SchemaError):
            return None
        if not models:
            return None
        return Catalog(models, fetched_at, "cache")

    def save(self, catalog: Catalog) -> None:
        """Replace the file with this catalog, atomically; raises OSError if it cannot."""
        if catalog.fetched_at is None:
            raise ValueError("only a catalog fetched from the API is cached")
        document = {
            "fetched_at": format_timestamp(catalog.fetched_at),
            "models": [model.to_dict() for model in catalog.models],
        }
        self.path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        write_atomic(self.path, utf8(json.dumps(document, indent=1, ensure_ascii=False) + "\n"))
