"""``health-eval score``, ``health-eval readings`` and ``--reading`` of run and validate (issue 18),
end to end through the command line."""

import json

import pytest
from typer.testing import CliRunner

from health_eval.cli import app, demo_path
from health_eval.profiles.readings import reading_names

runner = CliRunner()


def score_json(*args: str) -> dict:
    result = runner.invoke(app, ["score", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_score_json_inside_a_band_under_band_floor():
    scored = score_json("biota.fish_retention", "0.769", "--reading", "band-floor")
    # 0.769 lies in [0.75, 0.85): 60→80; the band floor is 60 (SPEC §1.3)
    assert {k: scored[k] for k in ("indicator", "value", "unit", "score", "reading", "rule",
                                   "mode", "position", "band", "node", "profile")} == {
        "indicator": "biota.fish_retention", "value": 0.769, "unit": "", "score": 60.0,
        "reading": "band-floor", "rule": "curve", "mode": "step", "position": "inside",
        "band": {"from": 0.75, "to": 0.85, "floor": 60.0}, "node": None,
        "profile": "mwr2020-river"}
    assert scored["name_zh"] == "鱼类保有指数"
    assert scored["source"] == "指南 鱼类保有指数 赋分" and scored["confidence"] == "P"
    # the profile as it is interpolates: 60 + 0.19 × 20 = 63.8
    assert score_json("biota.fish_retention", "0.769")["score"] == pytest.approx(63.8)


def test_score_at_a_node_upper_and_lower():
    upper = score_json("social.flood_control", "95", "--reading", "band-floor")
    lower = score_json("social.flood_control", "95", "--reading", "band-floor-lower")
    assert (upper["score"], upper["unit"], upper["node"]) == (100.0, "%", {"x": 95.0,
                                                                           "score": 100.0})
    assert upper["band"] == {"from": 95.0, "to": None, "floor": 100.0}   # "≥ 95 %: 100"
    assert (lower["score"], lower["node_membership"]) == (75.0, "lower")
    assert lower["band"] == {"from": 90.0, "to": 95.0, "floor": 75.0}
    assert "归入档 90–95" in lower["explanation_zh"]


def test_score_below_the_first_and_above_the_last_node():
    below = score_json("social.flood_control", "40")
    above = score_json("biota.phytoplankton_density", "6000")     # a lake indicator
    assert (below["score"], below["position"]) == (0.0, "below_first")
    assert (above["score"], above["position"], above["profile"]) == (0.0, "above_last",
                                                                      "mwr2020-lake")


def test_score_ratio_and_grade_of_bibi():
    assert score_json("biota.benthic_ibi", "0.72")["score"] == pytest.approx(72.0)
    graded = score_json("biota.benthic_ibi", "0.72", "--reading", "bibi-grade")
    # 0.72 of the reference: [0.5, 0.75) 中等 60
    assert (graded["score"], graded["band"]) == (60.0, {"from": 0.5, "to": 0.75, "floor": 60.0})


def test_score_a_rule_parameter_and_a_deduction():
    # EF1 25 % in [20, 30): 80→100 interpolated 90
    assert score_json("water.eco_flow.ef1", "25")["score"] == pytest.approx(90.0)
    # 四乱: 100 − 2 × 5 − 1 × 25 = 65, the categories by code or by their Chinese names
    assert score_json("basin.shoreline_violations.four_problems",
                      "general=2,serious=1")["score"] == 65.0
    chinese = score_json("basin.shoreline_violations.four_problems", "一般=2,较严重=1")
    assert chinese["score"] == 65.0
    assert chinese["explanation_zh"] == "扣分法：100 − 2 × 5 (一般) − 1 × 25 (较严重)，不低于 0 → 65"


def test_score_text_says_the_rule_and_band():
    result = runner.invoke(app, ["score", "water.wq_grade", "3.4", "--reading", "band-floor"])
    assert result.exit_code == 0, result.output
    assert "得分 score: 40" in result.output
    assert "位于档 3–4，按档下限赋分 → 40 分" in result.output


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["score", "biota.fish_retention", "0.7", "--reading", "floor"],
     "未知的方案解读“floor”", "unknown reading 'floor'"),
    (["score", "water.trophic_state", "50", "--kind", "river"],
     "不在评价方案 mwr2020-river 中", "is not in profile mwr2020-river"),
    (["score", "biota.fish_retention", "high"], "不是有限数字", "is not a finite number"),
    (["score", "biota.fish_retention", "0.7", "--kind", "sea"], "未知水体类型", "unknown kind"),
    (["run", str(demo_path()), "--reading", "floor"],
     "未知的方案解读“floor”", "known readings: interpolate, band-floor"),
    (["validate", str(demo_path()), "--reading", "floor"],
     "未知的方案解读“floor”", "known readings: interpolate, band-floor"),
])
def test_usage_errors_exit_2_with_a_message(args, zh, en, tmp_path):
    result = runner.invoke(app, [*args, *(["--out", str(tmp_path)] if args[0] != "score"
                                         else [])])
    assert result.exit_code == 2
    assert zh in result.output and en in result.output
    assert not list(tmp_path.iterdir())            # nothing was evaluated or written


def test_readings_lists_every_reading_with_what_it_changes():
    result = runner.invoke(app, ["readings"])
    assert result.exit_code == 0
    for name in reading_names():
        assert f"\n{name}  " in "\n" + result.output
    assert "档下限赋分（阶梯） / band floor (step)" in result.output
    listed = runner.invoke(app, ["readings", "--json", "--profile", "mwr2020-river"])
    records = {r["name"]: r for r in json.loads(listed.output)}
    assert list(records) == reading_names()
    assert records["wq-alternative"]["changed"] == ["indicators.water.wq_grade.scoring"]
    assert records["published-practice"]["includes"] == ["band-floor", "bibi-grade"]
    assert records["band-floor"]["confidence"] == "P"


def test_run_and_validate_with_a_reading(tmp_path):
    result = runner.invoke(app, ["run", str(demo_path()), "--reading", "band-floor",
                                 "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert data["provenance"]["reading"] == "band-floor"
    rhi = {w["water_body_id"]: w["rhi"] for w in data["water_bodies"]}
    # see tests/test_readings.py for the hand computation of FHGD-01's change
    assert rhi == pytest.approx({"FHGD": 61.407385, "XH": 75.707942}, abs=1e-6)
    checked = runner.invoke(app, ["validate", str(demo_path()), "--reading", "band-floor",
                                  "--out", str(tmp_path / "check")])
    assert checked.exit_code == 0, checked.output
