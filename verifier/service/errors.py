"""JSON errors with stable codes: every error the service answers is
``{"error": {"code": "...", "message": "..."}}``, whatever raised it.

Clients branch on ``code`` (stable), never on ``message`` (for people). FastAPI's own errors
(validation, unknown route, wrong method) are mapped onto the same shape; anything unexpected
is a 500 ``internal`` that names the request id to quote, and never the exception's text;
an evidence store that fails is a 503 ``store.unavailable`` (retry later).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("verifier.service")

_HTTP_CODES = {
    400: "request.bad",
    401: "auth.required",
    403: "auth.forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request.too_large",
    415: "request.media_type",
    422: "request.invalid",
}


class ApiError(Exception):
    """An answer other than success: HTTP status, stable code, human message."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, f"http.{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "request.invalid", _validation_message(exc))

    from verifier.evidence import BundleNotFound, StoreError

    @app.exception_handler(BundleNotFound)
    async def _no_bundle(request: Request, exc: BundleNotFound) -> JSONResponse:
        return error_response(404, "bundle.not_found", "no such bundle")

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("evidence store error", exc_info=exc)
        return error_response(503, "store.unavailable", "the evidence store refused or failed")

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        rid = request.scope.get("state", {}).get("request_id", "")
        log.error("unhandled error", exc_info=exc)
        return error_response(500, "internal", f"internal error; quote request id {rid}")
