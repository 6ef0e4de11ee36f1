"""Migration 0003 on an archive written at 0002 (SQLite and PostgreSQL): the indicators'
details, one JSON text per row before, become one compressed array per evaluation, the kept
files stored before stay readable, and the downgrade gives the rows their details back
(down to 0001 without losing a row: SQLite's table copy would cascade)."""

import hashlib

import pytest
import sqlalchemy as sa
from alembic import command
from archive_backends import *  # noqa: F403 - fixtures

from health_eval import archive
from health_eval.archive.blobs import unpack_details
from health_eval.archive.connect import _alembic_config, create_engine, stored_revision, upgrade
from health_eval.engine.result import EvaluationResult

# The tables as revision 0002 had them (only the columns this test fills).
_rounds = sa.table("rounds", sa.column("id"), sa.column("digest"), sa.column("stored_at"))
_water_bodies = sa.table("water_bodies", sa.column("id"), sa.column("code"))
_evaluations = sa.table("evaluations", *[sa.column(c) for c in (
    "id", "round", "water_body", "code", "evaluation_year", "revision", "current")])
_indicators = sa.table("indicators", sa.column("evaluation"), sa.column("segment_id"),
                       sa.column("indicator_id"), sa.column("details", sa.JSON))
ISSUE_KEYS = {"water_body_id", "segment_id", "indicator_id", "count"}
_files = sa.table("files", sa.column("round"), sa.column("name"), sa.column("sha256"),
                  sa.column("size"), sa.column("content", sa.LargeBinary))


@pytest.fixture
def archive_at_0002(archive_url, demo_rounds):
    """The demo's 2021 round as the 0002 code stored it: details per row, result.json raw."""
    folder = demo_rounds[2021][0]
    data = (folder / "result.json").read_bytes()
    indicators = EvaluationResult.from_json(data.decode()).indicators_with_details()
    engine = create_engine(archive_url)
    assert upgrade(engine, "0002_national_file") == (None, "0002_national_file")
    with engine.begin() as conn:
        conn.execute(_rounds.insert(), {"id": 1, "digest": archive.result_digest(data),
                                        "stored_at": "2026-01-01T00:00:00+00:00"})
        conn.execute(_water_bodies.insert(), [{"id": 1, "code": "FHGD"}, {"id": 2, "code": "XH"}])
        conn.execute(_evaluations.insert(), [
            {"id": k, "round": 1, "water_body": k, "code": code, "evaluation_year": 2021,
             "revision": 1, "current": True} for k, code in ((1, "FHGD"), (2, "XH"))])
        conn.execute(_indicators.insert(), [
            {"evaluation": 1 if r.water_body_id == "FHGD" else 2, "segment_id": r.segment_id,
             "indicator_id": r.indicator_id, "details": r.details}
            for r in indicators.itertuples()])
        conn.execute(_files.insert(), {"round": 1, "name": "result.json", "size": len(data),
                                       "sha256": hashlib.sha256(data).hexdigest(),
                                       "content": data})
    yield engine, indicators, data
    engine.dispose()


def test_upgrade_from_0002_and_back(archive_at_0002, archive_url, tmp_path):
    engine, indicators, data = archive_at_0002
    with pytest.raises(archive.ArchiveError, match="archive upgrade"):
        archive.open(archive_url)
    assert upgrade(engine) == ("0002_national_file", "0004_details_in_result")
    with archive.open(archive_url) as store:
        tables = store.evaluation_tables([1, 2])
        (exported,) = store.export(1, tmp_path / "back")
    assert exported.read_bytes() == data
    back = tables["indicators"]
    assert back["water_body_id"].tolist() == indicators["water_body_id"].tolist()
    assert back["details"].tolist() == indicators["details"].tolist()
    with engine.connect() as conn:
        files = conn.execute(sa.text("SELECT content, compression FROM files")).all()
    assert [(bytes(c), z) for c, z in files] == [(data, None)]   # stored before: as it was

    with engine.begin() as conn:                      # the downgrade: details per row again
        command.downgrade(_alembic_config(conn), "0002_national_file")
        assert stored_revision(conn) == "0002_national_file"
        rows = conn.execute(sa.select(_indicators.c.details).order_by(sa.text("id"))).scalars()
        assert list(rows) == indicators["details"].tolist()
    with engine.begin() as conn:                      # and to 0001: no row lost on the way
        command.downgrade(_alembic_config(conn), "0001_rounds")
        count = conn.execute(sa.text("SELECT count(*) FROM indicators")).scalar()
    assert count == len(indicators) == 97


def test_0004_details_read_from_result_json_and_back(archive_at_0002, archive_url):
    """0003 → 0004: the details blobs are dropped (read from result.json instead), the issues
    gain their keys; back to 0003: every evaluation's blob again, equal to 0003's."""
    engine, indicators, _ = archive_at_0002
    assert upgrade(engine, "0003_compact_details")[1] == "0003_compact_details"
    blobs = "SELECT id, details FROM evaluations ORDER BY id"
    with engine.connect() as conn:
        before = [(k, unpack_details(v)) for k, v in conn.execute(sa.text(blobs)).all()]
    assert upgrade(engine) == ("0003_compact_details", "0004_details_in_result")
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert "details" not in {c["name"] for c in inspector.get_columns("evaluations")}
        assert {c["name"] for c in inspector.get_columns("issues")} >= ISSUE_KEYS
    with archive.open(archive_url) as store:
        back = store.evaluation_tables([1, 2])["indicators"]
    assert back["details"].tolist() == indicators["details"].tolist()

    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0003_compact_details")
        after = [(k, unpack_details(v)) for k, v in conn.execute(sa.text(blobs)).all()]
        assert not ISSUE_KEYS & {c["name"] for c in sa.inspect(conn).get_columns("issues")}
    fhgd = indicators["water_body_id"] == "FHGD"
    assert after == before == [(1, indicators.loc[fhgd, "details"].tolist()),
                               (2, indicators.loc[~fhgd, "details"].tolist())]
