"""Synthetic raw input packages of any size, for benchmarks (random at scale, not a narrative).

``generate(n_segments)`` returns the RAW input tables of ``health_eval/io/tables.py`` keyed by table
code, with the column codes as headers and coded columns as codes (``river``, ``left``, …), so
that the engine computes every indicator of the river profile (19) and the lake profile (20)
itself; there is no ``indicator_values`` table. ``write_parquet(frames, folder)`` writes them as
one Parquet file per table, or as one hive-partitioned dataset per table (by water body).

Layout: ``ceil(n_segments / segments_per_water_body)`` water bodies (``lake_share`` of them
lakes), each cut into consecutive segments (river reaches with ``length_km``, lake zones with
``area_km2``). Every segment except a water body's first names that first segment as its
``neighbour_segment_id``: the one daily-flow station of a river (and the one water-level gauge of
a lake) stands in its first segment and serves the other segments through the engine's
``station_fallback: neighbour`` policy. Intakes and drinking-water sources are never placed in a
first segment (unless it is the only one), so they serve their own segment only.

Rows per table at 1,000 segments (seed 0: 100 water bodies, 80 rivers and 20 lakes):

=========================  =======  ===========================================================
table                      rows     content
=========================  =======  ===========================================================
water_bodies                   100  kind, evaluation year 2021, river length / lake area
segments                     1,000  length (rivers) or area (lakes), neighbour segment
stations                     1,256  1,000 water quality, 80 hydrology (``mean_flow_m3s``), 20
                                    water level (``min_eco_level_m``), 39 intakes, 117
                                    drinking-water sources
wq_samples                 268,800  12 monthly samples × 22 GB 3838 basic parameters per
                                    station; lake stations also ``chla`` (mg/m³), ``sd`` (m);
                                    trace items below their detection limit are flagged
daily_flow                  29,142  365 daily flows per hydrology station (a few with gaps)
water_level                  7,300  365 daily levels per lake gauge (a few with gaps)
monthly_flow                 1,200  12 months measured and natural flow per water body
barriers                        50  census: dams, sluices and weirs of the rivers
bank_plots                   3,031  2–4 bank survey plots per segment (five elements)
riparian_reaches             2,513  2–3 reaches per segment: cover, width, required width
outfalls                     1,525  census: 0–5 per segment, standardised, siting
shoreline_problems             927  census: 四乱 problems by type and severity
lake_connections                63  2–5 inflow/outflow channels per lake, rating and flow
lake_areas                      20  current and reference area per lake
sediment_samples             8,000  one site per segment: 8 metals with pH (10 % of the sites
                                    with their own screening values)
benthos_samples             12,199  one site per segment plus one reference site
                                    (``is_reference``) per water body, 5–15 taxa each
benthos_taxa                    49  shared taxon table: order, tolerance value
fish_species                 3,546  historical and current species per water body
community_surveys            1,800  waterbirds per segment, aquatic plants per river segment
macrophyte_plots               600  2–4 plots per lake zone
phytoplankton                2,400  monthly density at the lake stations
dike_reaches                 3,022  2–4 dike reaches per segment
water_supply                14,212  365 daily supply values at one intake in ~30 % of the
                                    water bodies
drinking_source_samples     14,040  12 monthly events × (5 basic + 5 supplementary items) at
                                    ~12 % of the segments
shoreline_lengths            1,000  shoreline, developed and legalised length per segment
navigation                     410  navigable days per segment of about half of the rivers
questionnaires               4,434  30–60 responses per water body, ~20 % name a segment
total                      382,639  (3.77 million at 10,000 segments)
=========================  =======  ===========================================================

Each segment has a latent health ``h`` in [0, 1] (water-body level plus segment noise) that
drives every table (pollution level, flows and levels, surveys, census counts, communities), so
results spread over all five health classes. Everything is vectorised with numpy: no Python loop
over segments, stations or water bodies (only over a handful of tables, parameters or codes).
The same arguments give the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

YEAR = 2021
DAYS = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
DAY_OF_YEAR = np.arange(len(DAYS))
MONTH_DATES = pd.to_datetime([f"{YEAR}-{m:02d}-15" for m in range(1, 13)])

# Shares of the optional monitoring (everything else is given for every segment / water body)
WATER_SUPPLY_SHARE = 0.3      # water bodies with a supply intake (daily series)
DRINKING_SHARE = 0.12         # segments (other than first segments) with a drinking source
NAVIGABLE_SHARE = 0.5         # rivers with navigation records
GAP_SHARE = 0.05              # daily series missing a block of 5–30 days (still ≥ 90 % covered)
EXPERT_SHARE = 0.05           # community surveys graded by an expert instead of counted

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
TROPHIC_EXTRA = ["chla", "sd"]          # lake stations only: chl-a [mg/m³], Secchi depth [m]

# Drinking-water sources: basic items (value at a clean source, sigma) and GB 3838 表2
# supplementary items; all mg/L, scaled by the source's pollution level (pH and DO apart).
DRINKING = {
    "codmn": (2.5, 0.20), "nh3n": (0.30, 0.35), "tp": (0.06, 0.35),
    "sulfate": (70.0, 0.30), "chloride": (50.0, 0.30), "nitrate": (2.5, 0.35),
    "fe": (0.10, 0.40), "mn": (0.035, 0.40),
}
DRINKING_LAKE_TP = 0.02                 # a lake source's clean TP (lake class Ⅲ is 0.05)

# Sediment: typical screening values (mg/kg, GB 15618 表1 其他, pH 6.5–7.5); a site's content
# is 0.4 × this × its pollution level, and the sites giving their own values give these
SEDIMENT = {"cd": 0.3, "hg": 2.4, "as": 30.0, "pb": 120.0, "cr": 200.0, "cu": 100.0,
            "ni": 100.0, "zn": 250.0}

# Benthic taxa: order, number of taxa, tolerance value range (0 sensitive … 10 tolerant)
TAXON_GROUPS = (
    ("Ephemeroptera", 8, 1.0, 4.5), ("Plecoptera", 4, 0.5, 2.5), ("Trichoptera", 6, 1.5, 5.0),
    ("Odonata", 4, 3.5, 6.5), ("Coleoptera", 4, 4.0, 6.5), ("Amphipoda", 3, 4.0, 6.0),
    ("Mesogastropoda", 6, 5.0, 8.0), ("Diptera", 8, 5.5, 10.0),
    ("Rhynchobdellida", 2, 7.0, 9.0), ("Haplotaxida", 4, 8.0, 10.0),
)
TAXON_ORDER = np.repeat([g[0] for g in TAXON_GROUPS], [g[1] for g in TAXON_GROUPS])
TAXON_NAME = np.array([f"{order} sp{k + 1}" for order, n, _, _ in TAXON_GROUPS
                       for k in range(n)])
TAXON_TOLERANCE = np.round(np.concatenate([np.linspace(lo, hi, n)
                                           for _, n, lo, hi in TAXON_GROUPS]), 1)

NATIVE_FISH = np.array([
    "青鱼", "草鱼", "鲢", "鳙", "鲤", "鲫", "鳊", "鲂", "翘嘴鲌", "红鳍原鲌", "黄颡鱼", "光泽黄颡鱼",
    "鳜", "大眼鳜", "鲶", "乌鳢", "黄鳝", "泥鳅", "银鱼", "刀鲚", "赤眼鳟", "鳡", "马口鱼", "宽鳍鱲",
    "麦穗鱼", "棒花鱼", "似鳊", "蛇鮈", "银鮈", "中华鳑鲏",
])
ALIEN_FISH = np.array(["革胡子鲶", "罗非鱼", "大口黑鲈", "斑点叉尾鮰"])
RESPONDENTS = np.array(["resident", "manager", "worker", "frequent_visitor",
                        "occasional_visitor"])
SUBSTRATES = np.array(["bedrock", "rock_soil", "clay", "non_cohesive"])
EROSION = np.array(["none", "light", "moderate", "severe"])
RATINGS = np.array(["unobstructed", "mostly_unobstructed", "poor", "severely_blocked",
                    "blocked"])
PROBLEM_TYPES = np.array(["occupation", "extraction", "dumping", "construction"])
SEVERITIES = np.array(["general", "serious", "major"])
BARRIER_TYPES = np.array(["dam", "sluice", "weir"])
RETURN_PERIODS = np.array([10.0, 20.0, 50.0, 100.0])
REQUIRED_WIDTHS = np.array([15.0, 20.0, 30.0, 50.0])


# --------------------------------------------------------------------------------- helpers


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _suffix(ids: np.ndarray, tag: str, ordinal: np.ndarray | None = None,
            width: int = 2) -> np.ndarray:
    """``<id><tag>`` or ``<id><tag><ordinal + 1, zero-padded>``."""
    out = np.char.add(ids.astype(str), tag)
    if ordinal is None or not len(ordinal):
        return out
    return np.char.add(out, np.char.zfill((ordinal + 1).astype(str), width))


def _children(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and ordinal within the parent of ``counts[i]`` children of each parent."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    ordinal = np.arange(len(parent)) - np.repeat(np.cumsum(counts) - counts, counts)
    return parent, ordinal


def _q(rng: np.random.Generator, h: np.ndarray, sigma: float) -> np.ndarray:
    """Health plus noise, clipped to [0, 1]: what one observation of a place reflects."""
    return np.clip(h + rng.normal(0, sigma, np.shape(h)), 0.0, 1.0)


def _code(rng: np.random.Generator, badness: np.ndarray, codes: np.ndarray,
          sigma: float = 0.7) -> np.ndarray:
    """A code of an ordered list (best first) for a badness in [0, 1], with noise."""
    k = len(codes) - 1
    return codes[np.clip(np.rint(badness * k + rng.normal(0, sigma, len(badness))), 0, k)
                 .astype(int)]


def _daily(station_id: np.ndarray, values: np.ndarray, column: str, missing: np.ndarray,
           **per_station: np.ndarray) -> pd.DataFrame:
    """Long daily table of a ``(station, day)`` value array, with ``per_station`` columns
    repeated over the days; ``missing`` days are left out."""
    n, keep = len(station_id), ~missing.ravel()
    columns = {"station_id": np.repeat(station_id, len(DAYS)), "date": np.tile(DAYS.values, n),
               column: values.ravel(),
               **{k: np.repeat(v, len(DAYS)) for k, v in per_station.items()}}
    return pd.DataFrame({k: v[keep] for k, v in columns.items()})


def _gaps(rng: np.random.Generator, n: int) -> np.ndarray:
    """Missing-day mask: GAP_SHARE of the series miss one block of 5–30 days."""
    start = rng.integers(0, len(DAYS) - 30, n)
    length = np.where(rng.random(n) < GAP_SHARE, rng.integers(5, 31, n), 0)
    return _window(start, length)


def _window(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """``(series, day)`` mask of the days ``start … start + length − 1`` of each series."""
    offset = DAY_OF_YEAR[None, :] - start[:, None]
    return (offset >= 0) & (offset < length[:, None])


@dataclass(frozen=True)
class _Layout:
    """Water bodies and segments, as arrays (index i of a segment array = segment i)."""

    wb_id: np.ndarray
    is_lake: np.ndarray
    wb_health: np.ndarray
    first: np.ndarray          # index of each water body's first segment
    n_seg: np.ndarray          # segments per water body
    seg_id: np.ndarray
    seg_wb: np.ndarray
    lake: np.ndarray           # per segment: of a lake
    health: np.ndarray
    length: np.ndarray         # km, NaN for lake zones
    area: np.ndarray           # km², NaN for river reaches

    @property
    def is_first(self) -> np.ndarray:
        out = np.zeros(len(self.seg_id), dtype=bool)
        out[self.first] = True
        return out


# -------------------------------------------------------------------------------- generate


def generate(n_segments: int, *, segments_per_water_body: int = 10, lake_share: float = 0.2,
             seed: int = 0) -> dict[str, pd.DataFrame]:
    """Random raw input tables for ``n_segments`` segments, keyed by table code.

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
    lay = _layout(rng, n_segments, segments_per_water_body, lake_share)
    stations, st = _stations(rng, lay)
    frames = {
        "water_bodies": _water_bodies(lay),
        "segments": _segments(lay),
        "stations": stations,
        "wq_samples": _wq_samples(rng, st["wq"], lay.lake, lay.health),
        "daily_flow": _daily_flow(rng, st["hydro"], st["hydro_mean"],
                                  lay.wb_health[st["hydro_wb"]]),
        "water_level": _water_level(rng, st["gauge"], st["gauge_min"],
                                    lay.wb_health[st["gauge_wb"]]),
        "monthly_flow": _monthly_flow(rng, lay),
        "bank_plots": _bank_plots(rng, lay),
        "riparian_reaches": _riparian_reaches(rng, lay),
        "outfalls": _outfalls(rng, lay),
        "shoreline_problems": _shoreline_problems(rng, lay),
        "barriers": _barriers(rng, lay),
        "lake_connections": _lake_connections(rng, lay),
        "lake_areas": _lake_areas(rng, lay),
        "sediment_samples": _sediment_samples(rng, lay),
        **_benthos(rng, lay),
        "fish_species": _fish_species(rng, lay.wb_id, lay.wb_health),
        "community_surveys": _community_surveys(rng, lay),
        "macrophyte_plots": _macrophyte_plots(rng, lay),
        "phytoplankton": _phytoplankton(rng, st["wq"][lay.lake], lay.health[lay.lake]),
        "dike_reaches": _dike_reaches(rng, lay),
        "water_supply": _water_supply(rng, st["intake"], st["intake_design"],
                                      lay.health[st["intake_seg"]]),
        "drinking_source_samples": _drinking_source(rng, st["drinking"],
                                                    lay.lake[st["drinking_seg"]],
                                                    lay.health[st["drinking_seg"]]),
        "shoreline_lengths": _shoreline_lengths(rng, lay),
        "navigation": _navigation(rng, lay),
        "questionnaires": _questionnaires(rng, lay.wb_id, lay.wb_health, lay.seg_id,
                                          lay.seg_wb),
    }
    return frames


