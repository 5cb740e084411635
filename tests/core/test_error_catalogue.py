"""The error codes are a catalogue: declared once per domain (`<domain>/errors.py`), raised as enum members, and
documented per route in the OpenAPI schema; operation ids are readable and stable."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import UniqueConstraint

from bosonline import errors
from bosonline.app import create_app  # noqa: F401 — imports every domain, so every catalogue is registered
from bosonline.catalog.errors import CatalogError
from bosonline.errors import (
    AccessError,
    CommonError,
    ErrorCode,
    catalogues,
    error_body,
    error_responses,
    scalev_error_body,
)
from bosonline.models import Base

SRC = Path(errors.__file__).parent
TESTS = Path(__file__).parents[1]
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# AppError classes by the status they answer.
STATUS_OF_CLASS = {
    name: cls.status_code
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, errors.AppError) and cls is not errors.AppError
} | {"AppError": 400}
# A code some route answers with another status than its own (documented there with `.at(status)`).
OTHER_STATUS = {("credentials_unreadable", 503)}
TOKEN_CODES = {
    CommonError.unauthorized,
    AccessError.invalid_token,
    AccessError.token_expired,
    AccessError.session_revoked,
}
STORE_CODES = {AccessError.not_a_member, AccessError.member_inactive, AccessError.permission_denied}
# What public routes answer with 401/403 themselves (not the bearer token's or the store's checks).
PUBLIC_OWN_401_403 = {
    "invalid_credentials",
    "invalid_refresh_token",
    "refresh_token_reused",
    "invalid_signature",
    "invalid_secret",
    "verification_failed",
    "store_not_accepting_orders",  # the buyer side of a store the platform suspended
}
PINNED_OPERATION_IDS = {
    ("get", "/store/order"): "order_list",
    ("get", "/store/order/{order_id}"): "order_detail",
    ("post", "/store/order/{order_id}/confirm-payment"): "order_confirm_payment",
    ("patch", "/store/order/{order_id}/status"): "order_change_status",
    ("patch", "/store/order/status"): "order_change_statuses",
    ("post", "/store/product"): "product_create",
    ("get", "/store/product"): "product_list",
    ("put", "/store/product/{product_id}"): "product_update",
    ("post", "/auth/login"): "auth_login",
    ("post", "/auth/refresh"): "auth_refresh",
    ("get", "/store"): "store_get",
    ("post", "/store/form"): "form_create",
    ("post", "/store/form/duplicate"): "form_duplicate_batch",
    ("post", "/public/checkout"): "checkout_create_order",
    ("get", "/public/form/{slug}"): "checkout_load_form",
    ("post", "/store/order/followup"): "followup_follow_up",
    ("get", "/v3/products/{product_id}/follow-up-chats"): "followup_chat_v3_list",
    ("get", "/health"): "health",
    ("get", "/health/ready"): "health_ready",
}


def _all_codes() -> dict[str, ErrorCode]:
    return {code.value: code for catalogue in catalogues() for code in catalogue}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _code_references(tree: ast.AST) -> Iterator[ast.Attribute]:
    names = {catalogue.__name__ for catalogue in catalogues()}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and not node.attr.startswith("_")
            and node.attr not in {"at", "value", "name", "status", "description"}
        ):
            yield node


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def _error_codes(operation: dict[str, Any]) -> dict[str, list[str]]:
    return {
        status: response.get("x-error-codes", [])
        for status, response in operation["responses"].items()
        if status[0] in "45"
    }


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    return (await client.get("/openapi.json")).json()  # type: ignore[no-any-return]


# -- the catalogue --------------------------------------------------------------------------------------------


def test_every_domain_declares_its_catalogue_in_its_errors_module() -> None:
    found = {catalogue.__name__: catalogue.__module__ for catalogue in catalogues()}
    assert found["CommonError"] == "bosonline.errors"
    assert found["CatalogError"] == "bosonline.catalog.errors"
    assert len(found) >= 18
    for name, module in found.items():
        assert module == "bosonline.errors" or module.endswith(".errors"), (name, module)


def test_codes_are_declared_once_with_a_status_and_a_meaning() -> None:
    seen: dict[str, str] = {}
    for catalogue in catalogues():
        for code in catalogue:
            assert code.name == code.value, code
            assert re.fullmatch(r"[a-z][a-z0-9_]*", code.value), code
            assert 400 <= code.status <= 599, code
            assert code.description.strip(), code
            assert code.value not in seen, (code, seen.get(code.value))
            seen[code.value] = catalogue.__name__
    assert len(seen) >= 100


def test_domain_catalogues_are_leaves() -> None:
    """A domain's errors.py imports nothing but the core errors module and the standard library."""
    for path, tree in _sources():
        if path.name != "errors.py" or path.parent == SRC:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bosonline"):
                assert node.module == "bosonline.errors", (path, node.module)
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("bosonline") for alias in node.names), path


