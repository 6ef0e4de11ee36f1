"""Page layout of the Word report, after the usage of Chinese official reports.

- A4 portrait, margins of official documents (GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm,
  right 26 mm), or the page of the bureau's own template (:func:`new_document`);
- a cover page without page number (title in 《》, district, evaluating unit, round, date);
- a table of contents as a ``TOC`` field that Word updates when the file opens
  (``w:updateFields``; LibreOffice updates it when converting);
- the footer ``第 X 页 共 Y 页`` with ``PAGE`` and ``NUMPAGES`` fields;
- landscape sections for wide tables (:func:`set_orientation`);
- heading numbers 一、 (一) 1. (:func:`heading_number`) and table and figure numbers
  表 3-1 / 图 3-2 per section (:func:`caption`).
"""

from __future__ import annotations

import datetime as dt
import os

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .locale import Texts

A4 = (Mm(210), Mm(297))
#: Margins of official documents [mm]: top, bottom, left, right.
MARGINS = (37, 35, 28, 26)
CHINESE_DIGITS = "零一二三四五六七八九"
TOC_LEVELS = "1-2"


def chinese_number(n: int) -> str:
    """``n`` (1–99) in Chinese numerals: 1 → 一, 10 → 十, 12 → 十二, 23 → 二十三."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[units]
    return (("" if tens == 1 else CHINESE_DIGITS[tens]) + "十"
            + (CHINESE_DIGITS[units] if units else ""))


def heading_number(lang: str, level: int, numbers: tuple[int, ...]) -> str:
    """The number before a heading: 一、 / （一） / 1. in Chinese; 1 / 1.1 / 1.1.1 otherwise.

    ``numbers`` are the positions of the heading and its parents (``(3, 2)``: second
    sub-heading of the third section).
    """
    if lang != "zh":
        return ".".join(str(n) for n in numbers) + " "
    n = numbers[-1]
    return (f"{chinese_number(n)}、" if level == 1 else f"（{chinese_number(n)}）" if level == 2
            else f"{n}. ")


def new_document(template: str | os.PathLike | None = None):
    """An empty document: python-docx's own on A4 with official margins, or ``template``
    emptied of its body (its styles, page size, margins, headers, footers and logo kept).

    Raises
    ------
    ValueError
        When ``template`` is not a Word ``.docx`` file.
    """
    if template is None:
        document = docx.Document()
        section = document.sections[0]
        section.page_width, section.page_height = A4
        section.orientation = WD_ORIENT.PORTRAIT
        top, bottom, left, right = MARGINS
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance, section.footer_distance = Mm(15), Mm(20)
        return document
    try:
        document = docx.Document(os.fspath(template))
    except Exception as exc:       # python-docx raises several kinds for a file that is no docx
        raise ValueError(f"Word 模板无法读取 / the Word template {template} cannot be read as a "
                         f".docx file: {exc}") from exc
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def text_width(section) -> int:
    """Width between the margins of ``section`` [EMU]."""
    return section.page_width - section.left_margin - section.right_margin


def set_orientation(document, landscape: bool):
    """Start a new section on a new page, landscape or portrait, with the same margins and
    footer; the cover's "no number on the first page" is not carried over."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    short, long_ = sorted((section.page_width, section.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    section.different_first_page_header_footer = False
    return section


def _field_char(paragraph, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(element)


def _instruction(paragraph, instruction: str) -> None:
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field ``instruction`` (PAGE, NUMPAGES…) in ``paragraph``, with the text shown
    until it is updated."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(placeholder)
    _field_char(paragraph, "end")


def page_footer(document, texts: Texts) -> None:
    """``第 X 页 共 Y 页`` centred in the footer of the first section (the others link to it),
    unless a template already gives the footer a page number; none on the cover page."""
    section = document.sections[0]
    footer = section.footer
    if "PAGE" in footer._element.xml:
        return
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(texts("word.page_before"))
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(texts("word.page_middle"))
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(texts("word.page_after"))
    section.different_first_page_header_footer = True


def cover(document, texts: Texts, title: str, subtitle: tuple[str, ...],
          today: dt.date | None = None) -> None:
    """The cover page: 《title》, the subtitle lines, then district, evaluating unit and round
    to fill in and the date of writing; a page break after it."""
    today = today or dt.date.today()
    for _ in range(6):
        document.add_paragraph()
    heading = document.add_paragraph(texts("word.cover_title", title=title), style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in subtitle:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(8):
        document.add_paragraph()
    blank = texts("word.cover_blank")
    date = texts("word.date", year=today.year, month=today.month)
    for key, value in (("district", blank), ("unit", blank), ("round", blank), ("date", date)):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(40)
        run = paragraph.add_run(texts(f"word.cover_{key}") + value)
        run.font.size = Pt(14)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def table_of_contents(document, texts: Texts):
    """``目录`` and a TOC field of the heading levels 1–2 (hyperlinked), then a page break;
    the document asks Word to update its fields when it opens. Returns the field's paragraphs
    (first, last) for :func:`fill_contents`."""
    title = document.add_paragraph(texts("word.toc"), style="TOC Heading"
                                   if "TOC Heading" in document.styles else "Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first, last = document.add_paragraph(), document.add_paragraph()
    _field_char(first, "begin")
    _instruction(first, f'TOC \\o "{TOC_LEVELS}" \\h \\z \\u')
    _field_char(first, "separate")
    last.add_run(texts("word.toc_placeholder"))
    _field_char(last, "end")
    last.add_run().add_break(WD_BREAK.PAGE)
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.append(update)
    update.set(qn("w:val"), "true")
    return first, last


def fill_contents(document, field, headings: list[tuple[int, str]]) -> None:
    """Put the headings (level, text) in the contents field as its shown result, so a reader
    that does not update fields (LibreOffice, WPS, a PDF converter) shows them too; Word
    replaces them with page numbers when it updates the field."""
    if not headings:
        return
    first, last = field
    for run in last.runs:
        if run._r.find(qn("w:fldChar")) is None and run._r.find(qn("w:br")) is None:
            run.text = ""
    anchor = first._p
    for level, text in headings:
        paragraph = document.add_paragraph(text)
        name = f"TOC {level}"
        if name in document.styles:
            paragraph.style = name
        paragraph.paragraph_format.left_indent = Mm(7 * (level - 1))
        anchor.addnext(paragraph._p)
        anchor = paragraph._p


def caption(document, texts: Texts, kind: str, section: int, n: int, text: str):
    """``表 3-1 text`` (above a table) or ``图 3-2 text`` (below a figure), centred, in the
    ``Caption`` style; in an unnumbered section (``section`` 0) ``表 1``."""
    label = texts(f"word.{kind}")
    number = f"{section}-{n}" if section else f"{n}"
    paragraph = document.add_paragraph(f"{label} {number} {text}".rstrip(),
                                       style="Caption" if "Caption" in document.styles
                                       else None)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = kind == "table"
    return paragraph
