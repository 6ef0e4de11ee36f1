"""The report as data: sections of blocks whose text is already localised and formatted.

:mod:`.content` builds a :class:`Report`; :mod:`.render` turns it into HTML through the jinja2
templates and :mod:`.docx` into a Word document, so both say exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .figures import Chart


@dataclass(frozen=True)
class Cell:
    """A table cell: text, optionally a background colour (class colours), a link, bold."""

    text: str
    fill: str | None = None
    href: str | None = None
    bold: bool = False
    numeric: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``kind`` is ``text``, ``note`` (small print) or ``warning`` (prominent)."""

    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Bullets:
    """A list of short items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass(frozen=True)
class Facts:
    """Label–value pairs (basic facts, provenance)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; cells are :class:`Cell`."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Headline:
    """The conclusion in one line: RHI and health class with the class's colour."""

    label: str
    rhi: str
    health_class: str
    colour: str | None


@dataclass(frozen=True)
class Figure:
    """A figure: the chart (a plotly ``<div>`` in HTML, a picture in Word) and its caption."""

    figure_id: str
    chart: Chart
    caption: str

    @property
    def html(self) -> str:
        """The chart's ``<div>`` (plotly.js is on the page once, not in it)."""
        return self.chart.html


Block = Paragraph | Bullets | Heading | Facts | Table | Headline | Figure


@dataclass(frozen=True)
class Section:
    """A section of the report: ``title`` as shown (numbered), ``name`` without its number,
    ``number`` its position (1, 2, …; 0 before :func:`numbered`)."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    name: str = ""
    number: int = 0


@dataclass(frozen=True)
class Report:
    """A whole report: title, subtitle lines, sections, and the language it is written in."""

    title: str
    subtitle: tuple[str, ...]
    sections: tuple[Section, ...]
    lang: str
    footer: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def figures(self) -> list[Figure]:
        """Every figure of the report, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


def numbered(sections, label) -> tuple[Section, ...]:
    """``sections`` with their titles numbered 1, 2, … by ``label(n, title)``."""
    return tuple(Section(s.key, label(n, s.title), s.blocks, s.title, n)
                 for n, s in enumerate(sections, start=1))


def cell(value: str | Cell) -> Cell:
    """A :class:`Cell` from text (or the cell itself)."""
    return value if isinstance(value, Cell) else Cell(str(value))


def table(columns, rows, caption: str = "") -> Table:
    """A :class:`Table` from sequences of texts or cells."""
    return Table(tuple(columns), tuple(tuple(cell(c) for c in row) for row in rows), caption)
