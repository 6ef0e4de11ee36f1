"""The report as a Word document (python-docx), from the same :class:`~.document.Report` as the
HTML: same headings, paragraphs and tables, the figures as pictures (:mod:`.charts_static`), in
the page layout of Chinese official reports (:mod:`.docx_layout`).

Chinese renders in Word and WPS because the fonts are set on the styles: the Latin font
(``w:ascii``/``w:hAnsi``) and the East Asian font (``w:eastAsia``: 宋体 for body text, 黑体 for
headings), with the theme-font attributes that would override them removed.
"""

from __future__ import annotations

import os
import re
from io import BytesIO
from xml.sax.saxutils import escape

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

from . import docx_layout as layout
from .charts_static import PictureMaker
from .document import (
    Bullets,
    Cell,
    Facts,
    Figure,
    Heading,
    Headline,
    Paragraph,
    Report,
    Section,
    Table,
    cell,
)
from .locale import Texts
from .render import css_colour

BODY_FONTS = ("Times New Roman", "宋体")
HEADING_FONTS = ("Arial", "黑体")
HEADING_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3")
BODY_SIZE = Pt(10.5)      # 五号
TABLE_SIZE = Pt(9)        # 小五
INK = RGBColor(0x1F, 0x29, 0x33)
WARNING = RGBColor(0xB0, 0x1E, 0x1E)
MUTED = RGBColor(0x5F, 0x6B, 0x7A)
HEADER_FILL = "F2F2F2"
#: Tables of this many columns or more go on a landscape page.
WIDE_COLUMNS = 7
#: Width of a chart's picture as a share of the text width (LibreOffice shifts an inline
#: picture right by a few points: a full-width one would cross the right margin).
PICTURE_SHARE = 0.9
#: Widths of the label and value columns of a facts table (shares of the text width).
FACT_SHARES = (0.32, 0.68)
#: Bounds of a column's width when it follows its longest text [half-width characters].
MIN_CHARS, MAX_CHARS = 8, 30
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_style_fonts(style, latin: str, east_asian: str) -> None:
    """Give ``style`` the Latin (ascii/hAnsi) and East Asian fonts, dropping theme fonts."""
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute, font in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin),
                            ("w:eastAsia", east_asian)):
        fonts.set(qn(attribute), font)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")


def _styles(document) -> None:
    normal = document.styles["Normal"]
    set_style_fonts(normal, *BODY_FONTS)
    normal.font.size = BODY_SIZE
    for name in HEADING_STYLES:
        style = document.styles[name]
        set_style_fonts(style, *HEADING_FONTS)
        style.font.color.rgb = INK
    document.styles["Table Grid"].font.size = TABLE_SIZE


def _hex(colour: str | None) -> str | None:
    """``#abc`` or ``#aabbcc`` as ``AABBCC``; None for anything else (colour names included)."""
    colour = css_colour(colour)
    if not colour:
        return None
    return (colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])).upper()


def _shading(hex_colour: str):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), hex_colour)
    return shading


