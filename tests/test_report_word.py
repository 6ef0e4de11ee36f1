"""The Word report in the layout of Chinese official reports, opened with python-docx: A4 with
official margins, cover, contents field, page-number fields, numbered headings and captions,
landscape pages for wide tables, repeated header rows, rows that do not split, a picture for
every chart, and the bureau's own template."""

import struct
import zlib
from io import BytesIO

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from health_eval.reports import write_reports
from health_eval.reports.charts_static import PictureMaker, PictureWarning
from health_eval.reports.content import build_report
from health_eval.reports.context import report_context
from health_eval.reports.docx import WIDE_COLUMNS, build_docx
from health_eval.reports.docx_layout import chinese_number, heading_number
from typer.testing import CliRunner

import health_eval
from health_eval.cli import app, demo_path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"


@pytest.fixture(scope="module")
def demo_result():
    return health_eval.evaluate(demo_path())


@pytest.fixture(scope="module")
def report(demo_result):
    return build_report(report_context(demo_result), "FHGD")


@pytest.fixture(scope="module")
def document(report):
    with PictureMaker() as pictures:
        if not pictures.available:
            pytest.skip(f"no picture of a chart can be drawn here: {pictures.reason}")
        buffer = BytesIO()
        build_docx(report, pictures).save(buffer)
    return docx.Document(buffer)


def body_sections(document):
    """Each body element with the index of the document section it belongs to (a section
    ends with the paragraph holding its ``w:sectPr``, the last one with the body's)."""
    placed, index = [], 0
    for element in document.element.body:
        if element.tag == qn("w:sectPr"):
            continue
        placed.append((element, index))
        if element.find(f"{W}pPr/{W}sectPr") is not None:
            index += 1
    return placed


def test_chinese_numbers_and_heading_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一", "九", "十", "十一", "二十", "二十三", "九十九"]
    assert heading_number("zh", 1, (3,)) == "三、"
    assert heading_number("zh", 2, (3, 12)) == "（十二）"
    assert heading_number("zh", 3, (3, 1, 4)) == "4. "
    assert heading_number("en", 2, (3, 2)) == "3.2 "


def test_a4_with_the_margins_of_official_documents(document):
    first = document.sections[0]
    assert (round(first.page_width / Mm(1)), round(first.page_height / Mm(1))) == (210, 297)
    assert first.orientation == WD_ORIENT.PORTRAIT
    margins = [round(m / Mm(1)) for m in (first.top_margin, first.bottom_margin,
                                          first.left_margin, first.right_margin)]
    assert margins == [37, 35, 28, 26]
    for section in document.sections:
        assert sorted(round(x / Mm(1)) for x in (section.page_width, section.page_height)) == [
            210, 297]
        assert (section.orientation == WD_ORIENT.LANDSCAPE) == (
            section.page_width > section.page_height)


def test_footer_counts_pages_with_page_and_numpages_fields(document):
    first = document.sections[0]
    assert first.different_first_page_header_footer        # no number on the cover
    footer = first.footer._element
    codes = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert codes == ["PAGE", "NUMPAGES"]
    text = "".join(t.text for t in footer.iter(f"{W}t"))
    assert text == "第 1 页 共 1 页"                         # field results until updated
    for section in document.sections[1:]:
        assert section.footer.is_linked_to_previous
        assert not section.different_first_page_header_footer


def test_cover_then_contents_field_updated_on_open(document, report):
    texts = [p.text for p in document.paragraphs]
    title = next(i for i, p in enumerate(document.paragraphs) if p.style.name == "Title")
    assert texts[title] == f"《{report.title}》"
    assert "所在行政区：________________" in texts and "评价单位：________________" in texts
    codes = [t.text.strip() for t in document.element.body.iter(f"{W}instrText")]
    assert codes == ['TOC \\o "1-2" \\h \\z \\u']
    assert document.settings.element.find(f"{W}updateFields").get(f"{W}val") == "true"
    toc = texts.index("目　录")
    first_heading = next(i for i, p in enumerate(document.paragraphs)
                         if p.style.name == "Heading 1")
    assert title < toc < first_heading
    shown = texts[toc + 1:first_heading]
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1",
                                                                        "Heading 2")]
    assert [t for t in shown if t] == headings              # the contents as first shown


def test_headings_tables_and_figures_are_numbered_per_section(document, report):
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["一、基本情况", "二、评价结论", "三、指标赋分"]
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level2[0] == "（一）各评价河段（湖区）"
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "表 2-1 评价结论" in captions
    assert "图 2-1 准则层得分雷达图（0–100）" in captions
    assert "表 2-2 各评价河段（湖区）" in captions
    assert captions.index("表 2-2 各评价河段（湖区）") < captions.index(
        "图 2-2 各河段（湖区）健康类别，宽度为其长度（面积）占比，颜色为类别颜色")
    tables = sum(1 for s in report.sections for b in s.blocks if type(b).__name__ == "Table")
    figures = len(report.figures)
    assert sum(c.startswith("表 ") for c in captions) == tables
    assert sum(c.startswith("图 ") for c in captions) == figures


