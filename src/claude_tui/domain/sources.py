"""What a reply found on the web and cites: its searches and fetches in words, the numbered
sources its text cites, and that text with the numbers (``[1]``) where it cites them.

Everything here reads the blocks as the API sent them (``server_tool_use``,
``web_search_tool_result``, ``web_fetch_tool_result``, text with ``citations``), so the app,
the command line and the export say it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from claude_tui.domain.blocks import ContentBlock, OtherBlock, TextBlock, block_runs
from claude_tui.domain.text import printable

WEB_TOOLS = {"web_search": ("Searching", "Searched"), "web_fetch": ("Fetching", "Fetched")}
"""The server tools drawn as web activity, and what is said while and after they run."""

RESULT_TYPES = ("web_search_tool_result", "web_fetch_tool_result")

_ERRORS = {
    "invalid_tool_input": "the request was malformed",
    "invalid_input": "the request was malformed",
    "unavailable": "the service was unavailable",
    "max_uses_exceeded": "the limit of uses was reached",
    "too_many_requests": "too many requests",
    "query_too_long": "the query was too long",
    "request_too_large": "the request was too large",
    "url_too_long": "the URL was too long",
    "url_not_allowed": "the URL is not allowed",
    "url_not_accessible": "the page could not be reached",
    "unsupported_content_type": "the page's type is not supported",
}


def host_of(url: str) -> str:
    """The host of a URL ("en.wikipedia.org"), or the URL itself when it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return host or url


def error_words(code: object) -> str:
    """An error code of a server tool, in words."""
    text = str(code or "unknown error")
    return printable(_ERRORS.get(text, text.replace("_", " ")))


# -- searches and fetches -------------------------------------------------------------


@dataclass(frozen=True)
class WebActivity:
    """One search or fetch of a reply: what it looked for and what came back."""

    name: str
    """``web_search`` or ``web_fetch``."""
    subject: str
    """The query, or the URL."""
    results: tuple[tuple[str, str], ...] | None = None
    """(title, host) of each result; None until the result arrives."""
    error: str | None = None
    """Why it failed, in words."""

    def heading(self, done: bool) -> str:
        """ "Searching: rust async", then "Searched: rust async · 5 results"."""
        doing, did = WEB_TOOLS.get(self.name, ("Using " + self.name, "Used " + self.name))
        verb = did if done or self.results is not None else doing
        said = f"{verb}: {self.subject}" if self.subject else verb
        if self.error is not None:
            return f"{said} · failed: {self.error}"
        if self.results and done and self.name == "web_fetch":
            return f"{said} · {self.results[0][0]}"
        if self.results is not None and done:
            count = len(self.results)
            return f"{said} · {count} result{'' if count == 1 else 's'}"
        return said


def _input_subject(data: dict[str, Any]) -> str:
    given = data.get("input")
    if not isinstance(given, dict):
        return ""
    for key in ("query", "url"):
        value = given.get(key)
        if isinstance(value, str):
            return printable(" ".join(value.split()))
    return ""


def _results(content: object) -> tuple[tuple[tuple[str, str], ...] | None, str | None]:
    """(results, error) of a result block's ``content``."""
    if isinstance(content, list):
        found = []
        for item in content:
            if isinstance(item, dict):
                url = str(item.get("url") or "")
                found.append((printable(str(item.get("title") or url)), printable(host_of(url))))
        return tuple(found), None
    if isinstance(content, dict):
        if "error_code" in content:
            return (), error_words(content.get("error_code"))
        url = str(content.get("url") or "")
        document = content.get("content")
        title = document.get("title") if isinstance(document, dict) else None
        return ((printable(str(title or url)), printable(host_of(url))),), None
    return (), error_words(None)


def result_of(block: OtherBlock) -> tuple[tuple[tuple[str, str], ...] | None, str | None]:
    """(results, error) of a ``web_search_tool_result`` or ``web_fetch_tool_result``."""
    return _results(block.data.get("content"))


def web_activity(content: Sequence[ContentBlock], position: int) -> WebActivity | None:
    """The search or fetch the ``server_tool_use`` block at ``position`` began, with its
    result when it has arrived; None for any other block."""
    block = content[position]
    if not (isinstance(block, OtherBlock) and block.type == "server_tool_use"):
        return None
    name = str(block.data.get("name") or "")
    if name not in WEB_TOOLS:
        return None
    activity = WebActivity(name, _input_subject(block.data))
    tool_id = block.data.get("id")
    for later in content[position + 1 :]:
        if (
            isinstance(later, OtherBlock)
            and later.type in RESULT_TYPES
            and later.data.get("tool_use_id") == tool_id
        ):
            results, error = result_of(later)
            return WebActivity(activity.name, activity.subject, results, error)
    return activity


