"""Benchmark: writing ``result.xlsx`` through the one writer path, against pandas' plain writer.

``python benchmarks/result_xlsx.py --segments 1000`` evaluates a synthetic package
(``benchmarks/synthetic.py``) and writes its result twice in the same process:

- ``pandas_s``: ``DataFrame.to_excel`` of each table (openpyxl, in memory: no neutralising of
  formulas or control characters, no formatting) — the writer ``result.xlsx`` used before;
- ``writer_s``: :meth:`EvaluationResult.to_excel` (:func:`health_eval.io.sheets.write_workbook`:
  streamed rows, formulas and control characters neutralised, bold frozen headers, widths);

and prints one JSON line with both and ``ratio = writer_s / pandas_s``, measured in one run
(the machine's load moves both alike).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import synthetic  # noqa: E402

import health_eval  # noqa: E402
from health_eval.engine.result import SHEET_NAMES_ZH, TABLE_NAMES, _excel_headers, _plain  # noqa: E402


def pandas_workbook(result: health_eval.EvaluationResult, path: Path) -> None:
    """Every table of ``result`` by ``DataFrame.to_excel`` (``details`` as JSON text)."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name in TABLE_NAMES:
            frame = (result.indicators_with_details() if name == "indicators"
                     else getattr(result, name).copy())
            if "details" in frame:
                frame["details"] = [json.dumps(_plain(d), ensure_ascii=False, sort_keys=True)
                                    for d in frame["details"]]
            frame.to_excel(writer, sheet_name=SHEET_NAMES_ZH[name], index=False,
                           header=_excel_headers(name, frame.columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    segments = parser.parse_args().segments
    result = health_eval.evaluate(synthetic.generate(segments))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        pandas_workbook(result, Path(folder) / "pandas.xlsx")
        pandas_s = time.perf_counter() - start
        start = time.perf_counter()
        result.to_excel(Path(folder) / "result.xlsx")
        writer_s = time.perf_counter() - start
    print(json.dumps({"segments": segments, "indicator_rows": len(result.indicators),
                      "pandas_s": round(pandas_s, 2), "writer_s": round(writer_s, 2),
                      "ratio": round(writer_s / pandas_s, 2)}))


if __name__ == "__main__":
    main()
