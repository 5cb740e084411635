"""One error envelope for every failure: {"error": {"code", "message", "fields"?}}.

Services raise AppError subclasses; the handlers below turn them, FastAPI's validation errors, unknown routes
and anything unexpected into that envelope. No stack trace or SQL ever reaches a client.

Error codes are a catalogue: each domain declares its codes in its own `errors.py` as an `ErrorCode` enum (member
value = the wire code, with the HTTP status it answers and what it means), `CommonError` below holds the generic
ones. Routes document the codes they can answer with `responses=error_responses(...)`; `TransactionalRoute` adds
the ones its dependencies declare with `@raises(...)` (authentication, store access, rate limits) and those any
parameter or body can cause (404, 422, 400, 413), and the OpenAPI schema lists every catalogue as a string enum.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self, TypeVar

import structlog
from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bosonline.db import broken_unique_constraint
from bosonline.models.base import unique_constraint_named

if TYPE_CHECKING:
    from fastapi.dependencies.models import Dependant

log = structlog.get_logger("bosonline.errors")

RECORD_NOT_FOUND = "Record not found"
T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str = Field(
        examples=["not_found"],
        description="What went wrong, for clients to switch on: one of the codes the response lists "
        "(`x-error-codes`), all declared in the `…Error` schemas.",
    )
    message: str = Field(examples=["Record not found"])
    fields: dict[str, str] | None = Field(None, description="Offending fields and why (422 only).")


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


class ErrorCode(StrEnum):
    """Base of the error-code catalogues. A member is the wire code (its value, emitted as a plain string), the
    HTTP status it answers with and a one-line meaning for the API documentation:
    `category_exists = "category_exists", 409, "A category with this name already exists"`."""

    status: int
    description: str

    def __new__(cls, code: str, status: int = 400, description: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.status = status
        member.description = description
        return member

    def at(self, status: int) -> tuple[int, ErrorCode]:
        """For `error_responses`: this code where a route answers it with another status than its own."""
        return status, self


class CommonError(ErrorCode):
    """Codes any route may answer: the generic ones of the AppError classes and of the framework's errors."""

    bad_request = "bad_request", 400, "The request is malformed (e.g. an invalid Content-Length header)"
    invalid_json = "invalid_json", 400, "The request body is not valid JSON"
    unauthorized = "unauthorized", 401, "No bearer access token was sent"
    forbidden = "forbidden", 403, "Not allowed"
    not_found = "not_found", 404, "No such record (or one of another store), or no such route"
    method_not_allowed = "method_not_allowed", 405, "The route does not accept this HTTP method"
    conflict = "conflict", 409, "The record conflicts with another one (a concurrent write); reload and try again"
    payload_too_large = "payload_too_large", 413, "The request body is larger than the server accepts"
    unsupported_media_type = "unsupported_media_type", 415, "The request's content type is not accepted"
    validation_error = "validation_error", 422, "Some fields are invalid: `error.fields` names each and why"
    too_many_requests = "too_many_requests", 429, "Too many requests or attempts: wait `Retry-After` seconds"
    internal_error = "internal_error", 500, "An unexpected server error (its request id is in `X-Request-Id`)"
    service_unavailable = "service_unavailable", 503, "The database or a service is unreachable; retry shortly"
    http_error = "http_error", 400, "Another HTTP error of the framework (the status tells which)"


class OpsError(ErrorCode):
    """What the operators' endpoints (GET /health/ready, GET /metrics) answer: infrastructure, below every domain."""

    database_unreachable = (
        "database_unreachable",
        503,
        "Not ready: the database did not answer within the readiness timeout",
    )
    migrations_pending = (
        "migrations_pending",
        503,
        "Not ready: the database is not at this version's latest migration (run `bosonline migrate`)",
    )
    invalid_metrics_token = "invalid_metrics_token", 401, "The bearer token is not BOSONLINE_METRICS_TOKEN"


