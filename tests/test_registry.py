"""The indicator registry: built-ins, entry-point plugins, failures that never break a run."""

import sys
import textwrap

import pandas as pd
import pytest

from health_eval import evaluate
from health_eval.engine.registry import (
    ENTRY_POINT_GROUP,
    Indicator,
    IndicatorRegistry,
    default_registry,
)
from health_eval.profiles.profile import load_profile
from health_eval.profiles.scoring import IdentityRule

RIVER_IDS = set(load_profile("mwr2020-river").used_indicators)
LAKE_IDS = set(load_profile("mwr2020-lake").used_indicators)


def test_builtins_cover_both_profiles():
    registry = default_registry()
    assert {i.id for i in registry} == RIVER_IDS | LAKE_IDS
    assert len(RIVER_IDS | LAKE_IDS) == 26
    # every indicator of SPEC §2 and §3 computes from raw monitoring data (issues 3 and 4)
    assert all(i.computes_from_raw for i in registry)
    for indicator in registry:
        assert indicator.name_zh and indicator.references.startswith("SPEC §")
        assert set(indicator.inputs.tables) <= _table_names()


def _table_names():
    from health_eval.io.tables import CATALOGUE
    return set(CATALOGUE)


def test_builtins_apply_to_the_kinds_of_their_profile():
    registry = default_registry()
    for indicator_id in RIVER_IDS:
        assert "river" in registry.get(indicator_id).applies_to
    for indicator_id in LAKE_IDS:
        assert {"lake", "reservoir"} <= registry.get(indicator_id).applies_to


def test_duplicate_and_unknown_ids():
    registry = IndicatorRegistry()
    indicator = Indicator(id="x.y", criterion="water", name_zh="甲", name_en="x",
                          applies_to=frozenset({"river"}))
    registry.register(indicator)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(indicator)
    registry.register(indicator, replace=True)
    with pytest.raises(KeyError, match="unknown indicator 'x.z'; known: x.y"):
        registry.get("x.z")


def install_plugin(tmp_path, monkeypatch, name: str, body: str) -> None:
    """Make an importable module ``name`` with an entry point in ENTRY_POINT_GROUP."""
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    dist = tmp_path / f"{name}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
                                   encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n{name} = {name}:register\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


PLUGIN = """
    import pandas as pd
    from health_eval.engine.registry import Indicator
    from health_eval.profiles.scoring import IdentityRule

    def segment_count(dataset, context):
        # every segment scores 10 × the number of segments of its water body
        sizes = context.segments.groupby("water_body_id")["segment_id"].transform("size")
        return pd.Series((sizes * 10).to_numpy(dtype=float), index=context.segments["segment_id"])

    def register(registry):
        registry.register(Indicator(
            id="water.segment_count", criterion="water", name_zh="河段数", name_en="segments",
            applies_to=frozenset({"river"}), compute=segment_count,
            default_scoring=IdentityRule(), references="test plugin"))
"""


def test_plugin_registered_through_an_entry_point(tmp_path, monkeypatch, tiny_frames,
                                                  tiny_profile):
    install_plugin(tmp_path, monkeypatch, "he_test_plugin", PLUGIN)
    registry = default_registry()
    assert "water.segment_count" in registry and not registry.plugin_failures
    profile = dict(tiny_profile)
    profile["indicators"] = dict(profile["indicators"], **{"water.segment_count": {}})
    result = evaluate(tiny_frames, profile, registry=registry)
    rows = result.indicators[result.indicators["indicator_id"] == "water.segment_count"]
    assert rows["score"].tolist() == [20.0, 20.0]
    assert rows["status"].tolist() == ["ok", "ok"]


def test_failing_plugin_warns_and_is_listed(tmp_path, monkeypatch):
    install_plugin(tmp_path, monkeypatch, "he_broken_plugin", "raise ImportError('no numpy 9')\n")
    with pytest.warns(UserWarning, match="he_broken_plugin"):
        registry = default_registry()
    assert [f.name for f in registry.plugin_failures] == ["he_broken_plugin"]
    assert "no numpy 9" in registry.plugin_failures[0].error
    assert "water.wq_grade" in registry


def evaluate_with(frames, profile, indicator_id, compute):
    """Evaluate with one extra optional water indicator computed by ``compute``."""
    registry = default_registry()
    registry.register(Indicator(id=indicator_id, criterion="water", name_zh="测试", name_en="x",
                                applies_to=frozenset({"river"}), compute=compute,
                                default_scoring=IdentityRule()))
    profile = dict(profile, indicators=dict(profile["indicators"], **{indicator_id: {}}))
    return evaluate(frames, profile, registry=registry)


def test_indicator_whose_compute_fails_is_flagged_not_fatal(tiny_frames, tiny_profile):
    def broken(dataset, context):
        raise RuntimeError("station table corrupt")

    result = evaluate_with(tiny_frames, tiny_profile, "water.broken", broken)
    rows = result.indicators[result.indicators["indicator_id"] == "water.broken"]
    assert rows["status"].tolist() == ["error", "error"]
    issue = result.issues[result.issues["rule"] == "indicator.compute_failed"].iloc[0]
    assert "station table corrupt" in issue["message_en"]
    # optional and failed: it drops out, the others are evaluated as before
    assert result.water_bodies.iloc[0]["rhi"] == pytest.approx(56.2)


def test_indicator_returning_an_unknown_status_is_flagged(tiny_frames, tiny_profile):
    def odd(dataset, context):
        return pd.DataFrame({"segment_id": ["S1"], "value": [1.0], "status": ["fine"]})

    result = evaluate_with(tiny_frames, tiny_profile, "water.odd", odd)
    issue = result.issues[result.issues["rule"] == "indicator.compute_failed"].iloc[0]
    assert "unknown status ['fine']" in issue["message_en"]


def test_indicator_returning_two_values_for_one_segment_is_flagged(tiny_frames, tiny_profile):
    def doubled(dataset, context):
        return pd.DataFrame({"segment_id": ["S1", "S1", "S2"], "value": [1.0, 2.0, 3.0]})

    result = evaluate_with(tiny_frames, tiny_profile, "water.doubled", doubled)
    rows = result.indicators[result.indicators["indicator_id"] == "water.doubled"]
    assert rows["status"].tolist() == ["error", "error"]        # one row per segment, not three
    issue = result.issues[result.issues["rule"] == "indicator.compute_failed"].iloc[0]
    assert "several rows for segment_id ['S1']" in issue["message_en"]


def test_profile_naming_an_unknown_indicator_is_an_error(tiny_frames, tiny_profile):
    from health_eval.profiles.profile import ProfileError
    profile = dict(tiny_profile)
    profile["indicators"] = dict(profile["indicators"], **{"water.nope": {}})
    with pytest.raises(ProfileError, match="indicators.water.nope: .*unknown indicator"):
        evaluate(tiny_frames, profile)
