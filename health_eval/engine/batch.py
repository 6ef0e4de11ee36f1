"""Computed rows of every indicator of a profile → the long indicator table, in one batch.

:func:`health_eval.engine.compute.indicator_table` runs each indicator's ``compute`` and hands the
normalised rows (:class:`Computed`) here. Everything after that is done once for all indicators
and segments (ARCHITECTURE §2): the rows are concatenated with an indicator code; each value is
scored with its indicator's rule (one numpy call per rule); several stations (or plots) of one
segment are combined by the station policy with one group-by over (indicator, key) (SPEC §1.1);
the combined rows are looked up onto every (indicator, applicable segment) pair by one positional
index — a whole-water-body value reaching each of its segments; segments left without a row are
``no_data`` with their cause (:mod:`health_eval.engine.gaps`); values supplied in ``indicator_values``
win (ARCHITECTURE §4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .details_table import DetailPart, Details, plain_floats
from .registry import AnyRule, Indicator

#: Details of a segment whose indicator takes only a supplied value and has none.
SUPPLIED_ONLY = {
    "reason": "supplied_only",
    "reason_zh": "该指标只能直接赋值（指标直接赋值 表），未提供",
    "reason_en": "the indicator takes only a supplied value (指标直接赋值, indicator_values); "
                 "none is given"}


@dataclass(frozen=True)
class Computed:
    """One indicator's computed rows, normalised, and the segments it is evaluated for.

    Parameters
    ----------
    definition : Indicator
    rule : scoring rule
        The rule the profile scores it with.
    constants : tuple
        ``indicator_id, indicator_name, criterion, required, base_weight, unit`` of its rows.
    keys : ndarray of object
        The scope's key of each computed row (``segment_id`` or ``water_body_id``).
    value : ndarray of float
        The computed values [the indicator's unit].
    status : ndarray of object
        One of :data:`~health_eval.engine.registry.STATUSES` per row.
    n_obs : ndarray of float
        Observations behind each row (NaN where not said).
    details : DataFrame
        The declared detail fields of each row, as columns typed as declared
        (:func:`~health_eval.engine.details_table.typed_entries`; no column when the compute gave none).
    stationed : bool
        Whether the rows are per station (or plot), to be combined per key.
    positions : ndarray of int
        Positions, in the profile's segment frame, of the segments the indicator applies to.
    """

    definition: Indicator
    rule: AnyRule
    constants: tuple
    keys: np.ndarray
    value: np.ndarray
    status: np.ndarray
    n_obs: np.ndarray
    details: pd.DataFrame
    stationed: bool
    positions: np.ndarray

    @property
    def key(self) -> str:
        """The key column of the indicator's scope."""
        return "segment_id" if self.definition.scope == "segment" else "water_body_id"


#: Columns built per output row from :attr:`Computed.constants`.
CONSTANT_COLUMNS = ("indicator_id", "indicator_name", "criterion", "required", "base_weight",
                    "unit")

Explain = Callable[[Computed, np.ndarray], list[dict]]


def indicator_rows(parts: list[Computed], segments: pd.DataFrame, combination: str,
                   supplied: pd.DataFrame, explain: Explain) -> tuple[pd.DataFrame, Details]:
    """The long indicator table of ``parts`` (one row per indicator × applicable segment).

    Parameters
    ----------
    parts : list of Computed
        Every indicator computed, in the profile's order (the rows keep it).
    segments : DataFrame
        The profile's segments (``water_body_id, segment_id`` …); ``positions`` index it.
    combination : {"mean", "worst"}
        The profile's ``station_combination`` policy.
    supplied : DataFrame
        The ``indicator_values`` table.
    explain : callable
        ``explain(part, positions)``: the details of the segments at ``positions`` (of
        ``segments``) that have no value of ``part`` (:func:`~health_eval.engine.gaps.missing_reasons`).

    Returns
    -------
    (DataFrame, Details)
        ``water_body_id, segment_id`` (string), ``value, status, score, n_obs`` (Int64),
        the :data:`CONSTANT_COLUMNS` and ``source``; and the details of its rows, columnar.
    """
    ids = segments[["water_body_id", "segment_id"]].astype("string").reset_index(drop=True)
    space = {key: _code_space(ids[key]) for key in ("segment_id", "water_body_id")}
    width = max(len(uniques) for _, uniques in space.values()) + 1
    rows = _computed_rows(parts, space, width)
    combined, entries = _combine(rows, [p.details for p in parts],
                                 [p.stationed for p in parts], combination)

    base = np.concatenate([space[p.key][0][p.positions] for p in parts])
    sizes = np.array([len(p.positions) for p in parts])
    target = np.repeat(np.arange(len(parts)), sizes) * width + base
    slot = np.full(len(parts) * width, -1, dtype=np.int64)
    known = combined.code >= 0
    slot[combined.code[known]] = np.flatnonzero(known)
    found = np.where(base >= 0, slot[np.where(base >= 0, target, 0)], -1)
    missing = found < 0
    safe = np.where(missing, 0, found)

    status = combined.status[safe] if len(combined.code) else np.empty(len(found), object)
    status[missing] = "no_data"
    value = np.where(missing, np.nan, _take(combined.value, safe))
    score = np.where(missing, np.nan, _take(combined.score, safe))
    n_obs = np.where(missing, np.nan, _take(combined.n_obs, safe))
    details = Details.of_parts(
        [DetailPart(p.definition.id, p.definition.details, e, tuple(p.definition.inputs.tables))
         for p, e in zip(parts, entries)],
        np.repeat(np.arange(len(parts)), sizes),
        np.where(missing, -1, _take_int(combined.start, safe)),
        np.where(missing, -1, _take_int(combined.stop, safe)),
        np.where(missing | ~_take_bool(combined.combined, safe), None, combination)
        .astype(object))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for part, start, size in zip(parts, starts.tolist(), sizes.tolist()):
        gaps = np.flatnonzero(missing[start:start + size])
        if len(gaps):
            reasons = explain(part, part.positions[gaps])
            for name, column in (("reason", details.reason), ("reason_zh", details.reason_zh),
                                 ("reason_en", details.reason_en)):
                column[start + gaps] = [r[name] for r in reasons]

    positions = np.concatenate([p.positions for p in parts])
    index = pd.RangeIndex(len(positions))
    table = pd.DataFrame({
        "water_body_id": ids["water_body_id"].array.take(positions),
        "segment_id": ids["segment_id"].array.take(positions),
        "value": value,
        "status": pd.Series(status, index=index, dtype=object),
        "score": score,
        "n_obs": pd.array(n_obs, dtype="Int64"),
        **{column: _constant(parts, i, column, sizes) for i, column in enumerate(CONSTANT_COLUMNS)},
        # object dtype whatever the values, so that results of different data stack alike
        "source": pd.Series(np.where(status == "no_data", None, "computed"), index=index,
                            dtype=object),
    }, index=index)
    return _apply_supplied(table, details, parts, starts, sizes, supplied)


def _constant(parts: list[Computed], i: int, column: str, sizes: np.ndarray):
    """Constant ``i`` (``column`` of :data:`CONSTANT_COLUMNS`) of each part, repeated over its
    rows; a text column typed once on the parts with rows (as pandas would type all the rows),
    then repeated by position."""
    shown = np.flatnonzero(sizes)
    values = np.array([parts[k].constants[i] for k in shown],
                      dtype=bool if column == "required" else float if column == "base_weight"
                      else object)
    at = np.repeat(np.arange(len(shown)), sizes[shown])
    return values[at] if values.dtype != object else pd.Series(values).array.take(at)


def _take(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``values[positions]``, or NaN for each position when there are no values at all."""
    return values[positions] if len(values) else np.full(len(positions), np.nan)


def _take_int(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``values[positions]``, or -1 for each position when there are no values at all."""
    return values[positions] if len(values) else np.full(len(positions), -1, dtype=np.int64)


def _take_bool(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``values[positions]``, or False for each position when there are no values at all."""
    return values[positions] if len(values) else np.zeros(len(positions), dtype=bool)


def _code_space(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """The code of every id of the segment frame and the distinct ids (their index), coded in
    sorted order: stations are then grouped in the order a per-indicator group-by by key used,
    which keeps pandas' floating-point means bit for bit."""
    codes, uniques = pd.factorize(ids, sort=True)
    return codes, pd.Index(uniques)


@dataclass(frozen=True)
class _Rows:
    """Computed rows of all indicators, concatenated and scored.

    ``part`` is the indicator's position in the batch, ``code`` = ``part × width + key code``
    (-1 for a key that names no segment or water body evaluated); ``start, stop`` the row's
    detail entries in its part, ``combined`` whether they are stations combined.
    """

    part: np.ndarray
    code: np.ndarray
    value: np.ndarray
    score: np.ndarray
    status: np.ndarray
    n_obs: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    combined: np.ndarray


def _computed_rows(parts: list[Computed], space: dict, width: int) -> _Rows:
    """Concatenate the parts' rows, score the ``ok`` ones with their rule and mark ``ok`` rows
    without a value ``no_data``."""
    sizes = [len(p.keys) for p in parts]
    part = np.repeat(np.arange(len(parts)), sizes)
    value = np.concatenate([p.value for p in parts])
    status = np.concatenate([p.status for p in parts])
    keys = np.concatenate([p.keys for p in parts])
    scope = np.repeat([p.key for p in parts], sizes) if len(keys) else np.empty(0, dtype=object)
    key_codes = np.full(len(keys), -1, dtype=np.int64)
    for key, (_, uniques) in space.items():           # one lookup per scope
        mine = np.flatnonzero(scope == key)
        if len(mine):
            key_codes[mine] = uniques.get_indexer(pd.array(keys[mine], dtype="string"))
    code = np.where(key_codes >= 0, part * width + key_codes, -1)
    ok = status == "ok"
    score = np.full(len(value), np.nan)
    stop = 0
    for p, size in zip(parts, sizes):
        start, stop = stop, stop + size
        if size:
            score[start:stop] = p.rule.score(value[start:stop])
    score = np.where(ok & ~np.isnan(value), score, np.nan)
    status[ok & np.isnan(value)] = "no_data"
    start = np.arange(len(part)) - np.repeat(np.cumsum([0] + sizes[:-1]), sizes)
    return _Rows(part, code, value, score, status, np.concatenate([p.n_obs for p in parts]),
                 start, start + 1, np.zeros(len(part), dtype=bool))


def _combine(rows: _Rows, details: list[pd.DataFrame], stationed: list[bool],
             combination: str) -> tuple[_Rows, list[pd.DataFrame]]:
    """Several stations or plots of one key: mean of their scores, or the worst (SPEC §1.1).

    Only stations with an ``ok`` value count; the reported value is the mean of their values
    (``mean``) or the worst station's value (``worst``), ``n_obs`` their sum. The detail entries
    of a stationed indicator become its stations in the order of their rows, each with its own
    value, score and status; a combined row points to the range of its own. Rows of
    unstationed indicators pass through; stationed rows without a key are left out. One
    group-by for all indicators.

    Returns
    -------
    (_Rows, list of DataFrame)
        The combined rows and the detail entries of each part.
    """
    grouped = np.asarray(stationed, dtype=bool)[rows.part] if len(rows.part) else \
        np.zeros(0, dtype=bool)
    if not grouped.any():
        return rows, details
    single = ~grouped
    members = np.flatnonzero(grouped & (rows.code >= 0))
    codes, groups = pd.factorize(rows.code[members], sort=True)
    n = len(groups)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=n)
    stops = np.cumsum(counts)
    starts = stops - counts
    value, score = rows.value[members], rows.score[members]
    status = rows.status[members]
    ordered = members[order]                   # parts come in blocks: the code leads with it
    block = np.searchsorted(rows.part[ordered], np.arange(len(details)))
    entries = list(details)
    for p in np.unique(rows.part[ordered]).tolist():
        mine = order[block[p]:block[p + 1] if p + 1 < len(block) else len(order)]
        entries[p] = details[p].take(rows.start[members[mine]]).reset_index(drop=True).assign(
            value=value[mine], score=score[mine], status=status[mine])
    group_part = rows.part[members][order[starts]]
    group_start = starts - block[group_part]
    counted = status == "ok"
    if combination == "worst":
        taken = _worst(codes[counted], value[counted], score[counted], n)
        group_value, group_score = taken
    else:
        group_value, group_score = _means(codes, value, score, counted, rows.part[members], n)
    n_obs = rows.n_obs[members]
    present = ~np.isnan(n_obs)
    sums = np.bincount(codes[present], weights=n_obs[present], minlength=n)
    seen = np.bincount(codes[present], minlength=n)
    first_status = status[order[starts]]
    keep = np.flatnonzero(single)
    return _Rows(
        part=np.concatenate([rows.part[keep], group_part]),
        code=np.concatenate([rows.code[keep], groups]),
        value=np.concatenate([rows.value[keep], group_value]),
        score=np.concatenate([rows.score[keep], group_score]),
        status=np.concatenate([rows.status[keep],
                               np.where(np.isnan(group_score), first_status, "ok")
                               .astype(object)]),
        n_obs=np.concatenate([rows.n_obs[keep], np.where(seen > 0, sums, np.nan)]),
        start=np.concatenate([rows.start[keep], group_start]),
        stop=np.concatenate([rows.stop[keep], group_start + counts]),
        combined=np.concatenate([np.zeros(len(keep), dtype=bool), np.ones(n, dtype=bool)]),
    ), entries


def _means(codes: np.ndarray, value: np.ndarray, score: np.ndarray, counted: np.ndarray,
           part: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group code, the mean value and score of its ``counted`` rows (NaN without any).

    pandas sums a group-by mean one way when the group codes come sorted and another (Kahan
    compensated) when they do not. To keep every mean bit for bit what a group-by of one
    indicator's rows gives, the indicators whose rows come in key order are grouped together,
    and the others together: two group-bys whatever the number of indicators.
    """
    group_value, group_score = np.full(n, np.nan), np.full(n, np.nan)
    mine, rows = codes[counted], part[counted]
    falling = (np.diff(mine) < 0) & (rows[1:] == rows[:-1])
    unsorted = np.isin(rows, rows[1:][falling])
    for chosen in (~unsorted, unsorted):
        if not chosen.any():
            continue
        means = pd.DataFrame({"value": value[counted][chosen], "score": score[counted][chosen]}
                             ).groupby(mine[chosen]).mean()
        group_value[means.index] = means["value"].to_numpy()
        group_score[means.index] = means["score"].to_numpy()
    return group_value, group_score


def _worst(codes: np.ndarray, value: np.ndarray, score: np.ndarray, n: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """Per group code, the value and score of its lowest-scoring row (the first such row);
    NaN for a group without a scored row."""
    scored = np.flatnonzero(~np.isnan(score))
    order = scored[np.lexsort((scored, score[scored], codes[scored]))]
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]] if len(order) else order
    group_value, group_score = np.full(n, np.nan), np.full(n, np.nan)
    group_value[codes[first]] = value[first]
    group_score[codes[first]] = score[first]
    return group_value, group_score


def _apply_supplied(table: pd.DataFrame, details: Details, parts: list[Computed],
                    starts: np.ndarray, sizes: np.ndarray, supplied: pd.DataFrame
                    ) -> tuple[pd.DataFrame, Details]:
    """Let values supplied in ``indicator_values`` win over computed ones (ARCHITECTURE §4).

    A supplied row with a segment applies to that segment; one without a segment applies to every
    segment of its water body that has no segment-level supplied value. The computed value, if
    any, is kept in the details for comparison (``supplied_note``, ``computed_value``, the computed
    details under ``computed_details``). Supplied rows are matched by one merge on
    (indicator, segment) and one on (indicator, water body).
    """
    if supplied.empty:
        return table, details
    keys = ["indicator_id", "segment_id", "water_body_id"]
    by_segment = supplied[supplied["segment_id"].notna()][["indicator_id", "segment_id",
                                                           "value", "note"]]
    whole = supplied[supplied["segment_id"].isna()][["indicator_id", "water_body_id", "value",
                                                     "note"]]
    matched = table[keys].merge(by_segment, on=keys[:2], how="left").merge(
        whole, on=["indicator_id", "water_body_id"], how="left", suffixes=("", "_wb"))
    value = matched["value"].fillna(matched["value_wb"]).to_numpy(dtype=float)
    note = matched["note"].fillna(matched["note_wb"])
    hit = ~np.isnan(value)
    if not hit.any():
        return table, details
    score = table["score"].to_numpy(dtype=float, copy=True)
    for part, start, size in zip(parts, starts.tolist(), sizes.tolist()):
        mine = start + np.flatnonzero(hit[start:start + size])
        if len(mine):
            score[mine] = part.rule.score(value[mine])
    computed = np.array(plain_floats(table["value"].to_numpy(dtype=float)), dtype=float)
    details.supplied[hit] = True
    details.supplied_note[hit] = note[hit].astype(object).where(note[hit].notna(), None).map(
        lambda text: None if text is None else str(text)).to_numpy()
    details.computed_value[hit] = computed[hit]
    table = table.copy()
    table.loc[hit, "value"] = value[hit]
    table["score"] = score
    table.loc[hit, "status"] = "supplied"
    table.loc[hit, "source"] = "supplied"
    return table, details


def supplied_only_reasons(definition: Indicator, count: int) -> list[dict]:
    """The details of ``count`` segments of an indicator that takes only supplied values."""
    return [{**SUPPLIED_ONLY, "inputs": list(definition.inputs.tables)}] * count
