"""What each patch of a private Textual API (claude_tui/tui/widgets/patches.py) relies on.

A failure here after a Textual upgrade names the patch to read again: what it uses has
changed, or Textual has fixed the problem it works around and the patch can go.
"""

from __future__ import annotations

import ast
import gc
import importlib
import inspect
import re
import weakref
from pathlib import Path
from typing import Any

import pytest
import textual
from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.color import Color
from textual.geometry import Offset
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Document, WrappedDocument

from claude_tui.tui import patches
from claude_tui.tui.widgets.prompt_input import PromptInput

WIDGETS = Path(patches.__file__).parent / "widgets"
SECRET = "sk-ant-a-local-value-never-printed"


class Host(App[None]):
    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self.widgets


def test_the_patches_were_read_against_this_textual() -> None:
    assert textual.__version__ == patches.CHECKED_WITH, (
        "A new Textual: read each patch in patches.py against it (see its docstring), "
        "then set CHECKED_WITH"
    )


# -- release_line_caches ----------------------------------------------------------------


async def test_drawing_a_widget_goes_through_the_styles_memo() -> None:
    patches.release_line_caches()
    app = Host(Static("drawn"))
    async with app.run_test(size=(30, 5)) as pilot:
        await pilot.pause()
        assert StylesCache.get_inner_outer.cache_info().currsize > 0


def test_the_styles_memo_keeps_drawn_lines_alive_until_released() -> None:
    lines = StylesCache()  # a widget's drawn lines
    lines.get_inner_outer(Color(0, 0, 0), Color(20, 20, 20))
    kept = weakref.ref(lines)
    del lines
    gc.collect()
    assert kept() is not None, (
        "Textual's memo no longer keeps drawn lines alive: release_line_caches may go"
    )
    patches.release_line_caches()
    gc.collect()
    assert kept() is None


# -- offset_style -----------------------------------------------------------------------


def test_a_cell_s_place_in_the_text_is_the_meta_textual_gives_it() -> None:
    strip = Strip([Segment("ab"), Segment("cd")]).apply_offsets(3, 7)
    assert [segment.style.meta if segment.style else None for segment in strip] == [
        patches.offset_style(3, 7).meta,
        patches.offset_style(5, 7).meta,
    ]


class Placed(Widget):
    """Draws one row whose cells say they show the text from column 10 on."""

    def render_line(self, y: int) -> Strip:
        style = patches.offset_style(10, 2) if y == 0 else None
        return Strip([Segment("hello", style)])


async def test_textual_finds_a_cell_s_place_in_the_text_from_that_style() -> None:
    app = Host(Placed())
    async with app.run_test(size=(20, 3)) as pilot:
        await pilot.pause()
        widget, offset = app.screen.get_widget_and_offset_at(3, 0)
    assert isinstance(widget, Placed)
    assert offset == Offset(13, 2)  # the mouse selects text from there


# -- count_rows_in_one_step -------------------------------------------------------------

TEXTS = [
    "",
    "one line",
    "a\nb\n\nc\n",
    "word " * 40,
    "\tindented\n" * 5,
    "漢字の行 " * 30,
    "x" * 95 + "\n" + "y" * 3,
]


def _textual_height(document: WrappedDocument) -> int:
    """The height as Textual's own WrappedDocument adds it up."""
    return int(vars(WrappedDocument)["height"].__get__(document))


@pytest.mark.parametrize("width", [0, 1, 7, 40])
def test_rows_counted_in_one_step_are_those_textual_adds_up(width: int) -> None:
    for text in TEXTS:
        document = Document(text)
        rows = patches.count_rows_in_one_step(WrappedDocument(document, width=width, tab_width=4))
        assert rows.height == _textual_height(rows), (text, width)
        # An edit is wrapped where it is made (wrap_range), as TextArea does.
        old_end = (0, min(3, len(document[0])))
        edit = document.replace_range((0, 0), old_end, "new\nlines ")
        rows.wrap_range((0, 0), old_end, edit.end_location)
        assert rows.height == _textual_height(rows), (text, width)


async def test_the_input_box_counts_the_rows_of_every_text_it_loads() -> None:
    app = Host(PromptInput())
    async with app.run_test(size=(30, 10)) as pilot:
        prompt = app.query_one(PromptInput)
        for text in ("", "a line long enough to wrap at thirty columns, twice over", "x\n" * 50):
            before = prompt.wrapped_document
            prompt.load_text(text)
            await pilot.pause()
            rows = prompt.wrapped_document
            # TextArea made a new wrapped document and handed it to the property.
            assert rows is not before
            assert type(rows) is not WrappedDocument
            assert rows.height == _textual_height(rows) == prompt.virtual_size.height


# -- rewrap_only_when_width_changes -----------------------------------------------------


class Box(TextArea):
    DEFAULT_CSS = "Box { height: 1fr; }"


@patches.rewrap_only_when_width_changes
class QuickBox(Box):
    pass


def _count_wraps(box: TextArea) -> list[int]:
    """The widths ``box``'s wrapped document is wrapped at from now on."""
    rows = box.wrapped_document
    wrap = rows.wrap
    widths: list[int] = []

    def counted(width: int, tab_width: int | None = None) -> None:
        widths.append(width)
        wrap(width, tab_width)

    rows.wrap = counted  # type: ignore[method-assign]
    return widths


