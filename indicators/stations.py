"""Which monitoring stations serve each segment, and their data of the evaluation year.

SPEC §1.1: several stations or plots in one segment are scored one by one and combined by the
profile's station policy; a segment without a station of its own may use its neighbour's (the
``station_fallback`` policy). Every station table an indicator declares (samples, daily flows,
levels, intakes) is read through :func:`station_rows` by the input stage
(:mod:`health_eval.engine.input_stage`), so the rules are the same for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from health_eval.engine.inputs import EVALUATION_YEAR, Period
from health_eval.io.lookup import is_in, per_row, positions_in, row_years, station_years


def assign_stations(stations: pd.DataFrame, segments: pd.DataFrame, *,
                    fallback: str = "neighbour") -> pd.DataFrame:
    """Link every segment to its own stations, or to its neighbour's when it has none.

    Parameters
    ----------
    stations : DataFrame
        ``station_id`` and ``segment_id`` of the stations that can serve (callers pass those
        with data for the indicator at hand, so a segment whose only station measures something
        else borrows its neighbour's).
    segments : DataFrame
        ``segment_id`` and ``neighbour_segment_id`` (the segment whose stations stand in, chosen
        by the evaluator; may be empty).
    fallback : {"neighbour", "none"}
        The profile's ``station_fallback`` policy: ``none`` never borrows.

    Returns
    -------
    DataFrame
        ``segment_id, station_id, borrowed_from``: ``borrowed_from`` is the neighbour segment
        whose station was used, <NA> for a segment's own stations.
    """
    return serving_links(station_pairs(stations, segments), np.ones(len(stations), dtype=bool),
                         fallback)


class StationPairs(NamedTuple):
    """Every (segment, station) pair that may serve: the segment's own stations and its
    neighbour's, as positions, worked out once for all station tables (see
    :func:`serving_links`).

    Attributes
    ----------
    own_segment, own_station : ndarray of int
        Positions in ``segments`` and ``stations`` of each station in its segment (by segment,
        then station).
    lent_segment, lent_station : ndarray of int
        The same for each station of a segment's ``neighbour_segment_id``.
    segment_ids, station_ids, neighbour_ids : ExtensionArray of str
        ``segments["segment_id"]``, ``stations["station_id"]`` and
        ``segments["neighbour_segment_id"]`` as strings (<NA> where missing).
    """

    own_segment: np.ndarray
    own_station: np.ndarray
    lent_segment: np.ndarray
    lent_station: np.ndarray
    segment_ids: pd.api.extensions.ExtensionArray
    station_ids: pd.api.extensions.ExtensionArray
    neighbour_ids: pd.api.extensions.ExtensionArray


def station_pairs(stations: pd.DataFrame, segments: pd.DataFrame) -> StationPairs:
    """The :class:`StationPairs` of ``stations`` (``station_id, segment_id``) and ``segments``
    (``segment_id`` and optionally ``neighbour_segment_id``)."""
    own_segment, own_station = _matches(segments["segment_id"], stations["segment_id"])
    neighbour = (segments["neighbour_segment_id"] if "neighbour_segment_id" in segments
                 else pd.Series(pd.NA, index=segments.index, dtype="string"))
    has_neighbour = neighbour.notna().to_numpy(dtype=bool)
    at, lent_station = _matches(neighbour[has_neighbour], stations["segment_id"])
    return StationPairs(own_segment, own_station, np.flatnonzero(has_neighbour)[at],
                        lent_station, segments["segment_id"].astype("string").array,
                        stations["station_id"].astype("string").array,
                        neighbour.astype("string").array)


def serving_links(pairs: StationPairs, serving: np.ndarray, fallback: str) -> pd.DataFrame:
    """``segment_id, station_id, borrowed_from`` of the stations that serve each segment.

    Parameters
    ----------
    pairs : StationPairs
    serving : ndarray of bool
        Per station (row of the stations of ``pairs``): whether it can serve (has data for the
        indicator at hand).
    fallback : {"neighbour", "none"}
        ``neighbour``: a segment without a serving station of its own takes its neighbour's
        serving stations; ``none`` never borrows.

    Returns
    -------
    DataFrame
        Own stations first (by segment, then station), then borrowed ones; ``borrowed_from``
        is the lending neighbour, <NA> for own stations.
    """
    keep = serving[pairs.own_station]
    at_segment, at_station = [pairs.own_segment[keep]], [pairs.own_station[keep]]
    if fallback == "neighbour":
        served = np.zeros(len(pairs.segment_ids), dtype=bool)
        served[at_segment[0]] = True
        keep = serving[pairs.lent_station] & ~served[pairs.lent_segment]
        at_segment.append(pairs.lent_segment[keep])
        at_station.append(pairs.lent_station[keep])
    # own stations lend nothing: their lender is taken at -1 (missing)
    at_lender = np.concatenate([np.full(len(at_segment[0]), -1)] + at_segment[1:])
    at_segment, at_station = np.concatenate(at_segment), np.concatenate(at_station)
    return pd.DataFrame({"segment_id": pairs.segment_ids.take(at_segment),
                         "station_id": pairs.station_ids.take(at_station),
                         "borrowed_from": pairs.neighbour_ids.take(at_lender, allow_fill=True)},
                        index=pd.RangeIndex(len(at_segment)), copy=False)


def _matches(left: pd.Series, right: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` of every pair ``left[i] == right[j]``, as an inner merge of ``left``
    and ``right`` orders its rows (by ``i``, then ``j``), without the merge.

    Missing values never match (the ids compared here are never missing on the left).

    Returns
    -------
    (ndarray of int, ndarray of int)
        Positions in ``left`` and in ``right`` of each pair.
    """
    right_codes, distinct = pd.factorize(right)
    per_value = np.bincount(right_codes[right_codes >= 0], minlength=len(distinct))
    # the rows of ``right`` grouped by value, in their order within each value
    grouped = np.argsort(right_codes, kind="stable")[np.count_nonzero(right_codes < 0):]
    value = positions_in(left, pd.Series(distinct))
    count = per_row(value, per_value, 0)
    first = per_row(value, np.cumsum(per_value) - per_value, 0)
    at_left = np.repeat(np.arange(len(left)), count)
    within = np.arange(len(at_left)) - np.repeat(np.cumsum(count) - count, count)
    return at_left, grouped[np.repeat(first, count) + within]


