"""Method readings (issue 18): band-floor and node membership on every packaged scoring table,
computed by hand; B-IBI by grade; what a reading changes; the reading recorded in the result."""

import json
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import health_eval
from health_eval.cli import demo_path
from health_eval.profiles.profile import ProfileError, load_profile
from health_eval.profiles.readings import (
    DEFAULT_READING,
    Reading,
    apply_reading,
    available_readings,
    changed_keys,
    reading_of,
)
from health_eval.profiles.scoring import CurveRule, parse_rule
from health_eval.service.schema.v1.models import EvaluateResponse

# Every curve table of the packaged profiles, and for each by hand: a value inside a band and
# the band's floor; a breakpoint with its score under "upper" and "lower" node membership; a
# value below the first and above the last breakpoint with the end scores (step mode).
# (profile, table, inside, floor, node, upper, lower, below, first, above, last)
TABLES = [
    ("mwr2020-river", "basin.longitudinal_connectivity",   # falling: 0→100 … 1.2→0
     0.3, 40, 0.5, 40, 20, -0.1, 100, 2, 0),             # [0.25, 0.5): 60→40, floor 40
    ("mwr2020-river", "basin.shoreline_naturalness.vegetation_cover",
     60, 50, 50, 50, 25, -1, 0, 120, 100),                # [50, 75): 50→75, floor 50
    ("mwr2020-river", "water.wq_grade",                    # class position, falling
     3.4, 40, 4, 40, 20, 0.5, 100, 7, 0),                 # [3, 4): 75→40, floor 40
    ("mwr2020-river", "water.sediment",
     4, 20, 3, 40, 20, 0.5, 100, 12, 0),                  # [3, 5): 40→20
    ("mwr2020-river", "water.self_purification",          # DO mg/L, rising
     5.5, 60, 6, 80, 60, -1, 0, 9, 100),                  # [5, 6): 60→80
    ("mwr2020-river", "biota.fish_retention",
     0.769, 60, 0.75, 60, 40, 0.1, 0, 1.2, 100),          # [0.75, 0.85): 60→80 (SPEC §1.3)
    ("mwr2020-river", "social.flood_control",
     88, 50, 95, 100, 75, 40, 0, 100, 100),               # [85, 90): 50→75; 95 is the top node
    ("mwr2020-river", "social.water_supply",
     70, 40, 85, 80, 40, 10, 0, 99, 100),                 # [60, 85): 40→80
    ("mwr2020-river", "water.eco_flow.ef1",
     15, 40, 20, 80, 40, -1, 0, 50, 100),                 # [10, 20): 40→80
    ("mwr2020-river", "water.eco_flow.ef2",
     35, 40, 30, 40, 20, -1, 0, 60, 100),                 # [30, 40): 40→80
    ("mwr2020-river", "water.flow_deviation",
     0.8229, 25, 1.5, 25, 10, 0.01, 100, 6, 0),           # [0.3, 1.5): 50→25 (SPEC §4.2 FD)
    ("mwr2020-river", "social.navigation",
     50, 0, 95, 100, 0, -5, 0, 99, 100),                  # [0, 95): 0→100
    ("mwr2020-lake", "basin.lake_area_shrinkage",
     15, 30, 10, 60, 30, 2, 100, 50, 0),                  # [10, 20): 60→30
    ("mwr2020-lake", "water.inflow_deviation",
     0.2, 50, 0.3, 50, 25, 0.01, 100, 6, 0),              # [0.1, 0.3): 75→50
    ("mwr2020-lake", "water.trophic_state",
     55, 50, 62.5, 30, 10, 5, 100, 110, 0),               # [50, 60): 60→50
    ("mwr2020-lake", "biota.phytoplankton_density",
     300, 60, 200, 75, 60, 10, 100, 6000, 0),             # [200, 500): 75→60
    ("mwr2020-lake", "biota.macrophyte_cover",
     20, 25, 40, 50, 25, -1, 0, 120, 100),                # [10, 40): 25→50
    # the minimum-ecological-level ladder is a step already; band-floor-lower leaves its nodes
    # (the ladder's own rungs: 1 day below → 75) in the upper band
    ("mwr2020-lake", "water.min_eco_level",
     5, 30, 1, 75, 75, -1, 100, 60, 0),                   # [3, 7): 50→30
]


