"""`/docs` and `/redoc` work without the internet: every script, style and icon they load is served
by the app itself (an intranet has no CDN), and the Swagger UI served is version 5, the first that
renders the OpenAPI 3.1 document FastAPI publishes."""

from __future__ import annotations

import re

from tests.e2e.conftest import Api


def _loaded(html: str) -> list[str]:
    """The URLs a page loads: scripts, styles and icons."""
    return re.findall(r'(?:src|href)=["\']([^"\']+)["\']', html) + re.findall(r"url: ['\"]([^'\"]+)['\"]", html)


def test_swagger_ui_and_redoc_load_only_from_the_app(api: Api) -> None:
    for path, needed in (
        ("/docs", ("/static/docs/swagger-ui-bundle.js", "/static/docs/swagger-ui.css")),
        ("/redoc", ("/static/docs/redoc.standalone.js",)),
    ):
        page = api.client.get(path)
        assert page.status_code == 200, path
        loaded = _loaded(page.text)
        assert set(needed) <= set(loaded), (path, loaded)
        assert [url for url in loaded if "//" in url] == [], (path, loaded)
        assert "cdn.jsdelivr.net" not in page.text and "fonts.googleapis.com" not in page.text
        for url in loaded:
            served = api.client.get(url)
            assert served.status_code == 200 and served.content, url


def test_the_swagger_ui_served_is_version_5_and_its_licence_ships_with_it(api: Api) -> None:
    bundle = api.client.get("/static/docs/swagger-ui-bundle.js").text
    assert re.search(r'version:"5\.\d+\.\d+"|"5\.\d+\.\d+"', bundle)
    for licence in ("swagger-ui.LICENSE.txt", "redoc.LICENSE.txt"):
        assert api.client.get(f"/static/docs/{licence}").status_code == 200
    assert api.client.get("/docs/oauth2-redirect").status_code == 200
    assert api.client.get("/openapi.json").json()["openapi"].startswith("3.1")
