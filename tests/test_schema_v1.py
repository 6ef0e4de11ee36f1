"""The v1 JSON contract: checked-in schemas, the request through the Python API
(``evaluate_request``: the translation the engine does not know), the response shape of
``EvaluationResult.to_dict``."""

import json
import re

import jsonschema
import pandas as pd
import pytest
from typer.testing import CliRunner

from health_eval import evaluate, load_dataset
from health_eval.cli import app, demo_path
from health_eval.issues import ISSUE_COLUMNS, InputError
from health_eval.profiles.profile import ProfileError
from health_eval.service.schema import SCHEMA_KINDS, SCHEMA_VERSION, checked_in_schema, schema_text
from health_eval.service.schema.example import EXAMPLE_WATER_BODY, example_request
from health_eval.service.schema.request import (
    UnknownProfileError,
    evaluate_request,
    request_arguments,
)
from health_eval.service.schema.v1 import (
    CriterionRow,
    EvaluateRequest,
    EvaluateResponse,
    IndicatorRow,
    IssueRow,
    SegmentRow,
    WaterBodyRow,
)

runner = CliRunner()
TABLES = ("water_bodies", "segments", "criteria", "indicators", "issues")


@pytest.fixture(scope="module")
def example() -> dict:
    return example_request()


@pytest.fixture(scope="module")
def example_result(example):
    return evaluate_request(example)


def tiny_request(frames: dict[str, pd.DataFrame], **extra) -> dict:
    """The tiny river of conftest as a v1 request (records, JSON values only)."""
    tables = {name: json.loads(frame.to_json(orient="records", force_ascii=False))
              for name, frame in frames.items()}
    return {"tables": tables, **extra}


def without_timestamp(data: dict) -> str:
    data = json.loads(json.dumps(data))
    data["provenance"].pop("timestamp")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_checked_in_schema_matches_the_models(kind):
    regenerate = (f"the v{SCHEMA_VERSION} {kind} schema changed. If the change is backward "
                  f"compatible (a new optional field), regenerate the file: `health-eval schema "
                  f"{kind} > health_eval/service/schema/v{SCHEMA_VERSION}/{kind}.schema.json`; otherwise "
                  f"bump SCHEMA_VERSION and add a new version beside v{SCHEMA_VERSION}.")
    assert schema_text(kind) == checked_in_schema(kind), regenerate


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_checked_in_schema_is_valid_json_schema(kind):
    schema = json.loads(checked_in_schema(kind))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(f"v{SCHEMA_VERSION}/{kind}.schema.json")


def test_cli_prints_the_checked_in_schemas_and_a_valid_example_request():
    for kind in SCHEMA_KINDS:
        printed = runner.invoke(app, ["schema", kind])
        assert printed.exit_code == 0
        assert printed.output == checked_in_schema(kind)
    printed = runner.invoke(app, ["schema", "example-request"])
    assert printed.exit_code == 0
    request = json.loads(printed.output)
    jsonschema.validate(request, json.loads(checked_in_schema("request")))
    assert runner.invoke(app, ["schema", "bogus"]).exit_code == 2


def test_example_request_holds_the_demo_river_and_only_it(example):
    EvaluateRequest.model_validate(example)
    tables = example["tables"]
    assert [w["water_body_id"] for w in tables["water_bodies"]] == [EXAMPLE_WATER_BODY]
    assert {s["water_body_id"] for s in tables["segments"]} == {EXAMPLE_WATER_BODY}
    river = load_dataset(demo_path()).subset(EXAMPLE_WATER_BODY)
    assert {name: len(records) for name, records in tables.items()} == {
        name: len(frame) for name, frame in river.tables.items() if len(frame)}
    json.dumps(example, allow_nan=False)  # plain JSON


def test_request_gives_the_same_result_as_the_dataset(example, example_result):
    river = load_dataset(demo_path()).subset(EXAMPLE_WATER_BODY)
    direct = evaluate(river, example["profile"]).to_dict()
    by_request = example_result.to_dict()
    for table in TABLES[:-1]:
        assert by_request[table] == direct[table], table
    # the same problems, located by record instead of by file
    what = ("table", "column", "value", "rule", "severity")
    assert ([{k: i[k] for k in what} for i in by_request["issues"]]
            == [{k: i[k] for k in what} for i in direct["issues"]])
    assert set(example_result.water_bodies["water_body_id"]) == {EXAMPLE_WATER_BODY}


