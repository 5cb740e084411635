"""FastAPI dependencies shared by every domain: runtime, session, caller, store context, permissions."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import AccessError, CommonError, Forbidden, Unauthorized, raises
from bosonline.kit.security import AccessClaims, InvalidToken
from bosonline.permissions import Permission
from bosonline.principals import Client, Principal, PrincipalRepository, principal_in_store_pooled, store_context
from bosonline.routing import reads_outside_session, request_session
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_db(request: Request) -> AsyncSession:
    return request_session(request)


async def get_client(request: Request) -> Client:
    return Client(
        ip=request.client.host if request.client else "unknown",
        user_agent=request.headers.get("user-agent"),
    )


# The dependencies every request solves (the caller, the store context, the services) read the runtime and the session
# from the request themselves instead of depending on these: FastAPI solves each dependency of a route on every request,
# a cached one too (issue 15). Endpoints use them as they like.
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
DbDep = Annotated[AsyncSession, Depends(get_db)]
ClientDep = Annotated[Client, Depends(get_client)]

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # what a suspended store still answers
_LOGIN_CODES = (CommonError.unauthorized, AccessError.invalid_token, AccessError.token_expired)


class AccessToken(HTTPBearer):
    """The bearer scheme of the OpenAPI document (`HTTPBearer`), whose value is the access token's claims, checked
    without the database: one dependency where FastAPI solved two (the scheme, then a function reading it), for
    every authenticated request (issue 15)."""

    async def __call__(self, request: HTTPConnection) -> AccessClaims:  # type: ignore[override]
        credentials = await super().__call__(request)  # None without a bearer token (auto_error is off)
        if credentials is None:
            raise Unauthorized("Authentication required: send Authorization: Bearer <access token>")
        if len(credentials.credentials) > 2048:
            raise Unauthorized("Access token is invalid", code=AccessError.invalid_token)
        runtime: Runtime = request.app.state.runtime
        try:
            return runtime.access_tokens.verify(credentials.credentials, runtime.clock.now())
        except InvalidToken as exc:
            if str(exc) == "expired":
                raise Unauthorized("Access token is expired", code=AccessError.token_expired) from exc
            raise Unauthorized("Access token is invalid", code=AccessError.invalid_token) from exc


_BEARER_DESCRIPTION = "Access token from /auth/login, /auth/register or /auth/refresh."
access_claims = raises(*_LOGIN_CODES)(
    AccessToken(scheme_name="HTTPBearer", auto_error=False, description=_BEARER_DESCRIPTION)
)
"""The claims of the request's access token (a dependency)."""

ClaimsDep = Annotated[AccessClaims, Depends(access_claims)]


def _session_revoked() -> Unauthorized:
    return Unauthorized("Session has ended; log in again", code=AccessError.session_revoked)


