"""MarkdownText: a reply's Markdown as the user sees it, whether it arrived at once or in
pieces, at any width, and what selecting it copies."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.selection import Selection

from claude_tui.tui.patches import screen_strips
from claude_tui.tui.widgets.markdown_text import MarkdownText

REPLY = """\
# Counting lines

Use a **context manager**, so the file is *closed* even on errors; see `open()` and
[the docs](https://docs.python.org).

```python
def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)
```

- `Path.read_text()` is shorter
- pass `encoding=` explicitly
  - nested under it
- last

1. first
2. second

From zero:

0. zero
1. one

> Quoted advice.

| Method | Speed | Lines |
|---|:---:|---:|
| iterate | fine | 12 |
| read_text | quickest | 3 |

---

Plain List<String> and <div>, [bold]not markup[/bold].

A bare https://example.org/x and <https://example.org/y> are their own targets.
"""


class Host(App[None]):
    def __init__(self, *texts: str) -> None:
        super().__init__()
        self.texts = texts

    def compose(self) -> ComposeResult:
        for text in self.texts:
            yield MarkdownText(text)


def screen_lines(app: App[None]) -> list[str]:
    return [strip.text.rstrip() for strip in screen_strips(app.screen)]


async def test_every_kind_of_block_is_drawn_as_text_a_terminal_can_show() -> None:
    app = Host(REPLY)
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
    text = "\n".join(lines)
    assert lines[0] == "Counting lines"
    # A line break in a paragraph is a space; the paragraph wraps at the width.
    assert (
        "Use a context manager, so the file is closed even on errors; see open() and the" in lines
    )
    assert "docs (https://docs.python.org)." in lines  # a link says where it goes
    assert "A bare https://example.org/x and https://example.org/y are their own targets." in lines
    assert "  python" in lines
    assert "  def count_lines(path: Path) -> int:" in lines
    assert '      with path.open(encoding="utf-8") as handle:' in lines
    assert "          return sum(1 for _ in handle)" in lines
    assert "• Path.read_text() is shorter" in lines
    assert "  ◦ nested under it" in lines
    assert "1. first" in lines and "2. second" in lines
    assert "0. zero" in lines and "1. one" in lines  # a list may start at 0
    assert "▌ Quoted advice." in lines
    # Columns as wide as their widest cell, aligned as the ":" in the rule say.
    assert "Method    │  Speed   │ Lines" in lines
    assert "iterate   │   fine   │    12" in lines
    assert "read_text │ quickest │     3" in lines
    assert "─" * 80 in lines
    assert "Plain List<String> and <div>, [bold]not markup[/bold]." in lines
    for syntax in ("**", "```", "# ", "](", "|---"):
        assert syntax not in text


async def test_a_narrow_width_wraps_every_word_and_loses_none() -> None:
    app = Host(REPLY)
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        wide = screen_lines(app)
        await pilot.resize_terminal(24, 120)
        await pilot.pause()
        narrow = screen_lines(app)
    assert max(len(line) for line in narrow) <= 24
    assert len([line for line in narrow if line]) > len([line for line in wide if line])
    joined = " ".join(narrow)
    for word in ["context", "manager", "closed", "nested", "advice.", "not", "markup[/bold]."]:
        assert word in joined
    # Code lines too long for the width fold onto the next row, whole.
    assert 'withpath.open(encoding="utf-8")ashandle:' in "".join(joined.split())
    # A list item's lines hang under its text, not under the bullet.
    start = next(i for i, line in enumerate(narrow) if line.startswith("• pass"))
    assert narrow[start + 1].startswith("  ") and narrow[start + 1].strip()


async def test_text_arriving_in_pieces_is_drawn_as_if_it_came_at_once() -> None:
    """The widget re-parses only its last block as text arrives: whatever the pieces,
    the rows (text and styles) are those of the whole text drawn at once."""
    tricky = REPLY + (
        "\nA paragraph that becomes a heading\n===\n\nA list\n\n- one\n\n- two, loose now\n"
        "```\nunclosed fence\n\n# not a heading\n```\nafter\n\n| a | b |\n|---|---|\n"
        "| 1 | 2 |\n\nSteps:\n\n8. Eight\n\n9. Nine\n\n10. Ten\n\n11. Eleven\n\n0. zero\n1. one\n"
        "\nSee [the docs][1].\n"
    )
    rng = random.Random(5)
    app = Host(tricky)
    async with app.run_test(size=(70, 200)) as pilot:
        whole = app.query_one(MarkdownText)
        expected = [[(seg.text, seg.style) for seg in row] for row in whole.rows_at(70)]
        for _ in range(40):
            cuts = sorted(rng.sample(range(1, len(tricky)), rng.randint(1, 30)))
            pieces = [tricky[a:b] for a, b in zip([0, *cuts], [*cuts, len(tricky)], strict=True)]
            growing = MarkdownText(pieces[0])
            await app.mount(growing)
            for piece in pieces[1:]:
                growing.rows_at(70)  # drawn between pieces, as while streaming
                growing.append(piece)
            rows = [[(seg.text, seg.style) for seg in row] for row in growing.rows_at(70)]
            assert growing.source == tricky
            assert rows == expected, cuts
            await growing.remove()
        await pilot.pause()


async def test_a_list_item_cut_before_its_dot_joins_the_list_above() -> None:
    """``10`` alone is a paragraph; with ``.`` it continues the list above it."""
    text = "Steps:\n\n8. Eight\n\n9. Nine\n\n10. Ten\n\n11. Eleven\n"
    app = Host(text)
    async with app.run_test(size=(40, 30)) as pilot:
        expected = [row.text for row in app.query_one(MarkdownText).rows_at(40)]
        assert " 8. Eight" in expected and "10. Ten" in expected
        for cut in range(1, len(text)):
            growing = MarkdownText(text[:cut])
            await app.mount(growing)
            growing.rows_at(40)
            growing.append(text[cut:])
            assert [row.text for row in growing.rows_at(40)] == expected, text[:cut]
            await growing.remove()
        await pilot.pause()


async def test_a_link_defined_at_the_end_is_a_link_above_and_no_block_is_lost() -> None:
    """A reference definition arriving last makes no block of its own: it must neither
    swallow the blocks before it nor leave the links above unresolved."""
    text = (
        "First paragraph of the reply.\n\nSecond, with a reference to [the docs][1].\n\n"
        "Third paragraph.\n\n[1]: https://example.com/docs\n"
    )
    app = Host(text)
    async with app.run_test(size=(70, 30)) as pilot:
        whole = app.query_one(MarkdownText)
        expected = [row.text for row in whole.rows_at(70)]
        assert "Second, with a reference to the docs (https://example.com/docs)." in expected
        for size in range(1, 25):
            growing = MarkdownText(text[:size])
            await app.mount(growing)
            for start in range(size, len(text), size):
                growing.rows_at(70)
                growing.append(text[start : start + size])
            assert [row.text for row in growing.rows_at(70)] == expected, size
            await growing.remove()
        await pilot.pause()


async def test_selecting_copies_the_text_as_shown() -> None:
    app = Host("Some **bold** words\n\n- an item\n- another\n")
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        view = app.query_one(MarkdownText)
        app.screen.selections = {view: Selection(Offset(5, 0), Offset(5, 3))}
        await pilot.pause()
        assert app.screen.get_selected_text() == "bold words\n\n• an item\n• ano"
        # Drawn in the selection's colours: from "bold" on, and on the last row up to "o".
        selected = app.screen.get_component_rich_style("screen--selection").bgcolor
        assert selected is not None
        first = [
            (seg.text, seg.style.bgcolor if seg.style else None) for seg in view.render_line(0)
        ]
        assert [text for text, bgcolor in first if bgcolor == selected] == ["bold", " words"]
        last = "".join(
            seg.text for seg in view.render_line(3) if seg.style and seg.style.bgcolor == selected
        )
        assert last == "• ano"
        # ...and readable: not the same colour as the background.
        assert all(seg.style.color != seg.style.bgcolor for seg in view.render_line(0) if seg.style)
        lines = screen_lines(app)
    assert lines[:4] == ["Some bold words", "", "• an item", "• another"]
