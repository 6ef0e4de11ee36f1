"""Scoring rules: how an indicator value becomes a 0–100 score (SPEC §1.3).

Every rule is a pydantic model, so a profile states it as data (YAML) and a user can change any
breakpoint without touching code. Rules score whole arrays at once.

- ``curve``: piecewise-linear through breakpoints ``(x, score)``, clamped beyond the ends; with
  ``mode: step`` the score of the band's worse end (SPEC's "band floor").
- ``deduction``: start at 100, subtract points per counted item by category, floor at 0.
- ``identity``: the value is already a 0–100 score (clipped).
- ``ratio``: value / reference × 100, clipped to [0, 100].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    field_validator,
    model_serializer,
)

Confidence = Literal["V", "P", "R"]


class _Rule(BaseModel):
    """Fields shared by every rule: where its numbers come from and how sure they are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None = None
    confidence: Confidence | None = None


class CurveRule(_Rule):
    """Piecewise-linear curve through breakpoints, or its step form (SPEC §1.3 ``curve``/``step``).

    Parameters
    ----------
    points : list of (x, score)
        Breakpoints with strictly increasing ``x`` [unit of the indicator value] and scores in
        [0, 100]. Scores must be monotone (all rising or all falling): the direction of the
        indicator follows from them.
    mode : {"linear", "step"}
        ``linear`` interpolates between breakpoints; ``step`` gives a value inside a band the score
        of the band's worse end (for a rising curve its lower bound: a fish retention of 0.769
        with breakpoints 0.75→60, 0.85→80 scores 60). Beyond the ends both modes clamp.
    node : {"upper", "lower"}
        In ``step`` mode, the band a value exactly at a breakpoint belongs to: ``upper`` the
        higher-scoring of its two bands, so it scores the breakpoint's own score (a table read
        "≥ 95 %: 100", "≤ 40: 100"); ``lower`` the lower-scoring band, so it scores that band's
        floor (flood control 95 % with breakpoints 90→75, 95→100 scores 75). No effect in
        ``linear`` mode, where a breakpoint scores its own score.
    """

    rule: Literal["curve"] = "curve"
    points: list[tuple[float, float]] = Field(min_length=2)
    mode: Literal["linear", "step"] = "linear"
    node: Literal["upper", "lower"] = "upper"

    @model_serializer(mode="wrap")
    def _without_default_node(self, handler: SerializerFunctionWrapHandler) -> dict:
        """The default ``node`` is left out of the dump: a profile's digest stays what it was
        before node membership existed (results and archives record digests)."""
        data = handler(self)
        if self.node == "upper":
            data.pop("node", None)
        return data

    @field_validator("points")
    @classmethod
    def _check_points(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        xs = np.array([p[0] for p in points], dtype=float)
        ys = np.array([p[1] for p in points], dtype=float)
        if not np.all(np.isfinite(xs)) or not np.all(np.isfinite(ys)):
            raise ValueError("breakpoints must be finite numbers")
        if np.any(np.diff(xs) <= 0):
            raise ValueError(f"breakpoint x values must increase strictly, got {xs.tolist()}")
        with np.errstate(divide="ignore", over="ignore"):
            if not np.all(np.isfinite(np.diff(ys) / np.diff(xs))):
                raise ValueError(f"breakpoints too close for a finite slope: {xs.tolist()}")
        if np.any((ys < 0) | (ys > 100)):
            raise ValueError(f"breakpoint scores must lie in [0, 100], got {ys.tolist()}")
        steps = np.diff(ys)
        if np.any(steps > 0) and np.any(steps < 0):
            raise ValueError(f"breakpoint scores must be monotone, got {ys.tolist()}")
        return points

    @property
    def direction(self) -> Literal["rising", "falling"]:
        """``rising`` when a larger value never scores lower, else ``falling``."""
        return "rising" if self.points[-1][1] >= self.points[0][1] else "falling"

    def locate(self, values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Where ``values`` [indicator unit] fall among the breakpoints.

        Returns
        -------
        band : ndarray of int
            ``k`` for a value in ``[x_k, x_k+1)``; −1 below the first breakpoint and
            ``len(points) − 1`` at or above the last.
        at_node : ndarray of bool
            True where the value equals a breakpoint (``x_band``).
        """
        x = np.asarray(values, dtype=float)
        xs = np.array([p[0] for p in self.points])
        band = np.searchsorted(xs, x, side="right") - 1
        at_node = (band >= 0) & (x == xs[np.clip(band, 0, len(xs) - 1)])
        return band, at_node

    def score(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """Score ``values`` [indicator unit]; NaN stays NaN."""
        x = np.asarray(values, dtype=float)
        xs = np.array([p[0] for p in self.points])
        ys = np.array([p[1] for p in self.points])
        if self.mode == "linear":
            scores = np.interp(x, xs, ys)
        else:
            band, at_node = self.locate(x)
            last = len(xs) - 1
            here = ys[np.clip(band, 0, last)]
            above = ys[np.clip(band + 1, 0, last)]        # beyond an end: the end's own score
            below = ys[np.clip(band - 1, 0, last)]
            inside = np.minimum(here, above)              # the band's floor (worse end)
            node = here if self.node == "upper" else np.minimum(here, np.minimum(above, below))
            beyond = (band < 0) | (band >= last)          # clamped to the end's score
            scores = np.where(at_node, node, np.where(beyond, here, inside))
        return np.where(np.isnan(x), np.nan, scores)


class DeductionRule(_Rule):
    """Start at ``start`` points and subtract per counted item (SPEC §1.3 ``deduction``).

    Parameters
    ----------
    per_item : dict of str to float
        Points subtracted for one item of each category (e.g. 四乱 by severity:
        ``{general: 5, serious: 25, major: 50}``).
    start, floor : float
        Score with no item, and the lowest score.
    """

    rule: Literal["deduction"] = "deduction"
    per_item: dict[str, float] = Field(min_length=1)
    start: float = 100.0
    floor: float = 0.0

    def score(self, counts: pd.DataFrame | Mapping[str, np.ndarray] | np.ndarray | pd.Series
              ) -> np.ndarray:
        """Score item counts.

        Parameters
        ----------
        counts : DataFrame or mapping of category to counts, or a 1-D array
            Counts per category (missing categories count 0). A 1-D array is accepted only when
            the rule has a single category.

        Raises
        ------
        ValueError
            For a category the rule does not know, or a 1-D array with several categories.
        """
        if not isinstance(counts, (pd.DataFrame, Mapping)):
            if len(self.per_item) != 1:
                raise ValueError("a single count column needs a rule with exactly one category; "
                                 f"this one has {sorted(self.per_item)}")
            (points,) = self.per_item.values()
            deducted = np.asarray(counts, dtype=float) * points
        else:
            columns = list(counts.keys())
            unknown = sorted(set(columns) - set(self.per_item))
            if unknown:
                raise ValueError(f"unknown deduction categories {unknown}; "
                                 f"known: {sorted(self.per_item)}")
            deducted = sum(np.asarray(counts[c], dtype=float) * self.per_item[c] for c in columns)
        return np.maximum(self.start - np.asarray(deducted, dtype=float), self.floor)


class IdentityRule(_Rule):
    """The value is already a 0–100 score; it is clipped to [0, 100] (SPEC §1.3 ``identity``)."""

    rule: Literal["identity"] = "identity"

    def score(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """Clip ``values`` [score] to [0, 100]; NaN stays NaN."""
        return np.clip(np.asarray(values, dtype=float), 0.0, 100.0)


class RatioRule(_Rule):
    """Score = value / reference × 100, clipped to [0, 100] (SPEC §1.3 ``ratio``).

    Parameters
    ----------
    reference : float
        The value that scores 100 [indicator unit], > 0.
    """

    rule: Literal["ratio"] = "ratio"
    reference: float = Field(gt=0)

    def score(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """Score ``values`` [indicator unit]; NaN stays NaN."""
        with np.errstate(over="ignore"):  # an overflow to inf is clipped to 100 below
            ratio = np.asarray(values, dtype=float) / self.reference * 100.0
        return np.clip(ratio, 0.0, 100.0)


ScoringRule = Annotated[CurveRule | DeductionRule | IdentityRule | RatioRule,
                        Field(discriminator="rule")]


_RULE_ADAPTER: TypeAdapter = TypeAdapter(ScoringRule)


def parse_rule(data: Mapping | CurveRule | DeductionRule | IdentityRule | RatioRule
               ) -> CurveRule | DeductionRule | IdentityRule | RatioRule:
    """Build a scoring rule from its mapping form (``{"rule": "curve", "points": …}``)."""
    if isinstance(data, _Rule):
        return data
    return _RULE_ADAPTER.validate_python(data)
