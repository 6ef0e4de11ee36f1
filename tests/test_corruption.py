"""Property: however the demo package is damaged, reading never crashes.

Every damaged package either reads (and validates) or is refused with located issues — never an
unexpected exception. The damages are those of real exports: a cell overwritten with odd text,
a lost column or header, a cut-off file, stray bytes, another encoding, a repeated row.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from health_eval.cli import demo_path
from health_eval.engine.dataset import Dataset, load_dataset
from health_eval.issues import InputError
from health_eval.validate.checks import Validation, validate_dataset

FILES = sorted(p.name for p in demo_path().glob("*.csv"))
ODD_TEXT = st.one_of(
    st.sampled_from(["", "未检出", "<0.01", "0.02L", "ND", "<DL", "１２．５", "－３", "1,234.5",
                     "2021年2月30日", "20211340", "nan", "inf", "-inf", "1e400", "是", "maybe",
                     "=SUM(A1:A3)", "\"", "，", "河段", "9" * 40, "\u200b", "🙂", "\x00"]),
    st.text(max_size=12))


def _cells(lines: list[str]) -> list[list[str]]:
    return [line.split(",") for line in lines]


@st.composite
def damages(draw):
    """(file name, damage kind, parameters)."""
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["cell", "column", "header", "cut", "bytes", "gb18030",
                                 "repeat", "empty"]))
    return name, kind, draw(st.integers(0, 10_000)), draw(st.integers(0, 10_000)), draw(ODD_TEXT)


def damage(path: Path, kind: str, a: int, b: int, text: str) -> None:
    """Damage one CSV file of the package in place."""
    data = path.read_bytes()
    rows = _cells(data.decode("utf-8-sig", errors="surrogateescape").splitlines())
    if not rows and kind in ("column", "header"):
        return
    if kind == "cell" and len(rows) > 1:
        row = rows[1 + a % (len(rows) - 1)]
        row[b % len(row)] = text.replace(",", "").replace("\n", "").replace("\r", "")
    elif kind == "column":
        drop = a % len(rows[0])
        rows = [r[:drop] + r[drop + 1:] for r in rows]
    elif kind == "header":
        rows[0][a % len(rows[0])] = text.replace(",", "").replace("\n", "").replace("\r", "")
    elif kind == "repeat" and len(rows) > 1:
        rows.insert(1 + a % (len(rows) - 1), rows[1 + b % (len(rows) - 1)])
    if kind in ("cell", "column", "header", "repeat"):
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8-sig",
                        errors="surrogateescape")
    elif kind == "cut":
        path.write_bytes(data[: a % (len(data) + 1)])
    elif kind == "bytes":
        at = a % (len(data) + 1)
        path.write_bytes(data[:at] + bytes([b % 256, (a + b) % 256]) + data[at:])
    elif kind == "gb18030":
        path.write_bytes(data.decode("utf-8-sig", errors="surrogateescape").encode(
            "gb18030", errors="surrogateescape"))
    elif kind == "empty":
        path.write_bytes(b"")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(damages(), min_size=1, max_size=3))
def test_a_damaged_demo_reads_or_is_refused_with_issues(damage_list):
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "demo"
        shutil.copytree(demo_path(), package)
        for name, kind, a, b, text in damage_list:
            damage(package / name, kind, a, b, text)
        try:
            dataset = load_dataset(package)
        except InputError as exc:
            assert any(issue.severity == "error" for issue in exc.issues)
            assert all(issue.message_zh and issue.message_en and issue.rule
                       for issue in exc.issues)
            return
        assert isinstance(dataset, Dataset)
        validation = validate_dataset(dataset)
        assert isinstance(validation, Validation)
        for name, rejected in validation.rejected.items():
            assert len(rejected) == len(dataset.tables[name])
