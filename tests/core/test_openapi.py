"""OpenAPI at /openapi.json and /docs: every route documented, tagged by seed group, errors described."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.routes import api_routes

TAGS = {
    "auth",
    "WhatsApp",
    "Follow-up chat",
    "Follow-up",
    "Profile",
    "Store",
    "Staff",
    "Product",
    "Warehouse",
    "Region",
    "Form",
    "Order",
    "Checkout",
    "Rekening",
    "Voucher",
    "Shipping",
    "Webhook",
    "Admin",
    "health",
}
PUBLIC = {
    ("get", "/health"),
    ("get", "/health/ready"),
    ("post", "/auth/register"),
    ("post", "/auth/login"),
    ("post", "/auth/refresh"),
    ("post", "/auth/password/forgot"),
    ("post", "/auth/password/reset"),
    ("get", "/media/{key}"),
    ("get", "/public/regions"),
    ("get", "/public/regions/{code}"),
    ("get", "/public/form/{slug}"),
    ("get", "/public/form/{slug}/rates"),
    ("post", "/public/form/{slug}/quote"),
    ("get", "/public/form/{slug}/vouchers"),
    ("post", "/public/form/{slug}/voucher/check"),
    ("post", "/public/checkout"),
    ("post", "/public/checkout/abandoned"),
    ("put", "/public/checkout/abandoned/{token}"),
    ("get", "/public/order/{secret_slug}"),
    ("get", "/public/order/{secret_slug}/qris.png"),
    ("get", "/internal/tls/ask"),
    ("get", "/webhooks/whatsapp/{integration_id}"),
    ("post", "/webhooks/whatsapp/{integration_id}"),
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()  # type: ignore[no-any-return]


async def test_every_route_is_documented(spec: dict[str, Any], app: FastAPI) -> None:
    served = {
        (method.lower(), route.path_format)
        for route in api_routes(app.routes)
        if route.include_in_schema
        for method in route.methods
        if method != "HEAD"
    }
    documented = {(method, path) for method, path, _ in _operations(spec)}
    assert len(served) >= 20
    assert served == documented
    # Only the offline docs pages, the HEAD probe of /health and the HTML pages (buyer's, password reset) stay out of
    # the schema.
    hidden = {
        (method, route.path)
        for route in api_routes(app.routes)
        if not route.include_in_schema
        for method in route.methods
    }
    assert hidden == {
        ("GET", "/docs"),
        ("GET", "/docs/oauth2-redirect"),
        ("GET", "/redoc"),
        ("HEAD", "/health"),
        ("HEAD", "/health/ready"),
        ("GET", "/metrics"),  # Prometheus's text for operators, not the API (monitoring.py)
        ("GET", "/f/{slug}"),
        ("GET", "/reset-password"),
        ("GET", "/assets/web/{name}"),
    }


async def test_every_operation_has_summary_and_one_seed_tag(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        assert operation.get("summary", "").strip(), (method, path)
        assert len(operation.get("tags", [])) == 1 and operation["tags"][0] in TAGS, (method, path, operation)
        assert operation.get("operationId"), (method, path)
    operation_ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(operation_ids) == len(set(operation_ids))


async def test_tags_are_declared_and_used(spec: dict[str, Any]) -> None:
    declared = {tag["name"] for tag in spec["tags"]}
    assert declared == TAGS
    assert all(tag.get("description") for tag in spec["tags"])
    used = {operation["tags"][0] for _, _, operation in _operations(spec)}
    assert used == TAGS


async def test_bearer_security_scheme(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme["type"] == "http" and scheme["scheme"] == "bearer"]
    assert len(bearer) == 1
    for method, path, operation in _operations(spec):
        security = operation.get("security")
        if (method, path) in PUBLIC:
            assert not security, (method, path)
        else:
            assert security == [{bearer[0]: []}], (method, path)


async def test_protected_routes_document_401_and_422_as_error_envelope(spec: dict[str, Any]) -> None:
    for method, path, operation in _operations(spec):
        if (method, path) in PUBLIC:
            continue
        if path.startswith("/admin/"):  # no 401: anyone but a platform admin gets a 404 (tests/admin/test_gate.py)
            assert "401" not in operation["responses"], (method, path)
            continue
        # Scalev's v3 routes answer Scalev's error shape.
        envelope_ref = "#/components/schemas/" + ("ScalevError" if path.startswith("/v3/") else "ErrorEnvelope")
        # 422 where the route takes input (/auth/logout and /profile/me take none: they cannot answer 422).
        takes_input = operation.get("parameters") or operation.get("requestBody")
        for status in ("401", "422") if takes_input else ("401",):
            response = operation["responses"].get(status)
            assert response, (method, path, status)
            assert response["content"]["application/json"]["schema"]["$ref"] == envelope_ref, (method, path, status)
            assert response["description"]


async def test_422_is_never_documented_with_fastapis_default_shape(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for method, path, operation in _operations(spec):
        if operation.get("requestBody") or operation.get("parameters"):
            assert "422" in operation["responses"], (method, path)


async def test_readiness_documents_503(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/health/ready"]["get"]["responses"]
    assert {"200", "503"} <= set(responses)
    assert responses["503"]["x-error-codes"] == ["database_unreachable", "migrations_pending"]


async def test_error_envelope_schema(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["ErrorEnvelope"]["required"] == ["error"]
    assert set(schemas["ErrorDetail"]["required"]) == {"code", "message"}
    assert "fields" in schemas["ErrorDetail"]["properties"]


async def test_info(spec: dict[str, Any]) -> None:
    assert spec["info"]["title"] == "bosonline"
    assert spec["info"]["version"]
    assert "Envelope" in spec["info"]["description"]


async def test_docs_page_is_html(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger" in response.text.lower()
    assert "/openapi.json" in response.text


async def test_profile_documents_its_own_refusals(spec: dict[str, Any]) -> None:
    for method, codes in (("put", ("email_taken", "wrong_password")), ("delete", ("owner_has_active_stores",))):
        responses = spec["paths"]["/profile"][method]["responses"]
        described = responses["409"]["description"] + responses["403"]["description"]
        assert all(code in described for code in codes), (method, responses)
