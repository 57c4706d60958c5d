"""The API fuzzed from its own schema (schemathesis, in process through Django's WSGI handler),
authenticated as the bureau by token and as an evaluator for the score write: no answer is a 500,
and every answer has a documented status, content type and body."""

import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks

from tests.evaluation.conftest import scheme  # noqa: F401  (an open scheme to score)

#: Examples per operation: the whole run stays well under a minute on the CI machine.
MAX_EXAMPLES = 20
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _fuzz(operation, headers):
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.django_db
def test_the_api_answers_as_its_schema_says(plan, scheme, api_as, token_for):  # noqa: F811
    raw = api_as("bureau").get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    bureau = {"Authorization": f"Token {token_for('bureau')}", "Accept-Language": "en"}
    evaluator = {"Authorization": f"Token {token_for('supervisor')}", "Accept-Language": "en"}
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    # Called straight through the WSGI handler, a request would close the test's database
    # connection at its end (in a test transaction, PostgreSQL's connection is "obsolete"); the
    # test client keeps it open the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        for operation in operations:
            scoring = operation.method.upper() == "POST" and "scores" in operation.path
            _fuzz(operation, evaluator if scoring else bureau)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {len(operations)} operations × {MAX_EXAMPLES} examples in {elapsed:.1f} s")
    assert elapsed < 90
