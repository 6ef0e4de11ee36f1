"""Pure methods for biota indicators (SPEC §4.4)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from health_eval.io.lookup import is_in, per_row, positions_in


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
    code, water_bodies = pd.factorize(unique["water_body_id"], sort=True)
    grouped = code >= 0                     # rows without a water body belong to none
    period = unique["period"].to_numpy(dtype=object)[grouped]
    native = unique["native"].fillna(False).to_numpy(dtype=bool)[grouped]
    code = code[grouped]

    def count(flag: np.ndarray) -> np.ndarray:
        return np.bincount(code[flag], minlength=len(water_bodies))
    historical = count(period == "historical")
    current_native = count((period == "current") & native)
    with np.errstate(invalid="ignore", divide="ignore"):
        foei = current_native / np.where(historical > 0, historical, np.nan)
    return pd.DataFrame({"historical": historical, "current_native": current_native,
                         "current_non_native": count((period == "current") & ~native),
                         "foei": foei}, index=pd.Index(water_bodies, name="water_body_id"))


# --- Benthic index of biotic integrity (B-IBI, SPEC §4.4) ---------------------------------------

_BENTHIC_METRICS = ("taxa_richness", "ept_richness", "dominant_pct", "tolerant_pct", "shannon")
_DIRECTIONS = ("decreasing", "increasing")


def default_benthic_params() -> dict[str, Any]:
    """B-IBI metrics, percentiles, tolerance threshold and EPT orders of the packaged river
    profile (SPEC §4.4 [P]), read from ``biota.benthic_ibi.params`` of its YAML."""
    from health_eval.profiles.profile import load_profile

    params = load_profile("mwr2020-river").indicators["biota.benthic_ibi"].params
    return dict(params)


def benthic_metrics(samples: pd.DataFrame, taxa: pd.DataFrame, *, tolerant_min: float,
                    ept_orders: Collection[str]) -> pd.DataFrame:
    """Core macroinvertebrate metrics of every sampling site (SPEC §4.4).

    Parameters
    ----------
    samples : DataFrame
        Columns ``site_id``, ``taxon`` and ``count`` [individuals]. Rows of one taxon at one site
        are summed; a taxon whose total at a site is 0 is not present there (the site itself is
        kept: it was sampled).
    taxa : DataFrame
        Taxon attributes, one row per taxon: ``taxon``, ``order`` (Latin or Chinese name),
        ``tolerance`` [tolerance value, 0–10]; ``family`` and ``ffg`` are not used. A sampled
        taxon missing from this table has no order and no tolerance value.
    tolerant_min : float
        Tolerance value from which a taxon counts as tolerant [tolerance value]: tolerant when
        ``tolerance >= tolerant_min``.
    ept_orders : collection of str
        Order names of Ephemeroptera, Plecoptera and Trichoptera [name], matched against
        ``taxa.order`` ignoring case and surrounding spaces.

    Returns
    -------
    DataFrame
        Index ``site_id`` (sorted); columns

        - ``taxa_richness`` [taxa]: distinct taxa present;
        - ``ept_richness`` [taxa]: taxa present whose order is an EPT order;
        - ``dominant_pct`` [%]: individuals of the most abundant taxon / all individuals × 100;
        - ``tolerant_pct`` [%]: individuals of tolerant taxa / all individuals × 100 (a taxon
          without a tolerance value is not tolerant);
        - ``shannon`` [-]: H′ = −Σ pᵢ ln pᵢ over the taxa present (natural log);
        - ``individuals`` [individuals];
        - ``unknown_tolerance_taxa`` [taxa]: taxa present without a tolerance value;
        - ``unknown_order_taxa`` [taxa]: taxa present without an order (never EPT).

        At a site with no individuals ``dominant_pct``, ``tolerant_pct`` and ``shannon`` are NaN.

    Raises
    ------
    ValueError
        For a missing ``site_id`` or ``taxon``, a missing or negative ``count``, or a taxon
        listed twice in ``taxa``.
    """
    site = samples["site_id"]
    taxon = samples["taxon"]
    count = pd.to_numeric(samples["count"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    problems = []
    if site.isna().any():
        problems.append("missing site_id")
    if taxon.isna().any():
        problems.append("missing taxon")
    if np.isnan(count).any():
        problems.append("missing or non-numeric count")
    elif (count < 0).any():
        problems.append("negative count")
    if problems:
        raise ValueError(f"benthos samples: {', '.join(problems)}")
    duplicated = taxa["taxon"][taxa["taxon"].duplicated()]
    if len(duplicated):
        raise ValueError(f"benthos taxa listed twice: {sorted(set(duplicated.astype(str)))}")

    # sites and taxa as sorted integer codes: every group-by below runs on integers
    site_code, site_names = pd.factorize(site, sort=True)
    taxon_code, taxon_names = pd.factorize(taxon, sort=True)
    sites = pd.Index(np.asarray(site_names, dtype=object), name="site_id")
    pair = site_code.astype(np.int64) * len(taxon_names) + taxon_code   # (site, taxon), sorted
    pairs, pair_code = np.unique(pair, return_inverse=True)
    totals = np.bincount(pair_code, weights=count, minlength=len(pairs))
    kept = totals > 0
    present = pd.DataFrame({"site": pairs[kept] // len(taxon_names),
                            "taxon": pairs[kept] % len(taxon_names), "n": totals[kept]})

    # attributes worked out once per taxon, then taken by each present taxon's row in ``taxa``
    at = positions_in(pd.Series(taxon_names), taxa["taxon"])[present["taxon"].to_numpy()]
    listed = at >= 0

    def taken(per_taxon: np.ndarray, unlisted) -> np.ndarray:
        out = np.full(len(present), unlisted, dtype=per_taxon.dtype)
        out[listed] = per_taxon[at[listed]]
        return out

    wanted = {str(name).strip().casefold() for name in ept_orders}
    if "order" not in taxa:
        present["ept"] = False
        present["unknown_order"] = True
    else:
        order = taxa["order"].astype(object)
        names = order.where(order.notna()).astype("string").str.strip().str.casefold()
        present["ept"] = taken(names.isin(wanted).to_numpy(dtype=bool), False)
        present["unknown_order"] = taken(order.isna().to_numpy(), True)
    tolerance = (taken(pd.to_numeric(taxa["tolerance"].astype(object), errors="coerce")
                       .to_numpy(dtype=float, na_value=np.nan), np.nan)
                 if "tolerance" in taxa else np.full(len(present), np.nan))
    present["unknown_tolerance"] = np.isnan(tolerance)
    n = present["n"].to_numpy()
    site_of = present["site"].to_numpy()
    # one bincount per sum over the sites (sites without a taxon present: 0 or NaN)
    individuals = np.bincount(site_of, weights=n, minlength=len(sites))
    p = n / individuals[site_of]
    shannon = np.bincount(site_of, weights=-p * np.log(p), minlength=len(sites))
    tolerant_n = np.bincount(site_of, weights=np.where(tolerance >= tolerant_min, n, 0.0),
                             minlength=len(sites))
    dominant = np.full(len(sites), np.nan)
    np.fmax.at(dominant, site_of, n)
    sampled = np.bincount(site_of, minlength=len(sites)) > 0
    counted = np.where(individuals > 0, individuals, np.nan)
    return pd.DataFrame({
        "taxa_richness": np.bincount(site_of, minlength=len(sites)),
        "ept_richness": np.bincount(site_of[present["ept"].to_numpy(dtype=bool)],
                                    minlength=len(sites)),
        "dominant_pct": dominant / counted * 100.0,
        "tolerant_pct": np.where(sampled, tolerant_n, np.nan) / counted * 100.0,
        "shannon": np.where(sampled, shannon, np.nan) + 0.0,   # + 0.0: one taxon gives 0, not −0
        "individuals": individuals,
        "unknown_tolerance_taxa": np.bincount(site_of[present["unknown_tolerance"].to_numpy()],
                                              minlength=len(sites)),
        "unknown_order_taxa": np.bincount(site_of[present["unknown_order"].to_numpy(dtype=bool)],
                                          minlength=len(sites)),
    }, index=sites)


def _reference_sites(sites: pd.Index, reference: Collection[Any] | None) -> pd.Index:
    """The sites whose metrics set the scoring bounds: ``reference``, or all sites."""
    if reference is None:
        return sites
    wanted = [reference] if isinstance(reference, str) else list(reference)
    if not wanted:
        raise ValueError("reference names no site; pass None to score against all sites")
    unknown = pd.Index(wanted).difference(sites)
    if len(unknown):
        raise ValueError(f"reference site(s) without benthos samples: {list(unknown)}")
    return sites[is_in(sites, wanted)]


def _per_group(values: pd.Series, groups) -> float | dict[str, float]:
    """A bound for :attr:`bibi_bounds`: one float, or one per group when sites are grouped."""
    if groups is None:
        return float(values.iloc[0]) if len(values) else float("nan")
    return dict(zip(map(str, values.index.tolist()), values.astype(float).tolist()))


def benthic_ibi_table(samples: pd.DataFrame, taxa: pd.DataFrame,
                      reference: Collection[Any] | None = None, *,
                      params: Mapping[str, Any] | None = None,
                      groups: pd.Series | Mapping[Any, Any] | None = None) -> pd.DataFrame:
    """Metrics, metric scores and B-IBI of every sampling site (SPEC §4.4 [P]).

    The table of :func:`benthic_site_scores` (see there for the method, ``samples``
    [individuals], ``taxa``, ``reference`` [site ids], ``params`` [profile mapping] and
    ``groups``), with the scoring bounds in ``attrs["bibi_bounds"]``: per metric its direction,
    the percentile and the maximum used [metric unit], one float each, or one per group (by
    group name) when ``groups`` is given.

    Returns
    -------
    DataFrame
        Index ``site_id``; see :func:`benthic_site_scores`.
    """
    table, bounds = benthic_site_scores(samples, taxa, reference, params=params, groups=groups)
    table.attrs["bibi_bounds"] = {
        metric: {"direction": direction, "percentile": _per_group(bound_of, groups),
                 "max": _per_group(top_of, groups)}
        for metric, (direction, bound_of, top_of) in bounds.items()}
    return table


def benthic_site_scores(samples: pd.DataFrame, taxa: pd.DataFrame,
                        reference: Collection[Any] | None = None, *,
                        params: Mapping[str, Any] | None = None,
                        groups: pd.Series | Mapping[Any, Any] | None = None
                        ) -> tuple[pd.DataFrame, dict[str, tuple[str, pd.Series, pd.Series]]]:
    """Metrics, metric scores and B-IBI of every sampling site, and the bounds used (SPEC §4.4 [P]).

    Each metric is ratio-scored against the distribution of its values over the reference
    sites (over all sites when ``reference`` is None), using numpy's linear percentiles:

    - ``decreasing`` metrics (fall with disturbance): score = value / P\\ :sub:`upper`;
    - ``increasing`` metrics (rise with disturbance): score = (max − value) / (max −
      P\\ :sub:`lower`);

    each clipped to [0, 1]; B-IBI = the sum of the metric scores. Where a denominator is 0 the
    limit is taken without division: a decreasing metric scores 1 when value ≥ P\\ :sub:`upper`
    (else 0), an increasing one 1 when value ≤ max (else 0). A metric with no reference value
    scores NaN.

    Parameters
    ----------
    samples : DataFrame
        ``site_id``, ``taxon``, ``count`` [individuals] (see :func:`benthic_metrics`).
    taxa : DataFrame
        ``taxon``, ``order``, ``tolerance`` [tolerance value] (see :func:`benthic_metrics`).
    reference : collection of site ids, optional
        Reference sites (是否参照点) [site_id]; each must have samples. Default: all sites.
    params : mapping, optional
        The profile's ``biota.benthic_ibi.params``: ``metrics`` {metric: ``decreasing`` |
        ``increasing``}, ``upper_percentile`` and ``lower_percentile`` [percent rank, 0–100],
        ``tolerant_min`` [tolerance value], ``ept_orders`` [order names]; other keys are
        ignored. Default: the packaged profile's (:func:`default_benthic_params`).
    groups : Series or mapping of site id to group, optional
        Score each group of sites (e.g. each water body) against the reference sites of its
        own group, all groups at once; a group without reference sites is not scored.

    Returns
    -------
    (DataFrame, dict)
        The table: index ``site_id``; the columns of :func:`benthic_metrics`,
        ``reference_site`` (bool), ``score_<metric>`` [0–1] per scored metric and ``bibi``
        [0–number of metrics]: NaN when a metric score is NaN (e.g. a site without
        individuals). The bounds: per metric ``(direction, percentile, maximum)``, the last two
        Series [metric unit] indexed by group (a single ``"all"`` group without ``groups``).

    Raises
    ------
    ValueError
        For an unknown metric or direction, an empty reference, or a reference site without
        samples (and see :func:`benthic_metrics`).
    """
    params = dict(params) if params is not None else default_benthic_params()
    directions = dict(params["metrics"])
    unknown = sorted(set(directions) - set(_BENTHIC_METRICS))
    if unknown:
        raise ValueError(f"unknown B-IBI metric(s) {unknown}; known: {list(_BENTHIC_METRICS)}")
    bad = {m: d for m, d in directions.items() if d not in _DIRECTIONS}
    if bad:
        raise ValueError(f"B-IBI metric direction must be one of {_DIRECTIONS}, got {bad}")
    upper_q = float(params["upper_percentile"])
    lower_q = float(params["lower_percentile"])

    table = benthic_metrics(samples, taxa, tolerant_min=float(params["tolerant_min"]),
                            ept_orders=params["ept_orders"])
    ref = _reference_sites(table.index, reference)
    table["reference_site"] = is_in(table.index, ref)
    group = (pd.Series("all", index=table.index) if groups is None
             else pd.Series(groups).reindex(table.index))
    group_code, group_names = pd.factorize(group, sort=True)
    reference_site = table["reference_site"].to_numpy()
    bounds: dict[str, tuple[str, pd.Series, pd.Series]] = {}
    scores: dict[str, np.ndarray] = {}
    for metric, direction in directions.items():          # a handful of metrics, not sites
        value = table[metric].to_numpy(dtype=float)
        quantile = (upper_q if direction == "decreasing" else lower_q) / 100
        codes, percentile, maximum = _group_bounds(value, reference_site, group_code, quantile)
        bound, top = (per_row(group_code, _spread(codes, per_group, len(group_names)), np.nan)
                      for per_group in (percentile, maximum))
        with np.errstate(divide="ignore", invalid="ignore"):
            if direction == "decreasing":
                score = np.where(bound != 0, value / bound, np.where(value >= bound, 1.0, 0.0))
            else:
                span = top - bound
                score = np.where(span != 0, (top - value) / span,
                                 np.where(value <= top, 1.0, 0.0))
        unscored = np.isnan(value) | np.isnan(bound)
        scores[f"score_{metric}"] = np.where(unscored, np.nan, np.clip(score, 0.0, 1.0))
        named = group_names[codes]
        bounds[metric] = (direction, pd.Series(percentile, index=named, name="percentile"),
                          pd.Series(maximum, index=named, name="max"))
    # the score columns and their sum added at once, not a column inserted at a time
    scores["bibi"] = (np.sum(list(scores.values()), axis=0) if scores
                      else np.zeros(len(table)))
    table = pd.concat([table, pd.DataFrame(scores, index=table.index)], axis=1)
    return table, bounds


def _group_bounds(value: np.ndarray, reference: np.ndarray, group_code: np.ndarray,
                  quantile: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear ``quantile`` (0–1) and maximum of ``value`` over the reference sites of each group.

    Parameters
    ----------
    value : ndarray of float
        A metric of every site [metric unit]; NaN where it has none.
    reference : ndarray of bool
        Whether each site is a reference site.
    group_code : ndarray of int
        Each site's group (``pd.factorize`` codes; -1 for none).
    quantile : float
        The quantile [0–1].

    Returns
    -------
    (ndarray of int, ndarray of float, ndarray of float)
        The codes of the groups with a reference site with a value (sorted), and of each its
        percentile and maximum [metric unit].
    """
    basis = reference & ~np.isnan(value) & (group_code >= 0)
    order = np.lexsort((value[basis], group_code[basis]))     # by group, then value
    values, groups = value[basis][order], group_code[basis][order]
    codes, counts = np.unique(groups, return_counts=True)
    starts = np.cumsum(counts) - counts
    # linear interpolation between the two ranks around quantile × (n − 1), as pandas does
    position = quantile * (counts - 1)
    below = np.floor(position).astype(np.int64)
    fraction = position - below
    low = values[starts + below]
    high = values[starts + np.minimum(below + 1, counts - 1)]
    return (codes, np.where(fraction == 0, low, low + (high - low) * fraction),
            values[starts + counts - 1])