#: Columns of a station's water body that :func:`station_rows` can carry onto its rows.
PLACE_COLUMNS = ("kind", "evaluation_year")


class _YearSelection(NamedTuple):
    """Which rows of a station table :func:`station_rows` keeps, and whose they are.

    Attributes
    ----------
    keep : ndarray of bool
        One flag per row of the table: at a serving station, dated in its period.
    home_position : ndarray of int
        Of each kept row, its station's row in ``home``.
    home : DataFrame
        The stations placed in the water bodies of the context (:func:`placed_stations`).
    links : DataFrame
        ``segment_id, station_id, borrowed_from`` (see :func:`assign_stations`).
    """

    keep: np.ndarray
    home_position: np.ndarray
    home: pd.DataFrame
    links: pd.DataFrame


def station_rows(dataset, context, table: str, *, period: Period = EVALUATION_YEAR,
                 fallback: str | None = None, carry: Sequence[str] = (),
                 reads: Sequence[str] | None = None, shared: bool = True
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of a station table in their period, and the segments each station serves.

    The input stage's station policy (:mod:`health_eval.engine.input_stage`): one selection per table,
    period and fallback for all segments of ``context``.

    Parameters
    ----------
    dataset : Dataset
    context : ComputeContext
        Its ``segments`` are served; its policies give the station fallback.
    table : str
        A table keyed by ``station_id`` with a ``date`` column (``wq_samples``, ``daily_flow``,
        ``water_level``, ``water_supply``, ``phytoplankton``, ``drinking_source_samples``).
    period : Period
        The dates kept, relative to the evaluation year of the station's own water body.
    fallback : {"neighbour", "none"} or None
        Whether a segment without a station of its own borrows its neighbour's; None follows
        the profile's ``station_fallback`` policy.
    carry : sequence of str
        Columns to carry onto every row: of the station's water body (:data:`PLACE_COLUMNS`:
        ``kind``, ``evaluation_year``) or of the ``stations`` table (``mean_flow_m3s``…). Only
        what is asked for is carried: a column repeated over millions of samples costs.
    reads : sequence of str, optional
        The table's own columns the caller reads, in this order; by default all of them. A
        column left out is not filtered (strings cost, over millions of samples).
    shared : bool
        Keep the rows for the other indicators of the evaluation (default); False for a
        caller that keeps what it makes of them instead (the station selection is shared
        either way).

    Returns
    -------
    (rows, links)
        ``rows``: the table's rows at serving stations dated in the period, with ``carry``
        added; ``links``: ``segment_id, station_id, borrowed_from`` (see
        :func:`assign_stations`). Both are shared with the other indicators of the evaluation
        (:meth:`ComputeContext.memo`, unless not ``shared``): read-only. Rows outside the evaluation year are
        reported, once per table and station, by
        :func:`health_eval.validate.checks.validate_dataset` (rule ``date.outside_evaluation_year``).
    """
    fallback = fallback or context.policies.station_fallback
    reads = None if reads is None else tuple(reads)

    def make() -> tuple[pd.DataFrame, pd.DataFrame]:
        return _station_rows(dataset, context, table, period, fallback, tuple(carry), reads)
    if not shared:
        return make()
    return context.memo(("station_rows", table, period, fallback, tuple(carry), reads), make)


def station_row_codes(dataset, context, table: str, column: str, *,
                      period: Period = EVALUATION_YEAR, fallback: str | None = None
                      ) -> tuple[np.ndarray, pd.Index]:
    """``column`` of the rows of :func:`station_rows` as ``pd.factorize(..., sort=True)``
    gives it: each row's code, and the distinct values sorted (which may include values of no
    row).

    Taken from the whole table's factorisation, which validation and every profile share
    (:meth:`~health_eval.engine.dataset.Dataset.factorized`), so callers need not factorise the rows
    again. Not kept in the shared store (a code per row of millions): callers keep what they
    make of them.
    """
    fallback = fallback or context.policies.station_fallback
    codes, distinct = dataset.factorized(table, column, sort=True)
    return codes[_year_selection(dataset, context, table, period, fallback).keep], distinct


def _station_rows(dataset, context, table: str, period: Period, fallback: str,
                  columns: tuple[str, ...], reads: tuple[str, ...] | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build what :func:`station_rows` returns from the memoised selection."""
    selection = _year_selection(dataset, context, table, period, fallback)
    data = dataset.table(table)
    rows = rows_where(data, selection.keep, reads)
    place = tuple(c for c in columns if c in PLACE_COLUMNS)
    if place:
        _carry(rows, _taken(selection.home, place, selection.home_position))
    station = tuple(c for c in columns if c not in PLACE_COLUMNS)
    if station:
        _carry(rows, _taken(dataset.table("stations"), station,
                            selection.home["row"].to_numpy()[selection.home_position]))
    return rows, selection.links


