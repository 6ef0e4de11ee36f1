"""Write the bundled demo input package, ``health_eval/data/demo/*.csv``.

The demo is **synthetic** (合成演示数据，非真实监测结果 / synthetic demo data, not real monitoring
results): one river, 抚河故道（演示）, and one lake, 象湖（演示）, of 江西省南昌市青云谱区, evaluation
year 2021. It supplies no indicator value: every indicator of the default profiles (19 river, 20
lake) is computed by the engine from the raw monitoring, survey and census tables written here.
The values are hand-curated to tell a plausible story (see ``DESIGN`` below and the demo's
README.md); the monthly and daily series, the sample noise and the questionnaire scores are drawn
from seeded generators.

Run from the repository root::

    .venv/bin/python tools/make_demo.py

The output is deterministic (fixed seed, no clock): re-running reproduces the committed CSV files
byte for byte, and removes any other CSV file from the folder (the ``指标直接赋值.csv`` of the
first demo). Tables are written with the Chinese names and headers of the table catalogue
(``health_eval/io/tables.py``): header = Chinese header, then the unit in ASCII brackets where the
column has one; coded columns as their Chinese labels; booleans as 是/否; UTF-8 with BOM. Numbers
are written as text with fixed decimals.

Random draws: the water-quality samples and the questionnaires draw from the main generator
(``SEED``) in the order of the first demo, so those values, and the four indicators the first
demo computed from them, are unchanged; every other table draws from its own stream
(:func:`substream`), so that no table shifts the draws of another.

DESIGN — the realised values and scores under the default profiles (criteria basin 0.2, water
0.3, biota 0.2, social 0.3; equal indicator weights; SPEC §1.1, curves of SPEC §4), as
``raw value → score`` per segment; "=" marks a whole-water-body value shared by its segments.
The first demo's design (all but four indicators supplied) is met within 1 point per indicator
(the largest gap: shoreline naturalness of 上段, 78.6 for 78) and 0.1 per segment RHI. B-IBI,
scored with the ratio method's metric bounds over all sites of the water body (profile
``bounds_from: all_sites``), lands within 0.1 of its design 72 / 38 / 55 and 78 / 62.

River FHGD 抚河故道（演示）, 3 segments (3.2 / 2.8 / 4.1 km)  上段           中段           下段
  basin.longitudinal_connectivity  barriers/100 km     = 9.90 → 0     (1 of 2 sluices counted)
  basin.shoreline_naturalness      0.4 bank + 0.6 veg  78.6 → 78.6    47.8 → 47.8    68.1 → 68.1
  basin.riparian_width             L-weighted w/w0     0.848 → 84.8   0.351 → 35.1   0.701 → 70.1
  basin.shoreline_violations       outfalls, 四乱      90 → 90        50 → 50        80 → 80
  water.eco_flow                   EF1 % mean flow     22.5 % → 85    7.5 % → 30     15.5 % → 62
  water.flow_deviation             FD                  = 0.2205 → 59.9
  water.wq_grade                   class position      Ⅲ NH3-N → 84.0 Ⅳ NH3-N → 57.5 Ⅳ TP → 71.5
  water.sediment                   max C/S (2 sites)   0.78 → 100     1.80 → 68.0    1.20 → 92.0
  water.self_purification          mean DO mg/L        7.21 → 96.1    5.59 → 71.8    6.00 → 80.0
  biota.benthic_ibi                B-IBI obs/exp       0.721 → 72.1   0.380 → 38.0   0.551 → 55.1
  biota.fish_retention             FOEI                = 16/20 = 0.80 → 70.0
  biota.waterbirds                 species now/ref     16/20 → 80     11/20 → 55     14/20 → 70
  biota.aquatic_plants             species now/ref     15/20 → 75     9/20 → 45      13/20 → 65
  social.flood_control             Σ LTB / Σ LT %      100 → 100      87.96 → 64.8   90.94 → 79.7
  social.water_supply              % days ≥ design     95.9 → 100     87.9 → 85.9    95.1 → 100
  social.drinking_source           % events met        100 → 100      91.7 → 91.7    100 → 100
  social.shoreline_management      (Lo − Lu + Lr)/Lo   0.90 → 90      0.65 → 65      0.85 → 85
  social.navigation                % days navigable    93.2 → 98.1    84.9 → 89.4    92.1 → 96.9
  social.public_satisfaction       weighted mean       = 77.3 → 77.3
  criterion basin                                      63.4           33.2           54.6
            water                                      85.0           57.5           73.1
            biota                                      74.3           52.0           65.0
            social                                     94.2           79.0           89.8
  segment RHI                                          81.3 二类      58.0 四类      72.8 三类
  river RHI (length-weighted)                          71.4 三类 亚健康 (basin 51.4, water 72.5,
                                                       biota 64.3, social 88.2)

Lake XH 象湖（演示）, 2 zones (1.1 / 1.4 km²)                      北湖            南湖
  basin.lake_connectivity          flow-weighted rating  = 80 → 80 (4 channels)
  basin.lake_area_shrinkage        % of 1985 area        = 7.51 % → 79.9
  basin.shoreline_naturalness      0.4 bank + 0.6 veg    85.2 → 85.2     76.1 → 76.1
  basin.shoreline_violations       outfalls, 四乱        92 → 92         84 → 84
  water.min_eco_level              longest window d      0 → 100         0 → 100
  water.inflow_deviation           FD total inflow       = 0.1807 → 64.9
  water.wq_grade                   class position        Ⅲ TP → 78.0     Ⅳ TP → 61.0
  water.trophic_state              EI (SL 395)           52.3 → 57.7     56.1 → 53.9
  water.sediment                   max C/S (2 sites)     0.875 → 100     1.30 → 88.0
  water.self_purification          mean DO mg/L          7.41 → 98.8     6.79 → 90.6
  biota.benthic_ibi                B-IBI obs/exp         0.780 → 78.0    0.620 → 62.0
  biota.fish_retention             FOEI                  = 20/24 = 0.833 → 76.7
  biota.waterbirds                 species now/ref       34/40 → 85      30/40 → 75
  biota.phytoplankton_density      10^4 cells/L          320 → 69.0      560 → 57.6
  biota.macrophyte_cover           % (6 plots scored)    42.7 → 51.5     30.2 → 41.6
  social.flood_control             Σ LTB / Σ LT %        100 → 100       96.9 → 100
  social.water_supply              % days ≥ design       98.1 → 100      96.2 → 100
  social.drinking_source           % events met          100 → 100       100 → 100
  social.shoreline_management      (Lo − Lu + Lr)/Lo     0.920 → 92.0    0.881 → 88.1
  social.public_satisfaction       weighted mean         = 81.2 → 81.2
  criterion basin                                        84.3            80.0
            water                                        83.2            76.4
            biota                                        72.0            62.6
            social                                       94.6            93.9
  segment RHI                                            84.6 二类       79.6 二类
  lake RHI (area-weighted)                               81.8 二类 健康 (basin 81.9, water 79.4,
                                                         biota 66.7, social 94.2)

Warnings the demo produces, on purpose: one, ``series.gaps`` for FHGD-HY03 (12 days of August
2021 missing from 逐日流量, coverage 96.7 %, computed from the days present).
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from health_eval.io.tables import CATALOGUE  # noqa: E402

OUT = ROOT / "health_eval" / "data" / "demo"
#: The second evaluation year (``health-eval demo --year 2022``): see :func:`second_year`.
OUT_2 = ROOT / "health_eval" / "data" / "demo_2022"
YEAR_2 = 2022
SEED = 20210315
YEAR = 2021
REGION = "江西省南昌市青云谱区"
SYNTHETIC = "合成演示数据，非真实监测结果（synthetic demo data, not real monitoring results）"

DAYS = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
MONTHS = np.arange(1, 13)
DRY = DAYS.month.isin([10, 11, 12, 1, 2, 3])         # EF1 period of the river profile
SAMPLE_DAYS = [12, 9, 15, 13, 11, 8, 13, 10, 14, 12, 9, 14]   # one sampling day per month
SAMPLE_DATES = [f"{YEAR}-{m:02d}-{d:02d}" for m, d in zip(MONTHS, SAMPLE_DAYS)]


def substream(table: str) -> np.random.Generator:
    """An independent seeded generator for one table.

    The water-quality samples and the questionnaires draw from the main generator in the order of
    the first demo; every table added since draws from its own stream, so that no table shifts the
    draws of another.
    """
    return np.random.default_rng([SEED, zlib.crc32(table.encode("utf-8"))])


def plain(x: float) -> str:
    """A number without exponent or trailing zeros (0.00004, not 4e-05; 78, not 78.0)."""
    return np.format_float_positional(float(x), trim="-")


def fixed(values, decimals: int) -> list[str]:
    """Numbers as text with a fixed number of decimals (what a technician types)."""
    return [f"{float(v):.{decimals}f}" for v in np.atleast_1d(values)]


def seasonal(amplitude: float, peak_month: int = 1) -> np.ndarray:
    """Monthly factor 1 + a·cos(2π(m − peak)/12), January … December."""
    return 1 + amplitude * np.cos(2 * np.pi * (MONTHS - peak_month) / 12)


def day_index(month: int, day: int) -> int:
    return int((pd.Timestamp(YEAR, month, day) - DAYS[0]).days)


# ---------------------------------------------------------------------------------------------
# Water bodies, segments, stations
# ---------------------------------------------------------------------------------------------

WATER_BODIES = [
    dict(water_body_id="FHGD", name="抚河故道（演示）", kind="river", evaluation_year=YEAR,
         region=REGION, length_km=10.1, area_km2=np.nan,
         note=SYNTHETIC + "；城市河道，上游经进水闸接抚河、下游经节制闸出流"),
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
SEGMENT_IDS = [s[0] for s in SEGMENTS]
RIVER_SEGMENTS = [s[0] for s in SEGMENTS if s[1] == "FHGD"]
LAKE_ZONES = [s[0] for s in SEGMENTS if s[1] == "XH"]


def station_id(segment_id: str, kind: str = "WQ") -> str:
    """``FHGD-01`` -> ``FHGD-WQ01`` (kinds WQ 水质, HY 水文, WL 水位, IN 取水口, DS 水源地)."""
    wb, num = segment_id.split("-")
    return f"{wb}-{kind}{num}"


STATIONS = [station_id(s) for s in SEGMENT_IDS]          # water-quality stations

# Stations other than the water-quality sections: per kind, the segments served, the name
# pattern and the offset from the segment's point [°]. Hydrological stations carry the
# multi-year mean flow and the approved ecological-flow target [m³/s]; lake gauges the minimum
# ecological water level [m, 1985 国家高程基准].
MEAN_FLOW = {"FHGD-01": 8.0, "FHGD-02": 8.4, "FHGD-03": 9.2}
ECO_FLOW_TARGET = {"FHGD-01": 1.2, "FHGD-02": 1.3, "FHGD-03": 1.4}
MIN_ECO_LEVEL = {"XH-01": 15.80, "XH-02": 15.80}
STATION_KINDS = [
    # kind, station_type, segments, name suffix, (dlon, dlat)
    ("HY", "hydrology", RIVER_SEGMENTS, "水文站", (0.0021, -0.0012)),
    ("WL", "water_level", LAKE_ZONES, "水位站", (0.0035, 0.0018)),
    ("IN", "intake", SEGMENT_IDS, "取水口", (-0.0017, 0.0009)),
    ("DS", "drinking_source", SEGMENT_IDS, "应急备用水源取水点", (-0.0026, -0.0021)),
]


def stations() -> pd.DataFrame:
    rows = [dict(station_id=station_id(seg), segment_id=seg, name=name,
                 station_type="water_quality", longitude=lon, latitude=lat)
            for seg, _, _, _, _, name, lon, lat in SEGMENTS]
    point = {seg: (lon, lat, label) for seg, _, label, _, _, _, lon, lat in SEGMENTS}
    for kind, station_type, segments, suffix, (dlon, dlat) in STATION_KINDS:
        for seg in segments:
            lon, lat, label = point[seg]
            rows.append(dict(
                station_id=station_id(seg, kind), segment_id=seg,
                name=f"{label}{suffix}（演示）", station_type=station_type,
                mean_flow_m3s=MEAN_FLOW.get(seg) if kind == "HY" else np.nan,
                eco_flow_target_m3s=ECO_FLOW_TARGET.get(seg) if kind == "HY" else np.nan,
                min_eco_level_m=MIN_ECO_LEVEL.get(seg) if kind == "WL" else np.nan,
                longitude=round(lon + dlon, 4), latitude=round(lat + dlat, 4)))
    frame = pd.DataFrame(rows)
    for column, decimals in (("mean_flow_m3s", 1), ("eco_flow_target_m3s", 1),
                             ("min_eco_level_m", 2), ("longitude", 4), ("latitude", 4)):
        frame[column] = [f"{v:.{decimals}f}" if pd.notna(v) else "" for v in frame[column]]
    return frame[["station_id", "segment_id", "name", "station_type", "mean_flow_m3s",
                  "eco_flow_target_m3s", "min_eco_level_m", "longitude", "latitude"]]


# ---------------------------------------------------------------------------------------------
# Water quality: annual-mean targets per station, seasonal shapes, trace items
# ---------------------------------------------------------------------------------------------

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

# Lake trophic parameters sampled with the water quality at the two lake stations (SL 395-2007):
# annual means chl-a [mg/m³] and Secchi depth SD [m], chosen so that with the realised TP, TN
# and CODMn means the EI of each station lands on its design (52.3 and 56.1). Chl-a peaks in
# July-August with the algae; SD is lowest then.
TROPHIC_TARGETS = {"XH-WQ01": {"chla": 14.2, "sd": 0.87}, "XH-WQ02": {"chla": 20.0, "sd": 0.69}}
TROPHIC_SHAPE = {"chla": (-0.45, 1, 0.12), "sd": (0.22, 2, 0.06)}   # amplitude, decimals, noise


def lake_trophic_series() -> dict[str, dict[str, list[str]]]:
    """Monthly chl-a and SD of the lake stations, as written text, per station and parameter."""
    rng = substream("wq_samples.trophic")
    out = {}
    for station, targets in TROPHIC_TARGETS.items():
        out[station] = {}
        for p, (amp, dec, sd) in TROPHIC_SHAPE.items():
            factor = seasonal(amp) * rng.lognormal(0.0, sd, 12)
            out[station][p] = fixed(targets[p] * factor / factor.mean(), dec)
    return out


def wq_samples(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly samples of the 22 parameters at every station (+ chl-a, SD in the lake)."""
    cos = np.cos(2 * np.pi * (MONTHS - 1) / 12)
    trophic = lake_trophic_series()
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
        extra = trophic.get(st, {})
        for i, date in enumerate(SAMPLE_DATES):
            for p in PARAMETERS:
                rows.append((st, date, p, series[p][i], "无量纲" if p == "ph" else "mg/L"))
            for p, values in extra.items():
                rows.append((st, date, p, values[i], "mg/m3" if p == "chla" else "m"))
    return pd.DataFrame(rows, columns=["station_id", "date", "parameter", "value", "unit"])


