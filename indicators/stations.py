"""Which monitoring stations serve each segment, and their data of the evaluation year.

SPEC §1.1: several stations or plots in one segment are scored one by one and combined by the
profile's station policy; a segment without a station of its own may use its neighbour's (the
``station_fallback`` policy). Every indicator that reads a station table (samples, daily flows,
levels, intakes) goes through :func:`evaluation_year_rows`, so the rules are the same for all.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from health_eval.lookup import is_in, station_years


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
    usable = stations[["station_id", "segment_id"]]
    own = segments[["segment_id"]].merge(usable, on="segment_id")
    own["borrowed_from"] = pd.Series(pd.NA, index=own.index, dtype="string")
    frames = [own]
    if fallback == "neighbour" and "neighbour_segment_id" in segments:
        lacking = segments[~is_in(segments["segment_id"], own["segment_id"])
                           & segments["neighbour_segment_id"].notna().to_numpy(dtype=bool)]
        if len(lacking):
            borrowed = lacking[["segment_id", "neighbour_segment_id"]].merge(
                usable.rename(columns={"segment_id": "neighbour_segment_id"}),
                on="neighbour_segment_id")
            frames.append(borrowed.rename(columns={"neighbour_segment_id": "borrowed_from"})
                          [["segment_id", "station_id", "borrowed_from"]])
    links = pd.concat(frames, ignore_index=True)
    return links.astype({"segment_id": "string", "station_id": "string",
                         "borrowed_from": "string"})


#: Columns of a station's water body that :func:`evaluation_year_rows` can carry onto its rows.
PLACE_COLUMNS = ("kind", "evaluation_year")


def evaluation_year_rows(dataset, context, table: str, *, columns: Sequence[str] = ()
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of a station table in the evaluation year, and the segments each station serves.

    Parameters
    ----------
    dataset : Dataset
    context : ComputeContext
        Its ``segments`` are served; its policies give the station fallback.
    table : str
        A table keyed by ``station_id`` with a ``date`` column (``wq_samples``, ``daily_flow``,
        ``water_level``, ``water_supply``, ``phytoplankton``, ``drinking_source_samples``).
    columns : sequence of str
        Columns to carry onto every row: of the station's water body (:data:`PLACE_COLUMNS`:
        ``kind``, ``evaluation_year``) or of the ``stations`` table (``mean_flow_m3s``…). Only
        what is asked for is carried: a column repeated over millions of samples costs.

    Returns
    -------
    (rows, links)
        ``rows``: the table's rows at serving stations dated in the evaluation year of the
        station's own water body, with ``columns`` added;
        ``links``: ``segment_id, station_id, borrowed_from`` (see :func:`assign_stations`).
        Both are shared with the other indicators of the evaluation
        (:meth:`ComputeContext.memo`): read-only. Rows outside the evaluation year are left
        out here and reported, once per table and station, by
        :func:`health_eval.validation.validate_dataset` (rule ``date.outside_evaluation_year``).
    """
    return context.memo(("evaluation_year_rows", table, tuple(columns)),
                        lambda: _evaluation_year_rows(dataset, context, table, tuple(columns)))


def _evaluation_year_rows(dataset, context, table: str, columns: tuple[str, ...]
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    stations = dataset.table("stations")
    data = dataset.table(table)
    station_ids = pd.factorize(data["station_id"])
    measured = stations[is_in(stations["station_id"], station_ids[1])]
    links = assign_stations(measured, context.segments, fallback=context.policies.station_fallback)
    home = placed_stations(dataset, context)
    home = home[is_in(home["station_id"], links["station_id"])].reset_index(drop=True)
    # each row's station in ``home`` by position: a lookup, not a merge of the large table
    position, year = station_years(station_ids, home["station_id"], home["evaluation_year"])
    in_year = data["date"].dt.year.to_numpy(dtype=float, na_value=np.nan) == year
    rows = _rows_where(data, in_year)
    taken = position[in_year]
    place = tuple(c for c in columns if c in PLACE_COLUMNS)
    if place:
        _carry(rows, _taken(home, place, taken))
    station = tuple(c for c in columns if c not in PLACE_COLUMNS)
    if station:
        _carry(rows, _taken(stations, station, home["row"].to_numpy()[taken]))
    return rows, links


def _carry(rows: pd.DataFrame, carried: pd.DataFrame) -> None:
    """Add the columns of ``carried`` (one row per row of ``rows``) to ``rows``."""
    for column in carried:
        rows[column] = carried[column].array


def placed_stations(dataset, context) -> pd.DataFrame:
    """The stations in the water bodies of ``context``: ``station_id``, ``row`` (position in
    the stations table), ``segment_id``, ``water_body_id``, ``kind`` and ``evaluation_year``.
    Worked out once per context (:meth:`ComputeContext.memo`): read-only."""
    def place() -> pd.DataFrame:
        stations = dataset.table("stations")
        return stations[["station_id", "segment_id"]].assign(row=np.arange(len(stations))).merge(
            dataset.table("segments")[["segment_id", "water_body_id"]], on="segment_id").merge(
            context.water_bodies, on="water_body_id")
    return context.memo("placed_stations", place)


def _rows_where(data: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of ``data`` where ``keep``, numbered from 0; when all are kept, no copy.

    Column by column: an Arrow column filters itself (``pyarrow.compute.filter``) in half the
    time ``data[keep]`` takes to gather it by positions.
    """
    if keep.all():
        return data.reset_index(drop=True)
    index = pd.RangeIndex(int(keep.sum()))
    rows = pd.DataFrame({i: pd.Series(data.iloc[:, i].array[keep], index=index,
                                      dtype=data.dtypes.iloc[i], copy=False)
                         for i in range(data.shape[1])}, copy=False)
    rows.columns = data.columns
    return rows


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
        ``station_id, value`` and optionally ``n_obs``, ``status``, ``details`` (a dict per
        station).

    Returns
    -------
    DataFrame
        The station rows repeated for every segment they serve; a borrowed station's
        ``details`` say which neighbour segment it came from (``borrowed_from``).
    """
    frame = per_station.astype({"station_id": "string"})
    if "details" not in frame:
        frame = frame.assign(details=[{} for _ in range(len(frame))])
    rows = links.merge(frame, on="station_id")
    rows["details"] = [d if pd.isna(b) else dict(d, borrowed_from=b)
                       for d, b in zip(rows["details"].tolist(), rows["borrowed_from"].tolist())]
    return rows.drop(columns="borrowed_from")


def period_text(dates: pd.DataFrame, key: str = "station_id") -> pd.Series:
    """``first–last`` date (ISO) of each ``key`` group's ``date`` column."""
    span = dates.groupby(key)["date"].agg(["min", "max"])
    return span["min"].dt.strftime("%Y-%m-%d") + "–" + span["max"].dt.strftime("%Y-%m-%d")