@raises(*_LOGIN_CODES, AccessError.session_revoked)  # the token's codes too, so that the docs list them in this order
async def current_principal(request: Request, claims: ClaimsDep) -> Principal:
    """The caller, checked against the database at every request (a revoked login or a deleted user is refused at
    once): one query, none when the route's store context already read it (`current_store`)."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    user = await PrincipalRepository(request_session(request)).principal(claims.user_id, claims.session_id)
    if user is None:
        raise _session_revoked()
    return Principal(user=user, session_id=claims.session_id)


CurrentUser = Annotated[Principal, Depends(current_principal)]


_STORE_CODES = (
    *_LOGIN_CODES,
    AccessError.session_revoked,
    AccessError.store_required,
    AccessError.not_a_member,
    AccessError.member_inactive,
    AccessError.no_store,
    AccessError.store_suspended,
)
StoreIdHeader = Annotated[
    int | None,
    Header(
        alias="X-Store-Id",
        ge=1,
        le=2**53,
        description="The store to act in; optional when the caller belongs to exactly one store.",
    ),
]


@raises(*_STORE_CODES)
async def current_store(request: Request, claims: ClaimsDep, x_store_id: StoreIdHeader = None) -> StoreContext:
    """The caller and the store the request acts in, in one query (the login's checks as in `current_principal`,
    then the membership's), once per request; the caller is kept for `current_principal` on the same request."""
    return await _store_context(request, claims, x_store_id, settings=False)


async def _store_context(
    request: Request, claims: AccessClaims, x_store_id: int | None, *, settings: bool
) -> StoreContext:
    """`current_store`; with `settings`, its statement also reads the store's settings row (`StoreContext.settings`)."""
    known: StoreContext | None = getattr(request.state, "store_context", None)
    if known is not None:
        return known
    if reads_outside_session(request):  # the same statement, without opening the request's session for it
        runtime: Runtime = request.app.state.runtime
        rows = await principal_in_store_pooled(
            runtime.db.engine, claims.user_id, claims.session_id, x_store_id, settings=settings
        )
    else:
        rows = await PrincipalRepository(request_session(request)).principal_in_store(
            claims.user_id, claims.session_id, x_store_id, settings=settings
        )
    if not rows:
        raise _session_revoked()
    request.state.principal = Principal(user=rows[0][0], session_id=claims.session_id)
    context = store_context(x_store_id, [(member, store) for _, member, store, _ in rows])
    if context.store.status == "suspended" and request.method not in _READ_METHODS:
        raise Forbidden(
            "This store is suspended by the platform: its data can be read, not changed",
            code=AccessError.store_suspended,
        )
    if settings:
        context = dataclasses.replace(context, settings=next(row[3] for row in rows if row[2] is context.store))
    request.state.store_context = context
    return context


CurrentStore = Annotated[StoreContext, Depends(current_store)]


class StoreAccess(AccessToken):
    """The bearer scheme (`AccessToken`) whose value is the request's store context, once the caller's role there
    grants `permission`: one dependency where FastAPI solved two (the scheme, then a function reading the
    context), for every store route (issue 15). The OpenAPI document is the same: the scheme, the X-Store-Id
    header, the codes."""

    def __init__(self, permission: Permission, *, settings: bool) -> None:
        super().__init__(scheme_name="HTTPBearer", auto_error=False, description=_BEARER_DESCRIPTION)
        self.permission = permission
        self.settings = settings
        self.__name__ = f"require_{permission}"

    async def __call__(  # type: ignore[override]
        self, request: Request, x_store_id: StoreIdHeader = None
    ) -> StoreContext:
        claims = await super().__call__(request)
        ctx = await _store_context(request, claims, x_store_id, settings=self.settings)
        if not ctx.can(self.permission):
            raise Forbidden(
                f"Your role ({ctx.role}) in this store does not allow this ({self.permission})",
                code=AccessError.permission_denied,
            )
        return ctx


def require(permission: Permission, *, settings: bool = False) -> Callable[..., Awaitable[StoreContext]]:
    """Dependency: the request's store context, if the caller's role there grants `permission` (`StoreAccess`).
    `settings`: for routes that read the store's settings, loaded by the same statement (one round trip fewer)."""
    # the order the docs list them in
    return raises(AccessError.permission_denied, *_STORE_CODES)(StoreAccess(permission, settings=settings))


# The store contexts endpoints of several domains ask for (a domain with its own service declares its aliases
# through `store_service`).
StoreRead = Annotated[StoreContext, Depends(require(Permission.store_read))]
StoreWrite = Annotated[StoreContext, Depends(require(Permission.store_write))]
CatalogRead = Annotated[StoreContext, Depends(require(Permission.catalog_read))]
CatalogWrite = Annotated[StoreContext, Depends(require(Permission.catalog_write))]


S = TypeVar("S")


def account_service(service: Callable[[AsyncSession, Runtime], S]) -> Any:
    """`Depends(...)` for a service of the caller's account rather than of a store (auth, profile, the stores and
    warehouses one owns): built from the request's session and the runtime. Endpoints declare
    `Service = Annotated[XService, account_service(XService)]`, which type checkers read as `XService`."""

    async def build(request: Request) -> S:
        return service(request_session(request), request.app.state.runtime)

    # Real objects, not the strings this module's postponed annotations would give (as in store_service).
    build.__annotations__ = {"request": Request}
    build.__name__ = getattr(service, "__name__", "service")
    return Depends(build)


def store_service(service: Callable[[AsyncSession, Runtime, StoreContext], S], permission: Permission) -> Any:
    """`Depends(...)` for the domain service built for the request's store, once the caller's role there grants
    `permission`. Endpoints declare `Reader = Annotated[XService, store_service(XService, Permission.x_read)]`, which
    type checkers read as `XService`."""

    async def build(request: Request, ctx: StoreContext) -> S:
        return service(request_session(request), request.app.state.runtime, ctx)

    # Real objects, not the strings this module's postponed annotations would give: FastAPI reads them to wire
    # the dependencies, and `permission` only exists in this closure.
    build.__annotations__ = {
        "request": Request,
        "ctx": Annotated[StoreContext, Depends(require(permission))],
        "return": service,
    }
    build.__name__ = f"{getattr(service, '__name__', 'service')}_{permission}"
    return Depends(build)


D = TypeVar("D")


def query_parameters(filters: type[D]) -> Callable[..., Awaitable[D]]:
    """`Depends(query_parameters(XFilters))`: a list's filters declared once, as a frozen dataclass whose fields
    are the query parameters (`Annotated[..., Query(...)]` with defaults). FastAPI would construct the class
    itself with `Depends()`, but in the thread pool (a class is not a coroutine function); this builds it in the
    event loop from the same declarations."""
    hints = typing.get_type_hints(filters, include_extras=True)
    parameters = [
        inspect.Parameter(
            field.name, inspect.Parameter.KEYWORD_ONLY, default=field.default, annotation=hints[field.name]
        )
        for field in dataclasses.fields(filters)  # type: ignore[arg-type]
    ]

    async def dependency(**values: Any) -> D:
        return filters(**values)

    dependency.__signature__ = inspect.Signature(parameters, return_annotation=filters)  # type: ignore[attr-defined]
    dependency.__name__ = f"{filters.__name__}_from_query"
    return dependency
