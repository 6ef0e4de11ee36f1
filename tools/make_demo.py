"""Write the bundled demo input package, ``health_eval/data/demo/*.csv``.

The demo is **synthetic** (合成演示数据，非真实监测结果 / synthetic demo data, not real monitoring
results): one river, 抚河故道（演示）, and one lake, 象湖（演示）, of 江西省南昌市青云谱区, evaluation
year 2021. The values are hand-curated to tell a plausible story (see ``DESIGN`` below and the
demo's README.md); only the monthly noise of the water-quality samples and the questionnaire
scores are drawn from a seeded generator.

Run from the repository root::

    .venv/bin/python tools/make_demo.py

The output is deterministic (fixed seed, no clock): re-running reproduces the committed CSV files
byte for byte. Tables are written with the Chinese names and headers of the table catalogue
(``health_eval/tables.py``): header = Chinese header, then the unit in ASCII brackets where the
column has one; coded columns as their Chinese labels; booleans as 是/否; UTF-8 with BOM.

DESIGN — the scores the demo is built to produce under the default profiles (criteria basin 0.2,
water 0.3, biota 0.2, social 0.3; equal indicator weights; SPEC §1.1), from the curves of SPEC §4.
"*" marks a computed indicator (from samples, species lists or questionnaires).

River FHGD 抚河故道（演示）, 3 segments (3.2 / 2.8 / 4.1 km)      上段     中段     下段
  basin.longitudinal_connectivity  9.9 /100 km (1 barrier)    0        0        0
  basin.shoreline_naturalness      78 / 48 / 68               78       48       68
  basin.riparian_width             0.85 / 0.35 / 0.70          85       35       70
  basin.shoreline_violations       90 / 50 / 80               90       50       80
  water.eco_flow                   85 / 30 / 62               85       30       62
  water.flow_deviation             FD 0.22                    60       60       60
* water.wq_grade                   Ⅲ NH3-N / Ⅳ NH3-N / Ⅳ TP    84.0     57.5     71.5
  water.sediment                   max C/S 0.8 / 1.8 / 1.2     100      68       92
* water.self_purification          DO 7.21 / 5.59 / 6.00 mg/L  96.1     71.8     80.0
  biota.benthic_ibi                0.72 / 0.38 / 0.55          72       38       55
* biota.fish_retention             16 / 20 native species     70       70       70
  biota.waterbirds                 0.80 / 0.55 / 0.70          80       55       70
  biota.aquatic_plants             0.75 / 0.45 / 0.65          75       45       65
  social.flood_control             100 / 88 / 91 %            100      65       80
  social.water_supply              96 / 88 / 95 %             100      86       100
  social.drinking_source           100 / 91.7 / 100 %         100      91.7     100
  social.shoreline_management      0.90 / 0.65 / 0.85          90       65       85
  social.navigation                93 / 85 / 92 %             97.9     89.5     96.8
* social.public_satisfaction       weighted mean 77.3         77.3     77.3     77.3
  criteria  basin                                             63.3     33.3     54.5
            water                                             85.0     57.5     73.1
            biota                                             74.3     52.0     65.0
            social                                            94.2     79.1     89.9
  segment RHI                                                 81.3 二类 58.0 四类 72.8 三类
  river RHI (length-weighted)                                 71.4 三类 亚健康

Lake XH 象湖（演示）, 2 zones (1.1 / 1.4 km²)                              北湖     南湖
  basin.lake_connectivity          80 (flow-weighted rating)  80       80
  basin.lake_area_shrinkage        7.5 %                      80       80
  basin.shoreline_naturalness      85 / 76                    85       76
  basin.shoreline_violations       92 / 84                    92       84
  water.min_eco_level              0 / 0 d                    100      100
  water.inflow_deviation           FD 0.18                    65       65
* water.wq_grade                   Ⅲ TP / Ⅳ TP (lake limits)   78.0     61.0
  water.trophic_state              EI 52.3 / 56.1             57.7     53.9
  water.sediment                   max C/S 0.9 / 1.3          100      88
* water.self_purification          DO 7.41 / 6.79 mg/L        98.8     90.6
  biota.benthic_ibi                0.78 / 0.62                78       62
* biota.fish_retention             20 / 24 native species     76.7     76.7
  biota.waterbirds                 0.85 / 0.75                85       75
  biota.phytoplankton_density      320 / 560 ×10^4 cells/L    69.0     57.6
  biota.macrophyte_cover           42 / 30 %                  51.4     41.7
  social.flood_control             100 / 97 %                 100      100
  social.water_supply              98 / 96 %                  100      100
  social.drinking_source           100 / 100 %                100      100
  social.shoreline_management      0.92 / 0.88                92       88
* social.public_satisfaction       weighted mean 81.2         81.2     81.2
  criteria  basin / water / biota / social       84.3 / 83.3 / 72.0 / 94.6   80.0 / 76.4 / 62.6 / 93.8
  segment RHI                                                 84.6 二类 79.6 二类
  lake RHI (area-weighted)                                    81.8 二类 健康

The computed (*) numbers are those of the realised samples, species lists and questionnaires
(public satisfaction: all responses of the water body; see the demo's README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from health_eval.tables import CATALOGUE  # noqa: E402

OUT = ROOT / "health_eval" / "data" / "demo"
SEED = 20210315
YEAR = 2021
REGION = "江西省南昌市青云谱区"
SYNTHETIC = "合成演示数据，非真实监测结果（synthetic demo data, not real monitoring results）"

# ---------------------------------------------------------------------------------------------
# Water bodies, segments, stations
# ---------------------------------------------------------------------------------------------

WATER_BODIES = [
    dict(water_body_id="FHGD", name="抚河故道（演示）", kind="river", evaluation_year=YEAR,
         region=REGION, length_km=10.1, area_km2=np.nan,
         note=SYNTHETIC + "；城市河道，上游接抚河、下游经节制闸出流"),
    dict(water_body_id="XH", name="象湖（演示）", kind="lake", evaluation_year=YEAR,
         region=REGION, length_km=np.nan, area_km2=2.5,
         note=SYNTHETIC + "；城市湖泊，经连通渠与抚河故道相通"),
]

# segment_id, water_body_id, name, length_km, area_km2, station name, longitude, latitude
SEGMENTS = [
    ("FHGD-01", "FHGD", "上段", 3.2, np.nan, "上段水质断面（演示）", 115.9262, 28.6455),
    ("FHGD-02", "FHGD", "中段", 2.8, np.nan, "中段水质断面（演示）", 115.9123, 28.6298),
    ("FHGD-03", "FHGD", "下段", 4.1, np.nan, "下段水质断面（演示）", 115.8977, 28.6102),
    ("XH-01", "XH", "北湖", np.nan, 1.1, "北湖湖心点位（演示）", 115.8841, 28.6187),
    ("XH-02", "XH", "南湖", np.nan, 1.4, "南湖湖心点位（演示）", 115.8819, 28.6043),
]


def station_id(segment_id: str) -> str:
    """``FHGD-01`` -> ``FHGD-WQ01``."""
    wb, num = segment_id.split("-")
    return f"{wb}-WQ{num}"


# ---------------------------------------------------------------------------------------------
# Water quality: annual-mean targets per station, seasonal shapes, trace items
# ---------------------------------------------------------------------------------------------

STATIONS = [station_id(s[0]) for s in SEGMENTS]

# Annual means the monthly series are built around (mg/L; pH dimensionless). The monthly factors
# are normalised to mean 1 (DO and pH: to mean 0), so each station's evaluation-year mean equals
# the target up to the rounding of the written values. Expected single-factor outcome (SPEC §4.3,
# default bands; lakes use lake TP limits and include TN):
#   FHGD-WQ01 Ⅲ, NH3-N 0.70 -> 84       FHGD-WQ02 Ⅳ, NH3-N 1.25 -> 57.5 (TP 0.22 -> 68)
#   FHGD-WQ03 Ⅳ, TP 0.21 -> 71.5        XH-WQ01 Ⅲ, TP 0.045 -> 78 (TN 0.85 -> 79.5)
#   XH-WQ02 Ⅳ, TP 0.070 -> 61 (TN 1.10 -> 68)
WQ_TARGETS = pd.DataFrame(
    {
        #            FHGD-WQ01 FHGD-WQ02 FHGD-WQ03 XH-WQ01 XH-WQ02
        "ph":     [7.30, 7.20, 7.30, 7.80, 7.90],
        "do":     [7.20, 5.60, 6.00, 7.40, 6.80],
        "codmn":  [4.6, 5.6, 5.0, 4.5, 5.2],
        "cod":    [16.0, 19.0, 17.5, 17.0, 19.0],
        "bod5":   [3.2, 3.8, 3.4, 3.3, 3.6],
        "nh3n":   [0.70, 1.25, 0.90, 0.45, 0.60],
        "tp":     [0.13, 0.22, 0.21, 0.045, 0.070],
        "tn":     [1.60, 2.30, 1.90, 0.85, 1.10],
    },
    index=STATIONS,
)

# Seasonal amplitude a of each main parameter: factor 1 + a·cos(2π(m−1)/12) peaks in January
# (a > 0: NH3-N and TN, low winter flow and slow nitrification) or in July (a < 0: TP, organic
# load with summer runoff). DO and pH are additive: DO dips in summer (lower segment ≈ 4.5–5 in
# July), lake pH rises in summer with algal photosynthesis.
SEASONAL_FACTOR = {"codmn": -0.12, "cod": -0.10, "bod5": -0.12, "nh3n": 0.25, "tp": -0.20,
                   "tn": 0.18}
DO_AMPLITUDE = pd.Series([1.1, 1.3, 1.4, 1.0, 1.2], index=STATIONS)        # mg/L
PH_AMPLITUDE = pd.Series([-0.12, -0.10, -0.12, -0.35, -0.40], index=STATIONS)
DECIMALS = {"ph": 2, "do": 1, "codmn": 1, "cod": 1, "bod5": 1, "nh3n": 3, "tp": 3, "tn": 2}

# Trace items, far below their class Ⅰ–Ⅲ limits: detection limit, detected range, decimals and
# the share of samples above the detection limit. Below-detection results are written "<DL".
TRACE = {
    #                  DL       low      high     dec  P(detected)
    "cu":              (0.0005, 0.0015, 0.0060, 4, 1.00),
    "zn":              (0.005, 0.008, 0.040, 3, 1.00),
    "fluoride":        (0.05, 0.22, 0.48, 2, 1.00),
    "se":              (0.0004, 0.0004, 0.0009, 4, 0.25),
    "as":              (0.0003, 0.0008, 0.0031, 4, 0.90),
    "hg":              (0.00004, 0.00004, 0.00004, 5, 0.08),
    "cd":              (0.0001, 0.0001, 0.0004, 4, 0.40),
    "cr6":             (0.004, 0.004, 0.007, 3, 0.20),
    "pb":              (0.001, 0.001, 0.0045, 4, 0.60),
    "cyanide":         (0.004, 0.004, 0.005, 3, 0.05),
    "volatile_phenol": (0.0003, 0.0003, 0.0012, 4, 0.35),
    "petroleum":       (0.01, 0.01, 0.04, 2, 0.75),
    "las":             (0.05, 0.05, 0.12, 2, 0.45),
    "sulfide":         (0.005, 0.005, 0.020, 3, 0.35),
}

# GB 3838 Table 1 order, without water temperature and faecal coliform.
PARAMETERS = ["ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "cu", "zn", "fluoride",
              "se", "as", "hg", "cd", "cr6", "pb", "cyanide", "volatile_phenol", "petroleum",
              "las", "sulfide"]
SAMPLE_DAYS = [12, 9, 15, 13, 11, 8, 13, 10, 14, 12, 9, 14]   # one sampling day per month


def plain(x: float) -> str:
    """A number without exponent or trailing zeros (0.00004, not 4e-05; 78, not 78.0)."""
    return np.format_float_positional(float(x), trim="-")


def wq_samples(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly samples of the 22 parameters at every station, values as written text."""
    months = np.arange(1, 13)
    cos = np.cos(2 * np.pi * (months - 1) / 12)
    dates = [f"{YEAR}-{m:02d}-{d:02d}" for m, d in zip(months, SAMPLE_DAYS)]
    rows = []
    for st in STATIONS:
        series: dict[str, list[str]] = {}
        for p, amp in SEASONAL_FACTOR.items():
            factor = (1 + amp * cos) * rng.lognormal(0.0, 0.08, 12)
            values = WQ_TARGETS.at[st, p] * factor / factor.mean()
            series[p] = [f"{v:.{DECIMALS[p]}f}" for v in values]
        for p, amp, sd in (("do", DO_AMPLITUDE[st], 0.25), ("ph", PH_AMPLITUDE[st], 0.08)):
            noise = rng.normal(0.0, sd, 12)
            values = WQ_TARGETS.at[st, p] + amp * cos + noise - noise.mean()
            series[p] = [f"{v:.{DECIMALS[p]}f}" for v in values]
        for p, (dl, low, high, dec, p_detect) in TRACE.items():
            detected = rng.random(12) < p_detect
            values = rng.uniform(low, high, 12)
            series[p] = [f"{v:.{dec}f}" if d else f"<{plain(dl)}"
                         for v, d in zip(values, detected)]
        for i, date in enumerate(dates):
            for p in PARAMETERS:
                rows.append((st, date, p, series[p][i], "无量纲" if p == "ph" else "mg/L"))
    return pd.DataFrame(rows, columns=["station_id", "date", "parameter", "value", "unit"])


