"""Browser fixtures: the app served by a real uvicorn on a loopback port (a temporary SQLite
database, the organisation tree of the workflow tests, seeded through the workflow service), and
Debian's Chromium driven headless by Playwright's Python client (sync API).

Nothing is downloaded at run time: the browser is the system's /usr/bin/chromium. Without it (or
without the playwright package) the tests skip with the reason, except under CI=true, where that
is a failure: CI installs chromium (`.ci/run`).

Each test writes screenshots of the pages it visits to tests/browser/screenshots/ (gitignored, but for
the four at a phone's width that test_phone.py writes and the issue cites)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from api.main import create_app
from api.runtime import Runtime
from tests.e2e.conftest import tree_runtime
from tests.e2e.serving import served
from tests.unit.workflow_support import Driver
from tests.unit.workflow_world import World

CHROMIUM = Path(os.environ.get("UNIONFLOW_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).parent / "screenshots"
IN_CI = os.environ.get("CI") == "true"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install -y --no-install-recommends chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@dataclass
class Site:
    """One test's server: its runtime, its address, and tokens issued as an administrator would."""

    rt: Runtime
    base: str
    tokens: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def token(self, role: str, org: str, person: str | None = None) -> str:
        person = person or f"{role}-{org}"
        key = (person, role, org)
        if key not in self.tokens:
            self.tokens[key] = self.rt.tokens.issue(person, role, org, days=30).token
        return self.tokens[key]

    def url(self, path: str) -> str:
        return self.base + path

    def driver(self, union_id: str = "U1") -> Driver:
        """The workflow tests' driver, on this server's own service (seeding goes through the
        workflow, and the read models follow inline)."""
        world = World(self.rt.engine, self.rt.store, self.rt.service.profiles, self.rt.service)
        return Driver(world, union_id)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def serving(url: str, seed: Callable[[Runtime], None] | None = None) -> Iterator[Site]:
    """The app on the workflow tests' tree (U1 named as a company's union) at `url`, seeded by
    `seed` through its runtime, served on a loopback port."""
    rt = tree_runtime(url, "江岸某科技有限公司工会")
    if seed is not None:
        seed(rt)
    try:
        with served(create_app(rt)) as (base, _):
            yield Site(rt, base)
    finally:
        rt.engine.dispose()


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    with serving(sqlite_url) as served_site:
        yield served_site


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (its own cookies: one person each)."""
    contexts: list[Any] = []

    def make(*, javascript: bool = True, **options: Any) -> Any:
        options = {"viewport": {"width": 1200, "height": 900}} | options
        context = browser.new_context(java_script_enabled=javascript, locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _shot_path(name: str) -> Path:
    return SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot for review (focus taken off whatever a test left focused)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    path = _shot_path(name)
    page.screenshot(path=str(path), full_page=True)
    return path


def shot_of(element: Any, name: str) -> Path:
    """A screenshot of one element (a diagram, a chart)."""
    path = _shot_path(name)
    element.screenshot(path=str(path))
    return path


def sign_in(page: Any, site: Site, token: str, then: str = "/ui/") -> None:
    page.goto(site.url(f"/ui/sign-in?next={quote(then, safe='/')}"))
    page.locator("#token").fill(token)
    page.locator("form[action='/ui/sign-in'] button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(site.url(then.split("?")[0]))))
