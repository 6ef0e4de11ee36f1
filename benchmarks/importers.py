"""Reading a year of hourly platform data: the cnemc importer against a plain ``read_csv``.

Writes a year of hourly automatic-monitoring data for ``--stations`` stations (8,760 rows each;
100 stations: 876,000 rows) in the platform's published layout to a temporary CSV file, then
times, in one run and on the same file,

- ``pandas.read_csv(file)``, the floor: parsing the text, nothing else;
- the cnemc importer (:mod:`health_eval.io.importers.cnemc`): decoding, header detection,
  station matching, times, no-value marks, rejected rows, unit conversion, daily means and
  the long form,

and prints one JSON line: rows, seconds of each (best of ``--repeat``) and their ratio (target
≤ 3). Run from the repository root::

    .venv/bin/python benchmarks/importers.py
    .venv/bin/python benchmarks/importers.py --stations 10 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from health_eval.io.importers import IMPORTERS
from health_eval.io.importers.base import References, read_sources


def hourly_year(path: Path, stations: int, year: int = 2021, seed: int = 1) -> int:
    """Write a year of hourly platform data (2 % of 氨氮 cells ``--``, 1 % of rows 维护);
    return the number of rows."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(f"{year}-01-01", periods=8760, freq="h").strftime("%Y-%m-%d %H:%M")
    n = stations * len(hours)

    def uniform(low, high, decimals):
        return rng.uniform(low, high, n).round(decimals)

    frame = pd.DataFrame({
        "省份": "江西省", "流域": "长江流域",
        "断面名称": np.repeat([f"测试断面{k:03d}" for k in range(1, stations + 1)], len(hours)),
        "监测时间": np.tile(hours, stations), "水质类别": "Ⅲ",
        "水温(℃)": uniform(5, 30, 1), "pH(无量纲)": uniform(6.5, 8.5, 2),
        "溶解氧(mg/L)": uniform(4, 10, 2), "电导率(μS/cm)": uniform(200, 400, 0),
        "浊度(NTU)": uniform(1, 50, 1), "高锰酸盐指数(mg/L)": uniform(1, 6, 2),
        "氨氮(mg/L)": uniform(0.05, 1.5, 3).astype(object), "总磷(mg/L)": uniform(0.01, 0.3, 3),
        "总氮(mg/L)": uniform(0.3, 2.5, 2), "叶绿素α(mg/L)": uniform(0.001, 0.05, 4),
        "藻密度(cells/L)": uniform(1e5, 1e7, -3), "站点情况": "正常"})
    frame.loc[rng.random(n) < 0.02, "氨氮(mg/L)"] = "--"
    frame.loc[rng.random(n) < 0.01, "站点情况"] = "维护"
    frame.to_csv(path, index=False, encoding="utf-8")
    return n


def references(stations: int) -> References:
    """A package's tables naming the stations of the file (one water body, year 2021)."""
    refs = References.from_raws([])
    codes = [f"S{k:03d}" for k in range(1, stations + 1)]
    refs.stations = pd.DataFrame({"station_id": codes, "name": [
        f"测试断面{k:03d}" for k in range(1, stations + 1)], "segment_id": "SEG"})
    refs.segments = pd.DataFrame({"segment_id": ["SEG"], "water_body_id": ["WB"],
                                  "name": ["测试河段"]})
    refs.water_bodies = pd.DataFrame({"water_body_id": ["WB"], "name": ["测试河"],
                                      "evaluation_year": [2021.0]})
    return refs


def best(seconds: list[float]) -> float:
    return round(min(seconds), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    importer = IMPORTERS["cnemc"]
    refs = references(args.stations)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "platform.csv"
        rows = hourly_year(path, args.stations)
        plain, imported = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            pd.read_csv(path)
            plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            [source] = read_sources(path)
            result = importer.read(source, refs, {})
            imported.append(time.perf_counter() - start)
    print(json.dumps({"rows": rows, "stations": args.stations,
                      "read_csv_s": best(plain), "cnemc_s": best(imported),
                      "ratio": round(min(imported) / min(plain), 2),
                      "daily_rows": len(result.frame), "rejected": result.account["rejected"]}))


if __name__ == "__main__":
    main()
