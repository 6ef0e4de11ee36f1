"""Outputs keep data as data (issue 16): safe file names from any id, no formula or control
character in a workbook or CSV file, JSON for any float, YAML that cannot explode, a profile
for one kind that leaves the others their defaults, rounds compared by evaluation year."""

import csv
import json
import os
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import health_eval
from health_eval.cli import app, demo_path
from health_eval.engine.result import write_issues
from health_eval.io.safe_names import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    RESERVED,
    file_names,
    safe_file_name,
)
from health_eval.io.sheets import clean_text, csv_text, formula_like
from health_eval.io.yaml_text import MAX_YAML_BYTES
from health_eval.profiles.profile import ProfileError, load_profile

runner = CliRunner()

# --------------------------------------------------------------------------------------------
# File names from ids
# --------------------------------------------------------------------------------------------

HOSTILE = ["W" * 300, "a/b", "..", ".", "", "CON", "nul", "Com1", "LPT9", "x.", "x ", " x",
           "C:\\evil", "../../etc", "FH", "fh", "河湖/一", "a\x00b", "-rf", "抚河故道"]


def _is_safe(name: str) -> bool:
    return (0 < len(name) <= MAX_NAME_CHARS and len(name.encode()) <= MAX_NAME_BYTES
            and all(c.isalnum() or c in "_-" for c in name) and not name.startswith("-")
            and name.casefold() not in RESERVED)


@given(st.lists(st.text(max_size=400), max_size=12))
def test_any_ids_give_safe_bounded_unique_names(ids):
    names = file_names(ids)
    assert set(names) == {str(i) for i in ids}
    assert all(_is_safe(n) for n in names.values())
    folded = {unicodedata.normalize("NFKC", n).casefold() for n in names.values()}
    assert len(folded) == len(names)                       # unique, case ignored
    assert file_names(reversed(ids)) == names               # not the order's doing
    for text, name in names.items():                        # a safe id stays itself unless
        assert name == text or name.endswith(tuple("0123456789abcdef"))   # it has a twin
    with tempfile.TemporaryDirectory() as folder:           # and a real file system takes all
        for name in names.values():
            (Path(folder) / name / "report.html").parent.mkdir()
        assert len(os.listdir(folder)) == len(names)


def test_hostile_ids_become_usable_folders(tmp_path):
    names = file_names(HOSTILE)
    assert names["抚河故道"] == "抚河故道" and names["x."] != "x." and names["CON"] != "CON"
    assert names["FH"] != "FH" and names["fh"] != "fh"      # twins: both hashed
    assert safe_file_name("FH") == "FH"                     # alone, kept as written
    for name in names.values():
        (tmp_path / name).mkdir()                          # a real file system takes each
        assert (tmp_path / name).parent == tmp_path
    assert len(list(tmp_path.iterdir())) == len(HOSTILE)


# --------------------------------------------------------------------------------------------
# The writer path: workbooks and CSV
# --------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1",
            "\r=1", "#N/A"]


def test_formula_like_text_and_plain_numbers():
    assert all(formula_like(text) for text in FORMULAS)
    assert not any(formula_like(text) for text in ("-3.2", "+5", "1e308", "抚河", "a=b"))
    assert csv_text('=1+1') == "'=1+1" and csv_text("-3.2") == "-3.2" and csv_text(-3.2) == -3.2
    assert clean_text("清\x00河\x07\x1b[0m\x7f\x85") == "清␀河␇␛[0m␡\ufffd"
    assert csv_text(float("inf")) == "" and csv_text(np.float64("nan")) == ""