class AccessError(ErrorCode):
    """Who is calling and in which store: the codes of authentication and store access, raised below every domain
    (deps.py, principals.py) and so declared here rather than in auth/ or store/."""

    invalid_token = "invalid_token", 401, "The access token is malformed, tampered or signed by another key"
    token_expired = "token_expired", 401, "The access token is expired: refresh it"
    session_revoked = (
        "session_revoked",
        401,
        "The session has ended (logged out, revoked or the account deleted); log in again",
    )
    permission_denied = "permission_denied", 403, "The caller's role in this store does not allow this"
    store_required = (
        "store_required",
        400,
        "The caller belongs to several stores: name one with the `X-Store-Id` header",
    )
    not_a_member = "not_a_member", 403, "The caller is not a member of the store named by `X-Store-Id`"
    member_inactive = "member_inactive", 403, "The caller's access to this store has been deactivated"
    no_store = "no_store", 404, "The caller has no store yet: create one with `POST /store`"
    store_suspended = (
        "store_suspended",
        403,
        "The store is suspended by the platform: reads still work, changes and new orders are refused",
    )


def catalogues() -> list[type[ErrorCode]]:
    """Every declared error-code enum (the domains' `errors.py` modules register by being imported)."""
    found: list[type[ErrorCode]] = []
    pending: list[type[ErrorCode]] = [ErrorCode]
    while pending:
        for sub in pending.pop().__subclasses__():
            found.append(sub)
            pending.append(sub)
    return found


class AppError(Exception):
    status_code = 400
    code: str = CommonError.bad_request
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
    code: str = CommonError.unauthorized
    message = "Authentication required"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(AppError):
    status_code = 403
    code: str = CommonError.forbidden
    message = "You are not allowed to do this"


class NotFound(AppError):
    status_code = 404
    code: str = CommonError.not_found
    message = RECORD_NOT_FOUND


class Conflict(AppError):
    status_code = 409
    code: str = CommonError.conflict
    message = "The request conflicts with the current state"


class PayloadTooLarge(AppError):
    status_code = 413
    code: str = CommonError.payload_too_large
    message = "Request body is too large"


class ValidationFailed(AppError):
    status_code = 422
    code: str = CommonError.validation_error
    message = "Some fields are invalid"


class TooManyRequests(AppError):
    status_code = 429
    code: str = CommonError.too_many_requests
    message = "Too many attempts; try again later"

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)


class ServiceUnavailable(AppError):
    status_code = 503
    code: str = CommonError.service_unavailable
    message = "Service temporarily unavailable"


def found(row: T | None) -> T:
    """`row`, or 404 `not_found` when there is none (absent, or not the caller's to see)."""
    if row is None:
        raise NotFound()
    return row


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": str(code), "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


SCALEV_PREFIX = "/v3/"


def scalev_error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """Scalev's v3 error shape, `{"error": "...", "error_code": "..."}`: field details go into the message."""
    if fields:
        message = f"{message}: " + "; ".join(f"{name}: {why}" for name, why in fields.items())
    return {"error": message, "error_code": str(code)}


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


def validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
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
        return error_response(BadRequest("Request body is not valid JSON", code=CommonError.invalid_json), request)
    return error_response(ValidationFailed(fields=validation_fields(errors)), request)


_HTTP_CODES = {
    400: (CommonError.bad_request, "Bad request"),
    401: (CommonError.unauthorized, "Authentication required"),
    403: (CommonError.forbidden, "You are not allowed to do this"),
    404: (CommonError.not_found, "Not found: no such route"),
    405: (CommonError.method_not_allowed, "Method not allowed"),
    413: (CommonError.payload_too_large, "Request body is too large"),
    415: (CommonError.unsupported_media_type, "Unsupported media type"),
}


# FastAPI's own 400 when reading the body fails other than by a JSONDecodeError (bad UTF-8, nesting too deep).
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_PARSE_ERROR:
        return error_response(BadRequest("Request body is not valid JSON", code=CommonError.invalid_json), request)
    code, message = _HTTP_CODES.get(exc.status_code, (CommonError.http_error, str(exc.detail)))
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
        _body_for(request, CommonError.service_unavailable, "The database is busy or unreachable; try again shortly"),
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
        _body_for(request, CommonError.internal_error, "Internal server error"),
        status_code=500,
        headers={"X-Request-Id": request_id} if request_id else None,
    )


