"""The one place errors become responses: ``{"ok": false, "error": ..., "status": ...}``.

API and feed paths get that JSON; dashboard pages get the same facts as an HTML page.
Messages of unexpected exceptions are never shown (they may quote internals); they are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from laborlens.errors import LaborlensError, StoreError
from laborlens.web.params import ParameterError

logger = logging.getLogger(__name__)

HtmlRenderer = Callable[[Request, int, str], HTMLResponse]


def error_body(status: int, message: str) -> dict[str, object]:
    return {"ok": False, "error": message, "status": status}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"parameter {where!r}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(("/api/", "/feeds/")) or path in {"/api", "/feeds"})


def install_error_handlers(app: FastAPI, render_html: HtmlRenderer | None = None) -> None:
    """Register one handler per exception family, all rendering through ``respond``."""

    def respond(request: Request, status: int, message: str) -> Response:
        if render_html is not None and _wants_html(request):
            return render_html(request, status, message)
        return JSONResponse(error_body(status, message), status_code=status)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        response = respond(request, exc.status_code, message)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return respond(request, 400, _validation_message(exc))

    async def on_bad_parameter(request: Request, exc: Exception) -> Response:
        return respond(request, 400, str(exc))

    async def on_laborlens(request: Request, exc: Exception) -> Response:
        logger.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        status = 503 if isinstance(exc, StoreError) else 500
        return respond(request, status, f"{type(exc).__name__}: {exc}")

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return respond(request, 500, "internal server error (logged on the server)")

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ParameterError, on_bad_parameter)
    app.add_exception_handler(LaborlensError, on_laborlens)
    app.add_exception_handler(Exception, on_unexpected)
