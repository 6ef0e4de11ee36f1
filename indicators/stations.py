"""Which monitoring stations serve each segment (SPEC §1.1, several stations per segment)."""

from __future__ import annotations

import pandas as pd


def assign_stations(stations: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        ``segment_id, station_id, borrowed_from``: ``borrowed_from`` is the neighbour segment
        whose station was used, <NA> for a segment's own stations.
    """
    usable = stations[["station_id", "segment_id"]]
    own = segments[["segment_id"]].merge(usable, on="segment_id")
    own["borrowed_from"] = pd.Series(pd.NA, index=own.index, dtype="string")
    lacking = segments[~segments["segment_id"].isin(own["segment_id"])
                       & segments["neighbour_segment_id"].notna()]
    borrowed = lacking[["segment_id", "neighbour_segment_id"]].merge(
        usable.rename(columns={"segment_id": "neighbour_segment_id"}), on="neighbour_segment_id")
    borrowed = borrowed.rename(columns={"neighbour_segment_id": "borrowed_from"})
    links = pd.concat([own, borrowed[["segment_id", "station_id", "borrowed_from"]]],
                      ignore_index=True)
    return links.astype({"segment_id": "string", "station_id": "string",
                         "borrowed_from": "string"})
