"""Where the CLI, the web pages' tests and the e2e fixtures import the application factory from;
the application itself is built in `api.main` (routes in `api.routes`, dependencies in
`api.deps`, problem details in `api.problems`)."""

from __future__ import annotations

from api.main import create_app

__all__ = ["create_app"]
