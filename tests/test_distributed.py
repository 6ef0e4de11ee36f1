"""The Dask path equals the single-machine evaluation (issue 8), on an in-process cluster."""

import sys
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # dask internals
pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import generate, write_parquet  # noqa: E402

from health_eval import evaluate  # noqa: E402
from health_eval.distributed.evaluate import evaluate_dask  # noqa: E402
from health_eval.engine.dataset import Dataset  # noqa: E402
from health_eval.engine.result import TABLE_NAMES  # noqa: E402
from health_eval.io.tables import CATALOGUE  # noqa: E402


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    frames = generate(50, seed=3)                       # 5 water bodies, rivers and lakes
    folder = tmp_path_factory.mktemp("archive")
    write_parquet(frames, folder, partition_by_water_body=True)
    return frames, folder


def assert_same_tables(expected, actual):
    for name in TABLE_NAMES:
        pdt.assert_frame_equal(getattr(expected, name), getattr(actual, name), obj=name)


def in_partition_order(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every table of the archive read whole, its partitions in water-body order (as pandas
    reads a table folder), and the folder of each partitioned table."""
    frames, files = {}, {}
    for entry in sorted(folder.iterdir()):
        name = entry.name.removesuffix(".parquet")
        frame = pd.read_parquet(entry)
        if entry.is_dir():
            files[name] = str(entry)
            if "water_body_id" in CATALOGUE[name].column_index:
                frame["water_body_id"] = frame["water_body_id"].astype(str)
            else:
                frame = frame.drop(columns="water_body_id")
        frames[name] = frame
    return frames, files


def evaluate_whole(folder: Path, **options):
    """One single-machine evaluation of the archive's data, tables read whole."""
    frames, files = in_partition_order(folder)
    return evaluate(Dataset.from_frames(frames, files=files), **options)


def test_dask_on_a_local_cluster_equals_one_evaluation(archive):
    frames, folder = archive
    local = evaluate_whole(folder)
    assert local.ok and len(local.water_bodies) == 5
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = evaluate_dask(folder, client=client, water_bodies_per_task=2)
    assert_same_tables(local, result)
    assert result.provenance["executor"] == {"kind": "dask", "tasks": 3,
                                             "water_bodies_per_task": 2}
    assert result.provenance["rows"] == local.provenance["rows"]


def test_dask_without_a_cluster_and_with_options(archive):
    frames, folder = archive
    local = evaluate_whole(folder, station_combination="worst")
    result = evaluate_dask(folder, station_combination="worst")
    assert_same_tables(local, result)


def test_not_a_partitioned_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="water_bodies"):
        evaluate_dask(tmp_path)


def test_cli_runs_on_dask(archive, tmp_path):
    from typer.testing import CliRunner

    from health_eval.cli import app

    _, folder = archive
    result = CliRunner().invoke(app, ["run", str(folder), "--executor", "dask",
                                      "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "result.json").exists()
    bad = CliRunner().invoke(app, ["run", str(folder), "--executor", "spark"])
    assert bad.exit_code == 2


def test_dask_gathers_the_problems_of_every_task(archive, tmp_path):
    from health_eval.issues import InputError

    frames, _ = archive
    frames = {name: frame.copy() for name, frame in frames.items()}
    flow = frames["daily_flow"]
    water_body = flow["station_id"].map(frames["stations"].set_index("station_id")["segment_id"]
                                        ).map(frames["segments"].set_index("segment_id")[
                                            "water_body_id"])
    first_of = flow.groupby(water_body.to_numpy()).head(1).index[:2]   # two water bodies
    flow.loc[first_of, "flow_m3s"] = -1.0
    folder = tmp_path / "archive"
    write_parquet(frames, folder, partition_by_water_body=True)
    with pytest.raises(InputError) as excinfo:
        evaluate_dask(folder, water_bodies_per_task=1)
    refused = [i for i in excinfo.value.issues if i.rule == "value.range"]
    assert sorted(i.value for i in refused) == ["-1", "-1"] and len(refused) == 2


def test_a_row_keeps_its_number_in_the_whole_table_whichever_task_reads_it(archive, tmp_path):
    """Two flows above the plausible bound (a warning per row) in the second and fourth water
    bodies, read by two tasks of three water bodies: each issue names the table folder and the
    row's place in the whole table (partitions in water-body order), as one evaluation of the
    whole table does, not its place in the task's rows."""
    frames, _ = archive
    frames = {name: frame.copy() for name, frame in frames.items()}
    folder = tmp_path / "archive"
    write_parquet(frames, folder, partition_by_water_body=True)
    whole, _ = in_partition_order(folder)
    flow = whole["daily_flow"]
    stations = whole["stations"].set_index("station_id")["segment_id"]
    water_body = flow["station_id"].map(stations).map(
        whole["segments"].set_index("segment_id")["water_body_id"])
    last_of = flow.groupby(water_body.to_numpy()).tail(1).index[[1, 3]].tolist()
    assert last_of == [729, 1454]    # WB000002 and WB000004: 365, 365, 360, 365 days before
    flow.loc[last_of, "flow_m3s"] = 200_000.0
    frames["daily_flow"] = flow
    write_parquet(frames, folder, partition_by_water_body=True)
    result = evaluate_dask(folder, water_bodies_per_task=3)
    flagged = result.issues[result.issues["rule"] == "value.implausible"]
    assert flagged["row"].tolist() == [730, 1455]
    assert flagged["file"].tolist() == [str(folder / "daily_flow")] * 2
    assert flagged["message_en"].str.contains("row 730,|row 1455,").all()
    assert_same_tables(evaluate_whole(folder), result)
