"""Pure methods for biota indicators (SPEC §4.4)."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd


def fish_retention_index(current: Collection[str] | int, historical: Collection[str] | int) -> float:
    """Fish retention index FOEI = native species found now / historical species (SPEC §4.4).

    Parameters
    ----------
    current : collection of str or int
        Native species found in the current survey (names, counted once each), or their number.
    historical : collection of str or int
        Species recorded historically (before the 1980s), or their number.

    Returns
    -------
    float
        FOEI [-]; NaN when there is no historical species to compare with.
    """
    n_current = current if isinstance(current, (int, np.integer)) else len(set(current))
    n_historical = historical if isinstance(historical, (int, np.integer)) else len(set(historical))
    if n_historical == 0:
        return float("nan")
    return n_current / n_historical


def fish_retention_table(species: pd.DataFrame) -> pd.DataFrame:
    """FOEI of every water body at once (SPEC §4.4).

    Parameters
    ----------
    species : DataFrame
        Columns ``water_body_id``, ``species``, ``period`` (``historical`` | ``current``) and
        ``native`` (bool). A species listed twice in one period counts once.

    Returns
    -------
    DataFrame
        Index ``water_body_id``; columns ``historical`` (species), ``current_native``,
        ``current_non_native`` (species found now but not native, left out of FOEI) and
        ``foei`` [-] (NaN where ``historical`` is 0).
    """
    unique = species.drop_duplicates(["water_body_id", "species", "period"])
    is_current = unique["period"] == "current"
    native = unique["native"].fillna(False).astype(bool)
    flags = pd.DataFrame({
        "water_body_id": unique["water_body_id"],
        "historical": (unique["period"] == "historical").astype(int),
        "current_native": (is_current & native).astype(int),
        "current_non_native": (is_current & ~native).astype(int),
    })
    table = flags.groupby("water_body_id", sort=True).sum()
    table["foei"] = table["current_native"] / table["historical"].where(table["historical"] > 0)
    return table