def rule_at(profile, table: str):
    """The scoring rule of ``table``: an indicator's scoring, or a rule parameter of one."""
    if table in profile.indicators:
        return profile.indicators[table].scoring
    indicator, _, name = table.rpartition(".")
    return parse_rule(profile.indicators[indicator].params[name])


def curve_tables(profile) -> set[str]:
    """Every ``rule: curve`` table of ``profile`` (scoring and parameters)."""
    found = set()
    for indicator_id, config in profile.indicators.items():
        if config.scoring is not None and config.scoring.rule == "curve":
            found.add(indicator_id)
        found |= {f"{indicator_id}.{k}" for k, v in config.params.items()
                  if isinstance(v, Mapping) and v.get("rule") == "curve"}
    return found


@pytest.mark.parametrize("profile_id", ["mwr2020-river", "mwr2020-lake"])
def test_the_cases_cover_every_packaged_curve_table(profile_id):
    tested = {table for pid, table, *_ in TABLES if pid == profile_id}
    shared = {table for _, table, *_ in TABLES} if profile_id == "mwr2020-lake" else set()
    assert curve_tables(load_profile(profile_id)) <= tested | shared
    assert tested <= curve_tables(load_profile(profile_id))


@pytest.mark.parametrize(("profile_id", "table", "inside", "floor", "node", "upper", "lower",
                          "below", "first", "above", "last"), TABLES,
                         ids=[t[1] for t in TABLES])
def test_band_floor_of_every_table(profile_id, table, inside, floor, node, upper, lower, below,
                                   first, above, last):
    profile = load_profile(profile_id)
    step = rule_at(apply_reading(profile, "band-floor"), table)
    step_lower = rule_at(apply_reading(profile, "band-floor-lower"), table)
    assert step.mode == "step" and step.node == "upper"
    assert step.score([inside, node, below, above]).tolist() == [floor, upper, first, last]
    assert step_lower.score([inside, node, below, above]).tolist() == [floor, lower, first, last]
    # the breakpoints are the profile's own: only the mode and the node membership changed
    assert step.points == rule_at(profile, table).points


def test_interpolate_is_the_profile_itself_and_other_readings_are_new_profiles():
    river = load_profile("mwr2020-river")
    assert apply_reading(river, DEFAULT_READING) is river
    assert reading_of(river) == DEFAULT_READING
    floor = apply_reading(river, "band-floor")
    assert floor.digest() != river.digest()
    assert floor.extends_chain == ["_mwr2020-base", "mwr2020-river", "reading:band-floor"]
    assert reading_of(floor) == "band-floor"
    assert load_profile("mwr2020-river", reading="band-floor").digest() == floor.digest()
    # a reading with nothing to change in this profile is still recorded
    lake_only = apply_reading(river, "lake-mandatory-alt")
    assert changed_keys(river, lake_only) == []
    assert lake_only.digest() != river.digest()
    assert "basin.lake_area_shrinkage" not in lake_only.indicators


def test_unknown_reading_names_the_known_ones():
    with pytest.raises(ProfileError) as caught:
        apply_reading(load_profile("mwr2020-river"), "band_floor")
    message = str(caught.value)
    assert "未知的方案解读“band_floor”" in message and "unknown reading 'band_floor'" in message
    for name in ("interpolate", "band-floor", "bibi-grade", "wq-alternative"):
        assert name in message


def test_what_each_reading_changes_in_the_lake_profile():
    changed = {r.name: r.changed for r in available_readings("mwr2020-lake")}
    assert changed["interpolate"] == []
    assert changed["wq-alternative"] == ["indicators.water.wq_grade.scoring"]
    assert changed["bibi-grade"] == ["indicators.biota.benthic_ibi.scoring"]
    assert changed["first-node-zero"] == ["indicators.biota.fish_retention.scoring",
                                          "indicators.social.flood_control.scoring"]
    assert changed["lake-mandatory-alt"] == [
        f"indicators.{i}.{k}" for i in ("basin.lake_area_shrinkage",
                                        "biota.phytoplankton_density")
        for k in ("required", "source")]             # their confidence was R already
    # band-floor: every curve table but the ladder that is a step already
    lake = load_profile("mwr2020-lake")
    expected = {t for t in curve_tables(lake) if t != "water.min_eco_level"}
    assert {k.removeprefix("indicators.").removesuffix(".scoring").replace(".params.", ".")
            for k in changed["band-floor"]} == expected
    # the composite is its parts together
    assert set(changed["published-practice"]) == set(changed["band-floor"]) | set(
        changed["bibi-grade"])
    assert available_readings()[0].name == DEFAULT_READING


