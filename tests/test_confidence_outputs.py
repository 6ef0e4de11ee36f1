"""Confidence of class in the outputs: result.json (schema v1, read back), result.xlsx, the v1
request and the report section 评价结论可信度 (HTML and Word)."""

from __future__ import annotations

import json

import docx
import openpyxl
import pandas as pd
import pytest
from health_eval.reports import write_reports
from health_eval.reports.content import build_report
from health_eval.reports.context import report_context

import health_eval as he
from health_eval.cli import demo_path
from health_eval.engine.result import EvaluationResult
from health_eval.issues import InputError
from health_eval.profiles.profile import ProfileError
from health_eval.service.schema.example import example_request
from health_eval.service.schema.request import evaluate_request
from health_eval.service.schema.v1.models import EvaluateResponse


@pytest.fixture(scope="module")
def result():
    return he.evaluate(demo_path(), confidence=40, seed=5)


def test_json_holds_the_tables_valid_for_schema_v1_and_reads_back(result, tmp_path):
    data = result.to_dict()
    EvaluateResponse.model_validate(data)
    assert {r["water_body_id"] for r in data["confidence_water_bodies"]} == {"FHGD", "XH"}
    assert data["provenance"]["confidence"]["replicates"] == 40
    back = EvaluationResult.from_json(result.to_json(tmp_path / "result.json"))
    for name in ("confidence_water_bodies", "confidence_segments", "confidence_indicators"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(result, name),
                                      check_dtype=False, check_like=True)


def test_an_old_result_still_reads_and_validates(result):
    data = result.to_dict()
    for name in ("confidence_water_bodies", "confidence_segments", "confidence_indicators"):
        del data[name]
    EvaluateResponse.model_validate(data)
    assert EvaluationResult.from_json(json.dumps(data)).confidence_segments is None


def test_workbook_has_chinese_confidence_sheets(result, tmp_path):
    result.write(tmp_path, ("xlsx",))
    book = openpyxl.load_workbook(tmp_path / "result.xlsx", read_only=True)
    assert {"可信度_河湖", "可信度_河段", "可信度_关键指标"} <= set(book.sheetnames)
    header = [c.value for c in next(book["可信度_河湖"].iter_rows(max_row=1))]
    assert "RHI中位数 rhi_median" in header and "二类概率 p_class_2" in header
    assert "所报类别的概率 p_reported" in header


def test_the_v1_request_accepts_confidence_and_refuses_zero():
    request = example_request()
    answer = evaluate_request({**request, "confidence": 10, "seed": 2})
    assert (answer.confidence_water_bodies["replicates"] == 10).all()
    assert answer.provenance["confidence"]["seed"] == 2
    EvaluateResponse.model_validate(answer.to_dict())
    with pytest.raises(InputError, match="confidence"):
        evaluate_request({**request, "confidence": 0})


def test_report_section_says_it_in_words(result, tmp_path):
    report = build_report(report_context(result), "FHGD")
    section = next(s for s in report.sections if s.key == "confidence")
    assert section.number == 3 and "评价结论可信度" in section.title
    row = result.confidence_water_bodies.set_index("water_body_id").loc["FHGD"]
    share = f"{100 * row['p_reported']:.0f}% 的重抽样结果为三类河湖 亚健康"
    texts = [b.text for b in section.blocks if hasattr(b, "text")]
    assert any(share in text for text in texts)
    assert any(f"{row['rhi_p05']:.1f} 至 {row['rhi_p95']:.1f}" in text for text in texts)
    top = result.confidence_indicators.query(
        "water_body_id == 'FHGD' and segment_id.isna() and rank == 1")
    name = top["indicator_name"].iloc[0]
    bullets = next(b for b in section.blocks if hasattr(b, "items"))
    assert bullets.items[0].startswith(name)
    written = write_reports(result, tmp_path, ("html", "docx"))
    html = (tmp_path / "FHGD" / "report.html").read_text(encoding="utf-8")
    assert "评价结论可信度" in html and share in html
    word = "\n".join(p.text for p in docx.Document(tmp_path / "FHGD" / "report.docx").paragraphs)
    assert "评价结论可信度" in word and share in word
    assert len(written) >= 4


def test_report_section_in_english(result):
    report = build_report(report_context(result, lang="en"), "XH")
    section = next(s for s in report.sections if s.key == "confidence")
    assert section.title == "3 Confidence of the class"
    row = result.confidence_water_bodies.set_index("water_body_id").loc["XH"]
    verdict = f"{100 * row['p_reported']:.0f}% of the resamples give Class 2"
    assert any(verdict in getattr(b, "text", "") for b in section.blocks)


def test_no_section_without_a_confidence_run():
    plain = he.evaluate(demo_path())
    report = build_report(report_context(plain), "XH")
    assert "confidence" not in [s.key for s in report.sections]


def test_the_v1_request_takes_a_reading_and_the_readings_of_a_confidence_run():
    request = example_request()
    plain = evaluate_request(request)
    read = evaluate_request({**request, "reading": "band-floor"})
    assert read.provenance["reading"] == "band-floor"
    assert (read.water_bodies["rhi"] < plain.water_bodies["rhi"]).all()   # floors score lower
    split = evaluate_request({**request, "confidence": 4,
                              "readings": ["interpolate", "band-floor"]})
    assert split.provenance["confidence"]["readings"] == ["interpolate", "band-floor"]
    with pytest.raises(ProfileError, match="no-such-reading"):
        evaluate_request({**request, "reading": "no-such-reading"})
