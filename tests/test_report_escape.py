"""Names from the input are text in every report: autoescaped in HTML, literal in Word, inert in
the figures, and never a file path or a style."""

import docx
from health_eval.reports import write_reports
from health_eval.reports.text import visible_text

import health_eval
from health_eval.profiles.profile import load_profile

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'


def test_a_script_in_a_name_is_shown_as_text(tiny_frames, tiny_profile, tmp_path):
    tiny_frames["water_bodies"]["name"] = SCRIPT
    tiny_frames["water_bodies"]["water_body_id"] = "../R/<x>"
    for table in ("segments", "fish_species", "indicator_values"):
        tiny_frames[table]["water_body_id"] = "../R/<x>"
    tiny_frames["segments"].loc[0, "name"] = ATTRIBUTE
    profile = load_profile(tiny_profile)
    result = health_eval.evaluate(tiny_frames, profile)
    assert result.water_bodies.loc[0, "name"] == SCRIPT

    paths = write_reports(result, tmp_path, profiles=[profile])
    folders = {p.parent for p in paths} - {tmp_path, tmp_path / "assets"}
    assert len(folders) == 1 and next(iter(folders)).parent == tmp_path   # no ../ escape
    html = next(p for p in paths if p.name == "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == html.count("Plotly.newPlot")   # figures; plotly.js linked
    text = visible_text(html)
    assert f"{SCRIPT}健康评价报告" in text.splitlines()[0]
    assert ATTRIBUTE in text
    summary = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert SCRIPT not in summary and "&lt;script&gt;" in summary

    document = docx.Document(str(next(p for p in paths if p.name == "report.docx")))
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text.startswith(f"《{SCRIPT}")


def test_a_colour_from_a_profile_cannot_inject_css(tiny_frames, tiny_profile, tmp_path):
    profile = load_profile(tiny_profile)
    classes = [c.model_copy(update={"colour": "red;background-image:url(http://x/y)"})
               for c in profile.classes]
    profile = profile.model_copy(update={"classes": classes})
    result = health_eval.evaluate(tiny_frames, profile)
    paths = write_reports(result, tmp_path, formats=("html",), profiles=[profile])
    html = paths[0].read_text(encoding="utf-8")
    assert "http://x/y" not in html and "x\\u002fy" not in html
