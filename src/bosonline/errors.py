"""One error envelope for every failure: {"error": {"code", "message", "fields"?}}.

Services raise AppError subclasses; the handlers below turn them, FastAPI's validation errors, unknown routes
and anything unexpected into that envelope. No stack trace or SQL ever reaches a client.
"""

from __future__ import annotations

from typing import Any, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bosonline.db import broken_unique_constraint
from bosonline.models.base import unique_constraint_named

log = structlog.get_logger("bosonline.errors")

RECORD_NOT_FOUND = "Record not found"
T = TypeVar("T")


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    message = "Bad request"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        persist: bool = False,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.fields = fields
        self.headers = headers
        # True when what the request wrote before failing must be kept (e.g. the record of a failed login).
        self.persist = persist
        super().__init__(self.message)


class BadRequest(AppError):
    pass


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    message = "Authentication required"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "You are not allowed to do this"


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = RECORD_NOT_FOUND


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"
    message = "Request body is too large"


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"
    message = "Some fields are invalid"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"
    message = "Too many attempts; try again later"

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "Service temporarily unavailable"


def found(row: T | None) -> T:
    """`row`, or 404 `not_found` when there is none (absent, or not the caller's to see)."""
    if row is None:
        raise NotFound()
    return row


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


SCALEV_PREFIX = "/v3/"


def scalev_error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """Scalev's v3 error shape, `{"error": "...", "error_code": "..."}`: field details go into the message."""
    if fields:
        message = f"{message}: " + "; ".join(f"{name}: {why}" for name, why in fields.items())
    return {"error": message, "error_code": code}


def _body_for(request: Request | None, code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    if request is not None and request.url.path.startswith(SCALEV_PREFIX):
        return scalev_error_body(code, message, fields)
    return error_body(code, message, fields)


def error_response(exc: AppError, request: Request | None = None) -> JSONResponse:
    return JSONResponse(
        _body_for(request, exc.code, exc.message, exc.fields), status_code=exc.status_code, headers=exc.headers
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "email") -> "email"; ("query", "limit") -> "limit"; ("body",) -> "body"
    parts = [str(part) for part in loc[1:]] if len(loc) > 1 else [str(part) for part in loc]
    return ".".join(parts)


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in errors:
        name = _field_name(tuple(err.get("loc", ())))
        message = str(err.get("msg", "is invalid"))
        message = message.removeprefix("Value error, ")
        fields.setdefault(name, message)
    return fields


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc, request)


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in errors):
        return error_response(BadRequest("Request body is not valid JSON", code="invalid_json"), request)
    return error_response(ValidationFailed(fields=validation_fields(errors)), request)


_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "You are not allowed to do this"),
    404: ("not_found", "Not found: no such route"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Request body is too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
}


# FastAPI's own 400 when reading the body fails other than by a JSONDecodeError (bad UTF-8, nesting too deep).
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_PARSE_ERROR:
        return error_response(BadRequest("Request body is not valid JSON", code="invalid_json"), request)
    code, message = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
    return JSONResponse(
        _body_for(request, code, message), status_code=exc.status_code, headers=getattr(exc, "headers", None)
    )


def conflict_for(constraint: UniqueConstraint) -> Conflict:
    """The 409 a unique constraint declared with models.base.unique() stands for."""
    info = constraint.info["conflict"]
    fields = {info["field"]: "is taken"} if info["field"] else None
    return Conflict(info["message"], code=info["code"], fields=fields)


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # Services check uniqueness first; this answers the race where two requests write at once.
    assert isinstance(exc, IntegrityError)
    name = broken_unique_constraint(exc)
    constraint = unique_constraint_named(name) if name else None
    if constraint is not None and "conflict" in constraint.info:
        return error_response(conflict_for(constraint), request)
    log.info("integrity_conflict", error=str(exc.orig)[:300])
    return error_response(Conflict("The record conflicts with another one; reload and try again"), request)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # SQLSTATE class 22 is "data exception" (e.g. 22021, a NUL byte in a text): the value was the client's, even
    # where the driver does not raise it as a DataError.
    if str(getattr(getattr(exc, "orig", None), "pgcode", "") or "").startswith("22"):
        return await _data_error(request, exc)
    log.error("database_error", error=str(getattr(exc, "orig", exc))[:300])
    return JSONResponse(
        _body_for(request, "service_unavailable", "The database is busy or unreachable; try again shortly"),
        status_code=503,
        headers={"Retry-After": "2"},
    )


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # Bounds in the schemas should stop this first; a value the database still refuses is the client's.
    log.warning("data_error", error=str(getattr(exc, "orig", exc))[:300])
    return error_response(ValidationFailed("A value is out of range for its field"), request)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette runs this handler outside every middleware: the request id has to be taken from the scope.
    request_id = getattr(request.state, "request_id", None)
    log.exception("unhandled_error", path=request.url.path, request_id=request_id)
    return JSONResponse(
        _body_for(request, "internal_error", "Internal server error"),
        status_code=500,
        headers={"X-Request-Id": request_id} if request_id else None,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(DBAPIError, _database_error)
    # asyncpg raises these unwrapped when it cannot reach the server (refused, unreachable, connect timeout).
    app.add_exception_handler(ConnectionError, _database_error)
    app.add_exception_handler(TimeoutError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