# ---------------------------------------------------------------------------------------------
# Daily flow, water level, monthly flow (SPEC §4.2)
# ---------------------------------------------------------------------------------------------

# Relative flow of the river at mid-month (× multi-year mean): low Oct–Feb (2021 had an autumn
# drought in Jiangxi), plum-rain peak in May–June, summer storms.
FLOW_ANCHORS = [0.40, 0.50, 0.80, 1.05, 1.30, 1.40, 1.00, 0.85, 0.72, 0.45, 0.32, 0.30]
STORMS = 18                                          # storm events, March–September

# Designed low flows per hydrological station as a fraction of its mean flow: the lowest daily
# flow of the dry season (EF1, Oct–Mar) and of the wet season (EF2, Apr–Sep). The series is an
# affine map (scale the shared hydrograph, add the sluice's guaranteed release or subtract the
# withdrawals upstream) that puts the two minima exactly there.
#   FHGD-HY01 EF1 22.5 % -> 85, EF2 45 % -> 90: the inlet sluice guarantees a release
#   FHGD-HY02 EF1 7.5 % -> 30, EF2 30 % -> 40: withdrawals above the station in the drought
#   FHGD-HY03 EF1 15.5 % -> 62, EF2 40 % -> 80
LOW_FLOWS = {"FHGD-01": (0.225, 0.45), "FHGD-02": (0.075, 0.30), "FHGD-03": (0.155, 0.40)}
# Days without data (gauge maintenance): 12 days of August at the lower station, 3.3 % of the
# year, so that the demo shows the gap warning.
FLOW_GAPS = {"FHGD-03": (day_index(8, 9), day_index(8, 20))}


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """A stationary AR(1) series of length ``n``."""
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd / np.sqrt(1 - phi ** 2))
    shocks = rng.normal(0.0, sd, n)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def river_hydrograph(rng: np.random.Generator) -> np.ndarray:
    """The shared relative hydrograph of 2021: seasonal base, storm pulses, persistence."""
    doy = np.arange(len(DAYS))
    mid = [day_index(m, 15) for m in MONTHS]
    base = np.exp(np.interp(doy, mid, np.log(FLOW_ANCHORS), period=len(DAYS))
                  + ar1(rng, len(DAYS), 0.9, 0.04))
    starts = np.sort(rng.choice(np.arange(day_index(3, 1), day_index(9, 20)), STORMS,
                                replace=False))
    peaks = rng.lognormal(np.log(0.4), 0.5, STORMS)
    storms = np.zeros(len(DAYS))
    for start, peak in zip(starts, peaks):
        t = (doy - start) / 2.0                      # rise in 2 days, recession over a week
        storms += np.where(t >= 0, peak * t * np.exp(1 - t), 0.0)
    return base * (1 + storms)


