"""Typed indicator params (issue 17 §2): checked when the profile loads, in its JSON Schema."""

import jsonschema
import pandas as pd
import pytest
from health_eval.indicators import params as models
from pydantic import Field
from typer.testing import CliRunner

from health_eval.cli import app, demo_path
from health_eval.engine.registry import (
    ComputeContext,
    Indicator,
    IndicatorRegistry,
    default_registry,
    own_indicator_definition,
)
from health_eval.io.yaml_text import load_mapping
from health_eval.profiles.indicator_params import NoParams, Params, parse_params
from health_eval.profiles.profile import (
    ProfileError,
    _packaged_data,
    load_profile,
    profile_json_schema,
)
from health_eval.profiles.scoring import CurveRule

runner = CliRunner()
TYPO = "extends: mwr2020-river\nindicators:\n  water.eco_flow:\n    params: {min_coverag: 0.8}\n"


def write(tmp_path, text: str, name: str = "bad.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_profiles_give_every_parameter_typed():
    river = load_profile("mwr2020-river")
    params, problems = parse_params(models.EcoFlowParams,
                                    river.indicators["water.eco_flow"].params, "water.eco_flow")
    assert problems == []
    assert params.min_coverage == 0.9 and params.dry_months == [10, 11, 12, 1, 2, 3]
    assert isinstance(params.ef1, CurveRule) and params.ef1.points[-1] == (30.0, 100.0)
    lake = load_profile("mwr2020-lake")
    trophic, _ = parse_params(models.TrophicStateParams,
                              lake.indicators["water.trophic_state"].params, "x")
    assert trophic.ei_classes["upper_bounds"] == [20.0, 50.0, 60.0, 80.0]
    sediment, _ = parse_params(models.SedimentParams, lake.indicators["water.sediment"].params,
                               "x")
    assert sediment.screening_values["as"] == [40.0, 40.0, 30.0, 25.0]   # a keyword as a key


def test_a_typo_names_its_yaml_path_and_the_file(tmp_path):
    path = write(tmp_path, TYPO)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value).splitlines() == [
        f"{path}: 评价方案有 1 处参数错误 / 1 parameter error(s) in the profile:",
        "  indicators.water.eco_flow.params.min_coverag: 未知参数 / unknown parameter "
        "(value: 0.8)"]


def test_a_mistyped_value_and_a_nested_typo_are_named(tmp_path):
    path = write(tmp_path, "extends: mwr2020-lake\nindicators:\n  water.min_eco_level:\n"
                           "    params: {windows: [1, three]}\n  social.public_satisfaction:\n"
                           "    params: {respondent_weights: {residnet: 3}}\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("2 parameter error(s) in the profile:")
    # in the order of the resolved profile; respondent_weights merged key by key over the
    # base: its resident weight stays, the typo is one key too many
    assert lines[1] == ("  indicators.social.public_satisfaction.params.respondent_weights."
                        "residnet: 未知参数 / unknown parameter (value: 3)")
    assert lines[2].startswith("  indicators.water.min_eco_level.params.windows.1: 取值无效 / "
                               "invalid value: Input should be a valid integer")


def test_numbers_of_the_method_have_no_default():
    with pytest.raises(ProfileError, match=r"wq_grade.params.ph_zero_deviation: 取值无效 / "
                                           r"invalid value: Input should be a valid number"):
        load_profile({"extends": "mwr2020-river",
                      "indicators": {"water.wq_grade": {"params": {"ph_zero_deviation": None}}}})
    _, problems = parse_params(models.WqGradeParams, {}, "water.wq_grade")
    assert [p.split(":")[0] for p in problems] == [
        "indicators.water.wq_grade.params.worse_than_v_zero_multiple",
        "indicators.water.wq_grade.params.ph_zero_deviation"]


class SpeedParams(Params):
    limit_m_s: float = Field(description="Speed limit [m/s]")


def speed_registry() -> IndicatorRegistry:
    registry = IndicatorRegistry()
    registry.register(Indicator(id="water.speed", criterion="water", name_zh="流速",
                                name_en="speed", applies_to=frozenset({"river"}),
                                params=SpeedParams))
    return registry


def test_params_are_checked_against_the_registry_that_evaluates():
    data = {"extends": "mwr2020-river", "indicators": {"water.speed": {
        "scoring": {"rule": "identity"}, "params": {"limit": 2}}}}
    assert "water.speed" in load_profile(data).indicators   # unknown to the default registry
    with pytest.raises(ProfileError, match=r"indicators\.water\.speed\.params\.limit: 未知参数"):
        load_profile(data, speed_registry())


def test_the_context_gives_the_typed_model():
    context = ComputeContext(segments=pd.DataFrame(), params=SpeedParams(limit_m_s=1.5),
                             policies=load_profile("mwr2020-river").policies,
                             indicator_id="water.speed")
    assert context.param("limit_m_s") == 1.5
    with pytest.raises(KeyError, match="water.speed declares no parameter 'limit'"):
        context.param("limit")


def test_every_builtin_declares_its_params_and_own_indicators_have_none():
    own = {"id": "own.odour", "name_zh": "异味", "name_en": "odour", "criterion": "water",
           "applies_to": ["river"], "scoring": {"rule": "identity"}}
    profile = load_profile({"extends": "mwr2020-river", "own_indicators": [own]})
    assert own_indicator_definition(profile.own_indicators[0]).params is NoParams
    declared = {i.id: i.params for i in default_registry()}
    assert declared["social.water_supply"] is models.WaterSupplyParams
    assert declared["biota.fish_retention"] is NoParams
    assert sum(model is not NoParams for model in declared.values()) == 12
    for name in ("mwr2020-river", "mwr2020-lake"):
        for indicator_id, config in load_profile(name).indicators.items():
            assert parse_params(declared[indicator_id], config.params, indicator_id)[1] == []


def test_cli_run_and_validate_exit_2_naming_the_path(tmp_path):
    path = write(tmp_path, TYPO)
    for command in ("run", "validate"):
        result = runner.invoke(app, [command, str(demo_path()), "--profile", str(path),
                                     "--out", str(tmp_path / command)])
        assert result.exit_code == 2, result.output
        assert "indicators.water.eco_flow.params.min_coverag: 未知参数 / unknown parameter" in \
            result.output
        assert str(path) in result.output


def schema_validator():
    return jsonschema.Draft202012Validator(profile_json_schema())


def test_json_schema_holds_each_indicators_params():
    schema = profile_json_schema()
    eco_flow = schema["properties"]["indicators"]["properties"]["water.eco_flow"]
    params = eco_flow["allOf"][1]["properties"]["params"]["$ref"].split("/")[-1]
    fields = schema["$defs"][params]["properties"]
    assert fields["min_coverage"]["unit"] == "1"
    assert "ratios" in fields["method"]["description"]


def test_packaged_profiles_validate_against_the_json_schema_and_a_typo_does_not(tmp_path):
    validator = schema_validator()
    for name in ("mwr2020-river", "mwr2020-lake"):
        assert list(validator.iter_errors(_packaged_data(name))) == []
        resolved = load_profile(name).model_dump(mode="json", exclude={"extends_chain"})
        assert list(validator.iter_errors(resolved)) == []
    errors = list(validator.iter_errors(load_mapping(TYPO, "bad", ValueError, "", "")))
    assert errors and "min_coverag" in errors[0].message
    assert list(errors[0].absolute_path) == ["indicators", "water.eco_flow", "params"]
