"""Property-based requests from the app's own OpenAPI document (Schemathesis), in process against
the ASGI app, with a valid administrator's token on the small organisation tree of the e2e tests
(plus U1's founding request, so that procedure ids can exist).

Whatever Schemathesis generates, valid (positive) or not (negative), the app never answers 5xx;
and the answer conforms to the document: a documented status code, the documented media type and
a body matching the documented schema. Deterministic (derandomised) and bounded by a small number
of examples per operation and mode.

Schemathesis's own pytest integration (`schemathesis.pytest.from_fixture`) does not run under the
pytest installed here (it reads `Function._nodeid`, gone in pytest 9), so each operation's
Hypothesis strategy is driven directly (`APIOperation.as_strategy`), as Schemathesis documents for
custom workflows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import Api, make_api, open_founding

# Per operation and generation mode; UNIONFLOW_FUZZ_EXAMPLES=200 for a longer hunt.
EXAMPLES = int(os.environ.get("UNIONFLOW_FUZZ_EXAMPLES", "10"))

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def fuzzed(db_url: str) -> Iterator[Api]:
    # Both databases: PostgreSQL refuses some text SQLite keeps (e.g. U+0000), a 500 only it shows.
    for api in make_api(db_url):
        open_founding(api)
        yield api


def test_generated_requests_get_no_5xx_and_conforming_answers(fuzzed: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.client.app)
    headers = fuzzed.auth("admin", "ACFTU")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        # A schema error in any operation fails the test here rather than being skipped.
        assert isinstance(result, Ok), f"invalid OpenAPI operation: {result.err()}"
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: report the first failure as found
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Nothing about the operation can be made invalid (no parameters, or only free text).
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # one operation's failure must not hide another's
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