def _layout(rng: np.random.Generator, n_segments: int, spw: int,
            lake_share: float) -> _Layout:
    n_wb = -(-n_segments // spw)
    wb_id = _ids("WB", n_wb, 6)
    is_lake = rng.permutation(n_wb) < round(lake_share * n_wb)
    wb_health = rng.beta(2.6, 1.8, n_wb)
    seg_wb = np.arange(n_segments) // spw
    seg_id = np.char.add(np.char.add(wb_id[seg_wb], "-"),
                         np.char.zfill((np.arange(n_segments) % spw + 1).astype(str), 3))
    lake = is_lake[seg_wb]
    health = np.clip(wb_health[seg_wb] + rng.normal(0, 0.08, n_segments), 0, 1)
    length = np.where(lake, np.nan, np.round(rng.uniform(1, 15, n_segments), 1))
    area = np.where(lake, np.round(rng.uniform(0.5, 8, n_segments), 2), np.nan)
    first = np.searchsorted(seg_wb, np.arange(n_wb))
    return _Layout(wb_id=wb_id, is_lake=is_lake, wb_health=wb_health, first=first,
                   n_seg=np.bincount(seg_wb, minlength=n_wb), seg_id=seg_id, seg_wb=seg_wb,
                   lake=lake, health=health, length=length, area=area)


def _water_bodies(lay: _Layout) -> pd.DataFrame:
    n_wb = len(lay.wb_id)
    wb_length = np.bincount(lay.seg_wb, np.nan_to_num(lay.length), n_wb)
    wb_area = np.bincount(lay.seg_wb, np.nan_to_num(lay.area), n_wb)
    return pd.DataFrame({
        "water_body_id": lay.wb_id,
        "name": np.char.add(np.where(lay.is_lake, "合成湖泊", "合成河流"), lay.wb_id),
        "kind": np.where(lay.is_lake, "lake", "river"),
        "evaluation_year": YEAR,
        "region": "合成",
        "length_km": np.where(lay.is_lake, np.nan, np.round(wb_length, 1)),
        "area_km2": np.where(lay.is_lake, np.round(wb_area, 2), np.nan),
        "note": "synthetic benchmark data",
    })


def _segments(lay: _Layout) -> pd.DataFrame:
    neighbour = np.where(lay.is_first, None, lay.seg_id[lay.first[lay.seg_wb]])
    return pd.DataFrame({
        "segment_id": lay.seg_id, "water_body_id": lay.wb_id[lay.seg_wb],
        "name": np.char.add("段", lay.seg_id), "length_km": lay.length, "area_km2": lay.area,
        "neighbour_segment_id": neighbour,
    })


def _stations(rng: np.random.Generator, lay: _Layout) -> tuple[pd.DataFrame, dict]:
    """Water-quality station per segment; hydrology station per river and water-level gauge
    per lake in the first segment; intakes and drinking-water sources in other segments."""
    n_wb = len(lay.wb_id)
    rivers, lakes = np.flatnonzero(~lay.is_lake), np.flatnonzero(lay.is_lake)
    hydro_seg, gauge_seg = lay.first[rivers], lay.first[lakes]
    mean_flow = np.round(rng.lognormal(np.log(40), 0.9, len(rivers)), 2)
    min_level = np.round(rng.uniform(8, 20, len(lakes)), 2)
    # an intake in a share of the water bodies, in a segment other than the first if possible
    has_intake = np.flatnonzero(rng.random(n_wb) < WATER_SUPPLY_SHARE)
    offset = np.where(lay.n_seg > 1, 1 + (rng.random(n_wb) * (lay.n_seg - 1)).astype(int), 0)
    intake_seg = lay.first[has_intake] + offset[has_intake]
    design = np.round(rng.uniform(0.5, 20, len(has_intake)), 2)
    alone = lay.n_seg[lay.seg_wb] == 1
    drinking_seg = np.flatnonzero((rng.random(len(lay.seg_id)) < DRINKING_SHARE)
                                  & (~lay.is_first | alone))

    st = {"wq": _suffix(lay.seg_id, "-WQ"),
          "hydro": _suffix(lay.seg_id[hydro_seg], "-H"), "hydro_mean": mean_flow,
          "hydro_wb": rivers,
          "gauge": _suffix(lay.seg_id[gauge_seg], "-G"), "gauge_min": min_level,
          "gauge_wb": lakes,
          "intake": _suffix(lay.seg_id[intake_seg], "-I"), "intake_design": design,
          "intake_seg": intake_seg,
          "drinking": _suffix(lay.seg_id[drinking_seg], "-DW"), "drinking_seg": drinking_seg}
    parts = [
        pd.DataFrame({"station_id": st["wq"], "segment_id": lay.seg_id,
                      "station_type": "water_quality"}),
        pd.DataFrame({"station_id": st["hydro"], "segment_id": lay.seg_id[hydro_seg],
                      "station_type": "hydrology", "mean_flow_m3s": mean_flow,
                      "eco_flow_target_m3s": np.round(0.1 * mean_flow, 2)}),
        pd.DataFrame({"station_id": st["gauge"], "segment_id": lay.seg_id[gauge_seg],
                      "station_type": "water_level", "min_eco_level_m": min_level}),
        pd.DataFrame({"station_id": st["intake"], "segment_id": lay.seg_id[intake_seg],
                      "station_type": "intake"}),
        pd.DataFrame({"station_id": st["drinking"], "segment_id": lay.seg_id[drinking_seg],
                      "station_type": "drinking_source"}),
    ]
    stations = pd.concat(parts, ignore_index=True)
    stations.insert(2, "name", np.char.add("测站", stations["station_id"].to_numpy(dtype=str)))
    return stations[["station_id", "segment_id", "name", "station_type", "mean_flow_m3s",
                     "eco_flow_target_m3s", "min_eco_level_m"]], st


# ------------------------------------------------------------------------------ water


def _wq_samples(rng: np.random.Generator, st_id: np.ndarray, lake: np.ndarray,
                health: np.ndarray) -> pd.DataFrame:
    """12 monthly samples of the 22 parameters per station, array shape (station, month, param);
    lake stations also chl-a and Secchi depth for the trophic state."""
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

    do = np.clip(8.3 - 2.8 * (level[..., 0] - 0.7) + 1.3 * cos[..., 0]
                 + rng.normal(0, 0.4, (n, 12)), 0.5, 12.0).round(1)
    ph = np.clip(rng.normal(7.4, 0.25, (n, 1)) - 0.2 * cos[..., 0]
                 + rng.normal(0, 0.1, (n, 12)), 5.5, 9.5).round(2)
    values = np.concatenate([ph[..., None], do[..., None], values], axis=2)
    below = np.concatenate([np.zeros((n, 12, 2), bool), below], axis=2)
    limit = np.where(below, np.concatenate([[np.nan, np.nan], dl]), np.nan)

    n_par = len(PARAMETERS)
    basic = pd.DataFrame({
        "station_id": np.repeat(st_id, 12 * n_par),
        "date": np.tile(np.repeat(MONTH_DATES.values, n_par), n),
        "parameter": np.tile(PARAMETERS, 12 * n),
        "value": values.ravel(),
        "unit": np.tile(np.where(np.array(PARAMETERS) == "ph", "无量纲", "mg/L"), 12 * n),
        "below_detection": below.ravel(),
        "detection_limit": limit.ravel(),
    })
    # lakes: chl-a [mg/m³] (summer peak) and Secchi depth [m], worse with the pollution level
    lake_level = level[lake, :, 0]
    m = len(lake_level)
    summer = 1 - 0.5 * cos[0, :, 0]
    chla = np.round(9.0 * lake_level ** 1.6 * summer * rng.lognormal(0, 0.25, (m, 12)), 1)
    sd = np.round(np.clip(1.0 / lake_level ** 1.1 * rng.lognormal(0, 0.15, (m, 12)),
                          0.1, 5.0), 2)
    trophic = pd.DataFrame({
        "station_id": np.repeat(st_id[lake], 12 * 2),
        "date": np.tile(np.repeat(MONTH_DATES.values, 2), m),
        "parameter": np.tile(TROPHIC_EXTRA, 12 * m),
        "value": np.stack([chla, sd], axis=2).ravel(),
        "unit": np.tile(["mg/m3", "m"], 12 * m),
        "below_detection": False,
        "detection_limit": np.nan,
    })
    return pd.concat([basic, trophic], ignore_index=True)


def _daily_flow(rng: np.random.Generator, st_id: np.ndarray, mean_flow: np.ndarray,
                health: np.ndarray) -> pd.DataFrame:
    """365 daily flows: a seasonal hydrograph (low in January, high in July) whose base flow
    and overall level fall with the river's health (abstraction, regulation)."""
    n = len(st_id)
    q = _q(rng, health, 0.08)
    base = 0.1 + 0.4 * q                                  # dry-season share of the mean
    withdrawal = 0.8 * (1 - q)
    season = (1 - np.cos(2 * np.pi * (DAY_OF_YEAR - 15) / len(DAYS))) / 2
    shape = base[:, None] + 2 * (1 - base[:, None]) * season[None, :]
    flows = (mean_flow[:, None] * shape * (1 - withdrawal[:, None])
             * rng.lognormal(0, 0.15, (n, len(DAYS))))
    return _daily(st_id, np.round(flows, 3), "flow_m3s", _gaps(rng, n))


def _water_level(rng: np.random.Generator, st_id: np.ndarray, minimum: np.ndarray,
                 health: np.ndarray) -> pd.DataFrame:
    """365 daily levels above the gauge's minimum ecological level, but for one dip below it
    whose length (0 … ~40 days) grows as the lake's health falls."""
    n = len(st_id)
    q = _q(rng, health, 0.1)
    season = (1 - np.cos(2 * np.pi * (DAY_OF_YEAR - 15) / len(DAYS))) / 2
    levels = (minimum[:, None] + 0.5 + 0.8 * season[None, :]
              + rng.normal(0, 0.03, (n, len(DAYS))))
    dip = np.rint(30 * (1 - q) ** 3).astype(int)
    start = (rng.random(n) * (len(DAYS) - dip)).astype(int)
    in_dip = _window(start, dip)
    levels = np.where(in_dip, minimum[:, None] - 0.3 + rng.normal(0, 0.03, levels.shape), levels)
    return _daily(st_id, np.round(levels, 3), "level_m", _gaps(rng, n))


def _monthly_flow(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    """Natural and measured monthly flow (lakes: total inflow); the deviation grows as the
    water body's health falls."""
    n = len(lay.wb_id)
    q = _q(rng, lay.wb_health, 0.08)
    mean = rng.lognormal(np.log(40), 0.9, n)
    season = 1 - 0.7 * np.cos(2 * np.pi * (np.arange(12) - 0.5) / 12)
    natural = mean[:, None] * season[None, :] * rng.lognormal(0, 0.1, (n, 12))
    deviation = (0.01 + 0.6 * (1 - q) ** 2)[:, None] * rng.uniform(0.3, 1.7, (n, 12))
    measured = natural * (1 - np.minimum(deviation, 0.95))
    return pd.DataFrame({
        "water_body_id": np.repeat(lay.wb_id, 12), "year": YEAR,
        "month": np.tile(np.arange(1, 13), n),
        "measured_m3s": np.round(measured, 2).ravel(), "natural_m3s": np.round(natural, 2).ravel(),
    })


def _sediment_samples(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    """One site per segment: the 8 metals of GB 15618 with the site's pH (a share of the sites
    also give their own screening values)."""
    n, metals = len(lay.seg_id), np.array(list(SEDIMENT))
    typical = np.array(list(SEDIMENT.values()))
    level = np.exp(3.5 * (0.65 - _q(rng, lay.health, 0.08)))
    values = 0.4 * typical[None, :] * level[:, None] * rng.lognormal(0, 0.3, (n, len(metals)))
    ph = np.round(np.clip(rng.normal(6.9, 0.8, n), 4.5, 9.0), 1)
    own = rng.random(n) < 0.1
    return pd.DataFrame({
        "site_id": np.repeat(_suffix(lay.seg_id, "-D"), len(metals)),
        "segment_id": np.repeat(lay.seg_id, len(metals)),
        "date": pd.Timestamp(f"{YEAR}-08-20"),
        "metal": np.tile(metals, n),
        "value_mg_kg": np.round(values, 3).ravel(),
        "screening_mg_kg": np.where(own[:, None], typical[None, :], np.nan).ravel(),
        "ph": np.repeat(ph, len(metals)),
    })


# ------------------------------------------------------------------------------ basin


def _bank_plots(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    seg, k = _children(rng.integers(2, 5, len(lay.seg_id)))
    q = _q(rng, lay.health[seg], 0.1)
    n = len(seg)
    return pd.DataFrame({
        "plot_id": _suffix(lay.seg_id[seg], "-P", k),
        "segment_id": lay.seg_id[seg],
        "bank": np.where(k % 2 == 0, "left", "right"),
        "slope_deg": np.round(np.clip(12 + 45 * (1 - q) + rng.normal(0, 5, n), 3, 80), 1),
        "veg_cover_pct": np.round(np.clip(10 + 85 * q + rng.normal(0, 8, n), 0, 100), 1),
        "height_m": np.round(np.clip(0.6 + 4 * (1 - q) + rng.normal(0, 0.4, n), 0.2, 10), 2),
        "substrate": _code(rng, 1 - q, SUBSTRATES),
        "toe_erosion": _code(rng, 1 - q, EROSION),
    })


def _riparian_reaches(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    seg, k = _children(rng.integers(2, 4, len(lay.seg_id)))
    q = _q(rng, lay.health[seg], 0.1)
    n = len(seg)
    required = REQUIRED_WIDTHS[rng.integers(0, len(REQUIRED_WIDTHS), n)]
    return pd.DataFrame({
        "reach_id": _suffix(lay.seg_id[seg], "-V", k),
        "segment_id": lay.seg_id[seg],
        "length_m": np.round(rng.uniform(200, 2000, n), -1),
        "veg_cover_pct": np.round(np.clip(8 + 90 * q + rng.normal(0, 8, n), 0, 100), 1),
        "width_m": np.round(required * np.clip(0.25 + 0.85 * q + rng.normal(0, 0.1, n), 0.05,
                                               2.0), 1),
        "required_width_m": required,
    })


def _outfalls(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    """Census: 0–5 outfalls per segment; worse standardisation and siting with lower health."""
    seg, k = _children(np.minimum(rng.poisson(1.5, len(lay.seg_id)), 5))
    q = _q(rng, lay.health[seg], 0.1)
    u = rng.random(len(seg))
    prohibited = u < 0.12 * (1 - q) ** 2
    non_compliant = ~prohibited & (u < 0.5 * (1 - q))
    return pd.DataFrame({
        "outfall_id": _suffix(lay.seg_id[seg], "-O", k),
        "segment_id": lay.seg_id[seg],
        "standardised": rng.random(len(seg)) < 0.3 + 0.7 * q,
        "siting": np.where(prohibited, "prohibited_zone",
                           np.where(non_compliant, "non_compliant", "compliant")),
    })


def _shoreline_problems(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    """Census: 四乱 problems, about 4 per segment at the worst health and none at the best."""
    q = _q(rng, lay.health, 0.1)
    seg, k = _children(rng.poisson(4 * (1 - q) ** 2))
    u = rng.random(len(seg))
    bad = 1 - q[seg]
    severity = np.where(u < 0.08 * bad, "major", np.where(u < 0.08 * bad + 0.3 * bad,
                                                          "serious", "general"))
    return pd.DataFrame({
        "problem_id": _suffix(lay.seg_id[seg], "-F", k),
        "segment_id": lay.seg_id[seg],
        "problem_type": PROBLEM_TYPES[rng.integers(0, len(PROBLEM_TYPES), len(seg))],
        "severity": severity,
        "description": "合成问题",
    })


def _barriers(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    """Census per river: counted barriers (per 100 km: 0 healthy … 1.2 degraded) and a few
    exempt ones (working fishway and guaranteed eco flow)."""
    rivers = np.flatnonzero(~lay.is_lake)
    length = np.bincount(lay.seg_wb, np.nan_to_num(lay.length), len(lay.wb_id))[rivers]
    q = _q(rng, lay.wb_health[rivers], 0.08)
    counted = rng.poisson(length / 100 * 1.2 * (1 - q) ** 1.5)
    exempt = rng.poisson(0.3, len(rivers))
    wb, k = _children(counted + exempt)
    is_exempt = k >= counted[wb]
    partial = rng.integers(0, 3, len(wb))               # counted: FF, TF or FT
    return pd.DataFrame({
        "barrier_id": _suffix(lay.wb_id[rivers][wb], "-BAR", k),
        "water_body_id": lay.wb_id[rivers][wb],
        "barrier_type": BARRIER_TYPES[rng.integers(0, len(BARRIER_TYPES), len(wb))],
        "has_working_fishway": is_exempt | (partial == 1),
        "eco_flow_guaranteed": is_exempt | (partial == 2),
    })


def _lake_connections(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    lakes = np.flatnonzero(lay.is_lake)
    wb, k = _children(rng.integers(2, 6, len(lakes)))
    q = _q(rng, lay.wb_health[lakes][wb], 0.1)
    return pd.DataFrame({
        "connection_id": _suffix(lay.wb_id[lakes][wb], "-C", k),
        "water_body_id": lay.wb_id[lakes][wb],
        "name": np.char.add("通道", (k + 1).astype(str)),
        "direction": np.where(k == 0, "out", "in"),
        "rating": _code(rng, 1 - q, RATINGS, 0.6),
        "flow_m3s": np.round(rng.lognormal(np.log(15), 0.8, len(wb)), 2),
    })


def _lake_areas(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    lakes = np.flatnonzero(lay.is_lake)
    current = np.bincount(lay.seg_wb, np.nan_to_num(lay.area), len(lay.wb_id))[lakes]
    q = _q(rng, lay.wb_health[lakes], 0.08)
    shrinkage = np.clip(40 * (1 - q) ** 1.5 + rng.normal(0, 2, len(lakes)), -2, 60)
    return pd.DataFrame({
        "water_body_id": lay.wb_id[lakes],
        "current_area_km2": np.round(current, 2),
        "reference_area_km2": np.round(current / (1 - shrinkage / 100), 2),
        "reference_year": rng.integers(1975, 1990, len(lakes)),
    })


# ------------------------------------------------------------------------------ biota


def _benthos(rng: np.random.Generator, lay: _Layout) -> dict[str, pd.DataFrame]:
    """One site per segment plus one reference site (least disturbed, flagged) per water body
    in its first segment; 5–15 taxa per site drawn by tolerance (Gumbel top-k sampling)."""
    n_seg, n_wb = len(lay.seg_id), len(lay.wb_id)
    site_seg = np.concatenate([np.arange(n_seg), lay.first])
    reference = np.arange(n_seg + n_wb) >= n_seg
    site_id = np.concatenate([_suffix(lay.seg_id, "-B"), _suffix(lay.seg_id[lay.first], "-BR")])
    h = np.where(reference, np.clip(0.93 + rng.normal(0, 0.03, len(site_seg)), 0, 1),
                 _q(rng, lay.health[site_seg], 0.08))
    n_sites, n_taxa = len(site_seg), len(TAXON_NAME)
    tolerance = TAXON_TOLERANCE / 10
    # affinity of each taxon to the site: sensitive taxa at healthy sites, tolerant at poor ones
    affinity = -((tolerance[None, :] - 0.9 * (1 - h[:, None])) ** 2) / (2 * 0.22 ** 2)
    key = affinity + rng.gumbel(0, 1, (n_sites, n_taxa))
    rank = np.argsort(np.argsort(-key, axis=1), axis=1)
    richness = np.clip(np.rint(5 + 10 * h + rng.normal(0, 1.2, n_sites)), 5, 15)
    site, taxon = np.nonzero(rank < richness[:, None])
    mu = 2.0 + 2.5 * (1 - h[site]) * tolerance[taxon] + 0.8 * h[site]
    count = np.maximum(1, np.rint(rng.lognormal(mu, 0.5))).astype(np.int64)
    samples = pd.DataFrame({
        "site_id": site_id[site], "segment_id": lay.seg_id[site_seg[site]],
        "date": pd.Timestamp(f"{YEAR}-05-10"), "taxon": TAXON_NAME[taxon], "count": count,
        "is_reference": reference[site],
    })
    taxa = pd.DataFrame({"taxon": TAXON_NAME, "order": TAXON_ORDER,
                         "tolerance": TAXON_TOLERANCE})
    return {"benthos_samples": samples, "benthos_taxa": taxa}


def _fish_species(rng: np.random.Generator, wb_id: np.ndarray,
                  wb_health: np.ndarray) -> pd.DataFrame:
    """Historical natives (~2/3 of the pool), current natives (retained with the health), aliens."""
    n = len(wb_id)
    historical = rng.random((n, len(NATIVE_FISH))) < 0.67
    current = historical & (rng.random(historical.shape) < 0.3 + 0.7 * wb_health[:, None])
    alien = rng.random((n, len(ALIEN_FISH))) < 0.3
    parts = []
    for mask, names, period, native in ((historical, NATIVE_FISH, "historical", True),
                                        (current, NATIVE_FISH, "current", True),
                                        (alien, ALIEN_FISH, "current", False)):
        wb, sp = np.nonzero(mask)
        parts.append(pd.DataFrame({"water_body_id": wb_id[wb], "species": names[sp],
                                   "period": period, "native": native}))
    return pd.concat(parts, ignore_index=True)


def _community_surveys(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    """Waterbirds in every segment, aquatic plants in every river segment: species now against
    the reference list, or (a few) an expert grade."""
    parts = []
    for group, segments in (("waterbirds", np.arange(len(lay.seg_id))),
                            ("aquatic_plants", np.flatnonzero(~lay.lake))):
        n = len(segments)
        q = _q(rng, lay.health[segments], 0.1)
        reference = rng.integers(12, 41, n)
        current = np.rint(reference * np.clip(0.25 + 0.75 * q + rng.normal(0, 0.05, n), 0.05,
                                              1.0))
        expert = rng.random(n) < EXPERT_SHARE
        parts.append(pd.DataFrame({
            "segment_id": lay.seg_id[segments], "group": group,
            "current_species": pd.array(np.where(expert, np.nan, current), dtype="Int64"),
            "reference_species": pd.array(np.where(expert, np.nan, reference), dtype="Int64"),
            "expert_score": np.where(expert, np.round(100 * current / reference), np.nan),
        }))
    return pd.concat(parts, ignore_index=True)


def _phytoplankton(rng: np.random.Generator, st_id: np.ndarray,
                   health: np.ndarray) -> pd.DataFrame:
    """Monthly phytoplankton density [10⁴ cells/L] at the lake stations, summer peak."""
    n = len(st_id)
    q = _q(rng, health, 0.08)
    summer = 1 - 0.6 * np.cos(2 * np.pi * np.arange(12) / 12)
    density = (10 ** (1.5 + 2.2 * (1 - q)))[:, None] * summer * rng.lognormal(0, 0.3, (n, 12))
    return pd.DataFrame({"station_id": np.repeat(st_id, 12),
                         "date": np.tile(MONTH_DATES.values, n),
                         "density_1e4_cells_l": np.round(density, 1).ravel()})


def _macrophyte_plots(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    zones = np.flatnonzero(lay.lake)
    seg, k = _children(rng.integers(2, 5, len(zones)))
    q = _q(rng, lay.health[zones][seg], 0.1)
    return pd.DataFrame({
        "plot_id": _suffix(lay.seg_id[zones][seg], "-M", k),
        "segment_id": lay.seg_id[zones][seg],
        "cover_pct": np.round(np.clip(3 + 85 * q + rng.normal(0, 6, len(seg)), 0, 100), 1),
    })


# ----------------------------------------------------------------------------- social


def _dike_reaches(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    seg, k = _children(rng.integers(2, 5, len(lay.seg_id)))
    q = _q(rng, lay.health[seg], 0.1)
    return pd.DataFrame({
        "reach_id": _suffix(lay.seg_id[seg], "-K", k),
        "segment_id": lay.seg_id[seg],
        "length_km": np.round(rng.uniform(0.5, 6, len(seg)), 2),
        "design_return_period_yr": RETURN_PERIODS[rng.integers(0, len(RETURN_PERIODS),
                                                               len(seg))],
        "meets_standard": rng.random(len(seg)) < 0.35 + 0.65 * q ** 0.7,
    })


def _water_supply(rng: np.random.Generator, st_id: np.ndarray, design: np.ndarray,
                  health: np.ndarray) -> pd.DataFrame:
    """365 daily supply values at each intake; the share of days reaching the design value
    falls from ~100 % to ~45 % with the health."""
    n = len(st_id)
    p = 0.45 + 0.55 * _q(rng, health, 0.08) ** 0.7
    meets = rng.random((n, len(DAYS))) < p[:, None]
    spread = np.abs(rng.normal(0, 1, meets.shape))
    values = design[:, None] * np.where(meets, 1 + 0.1 * spread, 0.99 - 0.15 * spread)
    return _daily(st_id, np.round(np.maximum(values, 0), 3), "value", _gaps(rng, n),
                  design_value=design)


def _drinking_source(rng: np.random.Generator, st_id: np.ndarray, lake: np.ndarray,
                     health: np.ndarray) -> pd.DataFrame:
    """12 monthly events of pH, DO, 3 more basic items and the 5 supplementary items of
    GB 3838 表2; more events fail class Ⅲ or a supplementary limit as the health falls."""
    n = len(st_id)
    level = np.exp(1.6 * (0.55 - _q(rng, health, 0.08)))[:, None]
    columns = {"ph": np.clip(rng.normal(7.4, 0.2, (n, 12)), 6.2, 8.8).round(2),
               "do": np.clip(8.5 - 1.5 * level + rng.normal(0, 0.4, (n, 12)), 3, 11).round(1)}
    for parameter, (clean, sigma) in DRINKING.items():   # eight parameters, not stations
        typical = np.where(lake, DRINKING_LAKE_TP, clean)[:, None] if parameter == "tp" else clean
        columns[parameter] = np.round(typical * level * rng.lognormal(0, sigma, (n, 12)), 4)
    names = list(columns)
    values = np.stack([columns[p] for p in names], axis=2)       # (station, month, parameter)
    return pd.DataFrame({
        "station_id": np.repeat(st_id, 12 * len(names)),
        "date": np.tile(np.repeat(MONTH_DATES.values + pd.Timedelta(days=-10), len(names)), n),
        "parameter": np.tile(names, 12 * n),
        "value": values.ravel(),
        "unit": np.tile(np.where(np.array(names) == "ph", "无量纲", "mg/L"), 12 * n),
    })


def _shoreline_lengths(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    n = len(lay.seg_id)
    q = _q(rng, lay.health, 0.1)
    shoreline = np.where(lay.lake, 4 * np.sqrt(np.nan_to_num(lay.area)),
                         2 * np.nan_to_num(lay.length))
    developed = shoreline * np.clip(0.05 + 0.55 * (1 - q) + rng.normal(0, 0.05, n), 0, 1)
    legalised = developed * np.clip(q + rng.normal(0, 0.1, n), 0, 1)
    return pd.DataFrame({"segment_id": lay.seg_id, "shoreline_km": np.round(shoreline, 2),
                         "developed_km": np.round(developed, 2),
                         "legalised_km": np.round(np.minimum(legalised, developed), 2)})


def _navigation(rng: np.random.Generator, lay: _Layout) -> pd.DataFrame:
    navigable = (~lay.is_lake & (rng.random(len(lay.wb_id)) < NAVIGABLE_SHARE))[lay.seg_wb]
    segments = np.flatnonzero(navigable)
    q = _q(rng, lay.health[segments], 0.1)
    days = len(DAYS)
    return pd.DataFrame({
        "segment_id": lay.seg_id[segments],
        "days_meeting_standard": np.rint(days * np.clip(0.45 + 0.55 * q, 0, 1)).astype(np.int64),
        "days_in_period": days,
    })


def _questionnaires(rng: np.random.Generator, wb_id: np.ndarray, wb_health: np.ndarray,
                    seg_id: np.ndarray, seg_wb: np.ndarray) -> pd.DataFrame:
    """30–60 responses per water body; ~20 % name a segment of it, the rest the whole body."""
    per_wb = rng.integers(30, 61, len(wb_id))
    wb = np.repeat(np.arange(len(wb_id)), per_wb)
    total = len(wb)
    first_seg = np.searchsorted(seg_wb, np.arange(len(wb_id)))
    n_seg = np.bincount(seg_wb, minlength=len(wb_id))
    seg = first_seg[wb] + (rng.random(total) * n_seg[wb]).astype(int)
    score = np.clip(np.rint(rng.normal(45 + 50 * wb_health[wb], 9)), 0, 100)
    return pd.DataFrame({
        "response_id": _ids("Q", total, 8),
        "water_body_id": wb_id[wb],
        "segment_id": np.where(rng.random(total) < 0.2, seg_id[seg], None),
        "respondent_type": RESPONDENTS[rng.choice(5, total, p=[0.3, 0.1, 0.15, 0.25, 0.2])],
        "score": score,
    })


# ----------------------------------------------------------------------------- Parquet


#: How a table without ``water_body_id`` finds it: through ``segment_id`` or ``station_id``.
_LINKS = ("segment_id", "station_id")


def with_water_body(frames: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """Table ``name`` with a ``water_body_id`` column (joined from segments or stations when it
    has none); None for a table that names no water body, segment or station (benthos_taxa)."""
    frame = frames[name]
    if "water_body_id" in frame:
        return frame
    segments = frames["segments"][["segment_id", "water_body_id"]]
    if "segment_id" in frame:
        return frame.merge(segments, on="segment_id", how="left", sort=False)
    if "station_id" in frame:
        link = frames["stations"][["station_id", "segment_id"]].merge(segments, on="segment_id")
        return frame.merge(link[["station_id", "water_body_id"]], on="station_id", how="left",
                           sort=False)
    return None


def write_parquet(frames: dict[str, pd.DataFrame], folder: str | Path, *,
                  partition_by_water_body: bool = False) -> list[Path]:
    """Write every table to ``folder`` with pyarrow; return the paths written.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Tables by code, as :func:`generate` returns them.
    folder : path
        Created if needed.
    partition_by_water_body : bool
        False (default): one file ``<table>.parquet`` per table, as the engine reads a folder.
        True: one hive-partitioned dataset per table, ``<table>/water_body_id=<id>/…``, every
        table carrying ``water_body_id`` (joined from segments or stations when it has none);
        a table naming no water body, segment or station (``benthos_taxa``, shared by all) is
        written whole as ``<table>.parquet``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in frames:                           # a handful of tables
        frame = with_water_body(frames, name) if partition_by_water_body else None
        if frame is None:
            path = folder / f"{name}.parquet"
            pq.write_table(pa.Table.from_pandas(frames[name], preserve_index=False), path)
        else:
            path = folder / name
            pq.write_to_dataset(pa.Table.from_pandas(frame, preserve_index=False), path,
                                partition_cols=["water_body_id"],
                                max_partitions=max(1024, frame["water_body_id"].nunique()),
                                existing_data_behavior="delete_matching")
        written.append(path)
    return written