def test_wire_shapes_carry_plain_strings() -> None:
    body = error_body(CatalogError.category_exists, "A category with this name already exists")
    assert json.dumps(body) == (
        '{"error": {"code": "category_exists", "message": "A category with this name already exists"}}'
    )
    assert type(body["error"]["code"]) is str
    scalev = scalev_error_body(CommonError.not_found, "Record not found")
    assert scalev == {"error": "Record not found", "error_code": "not_found"}
    assert type(scalev["error_code"]) is str
    assert errors.Conflict(code=CatalogError.category_limit).code == "category_limit"


def test_error_responses_groups_codes_by_status() -> None:
    responses = error_responses(CatalogError.category_exists, CatalogError.default_category, CatalogError.sku_taken)
    assert sorted(responses) == [403, 409]
    assert responses[409]["x-error-codes"] == ["category_exists", "sku_taken"]
    assert "`sku_taken`: This SKU is already used in the store" in responses[409]["description"]
    assert responses[403]["model"] is errors.ErrorEnvelope
    assert error_responses(CommonError.not_found.at(410))[410]["x-error-codes"] == ["not_found"]


# -- the sources ----------------------------------------------------------------------------------------------


def test_no_error_code_is_written_as_a_string_literal() -> None:
    for path, tree in _sources():
        if path.parent.name == "models":
            continue  # below every domain: unique constraints name their code as a string (checked below)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant | ast.JoinedStr):
                        pytest.fail(f"{path}:{node.lineno}: code= takes a catalogue member, not a string")
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    target = statement.targets[0] if isinstance(statement, ast.Assign) else None
                    if isinstance(statement, ast.AnnAssign):
                        target = statement.target
                    if isinstance(target, ast.Name) and target.id == "code":
                        value = statement.value
                        assert not isinstance(value, ast.Constant), f"{path}:{statement.lineno}: class code literal"


def test_every_unique_constraint_answers_a_declared_conflict_code() -> None:
    """The models sit below the domains, so `models.base.unique(code=…)` takes the wire string; each must be a 409
    code of some catalogue, or a broken constraint would answer a code no client knows."""
    declared = _all_codes()
    checked = 0
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            conflict = constraint.info.get("conflict") if isinstance(constraint, UniqueConstraint) else None
            if conflict:
                code = declared.get(conflict["code"])
                assert code is not None and code.status == 409, f"{table.name}.{constraint.name}: {conflict['code']}"
                checked += 1
    assert checked >= 10


def test_every_code_referenced_in_src_is_declared() -> None:
    declared = {(type(code).__name__, code.name) for code in _all_codes().values()}
    referenced = 0
    for path, tree in _sources():
        for node in _code_references(tree):
            assert isinstance(node.value, ast.Name)
            assert (node.value.id, node.attr) in declared, f"{path}:{node.lineno}: {node.value.id}.{node.attr}"
            referenced += 1
    assert referenced >= 150


def test_raise_sites_use_the_status_their_code_declares() -> None:
    codes = _all_codes()
    checked = 0
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            status = STATUS_OF_CLASS.get(node.func.id)
            code = next((keyword.value for keyword in node.keywords if keyword.arg == "code"), None)
            if status is None or not isinstance(code, ast.Attribute):
                continue
            member = codes.get(code.attr)
            if member is None or type(member).__name__ != getattr(code.value, "id", None):
                continue
            checked += 1
            assert member.status == status or (member.value, status) in OTHER_STATUS, (
                f"{path}:{node.lineno}: {node.func.id} ({status}) raises {member.value} declared {member.status}"
            )
    assert checked >= 80