@pytest.mark.parametrize("box_class", [Box, QuickBox])
async def test_a_new_width_wraps_the_text_again(box_class: type[TextArea]) -> None:
    text = "word " * 200
    app = Host(box_class(text, soft_wrap=True))
    async with app.run_test(size=(60, 20)) as pilot:
        box = app.query_one(box_class)
        await pilot.pause()
        wide = box.wrapped_document.height
        widths = _count_wraps(box)
        await pilot.resize_terminal(30, 20)
        await pilot.pause()
        assert widths and widths[-1] == box.wrap_width
        fresh = WrappedDocument(Document(text), width=box.wrap_width, tab_width=4)
        assert box.wrapped_document.height == fresh.height > wide
        assert box.virtual_size.height == fresh.height


@pytest.mark.parametrize(("box_class", "wraps"), [(Box, True), (QuickBox, False)])
async def test_a_new_height_wraps_again_only_without_the_patch(
    box_class: type[TextArea], wraps: bool
) -> None:
    app = Host(box_class("word " * 200, soft_wrap=True))
    async with app.run_test(size=(40, 20)) as pilot:
        box = app.query_one(box_class)
        await pilot.pause()
        height = box.wrapped_document.height
        widths = _count_wraps(box)
        box.insert("more words " * 10)
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert bool(widths) is wraps, (
            "Textual no longer wraps again on a new height: the patch may go"
            if wraps
            else "the patch wrapped again"
        )
        # Either way the box shows every row, the edit's included.
        assert box.wrapped_document.height == _textual_height(box.wrapped_document) > height
        assert box.virtual_size.height == box.wrapped_document.height


def test_a_wrapped_document_remembers_the_widths_it_was_wrapped_at() -> None:
    rows = WrappedDocument(Document("some text"), width=7, tab_width=3)
    rows.wrap(9, 5)
    assert (rows._width, rows._tab_width) == (9, 5)


# -- report_crash_without_locals --------------------------------------------------------


class Crashing(App[None]):
    def on_mount(self) -> None:
        self.call_later(self.crash)

    def crash(self) -> None:
        key = SECRET  # a local variable a report with locals would print
        raise RuntimeError(f"a bug near a value of {len(key)} characters")


@patches.report_crash_without_locals
class QuietCrashing(Crashing):
    pass


@pytest.mark.parametrize(("app_class", "shows_locals"), [(Crashing, True), (QuietCrashing, False)])
async def test_a_crash_report_shows_local_variables_only_without_the_patch(
    app_class: type[App[Any]], shows_locals: bool, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(RuntimeError):
        async with app_class().run_test() as pilot:
            await pilot.pause()
    printed = capfd.readouterr()
    report = printed.out + printed.err
    assert "RuntimeError: a bug near a value of" in report  # the report is printed
    assert (SECRET in report) is shows_locals, (
        "Textual's report no longer shows locals: the patch may go"
        if shows_locals
        else "the patched report shows a local variable"
    )


# -- keys -------------------------------------------------------------------------------


def test_a_character_is_the_key_name_a_keymap_matches() -> None:
    assert patches.key_of_character("?") == "question_mark"
    assert patches.key_of_character("[") == "left_square_bracket"
    assert patches.key_of_character("y") == "y"


def test_a_class_may_leave_out_the_bindings_it_inherits() -> None:
    class Fresh(Widget, inherit_bindings=False):
        pass

    assert patches.inherits_bindings(Widget)
    assert not patches.inherits_bindings(Fresh)


async def test_the_keymap_read_back_is_the_one_set() -> None:
    app = Host(Static("x"))
    async with app.run_test(size=(30, 5)):
        app.set_keymap({"chat.new_conversation": "ctrl+t,?"})
        assert patches.keymap_of(app) == {"chat.new_conversation": "ctrl+t,question_mark"}


# -- nothing else -----------------------------------------------------------------------


def _private_textual_names(cls: type) -> set[str]:
    """The private names of the Textual classes ``cls`` is made of, attributes set in
    their methods included."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.split(".")[0] == "textual":
            names.update(name for name in vars(base) if name.startswith("_"))
            names.update(re.findall(r"self\.(_\w+)", inspect.getsource(base)))
    return names


def _private(node: ast.AST) -> str:
    """The private name ``node`` uses or defines (``x._name``, ``def _name``), if any."""
    name = (
        node.attr
        if isinstance(node, ast.Attribute)
        else (node.name if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else "")
    )
    return name if name.startswith("_") and not name.startswith("__") else ""


def test_widgets_use_private_textual_apis_only_through_patches() -> None:
    """No widget module imports a private Textual module or uses a private name it does not
    define itself, and no widget defines a name that its Textual classes keep private (it
    would silently replace Textual's)."""
    trees = {
        path.stem: ast.parse(path.read_text())
        for path in sorted(WIDGETS.glob("*.py"))
        if path.name != "patches.py"
    }
    ours = {
        node.attr
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
    }
    ours |= {
        _private(node)
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    for stem, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                assert "._" not in f".{node.module}", (stem, node.module)
            assert _private(node) in ours | {""}, (stem, _private(node))
        module = importlib.import_module(f"claude_tui.tui.widgets.{stem}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                private = _private_textual_names(cls)
                for node in ast.walk(ast.parse(inspect.getsource(cls))):
                    assert _private(node) not in private, (stem, cls.__name__, _private(node))


async def test_the_screen_reads_as_its_compositor_draws_it() -> None:
    """``screen_strips`` reads a private compositor method: if Textual renames it, this
    fails (and with it every test that reads the screen)."""
    from textual.widgets import Static

    class Hello(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello, screen")

    app = Hello()
    async with app.run_test(size=(30, 3)):
        rows = patches.screen_strips(app.screen)
        assert len(rows) == 3
        assert rows[0].text.startswith("hello, screen")
