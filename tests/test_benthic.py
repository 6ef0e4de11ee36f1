"""Benthic index of biotic integrity (B-IBI, SPEC §4.4): metrics, percentile scores, sums."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.biota import (
    benthic_ibi,
    benthic_ibi_table,
    benthic_metrics,
    default_benthic_params,
    expected_bibi,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

EPT = ["Ephemeroptera", "Plecoptera", "Trichoptera", "蜉蝣目", "襀翅目", "毛翅目"]
METRICS = ["taxa_richness", "ept_richness", "dominant_pct", "tolerant_pct", "shannon"]

# Six taxa; tolerant from tolerance value 7 (the profile's tolerant_min). Order names are Latin
# in any case or Chinese; Corbicula has no tolerance value.
TAXA = pd.DataFrame({
    "taxon": ["Baetis", "Perla", "Hydropsyche", "Chironomus", "Tubifex", "Corbicula"],
    "order": ["Ephemeroptera", "plecoptera", "毛翅目", "Diptera", "Haplotaxida", "Veneroida"],
    "family": ["Baetidae", "Perlidae", "Hydropsychidae", "Chironomidae", "Tubificidae",
               "Corbiculidae"],
    "tolerance": [4.0, 1.0, 5.0, 8.0, 10.0, np.nan],
    "ffg": ["CG", "PR", "FC", "CG", "CG", "FC"],
})


def sample_rows() -> pd.DataFrame:
    rows = [
        # S1: 50 individuals, 5 taxa
        ("S1", "Baetis", 20), ("S1", "Perla", 10), ("S1", "Hydropsyche", 10),
        ("S1", "Chironomus", 5), ("S1", "Corbicula", 5),
        # S2: Baetis in two rows (6 + 4), a Perla row of 0 (not present): 40 individuals
        ("S2", "Baetis", 6), ("S2", "Hydropsyche", 10), ("S2", "Chironomus", 20),
        ("S2", "Baetis", 4), ("S2", "Perla", 0),
        # S3: 100 individuals
        ("S3", "Chironomus", 30), ("S3", "Tubifex", 60), ("S3", "Baetis", 10),
        # S4: 50 individuals
        ("S4", "Tubifex", 45), ("S4", "Chironomus", 5),
    ]
    return pd.DataFrame(rows, columns=["site_id", "taxon", "count"])


def shannon(*shares: float) -> float:
    return -sum(p * math.log(p) for p in shares)


H1 = shannon(0.4, 0.2, 0.2, 0.1, 0.1)   # 20, 10, 10, 5, 5 of 50 = 1.4708…
H2 = shannon(0.25, 0.25, 0.5)           # 10, 10, 20 of 40 = 1.0397…
H3 = shannon(0.3, 0.6, 0.1)             # 30, 60, 10 of 100 = 0.8979…
H4 = shannon(0.9, 0.1)                  # 45, 5 of 50 = 0.3251…


def test_default_params_come_from_the_profile():
    params = default_benthic_params()
    assert params["metrics"] == {"taxa_richness": "decreasing", "ept_richness": "decreasing",
                                 "dominant_pct": "increasing", "tolerant_pct": "increasing",
                                 "shannon": "decreasing"}
    assert (params["upper_percentile"], params["lower_percentile"]) == (95, 5)
    assert params["tolerant_min"] == 7.0 and params["ept_orders"] == EPT


def test_metrics_worked_out_by_hand():
    m = benthic_metrics(sample_rows(), TAXA, tolerant_min=7.0, ept_orders=EPT)
    assert m.index.tolist() == ["S1", "S2", "S3", "S4"] and m.index.name == "site_id"
    # richness: S1 Baetis Perla Hydropsyche Chironomus Corbicula; S2 Baetis Hydropsyche
    # Chironomus (Perla counted 0); S3 Chironomus Tubifex Baetis; S4 Tubifex Chironomus
    assert m["taxa_richness"].tolist() == [5, 3, 3, 2]
    # EPT: Baetis (Ephemeroptera), Perla ("plecoptera"), Hydropsyche (毛翅目)
    assert m["ept_richness"].tolist() == [3, 2, 1, 0]
    assert m["individuals"].tolist() == [50, 40, 100, 50]
    # dominant: 20/50, 20/40 (Chironomus; Baetis 6 + 4 = 10), 60/100, 45/50
    assert m["dominant_pct"].tolist() == pytest.approx([40.0, 50.0, 60.0, 90.0])
    # tolerant (≥ 7: Chironomus 8, Tubifex 10): 5/50, 20/40, (30 + 60)/100, (45 + 5)/50
    assert m["tolerant_pct"].tolist() == pytest.approx([10.0, 50.0, 90.0, 100.0])
    assert m["unknown_tolerance_taxa"].tolist() == [1, 0, 0, 0]     # Corbicula at S1
    assert m["unknown_order_taxa"].tolist() == [0, 0, 0, 0]
    assert m["shannon"].tolist() == pytest.approx([H1, H2, H3, H4])
    assert (round(H1, 5), round(H4, 5)) == (1.47081, 0.32508)


def all_site_scores() -> dict[str, list[float]]:
    """Scores against all four sites. np.percentile (linear) of four sorted values v0…v3:
    P95 at position 0.95 × 3 = 2.85 → v2 + 0.85 (v3 − v2); P5 at 0.15 → v0 + 0.15 (v1 − v0)."""
    p95_rich = 3 + 0.85 * (5 - 3)                 # sorted 2, 3, 3, 5 → 4.7
    p95_ept = 2 + 0.85 * (3 - 2)                  # sorted 0, 1, 2, 3 → 2.85
    p5_dom, max_dom = 40 + 0.15 * (50 - 40), 90   # sorted 40, 50, 60, 90 → 41.5
    p5_tol, max_tol = 10 + 0.15 * (50 - 10), 100  # sorted 10, 50, 90, 100 → 16
    p95_h = H2 + 0.85 * (H1 - H2)                 # sorted H4, H3, H2, H1
    assert np.percentile([5, 3, 3, 2], 95) == pytest.approx(p95_rich)
    assert np.percentile([3, 2, 1, 0], 95) == pytest.approx(p95_ept)
    assert np.percentile([40, 50, 60, 90], 5) == pytest.approx(p5_dom)
    assert np.percentile([10, 50, 90, 100], 5) == pytest.approx(p5_tol)
    assert np.percentile([H1, H2, H3, H4], 95) == pytest.approx(p95_h)
    return {
        # decreasing: value / P95, clipped to [0, 1]
        "taxa_richness": [1.0, 3 / p95_rich, 3 / p95_rich, 2 / p95_rich],   # 5/4.7 > 1
        "ept_richness": [1.0, 2 / p95_ept, 1 / p95_ept, 0.0],
        # increasing: (max − value) / (max − P5), clipped to [0, 1]
        "dominant_pct": [1.0, (90 - 50) / (max_dom - p5_dom), (90 - 60) / (max_dom - p5_dom),
                         0.0],                                              # S1 50/48.5 > 1
        "tolerant_pct": [1.0, (100 - 50) / (max_tol - p5_tol), (100 - 90) / (max_tol - p5_tol),
                         0.0],                                              # S1 90/84 > 1
        "shannon": [1.0, H2 / p95_h, H3 / p95_h, H4 / p95_h],
    }


def test_scores_and_bibi_against_all_sites():
    expected = all_site_scores()
    table = benthic_ibi_table(sample_rows(), TAXA)
    for metric in METRICS:
        assert table[f"score_{metric}"].tolist() == pytest.approx(expected[metric]), metric
    sums = [sum(expected[metric][i] for metric in METRICS) for i in range(4)]
    assert sums[0] == 5.0
    # S2: 3/4.7 + 2/2.85 + 40/48.5 + 50/84 + H2/1.40615 (P95 of H′)
    #   = 0.63830 + 0.70175 + 0.82474 + 0.59524 + 0.73941 = 3.49944
    assert sums[1] == pytest.approx(3.49944, abs=1e-5)
    assert table["bibi"].tolist() == pytest.approx(sums)
    assert table["reference_site"].all()
    pd.testing.assert_series_equal(benthic_ibi(sample_rows(), TAXA), table["bibi"])
    assert table.attrs["bibi_bounds"]["taxa_richness"]["percentile"] == pytest.approx(4.7)


def test_reference_site_percentiles_differ_from_all_site_percentiles():
    table = benthic_ibi_table(sample_rows(), TAXA, reference=["S1", "S2"])
    assert table["reference_site"].tolist() == [True, True, False, False]
    # two reference values v0 ≤ v1: P95 = v0 + 0.95 (v1 − v0), P5 = v0 + 0.05 (v1 − v0)
    p95_rich = 3 + 0.95 * (5 - 3)               # 4.9, not 4.7
    p95_ept = 2 + 0.95 * (3 - 2)                # 2.95
    p5_dom, max_dom = 40 + 0.05 * 10, 50        # 40.5
    p5_tol, max_tol = 10 + 0.05 * 40, 50        # 12
    p95_h = H2 + 0.95 * (H1 - H2)
    expected = {
        "taxa_richness": [1.0, 3 / p95_rich, 3 / p95_rich, 2 / p95_rich],
        "ept_richness": [1.0, 2 / p95_ept, 1 / p95_ept, 0.0],
        # S3 and S4 lie above the reference maximum: negative, clipped to 0
        "dominant_pct": [1.0, (max_dom - 50) / (max_dom - p5_dom), 0.0, 0.0],
        "tolerant_pct": [1.0, (max_tol - 50) / (max_tol - p5_tol), 0.0, 0.0],
        "shannon": [1.0, H2 / p95_h, H3 / p95_h, H4 / p95_h],
    }
    for metric in METRICS:
        assert table[f"score_{metric}"].tolist() == pytest.approx(expected[metric]), metric
    assert table["bibi"].tolist() == pytest.approx(
        [sum(expected[m][i] for m in METRICS) for i in range(4)])
    everywhere = benthic_ibi_table(sample_rows(), TAXA)
    assert table.loc["S3", "score_taxa_richness"] != pytest.approx(
        everywhere.loc["S3", "score_taxa_richness"])
    assert table.loc["S3", "bibi"] < everywhere.loc["S3", "bibi"]
    # a single id given as a string is one site, not its characters
    single = benthic_ibi_table(sample_rows(), TAXA, reference="S1")
    assert single["reference_site"].tolist() == [True, False, False, False]


def test_duplicate_taxon_rows_are_summed_and_zero_counts_are_absent():
    rows = sample_rows()
    merged = pd.concat([rows[rows["taxon"].ne("Baetis") | rows["site_id"].ne("S2")],
                        pd.DataFrame({"site_id": ["S2"], "taxon": ["Baetis"], "count": [10]})])
    pd.testing.assert_frame_equal(benthic_metrics(rows, TAXA, tolerant_min=7, ept_orders=EPT),
                                  benthic_metrics(merged, TAXA, tolerant_min=7, ept_orders=EPT))
    no_zero = rows[rows["count"] > 0]
    pd.testing.assert_frame_equal(benthic_ibi_table(rows, TAXA), benthic_ibi_table(no_zero, TAXA))


def test_unlisted_taxa_and_empty_sites():
    rows = pd.DataFrame({"site_id": ["A", "A", "B"], "taxon": ["Baetis", "Gammarus", "Perla"],
                         "count": [30, 10, 0]})
    m = benthic_metrics(rows, TAXA, tolerant_min=7.0, ept_orders=EPT)
    # Gammarus is not in the taxon table: no order (not EPT), no tolerance (not tolerant)
    assert m.loc["A", ["taxa_richness", "ept_richness", "unknown_tolerance_taxa",
                       "unknown_order_taxa"]].tolist() == [2, 1, 1, 1]
    assert m.loc["A", "tolerant_pct"] == 0.0 and m.loc["A", "dominant_pct"] == 75.0
    # B was sampled but nothing was found: counts 0, shares and H′ undefined
    assert m.loc["B", ["taxa_richness", "ept_richness", "individuals"]].tolist() == [0, 0, 0]
    assert m.loc["B", ["dominant_pct", "tolerant_pct", "shannon"]].isna().all()
    bibi = benthic_ibi(rows, TAXA)
    assert math.isnan(bibi["B"]) and not math.isnan(bibi["A"])


def test_zero_denominators_take_the_limit_without_warnings():
    # every reference site has no EPT taxon (P95 = 0) and no tolerant taxon (max = P5 = 0)
    rows = pd.DataFrame({"site_id": ["R1", "R2", "X", "Y"],
                         "taxon": ["Corbicula", "Corbicula", "Corbicula", "Chironomus"],
                         "count": [5, 8, 3, 4]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = benthic_ibi_table(rows, TAXA, reference=["R1", "R2"])
    # decreasing, P95 = 0: value ≥ P95 → 1
    assert table["score_ept_richness"].tolist() == [1.0, 1.0, 1.0, 1.0]
    # increasing, max = P5 = 0: value ≤ max → 1, above → 0 (Y is all Chironomus: 100 %)
    assert table["score_tolerant_pct"].tolist() == [1.0, 1.0, 1.0, 0.0]
    # one taxon per site: H′ = 0 everywhere, P95 = 0 → 1
    assert table["score_shannon"].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_custom_params_choose_the_metrics_and_thresholds():
    params = {**default_benthic_params(),
              "metrics": {"taxa_richness": "decreasing", "tolerant_pct": "increasing"},
              "tolerant_min": 9.0}                         # now only Tubifex is tolerant
    table = benthic_ibi_table(sample_rows(), TAXA, params=params)
    assert [c for c in table.columns if c.startswith("score_")] == [
        "score_taxa_richness", "score_tolerant_pct"]
    # tolerant %: 0, 0, 60, 90 → max 90, P5 = 0 + 0.15 × 0 = 0
    assert table["tolerant_pct"].tolist() == pytest.approx([0.0, 0.0, 60.0, 90.0])
    assert table["score_tolerant_pct"].tolist() == pytest.approx([1.0, 1.0, 30 / 90, 0.0])
    assert table["bibi"].tolist() == pytest.approx(
        [1.0 + 1.0, 3 / 4.7 + 1.0, 3 / 4.7 + 30 / 90, 2 / 4.7 + 0.0])


def test_expected_bibi_is_the_median_of_the_reference_sites():
    bibi = pd.Series([4.0, 3.0, 1.0, 2.5, np.nan], index=["S1", "S2", "S3", "S4", "S5"])
    assert expected_bibi(bibi, ["S1", "S2", "S4"]) == 3.0
    assert expected_bibi(bibi, ["S1", "S2"]) == 3.5
    assert expected_bibi(bibi, ["S1", "S5"]) == 4.0              # NaN B-IBI left out
    assert math.isnan(expected_bibi(bibi, []))
    assert math.isnan(expected_bibi(bibi, ["Z9"]))


def test_bad_inputs_are_rejected():
    rows = sample_rows()
    with pytest.raises(ValueError, match="Z9"):
        benthic_ibi(rows, TAXA, reference=["S1", "Z9"])
    with pytest.raises(ValueError, match="reference"):
        benthic_ibi(rows, TAXA, reference=[])
    with pytest.raises(ValueError, match="negative"):
        benthic_ibi(rows.assign(count=rows["count"] - 5), TAXA)
    with pytest.raises(ValueError, match="evenness"):
        benthic_ibi(rows, TAXA, params={**default_benthic_params(), "metrics": {"evenness":
                                                                               "decreasing"}})
    with pytest.raises(ValueError, match="direction"):
        benthic_ibi(rows, TAXA, params={**default_benthic_params(), "metrics": {"shannon": "up"}})
    with pytest.raises(ValueError, match="Baetis"):
        benthic_ibi(rows, pd.concat([TAXA, TAXA.iloc[:1]]))


def test_arrow_and_nullable_dtypes_give_the_same_table():
    rows = sample_rows().astype({"site_id": "string[pyarrow]", "taxon": "string[pyarrow]",
                                 "count": "Int64"})
    taxa = TAXA.astype({"taxon": "string[pyarrow]", "order": "string[pyarrow]",
                        "tolerance": "Float64"})
    typed = benthic_ibi_table(rows, taxa, reference=["S1", "S2"])
    plain = benthic_ibi_table(sample_rows(), TAXA, reference=["S1", "S2"])
    pd.testing.assert_frame_equal(typed, plain, check_index_type=False)


SITE_COUNTS = st.lists(st.integers(0, 50), min_size=len(TAXA), max_size=len(TAXA))


def frame_of(sites: dict[str, list[int]]) -> pd.DataFrame:
    site_ids = np.repeat(list(sites), len(TAXA))
    taxa = np.tile(TAXA["taxon"].to_numpy(), len(sites))
    counts = np.concatenate([np.asarray(c) for c in sites.values()])
    return pd.DataFrame({"site_id": site_ids, "taxon": taxa, "count": counts})


PARAMS = default_benthic_params()


@settings(max_examples=60, deadline=None)
@given(reference=st.lists(SITE_COUNTS, min_size=1, max_size=4), site=SITE_COUNTS,
       tolerant=st.sampled_from(["Chironomus", "Tubifex"]), extra=st.integers(1, 200))
def test_more_tolerant_individuals_never_raise_the_tolerant_score(reference, site, tolerant,
                                                                  extra):
    """Property: at a site outside the reference set (so the percentiles and max stay fixed),
    adding individuals of a tolerant taxon never lowers tolerant_pct and never raises its
    score; every metric score stays in [0, 1] and B-IBI in [0, number of metrics]."""
    assume(sum(site) > 0)
    sites = {f"R{i}": counts for i, counts in enumerate(reference)}
    before = frame_of({**sites, "X": site})
    more = site.copy()
    more[TAXA.index[TAXA["taxon"] == tolerant][0]] += extra
    after = frame_of({**sites, "X": more})
    ref = list(sites)
    t0 = benthic_ibi_table(before, TAXA, reference=ref, params=PARAMS)
    t1 = benthic_ibi_table(after, TAXA, reference=ref, params=PARAMS)
    assert t1.loc["X", "tolerant_pct"] >= t0.loc["X", "tolerant_pct"]
    s0, s1 = t0.loc["X", "score_tolerant_pct"], t1.loc["X", "score_tolerant_pct"]
    assert (math.isnan(s0) and math.isnan(s1)) or s1 <= s0
    for table in (t0, t1):
        scores = table[[f"score_{m}" for m in METRICS]].stack().dropna()
        assert ((scores >= 0) & (scores <= 1)).all()
        assert ((table["bibi"].dropna() >= 0) & (table["bibi"].dropna() <= len(METRICS))).all()


def test_benthic_sites_take_the_first_rows_segment_and_any_reference_flag():
    from health_eval.indicators.biota_indicators import _benthic_sites

    samples = pd.DataFrame({
        "site_id": pd.Series(["B", "A", "B", None, "A"], dtype="string"),
        "segment_id": pd.Series(["s2", "s1", "s1", "s1", "s1"], dtype="string"),
        "is_reference": pd.array([False, None, True, True, False], dtype="boolean"),
    })
    segments = pd.DataFrame({"segment_id": pd.Series(["s1", "s2"], dtype="string"),
                             "water_body_id": pd.Series(["W1", "W2"], dtype="string")})
    sites = _benthic_sites(samples, segments)
    assert sites.index.tolist() == ["A", "B"]                 # the missing id is left out
    assert sites["segment_id"].tolist() == ["s1", "s2"]       # B's first row is in s2
    assert sites["water_body_id"].tolist() == ["W1", "W2"]
    assert sites["flagged"].tolist() == [False, True]         # B's second row is a reference
