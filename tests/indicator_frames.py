"""Small raw-data packages for the indicator tests: one river R (S1 2 km, S2 3 km) and one lake
L (zones Z1 1 km², Z2 2 km²), evaluation year 2021, with whatever tables a test adds."""

from __future__ import annotations

import pandas as pd

from health_eval import evaluate

YEAR_DAYS = pd.date_range("2021-01-01", "2021-12-31", freq="D")


def base_frames(**tables: list[dict] | pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The two water bodies and their segments plus ``tables`` (records or frames)."""
    frames = {
        "water_bodies": pd.DataFrame([
            {"water_body_id": "R", "name": "测试河", "kind": "river", "evaluation_year": 2021},
            {"water_body_id": "L", "name": "测试湖", "kind": "lake", "evaluation_year": 2021}]),
        "segments": pd.DataFrame([
            {"segment_id": "S1", "water_body_id": "R", "name": "上段", "length_km": 2.0},
            {"segment_id": "S2", "water_body_id": "R", "name": "下段", "length_km": 3.0},
            {"segment_id": "Z1", "water_body_id": "L", "name": "北区", "area_km2": 1.0},
            {"segment_id": "Z2", "water_body_id": "L", "name": "南区", "area_km2": 2.0}]),
    }
    for name, rows in tables.items():
        frames[name] = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    return frames


def indicator_rows(frames: dict[str, pd.DataFrame], indicator_id: str, **options
                   ) -> pd.DataFrame:
    """The result rows of one indicator, by segment (mandatory gaps only warn)."""
    result = evaluate(frames, missing_mandatory="warn", **options)
    table = result.indicators_with_details()
    rows = table[table["indicator_id"] == indicator_id]
    return rows.set_index("segment_id")


def issues_of(frames: dict[str, pd.DataFrame], rule: str) -> pd.DataFrame:
    """The result issues with ``rule``."""
    issues = evaluate(frames, missing_mandatory="warn").issues
    return issues[issues["rule"] == rule]


def daily(station: str, values, column: str, dates=YEAR_DAYS) -> pd.DataFrame:
    """A daily series of ``station``: ``values`` (scalar or one per date) in ``column``."""
    return pd.DataFrame({"station_id": station, "date": dates, column: values})


#: The flow-deviation worked example of SPEC §4.2: measured and natural monthly flows [m³/s].
SPEC_MEASURED = [10, 12, 15, 30, 60, 80, 90, 70, 40, 25, 15, 12]
SPEC_NATURAL = [12, 14, 18, 35, 70, 100, 110, 90, 50, 30, 18, 14]


def spec_monthly_flow(water_body: str) -> list[dict]:
    """The SPEC §4.2 example as ``monthly_flow`` rows of ``water_body`` in 2021."""
    return [{"water_body_id": water_body, "year": 2021, "month": m + 1, "measured_m3s": a,
             "natural_m3s": b} for m, (a, b) in enumerate(zip(SPEC_MEASURED, SPEC_NATURAL))]
