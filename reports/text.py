"""The visible text of a report page: what a reader sees, one line per block, whitespace
normalised (scripts, styles and figure JSON left out). Golden tests compare it; it is also a
plain-text preview of a report."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements that start a new line of text.
BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "tr", "div", "section", "header",
                    "footer", "nav", "figcaption", "caption", "table", "ul", "figure", "br",
                    "title"})
CELLS = frozenset({"td", "th"})
HIDDEN = frozenset({"script", "style", "head"})
SPACES = re.compile(r"\s+")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]
        self.hidden = 0
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.lines.append([])
        elif tag in CELLS:
            self.cell = []

    def handle_endtag(self, tag) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in CELLS and self.cell is not None:
            self.lines[-1].append(" ".join(self.cell))
            self.cell = None
        elif tag in BLOCKS:
            self.lines.append([])

    def handle_data(self, data) -> None:
        if self.hidden:
            return
        text = SPACES.sub(" ", data).strip()
        if text:
            (self.cell if self.cell is not None else self.lines[-1]).append(text)


def visible_text(html: str) -> str:
    """The text a reader sees in ``html``: one line per block element, table cells separated
    by `` | ``, runs of whitespace collapsed, empty lines dropped."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = [" | ".join(parts) for parts in parser.lines if parts]
    return "\n".join(SPACES.sub(" ", line).strip() for line in lines) + "\n"
