"""The OpenAPI document declares the bounds the server enforces, on every operation: generated clients and
fuzzers then send what the server accepts. What a schema can say is checked here statically (every string,
number and list bounded; ids within the id range; text parameters refusing control characters); what it cannot
(a row of this store, one field given another) is the server's 422, documented on each route."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import bosonline.app  # noqa: F401  (loads every domain, so that every PatchBody subclass exists)
from bosonline.catalog.schemas import CategoryUpdateIn
from bosonline.errors import ValidationFailed
from bosonline.form.success import check_redirect_url
from bosonline.kit.fields import HTTP_URL_PATTERN, MAX_ID, REGION_CODE_PATTERN, SINGLE_LINE, text_pattern
from bosonline.kit.schemas import PatchBody
from bosonline.store.schemas import StoreSettingsIn
from bosonline.web.checkout_endpoints import ITEMS_PATTERN, parse_items
from bosonline.webhook.targets import url_problem

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# Formats whose values are bounded by their grammar.
BOUNDED_FORMATS = {"date", "date-time", "time", "email"}
# A quantifier without an upper bound.
_UNBOUNDED = re.compile(r"(?<!\\)[*+]|\{\d+,\}")


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _inputs(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, schema) of every parameter and request body of every operation."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                yield f"{method.upper()} {path} {parameter['in']}:{parameter['name']}", parameter["schema"]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield f"{method.upper()} {path} body", media["schema"]


def _leaves(
    spec: dict[str, Any], schema: dict[str, Any], where: str, seen: frozenset[str] = frozenset()
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema reachable from `schema` (through $ref, anyOf/oneOf/allOf, items and properties)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _leaves(spec, spec["components"]["schemas"][name], where, seen | {name})
        return
    yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            yield from _leaves(spec, branch, where, seen)
    if isinstance(schema.get("items"), dict):
        yield from _leaves(spec, schema["items"], f"{where}[]", seen)
    for name, prop in schema.get("properties", {}).items():
        yield from _leaves(spec, prop, f"{where}.{name}", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _leaves(spec, schema["additionalProperties"], f"{where}.*", seen)


def _bounded_string(schema: dict[str, Any]) -> bool:
    if "maxLength" in schema or "enum" in schema or "const" in schema or "contentMediaType" in schema:
        return True
    if schema.get("format") in BOUNDED_FORMATS:
        return True
    pattern = schema.get("pattern", "")
    return pattern.startswith("^") and pattern.endswith("$") and not _UNBOUNDED.search(pattern)


def _unbounded(spec: dict[str, Any]) -> list[str]:
    found = []
    for where, root in _inputs(spec):
        for at, schema in _leaves(spec, root, where):
            kind = schema.get("type")
            if kind == "string" and not _bounded_string(schema):
                found.append(f"{at}: string without maxLength")
            elif kind in ("integer", "number") and not (
                {"minimum", "exclusiveMinimum"} & set(schema) and {"maximum", "exclusiveMaximum"} & set(schema)
            ):
                found.append(f"{at}: {kind} without minimum and maximum")
            elif kind == "array" and "maxItems" not in schema:
                found.append(f"{at}: array without maxItems")
    return found


async def test_every_input_is_bounded(spec: dict[str, Any]) -> None:
    assert _unbounded(spec) == []


async def test_every_id_parameter_is_within_the_id_range(spec: dict[str, Any]) -> None:
    for where, root in _inputs(spec):
        if not where.split(":")[-1].endswith("_id") or " body" in where:
            continue
        for at, schema in _leaves(spec, root, where):
            if schema.get("type") == "integer":
                assert schema.get("minimum", 0) >= 1 or at.endswith("handler_id"), at  # 0: "no handler"
                assert schema.get("maximum", MAX_ID + 1) <= MAX_ID, at


async def test_lists_of_values_each_once_declare_unique_items(spec: dict[str, Any]) -> None:
    """A list of plain values the server refuses with a repeat ("each once" in its description) says so with
    uniqueItems (a list of objects unique on some of their fields cannot: its description says it)."""
    once = {
        at: schema.get("uniqueItems") is True
        for where, root in _inputs(spec)
        for at, schema in _leaves(spec, root, where)
        if schema.get("type") == "array"
        and "each once" in schema.get("description", "")
        and "$ref" not in schema.get("items", {})
    }
    assert any(at.startswith("POST /store/form/duplicate body") for at in once), sorted(once)
    assert [at for at, declared in once.items() if not declared] == []
    form = spec["components"]["schemas"]["FormIn"]["properties"]
    assert form["couriers"]["uniqueItems"] is True and form["payment_methods"]["uniqueItems"] is True


async def test_text_parameters_declare_that_control_characters_are_refused(spec: dict[str, Any]) -> None:
    """A query or path text refuses a NUL (PostgreSQL cannot take one): the schema says so with a pattern."""
    for where, root in _inputs(spec):
        if " body" in where:
            continue
        for at, schema in _leaves(spec, root, where):
            if schema.get("type") != "string" or {"enum", "const", "format"} & set(schema):
                continue
            assert "pattern" in schema, at
            assert not re.search(schema["pattern"], "a\x00b"), at


def test_text_patterns_mean_what_the_validators_check() -> None:
    """The declared patterns accept exactly the texts the validators accept (Python reads them like ECMA-262)."""
    cases = ["Kopi Gayo", "  Kopi  ", " ", "", "a\x00b", "\x7f", "baris\nkedua", "tab\tbed", "é漢字🙂", "\x85", "ab"]
    for text in cases:
        stripped = text.strip()
        for min_length in (0, 1, 2, 5):
            refused_by_server = len(stripped) < min_length
            try:
                SINGLE_LINE.check(stripped)
            except ValueError:
                refused_by_server = True
            pattern = text_pattern(SINGLE_LINE.control, min_length)
            assert (re.fullmatch(pattern, text) is None) == refused_by_server, (text, min_length, pattern)


def test_region_code_pattern() -> None:
    for code in ("32", "32.76", "32.76.01", "32.76.01.1006", "3276011006", "327601"):
        assert re.fullmatch(REGION_CODE_PATTERN, code), code
    for code in ("3", "32.7", "32.76.01.100", "32-76", "32.76.01.1006.1", "abc"):
        assert not re.fullmatch(REGION_CODE_PATTERN, code), code


def test_partial_edits_declare_that_null_is_refused_and_one_field_is_needed() -> None:
    assert PatchBody.__subclasses__()
    for body in [*PatchBody.__subclasses__(), CategoryUpdateIn, StoreSettingsIn]:
        schema = body.model_json_schema()
        assert schema.get("minProperties") == (None if body is StoreSettingsIn else 1), body
        for name, prop in schema["properties"].items():
            assert {"type": "null"} not in prop.get("anyOf", []) and prop.get("type") != "null", (body, name)
            assert "default" not in prop, (body, name)


def test_url_pattern_accepts_only_what_the_url_checks_accept() -> None:
    urls = [
        "https://erp.example.com/hooks/bosonline",
        "http://toko-1.example.co.id:8080/a/b;c?x=1&y=%20z",
        "https://a.b/",
        "http://localhost",
    ]
    for url in urls:
        assert re.fullmatch(HTTP_URL_PATTERN, url), url
        assert url_problem(url) is None, url
        assert check_redirect_url(url) == url
    for url in ("ftp://a.b", "https://-a.b", "https://a b", "https://user@a.b", "https://a.b/#x", "https://"):
        assert not re.fullmatch(HTTP_URL_PATTERN, url), url


async def test_the_rates_items_pattern_takes_what_parse_items_takes(spec: dict[str, Any]) -> None:
    [items] = [p for p in spec["paths"]["/public/form/{slug}/rates"]["get"]["parameters"] if p["name"] == "items"]
    assert items["schema"]["pattern"] == ITEMS_PATTERN
    for raw in ("12:2,15:1", "7", "1:1000,2", "9" * 15 + ":1"):
        assert re.search(ITEMS_PATTERN, raw), raw
        assert parse_items(raw)
    for raw in ("0:1", "1:0", "1:1001", "12:2,", "a:1", "1:2:3", "", "9" * 16, "1\x002"):
        assert not re.search(ITEMS_PATTERN, raw), raw
        if raw != "9" * 16:  # parse_items takes 16 digits up to MAX_ID; the pattern declares 15
            with pytest.raises(ValidationFailed):
                parse_items(raw)


async def test_the_honeypot_declares_that_only_empty_is_accepted(spec: dict[str, Any]) -> None:
    """`website` refuses anything typed (422 rejected, tests/checkout/test_refusals.py): the schema says empty."""
    honeypots = [
        schema for where, root in _inputs(spec) for at, schema in _leaves(spec, root, where) if at.endswith(".website")
    ]
    assert len(honeypots) >= 3  # place an order, save and update a lead
    assert all(schema["maxLength"] == 0 for schema in honeypots)
