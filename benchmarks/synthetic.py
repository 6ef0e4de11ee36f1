"""Synthetic input packages of any size, for benchmarks (random at scale, not a narrative).

``generate(n_segments)`` returns the input tables of ``health_eval/tables.py`` keyed by table
code, with the column codes as headers and coded columns as codes (``river``, ``resident``, …):

- ``water_bodies``: ``ceil(n_segments / segments_per_water_body)`` rivers and lakes
  (``lake_share`` of them lakes);
- ``segments``: river reaches with ``length_km``, lake zones with ``area_km2``;
- ``stations``: one water-quality station per segment;
- ``wq_samples``: 12 monthly samples × 22 GB 3838 parameters per station (264,000 rows at 1,000
  segments); trace items below their detection limit carry ``below_detection`` and
  ``detection_limit``;
- ``fish_species``: historical (~20) and current species per water body;
- ``questionnaires``: 30–60 responses per water body, about 20 % tagged with a segment;
- ``indicator_values``: every indicator of the river and lake profiles that the engine does not
  compute from the tables above.

Each segment has a latent health ``h`` in [0, 1] (water-body level plus segment noise) that
drives its pollution level and indicator values, so results spread over all health classes.
Everything is vectorised with numpy: no Python loop over segments, stations or water bodies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

YEAR = 2021

# parameter: (typical river value, lake value, exponent on the pollution level, seasonal
#             amplitude (+: winter peak, −: summer peak), noise sigma, detection limit, decimals)
# mg/L; pH and DO are generated separately.
WQ = {
    "codmn":           (4.5, 4.5, 1.0, -0.12, 0.15, np.nan, 1),
    "cod":             (17.0, 17.0, 1.0, -0.10, 0.15, np.nan, 1),
    "bod5":            (3.2, 3.2, 1.0, -0.12, 0.15, np.nan, 1),
    "nh3n":            (0.60, 0.35, 1.3, 0.25, 0.20, 0.025, 3),
    "tp":              (0.15, 0.05, 1.2, -0.20, 0.20, 0.01, 3),
    "tn":              (1.50, 0.90, 1.0, 0.18, 0.15, 0.05, 2),
    "cu":              (0.004, 0.003, 0.3, 0.0, 0.30, 0.0005, 4),
    "zn":              (0.020, 0.015, 0.3, 0.0, 0.30, 0.005, 3),
    "fluoride":        (0.35, 0.35, 0.2, 0.0, 0.20, 0.05, 2),
    "se":              (0.0004, 0.0004, 0.3, 0.0, 0.40, 0.0004, 4),
    "as":              (0.0020, 0.0020, 0.3, 0.0, 0.30, 0.0003, 4),
    "hg":              (0.00002, 0.00002, 0.3, 0.0, 0.40, 0.00004, 5),
    "cd":              (0.00015, 0.00015, 0.3, 0.0, 0.40, 0.0001, 5),
    "cr6":             (0.004, 0.004, 0.3, 0.0, 0.30, 0.004, 3),
    "pb":              (0.0020, 0.0020, 0.3, 0.0, 0.40, 0.001, 4),
    "cyanide":         (0.002, 0.002, 0.3, 0.0, 0.40, 0.004, 3),
    "volatile_phenol": (0.0005, 0.0005, 0.5, 0.0, 0.40, 0.0003, 4),
    "petroleum":       (0.02, 0.02, 0.5, 0.0, 0.40, 0.01, 2),
    "las":             (0.06, 0.06, 0.5, 0.0, 0.40, 0.05, 2),
    "sulfide":         (0.010, 0.010, 0.5, 0.0, 0.40, 0.005, 3),
}
PARAMETERS = ["ph", "do", *WQ]

# indicator: (kinds, scope, value at worst health, value at best health, decimals, unit)
INDICATORS = {
    "basin.longitudinal_connectivity": ("river", "water_body", 1.5, 0.0, 2, "1/100km"),
    "basin.lake_connectivity":         ("lake", "water_body", 40, 100, 0, "分"),
    "basin.lake_area_shrinkage":       ("lake", "water_body", 35, 0, 1, "%"),
    "basin.shoreline_naturalness":     ("river lake", "segment", 30, 95, 1, "分"),
    "basin.riparian_width":            ("river", "segment", 0.3, 1.0, 2, ""),
    "basin.shoreline_violations":      ("river lake", "segment", 30, 100, 1, "分"),
    "water.eco_flow":                  ("river", "segment", 20, 100, 1, "分"),
    "water.min_eco_level":             ("lake", "segment", 30, 0, 0, "d"),
    "water.flow_deviation":            ("river", "water_body", 2.0, 0.05, 3, ""),
    "water.inflow_deviation":          ("lake", "water_body", 2.0, 0.05, 3, ""),
    "water.trophic_state":             ("lake", "segment", 70, 35, 1, ""),
    "water.sediment":                  ("river lake", "segment", 4.0, 0.5, 2, ""),
    "biota.benthic_ibi":               ("river lake", "segment", 0.2, 1.0, 2, ""),
    "biota.waterbirds":                ("river lake", "segment", 0.3, 1.0, 2, ""),
    "biota.aquatic_plants":            ("river", "segment", 0.3, 1.0, 2, ""),
    "biota.phytoplankton_density":     ("lake", "segment", 3000, 50, 0, "10^4 cells/L"),
    "biota.macrophyte_cover":          ("lake", "segment", 5, 80, 1, "%"),
    "social.flood_control":            ("river lake", "segment", 60, 100, 1, "%"),
    "social.water_supply":             ("river lake", "segment", 50, 100, 1, "%"),
    "social.drinking_source":          ("river lake", "segment", 70, 100, 1, "%"),
    "social.shoreline_management":     ("river lake", "segment", 0.4, 1.0, 2, ""),
    "social.navigation":               ("river", "segment", 40, 100, 1, "%"),
}
ECO_LEVEL_DAYS = np.array([30, 14, 7, 3, 1, 0])   # water.min_eco_level takes these values

NATIVE_FISH = np.array([
    "青鱼", "草鱼", "鲢", "鳙", "鲤", "鲫", "鳊", "鲂", "翘嘴鲌", "红鳍原鲌", "黄颡鱼", "光泽黄颡鱼",
    "鳜", "大眼鳜", "鲶", "乌鳢", "黄鳝", "泥鳅", "银鱼", "刀鲚", "赤眼鳟", "鳡", "马口鱼", "宽鳍鱲",
    "麦穗鱼", "棒花鱼", "似鳊", "蛇鮈", "银鮈", "中华鳑鲏",
])
ALIEN_FISH = np.array(["革胡子鲶", "罗非鱼", "大口黑鲈", "斑点叉尾鮰"])
RESPONDENTS = np.array(["resident", "manager", "worker", "frequent_visitor",
                        "occasional_visitor"])


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def generate(n_segments: int, *, segments_per_water_body: int = 10, lake_share: float = 0.2,
             seed: int = 0) -> dict[str, pd.DataFrame]:
    """Random input tables for ``n_segments`` segments, keyed by table code.

    Parameters
    ----------
    n_segments : int
        Number of evaluation segments (river reaches and lake zones).
    segments_per_water_body : int
        Segments per water body (the last one may have fewer).
    lake_share : float
        Share of water bodies that are lakes.
    seed : int
        Seed of the numpy generator; the same arguments give the same tables.
    """
    rng = np.random.default_rng(seed)
    spw = segments_per_water_body
    n_wb = -(-n_segments // spw)

    # water bodies -----------------------------------------------------------------------------
    wb_id = _ids("WB", n_wb, 6)
    is_lake = rng.permutation(n_wb) < round(lake_share * n_wb)
    wb_health = rng.beta(5, 3, n_wb)

    # segments ---------------------------------------------------------------------------------
    seg_wb = np.arange(n_segments) // spw
    seg_id = np.char.add(np.char.add(wb_id[seg_wb], "-"),
                         np.char.zfill((np.arange(n_segments) % spw + 1).astype(str), 3))
    seg_lake = is_lake[seg_wb]
    health = np.clip(wb_health[seg_wb] + rng.normal(0, 0.08, n_segments), 0, 1)
    length = np.where(seg_lake, np.nan, np.round(rng.uniform(1, 15, n_segments), 1))
    area = np.where(seg_lake, np.round(rng.uniform(0.5, 8, n_segments), 2), np.nan)
    wb_length = np.bincount(seg_wb, np.nan_to_num(length), n_wb)
    wb_area = np.bincount(seg_wb, np.nan_to_num(area), n_wb)

    water_bodies = pd.DataFrame({
        "water_body_id": wb_id,
        "name": np.char.add(np.where(is_lake, "合成湖泊", "合成河流"), wb_id),
        "kind": np.where(is_lake, "lake", "river"),
        "evaluation_year": YEAR,
        "region": "合成",
        "length_km": np.where(is_lake, np.nan, np.round(wb_length, 1)),
        "area_km2": np.where(is_lake, np.round(wb_area, 2), np.nan),
        "note": "synthetic benchmark data",
    })
    segments = pd.DataFrame({
        "segment_id": seg_id, "water_body_id": wb_id[seg_wb],
        "name": np.char.add("段", seg_id), "length_km": length, "area_km2": area,
    })
    st_id = np.char.add(seg_id, "-WQ")
    stations = pd.DataFrame({"station_id": st_id, "segment_id": seg_id,
                             "station_type": "water_quality"})

    return {
        "water_bodies": water_bodies,
        "segments": segments,
        "stations": stations,
        "wq_samples": _wq_samples(rng, st_id, seg_lake, health),
        "fish_species": _fish_species(rng, wb_id, wb_health),
        "questionnaires": _questionnaires(rng, wb_id, wb_health, seg_id, seg_wb),
        "indicator_values": _indicator_values(rng, wb_id, is_lake, wb_health, seg_id, seg_wb,
                                              seg_lake, health),
    }


def _wq_samples(rng: np.random.Generator, st_id: np.ndarray, lake: np.ndarray,
                health: np.ndarray) -> pd.DataFrame:
    """12 monthly samples of the 22 parameters per station, array shape (station, month, param)."""
    n = len(st_id)
    cos = np.cos(2 * np.pi * np.arange(12) / 12)[None, :, None]          # January peak
    level = np.exp(1.6 * (0.6 - health) + rng.normal(0, 0.15, n))[:, None, None]
    spec = np.array([v[:6] for v in WQ.values()], dtype=float)           # (param, 6)
    base = np.where(lake[:, None], spec[:, 1], spec[:, 0])[:, None, :]  # (station, 1, param)
    values = (base * level ** spec[:, 2] * (1 + spec[:, 3] * cos)
              * rng.lognormal(0, spec[:, 4], (n, 12, len(WQ))))
    decimals = np.array([v[6] for v in WQ.values()])
    values = np.round(values * 10.0 ** decimals) / 10.0 ** decimals
    dl = spec[:, 5]
    below = values < dl                                                  # NaN limit: never
    values = np.where(below, dl, values)

    do = np.clip(8.0 - 2.0 * (level[..., 0] - 0.7) + 1.3 * cos[..., 0]
                 + rng.normal(0, 0.4, (n, 12)), 0.5, 12.0).round(1)
    ph = np.clip(rng.normal(7.4, 0.25, (n, 1)) - 0.2 * cos[..., 0]
                 + rng.normal(0, 0.1, (n, 12)), 5.5, 9.5).round(2)
    values = np.concatenate([ph[..., None], do[..., None], values], axis=2)
    below = np.concatenate([np.zeros((n, 12, 2), bool), below], axis=2)
    limit = np.where(below, np.concatenate([[np.nan, np.nan], dl]), np.nan)

    n_par = len(PARAMETERS)
    dates = pd.to_datetime([f"{YEAR}-{m:02d}-15" for m in range(1, 13)])
    return pd.DataFrame({
        "station_id": np.repeat(st_id, 12 * n_par),
        "date": np.tile(np.repeat(dates.values, n_par), n),
        "parameter": np.tile(PARAMETERS, 12 * n),
        "value": values.ravel(),
        "unit": np.tile(np.where(np.array(PARAMETERS) == "ph", "无量纲", "mg/L"), 12 * n),
        "below_detection": below.ravel(),
        "detection_limit": limit.ravel(),
    })


def _fish_species(rng: np.random.Generator, wb_id: np.ndarray,
                  wb_health: np.ndarray) -> pd.DataFrame:
    """Historical natives (~2/3 of the pool), current natives (retained with the health), aliens."""
    n = len(wb_id)
    historical = rng.random((n, len(NATIVE_FISH))) < 0.67
    current = historical & (rng.random(historical.shape) < 0.45 + 0.5 * wb_health[:, None])
    alien = rng.random((n, len(ALIEN_FISH))) < 0.3
    parts = []
    for mask, names, period, native in ((historical, NATIVE_FISH, "historical", True),
                                        (current, NATIVE_FISH, "current", True),
                                        (alien, ALIEN_FISH, "current", False)):
        wb, sp = np.nonzero(mask)
        parts.append(pd.DataFrame({"water_body_id": wb_id[wb], "species": names[sp],
                                   "period": period, "native": native}))
    return pd.concat(parts, ignore_index=True)


def _questionnaires(rng: np.random.Generator, wb_id: np.ndarray, wb_health: np.ndarray,
                    seg_id: np.ndarray, seg_wb: np.ndarray) -> pd.DataFrame:
    """30–60 responses per water body; ~20 % name a segment of it, the rest the whole body."""
    per_wb = rng.integers(30, 61, len(wb_id))
    wb = np.repeat(np.arange(len(wb_id)), per_wb)
    total = len(wb)
    first_seg = np.searchsorted(seg_wb, np.arange(len(wb_id)))
    n_seg = np.bincount(seg_wb, minlength=len(wb_id))
    seg = first_seg[wb] + (rng.random(total) * n_seg[wb]).astype(int)
    score = np.clip(np.rint(rng.normal(55 + 40 * wb_health[wb], 9)), 0, 100)
    return pd.DataFrame({
        "response_id": _ids("Q", total, 8),
        "water_body_id": wb_id[wb],
        "segment_id": np.where(rng.random(total) < 0.2, seg_id[seg], None),
        "respondent_type": RESPONDENTS[rng.choice(5, total, p=[0.3, 0.1, 0.15, 0.25, 0.2])],
        "score": score,
    })


def _indicator_values(rng: np.random.Generator, wb_id: np.ndarray, is_lake: np.ndarray,
                      wb_health: np.ndarray, seg_id: np.ndarray, seg_wb: np.ndarray,
                      seg_lake: np.ndarray, health: np.ndarray) -> pd.DataFrame:
    """One row per applicable segment (or water body) and non-computed indicator."""
    wb_kind = np.where(is_lake, "lake", "river")
    seg_kind = wb_kind[seg_wb]
    parts = []
    for indicator, (kinds, scope, worst, best, decimals, unit) in INDICATORS.items():
        if scope == "water_body":
            take = np.isin(wb_kind, kinds.split())
            wb, seg, h = wb_id[take], None, wb_health[take]
        else:
            take = np.isin(seg_kind, kinds.split())
            wb, seg, h = wb_id[seg_wb[take]], seg_id[take], health[take]
        q = np.clip(h + rng.normal(0, 0.15, len(h)), 0, 1)
        if indicator == "water.min_eco_level":
            value = ECO_LEVEL_DAYS[np.rint(q * (len(ECO_LEVEL_DAYS) - 1)).astype(int)]
        else:
            value = np.round(worst + (best - worst) * q, decimals)
        parts.append(pd.DataFrame({"water_body_id": wb, "segment_id": seg,
                                   "indicator_id": indicator, "value": value.astype(float),
                                   "unit": unit, "note": "synthetic"}))
    return pd.concat(parts, ignore_index=True)
