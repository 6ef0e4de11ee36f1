"""The health archive's store on SQLite and PostgreSQL: add, no-op re-add, revisions, list,
show, export, id history, previous round; the migrations build the models' tables."""

import datetime
import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from archive_backends import *  # noqa: F403 - fixtures

from health_eval import archive
from health_eval.archive import models as m
from health_eval.archive.times import local_text
from health_eval.engine.result import EvaluationResult


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_add_list_show_export(archive_url, demo_rounds, tmp_path):
    folder, facts = demo_rounds[2021]
    with archive.open(archive_url) as store:
        added = store.add(folder, facts=facts)
        again = store.add(folder, facts=facts)
        table = store.list()
        record = store.round(added.round)
        written = store.export(added.round, tmp_path / "back")
        counts = {t.name: _count(store, t) for t in m.ROUND_TABLES}
        with store.engine.connect() as conn:
            (issue,) = conn.execute(sa.select(m.issues.c.rule, m.issues.c.water_body_id,
                                              m.issues.c.segment_id, m.issues.c.indicator_id,
                                              m.issues.c.count)).all()
    assert added.created and not again.created and again.round == added.round
    assert table["water_body_id"].tolist() == ["FHGD", "XH"]
    assert table["rhi"].round(1).tolist() == [71.4, 81.8]
    assert table["health_class"].tolist() == [3, 2]
    assert table["evaluation_year"].tolist() == [2021, 2021]
    assert set(table["digest"]) == {added.digest}
    # re-adding stored nothing: one round; 5 segments, 4 criteria each, 97 indicator rows
    assert counts["rounds"] == 1 and counts["evaluations"] == 2 and counts["segments"] == 5
    assert counts["criteria"] == 20 and counts["indicators"] == 97
    assert counts["wb_indicators"] == 19 + 20 and counts["issues"] == 1
    # the issue (a gap in FHGD-HY03's daily flow) with its structured keys
    assert issue == ("series.gaps", "FHGD", "FHGD-03", None, 12)
    assert record["profiles"]["mwr2020-river"]["digest"] == json.loads(
        (folder / "result.json").read_text("utf-8"))["provenance"]["profiles"][
            "mwr2020-river"]["digest"]
    assert len(record["inputs"]) == 27
    assert [p.name for p in written] == ["result.json", "result.xlsx"]
    for path in written:
        assert path.read_bytes() == (folder / path.name).read_bytes()


def test_same_result_run_again_is_a_no_op(archive_url, demo_rounds):
    """Two runs on the same input differ only in the timestamp: the same digest."""
    folder, facts = demo_rounds[2021]
    result = EvaluationResult.from_json(folder / "result.json")
    result.provenance["timestamp"] = "2030-01-01T00:00:00+08:00"
    with archive.open(archive_url) as store:
        first = store.add(folder, facts=facts)
        second = store.add(result, facts=facts)
    assert second.digest == first.digest and not second.created


def test_revision_of_the_same_year_is_current(archive_url, demo_rounds):
    folder, facts = demo_rounds[2021]
    revised = EvaluationResult.from_json(folder / "result.json")
    revised.water_bodies.loc[revised.water_bodies["water_body_id"] == "XH", "rhi"] = 80.0
    revised.provenance["timestamp"] = "2099-01-01T00:00:00+00:00"     # run later
    with archive.open(archive_url) as store:
        store.add(folder, facts=facts)
        added = store.add(revised, facts=facts)
        table = store.list("XH")
        history = store.history("XH")
    assert added.created and added.revisions == {"FHGD": 2, "XH": 2}
    assert table["revision"].tolist() == [1, 2]
    assert table["current"].tolist() == [False, True]
    assert history["rhi"].tolist() == [80.0]          # one current evaluation of 2021


def test_an_earlier_run_added_later_is_not_current(archive_url, demo_rounds):
    folder, facts = demo_rounds[2021]
    older = EvaluationResult.from_json(folder / "result.json")
    older.water_bodies["rhi"] = 50.0
    older.provenance["timestamp"] = "2000-01-01T00:00:00+00:00"
    with archive.open(archive_url) as store:
        store.add(folder, facts=facts)
        store.add(older, facts=facts)
        current = store.history("FHGD")
    assert current["rhi"].round(1).tolist() == [71.4]


def test_a_result_without_issues(archive_url, demo_rounds):
    folder, facts = demo_rounds[2021]
    clean = EvaluationResult.from_json(folder / "result.json")
    clean.issues = clean.issues.iloc[0:0]
    with archive.open(archive_url) as store:
        assert store.add(clean, facts=facts).created
        assert _count(store, m.issues) == 0 and _count(store, m.evaluations) == 2


def test_times_shown_in_local_time():
    east_8 = datetime.timezone(datetime.timedelta(hours=8))
    assert local_text("2026-12-07T18:05:09+00:00", east_8) == "2026-12-08 02:05:09"
    assert local_text("2021-12-31T00:00:00+08:00", east_8) == "2021-12-31 00:00:00"
    assert local_text("2021-12-31T00:00:00") == "2021-12-31 00:00:00"     # no offset: as is
    assert local_text(None) == "—" and local_text("unknown") == "unknown"