def test_codes_the_tests_expect_are_declared() -> None:
    codes = _all_codes()
    asserted: set[str] = set()
    for path in TESTS.rglob("*.py"):
        text = path.read_text()
        asserted |= set(re.findall(r"assert_error\([^()]*?\(?[^()]*?\)?,\s*\d{3},\s*\"([a-z_]+)\"", text, re.DOTALL))
        asserted |= set(re.findall(r"\[\"code\"\] == \"([a-z_]+)\"", text))
        asserted |= set(re.findall(r"\[\"error_code\"\] == \"([a-z_]+)\"", text))
    asserted.discard("simulated")  # tests/media/test_upload.py raises its own
    assert len(asserted) >= 40
    assert asserted <= set(codes), asserted - set(codes)


# -- the OpenAPI schema ---------------------------------------------------------------------------------------


async def test_error_responses_list_declared_codes_of_their_status(spec: dict[str, Any]) -> None:
    codes = _all_codes()
    documented = 0
    for method, path, operation in _operations(spec):
        for status, listed in _error_codes(operation).items():
            assert listed, (method, path, status)
            description = operation["responses"][status]["description"]
            for code in listed:
                assert code in codes, (method, path, code)
                assert codes[code].status == int(status) or (code, int(status)) in OTHER_STATUS, (method, path, code)
                assert f"`{code}`" in description, (method, path, code)
                documented += 1
    assert documented >= 1000


async def test_every_declared_code_is_documented_on_some_route(spec: dict[str, Any]) -> None:
    documented = {code for _, _, operation in _operations(spec) for listed in _error_codes(operation).values()
                  for code in listed}  # fmt: skip
    # Answered outside the routes (the framework, the middleware, the database) or by the bulk status change's
    # per-order results rather than as the response.
    elsewhere = {
        "bad_request",
        "forbidden",
        "method_not_allowed",
        "unsupported_media_type",
        "internal_error",
        "http_error",
        "conflict",
        "service_unavailable",  # any route whose database is unreachable (errors.py's handler)
        "invalid_metrics_token",  # GET /metrics, not in the OpenAPI document (monitoring.py)
    }
    # Unique constraints that only a concurrent write of the same record can break: whichever route collides
    # answers them (409, retry).
    races = {
        "image_exists",
        "followup_exists",
        "lead_token_taken",
        "customer_exists",
        "order_number_taken",
        "order_slug_taken",
        "delivery_exists",
    }
    missing = {code for code in _all_codes() if code not in documented and code not in elsewhere | races}
    assert not missing, sorted(missing)


async def test_public_routes_list_no_authentication_or_store_errors(spec: dict[str, Any]) -> None:
    public = 0
    for method, path, operation in _operations(spec):
        listed = _error_codes(operation)
        if path.startswith("/admin/"):  # anyone but a platform admin gets the 404 of an unknown path (tests/admin)
            assert not set(listed.get("401", [])) | set(listed.get("403", [])), (method, path)
            continue
        if operation.get("security"):
            assert set(listed.get("401", [])) >= TOKEN_CODES, (method, path)
            continue
        public += 1
        own = set(listed.get("401", [])) | set(listed.get("403", []))
        assert own <= PUBLIC_OWN_401_403, (method, path, own)
        assert not (own & (TOKEN_CODES | STORE_CODES)), (method, path)
    assert public >= 20


async def test_store_routes_list_the_store_checks(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
        if "X-Store-Id" in parameters:
            listed = _error_codes(operation)
            assert {"not_a_member", "member_inactive"} <= set(listed["403"]), (method, path)
            assert "store_required" in listed["400"] and "no_store" in listed["404"], (method, path)


async def test_422_only_where_a_route_takes_input(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
        assert ("422" in operation["responses"]) == takes_input, (method, path)


async def test_catalogues_are_schema_enums(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for catalogue in catalogues():
        schema = schemas[catalogue.__name__]
        assert schema["type"] == "string"
        assert schema["enum"] == [code.value for code in catalogue]
        assert len(schema["x-enum-descriptions"]) == len(schema["enum"])
    assert "category_exists" in schemas["CatalogError"]["enum"]


# -- operation ids --------------------------------------------------------------------------------------------


async def test_operation_ids_are_unique_snake_case_and_pinned(spec: dict[str, Any]) -> None:
    ids = {(method, path): operation["operationId"] for method, path, operation in _operations(spec)}
    assert len(set(ids.values())) == len(ids)
    for key, operation_id in ids.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", operation_id), (key, operation_id)
        assert len(operation_id) <= 40, (key, operation_id)
    for key, operation_id in PINNED_OPERATION_IDS.items():
        assert ids[key] == operation_id, key