# ---------------------------------------------------------------------------------------------
# Fish species (native species of the Gan / Fu river basin)
# ---------------------------------------------------------------------------------------------

FISH = {
    "FHGD": dict(
        historical=["青鱼", "草鱼", "鲢", "鳙", "鲤", "鲫", "鳊", "鲂", "翘嘴鲌", "黄颡鱼", "鳜",
                    "鲶", "乌鳢", "黄鳝", "泥鳅", "刀鲚", "赤眼鳟", "鳡", "马口鱼", "宽鳍鱲"],
        lost=["青鱼", "刀鲚", "鳡", "宽鳍鱲"],          # FOEI 16/20 = 0.80 -> 70
        alien=["革胡子鲶", "罗非鱼"],
    ),
    "XH": dict(
        historical=["青鱼", "草鱼", "鲢", "鳙", "鲤", "鲫", "鳊", "鲂", "翘嘴鲌", "红鳍原鲌",
                    "黄颡鱼", "光泽黄颡鱼", "鳜", "鲶", "乌鳢", "黄鳝", "泥鳅", "银鱼", "刀鲚",
                    "赤眼鳟", "鳡", "麦穗鱼", "棒花鱼", "似鳊"],
        lost=["刀鲚", "鳡", "银鱼", "似鳊"],            # FOEI 20/24 = 0.833 -> 76.7
        alien=["大口黑鲈"],
    ),
}


