"""Trends over archived rounds: Mann–Kendall, Sen's slope and the sentences, by hand."""

import json

import pandas as pd
import pytest
from archive_backends import *  # noqa: F403 - fixtures
from hypothesis import given
from hypothesis import strategies as st

from health_eval import archive
from health_eval.archive.trend import (
    consecutive_run,
    mann_kendall,
    run_trends,
    sen_slope,
    series_table,
    trend_sentences,
    trend_stats,
)
from health_eval.engine.result import EvaluationResult


def test_mann_kendall_and_sen_by_hand():
    # 3 values falling: S = -3 of 3 pairs, tau = -1; exact two-sided p = 2/3! = 1/3
    tau, p = mann_kendall([2021, 2022, 2023], [90, 85, 80])
    assert tau == -1.0 and p == pytest.approx(1 / 3)
    # pairwise slopes (85-90)/1, (70-90)/2, (70-85)/1 = -5, -10, -15: median -10
    assert sen_slope([2021, 2022, 2023], [90, 85, 70]) == -10.0
    # a gap year: slopes per year, not per round: (80-90)/2, (78-90)/3, (78-80)/1 -> median -4
    assert sen_slope([2020, 2022, 2023], [90, 80, 78]) == -4.0


def test_consecutive_run():
    assert consecutive_run([1, 2, 3, 4], [50, 60, 55, 52]) == (3, -1)
    assert consecutive_run([1, 2, 3], [50, 60, 70]) == (3, 1)
    assert consecutive_run([1, 2, 3], [50, 50, 50]) == (1, 0)
    assert consecutive_run([1], [50]) == (1, 0)


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=12))
def test_run_is_the_falling_or_rising_tail(values):
    n, direction = consecutive_run(range(len(values)), values)
    tail = values[-n:]
    steps = [b - a for a, b in zip(tail, tail[1:])]
    assert 1 <= n <= len(values)
    assert all((s < 0) if direction < 0 else (s > 0) for s in steps) or direction == 0
    if n < len(values) and direction:           # the value before the run breaks it
        assert (values[-n] - values[-n - 1]) * direction <= 0


def _series(values, years=(2021, 2022, 2023), label="溶解氧"):
    return pd.DataFrame({"series": "water.do", "label": label, "kind": "indicator",
                         "evaluation_year": list(years), "round": range(1, len(years) + 1),
                         "value": values})


def test_sentences():
    falling = trend_sentences(trend_stats(_series([90.0, 85.0, 80.0])))
    assert falling == ["溶解氧得分连续三年下降（至 2023 年，Sen 斜率 -5.0 分/年，"
                       "Mann–Kendall p = 0.33）"]
    gaps = trend_sentences(trend_stats(_series([60.0, 70.0, 75.0], (2019, 2021, 2023))), "en")
    assert gaps == ["溶解氧 has risen 3 evaluations in a row (to 2023; Sen's slope +3.8 "
                    "points/year, Mann–Kendall p = 0.33)"]
    assert trend_sentences(trend_stats(_series([90.0, 70.0, 80.0]))) == []
    assert trend_stats(_series([90.0, 85.0], (2021, 2022))).empty      # fewer than 3 years


def test_trend_over_three_archived_years(archive_url, demo_rounds, tmp_path):
    """2021 and 2022 of the demo, then a 2023 where the water-quality score fell again."""
    folder_1, facts_1 = demo_rounds[2021]
    folder_2, facts_2 = demo_rounds[2022]
    later = EvaluationResult.from_json(folder_2 / "result.json")
    quality = later.indicators["indicator_id"] == "water.self_purification"
    later.indicators.loc[quality, "score"] -= 10
    with archive.open(archive_url) as store:
        store.add(folder_1, facts=facts_1)
        # 2022: the self-purification score lower than in 2021 too
        year_2 = EvaluationResult.from_json(folder_2 / "result.json")
        year_2.indicators.loc[quality, "score"] -= 5
        store.add(year_2, facts=facts_2)
        sentences = run_trends(store, later, {"FHGD": 2023, "XH": 2023})
        store.add(later, facts=facts_2.assign(evaluation_year=2023))
        series = series_table(store, "FHGD", ["water.self_purification"])
        written, stats = archive.trend.write_trend(store, "FHGD", tmp_path,
                                                   ["water.self_purification"])
    scores = series[series["series"] == "water.self_purification"]["value"].round(1).tolist()
    assert scores == [82.8, 77.8, 72.8]
    row = stats[stats["series"] == "water.self_purification"].iloc[0]
    assert row["sen_slope"] == pytest.approx(-5.0) and row["tau"] == -1.0
    expected = "水体自净能力得分连续三年下降（至 2023 年，Sen 斜率 -5.0 分/年，Mann–Kendall p = 0.33）"
    assert expected in sentences["FHGD"]["zh"]
    assert [p.name for p in written] == ["trend.html", "trend.xlsx"]
    html = written[0].read_text("utf-8")
    assert json.dumps("三类河湖 亚健康")[1:-1] in html              # the class bands
    assert '<script src="http' not in html                            # plotly.js embedded
