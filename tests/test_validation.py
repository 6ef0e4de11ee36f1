"""Validation against the rule table, refusing invalid data, and the row accounting."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import do_samples
from typer.testing import CliRunner

from health_eval import evaluate
from health_eval.cli import app, demo_path
from health_eval.engine.dataset import Dataset
from health_eval.issues import InputError
from health_eval.validate.checks import row_accounts, validate_dataset

runner = CliRunner()


def found(validation, rule: str) -> list[tuple]:
    return sorted((i.table, i.row, i.column, i.value, i.severity) for i in validation.issues
                  if i.rule == rule)


def test_ranges_per_column_and_per_parameter(tiny_frames):
    frames = dict(tiny_frames)
    frames["wq_samples"] = pd.DataFrame(
        do_samples("Q1", [6.0, 25.0, -1.0])                       # rows 1–3
        + [{"station_id": "Q1", "date": "2021-06-01", "parameter": "ph", "value": 15.0},
           {"station_id": "Q1", "date": "2021-06-01", "parameter": "ph", "value": 3.5},
           {"station_id": "Q1", "date": "2021-06-01", "parameter": "nh3n", "value": -0.1},
           {"station_id": "Q1", "date": "2021-06-01", "parameter": "wt", "value": -1.0}])
    frames["stations"] = frames["stations"].assign(longitude=[116.0, 200.0, 10.0])
    validation = validate_dataset(Dataset.from_frames(frames))
    # DO 25 > 20 is implausible (used); DO −1, NH3-N −0.1 and pH 15 are impossible; pH 3.5 is
    # possible but outside 4–11; a water temperature of −1 °C is neither
    assert found(validation, "value.range") == [
        ("stations", 2, "longitude", "200", "error"),
        ("wq_samples", 3, "value", "-1", "error"),
        ("wq_samples", 4, "value", "15", "error"),
        ("wq_samples", 6, "value", "-0.1", "error")]
    # a value in error gets no warning besides (longitude 200, pH 15)
    assert found(validation, "value.implausible") == [
        ("stations", 3, "longitude", "10", "warning"),
        ("wq_samples", 2, "value", "25", "warning"),
        ("wq_samples", 5, "value", "3.5", "warning")]
    do = next(i for i in validation.issues if i.rule == "value.implausible" and i.row == 2
              and i.table == "wq_samples")
    assert "≤ 20 mg/L (do)" in do.message_en and "第 2 行" in do.message_zh
    assert validation.has_errors
    assert validation.rejected["wq_samples"].tolist() == [False, False, True, True, False, True,
                                                          False]


def test_keys_ordered_columns_and_repeated_samples(tiny_frames):
    frames = dict(tiny_frames)
    frames["segments"] = pd.concat([frames["segments"], frames["segments"].iloc[[0]]],
                                   ignore_index=True)
    frames["wq_samples"] = pd.DataFrame(do_samples("Q1", [6.0]) + do_samples("Q1", [6.2]))
    frames["shoreline_lengths"] = pd.DataFrame({
        "segment_id": ["S1", "S2"], "shoreline_km": [4.0, 6.0], "developed_km": [5.0, 2.0],
        "legalised_km": [1.0, 3.0]})
    validation = validate_dataset(Dataset.from_frames(frames))
    assert found(validation, "key.duplicate") == [
        ("segments", 3, "segment_id", "segment_id=S1", "error")]
    duplicate = next(i for i in validation.issues if i.rule == "key.duplicate")
    assert "repeats row 1" in duplicate.message_en
    assert found(validation, "key.duplicate_sample") == [
        ("wq_samples", 2, "parameter", "station_id=Q1, date=2021-03-15, parameter=do", "warning")]
    # S1 developed 5 km of a 4 km shoreline; S2 legalised 3 km of 2 km developed
    assert found(validation, "value.exceeds") == [
        ("shoreline_lengths", 1, "developed_km", "5", "error"),
        ("shoreline_lengths", 2, "legalised_km", "3", "error")]


def test_references_parameters_and_year_reject_rows_and_are_accounted(tiny_frames):
    frames = dict(tiny_frames)
    frames["wq_samples"] = pd.DataFrame(
        do_samples("Q1", [6.0, 7.0]) + do_samples("Q9", [5.0]) + do_samples("Q2", [5.0], 2020)
        + [{"station_id": "Q3", "date": "2021-05-01", "parameter": "浊度", "value": 3.0}])
    dataset = Dataset.from_frames(frames)
    validation = validate_dataset(dataset)
    assert found(validation, "reference.unknown") == [("wq_samples", 3, "station_id", "Q9",
                                                       "warning")]
    assert found(validation, "date.outside_evaluation_year") == [
        ("wq_samples", 4, "date", "2020-03-15", "warning")]
    assert found(validation, "parameter.unknown") == [("wq_samples", 5, "parameter", "浊度",
                                                       "warning")]
    assert not validation.has_errors
    assert row_accounts(dataset, validation)["wq_samples"] == {"read": 5, "used": 2,
                                                               "rejected": 3}


def test_evaluate_refuses_errors_and_names_every_problem(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["wq_samples"] = pd.DataFrame(do_samples("Q1", [6.0, -2.0, 30.0]))
    with pytest.raises(InputError) as excinfo:
        evaluate(frames, tiny_profile)
    rules = [(i.rule, i.row, i.severity) for i in excinfo.value.issues]
    assert ("value.range", 2, "error") in rules and ("value.implausible", 3, "warning") in rules


def test_provenance_counts_rows_blank_rows_included(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_path(), data)
    flows = (data / "逐日流量.csv").read_text(encoding="utf-8-sig").splitlines()
    flows.insert(5, ",,")                                       # a blank row between data
    (data / "逐日流量.csv").write_text("\n".join(flows) + "\n", encoding="utf-8-sig")
    result = evaluate(data)
    assert result.provenance["rows"]["daily_flow"] == {"read": 1084, "used": 1083,
                                                       "rejected": 1}
    assert result.provenance["rows"]["wq_samples"] == {"read": 1368, "used": 1368,
                                                       "rejected": 0}
    blank = result.issues[result.issues["rule"] == "row.empty"]
    assert blank["row"].tolist() == [6]


def test_run_refuses_invalid_data_and_keeps_the_previous_result(tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(demo_path()), "--out", str(out)]).exit_code == 0
    before = (out / "result.json").read_bytes()
    data = tmp_path / "data"
    shutil.copytree(demo_path(), data)
    samples = data / "水质监测数据.csv"
    text = samples.read_text(encoding="utf-8-sig").replace(
        "FHGD-WQ01,2021-01-12,ph,7.15", "FHGD-WQ01,2021-01-12,ph,17.15", 1)
    samples.write_text(text, encoding="utf-8-sig")
    result = runner.invoke(app, ["run", str(data), "--out", str(out)])
    assert result.exit_code == 1
    assert "not evaluated" in result.output
    assert (out / "result.json").read_bytes() == before          # the good result stays
    issues = pd.read_csv(out / "issues.csv", encoding="utf-8-sig")
    error = issues[issues["严重程度 severity"] == "error"]
    assert error[["行号 row", "列 column", "问题值 value", "规则 rule"]].values.tolist() == [
        [2, "监测值", 17.15, "value.range"]]
    assert json.loads(before)["provenance"]["rows"]["wq_samples"]["used"] == 1368


def test_samples_whose_stations_have_no_known_water_body_are_only_dangling(tiny_frames):
    frames = dict(tiny_frames)
    frames["stations"] = frames["stations"].assign(segment_id="S9")   # no station is placed
    validation = validate_dataset(Dataset.from_frames(frames))
    assert found(validation, "date.outside_evaluation_year") == []
    # frames number rows from 1: the first station is the first row naming S9
    assert found(validation, "reference.unknown") == [("stations", 1, "segment_id", "S9",
                                                       "warning")]


def test_repeats_name_the_first_row_with_the_same_key():
    from health_eval.validate.checks import _repeats

    frame = pd.DataFrame({"a": ["x", "y", "x", None, "y", "x"], "b": [1, 1, 1, 1, 1, 2]})
    repeat, first = _repeats([pd.factorize(frame[column]) for column in ("a", "b")])
    # rows 2 and 4 repeat rows 0 and 1; row 3 has a blank key part; (x, 2) is new
    assert repeat.tolist() == [False, False, True, False, True, False]
    assert first.tolist() == [0, 1, 0, 3, 1, 5]


def test_repeats_of_keys_with_more_combinations_than_rows():
    from health_eval.validate.checks import _repeats

    # 3 columns of 60 distinct values: 61³ combinations for 120 rows are renumbered densely
    values = [f"v{i:02d}" for i in range(60)] * 2
    frame = pd.DataFrame({"a": values, "b": values[::-1], "c": values})
    frame.loc[7, "c"] = None
    repeat, first = _repeats([pd.factorize(frame[column]) for column in frame])
    expected = frame.fillna("-").duplicated(keep="first").to_numpy() & frame["c"].notna()
    assert repeat.tolist() == expected.tolist()
    assert first.tolist() == [frame.fillna("-").apply(tuple, axis=1).tolist().index(key)
                              for key in frame.fillna("-").apply(tuple, axis=1)]