def test_year_required_and_id_history(archive_url, demo_rounds):
    folder, facts = demo_rounds[2022]
    with archive.open(archive_url) as store:
        with pytest.raises(archive.ArchiveError, match="evaluation year of FHGD, XH"):
            store.add(folder)
        store.add(folder, facts=facts)
        renamed = EvaluationResult.from_json(folder / "result.json")
        for name in ("water_bodies", "segments", "criteria", "indicators"):
            table = getattr(renamed, name)
            table["water_body_id"] = table["water_body_id"].replace("FHGD", "FHGD-NEW")
        facts_2023 = facts.rename(index={"FHGD": "FHGD-NEW"}).assign(evaluation_year=2023)
        store.add(renamed, facts=facts_2023)
        by_old, by_new = store.list("FHGD"), store.list("FHGD-NEW")
        by_national = store.list("DEMO-R-360104-001")
    # the national code 河湖代码 ties the renamed water body to its history
    assert by_old["evaluation_year"].tolist() == by_new["evaluation_year"].tolist() == [2022,
                                                                                          2023]
    assert by_new["water_body_id"].tolist() == ["FHGD", "FHGD-NEW"]
    assert len(by_national) == 2


def test_previous_round_per_water_body(archive_url, demo_rounds):
    folder_1, facts_1 = demo_rounds[2021]
    folder_2, _ = demo_rounds[2022]
    current = EvaluationResult.from_json(folder_2 / "result.json")
    with archive.open(archive_url) as store:
        assert store.previous(current, {"FHGD": 2022, "XH": 2022}) == (None, {})
        added = store.add(folder_1, facts=facts_1)
        previous, rounds = store.previous(current, {"FHGD": 2022, "XH": 2021})
        (evaluation,) = store.history("FHGD")["evaluation"].tolist()
        tables = store.evaluation_tables([evaluation])
    assert rounds["FHGD"]["round"] == added.round and rounds["FHGD"]["evaluation_year"] == 2021
    assert "XH" not in rounds                           # no earlier year for XH (2021)
    assert previous.water_bodies["water_body_id"].tolist() == ["FHGD"]
    assert round(previous.water_bodies["rhi"].iloc[0], 2) == 71.38
    assert len(previous.indicators) == 57 and set(previous.segments["segment_id"]) == {
        "FHGD-01", "FHGD-02", "FHGD-03"}
    assert "details" not in previous.indicators         # a comparison reads none
    # every indicator row's details as stored: read back from the round's result.json
    stored = EvaluationResult.from_json(folder_1 / "result.json").indicators_with_details()
    stored = stored[stored["water_body_id"] == "FHGD"]
    assert previous.indicators["indicator_id"].tolist() == stored["indicator_id"].tolist()
    assert tables["indicators"]["details"].tolist() == stored["details"].tolist()
    assert any(None in d.values() for d in stored["details"] if d)     # nulls kept as null


def test_unknown_round_and_water_body(archive_url):
    with archive.open(archive_url) as store:
        with pytest.raises(archive.ArchiveError, match="no round 7"):
            store.round(7)
        with pytest.raises(archive.ArchiveError, match="no water body NOPE"):
            store.list("NOPE")


def test_migrations_build_the_models(archive_url):
    """Alembic's comparison of the migrated database with the models finds no difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with archive.open(archive_url) as store, store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), m.metadata)
    assert differences == []


def test_digest_ignores_only_the_timestamp(demo_rounds):
    text = (demo_rounds[2021][0] / "result.json").read_bytes()
    other = text.replace(b'"timestamp": "', b'"timestamp": "1999', 1)
    assert archive.result_digest(other) == archive.result_digest(text)
    changed = text.replace(b'"rhi": 71.', b'"rhi": 70.', 1)
    assert changed != text and archive.result_digest(changed) != archive.result_digest(text)


def test_import_health_eval_does_not_import_sqlalchemy():
    import subprocess
    import sys

    code = "import sys, health_eval; print('sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_facts_keep_the_national_fields(demo_rounds):
    facts = demo_rounds[2022][1]
    assert facts.loc["FHGD", "national_code"] == "DEMO-R-360104-001"
    assert facts.loc["FHGD", "basin_area_km2"] == 36.5
    assert pd.isna(demo_rounds[2021][1].loc["FHGD", "national_code"])


def test_texts_stored_as_given(archive_url, demo_rounds):
    """The long tables go to the database in bulk (PostgreSQL COPY of a CSV text, SQLite
    executemany): an empty text stays empty, a missing one NULL, a number in a text column its
    text, and numbers exact."""
    folder, facts = demo_rounds[2021]
    result = EvaluationResult.from_json(folder / "result.json")
    names = result.segments["name"].astype(object)
    names.iloc[:3] = ["", None, 123]
    result.segments["name"] = names
    result.indicators.loc[0, "unit"] = 'a "quoted", text\non two lines'
    with archive.open(archive_url) as store:
        store.add(result, facts=facts)
        tables = store.evaluation_tables([1, 2])
    by_id = tables["segments"].set_index("segment_id")["name"]
    first = result.segments["segment_id"].iloc[:3]
    assert by_id[first.iloc[0]] == "" and pd.isna(by_id[first.iloc[1]])
    assert by_id[first.iloc[2]] == "123"
    assert tables["indicators"]["unit"].iloc[0] == 'a "quoted", text\non two lines'
    stored = tables["indicators"].set_index(["segment_id", "indicator_id"])["score"]
    given = result.indicators.set_index(["segment_id", "indicator_id"])["score"]
    assert np.array_equal(stored.reindex(given.index).to_numpy(float),
                          given.to_numpy(float), equal_nan=True)
