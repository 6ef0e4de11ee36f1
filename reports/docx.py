"""The report as a Word document (python-docx), from the same :class:`~.document.Report` as the
HTML: same headings, paragraphs and tables; figures are named with a pointer to the HTML.

Chinese renders in Word and WPS because the fonts are set on the styles: the Latin font
(``w:ascii``/``w:hAnsi``) and the East Asian font (``w:eastAsia``: 宋体 for body text, 黑体 for
headings), with the theme-font attributes that would override them removed.
"""

from __future__ import annotations

import os
import re
from io import BytesIO
from xml.sax.saxutils import escape

import docx
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

from .document import (
    Bullets,
    Cell,
    Facts,
    Figure,
    Heading,
    Headline,
    Paragraph,
    Report,
    Table,
    cell,
)
from .render import css_colour

BODY_FONTS = ("Times New Roman", "宋体")
HEADING_FONTS = ("Arial", "黑体")
HEADING_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3")
BODY_SIZE = Pt(10.5)      # 五号
TABLE_SIZE = Pt(9)        # 小五
INK = RGBColor(0x1F, 0x29, 0x33)
WARNING = RGBColor(0xB0, 0x1E, 0x1E)
MUTED = RGBColor(0x5F, 0x6B, 0x7A)
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
    hex_colour = _hex(value.fill)
    shading = (f'<w:shd w:val="clear" w:color="auto" w:fill="{hex_colour}"/>' if hex_colour
               else "")
    align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if value.numeric else ""
    bold = "<w:rPr><w:b/></w:rPr>" if header or value.bold or value.fill else ""
    text = escape(_CONTROL.sub("", value.text))
    return (f"<w:tc><w:tcPr>{shading}</w:tcPr><w:p>{align}<w:r>{bold}"
            f'<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')


def _table(document, columns, rows, width: int | None = None) -> None:
    """A grid table; ``columns`` None for one without a header row (label–value facts).

    The rows are written as one XML fragment: python-docx's cell-by-cell API takes seconds
    for the few thousand cells of a long report.
    """
    grid = document.add_table(rows=0, cols=width or len(columns))
    grid.style = "Table Grid"
    lines = []
    if columns is not None:
        lines.append('<w:tr><w:trPr><w:tblHeader/></w:trPr>'
                     + "".join(_cell_xml(c, True) for c in columns) + "</w:tr>")
    lines += ["<w:tr>" + "".join(_cell_xml(c, False) for c in row) + "</w:tr>" for row in rows]
    fragment = parse_xml(f'<w:tbl {nsdecls("w")}>{"".join(lines)}</w:tbl>')
    for row in list(fragment):
        grid._tbl.append(row)


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


def build_docx(report: Report):
    """A python-docx ``Document`` of ``report``."""
    document = docx.Document()
    _styles(document)
    properties = document.core_properties
    properties.title, properties.author = report.title, "health_eval"
    properties.language = "zh-CN" if report.lang == "zh" else report.lang
    document.add_heading(report.title, level=0)
    for line in report.subtitle:
        _paragraph(document, Paragraph(line, "note"))
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for block in section.blocks:
            if isinstance(block, Heading):
                document.add_heading(block.text, level=2)
            elif isinstance(block, Paragraph):
                _paragraph(document, block)
            elif isinstance(block, Bullets):
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Facts):
                _table(document, None, [(Cell(label, bold=True), value)
                                        for label, value in block.rows], width=2)
            elif isinstance(block, Table):
                _table(document, block.columns, block.rows)
            elif isinstance(block, Headline):
                _headline(document, block)
            elif isinstance(block, Figure):
                _paragraph(document, Paragraph(report.meta.get("figure_note", "").format(
                    caption=block.caption), "note"))
    if report.footer:
        _paragraph(document, Paragraph(report.footer, "note"))
    return document


def docx_bytes(report: Report) -> bytes:
    """The ``.docx`` file of ``report``."""
    buffer = BytesIO()
    build_docx(report).save(buffer)
    return buffer.getvalue()


def write_docx(report: Report, path: str | os.PathLike) -> None:
    """Save ``report`` as a ``.docx`` file at ``path``."""
    build_docx(report).save(os.fspath(path))
