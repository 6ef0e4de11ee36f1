"""Method profiles: packaged content, extends, and errors that name the bad key."""

import json

import pytest

from health_eval.profiles.profile import (
    ProfileError,
    load_profile,
    merge_profile_data,
    packaged_profiles,
    profile_json_schema,
)
from health_eval.profiles.scoring import CurveRule, IdentityRule

RIVER_MANDATORY = {"basin.shoreline_naturalness", "basin.shoreline_violations", "water.eco_flow",
                   "water.wq_grade", "water.self_purification", "biota.fish_retention",
                   "social.public_satisfaction"}
LAKE_MANDATORY = {"basin.lake_area_shrinkage", "basin.shoreline_naturalness",
                  "basin.shoreline_violations", "water.min_eco_level", "water.wq_grade",
                  "water.trophic_state", "water.self_purification", "biota.fish_retention",
                  "biota.phytoplankton_density", "social.public_satisfaction"}


def test_packaged_profiles_are_listed_without_partials():
    assert packaged_profiles() == ["mwr2020-lake", "mwr2020-river"]


def test_river_profile_has_the_19_indicators_of_spec_2():
    profile = load_profile("mwr2020-river")
    used = profile.used_indicators
    assert len(used) == 19
    assert {k for k, v in used.items() if v.required} == RIVER_MANDATORY
    assert profile.applies_to == ["river"] and profile.segment_weighting == "length"
    assert {k: c.weight for k, c in profile.criteria.items()} == {
        "basin": 0.2, "water": 0.3, "biota": 0.2, "social": 0.3}


def test_lake_profile_has_the_20_indicators_of_spec_3():
    profile = load_profile("mwr2020-lake")
    used = profile.used_indicators
    assert len(used) == 20
    assert {k for k, v in used.items() if v.required} == LAKE_MANDATORY
    assert profile.applies_to == ["lake", "reservoir"] and profile.segment_weighting == "area"


@pytest.mark.parametrize("name", ["mwr2020-river", "mwr2020-lake"])
def test_every_number_says_where_it_comes_from(name):
    profile = load_profile(name)
    for key, criterion in profile.criteria.items():
        assert criterion.source and criterion.confidence, key
    for key, config in profile.indicators.items():
        assert config.source and config.confidence, key
        assert config.scoring is not None, key
        assert config.scoring.source and config.scoring.confidence, key


def test_classes_follow_spec_1_2():
    classes = load_profile("mwr2020-river").classes
    assert [(c.grade, c.name_zh, c.label_zh, c.min_rhi) for c in classes] == [
        (1, "一类河湖", "非常健康", 90), (2, "二类河湖", "健康", 75), (3, "三类河湖", "亚健康", 60),
        (4, "四类河湖", "不健康", 40), (5, "五类河湖", "劣态", 0)]


def test_wq_grade_curve_is_the_default_band_table():
    rule = load_profile("mwr2020-lake").indicators["water.wq_grade"].scoring
    assert isinstance(rule, CurveRule)
    assert rule.points == [(1, 100), (2, 90), (3, 75), (4, 40), (5, 20), (6, 0)]


def test_user_profile_extends_and_changes_one_number(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "extends: mwr2020-river\n"
        "id: my-river\n"
        "criteria:\n"
        "  water: {weight: 0.4, source: 本地专家, confidence: R}\n"
        "  social: {weight: 0.2}\n"
        "indicators:\n"
        "  biota.fish_retention: {scoring: {mode: step}}\n"
        "  social.navigation: {enabled: false}\n"
        "  basin.riparian_width: {scoring: {rule: identity}}\n"
        "policies: {missing_mandatory: warn}\n", encoding="utf-8")
    profile = load_profile(path)
    assert profile.id == "my-river"
    assert profile.criteria["water"].weight == 0.4
    assert profile.criteria["water"].name_zh == "水"          # kept from the base
    fish = profile.indicators["biota.fish_retention"].scoring
    assert fish.mode == "step" and fish.points[0] == (0.25, 0)  # merged, not replaced
    assert isinstance(profile.indicators["basin.riparian_width"].scoring, IdentityRule)
    assert "social.navigation" not in profile.used_indicators
    assert profile.policies.missing_mandatory == "warn"
    assert profile.extends_chain == ["_mwr2020-base", "mwr2020-river", str(path)]
    assert profile.digest() != load_profile("mwr2020-river").digest()


def test_unknown_key_is_named_with_its_path(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("extends: mwr2020-river\nindicators:\n  water.wq_grade:\n    requierd: true\n",
                    encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert "indicators.water.wq_grade.requierd" in message
    assert str(path) in message and "Extra inputs are not permitted" in message


def test_bad_scoring_key_is_named(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("extends: mwr2020-lake\nindicators:\n  water.sediment:\n"
                    "    scoring: {rule: curve, points: [[1, 100], [2, 60]], modes: step}\n",
                    encoding="utf-8")
    with pytest.raises(ProfileError, match=r"indicators\.water\.sediment\.scoring\.curve\.modes"):
        load_profile(path)


def test_weights_that_do_not_sum_to_one_are_rejected():
    with pytest.raises(ProfileError, match="criterion weights must sum to 1, got 1.1"):
        load_profile({"extends": "mwr2020-river", "criteria": {"water": {"weight": 0.4}}})


def test_own_indicator_needs_a_known_criterion():
    own = {"id": "own.odour", "name_zh": "异味", "name_en": "odour", "criterion": "smell",
           "applies_to": ["river"], "scoring": {"rule": "identity"}}
    with pytest.raises(ProfileError, match="unknown criterion 'smell'"):
        load_profile({"extends": "mwr2020-river", "own_indicators": [own]})


def test_missing_profile_and_circular_extends(tmp_path):
    with pytest.raises(ProfileError, match="no profile 'nope'"):
        load_profile("nope")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("extends: b.yaml\n", encoding="utf-8")
    b.write_text("extends: a.yaml\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="circular extends"):
        load_profile(a)


def test_invalid_yaml_is_reported(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(path)


def test_merge_replaces_a_rule_of_another_kind_whole():
    base = {"scoring": {"rule": "curve", "points": [[0, 0], [1, 100]], "source": "x"}}
    merged = merge_profile_data(base, {"scoring": {"rule": "ratio", "reference": 2}})
    assert merged == {"scoring": {"rule": "ratio", "reference": 2}}


def test_json_schema_describes_the_profile_file():
    schema = profile_json_schema()
    assert "extends" in schema["properties"] and "extends_chain" not in schema["properties"]
    assert schema["properties"]["criteria"]["type"] == "object"
    json.dumps(schema)  # serialisable as it is


def test_digest_is_stable():
    assert load_profile("mwr2020-lake").digest() == load_profile("mwr2020-lake").digest()
