"""A complete v1 request built from the bundled demo (``health-eval schema example-request``).

It holds the demo river — water body ``FHGD`` and every row of it in every table — with table
and column codes as keys and the typed values of the demo (dates as ``YYYY-MM-DD``,
below-detection samples as value, ``below_detection`` and ``detection_limit``). A client can
POST it as is.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ...engine.api import DEFAULT_PROFILES
from ...engine.dataset import load_dataset
from . import SCHEMA_VERSION

__all__ = ["EXAMPLE_WATER_BODY", "example_request"]

#: The water body of the example: the demo river.
EXAMPLE_WATER_BODY = "FHGD"


def _cell(value: Any) -> Any:
    """A typed table cell as a JSON value (missing → None, dates → ISO text)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as records, leaving out columns that are empty in every row."""
    columns = [c for c in frame.columns if frame[c].notna().any()]
    return [{c: cell for c, cell in zip(columns, map(_cell, row)) if cell is not None}
            for row in frame[columns].astype(object).itertuples(index=False, name=None)]


def example_request(water_body: str = EXAMPLE_WATER_BODY) -> dict[str, Any]:
    """A v1 request (plain JSON-ready dict) evaluating one water body of the bundled demo.

    Parameters
    ----------
    water_body : str
        Water-body code of the demo (default the river ``FHGD``).
    """
    demo = Path(str(resources.files("health_eval") / "data" / "demo"))
    dataset = load_dataset(demo).subset(water_body)
    tables = {name: _records(frame) for name, frame in dataset.tables.items() if len(frame)}
    kind = str(dataset.table("water_bodies")["kind"].iloc[0])
    return {"schema_version": SCHEMA_VERSION, "tables": tables,
            "profile": DEFAULT_PROFILES[kind], "options": {}}