def _spread(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """``values`` of the groups ``codes`` placed in an array of ``n`` groups (NaN elsewhere)."""
    full = np.full(n, np.nan)
    full[codes] = values
    return full


def benthic_ibi(samples: pd.DataFrame, taxa: pd.DataFrame,
                reference: Collection[Any] | None = None, *,
                params: Mapping[str, Any] | None = None) -> pd.Series:
    """B-IBI of every sampling site: the sum of the metric scores (SPEC §4.4 [P]).

    The ``bibi`` column of :func:`benthic_ibi_table` (see there for ``samples`` [individuals],
    ``taxa``, ``reference`` [site ids] and ``params`` [profile mapping]).

    Returns
    -------
    Series
        Index ``site_id``; B-IBI [0–number of metrics], NaN where a metric could not be scored.
    """
    return benthic_ibi_table(samples, taxa, reference, params=params)["bibi"]


def expected_bibi(bibi: pd.Series, reference: Collection[Any]) -> float:
    """Expected B-IBI: the median B-IBI of the reference sites (SPEC §4.4 [R]).

    Parameters
    ----------
    bibi : Series
        B-IBI per site [0–number of metrics], indexed by site id.
    reference : collection of site ids
        Reference sites [site_id]; ids not in ``bibi`` are ignored, and so are NaN values.

    Returns
    -------
    float
        Median B-IBI of the reference sites [0–number of metrics]; NaN when none has a value.
    """
    wanted = [reference] if isinstance(reference, str) else list(reference)
    values = bibi[bibi.index.isin(wanted)].astype(float).dropna()
    return float(values.median()) if len(values) else float("nan")