def test_every_chart_section_has_its_pictures(document, report):
    pictures: dict[str, int] = {}
    current = None
    for element, _ in body_sections(document):
        style = element.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "Heading1":
            current = "".join(t.text for t in element.iter(f"{W}t"))
        pictures[current] = pictures.get(current, 0) + len(list(element.iter(BLIP)))
    expected = {f"{chinese_number(s.number)}、{s.name}": sum(
        type(b).__name__ == "Figure" for b in s.blocks) for s in report.sections}
    assert {k: v for k, v in pictures.items() if k in expected} == expected
    assert expected["二、评价结论"] == 2 and expected["三、指标赋分"] == 1
    for part in document.inline_shapes:
        assert part.width <= document.sections[0].page_width


def test_header_rows_repeat_rows_do_not_split_and_numbers_align_right(document):
    assert len(document.tables) > 10
    for table in document.tables:
        rows = table._tbl.findall(f"{W}tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        width = table._tbl.tblPr.find(f"{W}tblW")
        assert (width.get(f"{W}type"), width.get(f"{W}w")) == ("pct", "5000")
    headed = [t for t in document.tables if t._tbl.find(f"{W}tr/{W}trPr/{W}tblHeader")
              is not None]
    assert len(headed) == len(document.tables) - 2        # the two facts tables have none
    conclusion = next(t for t in document.tables if t.rows[0].cells[0].text == "准则层"
                      and len(t.columns) == 3)
    score = conclusion.rows[1].cells[2]
    assert score.text == "51.4" and score.paragraphs[0].alignment == 2      # right
    assert conclusion.rows[1].cells[0].paragraphs[0].alignment is None     # text: left


def test_wide_tables_are_on_landscape_pages_and_narrow_ones_on_portrait(document):
    landscape = {i for i, s in enumerate(document.sections)
                 if s.orientation == WD_ORIENT.LANDSCAPE}
    assert landscape
    placed = body_sections(document)
    for element, section in placed:
        if element.tag == qn("w:tbl"):
            columns = len(element.find(f"{W}tblGrid").findall(f"{W}gridCol"))
            assert (section in landscape) == (columns >= WIDE_COLUMNS), columns
    assert document.sections[-1].orientation == WD_ORIENT.PORTRAIT


def _png() -> bytes:
    """A 4 × 2 red PNG (a stand-in for a bureau's logo)."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_bureaus_template_gives_styles_margins_header_and_logo(demo_result, tmp_path):
    template = docx.Document()
    section = template.sections[0]
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(20)
    header = section.header.paragraphs[0]
    header.text = "某某县水利局"
    header.add_run().add_picture(BytesIO(_png()), width=Mm(12))
    normal = template.styles["Normal"]
    normal.font.name = "FangSong"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    template.add_paragraph("模板正文，不应出现在报告中")
    path = tmp_path / "bureau.docx"
    template.save(path)

    written = write_reports(demo_result, tmp_path / "out", formats=("docx",),
                            docx_template=path)
    document = docx.Document(str(next(p for p in written if p.parent.name == "FHGD")))
    first = document.sections[0]
    assert [round(m / Mm(1)) for m in (first.top_margin, first.bottom_margin,
                                       first.left_margin, first.right_margin)] == [25, 25, 20, 20]
    assert first.header.paragraphs[0].text == "某某县水利局"
    assert len(list(first.header._element.iter(BLIP))) == 1
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    texts = [p.text for p in document.paragraphs]
    assert "模板正文，不应出现在报告中" not in texts
    assert "一、基本情况" in texts
    assert "PAGE" in first.footer._element.xml
    summary = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert 'href="FHGD/report.docx"' in summary               # Word only: links the .docx
    assert (tmp_path / "out" / "assets" / "plotly.min.js").exists()


def test_cli_rejects_a_template_that_is_no_word_file(tmp_path):
    bad = tmp_path / "template.docx"
    bad.write_text("not a zip", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "out"),
                                      "--docx-template", str(bad)])
    assert result.exit_code == 2
    assert "--docx-template" in result.output
    assert not (tmp_path / "out").exists()


def test_without_a_browser_the_word_report_names_its_figures_and_warns(report, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chrome")
    with pytest.warns(PictureWarning, match="/nonexistent/chrome"), PictureMaker() as pictures:
        assert not pictures.available
        document = build_docx(report, pictures)
    assert not document.inline_shapes
    notes = [p.text for p in document.paragraphs if p.text.startswith("图：")]
    assert notes[0] == "图：准则层得分雷达图（0–100）（交互图见 HTML 版报告）"
    assert len(notes) == len(report.figures)
