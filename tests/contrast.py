"""Contrast of the text on the screen, as WCAG 2 measures it (relative luminance)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

DIM_FACTOR = 0.5  # a dim colour: half way to the background (Textual's DimFilter)
BOXES = {code: " " for code in range(0x2500, 0x25A0)}  # box drawing and block elements


def luminance(color: RichColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def ratio(foreground: RichColor, background: RichColor) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Pair:
    text: str
    ratio: float
    foreground: str
    background: str
    row: int

    def __str__(self) -> str:
        colours = f"{self.foreground} on {self.background}"
        return f"{self.ratio:.2f}:1 {colours} row {self.row}: {self.text!r}"


def colours(style: Style) -> tuple[RichColor, RichColor] | None:
    """The colours a cell of ``style`` is drawn in (None: the terminal's own)."""
    foreground, background = style.color, style.bgcolor
    if foreground is None or background is None or foreground.is_default or background.is_default:
        return None
    if style.reverse:
        foreground, background = background, foreground
    if style.dim:
        red1, green1, blue1 = background.get_truecolor()
        red2, green2, blue2 = foreground.get_truecolor()
        foreground = RichColor.from_rgb(
            red1 + (red2 - red1) * DIM_FACTOR,
            green1 + (green2 - green1) * DIM_FACTOR,
            blue1 + (blue2 - blue1) * DIM_FACTOR,
        )
    return foreground, background


def text_pairs(
    strips: list[Strip], region: Region | None = None, leave_out: Iterable[Region] = ()
) -> list[Pair]:
    """Every run of text on the screen (not spaces, lines or blocks) with its contrast;
    with ``region``, of the runs that start in it only, and none that start in
    ``leave_out``."""
    left_out = list(leave_out)
    pairs = []
    for row, strip in enumerate(strips):
        x = 0
        for text, style, _ in strip:
            start, x = x, x + cell_len(text)
            if region is not None and not region.contains(start, row):
                continue
            if any(place.contains(start, row) for place in left_out):
                continue
            if style is None or not text.translate(BOXES).strip():
                continue
            drawn = colours(style)
            if drawn is None:
                continue
            foreground, background = drawn
            pairs.append(
                Pair(
                    text.strip(),
                    ratio(foreground, background),
                    foreground.get_truecolor().hex,
                    background.get_truecolor().hex,
                    row,
                )
            )
    return pairs
