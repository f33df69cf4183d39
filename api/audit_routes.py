"""The audit endpoints' names the web pages use (`api.web.routes`: who may audit, and the chain
check of an organisation's streams); they live in `api.routes.audit`."""

from __future__ import annotations

from api.routes.audit import AUDIT_ROLES, verify_scope

__all__ = ["AUDIT_ROLES", "verify_scope"]