#: Characters XML 1.0 cannot hold (a stray control character in a name must not break a file).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_xml(value, header: bool) -> str:
    """``<w:tc>`` of one cell: shading, alignment, bold, the text (escaped)."""
    value = cell(value)
    hex_colour = _hex(value.fill) or (HEADER_FILL if header else None)
    shading = (f'<w:shd w:val="clear" w:color="auto" w:fill="{hex_colour}"/>' if hex_colour
               else "")
    alignment = "center" if header else "right" if value.numeric else ""
    align = f'<w:pPr><w:jc w:val="{alignment}"/></w:pPr>' if alignment else ""
    bold = "<w:rPr><w:b/></w:rPr>" if header or value.bold or value.fill else ""
    text = escape(_CONTROL.sub("", value.text))
    return (f"<w:tc><w:tcPr>{shading}</w:tcPr><w:p>{align}<w:r>{bold}"
            f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')


def _table(document, columns, rows, width_emu: int, shares: tuple[float, ...] | None = None
           ) -> None:
    """A grid table across the text width ``width_emu``; ``columns`` None for one without a
    header row (label–value facts), whose column widths are then ``shares`` of the width.

    The header row repeats on every page (``w:tblHeader``) and no row splits across pages
    (``w:cantSplit``). The rows are written as one XML fragment: python-docx's cell-by-cell API
    takes seconds for the few thousand cells of a long report.
    """
    shares = shares or _shares(columns, rows)
    n = len(shares)
    grid = document.add_table(rows=0, cols=n)
    if "Table Grid" in document.styles:
        grid.style = "Table Grid"
    properties = grid._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblBorders"):
        old = properties.find(qn(tag))
        if old is not None:
            properties.remove(old)
    properties.append(parse_xml(f'<w:tblW {nsdecls("w")} w:type="pct" w:w="5000"/>'))
    properties.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>' + "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"))
    for column, share in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), shares):
        column.set(qn("w:w"), str(int(width_emu * share / 635)))  # EMU → twentieths of a point
    lines = []
    if columns is not None:
        lines.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
                     + "".join(_cell_xml(c, True) for c in columns) + "</w:tr>")
    lines += ['<w:tr><w:trPr><w:cantSplit/></w:trPr>'
              + "".join(_cell_xml(c, False) for c in row) + "</w:tr>" for row in rows]
    fragment = parse_xml(f'<w:tbl {nsdecls("w")}>{"".join(lines)}</w:tbl>')
    for row in list(fragment):
        grid._tbl.append(row)


def _text_width(text: str) -> int:
    """Display width of ``text`` in half-width characters (a Chinese character counts 2)."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _shares(columns, rows) -> tuple[float, ...]:
    """Column widths as shares of the table width, after the longest text of each column
    (between ``MIN_CHARS`` and ``MAX_CHARS`` half-width characters)."""
    widths = [max(_text_width(cell(c).text) for c in column)
              for column in zip(columns, *rows)]
    widths = [min(max(w, MIN_CHARS), MAX_CHARS) for w in widths]
    return tuple(w / sum(widths) for w in widths)


def _paragraph(document, block: Paragraph) -> None:
    run = document.add_paragraph().add_run(block.text)
    if block.kind == "warning":
        run.bold = True
        run.font.color.rgb = WARNING
    elif block.kind == "note":
        run.font.size = TABLE_SIZE
        run.font.color.rgb = MUTED


def _headline(document, block: Headline) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{block.label}  ")
    number = paragraph.add_run(block.rhi)
    number.bold, number.font.size = True, Pt(22)
    paragraph.add_run("  ")
    badge = paragraph.add_run(f" {block.health_class} ")
    badge.bold, badge.font.size = True, Pt(14)
    hex_colour = _hex(block.colour)
    if hex_colour:
        badge._r.get_or_add_rPr().append(_shading(hex_colour))


class _Writer:
    """Writes the sections of a report into ``document``: numbered headings, captions, tables
    (wide ones on landscape pages), pictures."""

    def __init__(self, document, report: Report, pictures: PictureMaker | None) -> None:
        self.document, self.report, self.pictures = document, report, pictures
        self.texts = Texts(report.lang)
        self.landscape = False
        self.number = 0
        self.counts = {"table": 0, "figure": 0}
        self.headings: list[tuple[int, str]] = []

    def heading(self, text: str, level: int) -> None:
        """A heading, remembered for the contents."""
        self.document.add_heading(text, level=level)
        self.headings.append((level, text))

    def orient(self, landscape: bool) -> None:
        """Continue on a landscape or portrait page (a new section when it changes)."""
        if landscape != self.landscape:
            layout.set_orientation(self.document, landscape)
            self.landscape = landscape

    def width(self) -> int:
        """Text width of the current page [EMU]."""
        return layout.text_width(self.document.sections[-1])

    def caption(self, kind: str, text: str) -> None:
        self.counts[kind] += 1
        layout.caption(self.document, self.texts, kind, self.number, self.counts[kind], text)

    def section(self, section: Section) -> None:
        """Heading 1 ``一、name`` and the blocks of ``section``."""
        self.number, self.counts = section.number, {"table": 0, "figure": 0}
        wide = [_is_wide(block) for block in section.blocks]
        wide = [w or (isinstance(b, Heading) and i + 1 < len(wide) and wide[i + 1])
                for i, (b, w) in enumerate(zip(section.blocks, wide))]
        self.orient(bool(wide) and wide[0])
        name = section.name or section.title
        self.heading(layout.heading_number(self.report.lang, 1, (section.number,)) + name
                     if section.number else name, 1)
        heading, subheading = name, 0
        for block, landscape in zip(section.blocks, wide):
            self.orient(landscape)
            if isinstance(block, Heading):
                subheading += 1
                heading = block.text
                self.heading(layout.heading_number(
                    self.report.lang, 2, (section.number, subheading)) + block.text, 2)
            elif isinstance(block, Table):
                self.caption("table", block.caption or heading)
                _table(self.document, block.columns, block.rows, self.width())
            elif isinstance(block, Figure):
                self.figure(block)
            else:
                self.block(block)

    def figure(self, block: Figure) -> None:
        """The chart as a picture across the text width, its caption below; the caption and a
        pointer to the HTML when no picture can be drawn."""
        picture = self.pictures.png(block.chart) if self.pictures is not None else None
        if picture is None:
            _paragraph(self.document, Paragraph(self.report.meta.get("figure_note", "").format(
                caption=block.caption), "note"))
            return
        self.document.add_picture(BytesIO(picture), width=int(self.width() * PICTURE_SHARE))
        paragraph = self.document.paragraphs[-1]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        self.caption("figure", block.caption)

    def block(self, block) -> None:
        """A paragraph, list, facts table or headline."""
        if isinstance(block, Paragraph):
            _paragraph(self.document, block)
        elif isinstance(block, Bullets):
            style = "List Bullet" if "List Bullet" in self.document.styles else None
            for item in block.items:
                self.document.add_paragraph(item, style=style)
        elif isinstance(block, Facts):
            _table(self.document, None, [(Cell(label, bold=True), value)
                                         for label, value in block.rows], self.width(), FACT_SHARES)
        elif isinstance(block, Headline):
            _headline(self.document, block)


def _is_wide(block) -> bool:
    return isinstance(block, Table) and len(block.columns) >= WIDE_COLUMNS


def _ensure_styles(document) -> None:
    """Paragraph styles the report uses that a bureau's template may lack, made from Normal."""
    for name in (*HEADING_STYLES, "Caption"):
        if name not in document.styles:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            if name.startswith("Heading"):
                style.font.bold = True


