"""The layers hold (see docs/ARCHITECTURE.md):

- ``domain`` imports nothing of ours but ``domain``, and no I/O, Textual or SDK;
- ``store`` imports no ``api`` and no UI;
- ``session`` and ``console`` import no Textual (and Rich only for a progress bar);
- widgets import ``domain`` only (and each other, and ``tui/patches.py``);
- only ``api`` imports ``anthropic``;
- ``--help`` stays light, and the app's first paint does not wait for the SDK.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import claude_tui

PACKAGE = Path(claude_tui.__file__).parent
UI = ("textual", "rich", "claude_tui.tui")


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _ours(path: Path) -> set[str]:
    return {name for name in _imports(path) if name.startswith("claude_tui")}


def _loaded_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_domain_imports_nothing_of_ours_but_itself() -> None:
    modules = _modules("domain")
    assert len(modules) >= 10
    for path in modules:
        assert _ours(path) <= {n for n in _ours(path) if n.startswith("claude_tui.domain")}, path
        for name in _imports(path):
            assert name.split(".")[0] not in (
                "os",
                "io",
                "pathlib",
                "asyncio",
                "textual",
                "anthropic",
                "httpx2",
            ), (path, name)


def test_the_store_imports_no_api_and_no_ui() -> None:
    for path in _modules("store"):
        for name in _ours(path) | _imports(path):
            assert not name.startswith(
                ("claude_tui.api", "claude_tui.session", "anthropic", *UI)
            ), (path, name)


def test_the_core_loads_without_textual_or_the_sdk() -> None:
    core = [_dotted(path) for folder in ("domain", "store", "api") for path in _modules(folder)]
    core += ["claude_tui.session", "claude_tui.config", "claude_tui.paths"]
    core += [_dotted(path) for path in _modules("console")]
    loaded = _loaded_after("\n".join(f"import {name}" for name in core))
    assert "textual" not in loaded
    assert "anthropic" not in loaded
    assert set(core) <= loaded


# The import's progress bar is Rich's, as its issue asks: that module alone may import it.
RICH_ALLOWED = PACKAGE / "console" / "progress.py"


def test_the_session_and_the_console_import_no_ui() -> None:
    for path in [PACKAGE / "session.py", *_modules("console")]:
        for name in _imports(path):
            if path == RICH_ALLOWED and name.startswith("rich."):
                continue
            assert not name.startswith(UI), (path, name)


def test_widgets_import_only_the_domain_and_each_other() -> None:
    widgets = _modules("tui/widgets")
    assert widgets
    for path in widgets:
        for name in _ours(path):
            assert name.startswith(
                ("claude_tui.domain", "claude_tui.tui.widgets", "claude_tui.tui.patches")
            ), (path, name)


def test_only_the_api_package_imports_the_sdk() -> None:
    for path in PACKAGE.rglob("*.py"):
        imports = _imports(path)
        names_sdk = any(name.split(".")[0] in ("anthropic", "httpx2") for name in imports)
        text = path.read_text()
        mentions_sdk = 'import_module("anthropic")' in text or 'import_module("httpx2")' in text
        if path.relative_to(PACKAGE).parts[0] != "api":
            assert not names_sdk and not mentions_sdk, path


def test_help_and_version_import_neither_textual_nor_the_sdk() -> None:
    for flag in ("--help", "--version"):
        loaded = _loaded_after(
            "from claude_tui.cli import main\n"
            f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass"
        )
        assert "anthropic" not in loaded, flag
        assert "textual" not in loaded, flag


def test_the_app_module_does_not_import_the_sdk() -> None:
    """The SDK's slow import happens in a thread after the first paint, not before."""
    loaded = _loaded_after("import claude_tui.tui.app")
    assert "textual" in loaded
    assert "anthropic" not in loaded


def test_no_module_is_over_400_lines() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path