def _year_selection(dataset, context, table: str, period: Period, fallback: str
                    ) -> _YearSelection:
    """The :class:`_YearSelection` of ``table``, worked out once per context, period and
    fallback (:meth:`ComputeContext.memo`): read-only."""
    return context.memo(("station_selection", table, period, fallback),
                        lambda: _select_rows(dataset, context, table, period, fallback))


def _select_rows(dataset, context, table: str, period: Period, fallback: str) -> _YearSelection:
    """Work out the :class:`_YearSelection` of ``table`` (see :func:`station_rows`)."""
    stations = dataset.table("stations")
    station_ids = dataset.factorized(table, "station_id")
    pairs = context.memo("station_pairs", lambda: station_pairs(stations, context.segments))
    links = serving_links(pairs, is_in(stations["station_id"], station_ids[1]), fallback)
    home = placed_stations(dataset, context)
    # each row's serving station in ``home`` and year by lookups on the distinct values
    # (shared with validation), not a merge of the large table
    position, year = station_years(station_ids, home["station_id"], home["evaluation_year"],
                                   usable=is_in(home["station_id"], links["station_id"]))
    dates = dataset.factorized(table, "date")
    keep = in_period(row_years(dates), year, period) if period.years else position >= 0
    if period.months:
        codes, distinct = dates
        month = per_row(codes, pd.DatetimeIndex(distinct).month.to_numpy(), 0)
        keep &= np.isin(month, period.months)
    return _YearSelection(keep=keep, home_position=position[keep], home=home, links=links)


def in_period(row_year: np.ndarray, evaluation_year: np.ndarray, period: Period) -> np.ndarray:
    """Whether each row's year [a] lies in the ``period.years`` calendar years ending with its
    evaluation year [a] (NaN in either: no)."""
    if period.years == 1:       # whole years: one comparison over millions of rows, not three
        return row_year == evaluation_year
    return (row_year <= evaluation_year) & (row_year > evaluation_year - period.years)


def _carry(rows: pd.DataFrame, carried: pd.DataFrame) -> None:
    """Add the columns of ``carried`` (one row per row of ``rows``) to ``rows``."""
    for column in carried:
        rows[column] = carried[column].array


