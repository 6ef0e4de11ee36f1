"""The automatic monitoring platform importer (cnemc) against the demo's own samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from import_checks import assert_same_indicators, demo_dataset, sorted_table
from importer_fixtures import cnemc_rows, demo_table, package, station_names, write_cnemc

import health_eval
from health_eval.issues import InputError

PLATFORM = {"ph", "do", "codmn", "nh3n", "tp", "tn", "chla"}
KEYS = ["station_id", "date", "parameter"]
COLUMNS = KEYS + ["value", "unit"]


@pytest.fixture
def rows() -> pd.DataFrame:
    return cnemc_rows(demo_table("水质监测数据"), station_names())


def _load(tmp_path, rows, name="自动站导出.csv", **kw):
    folder = package(tmp_path / "pkg", ("水质监测数据",))
    write_cnemc(folder / name, rows, **kw)
    return health_eval.load_dataset(folder)


def _demo_platform_samples() -> pd.DataFrame:
    samples = demo_dataset().table("wq_samples")
    return sorted_table(samples[samples["parameter"].isin(PLATFORM)], KEYS, COLUMNS)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_daily_means_equal_the_demo_samples(tmp_path, rows, encoding):
    dataset = _load(tmp_path, rows, encoding=encoding)
    samples = dataset.table("wq_samples")
    got = sorted_table(samples[samples["parameter"].isin(PLATFORM)], KEYS, COLUMNS)
    want = _demo_platform_samples()
    assert got[KEYS + ["unit"]].astype(str).equals(want[KEYS + ["unit"]].astype(str))
    np.testing.assert_allclose(got["value"], want["value"], rtol=1e-12)
    # chl-a: 0.0093 mg/L on the platform is 9.3 mg/m³ for the engine
    chla = got[(got["parameter"] == "chla") & (got["station_id"] == "XH-WQ01")]
    assert chla["unit"].iloc[0] == "mg/m3" and chla["value"].iloc[0] == pytest.approx(9.3)
    # 4 hourly rows per sampling day: 5 stations × 12 days read, 60 station-days
    account = dataset.imports[0]
    assert (account["importer"], account["read"], account["used"], account["rejected"]) == (
        "cnemc", 240, 240, 0)
    assert "日均值" in account["notes"] and "daily means" in account["notes"]


def test_evaluation_equals_the_demo_on_the_same_data(tmp_path, rows):
    imported = health_eval.evaluate(_load(tmp_path, rows))
    demo = demo_dataset()
    samples = demo.tables["wq_samples"]
    demo.tables["wq_samples"] = samples[samples["parameter"].isin(PLATFORM)].reset_index(
        drop=True)
    assert_same_indicators(imported, health_eval.evaluate(demo))
    assert imported.provenance["imports"][0]["importer"] == "cnemc"
    assert "自动站导出.csv" in " ".join(imported.provenance["inputs"])


def test_not_measured_once_per_column_and_station_invalid_rows_counted(tmp_path, rows):
    bad = rows.iloc[[0, 1]].assign(站点情况="维护", **{"氨氮(mg/L)": "99"})
    rows = pd.concat([rows, bad], ignore_index=True)
    rows.loc[rows.index[:4], "总磷(mg/L)"] = ["*", "/", "", "--"]      # a whole day of FHGD-WQ01
    dataset = _load(tmp_path, rows)
    issues = [i for i in dataset.issues if i.rule.startswith("import.")]
    invalid = [i for i in issues if i.rule == "import.row_invalid"]
    assert [(i.value, i.row, i.column) for i in invalid] == [("维护", 242, "站点情况")]
    assert "2 行" in invalid[0].message_zh
    tp = [i for i in issues if i.rule == "import.not_measured" and i.column == "总磷(mg/L)"]
    assert [(i.row, i.severity) for i in tp] == [(2, "warning")]
    assert "4 个单元格" in tp[0].message_zh
    # FHGD river stations have no chl-a: one warning per station, not one per cell
    chla = [i for i in issues if i.rule == "import.not_measured" and i.column.startswith("叶绿素")]
    assert len(chla) == 3
    account = dataset.imports[0]
    assert (account["read"], account["used"], account["rejected"]) == (242, 240, 2)
    samples = dataset.table("wq_samples")
    first = samples[(samples["station_id"] == "FHGD-WQ01") & (samples["parameter"] == "tp")]
    assert first["date"].min() == pd.Timestamp("2021-02-09")          # the 01-12 day is gone
    assert not (samples["value"] == 99).any()                          # the invalid rows


def test_time_without_year_takes_the_evaluation_year(tmp_path, rows):
    rows["监测时间"] = rows["监测时间"].str[5:]                          # "01-12 00:00"
    dataset = _load(tmp_path, rows)
    warned = [i for i in dataset.issues if i.rule == "import.year_assumed"]
    assert [(i.value, i.row) for i in warned] == [("01-12 00:00", 2)]
    assert "240" in warned[0].message_en and "2021" in warned[0].message_en
    assert dataset.table("wq_samples")["date"].min() == pd.Timestamp("2021-01-12")


def test_names_matched_loosely_unknown_listed_once_with_the_closest(tmp_path, rows):
    loose = rows["断面名称"] == "上段水质断面（演示）"
    rows.loc[loose, "断面名称"] = "上段水质 断面（演示）"                 # full-width space
    rows.loc[rows["断面名称"] == "下段水质断面（演示）", "断面名称"] = "下段水质断面（旧）"
    dataset = _load(tmp_path, rows)
    unknown = [i for i in dataset.issues if i.rule == "import.station_unknown"]
    assert [(i.value, i.row, i.severity) for i in unknown] == [("下段水质断面（旧）", 98, "warning")]
    assert "下段水质断面（演示）" in unknown[0].message_zh and "48" in unknown[0].message_en
    stations = set(dataset.table("wq_samples")["station_id"])
    assert "FHGD-WQ01" in stations and "FHGD-WQ03" not in stations
    assert dataset.imports[0]["rejected"] == 48


def test_two_stations_with_one_name_is_an_error(tmp_path, rows):
    folder = package(tmp_path / "pkg", ("水质监测数据",))
    stations = pd.read_csv(folder / "监测站点.csv", dtype=str, keep_default_na=False)
    stations.loc[stations["测站编码"] == "FHGD-WQ02", "测站名称"] = "上段水质断面（演示）"
    stations.to_csv(folder / "监测站点.csv", index=False, encoding="utf-8-sig")
    write_cnemc(folder / "自动站导出.csv", rows)
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    errors = [i for i in caught.value.issues if i.rule == "import.station_ambiguous"]
    assert [(i.value, i.row, i.column) for i in errors] == [("上段水质断面（演示）", 2, "断面名称")]
    assert "FHGD-WQ01, FHGD-WQ02" in errors[0].message_en


def test_unreadable_value_located(tmp_path, rows):
    rows.loc[5, "氨氮(mg/L)"] = "0.3 4"
    with pytest.raises(InputError) as caught:
        _load(tmp_path, rows)
    [error] = [i for i in caught.value.issues if i.severity == "error"]
    assert (error.rule, error.row, error.column, error.value) == (
        "import.value_unreadable", 7, "氨氮(mg/L)", "0.3 4")
    assert error.file.endswith("自动站导出.csv")


def test_xlsx_export_and_forced_kind(tmp_path, rows):
    folder = package(tmp_path / "pkg", ("水质监测数据",))
    rows.to_excel(folder / "自动站导出.xlsx", index=False)
    dataset = health_eval.load_dataset(folder, ["cnemc"])
    got = sorted_table(dataset.table("wq_samples")[lambda f: f["parameter"].isin(PLATFORM)],
                       KEYS, COLUMNS)
    np.testing.assert_allclose(got["value"], _demo_platform_samples()["value"], rtol=1e-12)
    with pytest.raises(InputError) as caught:                     # no yearbook in the package
        health_eval.load_dataset(folder, ["yearbook"])
    assert [i.rule for i in caught.value.issues if i.severity == "error"] == [
        "import.not_recognised"]


def test_many_files_join_and_keep_their_own_places(tmp_path, rows):
    folder = package(tmp_path / "pkg", ("水质监测数据",))
    half = rows["监测时间"] < "2021-07"
    write_cnemc(folder / "自动站_上半年.csv", rows[half])
    write_cnemc(folder / "自动站_下半年.csv", rows[~half], encoding="gb18030")
    dataset = health_eval.load_dataset(folder)
    got = sorted_table(dataset.table("wq_samples")[lambda f: f["parameter"].isin(PLATFORM)],
                       KEYS, COLUMNS)
    np.testing.assert_allclose(got["value"], _demo_platform_samples()["value"], rtol=1e-12)
    assert [(a["file"].rsplit("/", 1)[-1], a["read"]) for a in dataset.imports] == [
        ("自动站_上半年.csv", 120), ("自动站_下半年.csv", 120)]
    source = dataset.sources["wq_samples"]
    assert "自动站_上半年.csv" in source.file and "自动站_下半年.csv" in source.file
    # the second file's first row is its own line 2
    later = np.flatnonzero((dataset.table("wq_samples")["date"] >= "2021-07-01").to_numpy())
    assert dataset.row_number("wq_samples", later[0]) == 2


def test_a_package_without_stations_is_one_error(tmp_path, rows):
    folder = package(tmp_path / "pkg", ("水质监测数据", "监测站点", "逐日流量", "逐日水位",
                                        "取水口供水", "饮用水水源地监测", "浮游植物密度"))
    write_cnemc(folder / "自动站导出.csv", rows)
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder, ["cnemc"])
    imported = [i for i in caught.value.issues if i.rule.startswith("import.")
                and i.severity == "error"]
    assert [(i.rule, i.column) for i in imported] == [("import.no_reference", "断面名称")]
