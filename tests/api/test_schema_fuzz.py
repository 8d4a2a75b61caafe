"""A property-based run of every GET operation against the API's own OpenAPI schema
(schemathesis), with valid and invalid requests: no 5xx, and every status, content type,
header and body as documented.

Two checks are left out; both judge whether a request should have been accepted, not the
response. ``positive_data_acceptance`` expects every schema-valid request to succeed, but some
rules cannot be written in OpenAPI (a cursor is an opaque token this server issued for the same
filters; ``since`` must not be after ``until``; a country must be an ISO 3166-1 code), so
schema-valid requests get the documented 400 for them. ``negative_data_rejection`` expects a
4xx for every mutated request, but a query string has no types: a value mutated to null or to
an object goes on the wire as the same text as a valid empty value, which this API accepts.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from laborlens.api import create_app
from laborlens.config import Settings

EXAMPLES = 25
"""Generated requests per operation (the whole run takes about half a minute here)."""

# The schema does not depend on the data, so it is read from an app over an empty database at
# collection time; every case is then sent to the app over the real sample database.
schema = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", create_app("sqlite:///:memory:", Settings())
).include(method="GET")

NOT_ABOUT_THE_RESPONSE: list[Any] = [
    schemathesis.checks.positive_data_acceptance,
    schemathesis.checks.negative_data_rejection,
]


@pytest.fixture(scope="module")
def served_app(db_url: str) -> FastAPI:
    return create_app(db_url, Settings())


def test_every_get_operation_is_fuzzed() -> None:
    paths = {op.ok().path for op in schema.get_all_operations()}
    assert {"/api/v1/events", "/api/v1/export.{fmt}", "/feeds/events.atom"} <= paths
    assert len(paths) >= 11, paths


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_get_operation_conforms(case: schemathesis.Case, served_app: FastAPI) -> None:
    case.call_and_validate(app=served_app, excluded_checks=NOT_ABOUT_THE_RESPONSE)
