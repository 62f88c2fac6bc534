"""Schema-driven fuzzing of every operation in /openapi.json against a real `vankien serve`: valid and invalid
inputs generated from the schema must never give a 500, and every response must match what the schema promises.

Bounded: at most MAX_EXAMPLES generated cases per operation (plus schemathesis's explicit and coverage cases).
"""

from __future__ import annotations

import subprocess

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import start_server

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_server(built_data_dir):
    """Its own server with the rate limit out of the way: hundreds of cases a minute from one address are expected."""
    process, base = start_server(built_data_dir, env={"VANKIEN_RATE_LIMIT_PER_MINUTE": "1000000"})
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _app_schema() -> dict:
    """The OpenAPI document the app serves, built in process so the operations are known at collection time
    (schemathesis's fixture-based lazy loader does not run under pytest 9)."""
    from assistant.api.app import create_app
    from assistant.services import Services
    from ingest.settings import Settings

    return create_app(Services(Settings()), warm_up=False).openapi()


APP_SCHEMA = _app_schema()
schema = schemathesis.openapi.from_dict(APP_SCHEMA)


def test_fuzzed_schema_is_the_one_the_server_serves(fuzz_server):
    served = httpx.get(f"{fuzz_server}/openapi.json").json()
    assert served == APP_SCHEMA
    assert {"/search", "/ask", "/ask/stream", "/documents/{doc_id}", "/chunks/{chunk_id}", "/tasks"} <= set(served["paths"])


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_responses_match_the_schema(case, fuzz_server):
    case.call_and_validate(base_url=fuzz_server, checks=CHECKS, timeout=60)
