"""What an indicator reads, declared (ARCHITECTURE §4; issue 17 §1 "one input stage").

An indicator declares its inputs as an :class:`InputSpec`: per table the columns it reads, the
period of the rows (evaluation year, a multi-year window, a season), the role of the rows'
stations (the segment's own, borrowed from the neighbour by the ``station_fallback`` policy,
the segment's or the water body's rows), whether below-detection values are substituted, and
the minimum data a station needs. The engine's input stage (:mod:`health_eval.engine.input_stage`)
resolves these for all segments at once and hands the indicator's kernel an :class:`Inputs`;
the kernel is then a pure function of those frames and its parameters.

>>> spec = InputSpec(TableInput("wq_samples", columns=("station_id", "date", "value")),
...                  TableInput("stations", by="all"))
>>> spec.tables
('wq_samples', 'stations')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

#: How the rows of a table are chosen for the segments evaluated.
#: ``station``: rows at the segment's own stations, else (policy ``station_fallback:
#: neighbour``) at its neighbour's, recorded as ``borrowed_from``; ``own_station``: the
#: segment's own stations only, whatever the policy; ``segment`` / ``water_body``: rows keyed
#: by ``segment_id`` / ``water_body_id`` of the segments evaluated; ``all``: the whole table
#: (a lookup such as ``benthos_taxa``).
Role = Literal["station", "own_station", "segment", "water_body", "all"]

@dataclass(frozen=True)
class Period:
    """The dates of the rows an indicator reads, relative to each water body's evaluation year.

    Parameters
    ----------
    years : int or None
        Calendar years up to and including the evaluation year (1 = the evaluation year alone,
        3 = it and the two before); None takes every date.
    months : tuple of int
        Months (1–12) kept within those years (a season); empty keeps every month.
    """

    years: int | None = 1
    months: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.years is not None and self.years < 1:
            raise ValueError(f"Period.years must be at least 1 or None, got {self.years}")
        wrong = [m for m in self.months if not 1 <= m <= 12]
        if wrong:
            raise ValueError(f"Period.months must be 1–12, got {wrong}")


EVALUATION_YEAR = Period()
ANY_DATE = Period(years=None)


@dataclass(frozen=True)
class DailyCoverage:
    """Minimum data of a daily series (SPEC §4.2, §4.5): each station's series must cover the
    share ``params[param]`` [0–1] of its evaluation year's days with a value in ``column``.

    A station below it is ``insufficient_data`` (value dropped); every station with missing
    days gets one ``series.gaps`` warning; the coverage enters the station's details.
    """

    column: str
    param: str = "min_coverage"


@dataclass(frozen=True)
class TableInput:
    """One table an indicator reads.

    Parameters
    ----------
    table : str
        Table code (:mod:`health_eval.io.tables`).
    columns : tuple of str or None
        The table's own columns read, in this order; None reads all of them. A column left out
        is neither copied nor filtered (strings cost, over millions of samples).
    by : Role
        How rows are chosen for the segments evaluated (see :data:`Role`).
    period : Period or None
        For a dated table, the dates kept; None (the default) is the evaluation year for a
        station table and every row for the others.
    carry : tuple of str
        Station tables only: columns of each row's station carried onto the rows — of its place
        (``kind``, ``evaluation_year``) or of the ``stations`` table (``mean_flow_m3s``…).
    below_detection : bool
        Samples with ``value``, ``below_detection`` and ``detection_limit``: ``value`` becomes
        the value each sample enters calculations with under the profile's ``below_detection``
        policy (SPEC §5) and ``below_detection`` a plain bool.
    minimum : DailyCoverage or None
        The minimum data each station needs (station tables of the evaluation year only).
    """

    table: str
    columns: tuple[str, ...] | None = None
    by: Role = "station"
    period: Period | None = None
    carry: tuple[str, ...] = ()
    below_detection: bool = False
    minimum: DailyCoverage | None = None

    def __post_init__(self) -> None:
        at_stations = self.by in ("station", "own_station")
        if self.by == "all" and self.period is not None:
            raise ValueError(f"{self.table}: a whole table (by='all') takes no period")
        if (self.carry or self.minimum) and not at_stations:
            raise ValueError(f"{self.table}: carry and minimum apply to station tables only")
        if self.minimum is not None and self.dated_period != EVALUATION_YEAR:
            raise ValueError(f"{self.table}: daily coverage is defined over the evaluation year")

    @property
    def at_stations(self) -> bool:
        """Whether the rows are chosen by the stations serving each segment."""
        return self.by in ("station", "own_station")

    @property
    def dated_period(self) -> Period:
        """The period applied: the declared one, else the evaluation year for station tables."""
        if self.period is not None:
            return self.period
        return EVALUATION_YEAR if self.at_stations else ANY_DATE


@dataclass(frozen=True)
class InputSpec:
    """Everything an indicator reads: its tables, in order (the first station table is the one
    its values are computed per station of)."""

    inputs: tuple[TableInput, ...]

    def __init__(self, *inputs: TableInput) -> None:
        object.__setattr__(self, "inputs", tuple(inputs))
        codes = [i.table for i in inputs]
        if len(set(codes)) != len(codes):
            raise ValueError(f"a table is declared twice: {codes}")

    @property
    def tables(self) -> tuple[str, ...]:
        """The table codes read, in order (what ``gaps``, the template and the catalogue list)."""
        return tuple(i.table for i in self.inputs)

    @property
    def station_input(self) -> TableInput | None:
        """The first station table: the engine maps per-station values to segments by it."""
        return next((i for i in self.inputs if i.at_stations), None)


def tables_of(*codes: str) -> InputSpec:
    """An :class:`InputSpec` of whole tables read as they are (a supplied-only indicator's
    ``indicator_values``)."""
    return InputSpec(*(TableInput(code, by="all") for code in codes))


@dataclass(frozen=True)
class Inputs:
    """What the input stage hands an indicator's kernel: the declared rows, resolved.

    Attributes
    ----------
    rows : Mapping of str to DataFrame
        Per declared table, its rows for the segments evaluated (read-only: shared with the
        other indicators of the evaluation).
    links : Mapping of str to DataFrame
        Per station table: ``segment_id, station_id, borrowed_from`` (which stations serve
        each segment; ``borrowed_from`` the neighbour lending it, <NA> for its own).
    coverage : Mapping of str to DataFrame
        Per table with a :class:`DailyCoverage` minimum: one row per station (index
        ``station_id``) with ``days_in_year``, ``days_with_data``, ``days_missing``,
        ``coverage`` and ``sufficient``.
    segments : DataFrame
        The segments evaluated (see :class:`~health_eval.engine.registry.ComputeContext`).
    stations : DataFrame or None
        The stations of their water bodies: ``station_id, segment_id, water_body_id, kind,
        evaluation_year``; None when no station table is declared.
    given : frozenset of str
        The declared tables the input package holds (a census table given empty says "none
        found"; one left out says "no census made").
    policies : Policies
        The profile's policies (below-detection, station fallback and combination).
    codes : callable
        ``codes(table, column)``: ``column`` of a station table's rows as ``pd.factorize(...,
        sort=True)`` gives it, taken from the whole table's factorisation (cheaper than
        factorising the rows again).
    locate : callable
        ``locate(table)``: ``{"file", "sheet"}`` of a table, for issues
        (:func:`health_eval.indicators.frames.data_issue` takes ``inputs`` as its ``dataset``).
    shared : dict
        Work shared by the kernels of one evaluation (:meth:`memo`).
    """

    rows: Mapping[str, pd.DataFrame]
    links: Mapping[str, pd.DataFrame]
    coverage: Mapping[str, pd.DataFrame]
    segments: pd.DataFrame
    stations: pd.DataFrame | None
    given: frozenset[str]
    policies: Any
    codes: Callable[[str, str], tuple] = field(repr=False)
    locate: Callable[[str], dict] = field(repr=False)
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.rows[table]

    def location(self, table: str) -> dict:
        """``{"file": …, "sheet": …}`` of ``table`` (the interface of ``Dataset.location``)."""
        return self.locate(table)

    def memo(self, key, make: Callable[[], Any]) -> Any:
        """What ``make`` returns, once per evaluation of the same segments (read-only)."""
        if key not in self.shared:
            self.shared[key] = make()
        return self.shared[key]
