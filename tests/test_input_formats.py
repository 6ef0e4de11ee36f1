"""The same input package gives the same result from every format a bureau produces."""

import shutil

import pandas as pd
import pytest

from health_eval import evaluate, load_dataset
from health_eval.cli import demo_path
from health_eval.io.tables import CATALOGUE


def demo_tables() -> dict[str, pd.DataFrame]:
    """The demo's CSV files as text frames with their Chinese headers, keyed by table code."""
    tables = {}
    for path in sorted(demo_path().glob("*.csv")):
        spec = next(s for s in CATALOGUE.values() if s.zh == path.stem)
        tables[spec.name] = pd.read_csv(path, encoding="utf-8-sig", dtype=str,
                                        keep_default_na=False)
    return tables


def comparable(result) -> dict:
    """The result without provenance, and its issues without where the input lay (file, sheet
    and row differ by format; the demo's one warning, a daily-series gap, names its file)."""
    data = result.to_dict()
    data.pop("provenance")
    data["issues"] = [{k: v for k, v in issue.items() if k not in ("file", "sheet", "row")}
                      for issue in data["issues"]]
    return data


@pytest.fixture(scope="module")
def reference():
    return comparable(evaluate(demo_path()))


def test_workbook_with_chinese_sheet_names_and_a_title_row(tmp_path, reference):
    path = tmp_path / "demo.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in demo_tables().items():
            sheet = CATALOGUE[name].zh
            frame.to_excel(writer, sheet_name=sheet, index=False, startrow=1)
            writer.sheets[sheet]["A1"] = f"2021年{sheet}（合成演示数据）"
    assert comparable(evaluate(path)) == reference


def test_title_row_named_like_a_column_is_not_the_header(tmp_path):
    path = tmp_path / "phytoplankton.xlsx"
    frames = demo_tables()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name in ("water_bodies", "segments", "stations", "phytoplankton"):
            sheet = CATALOGUE[name].zh
            frames[name].to_excel(writer, sheet_name=sheet, index=False, startrow=1)
            writer.sheets[sheet]["A1"] = f"{sheet}（2021年，合成演示数据）"
    assert len(load_dataset(path).table("phytoplankton")) == 24


def test_gb18030_csv_folder(tmp_path, reference):
    for name, frame in demo_tables().items():
        frame.to_csv(tmp_path / f"{CATALOGUE[name].zh}.csv", index=False, encoding="gb18030")
    assert comparable(evaluate(tmp_path)) == reference


def test_parquet_folder_with_english_names(tmp_path, reference):
    for name, frame in demo_tables().items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    assert comparable(evaluate(tmp_path)) == reference


def test_dict_of_frames(reference):
    assert comparable(evaluate(demo_tables())) == reference


def test_input_hashes_do_not_depend_on_where_the_package_lies(tmp_path):
    copy = tmp_path / "demo"
    shutil.copytree(demo_path(), copy)
    assert load_dataset(copy).input_hashes() == load_dataset(demo_path()).input_hashes()
