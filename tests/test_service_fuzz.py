"""Generated requests against the service: no answer is a server error (bounded, in process).

Schemathesis derives requests — valid and invalid, JSON and multipart, every method — from the
service's own OpenAPI document and checks each answer against it; a hypothesis test breaks cells
of the example request so that the engine itself, not only the request check, meets odd data.
"""

import copy

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from health_eval.service.http import Settings, create_app
from health_eval.service.schema.example import example_request
from health_eval.service.schema.v1 import ErrorResponse, EvaluateResponse

EXAMPLES_PER_OPERATION = 40
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]

#: One application, one warm worker process, for every generated request.
APP = create_app(Settings(timeout_s=20, workers=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_generated_requests_get_documented_answers_and_no_server_error(case):
    response = case.call()
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=CHECKS)


EXAMPLE = example_request()
CELLS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                  st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                  st.sampled_from(["<0.01", "未检出", "2021年3月5日", "河流", "是", "", "-"]))


@st.composite
def broken_requests(draw):
    """The example request with a few cells replaced by arbitrary JSON scalars."""
    request = copy.deepcopy(EXAMPLE)
    tables = request["tables"]
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(sorted(tables)))
        records = tables[table]
        record = records[draw(st.integers(0, len(records) - 1))]
        column = draw(st.sampled_from(sorted(record)))
        record[column] = draw(CELLS)
    return request


@given(request=broken_requests())
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_broken_cells_are_results_or_issue_rows(request):
    response = TestClient(APP).post("/v1/evaluate", json=request)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        EvaluateResponse.model_validate(response.json())
    else:
        assert ErrorResponse.model_validate(response.json()).issues
