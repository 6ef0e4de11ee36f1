"""``validate``: every check ``run`` makes on an input package, in one pass, without output.

:func:`check_package` reads the package as far as it can be read (errors of one table do not
hide the problems of the others), applies the rules (:func:`~health_eval.validate.checks.validate_dataset`)
and the checks of the evaluation itself — segments placed in water bodies, kinds covered by a
profile, segment weights, supplied values (:func:`~health_eval.engine.api.place_segments`) — and, when
the rules found no error, evaluates the package with :func:`~health_eval.engine.api.evaluate`, so
that every mandatory indicator left ``no_data`` or ``insufficient_data`` is an error with its
cause, as in ``run``. So "validate OK" means "run succeeds": both use the same rules, once.

Where an error stops a later check, an issue says which one was skipped and why
(``check.skipped``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..issue_keys import with_keys
from ..issues import ISSUE_COLUMNS, InputError, Issue, issues_frame
from ..validate.checks import row_accounts, validate_dataset
from .api import (
    ProfileLike,
    evaluate,
    indicators_skipped,
    place_segments,
    resolve_profiles,
)
from .dataset import Dataset, load_dataset
from .registry import IndicatorRegistry, default_registry

__all__ = ["Checked", "check_package"]


@dataclass
class Checked:
    """What :func:`check_package` found.

    Parameters
    ----------
    issues : list of Issue
        Every problem found, warnings included.
    rows : dict
        Rows read, used and rejected per table (:func:`~health_eval.validate.checks.row_accounts`);
        empty when the package could not be read at all.
    """

    issues: list[Issue]
    rows: dict[str, dict[str, int]]

    @property
    def has_errors(self) -> bool:
        """Whether ``run`` would refuse the package or end with an error (exit 1)."""
        return any(issue.severity == "error" for issue in self.issues)


def check_package(source: str | os.PathLike | Mapping[str, pd.DataFrame] | Dataset,
                  profile: ProfileLike | Mapping[str, ProfileLike] | None = None, *,
                  registry: IndicatorRegistry | None = None,
                  importers: Sequence[str] | None = None, **options: Any) -> Checked:
    """Check an input package as ``run`` would evaluate it, and report every problem.

    Parameters
    ----------
    source : path, mapping of DataFrames, or Dataset
        The input package (see :func:`~health_eval.engine.dataset.load_dataset`).
    profile, registry, **options
        As for :func:`~health_eval.engine.api.evaluate`.
    importers : sequence of str, optional
        The importers of bureau files to use (``--import``); default every one, by detection
        (:func:`~health_eval.engine.dataset.load_dataset`).

    Returns
    -------
    Checked

    Raises
    ------
    InputError
        When the package cannot be read at all (a path that does not exist, a workbook that is
        not one); the issues say why.
    ProfileError
        For a profile that cannot be loaded or an option that is not a policy.
    """
    dataset = load_dataset(source, importers, strict=False)
    registry = registry if registry is not None else default_registry()
    profiles_by_kind = resolve_profiles(profile, options)
    validation = validate_dataset(dataset)
    if validation.has_errors:
        _, placed = place_segments(dataset, profiles_by_kind, registry)
        issues = list(dict.fromkeys(validation.issues + placed)) + [indicators_skipped()]
        return Checked(_issue_list(with_keys(issues_frame(issues), dataset)),
                       row_accounts(dataset, validation))
    try:
        result = evaluate(dataset, profile, registry=registry, **options)
    except InputError as exc:          # not expected after the checks above, but never lost
        return Checked(_issue_list(with_keys(issues_frame(exc.issues), dataset)),
                       row_accounts(dataset, validation))
    return Checked(_issue_list(result.issues), result.provenance["rows"])


def _issue_list(frame: pd.DataFrame) -> list[Issue]:
    """The rows of an issues table as :class:`Issue` objects (missing fields None)."""
    issues = []
    for record in frame[list(ISSUE_COLUMNS)].to_dict("records"):
        fields = {k: (None if pd.isna(v) else v) for k, v in record.items()}
        for number in ("row", "count"):
            if fields[number] is not None:
                fields[number] = int(fields[number])
        issues.append(Issue(**fields))
    return issues
