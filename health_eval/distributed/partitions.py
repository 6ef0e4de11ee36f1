"""A Parquet archive partitioned by water body, read a few water bodies at a time.

The layout (``benchmarks/synthetic.write_parquet(…, partition_by_water_body=True)`` writes it):
one folder per table, hive-partitioned ``<table>/water_body_id=<id>/…``; a table shared by every
water body (``benthos_taxa``) may be a single ``<table>.parquet``. The Dask path
(:mod:`health_eval.distributed.evaluate`) gives each task a chunk of water bodies; the task reads only
the files under those water bodies' folders (partition pruning on the folder names, no other
file opened) and only the columns asked for. Partition folders are read as text, so codes such
as ``001`` stay ``001``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io.tables import CATALOGUE

__all__ = ["PARTITION_COLUMN", "ArchiveTable", "archive_tables", "catalogue_columns"]

PARTITION_COLUMN = "water_body_id"


@dataclass(frozen=True)
class ArchiveTable:
    """One table of the archive: its folder (or single file) and table code."""

    name: str
    path: str

    def _dataset(self):
        import pyarrow as pa
        import pyarrow.dataset as pads

        partitioning = None
        if Path(self.path).is_dir():            # a single file has no partition folders
            partitioning = pads.partitioning(pa.schema([(PARTITION_COLUMN, pa.string())]),
                                             flavor="hive")
        return pads.dataset(self.path, format="parquet", partitioning=partitioning)

    def columns(self) -> list[str]:
        """The table's columns the catalogue knows, in file order, plus the partition column
        when the table has one (folder or column)."""
        return catalogue_columns(self.name, self._dataset().schema.names)

    @property
    def partitioned(self) -> bool:
        """Whether the rows are split by water body (the table has the partition column)."""
        return PARTITION_COLUMN in self._dataset().schema.names

    def rows_per_water_body(self) -> pd.Series:
        """Number of rows of each water body, indexed by water-body code (text, sorted): from
        the row counts in the files' footers when the water bodies are partition folders (no
        data read), else from the partition column."""
        import pyarrow.dataset as pads

        dataset = self._dataset()
        rows: dict[str, int] = {}
        for fragment in dataset.get_fragments():
            code = pads.get_partition_keys(fragment.partition_expression).get(PARTITION_COLUMN)
            if code is None:                    # a file not in a partition folder
                codes = dataset.to_table(columns=[PARTITION_COLUMN]).column(0).to_pandas()
                return codes.astype(str).value_counts().sort_index()
            rows[code] = rows.get(code, 0) + fragment.metadata.num_rows
        return pd.Series(rows, dtype="int64").sort_index()

    def read(self, water_bodies: Sequence[str] | None = None) -> pd.DataFrame:
        """The rows of ``water_bodies`` (all rows when None or when the table is shared), in
        file order, with :meth:`columns` only."""
        import pyarrow.dataset as pads

        dataset = self._dataset()
        wanted = None
        if water_bodies is not None and PARTITION_COLUMN in dataset.schema.names:
            wanted = pads.field(PARTITION_COLUMN).isin(list(water_bodies))
        return dataset.to_table(columns=catalogue_columns(self.name, dataset.schema.names),
                                filter=wanted).to_pandas()


def catalogue_columns(name: str, columns: Sequence[str]) -> list[str]:
    """Those of ``columns`` (of table ``name``, in their order) that the table catalogue
    knows, plus the partition column: what a task reads."""
    known = set(CATALOGUE[name].column_index) | {PARTITION_COLUMN}
    return [c for c in columns if c in known]


def archive_tables(folder: str | Path) -> dict[str, ArchiveTable]:
    """The catalogue tables of the archive in ``folder``, by table code.

    Raises
    ------
    FileNotFoundError
        When ``folder`` is not a folder, or holds no ``water_bodies`` table.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"不是分区 Parquet 数据集目录 / not a partitioned Parquet "
                                f"dataset folder: {folder}")
    tables = {}
    for entry in sorted(folder.iterdir()):
        name = entry.name.removesuffix(".parquet")
        if name in CATALOGUE and (entry.is_dir() or entry.suffix == ".parquet"):
            tables[name] = ArchiveTable(name, str(entry))
    if "water_bodies" not in tables:
        raise FileNotFoundError(f"{folder}: 缺少 water_bodies 表 / no water_bodies table")
    return tables
