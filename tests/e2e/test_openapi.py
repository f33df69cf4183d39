"""The OpenAPI document describes every endpoint: each request body and each success response has a
schema, and each has an example (in the schema, on the media type, or on a referenced model)."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api


def _has_example(doc: dict[str, Any], media: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    schema = media.get("schema", {})
    if "examples" in schema or "example" in schema:
        return True
    return _model_has_example(doc, schema.get("$ref"))


def _model_has_example(doc: dict[str, Any], ref: str | None) -> bool:
    """A model with examples, or a page of them (`items`: a list of a model with examples)."""
    if not ref:
        return False
    model = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    if "examples" in model or "example" in model:
        return True
    items = model.get("properties", {}).get("items", {}).get("items", {})
    return _model_has_example(doc, items.get("$ref"))


def test_every_operation_documents_its_body_and_success_with_examples(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    missing: list[str] = []
    operations = 0
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            operations += 1
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None and not _has_example(doc, body):
                missing.append(f"{method.upper()} {path}: request body without an example")
            successes = {code: r for code, r in op["responses"].items() if code.startswith("2")}
            assert successes, f"{method.upper()} {path}: no success response documented"
            for code, response in successes.items():
                for media_type, media in response.get("content", {}).items():
                    if media_type == "application/json" and not _has_example(doc, media):
                        missing.append(f"{method.upper()} {path} {code}: response without an example")
    assert operations > 30
    assert missing == []