def test_response_conforms_to_the_model_and_the_checked_in_schema(example_result):
    data = example_result.to_dict()
    assert data["schema_version"] == SCHEMA_VERSION
    parsed = EvaluateResponse.model_validate(data)
    jsonschema.validate(data, json.loads(checked_in_schema("response")))
    assert set(parsed.provenance.profiles) == {"mwr2020-river"}
    # the records carry exactly the documented columns (criterion scores are the extras)
    criteria = {c["criterion"] for c in data["criteria"]}
    for row in data["water_bodies"]:
        assert set(row) - set(WaterBodyRow.model_fields) == criteria
    for table, model in (("segments", SegmentRow), ("criteria", CriterionRow),
                         ("indicators", IndicatorRow)):
        assert set(data[table][0]) == set(model.model_fields), table
    assert set(IssueRow.model_fields) == set(ISSUE_COLUMNS)


def test_to_json_is_to_dict_and_stable(tiny_frames, tiny_profile):
    first, second = evaluate(tiny_frames, tiny_profile), evaluate(tiny_frames, tiny_profile)
    first.provenance["timestamp"] = second.provenance["timestamp"] = "fixed"
    assert first.to_json() == second.to_json()
    assert json.loads(first.to_json()) == first.to_dict()
    EvaluateResponse.model_validate(first.to_dict())
    jsonschema.validate(first.to_dict(), json.loads(checked_in_schema("response")))


def test_request_equals_frames_and_records_table_hashes(tiny_frames, tiny_profile):
    request = tiny_request(tiny_frames, profile=tiny_profile,
                           options={"station_combination": "worst"})
    by_request = evaluate_request(request)
    by_frames = evaluate(tiny_frames, tiny_profile, station_combination="worst")
    for table in TABLES:
        assert by_request.to_dict()[table] == by_frames.to_dict()[table], table
    provenance = by_request.provenance
    assert provenance["dataset"] == "request"
    assert set(provenance["inputs"]) == {f"tables/{name}" for name in tiny_frames}
    assert provenance["options"] == {"station_combination": "worst"}
    again = evaluate_request(EvaluateRequest.model_validate(request))
    assert without_timestamp(again.to_dict()) == without_timestamp(by_request.to_dict())


def test_request_and_json_text_give_the_same_result(example, example_result):
    from health_eval.service.schema.request import parse_request

    again = evaluate_request(parse_request(json.dumps(example, ensure_ascii=False)))
    assert without_timestamp(again.to_dict()) == without_timestamp(example_result.to_dict())


def test_chinese_table_names_and_headers_are_accepted(tiny_frames, tiny_profile):
    request = tiny_request(tiny_frames, profile=tiny_profile)
    request["tables"]["评价河段"] = [{"河段编码": s["segment_id"], "河湖编码": "R",
                                    "河段名称": s["name"], "河段长度(km)": s["length_km"]}
                                   for s in request["tables"].pop("segments")]
    assert evaluate_request(request).to_dict()["segments"] == evaluate(
        tiny_frames, tiny_profile).to_dict()["segments"]


def test_bad_cells_are_issue_rows_with_their_place(tiny_frames, tiny_profile):
    request = tiny_request(tiny_frames, profile=tiny_profile)
    request["tables"]["segments"][1]["length_km"] = "two"
    request["tables"]["wq_samples"][2]["value"] = [1, 2]         # not a JSON scalar
    request["colour"] = "blue"                                    # not a key of the contract
    with pytest.raises(InputError) as caught:
        evaluate_request(request)
    issues = {(i.table, i.row, i.column, i.rule) for i in caught.value.issues}
    assert ("wq_samples", 3, "value", "request.cell_type") in issues
    assert ("request", None, "colour", "request.extra_forbidden") in issues
    assert all(i.message_zh and i.message_en for i in caught.value.issues)
    del request["colour"]
    request["tables"]["wq_samples"][2]["value"] = 1.0
    with pytest.raises(InputError) as caught:
        evaluate_request(request)
    [bad] = [i for i in caught.value.issues if i.rule == "type.float"]
    assert (bad.table, bad.row, bad.column, bad.value) == ("segments", 2, "length_km", "two")


def test_options_are_checked_by_the_schema(tiny_frames):
    with pytest.raises(InputError) as caught:
        evaluate_request(tiny_request(tiny_frames, options={"station_combination": "median"}))
    [issue] = caught.value.issues
    assert issue.column == "options.station_combination"
    assert issue.rule == "request.literal_error"