def daily_flows() -> dict[str, np.ndarray]:
    """Daily mean flow [m³/s] per river segment's hydrological station (NaN: no data)."""
    rng = substream("daily_flow")
    shared = river_hydrograph(rng)
    out = {}
    for seg, (ef1, ef2) in LOW_FLOWS.items():
        x = shared * np.exp(ar1(rng, len(DAYS), 0.7, 0.02))
        present = np.ones(len(DAYS), dtype=bool)
        if seg in FLOW_GAPS:
            first, last = FLOW_GAPS[seg]
            present[first:last + 1] = False
        m1, m2 = x[DRY & present].min(), x[~DRY & present].min()
        assert m2 > m1, "the wet-season minimum must lie above the dry-season one"
        scale = (ef2 - ef1) / (m2 - m1)
        flows = np.round(MEAN_FLOW[seg] * (ef1 + scale * (x - m1)), 3)
        out[seg] = np.where(present, flows, np.nan)
    return out


def daily_flow(flows: dict[str, np.ndarray]) -> pd.DataFrame:
    frames = []
    for seg, q in flows.items():
        present = ~np.isnan(q)
        frames.append(pd.DataFrame({"station_id": station_id(seg, "HY"),
                                    "date": DAYS[present].strftime("%Y-%m-%d"),
                                    "flow_m3s": fixed(q[present], 3)}))
    return pd.concat(frames, ignore_index=True)


# Lake gauges: regulated urban lake, 16.6–17.6 m, lowest in the winter drought; the minimum
# ecological level 15.80 m is never reached (designed window 0 d -> 100).
LEVEL_MEAN, LEVEL_AMPLITUDE = 17.05, 0.32            # m; annual cycle peaking in late June


def lake_levels() -> dict[str, np.ndarray]:
    """Daily mean water level [m] per lake zone's gauge."""
    rng = substream("water_level")
    doy = np.arange(len(DAYS))
    cycle = LEVEL_MEAN + LEVEL_AMPLITUDE * np.cos(2 * np.pi * (doy - day_index(6, 25)) / 365)
    shared = cycle + ar1(rng, len(DAYS), 0.95, 0.02)
    return {zone: np.round(shared + offset + ar1(rng, len(DAYS), 0.5, 0.005), 2)
            for zone, offset in zip(LAKE_ZONES, (0.02, -0.01))}


def water_level(levels: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"station_id": station_id(zone, "WL"),
                                    "date": DAYS.strftime("%Y-%m-%d"),
                                    "level_m": fixed(h, 2)})
                      for zone, h in levels.items()], ignore_index=True)


# Monthly flow deviation: the river's measured monthly flow is the monthly mean at the lower
# hydrological station (the outlet); the naturalised flow adds back the withdrawals and the
# sluices' regulation, relative deviation k·p_m. The lake's measured total inflow is the share of
# the river taken by the connecting channel plus the pumped supply. k is solved so that FD hits
# its design (river 0.22 -> 60, lake 0.18 -> 65); the written natural flows (2 decimals) give
# FD 0.2205 -> 59.9 and 0.1807 -> 64.9.
NATURAL_PATTERN = {
    "FHGD": [0.25, 0.20, 0.10, -0.05, 0.08, 0.12, 0.05, 0.00, 0.10, 0.30, 0.35, 0.35],
    "XH":   [0.20, 0.15, 0.05, -0.10, 0.10, 0.15, 0.05, -0.05, 0.05, 0.25, 0.30, 0.30],
}
FD_TARGET = {"FHGD": 0.22, "XH": 0.18}
LAKE_CHANNEL_SHARE, LAKE_PUMPED = 0.15, 0.30        # -, m³/s


def flow_deviation(measured: np.ndarray, natural: np.ndarray) -> float:
    return float(np.sqrt((((measured - natural) / natural.mean()) ** 2).sum()))


def naturalised(measured: np.ndarray, pattern, target: float) -> np.ndarray:
    """Natural monthly flows (2 decimals) whose FD against ``measured`` is ``target``."""
    low, high = 0.0, 5.0
    for _ in range(60):                               # bisection on k
        k = (low + high) / 2
        if flow_deviation(measured, measured * (1 + k * np.asarray(pattern))) < target:
            low = k
        else:
            high = k
    return np.round(measured * (1 + low * np.asarray(pattern)), 2)