def fish_species() -> pd.DataFrame:
    rows = []
    for wb, f in FISH.items():
        rows += [(wb, s, "historical", True) for s in f["historical"]]
        rows += [(wb, s, "current", True) for s in f["historical"] if s not in f["lost"]]
        rows += [(wb, s, "current", False) for s in f["alien"]]
    return pd.DataFrame(rows, columns=["water_body_id", "species", "period", "native"])


# ---------------------------------------------------------------------------------------------
# Questionnaires
# ---------------------------------------------------------------------------------------------

RESPONDENTS = ["resident", "manager", "worker", "frequent_visitor", "occasional_visitor"]
# per water body: responses per respondent type, mean score per type, responses tagged with a
# segment (taken round-robin over the segments; the rest concern the whole water body)
SURVEYS = {
    "FHGD": dict(counts=[14, 6, 8, 12, 8], means=[74, 82, 76, 78, 80], tagged=12),
    "XH": dict(counts=[16, 6, 10, 14, 10], means=[82, 86, 82, 84, 85], tagged=10),
}


def questionnaires(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for wb, s in SURVEYS.items():
        types = np.repeat(RESPONDENTS, s["counts"])
        means = np.repeat(s["means"], s["counts"])
        order = rng.permutation(len(types))
        types, means = types[order], means[order]
        scores = np.clip(np.rint(rng.normal(means, 8.0)), 50, 100).astype(int)
        segs = [seg[0] for seg in SEGMENTS if seg[1] == wb]
        segment = [segs[i % len(segs)] if i < s["tagged"] else "" for i in range(len(types))]
        frames.append(pd.DataFrame({
            "response_id": [f"{wb}-Q{i + 1:03d}" for i in range(len(types))],
            "water_body_id": wb, "segment_id": segment,
            "respondent_type": types, "score": scores,
        }))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Directly supplied indicator values (every indicator the engine does not compute here)
# ---------------------------------------------------------------------------------------------

# indicator_id -> (unit, source note, values). ``values`` is one number for a whole-water-body
# indicator, else one number per segment in SEGMENTS order of that water body. Units follow the
# value definitions of SPEC §4 ("" for dimensionless ratios and indices).
RIVER_VALUES = {
    "basin.longitudinal_connectivity": ("1/100km", "拦河闸坝2座，其中1座无过鱼设施且未保障生态流量；1座/10.1km", 9.9),
    "basin.shoreline_naturalness": ("分", "2021年岸坡稳定性与岸带植被调查", [78, 48, 68]),
    "basin.riparian_width": ("", "2021年河岸带宽度调查，实际宽度/应有宽度", [0.85, 0.35, 0.70]),
    "basin.shoreline_violations": ("分", "2021年入河排污口排查与“清四乱”台账", [90, 50, 80]),
    "water.eco_flow": ("分", "2021年闸控断面逐日流量，EF1/EF2评分取小值", [85, 30, 62]),
    "water.flow_deviation": ("", "2021年实测与天然月流量，流量过程变异程度FD", 0.22),
    "water.sediment": ("", "2021年底泥重金属监测，最大Ci/Si", [0.8, 1.8, 1.2]),
    "biota.benthic_ibi": ("", "2021年大型底栖动物调查，B-IBI观测值/期望值", [0.72, 0.38, 0.55]),
    "biota.waterbirds": ("", "2021年水鸟调查，现状种数/参照种数", [0.80, 0.55, 0.70]),
    "biota.aquatic_plants": ("", "2021年水生植物调查，现状种数/参照种数", [0.75, 0.45, 0.65]),
    "social.flood_control": ("%", "堤防达标情况（长度×设计标准加权）", [100, 88, 91]),
    "social.water_supply": ("%", "2021年取水口逐日供水，满足设计供水天数比例", [96, 88, 95]),
    "social.drinking_source": ("%", "2021年应急备用水源点监测，达标次数比例", [100, 91.7, 100]),
    "social.shoreline_management": ("", "岸线利用台账，(Lo−Lu+Lr)/Lo", [0.90, 0.65, 0.85]),
    "social.navigation": ("%", "2021年游船航道通航达标天数比例", [93, 85, 92]),
}
LAKE_VALUES = {
    "basin.lake_connectivity": ("分", "入湖、出湖通道4处，流量加权连通状况评分", 80),
    "basin.lake_area_shrinkage": ("%", "现状水面面积与1980年代参考面积比较", 7.5),
    "basin.shoreline_naturalness": ("分", "2021年岸坡稳定性与岸带植被调查", [85, 76]),
    "basin.shoreline_violations": ("分", "2021年入湖排污口排查与“清四乱”台账", [92, 84]),
    "water.min_eco_level": ("d", "2021年逐日水位，低于最低生态水位的最长滑动平均时段", [0, 0]),
    "water.inflow_deviation": ("", "2021年入湖实测与天然月流量，流量过程变异程度FD", 0.18),
    "water.trophic_state": ("", "2021年叶绿素a、TP、TN、SD、CODMn监测，营养状态指数EI", [52.3, 56.1]),
    "water.sediment": ("", "2021年底泥重金属监测，最大Ci/Si", [0.9, 1.3]),
    "biota.benthic_ibi": ("", "2021年大型底栖动物调查，B-IBI观测值/期望值", [0.78, 0.62]),
    "biota.waterbirds": ("", "2021年水鸟调查，现状种数/参照种数", [0.85, 0.75]),
    "biota.phytoplankton_density": ("10^4 cells/L", "2021年浮游植物监测，年均密度", [320, 560]),
    "biota.macrophyte_cover": ("%", "2021年大型水生植物样方调查，平均覆盖度", [42, 30]),
    "social.flood_control": ("%", "环湖堤岸达标情况（长度×设计标准加权）", [100, 97]),
    "social.water_supply": ("%", "2021年取水口逐日供水，满足设计供水天数比例", [98, 96]),
    "social.drinking_source": ("%", "2021年应急备用水源点监测，达标次数比例", [100, 100]),
    "social.shoreline_management": ("", "岸线利用台账，(Lo−Lu+Lr)/Lo", [0.92, 0.88]),
}


def indicator_values() -> pd.DataFrame:
    rows = []
    for wb, table in (("FHGD", RIVER_VALUES), ("XH", LAKE_VALUES)):
        segs = [seg[0] for seg in SEGMENTS if seg[1] == wb]
        for indicator, (unit, note, values) in table.items():
            note = f"{note}（合成）"
            if isinstance(values, list):
                rows += [(wb, seg, indicator, plain(v), unit, note) for seg, v in zip(segs, values)]
            else:
                rows.append((wb, "", indicator, plain(values), unit, note))
    return pd.DataFrame(rows, columns=["water_body_id", "segment_id", "indicator_id", "value",
                                       "unit", "note"])


# ---------------------------------------------------------------------------------------------
# Assembly and writing
# ---------------------------------------------------------------------------------------------

def build() -> dict[str, pd.DataFrame]:
    """The demo tables keyed by table code, with column codes and coded values as codes."""
    rng = np.random.default_rng(SEED)
    segments = pd.DataFrame(SEGMENTS, columns=["segment_id", "water_body_id", "name", "length_km",
                                               "area_km2", "station", "longitude", "latitude"])
    stations = pd.DataFrame({
        "station_id": segments["segment_id"].map(station_id),
        "segment_id": segments["segment_id"], "name": segments["station"],
        "station_type": "water_quality",
        "longitude": segments["longitude"], "latitude": segments["latitude"],
    })
    return {
        "water_bodies": pd.DataFrame(WATER_BODIES),
        "segments": segments[["segment_id", "water_body_id", "name", "length_km", "area_km2"]],
        "stations": stations,
        "wq_samples": wq_samples(rng),
        "fish_species": fish_species(),
        "questionnaires": questionnaires(rng),
        "indicator_values": indicator_values(),
    }


def to_chinese(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Chinese headers (with units), Chinese labels for coded columns, 是/否 for booleans."""
    spec = CATALOGUE[table]
    out = {}
    for name in df.columns:
        col = spec.column(name)
        values = df[name]
        if col.codes is not None:
            values = values.map(dict(zip(col.codes, col.code_labels)))
        elif col.dtype == "bool":
            values = values.map({True: "是", False: "否"})
        out[f"{col.zh}({col.unit})" if col.unit else col.zh] = values
    return pd.DataFrame(out)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for table, df in build().items():
        path = OUT / f"{CATALOGUE[table].zh}.csv"
        to_chinese(table, df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        print(f"{path.relative_to(ROOT)}: {len(df)} rows")


if __name__ == "__main__":
    main()