def placed_stations(dataset, context) -> pd.DataFrame:
    """The stations in the water bodies of ``context``: ``station_id``, ``row`` (position in
    the stations table), ``segment_id``, ``water_body_id``, ``kind`` and ``evaluation_year``.
    Worked out once per context (:meth:`ComputeContext.memo`): read-only."""
    def place() -> pd.DataFrame:
        # the inner merges stations → segments → water bodies (keys unique: catalogue rule),
        # in the stations' order, as lookups by position
        stations, segments = dataset.table("stations"), dataset.table("segments")
        water_bodies = context.water_bodies
        at_segment = positions_in(stations["segment_id"], segments["segment_id"])
        water_body = segments["water_body_id"].array.take(at_segment, allow_fill=True)
        at_body = positions_in(pd.Series(water_body), water_bodies["water_body_id"])
        row = np.flatnonzero(at_body >= 0)
        index = pd.RangeIndex(len(row))
        return pd.DataFrame(
            {"station_id": stations["station_id"].array.take(row),
             "segment_id": stations["segment_id"].array.take(row), "row": row,
             "water_body_id": water_body.take(row),
             **{column: water_bodies[column].array.take(at_body[row])
                for column in ("kind", "evaluation_year")}}, index=index, copy=False)
    return context.memo("placed_stations", place)


def rows_where(data: pd.DataFrame, keep: np.ndarray, columns: Sequence[str] | None = None, *,
               renumber: bool = True) -> pd.DataFrame:
    """``data[columns][keep]``: the rows of ``data`` where ``keep``, numbered from 0 (unless
    not ``renumber``: then they keep their labels); when all are kept, no copy.

    Column by column, only the columns asked for: an Arrow column filters itself
    (``pyarrow.compute.filter``) in half the time ``data[keep]`` takes to gather it by
    positions, and selecting the columns first would build a frame only to drop it.
    """
    names = data.columns if columns is None else list(columns)
    if keep.all():
        data = data if columns is None else data[names]
        return data.reset_index(drop=True) if renumber else data
    index = pd.RangeIndex(int(keep.sum())) if renumber else data.index[keep]
    return frame_of({name: _kept(data[name], keep) for name in names}, index)


def _kept(column: pd.Series, keep: np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """``column.array[keep]``; a numpy column by numpy's indexing, without pandas'."""
    if isinstance(column.dtype, np.dtype):
        return column.to_numpy()[keep]
    return column.array[keep]


def frame_of(arrays: dict[str, pd.api.extensions.ExtensionArray], index: pd.Index
             ) -> pd.DataFrame:
    """A frame of ``arrays`` (pandas arrays, one per column) on ``index``, each column keeping
    its array's dtype, without a Series built per column.

    An object array stays object (the frame constructor alone would make text in it ``str``).
    """
    for name, values in arrays.items():
        if pd.api.types.is_object_dtype(values.dtype):
            arrays[name] = pd.Series(values, index=index, dtype=object, copy=False)
    return pd.DataFrame(arrays, index=index, copy=False)


def _taken(small: pd.DataFrame, columns: tuple[str, ...], at: np.ndarray) -> pd.DataFrame:
    """``small[column].to_numpy()[at]`` for each column, typed as pandas types such arrays.

    The types are inferred from the distinct rows taken, not from millions of Python strings
    (what assigning the object arrays would do); the large columns are then taken from them.
    """
    used = np.bincount(at, minlength=len(small)) > 0
    distinct = pd.DataFrame({column: small[column].to_numpy()[used] for column in columns},
                            index=pd.RangeIndex(int(used.sum())))
    return distinct.take((np.cumsum(used) - 1)[at])


def segment_rows(links: pd.DataFrame, per_station: pd.DataFrame) -> pd.DataFrame:
    """One row per segment × serving station, from values computed per station.

    Parameters
    ----------
    links : DataFrame
        ``segment_id, station_id, borrowed_from`` from :func:`assign_stations`.
    per_station : DataFrame
        ``station_id, value`` and optionally ``n_obs``, ``status`` and detail columns.

    Returns
    -------
    DataFrame
        The station rows repeated for every segment they serve, with ``borrowed_from``: the
        neighbour segment a borrowed station came from (missing for an own station).
    """
    # the rows of an inner merge on station_id, in its order, found by position
    at_link, at_station = _matches(links["station_id"], per_station["station_id"])
    # one frame built from its columns (each taken once), not a column inserted at a time
    columns = {column: links[column].array.take(at_link) for column in ("segment_id",
                                                                         "station_id")}
    columns.update({column: per_station[column].array.take(at_station)
                    for column in per_station.columns if column != "station_id"})
    columns["borrowed_from"] = links["borrowed_from"].array.take(at_link)
    return frame_of(columns, pd.RangeIndex(len(at_link)))