def test_an_invalid_policy_value_beside_a_dataset_is_a_profile_error(tiny_frames, tiny_profile):
    with pytest.raises(ProfileError, match="station_combination"):
        evaluate(tiny_frames, tiny_profile, station_combination="median")


def test_profile_given_twice_or_contradicting_options_are_errors(tiny_frames, tiny_profile):
    request = tiny_request(tiny_frames, profile=tiny_profile, options={"rounding": 2})
    with pytest.raises(ProfileError, match="names a profile"):
        evaluate_request(request, "mwr2020-river")
    with pytest.raises(ProfileError, match="rounding"):
        evaluate_request(request, rounding=3)
    assert evaluate_request(request, rounding=2).provenance["options"] == {"rounding": 2}


def test_unknown_profile_id(tiny_frames):
    with pytest.raises(UnknownProfileError, match="mwr2020-river"):
        evaluate_request(tiny_request(tiny_frames, profile="mwr2099-river"))


@pytest.mark.parametrize("profile", ["../profiles/my.yaml", "/etc/passwd", "my-river.yaml",
                                     "C:\\profiles\\x.yaml"])
def test_a_profile_path_is_rejected(tiny_frames, profile):
    with pytest.raises(InputError) as caught:
        evaluate_request(tiny_request(tiny_frames, profile=profile))
    assert {i.rule for i in caught.value.issues} == {"request.profile_id"}


def test_profile_files_named_in_a_request_are_never_opened(tiny_frames, tiny_profile, tmp_path,
                                                          monkeypatch):
    import health_eval.profiles.profile as profile_module

    path = tmp_path / "tiny.yaml"
    path.write_text(json.dumps(tiny_profile), encoding="utf-8")     # a valid profile file
    opened = []
    original = profile_module._raw_profile
    monkeypatch.setattr(profile_module, "_raw_profile",
                        lambda name, base: opened.append(str(name)) or original(name, base))
    for choice in ({"extends": str(path), "id": "x"},
                   {"river": {"extends": str(path), "id": "x"}}):
        with pytest.raises(ProfileError, match="packaged"):
            evaluate_request(tiny_request(tiny_frames, profile=choice))
    with pytest.raises(InputError):
        evaluate_request(tiny_request(tiny_frames, profile={"river": str(path)}))
    assert str(path) not in opened and not any("tiny" in name for name in opened)


def test_inline_profiles_and_kind_mappings(tiny_frames, tiny_profile):
    inline = evaluate_request(tiny_request(tiny_frames, profile=tiny_profile))
    by_kind = evaluate_request(tiny_request(tiny_frames, profile={"river": tiny_profile}))
    assert inline.to_dict()["segments"] == by_kind.to_dict()["segments"]
    extended = evaluate_request(tiny_request(tiny_frames, profile={
        "extends": "mwr2020-river", "id": "own", "policies": {"missing_mandatory": "warn"}}))
    assert set(extended.provenance["profiles"]) == {"own"}
    assert extended.provenance["profiles"]["own"]["extends"][-1] == "<mapping>"


def test_the_engine_takes_no_request_and_the_arguments_are_plain_records(tiny_frames,
                                                                         tiny_profile):
    request = tiny_request(tiny_frames)
    arguments = request_arguments(request)
    assert arguments.tables == request["tables"]       # JSON-ready, as a worker receives them
    assert set(arguments.frames) == set(tiny_frames)
    assert evaluate(dict(tiny_frames), tiny_profile).provenance["dataset"] == "frames"
    with pytest.raises(InputError) as caught:        # evaluate() knows no v1 request
        evaluate(request, tiny_profile)
    assert "tables" in {i.value for i in caught.value.issues if i.rule == "table.unknown"}


def test_request_issue_rows_have_the_issue_columns(tiny_frames):
    with pytest.raises(InputError) as caught:
        evaluate_request({"schema_version": "2", "tables": {}})
    rows = [{c: getattr(i, c) for c in ISSUE_COLUMNS} for i in caught.value.issues]
    assert rows and {r["rule"] for r in rows} >= {"request.literal_error"}


def test_readme_request_example_is_a_readable_request():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```json\n(.*?)```", readme, flags=re.S)
    request = json.loads(block)
    jsonschema.validate(request, json.loads(checked_in_schema("request")))
    arguments = request_arguments(request)
    dataset = arguments.load()
    assert dataset.table("segments")["length_km"].tolist() == [3.2]
    assert dataset.table("wq_samples")["below_detection"].tolist() == [True]
    assert arguments.profile == "mwr2020-river"
    assert arguments.options == {"missing_mandatory": "warn"}
