"""Evaluate a monitoring archive larger than one machine on Dask (optional: ``health-eval[dask]``).

The input is a Parquet dataset partitioned by water body — one folder per table, hive-partitioned
``<table>/water_body_id=<id>/…`` (tables shared by every water body, such as ``benthos_taxa``,
may be a single ``<table>.parquet``) — as ``benchmarks/synthetic.write_parquet(…,
partition_by_water_body=True)`` writes it. Water bodies are independent in the method (every
indicator is computed per segment or per water body, SPEC §1.1), so the archive is cut into
chunks of whole water bodies: each Dask task reads only its chunk's partition folders
(:mod:`health_eval.distributed.partitions`, no other file opened) and only the columns of the table catalogue
of the tables the profiles' indicators read, runs the same vectorised
:func:`health_eval.evaluate` on them, and the client concatenates the chunk results
(:meth:`EvaluationResult.concat`). The tables equal those of one single-machine evaluation of the
same data read in partition order (each table's partitions in the order of their water-body codes,
as ``pandas.read_parquet(<table folder>)`` reads them): a problem of a row names the table's folder
and the row's place in that order, whichever task met it.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..engine.api import resolve_profiles
from ..engine.compute import CONTEXT_TABLES, used_indicators
from ..engine.dataset import Dataset
from ..engine.registry import default_registry
from ..engine.result import EvaluationResult
from ..io.tables import CATALOGUE
from ..issues import InputError
from .partitions import PARTITION_COLUMN, ArchiveTable, archive_tables, catalogue_columns

#: Fewest water bodies a task gets by default (about 500 segments).
MIN_WATER_BODIES_PER_TASK = 50


def evaluate_dask(source: str | os.PathLike | Mapping[str, Any], profile=None, client=None, *,
                  water_bodies_per_task: int | None = None,
                  progress: Callable[[str, int, int], None] | None = None,
                  **options: Any) -> EvaluationResult:
    """Evaluate every water body of a partitioned Parquet dataset on Dask.

    Parameters
    ----------
    source : path, or mapping of table code to dask DataFrame
        The folder of the partitioned dataset (see the module docstring), or the tables already
        as dask DataFrames (each with a ``water_body_id`` column, except shared tables).
    profile : profile-like, optional
        As for :func:`health_eval.evaluate` (default: the packaged mwr2020 profiles).
    client : distributed.Client, optional
        The cluster to run on; default the current Dask scheduler (threads when none is set).
    water_bodies_per_task : int, optional
        Water bodies per task; default so that every worker thread gets about four tasks, but
        at least :data:`MIN_WATER_BODIES_PER_TASK` (an evaluation call has a fixed cost of
        about 0.3 s, which small tasks would pay over and over).
    progress : callable, optional
        ``progress(step, done, total)`` as tasks finish (with a ``client``; without one, once at
        the end).
    **options
        Policy overrides, as for :func:`health_eval.evaluate`.

    Returns
    -------
    EvaluationResult
        The same tables a single :func:`health_eval.evaluate` of all the data gives; its
        ``provenance.rows`` sums the rows of every task.

    Raises
    ------
    InputError
        When any task's data break a rule with an error: the problems of every task together
        (rows numbered as in the whole table, see the module docstring).
    """
    import dask

    needed = _needed_tables(profile, options)
    plan = (_dask_frames_plan(source, needed) if isinstance(source, Mapping)
            else _archive_plan(archive_tables(source), needed))
    ids = plan.water_bodies
    size = water_bodies_per_task or max(MIN_WATER_BODIES_PER_TASK,
                                        math.ceil(len(ids) / (4 * _threads(client))))
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    # rows before each water body's partition in its whole table
    starts = {name: (counts.cumsum() - counts).to_dict() for name, counts in plan.counts.items()}
    tasks = [dask.delayed(_evaluate_chunk, pure=False)(
        {name: plan.read(name, chunk) for name in plan.tables},
        {name: {i: table_starts.get(i, 0) for i in chunk} for name, table_starts in starts.items()},
        plan.files, profile, options) for chunk in chunks]
    results = _run(tasks, client, progress)
    partitioned = set(plan.counts)
    _raise_refused(results, partitioned)
    provenance = dict(results[0].provenance) if results else {}
    provenance.update(dataset=str(source) if not isinstance(source, Mapping) else "dask",
                      inputs={}, executor={"kind": "dask", "tasks": len(tasks),
                                           "water_bodies_per_task": size},
                      rows=_row_accounts(results, partitioned),
                      timestamp=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
    return EvaluationResult.concat(list(results), provenance)


def _raise_refused(results: Sequence, partitioned: set[str]) -> None:
    """Raise one :class:`InputError` with the problems of every task that refused its data;
    those of a table every task reads whole are listed once."""
    refused = [issue for r in results if isinstance(r, InputError) for issue in r.issues]
    if not refused:
        return
    own = [issue for issue in refused if issue.table in partitioned]
    shared = [issue for issue in refused if issue.table not in partitioned]
    raise InputError(own + list(dict.fromkeys(shared)))


def _row_accounts(results: Sequence[EvaluationResult], partitioned: set[str]
                  ) -> dict[str, dict[str, int]]:
    """Rows read / used / rejected per table over all tasks: summed for tables partitioned by
    water body, taken once for tables every task reads whole (``benthos_taxa``)."""
    accounts: dict[str, dict[str, int]] = {}
    for result in results:
        for name, counts in result.provenance.get("rows", {}).items():
            if name not in accounts:
                accounts[name] = dict(counts)
            elif name in partitioned:
                accounts[name] = {k: accounts[name][k] + counts[k] for k in counts}
    return dict(sorted(accounts.items()))


def _run(tasks: list, client, progress) -> list[EvaluationResult]:
    """Compute the chunk tasks, on ``client`` when given, reporting each finished one."""
    import dask

    if client is None:
        results = list(dask.compute(*tasks))
        if progress is not None:
            progress("dask", len(tasks), len(tasks))
        return results
    from distributed import as_completed

    futures = client.compute(tasks)
    for done, _ in enumerate(as_completed(futures), start=1):
        if progress is not None:
            progress("dask", done, len(futures))
    return client.gather(futures)


class _Plan(NamedTuple):
    """How the tasks read their water bodies' rows.

    Attributes
    ----------
    tables : list of str
        The tables read (those the profiles need that the source has).
    water_bodies : list of str
        Every water-body code, sorted.
    counts : dict of str to Series
        Rows per water body (indexed by code, sorted) of each table split by water body.
    read : callable
        ``read(table, chunk)``: a task's delayed frame of the rows of the water bodies
        ``chunk``.
    files : dict of str to str
        Where each table split by water body is, for locating problems (none for frames).
    """

    tables: list[str]
    water_bodies: list[str]
    counts: dict[str, pd.Series]
    read: Callable[[str, list[str]], Any]
    files: dict[str, str]


def _archive_plan(archive: dict[str, ArchiveTable], needed: set[str]) -> _Plan:
    """A Parquet archive: each task reads only its water bodies' files, with pyarrow."""
    import dask

    tables = sorted(needed & set(archive))
    ids = sorted(archive["water_bodies"].read()[PARTITION_COLUMN].astype(str).unique())
    counts = {name: archive[name].rows_per_water_body() for name in tables
              if archive[name].partitioned}
    return _Plan(tables, ids, counts, lambda name, chunk: dask.delayed(archive[name].read)(chunk),
                 {name: archive[name].path for name in counts})


