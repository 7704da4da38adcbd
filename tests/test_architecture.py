"""The layers hold: the core imports neither Textual nor the SDK; widgets touch no
storage or network; only core/claude.py names the SDK; --help stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import claude_tui

PACKAGE = Path(claude_tui.__file__).parent
CORE_MODULES = sorted(
    f"claude_tui.core.{path.stem}" for path in (PACKAGE / "core").glob("*.py")
    if path.stem != "__init__"
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _loaded_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_core_loads_without_textual_or_the_sdk() -> None:
    assert len(CORE_MODULES) >= 6
    loaded = _loaded_after("\n".join(f"import {name}" for name in CORE_MODULES))
    assert "textual" not in loaded
    assert "anthropic" not in loaded
    assert set(CORE_MODULES) <= loaded


def test_help_and_version_import_neither_textual_nor_the_sdk() -> None:
    for flag in ("--help", "--version"):
        loaded = _loaded_after(
            "from claude_tui.cli import main\n"
            f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass"
        )
        assert "anthropic" not in loaded, flag
        assert "textual" not in loaded, flag


def test_only_the_client_module_imports_the_sdk() -> None:
    for path in PACKAGE.rglob("*.py"):
        imports = _imports(path)
        names_sdk = any(name.split(".")[0] in ("anthropic", "httpx2") for name in imports)
        text = path.read_text()
        mentions_sdk = 'import_module("anthropic")' in text or 'import_module("httpx2")' in text
        if path.relative_to(PACKAGE).as_posix() != "core/claude.py":
            assert not names_sdk and not mentions_sdk, path


def test_widgets_import_only_models_and_text_helpers_from_the_core() -> None:
    allowed = {"claude_tui.core.models", "claude_tui.core.text"}
    for path in (PACKAGE / "widgets").glob("*.py"):
        ours = {name for name in _imports(path) if name.startswith("claude_tui")}
        assert ours <= allowed | {
            name for name in ours if name.startswith("claude_tui.widgets")
        }, path


def test_the_core_never_imports_the_ui_layers() -> None:
    for path in (PACKAGE / "core").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("textual", "claude_tui.widgets", "claude_tui.screens",
                                        "claude_tui.app")), (path, name)


def test_the_app_module_does_not_import_the_sdk() -> None:
    """The SDK's slow import happens in a thread after the first paint, not before."""
    loaded = _loaded_after("import claude_tui.app")
    assert "textual" in loaded
    assert "anthropic" not in loaded