def build_docx(report: Report, pictures: PictureMaker | None = None,
               template: str | os.PathLike | None = None, front_matter: bool = True):
    """A python-docx ``Document`` of ``report`` in the layout of :mod:`.docx_layout`.

    Parameters
    ----------
    report : Report
    pictures : PictureMaker, optional
        Draws the charts as pictures; without it each figure is its caption and a note.
    template : path of a .docx, optional
        The bureau's Word file: its styles, page, margins, header and logo are kept (its body is
        not); without it, A4 with official margins and 宋体/黑体 on the styles.
    front_matter : bool
        The cover page and the table of contents (False: a short document such as the
        archive's one-page health sheet starts with its first section).
    """
    texts = Texts(report.lang)
    document = layout.new_document(template)
    if template is None:
        _styles(document)
    else:
        _ensure_styles(document)
    properties = document.core_properties
    properties.title, properties.author = report.title, "health_eval"
    properties.language = "zh-CN" if report.lang == "zh" else report.lang
    contents = None
    if front_matter:
        layout.cover(document, texts, report.title, report.subtitle)
        contents = layout.table_of_contents(document, texts)
    else:
        document.add_heading(report.title, level=0)
    layout.page_footer(document, texts)
    writer = _Writer(document, report, pictures)
    for section in report.sections:
        writer.section(section)
    writer.orient(False)
    if contents is not None:
        layout.fill_contents(document, contents, writer.headings)
    if report.footer:
        _paragraph(document, Paragraph(report.footer, "note"))
    return document


def write_docx(report: Report, path: str | os.PathLike, pictures: PictureMaker | None = None,
               template: str | os.PathLike | None = None, front_matter: bool = True) -> None:
    """Save ``report`` as a ``.docx`` file at ``path`` (see :func:`build_docx`)."""
    build_docx(report, pictures, template, front_matter).save(os.fspath(path))