def _document_catalogues(app: FastAPI) -> None:
    """The OpenAPI schema lists every catalogue as a string enum, `components.schemas.<CatalogError>`, each code
    with its status and meaning (`x-enum-varnames`, `x-enum-descriptions` for generators)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = build().setdefault("components", {}).setdefault("schemas", {})
            for catalogue in catalogues():
                members = list(catalogue)
                schemas[catalogue.__name__] = {
                    "title": catalogue.__name__,
                    "type": "string",
                    "enum": [code.value for code in members],
                    "description": (catalogue.__doc__ or sys.modules[catalogue.__module__].__doc__ or "").strip()
                    + "\n\n"
                    + "\n".join(f"- `{code.value}` ({code.status}): {code.description}" for code in members),
                    "x-enum-varnames": [code.name for code in members],
                    "x-enum-descriptions": [code.description for code in members],
                }
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    _document_catalogues(app)
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


# -- The catalogue in the OpenAPI schema ------------------------------------------------------------------------

ERROR_CODES_KEY = "x-error-codes"  # on an error response of the schema: the codes it may carry

F = TypeVar("F", bound=Callable[..., Any])


def raises(*codes: ErrorCode) -> Callable[[F], F]:
    """Marks a FastAPI dependency with the error codes it can answer: every route that depends on it (directly or
    through other dependencies) documents them."""

    def mark(dependency: F) -> F:
        dependency.__error_codes__ = (*getattr(dependency, "__error_codes__", ()), *codes)  # type: ignore[attr-defined]
        return dependency

    return mark


def _describe(codes: Iterable[ErrorCode]) -> str:
    return "\n".join(f"- `{code.value}`: {code.description}" for code in codes)


def error_responses(
    *codes: ErrorCode | tuple[int, ErrorCode], model: type[BaseModel] = ErrorEnvelope
) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route: its codes grouped by HTTP status, each status described by the codes it carries
    (and listed under `x-error-codes`). `model` is the error body (Scalev's v3 routes answer their own shape)."""
    by_status: dict[int, list[ErrorCode]] = {}
    for item in codes:
        status, code = item if isinstance(item, tuple) else (item.status, item)
        listed = by_status.setdefault(status, [])
        if code not in listed:
            listed.append(code)
    return {
        status: {"model": model, "description": _describe(listed), ERROR_CODES_KEY: [code.value for code in listed]}
        for status, listed in sorted(by_status.items())
    }


def dependency_error_codes(dependant: Dependant) -> list[ErrorCode]:
    """The codes the route's parameters, body and dependencies (their `@raises`) can answer."""
    codes: list[ErrorCode] = []
    path, other, body = False, False, []
    pending = [dependant]
    while pending:
        current = pending.pop(0)
        codes.extend(getattr(current.call, "__error_codes__", ()))
        path = path or bool(current.path_params)
        other = other or bool(current.query_params or current.header_params or current.cookie_params)
        body.extend(current.body_params)
        pending.extend(current.dependencies)
    if path:
        codes.append(CommonError.not_found)
    if body:
        if not any(isinstance(field.field_info, params.Form) for field in body):
            codes.append(CommonError.invalid_json)
        codes.append(CommonError.payload_too_large)
    if path or other or body:
        codes.append(CommonError.validation_error)
    return codes


def with_dependency_errors(
    responses: dict[int | str, dict[str, Any]], dependant: Dependant
) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=` completed with the codes its dependencies and parameters can answer; a status the
    route documents already gets the other codes added to its list."""
    derived = dependency_error_codes(dependant)
    if not derived:
        return responses
    model = next(
        (
            response["model"]
            for status, response in responses.items()
            if str(status).isdigit() and int(status) >= 400 and "model" in response
        ),
        ErrorEnvelope,
    )
    merged = dict(responses)
    for status, response in error_responses(*derived, model=model).items():
        declared = merged.get(status) or merged.get(str(status))
        if declared is None:
            merged[status] = response
            continue
        if ERROR_CODES_KEY not in declared:
            continue  # documented by hand: left as it is
        codes = list(declared[ERROR_CODES_KEY])
        added = [code for code in response[ERROR_CODES_KEY] if code not in codes]
        if added:
            known = {member.value: member for catalogue in catalogues() for member in catalogue}
            codes += added
            merged[status] = {
                **declared,
                "description": _describe(known[code] for code in codes),
                ERROR_CODES_KEY: codes,
            }
    return merged
