"""The questionnaire export importer (问卷星 style) against the demo's responses."""

from __future__ import annotations

import pandas as pd
import pytest
from import_checks import assert_same_indicators, demo_dataset, sorted_table
from importer_fixtures import QUESTIONS, demo_table, package, write_questionnaire

import health_eval
from health_eval.issues import InputError

COLUMNS = ["water_body_id", "segment_id", "respondent_type", "score"]
SHEET = "问卷星导出.xlsx"


def _folder(tmp_path, extra=()):
    folder = package(tmp_path / "pkg", ("公众满意度调查",))
    write_questionnaire(folder / SHEET, demo_table("公众满意度调查"), list(extra))
    return folder


def test_answers_equal_the_demo_responses_and_satisfaction(tmp_path):
    dataset = health_eval.load_dataset(_folder(tmp_path))
    demo = demo_dataset()
    got = dataset.table("questionnaires")[COLUMNS].reset_index(drop=True)
    want = demo.table("questionnaires")[COLUMNS].reset_index(drop=True)
    assert got.astype(str).equals(want.astype(str))
    assert dataset.table("questionnaires")["response_id"].tolist()[:3] == ["1", "2", "3"]
    assert dataset.row_number("questionnaires", 0) == 2
    assert_same_indicators(health_eval.evaluate(dataset), health_eval.evaluate(demo),
                           {"social.public_satisfaction"})


def test_incomplete_and_duplicate_sheets_rejected_and_counted(tmp_path):
    extra = [[105, "2021/09/30 10:00:00", "60秒", "微信", "N/A", "10.9.9.9(江西-南昌)",
              "管理者", "抚河故道（演示）", None, None],                        # no score
             [106, "2021/09/30 11:00:00", "60秒", "微信", "N/A", "10.8.8.8(江西-南昌)",
              "管理者", "抚河故道（演示）", None, 80],
             [107, "2021/09/30 11:00:40", "60秒", "微信", "N/A", "10.8.8.8(江西-南昌)",
              "管理者", "抚河故道（演示）", None, 80]]                          # 40 s later
    dataset = health_eval.load_dataset(_folder(tmp_path, extra))
    rejected = [(i.rule, i.row) for i in dataset.issues if i.rule.startswith("import.answer")]
    assert rejected == [("import.answer_incomplete", 106), ("import.answer_duplicate", 108)]
    duplicate = [i for i in dataset.issues if i.rule == "import.answer_duplicate"][0]
    assert "107" in duplicate.message_en
    [account] = dataset.imports
    assert (account["read"], account["used"], account["rejected"]) == (107, 105, 2)
    assert sorted_table(dataset.table("questionnaires"), ["response_id"], ["response_id"])[
        "response_id"].isin(["106"]).any()


def test_option_scores_and_an_option_not_in_the_mapping(tmp_path):
    responses = demo_table("公众满意度调查").head(3)
    folder = package(tmp_path / "pkg", ("公众满意度调查",))
    path = write_questionnaire(folder / SHEET, responses)
    import openpyxl

    book = openpyxl.load_workbook(path)
    for row, answer in zip((2, 3, 4), ("很满意", "满意", "还行吧")):
        book.active.cell(row=row, column=10, value=answer)
    book.save(path)
    mapping = path.with_suffix(".yaml")
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        'score: {question: "4、请为该河湖的健康状况打分"}',
        'score: {question: "4、", options: {很满意: 100, 满意: 80, 不满意: 30}}'),
        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    [error] = [i for i in caught.value.issues if i.severity == "error"]
    assert (error.rule, error.row, error.column, error.value) == (
        "import.option_unknown", 4, QUESTIONS[3], "还行吧")
    assert "很满意、满意、不满意" in error.message_zh
    book.active.cell(row=4, column=10, value="不满意")
    book.save(path)
    scores = health_eval.load_dataset(folder).table("questionnaires")["score"].tolist()
    assert scores == [100.0, 80.0, 30.0]


def test_mapping_missing_or_mistyped(tmp_path):
    folder = _folder(tmp_path)
    mapping = (folder / SHEET).with_suffix(".yaml")
    mapping.write_text("respondent_type: {question: q}\nwater_body: {question: w}\n"
                       "score: {question: s, scale: 5}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    assert [(i.rule, "score.scale" in i.message_en) for i in caught.value.issues] == [
        ("import.map_invalid", True)]
    mapping.unlink()
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    assert [i.rule for i in caught.value.issues] == ["import.map_missing"]


def test_unknown_water_body_named_with_the_closest(tmp_path):
    responses = demo_table("公众满意度调查").head(2)
    folder = package(tmp_path / "pkg", ("公众满意度调查",))
    path = write_questionnaire(folder / SHEET, responses)
    frame = pd.read_excel(path)
    import openpyxl

    book = openpyxl.load_workbook(path)
    book.active.cell(row=3, column=8, value="抚河故道")
    book.save(path)
    assert frame.shape[0] == 2
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    [error] = caught.value.issues
    assert (error.rule, error.row, error.value) == ("import.water_body_unknown", 3, "抚河故道")
    assert "抚河故道（演示）" in error.message_zh
