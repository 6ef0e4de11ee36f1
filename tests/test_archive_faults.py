"""Archive faults: unreachable or refused databases (the run's files still written), a process
killed during ``archive add`` (the archive as it was), schema revisions newer or older than
the code, and concurrent ``archive add`` from several processes (each round stored once)."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import sqlalchemy as sa
from archive_backends import *  # noqa: F403 - fixtures
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from health_eval import archive
from health_eval.archive import models as m
from health_eval.archive.connect import create_engine, head_revision
from health_eval.cli import app, demo_path
from health_eval.engine.result import EvaluationResult

runner = CliRunner()
CLI = [sys.executable, "-c", "from health_eval.cli import main; main()"]


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                  for t in m.metadata.sorted_tables}
    engine.dispose()
    return counts


def _refused_run(tmp_path, url: str, words: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(demo_path()), "--out", str(out), "--archive", url])
    assert result.exit_code == 1
    assert "无法连接或登录河湖健康档案" in result.output and words in result.output
    assert "the result files were written, the round was not archived" in result.output
    assert (out / "result.json").exists() and (out / "result.xlsx").exists()
    assert EvaluationResult.from_json(out / "result.json").water_bodies["rhi"].round(1).tolist(
        ) == [71.4, 81.8]


def test_unreachable_server(tmp_path):
    pytest.importorskip("psycopg")
    _refused_run(tmp_path, "postgresql+psycopg://he:secret@127.0.0.1:1/archive",
                 "Connection refused")


def test_sqlite_file_that_cannot_be_opened(tmp_path):
    _refused_run(tmp_path, f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}",
                 "unable to open database file")


def test_login_refused(tmp_path, pg_server):
    wrong = make_url(pg_server).set(password="wrong").render_as_string(hide_password=False)
    _refused_run(tmp_path, wrong, "password authentication failed")


def test_schema_newer_than_the_code(archive_url):
    archive.open(archive_url).close()
    engine = create_engine(archive_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(archive.ArchiveError) as refused:
        archive.open(archive_url)
    assert "0099_future" in refused.value.message_en and "newer" in refused.value.message_en
    assert "比本程序新" in refused.value.message_zh
    listed = runner.invoke(app, ["archive", "list", "--archive", archive_url])
    assert listed.exit_code == 1 and "0099_future" in listed.output
    upgraded = runner.invoke(app, ["archive", "upgrade", "--archive", archive_url])
    assert upgraded.exit_code == 1 and "0099_future" in upgraded.output


def test_older_schema_needs_archive_upgrade(archive_url, demo_rounds):
    engine = create_engine(archive_url)
    assert archive.upgrade(engine, "0001_rounds") == (None, "0001_rounds")
    engine.dispose()
    with pytest.raises(archive.ArchiveError) as refused:
        archive.open(archive_url)
    assert "health-eval archive upgrade" in refused.value.message_en
    assert "0001_rounds → 0004_details_in_result" in refused.value.message_en
    assert "0002_national_file, 0003_compact_details, 0004_details_in_result" in refused.value.message_en
    upgraded = runner.invoke(app, ["archive", "upgrade", "--archive", archive_url])
    assert upgraded.exit_code == 0
    assert upgraded.output.strip().endswith(f"0001_rounds → {head_revision()}")
    folder, facts = demo_rounds[2022]
    with archive.open(archive_url) as store:
        assert store.add(folder, facts=facts).created


def _big_result(folder, copies: int) -> None:
    """The demo river copied ``copies`` times under new ids (about 57 indicator rows each)."""
    base = EvaluationResult.from_json(folder.parent / "seed" / "result.json")
    tables = {}
    for name in ("water_bodies", "segments", "criteria", "indicators"):
        table = getattr(base, name)
        table = table[table["water_body_id"] == "FHGD"]
        parts = []
        for k in range(copies):
            part = table.assign(water_body_id=f"W{k:05d}")
            if "segment_id" in part:
                part = part.assign(segment_id=f"W{k:05d}-" + part["segment_id"])
            parts.append(part)
        tables[name] = pd.concat(parts, ignore_index=True)
    EvaluationResult(**tables, issues=base.issues, provenance=base.provenance).write(
        folder, ("json",))


def _in_transaction(url: str, db_file) -> bool:
    """Whether a writer is inside its ``add`` transaction right now."""
    if db_file is not None:
        return db_file.with_name(db_file.name + "-journal").exists()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        held = conn.execute(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                    "AND granted")).scalar()
    engine.dispose()
    return held > 0


def test_killed_add_leaves_the_archive_as_it_was(archive_url, demo_rounds, tmp_path):
    folder, facts = demo_rounds[2021]
    with archive.open(archive_url) as store:
        store.add(folder, facts=facts)
    before = _counts(archive_url)
    (tmp_path / "seed").mkdir()
    EvaluationResult.from_json(folder / "result.json").write(tmp_path / "seed")
    big = tmp_path / "big"
    _big_result(big, 600)
    db_file = make_url(archive_url).database if archive_url.startswith("sqlite") else None
    db_file = None if db_file is None else type(tmp_path)(db_file)
    process = subprocess.Popen([*CLI, "archive", "add", str(big), "--year", "2022",
                                "--archive", archive_url],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not _in_transaction(archive_url, db_file):
        assert process.poll() is None, process.stdout.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.05)                              # inside: rows are being written
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL      # killed, not finished
    process.stdout.close()
    assert _counts(archive_url) == before
    with archive.open(archive_url) as store:      # still usable; the add can be redone
        assert store.add(big, years=2022).created
    assert _counts(archive_url)["evaluations"] == before["evaluations"] + 600


def test_concurrent_adds_store_each_round_once(archive_url, demo_rounds):
    archive.open(archive_url).close()             # the schema exists before they race
    folders = [demo_rounds[2021][0], demo_rounds[2022][0]] * 2
    env = {**os.environ, "HEALTH_EVAL_ARCHIVE": archive_url}
    processes = [subprocess.Popen([*CLI, "archive", "add", str(f), "--year",
                                   "2021" if f == demo_rounds[2021][0] else "2022"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for f in folders]
    outputs = [p.communicate(timeout=180)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    assert sum("stored as round" in o for o in outputs) == 2
    assert sum("nothing stored" in o for o in outputs) == 2
    counts = _counts(archive_url)
    assert counts["rounds"] == 2 and counts["evaluations"] == 4 and counts["water_bodies"] == 2
    assert counts["indicators"] == 2 * 97