def monthly_inflows(flows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Measured monthly mean flow [m³/s]: river outlet, and the lake's total inflow."""
    outlet = pd.Series(flows["FHGD-03"], index=DAYS)
    river = np.round(outlet.groupby(outlet.index.month).mean().to_numpy(), 2)
    return {"FHGD": river, "XH": np.round(LAKE_CHANNEL_SHARE * river + LAKE_PUMPED, 2)}


def monthly_flow(measured: dict[str, np.ndarray]) -> pd.DataFrame:
    frames = []
    for wb, q in measured.items():
        natural = naturalised(q, NATURAL_PATTERN[wb], FD_TARGET[wb])
        frames.append(pd.DataFrame({"water_body_id": wb, "year": YEAR, "month": MONTHS,
                                    "measured_m3s": fixed(q, 2),
                                    "natural_m3s": fixed(natural, 2)}))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Basin: bank plots, riparian reaches, outfalls, 四乱, barriers, lake connections and area
# ---------------------------------------------------------------------------------------------

# Bank survey plots: segment -> (bank, slope °, vegetation cover %, height m, substrate, toe
# erosion). The plot score is the mean of the five element scores (profile curves); the segment's
# bank stability is the mean over its plots: FHGD 76.6 / 44.4 / 65.3, XH 80.5 / 70.3.
BANK_PLOTS = {
    "FHGD-01": [("left", 22, 70, 1.5, "rock_soil", "none"),
                ("left", 28, 60, 2.0, "clay", "light"),
                ("right", 25, 65, 1.8, "rock_soil", "light"),
                ("right", 30, 55, 2.2, "clay", "none")],
    "FHGD-02": [("left", 60, 15, 3.5, "rock_soil", "none"),       # masonry wall, encroached
                ("left", 42, 35, 2.6, "rock_soil", "moderate"),
                ("right", 55, 20, 3.2, "rock_soil", "light"),
                ("right", 38, 40, 2.5, "clay", "light")],
    "FHGD-03": [("left", 30, 55, 2.0, "clay", "light"),
                ("left", 35, 50, 2.4, "rock_soil", "light"),
                ("right", 28, 60, 2.0, "clay", "moderate"),
                ("right", 33, 45, 2.6, "rock_soil", "none")],
    "XH-01":   [("left", 18, 80, 1.6, "rock_soil", "none"),
                ("left", 22, 75, 1.5, "clay", "light"),
                ("right", 20, 70, 1.4, "rock_soil", "light"),
                ("right", 28, 65, 1.6, "clay", "light")],
    "XH-02":   [("left", 25, 60, 2.0, "clay", "light"),
                ("left", 30, 55, 2.0, "rock_soil", "light"),
                ("right", 22, 65, 1.6, "clay", "moderate"),
                ("right", 28, 50, 2.2, "rock_soil", "light")],
}


def bank_plots() -> pd.DataFrame:
    rows = []
    for seg, plots in BANK_PLOTS.items():
        for i, (bank, slope, cover, height, substrate, erosion) in enumerate(plots, start=1):
            rows.append((f"{seg}-BP{i:02d}", seg, bank, slope, cover, f"{height:.1f}",
                         substrate, erosion))
    return pd.DataFrame(rows, columns=["plot_id", "segment_id", "bank", "slope_deg",
                                       "veg_cover_pct", "height_m", "substrate", "toe_erosion"])


# Riparian reaches: segment -> (length m, vegetation cover %, width m, required width m). Cover
# is length-weighted (design FHGD 80 / 50 / 70 %, XH 88 / 80 %); the river's width index is the
# length-weighted min(1, width / required) (design 0.85 / 0.35 / 0.70). Lake zones: cover only.
RIPARIAN = {
    "FHGD-01": [(1600, 85, 30, 30), (1600, 80, 24, 30), (1500, 78, 26, 30), (1700, 77, 22, 30)],
    "FHGD-02": [(1400, 45, 8, 30), (1400, 55, 12, 30), (1300, 42, 10, 30), (1500, 57, 12, 30)],
    "FHGD-03": [(2100, 72, 24, 30), (2000, 68, 18, 30), (2000, 74, 22, 30), (2100, 66, 20, 30)],
    "XH-01":   [(1500, 90, None, None), (1600, 88, None, None), (1500, 87, None, None)],
    "XH-02":   [(1700, 82, None, None), (1800, 78, None, None), (1700, 80, None, None)],
}


def riparian_reaches() -> pd.DataFrame:
    rows = []
    for seg, reaches in RIPARIAN.items():
        for i, (length, cover, width, required) in enumerate(reaches, start=1):
            rows.append((f"{seg}-RZ{i:02d}", seg, length, cover,
                         "" if width is None else width, "" if required is None else required))
    return pd.DataFrame(rows, columns=["reach_id", "segment_id", "length_m", "veg_cover_pct",
                                       "width_m", "required_width_m"])


# Outfalls: segment -> (count, standardised, compliant, in prohibited zone). Score = 0.2 ×
# standardised share + 0.2 × compliant share (0 if any in a prohibited zone) + 0.6 × 四乱.
OUTFALLS = {"FHGD-01": (5, 4, 5, 0), "FHGD-02": (4, 2, 2, 0), "FHGD-03": (5, 4, 4, 0),
            "XH-01": (4, 3, 4, 0), "XH-02": (4, 3, 3, 0)}


def outfalls() -> pd.DataFrame:
    rows = []
    for seg, (n, standardised, compliant, prohibited) in OUTFALLS.items():
        for i in range(n):
            siting = ("prohibited_zone" if i >= n - prohibited else
                      "compliant" if i < compliant else "non_compliant")
            rows.append((f"{seg}-PK{i + 1:02d}", seg, i < standardised, siting))
    return pd.DataFrame(rows, columns=["outfall_id", "segment_id", "standardised", "siting"])


# 四乱 problems of the 2021 “清四乱” ledger: 100 − 5 per general, 25 per serious, 50 per major.
PROBLEMS = {
    "FHGD-01": [("dumping", "general", "岸坡堆放建筑垃圾约20 m³"),
                ("occupation", "general", "临水侧私搭菜地")],
    "FHGD-02": [("construction", "serious", "河道管理范围内违规搭建仓储棚"),
                ("occupation", "general", "滩地违规停放车辆"),
                ("occupation", "general", "沿河商铺占用岸线堆放杂物"),
                ("occupation", "general", "临水侧私搭菜地"),
                ("dumping", "general", "岸坡倾倒生活垃圾"),
                ("dumping", "general", "岸坡堆放建筑垃圾约30 m³")],
    "FHGD-03": [("dumping", "general", "岸坡堆放建筑垃圾约15 m³"),
                ("occupation", "general", "临水侧私搭菜地"),
                ("extraction", "general", "滩地违规取土"),
                ("construction", "general", "违规设置广告牌")],
    "XH-01":   [("occupation", "general", "湖岸私搭钓鱼平台")],
    "XH-02":   [("occupation", "general", "湖岸私搭钓鱼平台"),
                ("dumping", "general", "湖岸堆放园林垃圾")],
}


def shoreline_problems() -> pd.DataFrame:
    rows = [(f"{seg}-SL{i:02d}", seg, kind, severity, text)
            for seg, problems in PROBLEMS.items()
            for i, (kind, severity, text) in enumerate(problems, start=1)]
    return pd.DataFrame(rows, columns=["problem_id", "segment_id", "problem_type", "severity",
                                       "description"])


def barriers() -> pd.DataFrame:
    """Two sluices: the inlet sluice has a fishway and releases the ecological flow (not
    counted); the lower control sluice has neither: 1 barrier / 10.1 km = 9.9 per 100 km -> 0."""
    return pd.DataFrame([("FHGD-ZA01", "FHGD", "sluice", True, True),
                         ("FHGD-ZA02", "FHGD", "sluice", False, False)],
                        columns=["barrier_id", "water_body_id", "barrier_type",
                                 "has_working_fishway", "eco_flow_guaranteed"])


def lake_connections(inflow: np.ndarray) -> pd.DataFrame:
    """Two inflows and two outflows of 象湖: the flow-weighted rating is 80 because the pumped
    inflow (畅通, 100) and the south outlet sluice (较差, 60) carry the same flow."""
    channel = round(float(np.mean(inflow)) - LAKE_PUMPED, 2)
    rows = [("XH-LT01", "XH", "抚河故道连通渠", "in", "mostly_unobstructed", channel),
            ("XH-LT02", "XH", "象湖引水泵站渠", "in", "unobstructed", LAKE_PUMPED),
            ("XH-LT03", "XH", "南出口节制闸", "out", "poor", LAKE_PUMPED),
            ("XH-LT04", "XH", "东排涝涵", "out", "mostly_unobstructed", round(channel - 0.08, 2))]
    frame = pd.DataFrame(rows, columns=["connection_id", "water_body_id", "name", "direction",
                                        "rating", "flow_m3s"])
    frame["flow_m3s"] = fixed(frame["flow_m3s"], 2)
    return frame


def lake_areas() -> pd.DataFrame:
    """2.5 km² now against 2.703 km² in 1985: 7.5 % shrinkage -> 80."""
    return pd.DataFrame([("XH", "2.500", "2.703", 1985)],
                        columns=["water_body_id", "current_area_km2", "reference_area_km2",
                                 "reference_year"])


# ---------------------------------------------------------------------------------------------
# Sediment (GB 15618-2018 screening values from the profile, by pH)
# ---------------------------------------------------------------------------------------------

METALS = ["cd", "hg", "as", "pb", "cr", "cu", "zn", "ni"]
# Screening values of the 6.5 < pH ≤ 7.5 band (profile water.sediment screening_values), only to
# express the designed contents as ratios here; the CSV gives no screening value, so the engine
# looks it up by the sample's pH.
SCREENING_65_75 = {"cd": 0.3, "hg": 2.4, "as": 30, "pb": 120, "cr": 200, "cu": 100, "zn": 250,
                   "ni": 100}
METAL_DECIMALS = {"cd": 3, "hg": 3, "as": 1, "pb": 1, "cr": 1, "cu": 1, "zn": 1, "ni": 1}
# site -> (segment, pH, C/S of each metal in METALS order). The segment's score is the mean of
# its sites' scores of max C/S: FHGD 0.80 / 1.70–1.90 / 1.15–1.25, XH 0.90 / 1.25–1.35.
SEDIMENT = {
    "FHGD-DN01": ("FHGD-01", 6.9, [0.80, 0.06, 0.35, 0.30, 0.28, 0.45, 0.72, 0.30]),
    "FHGD-DN02": ("FHGD-01", 7.1, [0.70, 0.05, 0.32, 0.33, 0.26, 0.50, 0.76, 0.28]),
    "FHGD-DN03": ("FHGD-02", 7.0, [1.70, 0.12, 0.45, 0.55, 0.35, 1.15, 1.30, 0.40]),
    "FHGD-DN04": ("FHGD-02", 7.2, [1.90, 0.14, 0.48, 0.62, 0.38, 1.25, 1.40, 0.42]),
    "FHGD-DN05": ("FHGD-03", 7.0, [1.15, 0.08, 0.40, 0.42, 0.30, 0.85, 1.05, 0.35]),
    "FHGD-DN06": ("FHGD-03", 7.3, [1.10, 0.09, 0.42, 0.45, 0.31, 0.90, 1.25, 0.36]),
    "XH-DN01":   ("XH-01", 7.2, [0.90, 0.05, 0.38, 0.30, 0.30, 0.55, 0.70, 0.33]),
    "XH-DN02":   ("XH-01", 7.4, [0.85, 0.06, 0.36, 0.28, 0.29, 0.50, 0.66, 0.32]),
    "XH-DN03":   ("XH-02", 7.1, [1.25, 0.07, 0.40, 0.36, 0.31, 0.70, 0.95, 0.35]),
    "XH-DN04":   ("XH-02", 7.3, [1.35, 0.08, 0.41, 0.38, 0.32, 0.75, 1.00, 0.36]),
}
SEDIMENT_DATE = f"{YEAR}-11-16"


def sediment_samples() -> pd.DataFrame:
    rows = []
    for site, (seg, ph, ratios) in SEDIMENT.items():
        for metal, ratio in zip(METALS, ratios):
            value = ratio * SCREENING_65_75[metal]
            rows.append((site, seg, SEDIMENT_DATE, metal,
                         f"{value:.{METAL_DECIMALS[metal]}f}", f"{ph:.1f}"))
    return pd.DataFrame(rows, columns=["site_id", "segment_id", "date", "metal", "value_mg_kg",
                                       "ph"])


# ---------------------------------------------------------------------------------------------
# Benthic macroinvertebrates (B-IBI)
# ---------------------------------------------------------------------------------------------

# Taxa found in the 2021 survey: taxon -> (order, family, tolerance value, functional feeding
# group). Tolerance values 0–10 in the manner of 王备新、杨莲芳 (2004) for eastern China; a
# value ≥ 7 counts as tolerant (profile tolerant_min).
TAXA = {
    "扁蜉属 Heptagenia": ("蜉蝣目", "扁蜉科", 2.5, "刮食者"),
    "蜉蝣属 Ephemera": ("蜉蝣目", "蜉蝣科", 2.0, "直接收集者"),
    "四节蜉属 Baetis": ("蜉蝣目", "四节蜉科", 4.5, "直接收集者"),
    "细蜉属 Caenis": ("蜉蝣目", "细蜉科", 6.0, "直接收集者"),
    "纹石蛾属 Hydropsyche": ("毛翅目", "纹石蛾科", 5.0, "滤食收集者"),
    "短脉纹石蛾属 Cheumatopsyche": ("毛翅目", "纹石蛾科", 6.0, "滤食收集者"),
    "长角石蛾属 Oecetis": ("毛翅目", "长角石蛾科", 4.5, "捕食者"),
    "箭蜓属 Gomphus": ("蜻蜓目", "春蜓科", 4.0, "捕食者"),
    "蟌属 Coenagrion": ("蜻蜓目", "蟌科", 8.0, "捕食者"),
    "多足摇蚊属 Polypedilum": ("双翅目", "摇蚊科", 6.0, "直接收集者"),
    "摇蚊属 Chironomus": ("双翅目", "摇蚊科", 9.0, "直接收集者"),
    "隐摇蚊属 Cryptochironomus": ("双翅目", "摇蚊科", 8.0, "捕食者"),
    "前突摇蚊属 Procladius": ("双翅目", "摇蚊科", 9.0, "捕食者"),
    "霍甫水丝蚓 Limnodrilus hoffmeisteri": ("颤蚓目", "颤蚓科", 9.5, "直接收集者"),
    "苏氏尾鳃蚓 Branchiura sowerbyi": ("颤蚓目", "颤蚓科", 8.5, "直接收集者"),
    "铜锈环棱螺 Bellamya aeruginosa": ("中腹足目", "田螺科", 6.0, "刮食者"),
    "纹沼螺 Parafossarulus striatulus": ("中腹足目", "豆螺科", 6.5, "刮食者"),
    "椭圆萝卜螺 Radix swinhoei": ("基眼目", "椎实螺科", 7.0, "刮食者"),
    "河蚬 Corbicula fluminea": ("帘蛤目", "蚬科", 5.5, "滤食收集者"),
    "日本沼虾 Macrobrachium nipponense": ("十足目", "长臂虾科", 5.0, "直接收集者"),
    "宽身舌蛭 Glossiphonia lata": ("吻蛭目", "舌蛭科", 8.0, "捕食者"),
}

# site -> (segment, reference site?, {taxon: individuals}), one spring sample per site, three
# sites per segment. One reference site per water body, the least disturbed: in the river just
# below the inlet sluice (上段), in the lake the restored wetland shore of 北湖. The engine scores
# each metric of a site against its spread over all sampling sites of the water body (profile
# bounds_from: all_sites, the ratio method): taxa richness, EPT richness and Shannon H′ as value
# / 95th percentile, the dominant and the tolerant share as (max − value) / (max − 5th
# percentile), each clipped to [0, 1]; B-IBI = their sum. The expected B-IBI is the median B-IBI
# of the reference sites, here the reference site's own. Each reference site is the best of its
# water body in every metric, so it scores 5; the site with the largest share scores 0 on it.
# Away from the reference the sites lose EPT taxa and gain tolerant oligochaetes and
# chironomids, most in 中段 (1–2 EPT taxa, 70 % tolerant individuals) and, in the lake, 南湖.
# The sites are composed so that the segment means of B-IBI / expected land on the design: FHGD
# 0.72 / 0.38 / 0.55, XH 0.78 / 0.62 (the reference counts as 1.0 in its segment's mean).
BENTHOS = {
    "FHGD-DW01": ("FHGD-01", True, {
        "扁蜉属 Heptagenia": 9, "蜉蝣属 Ephemera": 10, "四节蜉属 Baetis": 13, "细蜉属 Caenis": 13,
        "纹石蛾属 Hydropsyche": 9, "短脉纹石蛾属 Cheumatopsyche": 10, "箭蜓属 Gomphus": 5,
        "多足摇蚊属 Polypedilum": 10, "摇蚊属 Chironomus": 2,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 2, "铜锈环棱螺 Bellamya aeruginosa": 13,
        "纹沼螺 Parafossarulus striatulus": 7, "河蚬 Corbicula fluminea": 13,
        "日本沼虾 Macrobrachium nipponense": 5}),
    "FHGD-DW02": ("FHGD-01", False, {
        "四节蜉属 Baetis": 5, "细蜉属 Caenis": 7, "短脉纹石蛾属 Cheumatopsyche": 2,
        "蟌属 Coenagrion": 3, "多足摇蚊属 Polypedilum": 12, "摇蚊属 Chironomus": 13,
        "隐摇蚊属 Cryptochironomus": 4, "霍甫水丝蚓 Limnodrilus hoffmeisteri": 23,
        "铜锈环棱螺 Bellamya aeruginosa": 8, "纹沼螺 Parafossarulus striatulus": 4,
        "河蚬 Corbicula fluminea": 4, "日本沼虾 Macrobrachium nipponense": 5,
        "宽身舌蛭 Glossiphonia lata": 4}),
    "FHGD-DW03": ("FHGD-01", False, {
        "四节蜉属 Baetis": 4, "细蜉属 Caenis": 3, "纹石蛾属 Hydropsyche": 3,
        "多足摇蚊属 Polypedilum": 11, "摇蚊属 Chironomus": 22,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 28, "苏氏尾鳃蚓 Branchiura sowerbyi": 2,
        "铜锈环棱螺 Bellamya aeruginosa": 5, "纹沼螺 Parafossarulus striatulus": 4,
        "河蚬 Corbicula fluminea": 4, "宽身舌蛭 Glossiphonia lata": 3}),
    "FHGD-DW04": ("FHGD-02", False, {
        "细蜉属 Caenis": 7, "短脉纹石蛾属 Cheumatopsyche": 4, "多足摇蚊属 Polypedilum": 9,
        "摇蚊属 Chironomus": 19, "前突摇蚊属 Procladius": 3,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 32, "苏氏尾鳃蚓 Branchiura sowerbyi": 12,
        "铜锈环棱螺 Bellamya aeruginosa": 9, "椭圆萝卜螺 Radix swinhoei": 2,
        "宽身舌蛭 Glossiphonia lata": 3}),
    "FHGD-DW05": ("FHGD-02", False, {
        "细蜉属 Caenis": 7, "多足摇蚊属 Polypedilum": 14, "摇蚊属 Chironomus": 24,
        "前突摇蚊属 Procladius": 2, "霍甫水丝蚓 Limnodrilus hoffmeisteri": 33,
        "苏氏尾鳃蚓 Branchiura sowerbyi": 10, "铜锈环棱螺 Bellamya aeruginosa": 8,
        "椭圆萝卜螺 Radix swinhoei": 6, "河蚬 Corbicula fluminea": 3,
        "宽身舌蛭 Glossiphonia lata": 3}),
    "FHGD-DW06": ("FHGD-02", False, {
        "细蜉属 Caenis": 5, "多足摇蚊属 Polypedilum": 10, "摇蚊属 Chironomus": 20,
        "隐摇蚊属 Cryptochironomus": 3, "前突摇蚊属 Procladius": 2,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 32, "苏氏尾鳃蚓 Branchiura sowerbyi": 6,
        "铜锈环棱螺 Bellamya aeruginosa": 12, "椭圆萝卜螺 Radix swinhoei": 3,
        "河蚬 Corbicula fluminea": 3, "宽身舌蛭 Glossiphonia lata": 4}),
    "FHGD-DW07": ("FHGD-03", False, {
        "四节蜉属 Baetis": 7, "细蜉属 Caenis": 3, "短脉纹石蛾属 Cheumatopsyche": 3,
        "多足摇蚊属 Polypedilum": 19, "摇蚊属 Chironomus": 17,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 21, "苏氏尾鳃蚓 Branchiura sowerbyi": 8,
        "铜锈环棱螺 Bellamya aeruginosa": 16, "纹沼螺 Parafossarulus striatulus": 7,
        "河蚬 Corbicula fluminea": 11, "宽身舌蛭 Glossiphonia lata": 5}),
    "FHGD-DW08": ("FHGD-03", False, {
        "四节蜉属 Baetis": 3, "细蜉属 Caenis": 4, "纹石蛾属 Hydropsyche": 3,
        "多足摇蚊属 Polypedilum": 14, "摇蚊属 Chironomus": 10,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 27, "苏氏尾鳃蚓 Branchiura sowerbyi": 2,
        "铜锈环棱螺 Bellamya aeruginosa": 9, "河蚬 Corbicula fluminea": 7,
        "宽身舌蛭 Glossiphonia lata": 5}),
    "FHGD-DW09": ("FHGD-03", False, {
        "细蜉属 Caenis": 6, "多足摇蚊属 Polypedilum": 8, "摇蚊属 Chironomus": 20,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 26, "苏氏尾鳃蚓 Branchiura sowerbyi": 11,
        "铜锈环棱螺 Bellamya aeruginosa": 7, "纹沼螺 Parafossarulus striatulus": 3,
        "椭圆萝卜螺 Radix swinhoei": 3, "河蚬 Corbicula fluminea": 6,
        "宽身舌蛭 Glossiphonia lata": 4}),
    "XH-DW01": ("XH-01", True, {
        "蜉蝣属 Ephemera": 6, "细蜉属 Caenis": 8, "长角石蛾属 Oecetis": 5, "箭蜓属 Gomphus": 3,
        "蟌属 Coenagrion": 4, "多足摇蚊属 Polypedilum": 14, "摇蚊属 Chironomus": 5,
        "隐摇蚊属 Cryptochironomus": 5, "霍甫水丝蚓 Limnodrilus hoffmeisteri": 9,
        "铜锈环棱螺 Bellamya aeruginosa": 11, "纹沼螺 Parafossarulus striatulus": 8,
        "河蚬 Corbicula fluminea": 10, "日本沼虾 Macrobrachium nipponense": 4}),
    "XH-DW02": ("XH-01", False, {
        "细蜉属 Caenis": 10, "长角石蛾属 Oecetis": 5, "蟌属 Coenagrion": 3,
        "多足摇蚊属 Polypedilum": 9, "摇蚊属 Chironomus": 16, "隐摇蚊属 Cryptochironomus": 2,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 17, "铜锈环棱螺 Bellamya aeruginosa": 12,
        "纹沼螺 Parafossarulus striatulus": 8, "河蚬 Corbicula fluminea": 7,
        "日本沼虾 Macrobrachium nipponense": 4}),
    "XH-DW03": ("XH-01", False, {
        "细蜉属 Caenis": 8, "长角石蛾属 Oecetis": 2, "蟌属 Coenagrion": 3,
        "多足摇蚊属 Polypedilum": 14, "摇蚊属 Chironomus": 13, "隐摇蚊属 Cryptochironomus": 4,
        "前突摇蚊属 Procladius": 2, "霍甫水丝蚓 Limnodrilus hoffmeisteri": 23,
        "铜锈环棱螺 Bellamya aeruginosa": 15, "纹沼螺 Parafossarulus striatulus": 4,
        "河蚬 Corbicula fluminea": 5}),
    "XH-DW04": ("XH-02", False, {
        "细蜉属 Caenis": 9, "长角石蛾属 Oecetis": 5, "蟌属 Coenagrion": 4,
        "多足摇蚊属 Polypedilum": 12, "摇蚊属 Chironomus": 17, "前突摇蚊属 Procladius": 5,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 18, "苏氏尾鳃蚓 Branchiura sowerbyi": 2,
        "铜锈环棱螺 Bellamya aeruginosa": 14, "纹沼螺 Parafossarulus striatulus": 4,
        "河蚬 Corbicula fluminea": 8}),
    "XH-DW05": ("XH-02", False, {
        "细蜉属 Caenis": 8, "蟌属 Coenagrion": 3, "多足摇蚊属 Polypedilum": 10,
        "摇蚊属 Chironomus": 17, "前突摇蚊属 Procladius": 4,
        "霍甫水丝蚓 Limnodrilus hoffmeisteri": 20, "苏氏尾鳃蚓 Branchiura sowerbyi": 5,
        "铜锈环棱螺 Bellamya aeruginosa": 14, "椭圆萝卜螺 Radix swinhoei": 3,
        "河蚬 Corbicula fluminea": 6, "宽身舌蛭 Glossiphonia lata": 2}),
    "XH-DW06": ("XH-02", False, {
        "细蜉属 Caenis": 7, "多足摇蚊属 Polypedilum": 10, "摇蚊属 Chironomus": 17,
        "前突摇蚊属 Procladius": 4, "霍甫水丝蚓 Limnodrilus hoffmeisteri": 17,
        "苏氏尾鳃蚓 Branchiura sowerbyi": 6, "铜锈环棱螺 Bellamya aeruginosa": 15,
        "纹沼螺 Parafossarulus striatulus": 5, "椭圆萝卜螺 Radix swinhoei": 2,
        "河蚬 Corbicula fluminea": 5, "日本沼虾 Macrobrachium nipponense": 4}),
}
BENTHOS_DATE = f"{YEAR}-04-20"


def benthos_samples() -> pd.DataFrame:
    rows = [(site, seg, BENTHOS_DATE, taxon, n, reference)
            for site, (seg, reference, counts) in BENTHOS.items()
            for taxon, n in counts.items()]
    return pd.DataFrame(rows, columns=["site_id", "segment_id", "date", "taxon", "count",
                                       "is_reference"])


def benthos_taxa() -> pd.DataFrame:
    rows = [(taxon, order, family, f"{tv:.1f}", ffg)
            for taxon, (order, family, tv, ffg) in TAXA.items()]
    return pd.DataFrame(rows, columns=["taxon", "order", "family", "tolerance", "ffg"])


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
# Waterbirds, aquatic plants, macrophytes, phytoplankton
# ---------------------------------------------------------------------------------------------

# segment -> {group: (current species, reference species)}; the reference is the 1980s record.
COMMUNITIES = {
    "FHGD-01": {"waterbirds": (16, 20), "aquatic_plants": (15, 20)},
    "FHGD-02": {"waterbirds": (11, 20), "aquatic_plants": (9, 20)},
    "FHGD-03": {"waterbirds": (14, 20), "aquatic_plants": (13, 20)},
    "XH-01": {"waterbirds": (34, 40)},
    "XH-02": {"waterbirds": (30, 40)},
}


def community_surveys() -> pd.DataFrame:
    rows = [(seg, group, current, reference) for seg, groups in COMMUNITIES.items()
            for group, (current, reference) in groups.items()]
    return pd.DataFrame(rows, columns=["segment_id", "group", "current_species",
                                       "reference_species"])


# Macrophyte cover of the August survey plots [%]; each plot is scored, then averaged.
MACROPHYTES = {"XH-01": [62, 50, 44, 40, 34, 26], "XH-02": [48, 38, 32, 27, 22, 14]}


def macrophyte_plots() -> pd.DataFrame:
    rows = [(f"{zone}-YF{i:02d}", zone, cover) for zone, covers in MACROPHYTES.items()
            for i, cover in enumerate(covers, start=1)]
    return pd.DataFrame(rows, columns=["plot_id", "segment_id", "cover_pct"])


# Annual mean phytoplankton density [10^4 cells/L] at the lake stations, peaking in summer.
PHYTOPLANKTON = {"XH-WQ01": 320.0, "XH-WQ02": 560.0}


def phytoplankton() -> pd.DataFrame:
    rng = substream("phytoplankton")
    frames = []
    for station, mean in PHYTOPLANKTON.items():
        factor = seasonal(0.6, peak_month=8) * rng.lognormal(0.0, 0.15, 12)
        frames.append(pd.DataFrame({"station_id": station, "date": SAMPLE_DATES,
                                    "density_1e4_cells_l": fixed(mean * factor / factor.mean(),
                                                                 0)}))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Social service: dikes, water supply, drinking sources, shoreline use, navigation
# ---------------------------------------------------------------------------------------------

# segment -> [(length km, design return period a, meets)]: Σ(L·T·met)/Σ(L·T).
DIKES = {
    "FHGD-01": [(3.20, 20, True), (3.20, 50, True)],
    "FHGD-02": [(1.62, 20, True), (1.18, 20, False), (2.80, 50, True)],   # 87.96 %
    "FHGD-03": [(4.10, 20, True), (3.58, 50, True), (0.52, 50, False)],   # 90.94 %
    "XH-01": [(2.30, 20, True), (2.30, 20, True)],
    "XH-02": [(2.00, 20, True), (3.04, 20, True), (0.16, 20, False)],     # 96.92 %
}


def dike_reaches() -> pd.DataFrame:
    rows = [(f"{seg}-DF{i:02d}", seg, f"{length:.2f}", period, meets)
            for seg, reaches in DIKES.items()
            for i, (length, period, meets) in enumerate(reaches, start=1)]
    return pd.DataFrame(rows, columns=["reach_id", "segment_id", "length_km",
                                       "design_return_period_yr", "meets_standard"])


# Intakes: segment -> (design supply [10^4 m³/d], days below design). The days below are the
# lowest-flow days of the segment's hydrological station (river) or the lowest-level days of
# the zone's gauge (lake): 350 / 321 / 347 / 358 / 351 of 365 days meet the design.
INTAKES = {"FHGD-01": (1.50, 15), "FHGD-02": (0.80, 44), "FHGD-03": (1.20, 18),
           "XH-01": (0.60, 7), "XH-02": (0.50, 14)}


def water_supply(flows: dict[str, np.ndarray], levels: dict[str, np.ndarray]) -> pd.DataFrame:
    rng = substream("water_supply")
    frames = []
    for seg, (design, short_days) in INTAKES.items():
        driver = flows.get(seg, levels.get(seg))
        ranked = np.argsort(np.where(np.isnan(driver), np.inf, driver), kind="stable")
        short = np.zeros(len(DAYS), dtype=bool)
        short[ranked[:short_days]] = True
        value = design * np.where(short, rng.uniform(0.70, 0.97, len(DAYS)),
                                  rng.uniform(1.02, 1.20, len(DAYS)))
        frames.append(pd.DataFrame({"station_id": station_id(seg, "IN"),
                                    "date": DAYS.strftime("%Y-%m-%d"),
                                    "value": fixed(value, 2), "design_value": f"{design:.2f}"}))
    return pd.concat(frames, ignore_index=True)


# Drinking-water sources (应急备用水源): monthly, GB 3838 basic items and the five supplementary
# items of Table 2. The intakes lie at the clean ends of their segments (the river's below the
# inlet, the lake's at the pumped inflow), so their water is class Ⅱ–Ⅲ every month, except
# January at the middle segment's source: NH3-N 1.12 mg/L (Ⅳ) -> 11 of 12 = 91.7 %.
DS_TARGETS = pd.DataFrame(
    {
        #             FHGD-01 FHGD-02 FHGD-03 XH-01  XH-02
        "ph":       [7.2, 7.1, 7.2, 7.6, 7.6],
        "do":       [7.6, 7.0, 7.3, 7.8, 7.6],
        "codmn":    [3.4, 4.0, 3.8, 3.6, 3.8],
        "cod":      [12.5, 14.5, 13.5, 13.5, 14.0],
        "bod5":     [2.4, 2.8, 2.6, 2.6, 2.7],
        "nh3n":     [0.40, 0.55, 0.50, 0.28, 0.32],
        "tp":       [0.090, 0.120, 0.110, 0.028, 0.032],
        "tn":       [1.20, 1.50, 1.40, 0.65, 0.72],
        "sulfate":  [28.0, 34.0, 31.0, 24.0, 25.0],
        "chloride": [14.0, 18.0, 16.0, 12.0, 12.5],
        "nitrate":  [0.85, 1.05, 0.95, 0.45, 0.50],
        "fe":       [0.14, 0.17, 0.16, 0.09, 0.10],
        "mn":       [0.035, 0.045, 0.040, 0.030, 0.032],
    },
    index=SEGMENT_IDS,
)
# Seasonal amplitude (peak January if > 0, July if < 0) and written decimals of the items
# not in SEASONAL_FACTOR: salts concentrate in the dry season, iron and manganese rise with the
# summer runoff.
DS_SEASONAL = {**SEASONAL_FACTOR, "sulfate": 0.15, "chloride": 0.15, "nitrate": 0.20,
               "fe": -0.30, "mn": -0.30}
DS_DECIMALS = {**DECIMALS, "sulfate": 1, "chloride": 1, "nitrate": 2, "fe": 2, "mn": 3}
DS_SUPPLEMENTARY = ["sulfate", "chloride", "nitrate", "fe", "mn"]
DS_DAYS = [6, 3, 9, 7, 6, 2, 7, 4, 8, 11, 3, 8]
DS_FAILURE = ("FHGD-02", 1, "nh3n", "1.120")         # segment, month, item, written value


def drinking_source_samples() -> pd.DataFrame:
    rng = substream("drinking_source_samples")
    cos = np.cos(2 * np.pi * (MONTHS - 1) / 12)
    dates = [f"{YEAR}-{m:02d}-{d:02d}" for m, d in zip(MONTHS, DS_DAYS)]
    items = PARAMETERS + DS_SUPPLEMENTARY
    rows = []
    for seg in SEGMENT_IDS:
        series: dict[str, list[str]] = {}
        for p, amp in DS_SEASONAL.items():
            factor = (1 + amp * cos) * rng.lognormal(0.0, 0.06, 12)
            series[p] = fixed(DS_TARGETS.at[seg, p] * factor / factor.mean(), DS_DECIMALS[p])
        for p, amp, sd in (("do", 0.9, 0.2), ("ph", -0.10, 0.06)):
            noise = rng.normal(0.0, sd, 12)
            series[p] = fixed(DS_TARGETS.at[seg, p] + amp * cos + noise - noise.mean(),
                              DECIMALS[p])
        for p, (dl, low, high, dec, p_detect) in TRACE.items():
            detected = rng.random(12) < p_detect
            values = rng.uniform(low, high, 12)
            series[p] = [f"{v:.{dec}f}" if d else f"<{plain(dl)}"
                         for v, d in zip(values, detected)]
        if seg == DS_FAILURE[0]:
            series[DS_FAILURE[2]][DS_FAILURE[1] - 1] = DS_FAILURE[3]
        for i, date in enumerate(dates):
            rows += [(station_id(seg, "DS"), date, p, series[p][i],
                      "无量纲" if p == "ph" else "mg/L") for p in items]
    return pd.DataFrame(rows, columns=["station_id", "date", "parameter", "value", "unit"])


# segment -> (shoreline Lo, developed Lu, legalised or restored Lr) [km]: (Lo − Lu + Lr)/Lo =
# FHGD 0.90 / 0.65 / 0.85, XH 0.920 / 0.881.
SHORELINE = {"FHGD-01": (6.40, 1.60, 0.96), "FHGD-02": (5.60, 2.80, 0.84),
             "FHGD-03": (8.20, 2.46, 1.23), "XH-01": (4.60, 1.15, 0.78),
             "XH-02": (5.20, 1.56, 0.94)}


def shoreline_lengths() -> pd.DataFrame:
    rows = [(seg, *fixed(lengths, 2)) for seg, lengths in SHORELINE.items()]
    return pd.DataFrame(rows, columns=["segment_id", "shoreline_km", "developed_km",
                                       "legalised_km"])


# Navigation of the sightseeing-boat channel: days of 2021 meeting the design depth.
NAVIGATION = {"FHGD-01": 340, "FHGD-02": 310, "FHGD-03": 336}


def navigation() -> pd.DataFrame:
    rows = [(seg, days, len(DAYS)) for seg, days in NAVIGATION.items()]
    return pd.DataFrame(rows, columns=["segment_id", "days_meeting_standard", "days_in_period"])


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
# Assembly and writing
# ---------------------------------------------------------------------------------------------

def build() -> dict[str, pd.DataFrame]:
    """The demo tables keyed by table code, with column codes and coded values as codes."""
    rng = np.random.default_rng(SEED)          # water quality, then questionnaires (as ever)
    segments = pd.DataFrame(SEGMENTS, columns=["segment_id", "water_body_id", "name", "length_km",
                                               "area_km2", "station", "longitude", "latitude"])
    flows, levels = daily_flows(), lake_levels()
    inflows = monthly_inflows(flows)
    tables = {
        "water_bodies": pd.DataFrame(WATER_BODIES),
        "segments": segments[["segment_id", "water_body_id", "name", "length_km", "area_km2"]],
        "stations": stations(),
        "wq_samples": wq_samples(rng),
        "daily_flow": daily_flow(flows),
        "water_level": water_level(levels),
        "monthly_flow": monthly_flow(inflows),
        "bank_plots": bank_plots(),
        "riparian_reaches": riparian_reaches(),
        "outfalls": outfalls(),
        "shoreline_problems": shoreline_problems(),
        "barriers": barriers(),
        "lake_connections": lake_connections(inflows["XH"]),
        "lake_areas": lake_areas(),
        "sediment_samples": sediment_samples(),
        "benthos_samples": benthos_samples(),
        "benthos_taxa": benthos_taxa(),
        "fish_species": fish_species(),
        "community_surveys": community_surveys(),
        "macrophyte_plots": macrophyte_plots(),
        "phytoplankton": phytoplankton(),
        "dike_reaches": dike_reaches(),
        "water_supply": water_supply(flows, levels),
        "drinking_source_samples": drinking_source_samples(),
        "shoreline_lengths": shoreline_lengths(),
        "navigation": navigation(),
        "questionnaires": questionnaires(rng),
    }
    return tables


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


#: The national file's basic facts, given in the second year only (the first year's package
#: is kept as it was). Synthetic: the codes, chief and areas are made up for the demo.
NATIONAL_FACTS = {
    "FHGD": {"national_code": "DEMO-R-360104-001", "chief": "青云谱区区级河长（演示）",
             "basin_area_km2": 36.5, "counties": "南昌市青云谱区"},
    "XH": {"national_code": "DEMO-L-360104-001", "chief": "青云谱区区级湖长（演示）",
           "basin_area_km2": None, "counties": "南昌市青云谱区"},
}


def second_year(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demo a year on (2022), for the health archive's two rounds: every table of 2021 with
    its dates and years moved to 2022 (2021 and 2022 have 365 days alike), the national file's
    basic facts added to 河湖名录, and two management changes of the plan's first year:

    - the lower control sluice FHGD-ZA02 got a working fishway and releases the ecological
      flow, so no barrier is counted: longitudinal connectivity 0 → 100, and 抚河故道 rises
      from 三类 亚健康 (RHI 71.4) to 二类 健康;
    - the two 四乱 problems of 上段 (FHGD-01) were cleared.

    Everything else, 象湖 included, is the 2021 data a year later.
    """
    moved = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if column in ("evaluation_year", "year"):
                frame[column] = frame[column].replace(YEAR, YEAR_2)
            elif frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                frame[column] = frame[column].map(
                    lambda v: f"{YEAR_2}{v[4:]}" if isinstance(v, str)
                    and v.startswith(f"{YEAR}-") else v)
        moved[name] = frame
    facts = pd.DataFrame.from_dict(NATIONAL_FACTS, orient="index")
    bodies = moved["water_bodies"]
    moved["water_bodies"] = pd.concat([bodies.drop(columns="note"),
                                       facts.reindex(bodies["water_body_id"]).reset_index(
                                           drop=True), bodies[["note"]]], axis=1)
    barriers = moved["barriers"]
    fixed_sluice = barriers["barrier_id"] == "FHGD-ZA02"
    barriers.loc[fixed_sluice, ["has_working_fishway", "eco_flow_guaranteed"]] = True
    problems = moved["shoreline_problems"]
    moved["shoreline_problems"] = problems[problems["segment_id"] != "FHGD-01"].reset_index(
        drop=True)
    return moved


def write_package(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write ``tables`` as the Chinese CSV files of one package into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {f"{CATALOGUE[t].zh}.csv" for t in tables}
    for stale in sorted(folder.glob("*.csv")):   # e.g. 指标直接赋值.csv of earlier demos
        if stale.name not in written:
            stale.unlink()
            print(f"{stale.relative_to(ROOT)}: removed")
    for table, df in tables.items():
        path = folder / f"{CATALOGUE[table].zh}.csv"
        to_chinese(table, df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        print(f"{path.relative_to(ROOT)}: {len(df)} rows")


def main() -> None:
    tables = build()
    write_package(OUT, tables)
    write_package(OUT_2, second_year(tables))


if __name__ == "__main__":
    main()
