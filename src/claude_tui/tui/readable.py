"""Text readable in every theme: at least 4.5:1 against what it is drawn on (WCAG AA).

Textual's themes derive their text colours from the theme's hues: in a light theme the
warning and accent colours (inline code, links, keys in the footer) came out at about
3:1, muted text at about 2.8:1. Here the theme's text variables are moved toward white (a
dark theme) or black (a light one) just as far as it takes for them to read on every
background the app draws them on. (Text is never drawn ``dim``: a terminal's faint text has
no contrast one could count on; the app's quieter text is ``$text-muted``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from textual.color import BLACK, WHITE, Color

MINIMUM = 4.5  # WCAG AA for text
AIM = 4.6  # a little over: colours are rounded to whole RGB values on their way
STEPS = 40  # how finely a colour is moved toward white or black

# The theme's text colours of one hue (their own variables), made readable.
TEXT_COLOURS = (
    "foreground",
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
# The footer's text, on the footer's own background (a colour in some themes).
FOOTER_COLOURS = ("footer-key-foreground", "footer-description-foreground", "footer-foreground")
# Buttons of a colour (app.tcss gives them $text-on-<variant>, and -hover).
BUTTONS = ("primary", "success", "warning", "error")
# Colours "auto N%" (the contrasting one of white and black at N% over the background):
# their N is raised until they read on every background.
AUTO_COLOURS = ("text", "block-cursor-foreground")
MUTED = 0.6  # muted text: this far from the background to the foreground, if it reads
ON_CURSOR = ("block-cursor-foreground",)  # (on the cursor's colour, the others on BACKGROUNDS)
# What text is drawn on: the theme's backgrounds, and the tints the stylesheet lays over
# them (a layer is "<variable> <percent>" over the background before it, app.tcss).
BACKGROUNDS = (
    ("background",),
    ("surface",),
    ("panel",),
    ("background", "boost"),
    ("surface", "boost"),
    ("panel", "boost"),
    ("panel", "panel-lighten-1"),
    ("background", "foreground 7%"),  # a code block (markdown_render.CODE_BLOCK)
    ("background", "primary 8%"),  # your message
    ("background", "primary 8%", "foreground 7%"),
    ("background", "warning-muted 30%"),  # inline code (markdown_render.CODE_INLINE)
    ("background", "primary 8%", "warning-muted 30%"),
    ("panel", "primary 15%"),  # the sidebar's highlighted row
    ("panel", "primary 30%"),  # ... while the sidebar has the focus
    ("background", "primary 20%"),  # a file's chip
    ("background", "warning-muted"),  # the editing banner
)


def luminance(color: Color) -> float:
    """Relative luminance (WCAG 2)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(first: Color, second: Color) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def extreme(background: Color) -> Color:
    """White or black, whichever reads better on ``background``."""
    return WHITE if contrast(WHITE, background) >= contrast(BLACK, background) else BLACK


@lru_cache(4096)
def readable(color: Color, backgrounds: tuple[Color, ...], aim: float = AIM) -> Color:
    """``color``, moved toward white or black (away from the backgrounds' lightness) only
    as far as it takes to read on each of ``backgrounds``."""
    toward = extreme(backgrounds[0])
    for step in range(STEPS + 1):
        candidate = color.blend(toward, step / STEPS)
        if all(contrast(candidate, background) >= aim for background in backgrounds):
            return candidate
    return toward


def readable_alpha(alpha: float, backgrounds: Iterable[Color], aim: float = AIM) -> float:
    """The least opacity, from ``alpha`` up, of "auto" text that reads on each background."""
    needed = alpha
    for background in backgrounds:
        while needed < 1 and contrast(auto(background, needed), background) < aim:
            needed = min(1.0, needed + 1 / STEPS)
    return needed


def auto(background: Color, alpha: float) -> Color:
    """What Textual draws for "auto <alpha>" on ``background``."""
    return background + background.get_contrast_text(alpha)


def _layered(variables: dict[str, str], layers: tuple[str, ...]) -> Color | None:
    """The colour of ``layers`` laid one over the other (None: the theme has no such)."""
    color: Color | None = None
    for layer in layers:
        name, _, percent = layer.partition(" ")
        value = variables.get(name)
        if value is None or value.startswith(("auto", "ansi")):
            return None
        top = Color.parse(value)
        if percent:
            top = top.multiply_alpha(float(percent.rstrip("%")) / 100)
        color = top if color is None else color + top
    return color


def readable_variables(variables: dict[str, str]) -> dict[str, str]:
    """The theme's text variables changed as little as it takes to read on its backgrounds
    (a theme of the terminal's own ANSI colours is left as it is: its colours are the
    terminal's to choose)."""

    def solid(*layers: tuple[str, ...]) -> tuple[Color, ...]:
        colors = (_layered(variables, layer) for layer in layers)
        return tuple(color for color in colors if color is not None and color.a == 1)

    # (Each theme has the button variables: the stylesheet uses them.)
    changed = {
        f"text-on-{variant}{suffix}": variables.get("button-color-foreground", "auto 87%")
        for variant in BUTTONS
        for suffix in ("", "-hover")
    }
    backgrounds = solid(*BACKGROUNDS)
    footer = solid(("footer-background",))
    if not backgrounds:
        return changed
    for names, grounds in ((TEXT_COLOURS, backgrounds), (FOOTER_COLOURS, footer)):
        for name in names:
            value = variables.get(name, "")
            if grounds and value.startswith(("#", "rgb")):
                color = Color.parse(value)
                fixed = readable(color, grounds)
                if fixed != color:
                    changed[name] = fixed.hex
                    # The theme's copies of it (button-foreground is its foreground...).
                    for copy, same in variables.items():
                        if same == value and copy.endswith("foreground") and copy not in changed:
                            changed[copy] = fixed.hex
    # The text of a coloured button: white or black, whichever reads on it.
    for variant in BUTTONS:
        for suffix, ground in (("", variant), ("-hover", f"{variant}-darken-2")):
            for color in solid((ground,)):
                changed[f"text-on-{variant}{suffix}"] = extreme(color).hex
    # Muted text: the foreground part way to the background, as far as it reads. (Not
    # "auto 60%" as in Textual: that reads only where its alpha is honoured, and text
    # styled in the code, "$text-muted" in a Content, drops it, to the full colour.)
    foreground = _layered({**variables, **changed}, ("foreground",))
    if foreground is not None and variables.get("text-muted", "").startswith("auto"):
        muted = backgrounds[0].blend(foreground, MUTED)
        changed["text-muted"] = readable(muted, backgrounds).hex
    # ("auto" is the contrasting colour of whatever it is on.)
    for name in AUTO_COLOURS:
        word, _, percent = variables.get(name, "").partition(" ")
        grounds = solid(("block-cursor-background",)) if name in ON_CURSOR else backgrounds
        if word == "auto" and percent.endswith("%") and grounds:
            alpha = readable_alpha(float(percent[:-1]) / 100, grounds)
            changed[name] = f"auto {round(alpha * 100)}%"
    return changed
