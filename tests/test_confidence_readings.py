"""Confidence of class drawn over method readings (issue 18): ``evaluate(confidence=,
readings=)`` and ``health-eval run --confidence N --readings A,B``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from health_eval import evaluate
from health_eval.cli import app, demo_path
from health_eval.confidence import ConfidenceError

#: The demo's 抚河故道 RHI under the packaged profile and under ``band-floor``
#: (tests/test_readings.py works the latter out by hand).
FHGD_INTERPOLATE, FHGD_BAND_FLOOR = 71.377, 61.407


@pytest.fixture(scope="module")
def demo():
    from health_eval import load_dataset

    return load_dataset(demo_path())


def test_replicates_split_between_readings_span_both(demo):
    plain = evaluate(demo, confidence=20, seed=3)
    split = evaluate(demo, confidence=20, seed=3, readings=["interpolate", "band-floor"])
    assert split.provenance["confidence"]["readings"] == ["interpolate", "band-floor"]
    assert split.provenance["confidence"]["profile_sets"] == 2
    row = split.confidence_water_bodies.set_index("water_body_id").loc["FHGD"]
    alone = plain.confidence_water_bodies.set_index("water_body_id").loc["FHGD"]
    # half the replicates are scored by the band floor, about 10 points lower
    assert row["rhi_p05"] < FHGD_BAND_FLOOR + 3 < FHGD_INTERPOLATE - 3 < row["rhi_p95"]
    assert alone["rhi_p05"] > FHGD_BAND_FLOOR + 3
    # the point evaluation under each reading, for the report's sentence
    by_reading = split.provenance["confidence"]["by_reading"]
    assert by_reading["band-floor"]["FHGD"]["rhi"] == pytest.approx(FHGD_BAND_FLOOR, abs=1e-3)
    assert by_reading["interpolate"]["FHGD"]["rhi"] == pytest.approx(FHGD_INTERPOLATE, abs=1e-3)
    assert by_reading["band-floor"]["FHGD"]["health_class"] == 3


def test_report_says_the_class_under_each_reading(demo, tmp_path):
    from health_eval.reports import write_reports

    result = evaluate(demo, confidence=10, seed=1, readings=["interpolate", "band-floor"])
    write_reports(result, tmp_path, formats=("html",))
    text = (tmp_path / "FHGD" / "report.html").read_text(encoding="utf-8")
    assert "按“档下限赋分（阶梯）”为三类河湖 亚健康（RHI 61.4）" in text
    assert "按“节点间线性插值（方案原样）”为三类河湖 亚健康（RHI 71.4）" in text


def test_readings_without_confidence_is_refused(demo):
    with pytest.raises(ConfidenceError, match="confidence"):
        evaluate(demo, readings=["band-floor"])


@pytest.mark.parametrize("arguments", [["--readings", "band-floor"],
                                       ["--confidence", "5", "--readings", "no-such-reading"]])
def test_cli_readings_usage_errors_exit_2(tmp_path, arguments):
    outcome = CliRunner().invoke(app, ["run", str(demo_path()), "--out", str(tmp_path),
                                       *arguments])
    assert outcome.exit_code == 2, outcome.output
    assert "--readings" in outcome.output
    assert not (tmp_path / "result.json").exists()
