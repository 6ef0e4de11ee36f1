"""Workbooks for the workbench tests: a demo package's CSV folder written as one .xlsx (one
sheet per table, named as the CSV file), optionally with one cell broken."""

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "health_eval" / "data" / "demo"
DEMO_2022 = ROOT / "health_eval" / "data" / "demo_2022"


def demo_workbook(folder: Path, path: Path, broken: tuple[str, int, str, str] | None = None
                  ) -> Path:
    """Write ``folder``'s CSV files into ``path``; ``broken`` = (sheet, data row index, column,
    new text) replaces one cell (row 0 is the sheet's Excel row 2)."""
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for csv in sorted(folder.glob("*.csv")):
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            if broken and broken[0] == csv.stem:
                frame.loc[broken[1], broken[2]] = broken[3]
            frame.to_excel(book, sheet_name=csv.stem, index=False)
    return path
