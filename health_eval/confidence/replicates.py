"""Replicates as extra water bodies: one Dataset holding every bootstrap replicate.

Replicate ``r`` of water body ``FHGD`` is the water body ``FHGD\x1fr`` (and so for its
segments, stations, plots, sites, questionnaires: every ``…_id`` column but those of :data:`SHARED_IDS`),
so that one evaluation of the replicate Dataset evaluates every replicate at once, the
indicators seeing extra water bodies (ARCHITECTURE §2). The resampled tables are drawn by their
:class:`~health_eval.confidence.plans.Plan`; the others are repeated as they are. Tables with no
id column (``benthos_taxa``) are shared, not repeated.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.dataset import Dataset
from .plans import PLANS, draw

__all__ = ["SEPARATOR", "Replicates", "repeat_table", "replicate_dataset"]

#: Between an id and its replicate number (a control character no input id holds).
SEPARATOR = "\x1f"


#: ``…_id`` columns that name no part of a water body: the same in every replicate.
SHARED_IDS = ("indicator_id", "profile_id")


def _is_id(column: str) -> bool:
    """Whether ``column`` names something of one water body (and so is made per replicate)."""
    return column.endswith("_id") and column not in SHARED_IDS


@dataclass(frozen=True)
class Replicates:
    """The replicate Dataset and how to read its ids back.

    Attributes
    ----------
    dataset : Dataset
    count : int
        Replicates in it.
    segment_ids, water_body_ids : pandas.Index
        Every replicate segment (water body) id, replicate by replicate: position
        ``r × n + i`` is replicate ``r`` of the ``i``-th segment (water body) of the input.
    """

    dataset: Dataset
    count: int
    segment_ids: pd.Index
    water_body_ids: pd.Index


#: Columns whose factorisation the replicate Dataset is given (the engine factorises them).
FACTORISED = ("station_id", "date", "parameter", "segment_id", "water_body_id")


def _suffixed(column: pd.Series, rows: np.ndarray, replicate: np.ndarray, count: int
              ) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray, pd.Index]:
    """``column[rows]`` with each id made the id of its replicate (missing stays missing),
    and its factorisation: the distinct ids × replicates are made once, in the column's own
    string type, and taken."""
    codes, uniques = pd.factorize(column)
    names = pd.array([f"{u}{SEPARATOR}{r}" for u in uniques.astype(str) for r in range(count)],
                     dtype=column.dtype)
    taken = codes[rows]
    taken = np.where(taken >= 0, taken * count + replicate, -1)
    return names.take(taken, allow_fill=True), taken, pd.Index(names)


def _taken(column: pd.Series, rows: np.ndarray, factorise: bool
           ) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray | None, pd.Index | None]:
    """``column[rows]`` and, when ``factorise``, its factorisation (the input's codes taken)."""
    if not factorise:
        return column.array.take(rows), None, None
    codes, uniques = pd.factorize(column)
    return column.array.take(rows), codes[rows], uniques


def repeat_table(frame: pd.DataFrame, count: int, name: str = "",
                 rng: np.random.Generator | None = None, dataset: Dataset | None = None
                 ) -> pd.DataFrame:
    """``count`` replicates of one table (ids made per replicate, replicate by replicate),
    resampled by the plan of table ``name`` when ``rng`` is given and it has one.

    Each column is taken once: ids from the slots (made per replicate), a row plan's measured
    columns from the drawn rows and its other columns from the slots, a unit plan's columns
    from the drawn units but its strata and unit from the slots. With ``dataset``, the
    factorisations of the :data:`FACTORISED` columns are returned in ``dataset``'s store
    (:meth:`~health_eval.engine.dataset.Dataset.share_factorized`) once the table is in it.
    """
    plan = PLANS.get(name) if rng is not None else None
    if plan is None:
        replicate = np.repeat(np.arange(count), len(frame))
        rows = slot = np.tile(np.arange(len(frame)), count)
        drawn: set[str] = set()
    else:
        replicate, rows, slot = draw(frame, plan, count, rng)
        drawn = (set(frame.columns) - set(plan.strata + plan.unit) if plan.unit
                 else set(plan.measured))
    columns, known = {}, {}
    for column in frame.columns:
        if _is_id(column):
            columns[column], *factors = _suffixed(frame[column], slot, replicate, count)
        else:
            columns[column], *factors = _taken(frame[column], rows if column in drawn else slot,
                                               dataset is not None and column in FACTORISED)
        if dataset is not None and column in FACTORISED:
            known[column] = factors
    table = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    if dataset is not None:
        dataset.tables[name] = table
        for column, (codes, distinct) in known.items():
            dataset.share_factorized(name, column, codes, distinct)
    return table


def replicate_dataset(dataset: Dataset, tables: Mapping[str, Collection[str] | None],
                      count: int, rng: np.random.Generator, resample: bool = True
                      ) -> Replicates:
    """``count`` bootstrap replicates of the given tables of ``dataset`` as one Dataset.

    Parameters
    ----------
    dataset : Dataset
        The input (already read and validated).
    tables : mapping of str to collection of str or None
        The tables to put in (table codes; absent ones are skipped), each with the columns
        read (the ids are kept besides) or None for all.
    count : int
        Replicates.
    rng : numpy.random.Generator
        The draws, in the order of the dataset's tables.
    resample : bool
        False: repeat every table as it is (replicates differ only by what is done after).
    """
    replicated = Dataset(tables={}, sources=dict(dataset.sources), issues=[], name=dataset.name)
    frames = replicated.tables
    for name, frame in dataset.tables.items():
        if name not in tables:
            continue
        if tables[name] is not None:
            frame = frame[[c for c in frame.columns if c in tables[name] or _is_id(c)]]
        if not any(_is_id(c) for c in frame.columns):
            frames[name] = frame
        else:
            repeat_table(frame, count, name, rng if resample else None, replicated)
    return Replicates(
        dataset=replicated, count=count,
        segment_ids=pd.Index(frames["segments"]["segment_id"].astype(object)),
        water_body_ids=pd.Index(frames["water_bodies"]["water_body_id"].astype(object)))
