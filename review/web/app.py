"""The FastAPI application: pages, JSON API, static files, error mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from review.context import ReviewContext
from review.errors import AuthFailed, RateLimited, ReviewError
from review.web import admin_pages, api, dashboard_api, pages
from review.web.security import SECURITY_HEADERS, template_globals
from review.websessions import LoginLimiter

HERE = Path(__file__).resolve().parent


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI: no buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                has_cache = any(k == b"cache-control" for k, _v in headers)
                if not has_cache and not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(ctx: ReviewContext) -> FastAPI:
    app = FastAPI(title="dossier review workspace", version="1", docs_url="/api/docs",
                  redoc_url=None, openapi_url="/api/openapi.json")
    app.state.ctx = ctx
    app.state.limiter = LoginLimiter(ctx.settings.login_attempts,
                                     ctx.settings.login_window_seconds)
    app.state.templates = Jinja2Templates(directory=HERE / "templates",
                                          context_processors=[template_globals])
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(dashboard_api.router)
    app.include_router(pages.router)
    app.include_router(admin_pages.router)
    app.add_exception_handler(ReviewError, _on_review_error)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)
    return app


def _on_review_error(request: Request, exc: ReviewError) -> Response:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.code, "message": str(exc)}, exc.status, headers)
    if isinstance(exc, AuthFailed) and request.method == "GET":
        return RedirectResponse(f"/login?next={request.url.path}", 303)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html",
                                      {"error": exc, "back": request.headers.get("referer")},
                                      status_code=exc.status, headers=headers)
