"""One line at the bottom: model, tokens of the last turn and in total, streaming."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from claude_tui.domain.text import printable, tokens
from claude_tui.domain.usage import Usage


@dataclass(frozen=True)
class StatusInfo:
    model: str = ""
    last: Usage | None = None
    last_partial: bool = False  # the reply ended early: the output count is not final
    total: Usage | None = None
    streaming: bool = False
    streaming_elsewhere: bool = False
    notice: str = ""


def _usage_parts(
    label: str, usage: Usage, *, cache: bool, partial: bool = False
) -> list[str | tuple[str, str]]:
    output = "?" if partial else tokens(usage.output_tokens)
    parts: list[str | tuple[str, str]] = [
        (f"{label} ", "dim"),
        f"in {tokens(usage.input_tokens)} · out {output}",
    ]
    if cache and usage.cache_read_input_tokens:
        parts.append(f" · cache read {tokens(usage.cache_read_input_tokens)}")
    if cache and usage.cache_creation_input_tokens:
        parts.append(f" · cache write {tokens(usage.cache_creation_input_tokens)}")
    return parts


Part = str | tuple[str, str]


class StatusBar(Static):
    """Sections, most important first; on a narrow terminal the least important go."""

    info: reactive[StatusInfo] = reactive(StatusInfo, layout=False)

    def _sections(self) -> list[list[Part]]:
        info = self.info
        sections: list[list[Part]] = [[(printable(info.model) or "no model", "bold")]]
        if info.streaming:
            sections.append([("● streaming", "bold $accent")])
        elif info.streaming_elsewhere:
            sections.append([("● streaming in another conversation", "$accent")])
        if info.notice:
            sections.append([(printable(info.notice), "$warning")])
        if info.last is not None:
            sections.append(_usage_parts("last", info.last, cache=True, partial=info.last_partial))
        if info.total is not None and (info.total.input_tokens or info.total.output_tokens):
            sections.append(_usage_parts("total", info.total, cache=False))
        return sections

    def render(self) -> Content:
        sections = self._sections()
        width = self.content_region.width or 10_000
        while True:
            parts: list[Part] = []
            for section in sections:
                if parts:
                    parts.append(("  │  ", "dim"))
                parts.extend(section)
            content = Content.assemble(*parts)
            if content.cell_length <= width or len(sections) == 1:
                return content
            sections.pop()
