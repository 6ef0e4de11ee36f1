"""Bureau files written from the demo data in their real layouts, for the importer tests.

Each writer takes the demo's own table and writes what a bureau holds: the automatic monitoring
platform's hourly export, a monthly manual monitoring report, hydrological yearbook daily
tables, an online questionnaire export. The tests read them back and compare with the demo.
"""

from __future__ import annotations

import calendar
import shutil
from pathlib import Path

import openpyxl
import pandas as pd

from health_eval.cli import demo_path

#: The platform's published header.
CNEMC_HEADER = ["省份", "流域", "断面名称", "监测时间", "水质类别", "水温(℃)", "pH(无量纲)",
                "溶解氧(mg/L)", "电导率(μS/cm)", "浊度(NTU)", "高锰酸盐指数(mg/L)", "氨氮(mg/L)",
                "总磷(mg/L)", "总氮(mg/L)", "叶绿素α(mg/L)", "藻密度(cells/L)", "站点情况"]
#: Platform column → demo parameter (and the factor from the demo's unit to the platform's).
CNEMC_PARAMETERS = {"pH(无量纲)": ("ph", 1.0), "溶解氧(mg/L)": ("do", 1.0),
                    "高锰酸盐指数(mg/L)": ("codmn", 1.0), "氨氮(mg/L)": ("nh3n", 1.0),
                    "总磷(mg/L)": ("tp", 1.0), "总氮(mg/L)": ("tn", 1.0),
                    "叶绿素α(mg/L)": ("chla", 1e-3)}
#: Readings per sampling day (their mean is the demo's value).
HOURS = ((0, 0.9), (6, 1.1), (12, 1.0), (18, 1.0))


