"""A Parquet archive partitioned by water body, read a few water bodies at a time."""

import pandas as pd
import pytest

pyarrow = pytest.importorskip("pyarrow")

from health_eval.distributed.partitions import archive_tables  # noqa: E402


@pytest.fixture
def archive(tmp_path):
    """daily_flow split into the folders of water bodies 001 and 002 (codes that look like
    numbers), a shared benthos_taxa file, and the water bodies."""
    flows = pd.DataFrame({"station_id": ["Q1", "Q1", "Q2"],
                          "date": pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-01"]),
                          "flow_m3s": [1.5, 2.5, 7.0], "note": ["a", "b", "c"],
                          "water_body_id": ["001", "001", "002"]})
    flows.to_parquet(tmp_path / "daily_flow", partition_cols=["water_body_id"])
    pd.DataFrame({"water_body_id": ["001", "002"], "name": ["清河", "明河"]}).to_parquet(
        tmp_path / "water_bodies", partition_cols=["water_body_id"])
    pd.DataFrame({"taxon": ["Baetis"], "tolerance": [4.0]}).to_parquet(
        tmp_path / "benthos_taxa.parquet")
    (tmp_path / "notes.parquet").write_bytes(b"not a table of the catalogue")
    return tmp_path


def test_tables_columns_and_rows_per_water_body(archive):
    tables = archive_tables(archive)
    assert sorted(tables) == ["benthos_taxa", "daily_flow", "water_bodies"]
    flow = tables["daily_flow"]
    assert flow.partitioned and not tables["benthos_taxa"].partitioned
    # catalogue columns only (``note`` is not one), the partition folder's code as text
    assert flow.columns() == ["station_id", "date", "flow_m3s", "water_body_id"]
    assert flow.rows_per_water_body().to_dict() == {"001": 2, "002": 1}   # from the footers


def test_rows_per_water_body_of_a_single_file_with_the_column(tmp_path):
    pd.DataFrame({"water_body_id": ["W2", "W1", "W2"], "name": ["a", "b", "c"]}).to_parquet(
        tmp_path / "water_bodies.parquet")
    table = archive_tables(tmp_path)["water_bodies"]
    assert table.partitioned
    assert table.rows_per_water_body().to_dict() == {"W1": 1, "W2": 2}
    assert table.read(["W2"])["name"].tolist() == ["a", "c"]


def test_a_chunk_reads_only_its_water_bodies_files(archive):
    flow = archive_tables(archive)["daily_flow"]
    rows = flow.read(["001"])
    assert rows["flow_m3s"].tolist() == [1.5, 2.5]
    assert rows["water_body_id"].astype(str).tolist() == ["001", "001"]
    for file in (archive / "daily_flow" / "water_body_id=002").iterdir():
        file.write_bytes(b"broken")                     # never opened for 001
    assert flow.read(["001"])["flow_m3s"].tolist() == [1.5, 2.5]
    with pytest.raises(pyarrow.ArrowInvalid):
        flow.read(["002"])
    taxa = archive_tables(archive)["benthos_taxa"].read(["001"])   # shared: read whole
    assert taxa["taxon"].tolist() == ["Baetis"]


def test_a_folder_without_water_bodies_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="water_bodies"):
        archive_tables(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a partitioned"):
        archive_tables(tmp_path / "missing")