def test_alternative_tables_hand_computed():
    river = load_profile("mwr2020-river")
    wq = rule_at(apply_reading(river, "wq-alternative"), "water.wq_grade")
    # class IV position 3.5: halfway through 75→60 = 67.5 (default bands: 75→40 gives 57.5)
    assert wq.score([3.5]).tolist() == [67.5]
    assert rule_at(river, "water.wq_grade").score([3.5]).tolist() == [57.5]
    first = apply_reading(river, "first-node-zero")
    # fish retention 0.2: 0→0 … 0.5→30 gives 12 (the profile: below 0.25 scores 0)
    assert rule_at(first, "biota.fish_retention").score([0.2]).tolist() == pytest.approx([12.0])
    # flood control 35 %: 0→0 … 70→25 gives 12.5 (the profile: below 50 scores 0)
    assert rule_at(first, "social.flood_control").score([35]).tolist() == pytest.approx([12.5])
    lake = apply_reading(load_profile("mwr2020-lake"), "lake-mandatory-alt")
    assert not lake.indicators["basin.lake_area_shrinkage"].required
    assert not lake.indicators["biota.phytoplankton_density"].required
    assert lake.indicators["water.trophic_state"].required


def test_bibi_grade_against_reference_based_bounds():
    rule = rule_at(apply_reading(load_profile("mwr2020-river"), "bibi-grade"),
                   "biota.benthic_ibi")
    # ratio to the reference: ≥1 很好 100, ≥0.75 好 80, ≥0.5 中等 60, ≥0.25 较差 40, else 很差 20
    assert rule.score([1.2, 1.0, 0.8, 0.75, 0.6, 0.3, 0.1, 0.0]).tolist() == [
        100, 100, 80, 80, 60, 40, 20, 20]


def test_bibi_grade_on_the_demo():
    """FHGD-01 has three benthos sites; the reference site FHGD-DW01 has B-IBI 5.0, so the
    expected B-IBI is 5.0. DW02: 3.3529 / 5 = 0.671 → 中等 60; DW03: 2.4567 / 5 = 0.491 → 较差 40;
    DW01: 1.0 → 很好 100. The segment takes the mean: (100 + 60 + 40) / 3 = 66.67 (the ratio
    reading scores the mean ratio 0.7206 as 72.06)."""
    result = health_eval.evaluate(demo_path(), reading="bibi-grade")
    rows = result.indicators_with_details().set_index(["segment_id", "indicator_id"])
    row = rows.loc[("FHGD-01", "biota.benthic_ibi")]
    assert [s["score"] for s in row["details"]["stations"]] == [100.0, 60.0, 40.0]
    assert row["score"] == pytest.approx(200 / 3)
    assert result.provenance["reading"] == "bibi-grade"


def test_band_floor_on_the_demo_changes_the_rhi_by_the_hand_computed_amount():
    """FHGD-01 (river, 3.2 km): the step scores by hand, next to the interpolated ones.

    - riparian vegetation cover 79.98 % in [75, 100) → 75, so shoreline naturalness
      0.4 × 76.625 + 0.6 × 75 = 75.65 (bank stability's element lists stay interpolated);
    - fish retention 0.8 in [0.75, 0.85) → 60; navigation 93.15 % in [0, 95) → 0;
    - EF1 22.5 % in [20, 30) → 80, EF2 45 % in [40, 50) → 80: eco flow min = 80;
    - flow deviation 0.2205 in [0.1, 0.3) (falling) → 50; DO 7.208 mg/L in [6, 7.5) → 80;
    - water-quality position 2.3998 in [2, 3) → 75.
    ΔRHI = Σ criterion weight × indicator weight × Δscore.
    """
    default = health_eval.evaluate(demo_path())
    floor = health_eval.evaluate(demo_path(), reading="band-floor")
    before = default.indicators.set_index(["segment_id", "indicator_id"])
    step = {"basin.shoreline_naturalness": 0.4 * 76.625 + 0.6 * 75,
            "biota.fish_retention": 60, "social.navigation": 0, "water.eco_flow": 80,
            "water.flow_deviation": 50, "water.self_purification": 80, "water.wq_grade": 75}
    after = floor.indicators.set_index(["segment_id", "indicator_id"])
    for indicator, score in step.items():
        assert after.loc[("FHGD-01", indicator), "score"] == pytest.approx(score)
    criterion_weight = {"basin": 0.2, "water": 0.3, "biota": 0.2, "social": 0.3}
    delta = sum(criterion_weight[i.split(".")[0]] * before.loc[("FHGD-01", i), "weight"]
                * (score - before.loc[("FHGD-01", i), "score"]) for i, score in step.items())
    segments = {r.segment_id: r.rhi for r in default.segments.itertuples()}
    read = {r.segment_id: r.rhi for r in floor.segments.itertuples()}
    assert delta == pytest.approx(-7.954971, abs=1e-6)
    assert read["FHGD-01"] - segments["FHGD-01"] == pytest.approx(delta)
    rhi = dict(zip(floor.water_bodies["water_body_id"], floor.water_bodies["rhi"]))
    assert rhi == pytest.approx({"FHGD": 61.407385, "XH": 75.707942}, abs=1e-6)
    # FHGD: three segments weighted by length 3.2, 2.8, 4.1 km
    lengths = {"FHGD-01": 3.2, "FHGD-02": 2.8, "FHGD-03": 4.1}
    assert rhi["FHGD"] == pytest.approx(sum(read[s] * w for s, w in lengths.items()) / 10.1)