def _dask_frames_plan(frames: Mapping[str, Any], needed: set[str]) -> _Plan:
    """Tables given as dask DataFrames: each task's filter on the partition column is Dask's;
    the rows per water body of every table are counted in one computation."""
    import dask

    tables = sorted(needed & set(frames))
    water_bodies = frames["water_bodies"][catalogue_columns(
        "water_bodies", frames["water_bodies"].columns)].compute()
    ids = sorted(water_bodies[PARTITION_COLUMN].astype(str).unique())
    partitioned = [name for name in tables if PARTITION_COLUMN in frames[name].columns]
    counted = dask.compute(*[frames[name][PARTITION_COLUMN].value_counts()
                             for name in partitioned])
    counts = {name: c.set_axis(c.index.astype(str)).sort_index()
              for name, c in zip(partitioned, counted)}
    return _Plan(tables, ids, counts, lambda name, chunk: _chunk_of(name, frames[name], chunk), {})


def _needed_tables(profile, options: Mapping[str, Any]) -> set[str]:
    """Tables read by the indicators of the profiles used, plus the context tables."""
    registry = default_registry()
    needed = set(CONTEXT_TABLES) | {"indicator_values"}
    for chosen in {p.id: p for p in resolve_profiles(profile, options).values()}.values():
        for used in used_indicators(chosen, registry):
            needed.update(used.definition.inputs.tables)
    return needed


def _chunk_of(name: str, frame, chunk: Sequence[str]):
    """A delayed pandas frame of the rows of ``chunk``'s water bodies, catalogue columns only
    (of a dask DataFrame: the filter is Dask's)."""
    import dask

    frame = frame[catalogue_columns(name, frame.columns)]
    if PARTITION_COLUMN in frame.columns:
        frame = frame[frame[PARTITION_COLUMN].isin(list(chunk))]
    return dask.delayed(_concat)(frame.optimize().to_delayed())


def _row_numbers(water_bodies: pd.Series, starts: Mapping[str, int]) -> np.ndarray:
    """Row number in the whole table of each row of a task's frame: the rows before its water
    body's partition, plus its place within that partition (rows keep their order)."""
    within = water_bodies.groupby(water_bodies, sort=False).cumcount().to_numpy()
    before = water_bodies.map(starts).to_numpy(dtype=np.int64)
    return before + within + 1


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _evaluate_chunk(frames: dict[str, pd.DataFrame], starts: dict[str, dict[str, int]],
                    files: dict[str, str], profile, options) -> EvaluationResult | InputError:
    """Evaluate one chunk of whole water bodies (runs on a worker); data the chunk refuses
    come back as the :class:`InputError`. ``starts`` gives, per partitioned table, the rows
    before each water body's partition, so rows keep their numbers in the whole table."""
    from ..engine.api import evaluate

    tables, rows = {}, {}
    for name, frame in frames.items():
        frame = frame.reset_index(drop=True)
        if PARTITION_COLUMN in frame:
            water_bodies = frame[PARTITION_COLUMN].astype(str)
            rows[name] = _row_numbers(water_bodies, starts[name])
            if PARTITION_COLUMN in CATALOGUE[name].column_index:
                frame[PARTITION_COLUMN] = water_bodies
            else:                                   # added only to partition the table
                frame = frame.drop(columns=PARTITION_COLUMN)
        tables[name] = frame
    try:
        return evaluate(Dataset.from_frames(tables, files=files, row_numbers=rows), profile,
                        **options)
    except InputError as exc:        # returned, so that every task's problems are gathered
        return exc


def _threads(client) -> int:
    """Worker threads of ``client``'s cluster, or the local CPU count."""
    if client is not None:
        return max(1, sum(client.nthreads().values()))
    return os.cpu_count() or 1
