"""Atomic output files: nothing half-written, and ordinary permissions."""

import os
import stat

import pytest

from health_eval.io.atomic import atomic_path, write_text_atomic


def test_written_file_has_the_permissions_of_a_normal_file(tmp_path):
    previous = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "result.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "result.json").stat().st_mode) == 0o644


def test_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("good", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("evaluation failed")
    assert target.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]