def test_the_result_records_the_reading_in_its_provenance():
    result = health_eval.evaluate(demo_path(), reading="band-floor")
    data = json.loads(result.to_json())
    EvaluateResponse.model_validate(data)
    assert data["provenance"]["reading"] == "band-floor"
    for pid, recorded in data["provenance"]["profiles"].items():
        assert recorded["reading"] == "band-floor"
        assert recorded["extends"][-1] == "reading:band-floor"
        assert recorded["digest"] == load_profile(pid, reading="band-floor").digest()
    default = health_eval.evaluate(demo_path()).provenance
    assert default["reading"] == DEFAULT_READING
    assert default["profiles"]["mwr2020-river"]["digest"] == load_profile(
        "mwr2020-river").digest()


def test_a_reading_that_sets_a_number_without_source_is_refused():
    with pytest.raises(ValueError, match="source and confidence"):
        Reading.model_validate({
            "name": "x", "title_zh": "x", "title_en": "x", "changes_zh": "x",
            "changes_en": "x", "source": "x", "confidence": "R",
            "overlay": {"indicators": {"water.wq_grade": {"scoring": {"points": [[1, 100],
                                                                                [6, 0]]}}}}})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-10, 10), min_size=2, max_size=6, unique=True),
       st.lists(st.integers(0, 100), min_size=6, max_size=6),
       st.booleans(), st.lists(st.floats(-12, 12, allow_nan=False), min_size=1, max_size=20))
def test_step_never_scores_above_linear_and_lower_never_above_upper(xs, ys, rising, values):
    xs = sorted(xs)
    ys = sorted(ys[:len(xs)], reverse=not rising)
    values = values + xs                             # every breakpoint too
    points = list(zip(xs, ys))
    linear = CurveRule(points=points).score(values)
    upper = CurveRule(points=points, mode="step").score(values)
    lower = CurveRule(points=points, mode="step", node="lower").score(values)
    assert (upper <= linear + 1e-9).all()
    assert (lower <= upper).all()
    # off the breakpoints the membership does not matter
    off = [v not in xs for v in values]
    assert (lower[off] == upper[off]).all()


@pytest.mark.parametrize(("lang", "row", "verified"), [
    ("zh", "方案解读 | 档下限赋分（阶梯）", "与评价所用方案一致（摘要相符）"),
    ("en", "Method reading | band floor (step)", "the profile applied (digest matches)")])
def test_the_report_names_the_reading_beside_the_profile(lang, row, verified):
    from health_eval.reports import render_html
    from health_eval.reports.text import visible_text

    result = health_eval.evaluate(demo_path(), reading="band-floor")
    text = visible_text(render_html(result, "FHGD", lang=lang))
    assert row in text.splitlines()
    # the report found the profile the result applied: the packaged one read with band-floor
    assert verified in text
    default = visible_text(render_html(health_eval.evaluate(demo_path()), "FHGD", lang=lang))
    assert not [line for line in default.splitlines() if line.startswith(row.split(" | ")[0])]
