"""The API's documentation pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), served with their
scripts and styles from the package (`api/static/docs/`), so that they work on an intranet without
a CDN. FastAPI publishes OpenAPI 3.1, which Swagger UI renders from version 5 on; the versions and
licences of the vendored files are listed in DEVELOPERS.md."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static" / "docs"
STATIC_URL = "/static/docs"


def install(app: FastAPI) -> None:
    """`/docs`, `/docs/oauth2-redirect` and `/redoc` on `app` (created with `docs_url=None` and
    `redoc_url=None`), their files under `/static/docs`."""
    app.mount(STATIC_URL, StaticFiles(directory=str(STATIC)), name="docs-static")
    title = app.title
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            oauth2_redirect_url=redirect_url,
            swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC_URL}/favicon-32x32.png",
        )

    @app.get(redirect_url, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{STATIC_URL}/favicon-32x32.png",
            with_google_fonts=False,
        )
