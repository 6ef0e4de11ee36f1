"""Table helpers of the indicator definitions: weighted means, computed rows."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
from health_eval.indicators.frames import computed_rows, weighted_mean

from health_eval.engine.dataset import Dataset


def test_weighted_mean_per_key_skips_rows_without_value_weight_or_key():
    frame = pd.DataFrame({
        "k": pd.Series(["b", "a", "a", "b", None, "c"], dtype="string"),
        "v": [10.0, 1.0, 3.0, np.nan, 5.0, 2.0],
        "w": [2.0, 1.0, 3.0, 1.0, 1.0, 0.0],
    })
    table = weighted_mean(frame, "k", "v", "w")
    assert table.index.tolist() == ["a", "b", "c"] and table.index.name == "k"
    assert table["value"].iloc[0] == (1 * 1 + 3 * 3) / 4
    assert table["value"].iloc[1] == 10.0
    assert np.isnan(table["value"].iloc[2])          # weights sum to 0
    assert table["n"].tolist() == [2, 1, 1]
    assert table["weight"].tolist() == [4.0, 2.0, 0.0]


def test_computed_rows_flag_rows_of_the_segments_computed_by_the_shared_codes():
    outfalls = pd.DataFrame({"segment_id": pd.Series(["s2", "s9", None, "s1", "s2"],
                                                     dtype="string"),
                             "n": [1, 2, 3, 4, 5]})
    dataset = Dataset(tables={"outfalls": outfalls}, sources={}, issues=[])
    context = SimpleNamespace(segments=pd.DataFrame({"segment_id": ["s1", "s2", "s3"]}))
    # s9 is not computed and a missing segment never is
    assert computed_rows(dataset, context, "outfalls", "segment_id").tolist() == [
        True, False, False, True, True]