def result_activity(content: Sequence[ContentBlock], position: int) -> WebActivity | None:
    """The search or fetch whose result is the block at ``position``, when the
    ``server_tool_use`` block that asked for it comes before it; else None."""
    block = content[position]
    if not (isinstance(block, OtherBlock) and block.type in RESULT_TYPES):
        return None
    tool_id = block.data.get("tool_use_id")
    for earlier in range(position - 1, -1, -1):
        asked = content[earlier]
        if isinstance(asked, OtherBlock) and asked.data.get("id") == tool_id:
            return web_activity(content, earlier)
    return None


# -- citations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A source the reply cites, numbered in the order first cited."""

    number: int
    title: str
    where: str
    """A URL, a page of a document ("p. 3"), or empty."""

    def line(self) -> str:
        """ "[1] Title — https://…" (printable)."""
        where = f" — {self.where}" if self.where else ""
        return printable(f"[{self.number}] {self.title}{where}")


def _pages(citation: dict[str, Any]) -> str:
    start, end = citation.get("start_page_number"), citation.get("end_page_number")
    if not isinstance(start, int):
        return ""
    last = end - 1 if isinstance(end, int) and end - 1 > start else start
    return f"p. {start}" if last == start else f"pp. {start}-{last}"


def _source_of(citation: dict[str, Any]) -> tuple[tuple[object, ...], str, str]:
    """(what makes it the same source, its title, where in it)."""
    kind = citation.get("type")
    if kind == "web_search_result_location" or "url" in citation:
        url = str(citation.get("url") or "")
        return ("url", url), str(citation.get("title") or host_of(url)), url
    if kind == "search_result_location":
        source = str(citation.get("source") or "")
        return ("search", source), str(citation.get("title") or source), source
    index = citation.get("document_index")
    number = index + 1 if isinstance(index, int) and not isinstance(index, bool) else "?"
    title = str(citation.get("document_title") or f"Document {number}")
    where = _pages(citation) if kind == "page_location" else ""
    return ("document", number, title, where), title, where


def cites(block: ContentBlock) -> bool:
    """Whether the block is text that cites a source."""
    return isinstance(block, TextBlock) and bool(block.citations)


@dataclass
class Citing:
    """The numbered sources of a reply, and the markers of each text block that cites."""

    sources: list[Source] = field(default_factory=list)
    markers: dict[int, str] = field(default_factory=dict)
    """By the position of a text block: "[1][3]"."""


def reply_sources(content: Sequence[ContentBlock], complete: int | None = None) -> Citing:
    """The sources the text blocks cite, numbered as first cited; ``complete``: only the
    blocks before this position count (a block still streaming gets its marker when done)."""
    citing = Citing()
    numbers: dict[tuple[object, ...], int] = {}
    end = len(content) if complete is None else complete
    for position, block in enumerate(content[:end]):
        if not isinstance(block, TextBlock) or not block.citations:
            continue
        cited: list[int] = []
        for citation in block.citations:
            key, title, where = _source_of(citation)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citing.sources.append(Source(numbers[key], printable(title), printable(where)))
            if numbers[key] not in cited:
                cited.append(numbers[key])
        citing.markers[position] = "".join(f"[{number}]" for number in cited)
    return citing


def cited_text(content: Sequence[ContentBlock], positions: range, citing: Citing) -> str:
    """The text of the text blocks at ``positions``, each followed by its markers. Blocks
    are apart by a blank line, but not beside a block that cites: the API splits a sentence
    into blocks where a citation begins and ends. A last block with no text yet adds
    nothing (its citations, sent before its text, decide how it joins)."""
    parts: list[str] = []
    cites_before = False
    for position in positions:
        block = content[position]
        text = block.text if isinstance(block, TextBlock) else ""
        cited = cites(block)
        if not text and position == positions[-1] and position not in citing.markers:
            break
        if parts:
            parts.append("" if cited or cites_before else "\n\n")
        parts.append(text + citing.markers.get(position, ""))
        cites_before = cited
    return "".join(parts)


def sources_text(citing: Citing) -> str:
    """ "Sources:" and a line per source; empty when there is none."""
    if not citing.sources:
        return ""
    return "\n".join(["Sources:", *(source.line() for source in citing.sources)])


def cited_markdown(content: Sequence[ContentBlock]) -> str | None:
    """A reply's text with its markers, and its sources listed under it (what a copy of
    it holds); None when it cites nothing."""
    citing = reply_sources(content)
    if not citing.sources:
        return None
    runs = [run for run in block_runs(content) if isinstance(content[run.start], TextBlock)]
    texts = [text for run in runs if (text := cited_text(content, run, citing)).strip()]
    return "\n\n".join([*texts, sources_text(citing)])