def demo_table(name: str) -> pd.DataFrame:
    """A demo CSV as text cells."""
    return pd.read_csv(demo_path() / f"{name}.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def package(folder: Path, without: tuple[str, ...]) -> Path:
    """A copy of the demo package without the named tables (Chinese names)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in demo_path().glob("*.csv"):
        if path.stem not in without:
            shutil.copy(path, folder / path.name)
    return folder


def station_names() -> dict[str, str]:
    stations = demo_table("监测站点")
    return dict(zip(stations["测站编码"], stations["测站名称"]))


def cnemc_rows(samples: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The platform export of the demo samples: four readings per sampling day."""
    wide = samples[samples["监测项目"].isin([p for p, _ in CNEMC_PARAMETERS.values()])].pivot(
        index=["测站编码", "采样日期"], columns="监测项目", values="监测值").reset_index()
    records = []
    for record in wide.to_dict("records"):
        for hour, share in HOURS:
            row = {"省份": "江西省", "流域": "长江流域", "断面名称": names[record["测站编码"]],
                   "监测时间": f"{record['采样日期']} {hour:02d}:00", "水质类别": "Ⅲ",
                   "水温(℃)": "--", "电导率(μS/cm)": "312", "浊度(NTU)": "8.5",
                   "藻密度(cells/L)": "1.2E+06", "站点情况": "正常"}
            for column, (code, factor) in CNEMC_PARAMETERS.items():
                value = record.get(code)
                row[column] = "--" if pd.isna(value) else repr(float(value) * factor * share)
            records.append(row)
    return pd.DataFrame(records, columns=CNEMC_HEADER)


def write_cnemc(path: Path, rows: pd.DataFrame, encoding: str = "utf-8-sig") -> Path:
    rows.to_csv(path, index=False, encoding=encoding)
    return path


# --------------------------------------------------------------------------------------------
# Manual monitoring report
# --------------------------------------------------------------------------------------------

#: Report column headers, in the report's order, for the demo's parameters.
MANUAL_COLUMNS = {"ph": "pH值(无量纲)", "do": "溶解氧(mg/L)", "codmn": "高锰酸盐指数(mg/L)",
                  "cod": "化学需氧量(mg/L)", "bod5": "五日生化需氧量(mg/L)", "nh3n": "氨氮(mg/L)",
                  "tp": "总磷(mg/L)", "tn": "总氮(mg/L)", "cu": "铜(mg/L)", "zn": "锌(mg/L)",
                  "fluoride": "氟化物(mg/L)", "se": "硒(mg/L)", "as": "砷(mg/L)", "hg": "汞(mg/L)",
                  "cd": "镉(mg/L)", "cr6": "铬(六价)(mg/L)", "pb": "铅(mg/L)",
                  "cyanide": "氰化物(mg/L)", "volatile_phenol": "挥发酚(mg/L)",
                  "petroleum": "石油类(mg/L)", "las": "阴离子表面活性剂(mg/L)",
                  "sulfide": "硫化物(mg/L)", "chla": "叶绿素a(mg/m3)", "sd": "透明度(m)"}


def write_manual(path: Path, samples: pd.DataFrame, names: dict[str, str]) -> Path:
    """A monthly report workbook: one sheet per month, a merged title, notes below; values
    below detection written ``0.01L`` (national notation) or ``<0.01`` alternately."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    samples = samples.assign(month=samples["采样日期"].str[5:7].astype(int))
    for month, part in samples.groupby("month"):
        sheet = book.create_sheet(f"{month}月")
        headers = ["序号", "河流(湖库)名称", "断面名称", "采样日期", *MANUAL_COLUMNS.values(),
                   "水质类别"]
        sheet.append([f"青云谱区地表水环境质量监测月报（2021年{month}月）"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        sheet.append(["监测单位：区环境监测站（演示）"])
        sheet.append(headers)
        wide = part.pivot(index=["测站编码", "采样日期"], columns="监测项目",
                          values="监测值").reset_index()
        for k, record in enumerate(wide.to_dict("records"), 1):
            cells = []
            for code in MANUAL_COLUMNS:
                value = record.get(code)
                if pd.isna(value):
                    cells.append(None)
                elif value.startswith("<"):
                    cells.append(f"{value[1:]}L" if k % 2 else value)
                else:
                    cells.append(float(value))
            sheet.append([k, "演示水体", names[record["测站编码"]], record["采样日期"], *cells,
                          "Ⅲ"])
        sheet.append([])
        sheet.append(["注：“L”表示低于检出限，数值为检出限。"])
        sheet.append(["审核：（演示）"])
    book.save(path)
    return path


# --------------------------------------------------------------------------------------------
# Hydrological yearbook
# --------------------------------------------------------------------------------------------

MONTHS_ZH = ("一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月",
             "十一月", "十二月")


def yearbook_sheet(book, title: str, station: str, code: str, year: int, unit: str,
                   values: dict[pd.Timestamp, str], kind: str = "流量",
                   impossible: dict[tuple[int, int], str] | None = None) -> None:
    """One station-year: merged title, a line naming year, station, code and unit, the
    day × month matrix, then the summary rows."""
    sheet = book.create_sheet(title)
    sheet.append([f"逐日平均{kind}表"])
    sheet.merge_cells("A1:M1")
    sheet.append([f"{year} 年", None, f"测站：{station}", None, None, f"编码：{code}", None,
                  None, None, f"单位：{unit}"])
    sheet.append(["日\\月", *MONTHS_ZH])
    for day in range(1, 32):
        line = [day]
        for month in range(1, 13):
            cell = None
            if day <= calendar.monthrange(year, month)[1]:
                cell = values.get(pd.Timestamp(year, month, day))
            elif impossible and (month, day) in impossible:
                cell = impossible[(month, day)]
            line.append(cell)
        sheet.append(line)
    for label in ("月平均", "最大", "日期", "最小", "日期"):
        sheet.append([label, *["—"] * 12])
    sheet.append(["年统计", "最大流量 3.1", None, None, "最小流量 0.9"])
    sheet.append(["附注", "（演示）"])


def write_yearbook(path: Path, daily: pd.DataFrame, value_column: str, unit: str, kind: str,
                   names: dict[str, str], marks: bool = True) -> Path:
    """A workbook with one sheet per station-year of a demo daily table; with ``marks`` the
    first two values of each station carry a yearbook mark (``B`` and brackets)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for code, part in daily.groupby("测站编码", sort=True):
        dates = pd.to_datetime(part["日期"])
        values = dict(zip(dates, part[value_column].astype(str)))
        if marks:
            first, second = sorted(values)[:2]
            values[first] = values[first] + "B"
            values[second] = f"({values[second]})"
        yearbook_sheet(book, f"{code}-2021", names[code], code, 2021, unit, values, kind)
    book.save(path)
    return path


# --------------------------------------------------------------------------------------------
# Questionnaire export
# --------------------------------------------------------------------------------------------

QUESTIONS = ("1、您的身份是：", "2、您评价的河湖是：", "3、您常去的河段（可不填）：",
             "4、请为该河湖的健康状况打分（0-100分）：")
MAPPING = """\
respondent_type: {question: "1、您的身份是"}
water_body: {question: "2、您评价的河湖是"}
segment: {question: "3、您常去的河段"}
score: {question: "4、请为该河湖的健康状况打分"}
"""


def write_questionnaire(path: Path, responses: pd.DataFrame, extra: list[list] = ()) -> Path:
    """A 问卷星 export of the demo responses (answers as option text), then ``extra`` rows."""
    bodies = demo_table("河湖名录")
    body_names = dict(zip(bodies["河湖编码"], bodies["河湖名称"]))
    segments = demo_table("评价河段")
    segment_names = dict(zip(segments["河段编码"], segments["河段名称"]))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", *QUESTIONS])
    start = pd.Timestamp("2021-09-01 09:00:00")
    for k, record in enumerate(responses.to_dict("records"), 1):
        sheet.append([k, (start + pd.Timedelta(minutes=7 * k)).strftime("%Y/%m/%d %H:%M:%S"),
                      "95秒", "微信", "N/A", f"10.0.{k // 200}.{k % 200 + 1}(江西-南昌)",
                      record["调查对象类型"], body_names[record["河湖编码"]],
                      segment_names.get(record["河段编码"]),
                      int(record["总体评分(分)"])])
    for row in extra:
        sheet.append(row)
    book.save(path)
    path.with_suffix(".yaml").write_text(MAPPING, encoding="utf-8")
    return path
