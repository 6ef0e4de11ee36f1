"""The synthetic raw packages and the benchmark suite keep working (no timing is asserted)."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import CASE_KEYS  # noqa: E402
from synthetic import generate, write_parquet  # noqa: E402

from health_eval import evaluate, load_dataset, load_profile  # noqa: E402

#: Indicators fed on purpose for a share of the places only: other segments are ``no_data``.
SPARSE = {"social.water_supply", "social.drinking_source", "social.navigation"}


@pytest.fixture(scope="module")
def package():
    frames = generate(100, seed=0)
    return frames, evaluate(frames)


def test_generator_writes_raw_tables_only_and_is_deterministic():
    frames = generate(30, seed=3)
    assert "indicator_values" not in frames
    again = generate(30, seed=3)
    assert list(frames) == list(again)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    assert not generate(30, seed=4)["wq_samples"]["value"].equals(frames["wq_samples"]["value"])
    assert len(frames["segments"]) == 30 and len(frames["water_bodies"]) == 3


def test_every_profile_indicator_computes_from_raw_data(package):
    frames, result = package
    assert result.ok, result.issues[result.issues["severity"] == "error"].to_string()
    assert set(result.issues["rule"]) <= {"series.gaps"}
    rows = result.indicators
    wanted = (set(load_profile("mwr2020-river").used_indicators)
              | set(load_profile("mwr2020-lake").used_indicators))
    assert len(wanted) == 26
    computed = set(rows.loc[rows["status"] == "ok", "indicator_id"])
    assert computed == wanted
    assert set(rows["source"].dropna()) == {"computed"}
    not_ok = rows[rows["status"] != "ok"]
    assert set(not_ok["status"]) <= {"no_data"} and set(not_ok["indicator_id"]) <= SPARSE
    river = rows[rows["water_body_id"].isin(
        frames["water_bodies"].loc[frames["water_bodies"]["kind"] == "river", "water_body_id"])]
    assert river.groupby("segment_id").size().eq(19).all()
    assert rows.groupby("segment_id").size().isin([19, 20]).all()


def test_results_spread_over_the_health_classes(package):
    _, result = package
    segments = result.segments
    assert segments["rhi"].between(0, 100).all()
    assert segments["health_class"].nunique() >= 4
    assert result.water_bodies["rhi"].notna().all()


def test_batch_and_one_by_one_evaluation_agree():
    dataset = load_dataset(generate(50, seed=2))
    batch = evaluate(dataset)
    ids = batch.water_bodies["water_body_id"].tolist()
    assert len(ids) == 5
    singles = [evaluate(dataset.subset([wb])) for wb in ids]
    for table in ("water_bodies", "segments"):
        one_by_one = pd.concat([getattr(r, table) for r in singles], ignore_index=True)
        pd.testing.assert_series_equal(getattr(batch, table)["rhi"], one_by_one["rhi"],
                                       check_exact=True)
        assert getattr(batch, table)["health_class"].tolist() == \
            one_by_one["health_class"].tolist()
    key = ["water_body_id", "segment_id", "indicator_id"]
    one_by_one = (pd.concat([r.indicators_with_details() for r in singles], ignore_index=True)
                  .sort_values(key).reset_index(drop=True))
    together = batch.indicators_with_details().sort_values(key).reset_index(drop=True)
    columns = key + ["status", "value", "score", "weight", "n_obs"]
    pd.testing.assert_frame_equal(together[columns], one_by_one[columns], check_exact=True)
    assert together["details"].tolist() == one_by_one["details"].tolist()


def test_parquet_folder_round_trips_and_partitions(tmp_path):
    frames = generate(20, seed=1)
    plain = tmp_path / "plain"
    write_parquet(frames, plain)
    assert sorted(p.stem for p in plain.glob("*.parquet")) == sorted(frames)
    assert evaluate(plain).water_bodies["rhi"].tolist() == \
        evaluate(frames).water_bodies["rhi"].tolist()

    hive = tmp_path / "hive"
    write_parquet(frames, hive, partition_by_water_body=True)
    assert (hive / "benthos_taxa.parquet").is_file()                   # shared: not partitioned
    samples = pads.dataset(hive / "wq_samples", partitioning="hive").to_table().to_pandas()
    assert len(samples) == len(frames["wq_samples"])
    assert set(samples["water_body_id"].astype(str)) == set(frames["water_bodies"]
                                                            ["water_body_id"])
    parts = sorted(p.name for p in (hive / "daily_flow").iterdir())
    assert all(p.startswith("water_body_id=") for p in parts)


def test_benchmark_suite_prints_one_json_line_per_case_and_a_summary():
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"),
                                "--segments", "200", "--quick"],
                               capture_output=True, text=True, timeout=300, check=True)
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(lines) == 2, completed.stdout
    case, summary = lines
    assert list(case) == list(CASE_KEYS)
    assert case["segments"] == 200 and case["water_bodies"] == 20
    assert case["input_rows"] > 200 * 12 * 22
    assert all(case[k] > 0 for k in ("load_s", "coerce_s", "score_s", "evaluate_s", "ratio",
                                      "peak_rss_mb", "batch_vs_loop"))
    assert case["evaluate_s"] == pytest.approx(case["coerce_s"] + case["score_s"], abs=2e-3)
    assert set(summary) == {"summary", "growth_1k_to_10k"}
    assert summary["growth_1k_to_10k"] is None and summary["summary"]["cases"] == [200]
    assert summary["summary"]["batch_vs_loop"]["water_bodies"] > 1
    # the ratio divides by the floor read in its own default process, not by the evaluating
    # process's read under the CLI's memory settings (reported beside)
    assert case["ratio"] == pytest.approx(case["evaluate_s"] / case["load_s"], rel=0.02)
    memory = summary["summary"]["memory"]
    assert set(memory) == {"settings", "load_s_with_them"} and "200" in memory["load_s_with_them"]


def test_benchmark_without_the_memory_settings():
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"),
                                "--segments", "100", "--batch-water-bodies", "0",
                                "--default-memory"],
                               capture_output=True, text=True, timeout=300, check=True)
    case, summary = [json.loads(line) for line in completed.stdout.splitlines()]
    assert case["segments"] == 100 and case["batch_vs_loop"] is None
    assert summary["summary"]["memory"]["settings"] == {}


def test_engine_benchmark_prints_the_issue_figures_as_ratios_of_its_own_timings():
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "engine.py"),
                                "--repeat", "1", "--sizes", "50", "100",
                                "--batch-water-bodies", "3"],
                               capture_output=True, text=True, timeout=300, check=True)
    demo, scale, summary = [json.loads(line) for line in completed.stdout.splitlines()]
    demo, scale = demo["demo"], scale["scale"]
    assert demo["csv_files"] == 27
    assert demo["folder_ratio"] == pytest.approx(
        demo["evaluate_folder_s"] / demo["read_csv_s"], rel=0.02, abs=0.1)
    assert demo["dataset_ratio"] == pytest.approx(
        demo["evaluate_dataset_s"] / demo["read_csv_s"], rel=0.02, abs=0.1)
    assert set(scale["segments"]) == {"50", "100"} and scale["growth_segments"] == [50, 100]
    large = scale["segments"]["100"]
    assert scale["ratio"] == pytest.approx(large["evaluate_s"] / large["load_s"], rel=0.02)
    assert scale["growth"] == pytest.approx(
        large["evaluate_s"] / scale["segments"]["50"]["evaluate_s"], rel=0.02)
    assert scale["peak_rss_mb"] == large["peak_rss_mb"] > 0
    assert scale["batch_water_bodies"] == 3 and scale["batch_vs_loop"] > 0
    assert summary["summary"]["cpus"] >= 1 and len(summary["summary"]["load_average"]) == 2
