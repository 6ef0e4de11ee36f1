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

from health_eval.lookup import is_in, positions_in


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
        borrowed = lacking[["segment_id", "neighbour_segment_id"]].merge(
            usable.rename(columns={"segment_id": "neighbour_segment_id"}),
            on="neighbour_segment_id")
        frames.append(borrowed.rename(columns={"neighbour_segment_id": "borrowed_from"})
                      [["segment_id", "station_id", "borrowed_from"]])
    links = pd.concat(frames, ignore_index=True)
    return links.astype({"segment_id": "string", "station_id": "string",
                         "borrowed_from": "string"})


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
        Columns of the ``stations`` table to carry onto every row (``mean_flow_m3s``…).

    Returns
    -------
    (rows, links)
        ``rows``: the table's rows at serving stations dated in the evaluation year of the
        station's own water body, with ``kind``, ``evaluation_year`` and ``columns`` added;
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
    measured = stations[is_in(stations["station_id"], data["station_id"])]
    links = assign_stations(measured, context.segments, fallback=context.policies.station_fallback)
    home = stations[["station_id", "segment_id", *columns]].merge(
        dataset.table("segments")[["segment_id", "water_body_id"]], on="segment_id").merge(
        context.water_bodies, on="water_body_id")
    home = home[is_in(home["station_id"], links["station_id"])].reset_index(drop=True)
    # each row's station in ``home`` by position: a lookup, not a merge of the large table
    position = positions_in(data["station_id"], home["station_id"])
    served = position >= 0
    year = np.full(len(data), -1)
    year[served] = home["evaluation_year"].to_numpy()[position[served]]
    in_year = served & (data["date"].dt.year.to_numpy(dtype=float, na_value=np.nan) == year)
    taken = position[in_year]
    rows = data[in_year].reset_index(drop=True).assign(**{
        column: home[column].to_numpy()[taken]
        for column in ("kind", "evaluation_year", *columns)})
    return rows, links


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
                       for d, b in zip(rows["details"], rows["borrowed_from"])]
    return rows.drop(columns="borrowed_from")


def period_text(dates: pd.DataFrame, key: str = "station_id") -> pd.Series:
    """``first–last`` date (ISO) of each ``key`` group's ``date`` column."""
    span = dates.groupby(key)["date"].agg(["min", "max"])
    return span["min"].dt.strftime("%Y-%m-%d") + "–" + span["max"].dt.strftime("%Y-%m-%d")
