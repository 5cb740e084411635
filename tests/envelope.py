"""The envelopes' assertions: the error envelope every error test checks (and that it leaks nothing), and the
success envelopes' data and pages."""

from __future__ import annotations

from typing import Any

import httpx

_LEAKS = ("Traceback", 'File "', "sqlalchemy", "asyncpg", "sqlite3", "pydantic_core", "SELECT ", "INSERT ")


def assert_error(
    response: httpx.Response,
    status: int,
    code: str,
    *,
    fields: list[str] | None = None,
    message: str | None = None,
    case: object = None,
) -> dict[str, Any]:
    """The response is the error envelope with this status and code (and these offending fields, if given).
    `case` names the input being tried, for the failure message of tests that loop over inputs."""
    assert response.status_code == status, (case, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), case
    assert response.headers.get("x-request-id"), "every response carries X-Request-Id"
    body = response.json()
    assert set(body) == {"error"}, (case, body)
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}, (case, error)
    assert error["code"] == code, (case, error)
    assert isinstance(error["message"], str) and error["message"], (case, error)
    if message is not None:
        assert error["message"] == message, (case, error)
    if fields is not None:
        assert set(fields) <= set(error.get("fields") or {}), (case, error)
        for why in error["fields"].values():
            assert isinstance(why, str) and why, (case, error)
    for leak in _LEAKS:
        assert leak not in response.text, (case, f"{leak!r} leaked into {response.text}")
    return error  # type: ignore[no-any-return]


def assert_validation(response: httpx.Response, *fields: str, case: object = None) -> dict[str, Any]:
    """422 validation_error naming at least these fields."""
    return assert_error(response, 422, "validation_error", fields=list(fields), case=case)


def assert_data(response: httpx.Response, status: int = 200) -> Any:
    """A success with this status; its `data`."""
    assert response.status_code == status, response.text
    return response.json()["data"]


def refusals(values_by_field: dict[str, list[Any]], prefix: str = "") -> list[tuple[dict[str, Any], str]]:
    """Validation cases from a table of the values each field refuses: ({field: value}, the field the 422 names,
    after `prefix`)."""
    return [({field: value}, prefix + field) for field, values in values_by_field.items() for value in values]


def fields(data: dict[str, Any], *names: str) -> tuple[Any, ...]:
    """These fields of a response's data, in this order: several checked in one comparison."""
    return tuple(data[name] for name in names)


def assert_page(response: httpx.Response) -> dict[str, Any]:
    """A 200 list page: `data` and `meta`, nothing else; the whole body."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "meta"}
    return body  # type: ignore[no-any-return]
