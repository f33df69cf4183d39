"""Query parameters an endpoint does not take are refused (422 naming each one and listing the ones
the endpoint takes), not ignored: `/alerts?on=2024-06-01` would otherwise answer for today, and an
auditor could read those alerts as the ones of June 2024.

The check comes after authentication where an endpoint authenticates, so that a caller without a
valid token learns nothing but 401 (as for any other bad input). The web pages (/ui) are left out:
a browser's form sends its buttons' names too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


F = TypeVar("F", bound=Callable[..., Any])
_SELF_CHECKING: set[Any] = set()


def checks_query(dependency: F) -> F:
    """Marks a dependency that calls `refuse_unknown_query` itself (authentication, once the
    caller is known): routes that use it are not checked before it."""
    _SELF_CHECKING.add(dependency)
    return dependency


# id(route) -> (the route, the query parameters it takes, whether a dependency of it checks them
# itself). The route is kept with its facts so that its id cannot be reused by another route while
# the entry exists (tests build many applications).
_ROUTES: dict[int, tuple[APIRoute, frozenset[str], bool]] = {}


def _route_facts(route: APIRoute) -> tuple[frozenset[str], bool]:
    entry = _ROUTES.get(id(route))
    if entry is None:
        deps = list(_dependants(route.dependant))
        names = frozenset(p.alias for d in deps for p in d.query_params)
        entry = _ROUTES[id(route)] = (route, names, any(d.call in _SELF_CHECKING for d in deps))
    return entry[1], entry[2]


def refuse_unknown_query(request: Request) -> None:
    if not request.scope.get("query_string"):
        return  # no parameter at all, none to refuse
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or request.url.path.startswith("/ui"):
        return
    known, _ = _route_facts(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise RequestValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": f"not a parameter of {request.method} {route.path}; it takes: {takes}",
                    "type": "extra_forbidden",
                    "input": request.query_params.get(name),
                }
                for name in unknown
            ]
        )


async def only_known_query(request: Request) -> None:
    """The application-wide dependency: checks endpoints that do not authenticate; those that do
    are checked by the authentication itself (`api.deps.current_actor`), once the caller is known."""
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and not _route_facts(route)[1]:
        refuse_unknown_query(request)