def _issues(values: list) -> pd.DataFrame:
    return pd.DataFrame({
        "table": "segments", "file": "评价河段.csv", "sheet": None, "row": range(2, 2 + len(values)),
        "column": "name", "value": values, "rule": "value.range",
        "severity": ["error", "warning"] * (len(values) // 2) + ["error"] * (len(values) % 2),
        "message_zh": "说明", "message_en": "message"}).astype({"row": "Int64"})


def test_issues_workbook_is_formatted_and_inert(tmp_path):
    values = FORMULAS + ["清\x00河\x07", "-3.2"]
    write_issues(_issues(values), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "issues.xlsx")["问题清单"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{len(values) + 1}"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A1"].value == "数据表 table"
    assert sheet.column_dimensions["I"].width >= 6
    cells = {cell.value: cell for cell in sheet["F"][1:]}
    for text in FORMULAS:
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert "清␀河␇" in cells and "-3.2" in cells
    assert sheet["D2"].value == 2 and sheet["D2"].data_type == "n"    # numbers stay numbers
    fills = [sheet[f"H{r}"].fill.fgColor.rgb for r in (2, 3)]
    assert [sheet[f"H{r}"].value for r in (2, 3)] == ["error", "warning"]
    assert fills == ["00FFC7CE", "00FFEB9C"]
    with open(tmp_path / "issues.csv", encoding="utf-8-sig", newline="") as handle:
        shown = [row[5] for row in csv.reader(handle)][1:]
    assert shown == ["'" + text for text in FORMULAS] + ["清␀河␇", "-3.2"]


def test_result_workbook_writes_names_as_text_and_json_any_float(tiny_frames, tiny_profile,
                                                                  tmp_path):
    tiny_frames["water_bodies"]["name"] = '=HYPERLINK("http://example.com","点此")'
    tiny_frames["segments"]["name"] = ["@SUM(1+1)", "\x1b[31m下段\x07"]
    result = health_eval.evaluate(tiny_frames, tiny_profile)
    result.indicators.loc[0, "value"] = float("inf")       # what an overflow would leave
    result.provenance["options"] = {"folder": tmp_path}    # an object JSON has no type for
    result.write(tmp_path)
    book = openpyxl.load_workbook(tmp_path / "result.xlsx")
    assert not [c for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    name = book["河湖"]["B2"]
    assert name.value.startswith("=HYPERLINK") and name.data_type == "s" and name.quotePrefix
    assert [c.value for c in book["河段"]["C"][1:]] == ["@SUM(1+1)", "␛[31m下段␇"]
    assert book["河湖"].freeze_panes == "A2" and book["河湖"]["A1"].font.b
    assert book["河湖"]["D2"].value == 2021                     # evaluation_year, a number
    data = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert data["indicators"][0]["value"] is None
    assert data["water_bodies"][0]["evaluation_year"] == 2021
    assert data["provenance"]["options"] == {"folder": str(tmp_path)}


# --------------------------------------------------------------------------------------------
# YAML that cannot explode
# --------------------------------------------------------------------------------------------

def _billion_laughs(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "extends: mwr2020-river\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "message"), [
    (_billion_laughs(), "alias bomb"),
    ("extends: mwr2020-river\nloop: &x [1, *x]\n", "refers to the node"),
    ("extends: mwr2020-river\nx: " + "[" * 100 + "]" * 100 + "\n", "nested deeper"),
    ("extends: mwr2020-river\nx: '" + "a" * MAX_YAML_BYTES + "'\n", "too large"),
])
def test_profile_yaml_that_would_explode_is_refused(tmp_path, text, message):
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(path)
    result = runner.invoke(app, ["run", str(demo_path()), "--out", str(tmp_path / "out"),
                                 "--profile", str(path)])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_a_few_aliases_are_fine(tmp_path):
    path = tmp_path / "shared.yaml"
    path.write_text("extends: mwr2020-river\nid: shared\nindicators:\n"
                    "  biota.fish_retention: {scoring: &steps {mode: step}}\n"
                    "  biota.waterbirds: {enabled: true}\n"
                    "  water.wq_grade: {scoring: *steps}\n", encoding="utf-8")
    profile = load_profile(path)
    assert profile.indicators["water.wq_grade"].scoring.mode == "step"


# --------------------------------------------------------------------------------------------
# A profile for one kind; rounds by evaluation year
# --------------------------------------------------------------------------------------------

def test_a_river_profile_leaves_the_lakes_their_default(tmp_path):
    river = tmp_path / "my-river.yaml"
    river.write_text("extends: mwr2020-river\nid: my-river\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(demo_path()), "--out", str(out), "--format",
                                 "json", "--profile", f"river={river}"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    bodies = {w["water_body_id"]: (w["profile_id"], round(w["rhi"], 1))
              for w in data["water_bodies"]}
    assert bodies == {"FHGD": ("my-river", 71.4), "XH": ("mwr2020-lake", 81.8)}
    assert "profile.kind_not_covered" not in {i["rule"] for i in data["issues"]}


def test_a_previous_result_of_the_same_year_is_refused(tmp_path):
    first = tmp_path / "first"
    assert runner.invoke(app, ["demo", "--out", str(first), "--report", "none"]).exit_code == 0
    again = tmp_path / "again"
    result = runner.invoke(app, ["demo", "--out", str(again), "--report", "html",
                                 "--previous", str(first / "result.json")])
    assert result.exit_code == 2
    assert "上次评价结果须为更早评价年份的结果（河湖 FHGD：上次 2021 年，本次 2021 年" in result.output
    assert "the previous result must be of an earlier evaluation year (water body FHGD: " \
           "previous 2021, current 2021" in result.output
    assert not again.exists()                               # refused before writing


def test_a_previous_result_without_years_is_compared_by_water_body(tmp_path, tiny_frames,
                                                                   tiny_profile):
    """A result written before the year was recorded: paired by water body, years unknown."""
    from health_eval.reports import render_html
    from health_eval.reports.text import visible_text

    profile = load_profile(tiny_profile)
    result = health_eval.evaluate(tiny_frames, profile)
    old = health_eval.EvaluationResult.from_json(result.to_json())
    old.water_bodies = old.water_bodies.drop(columns="evaluation_year")
    text = visible_text(render_html(result, "R", previous=old, profiles=[profile]))
    assert "与上次评价（— 年）比较，本次为 2021 年评价" in text
