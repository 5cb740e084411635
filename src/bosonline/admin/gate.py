"""Who may reach `/admin`: platform admins (`users.is_platform_admin`) only. Anyone else (anonymous, a seller, a
CS, an expired or forged token) gets exactly the 404 `not_found` of a path that does not exist, whatever the
method, the query or the body: nothing tells that the route is there.

- `AdminRoute` checks the caller before FastAPI reads the body or validates a parameter (a non-admin's malformed
  JSON or bad `?limit=` is not a 400/422 that a missing route would not give), inside the request's transaction
  (one statement: the live login's user), and keeps the caller for `platform_admin` (no second statement).
- A catch-all `/admin/{rest:path}`, last in the table and out of the OpenAPI document, answers any other method or
  path under `/admin` with the same 404: a wrong method would otherwise be a 405, a trailing slash a redirect,
  telling that a route exists at that path.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.routing import APIRoute
from fastapi.security.utils import get_authorization_scheme_param
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bosonline.deps import AccessToken
from bosonline.kit.security import AccessClaims, InvalidToken
from bosonline.principals import Principal, PrincipalRepository
from bosonline.routing import TransactionalRoute, operation_id, request_session
from bosonline.runtime import Runtime

PREFIX = "/admin"
_MAX_TOKEN = 2048


def no_such_route() -> HTTPException:
    """The exception of a path no route matches: the app's handler answers it as for any unknown path."""
    return HTTPException(status_code=404)


async def _admin_principal(request: Request) -> Principal | None:
    """The caller if a platform admin with a live login, else None. No error of its own: every failure is the same."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    if scheme.lower() != "bearer" or not token or len(token) > _MAX_TOKEN:
        return None
    runtime: Runtime = request.app.state.runtime
    try:
        claims = runtime.access_tokens.verify(token, runtime.clock.now())
    except InvalidToken:
        return None
    user = await PrincipalRepository(request_session(request)).principal(claims.user_id, claims.session_id)
    if user is None or not user.is_platform_admin:
        return None
    return Principal(user=user, session_id=claims.session_id)


class _Gate(APIRoute):
    """Wraps FastAPI's handler (which reads the body, then solves the parameters): the caller first."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def gated(request: Request) -> Response:
            principal = await _admin_principal(request)
            if principal is None:
                raise no_such_route()
            request.state.principal = principal  # deps.current_principal reads it too
            return await handler(request)

        return gated


class AdminRoute(TransactionalRoute, _Gate):
    """A route of `/admin`: the request's transaction (TransactionalRoute) around the gate around FastAPI's handler."""


# Declares the bearer scheme in the OpenAPI document; the gate has already checked the token, so it never answers
# 401 (a non-admin's request never reaches it).
_bearer = AccessToken(scheme_name="HTTPBearer", auto_error=False, description="A platform admin's access token.")


async def platform_admin(request: Request, _: Annotated[AccessClaims, Depends(_bearer)]) -> Principal:
    """The platform admin calling (checked by the gate)."""
    principal: Principal = request.state.principal
    return principal


AdminDep = Annotated[Principal, Depends(platform_admin)]


def admin_router(path: str, tag: str) -> APIRouter:
    return APIRouter(
        prefix=f"{PREFIX}{path}", tags=[tag], route_class=AdminRoute, generate_unique_id_function=operation_id
    )


class _UnknownUnderAdmin:
    """An ASGI app, not an endpoint function: Starlette gives a function's route GET only, an app's every method."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise no_such_route()


# Last in the app's table (app.py): every method, every path under /admin that no admin route took, and /admin
# itself (else a redirect to /admin/ would tell the catch-all is there).
CATCH_ALL = (
    Route(PREFIX, _UnknownUnderAdmin(), include_in_schema=False),
    Route(f"{PREFIX}/{{rest:path}}", _UnknownUnderAdmin(), include_in_schema=False),
)
