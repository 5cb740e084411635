"""One phone convention in every response (issue 14): a phone is shown 08…, as the seed's `customer_phone` and
Indonesian sellers write it; where a client must address the number, its twin `<name>_e164` carries 628… digits.
Checked over every schema a response can contain, so a new response field cannot drift."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx

from bosonline.kit.phone import display_phone

PHONE_FIELD = re.compile(r"(^|_)phone(_number)?$")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def response_schemas(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every component schema reachable from a response (not from a request body)."""
    schemas = spec["components"]["schemas"]
    todo = [
        name
        for path in spec["paths"].values()
        for operation in path.values()
        for response in operation.get("responses", {}).values()
        for name in _refs(response)
    ]
    seen: dict[str, dict[str, Any]] = {}
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = schemas[name]
            todo.extend(_refs(schemas[name]))
    return seen


async def test_every_phone_in_a_response_is_documented_08_and_its_twin_628(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    phones, twins, wrong = [], [], []
    for name, schema in response_schemas(spec).items():
        for field, prop in schema.get("properties", {}).items():
            where = f"{name}.{field}"
            if PHONE_FIELD.search(field):
                phones.append(where)
                if "08…" not in prop.get("description", ""):
                    wrong.append(where)
            elif field.endswith("_e164"):
                twins.append(where)
                assert PHONE_FIELD.search(field.removesuffix("_e164")), where
                assert field.removesuffix("_e164") in schema["properties"], where
                if "628…" not in prop.get("description", ""):
                    wrong.append(where)
    assert wrong == [], wrong
    # the fields that used to answer 628… in `phone` itself, and the seed's own field
    for expected in (
        "UserOut.phone",
        "StaffOut.phone",
        "StoreSummaryOut.phone",
        "StoreWarehouseOut.contact_phone",
        "WaIntegrationOut.phone_number",
        "WaIntegrationBrief.phone_number",
        "FollowupAttemptOut.customer_phone",  # the seed: "08190211411"
    ):
        assert expected in phones, (expected, sorted(phones))
    assert {"UserOut.phone_e164", "StoreWarehouseOut.contact_phone_e164", "OrderCustomerOut.phone_e164"} <= set(twins)


def test_display_phone_is_the_seed_form() -> None:
    assert display_phone("628190211411") == "08190211411"  # the seed's Follow Up Attempts example
