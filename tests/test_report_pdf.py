"""The Word report printed to PDF by LibreOffice (headless): every page A4, the footer's page
fields counting right, pictures present, and no table or text beyond the margins.

Needs ``soffice`` (Debian package ``libreoffice-writer-nogui``; ``.ci/run`` installs it) and a
headless Chrome for the pictures; without them the test is skipped, saying so. Marked ``slow``
(about 20 s): ``make test`` runs it, ``pytest -m "not slow"`` leaves it out.
"""

import re
import shutil
import subprocess

import pdfplumber
import pytest
from health_eval.reports import write_reports

import health_eval
from health_eval.cli import demo_path

POINTS_PER_MM = 72 / 25.4
A4 = (595, 842)                        # [pt], rounded
LEFT, RIGHT = 28 * POINTS_PER_MM, 26 * POINTS_PER_MM
#: Word and LibreOffice draw a table's border one cell margin (0.19 cm) left of the text.
CELL_MARGIN = 0.19 * 10 * POINTS_PER_MM
TOLERANCE = 1.0                        # [pt]
#: Punctuation that Chinese typesetting lets hang into the right margin (Word and LibreOffice
#: both do by default): left out of the check.
HANGING = set("，。、；：！？）》」』”’")


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("no LibreOffice (apt-get install libreoffice-writer-nogui; .ci/run "
                    "installs it when it has root and network)")
    return found


@pytest.mark.slow
def test_word_report_prints_on_a4_within_the_margins(tmp_path):
    executable = soffice()
    result = health_eval.evaluate(demo_path())
    written = write_reports(result, tmp_path / "out", formats=("docx",))
    source = next(p for p in written if p.parent.name == "FHGD")
    profile = tmp_path / "lo-profile"
    run = subprocess.run([executable, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                         capture_output=True, text=True, timeout=300)
    pdf_path = tmp_path / "report.pdf"
    assert run.returncode == 0 and pdf_path.exists(), run.stderr[-2000:]

    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        n = len(pages)
        assert 15 <= n <= 80
        landscape = 0
        for number, page in enumerate(pages, start=1):
            size = (round(page.width), round(page.height))
            assert size in (A4, A4[::-1]), (number, size)
            landscape += size == A4[::-1]
            text = page.extract_text() or ""
            if number > 1:                                   # the cover has no page number
                assert f"第 {number} 页 共 {n} 页" in text, (number, text[-40:])
            right = page.width - RIGHT + TOLERANCE
            left = LEFT - CELL_MARGIN - TOLERANCE
            things = [c for c in page.chars if c["text"] not in HANGING]
            for thing in things + page.edges + page.images:
                assert left <= thing["x0"] and thing["x1"] <= right, (
                    f"page {number}: {thing.get('text', thing.get('object_type'))} from "
                    f"{thing['x0']:.1f} to {thing['x1']:.1f} pt, text area {left:.1f}–"
                    f"{right:.1f} pt")
        assert landscape >= 2
        assert sum(len(page.images) for page in pages) == 4     # the four charts of FHGD
        contents = pages[1].extract_text()
        assert contents.startswith("目 录") or contents.startswith("目　录")
        assert re.search(r"一、基本情况", contents) and "五、“一河（湖）一策”修编建议" in contents
