"""The store's default follow-up chats (/store/follow-up-chats): the same rules as Scalev's product templates, in
the bosOnline envelope."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.followup.templates.defaults import DEFAULT_SET
from bosonline.kit.placeholders import unknown_placeholders
from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product
from tests.factories import PASSWORD, add_staff, bearer, login, seller
from tests.followup.dispatch_helpers import add_wa
from tests.followup.template_helpers import (
    SEED_KEYS,
    add_template,
    insert_message,
    message_row,
    template_body,
    templates_url,
)
from tests.form.helpers import insert_order

URL = templates_url()


def _fields(response: httpx.Response, status: int = 422, code: str = "validation_error") -> dict[str, str]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return error.get("fields") or {}


async def _ids(client: httpx.AsyncClient, headers: dict[str, str]) -> list[int]:
    response = await client.get(URL, headers=headers)
    assert response.status_code == 200, response.text
    return [chat["id"] for chat in response.json()["data"]]


async def test_crud_in_the_envelope(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers, store_id = owner["headers"], owner["store"]["id"]
    product = await create_product(client, headers)
    await add_template(client, headers, product["id"])  # a product's template is not a store default

    response = await client.post(URL, json=template_body(name="Sapa", hours_after=3), headers=headers)
    assert response.status_code == 201, response.text
    chat = response.json()["data"]
    assert set(chat) == SEED_KEYS and chat["product_id"] is None and chat["store_id"] == store_id
    assert chat["bundle_id"] is None and chat["hours_after"] == 3
    second = await add_template(client, headers)

    listed = (await client.get(URL, headers=headers)).json()
    assert [c["id"] for c in listed["data"]] == [chat["id"], second["id"]]
    assert listed["meta"] == {"next_cursor": None, "total": 2}
    page = (await client.get(URL, params={"limit": 1}, headers=headers)).json()
    assert [c["id"] for c in page["data"]] == [chat["id"]] and page["meta"]["total"] == 2
    page = (await client.get(URL, params={"cursor": page["meta"]["next_cursor"]}, headers=headers)).json()
    assert [c["id"] for c in page["data"]] == [second["id"]] and page["meta"]["next_cursor"] is None

    detail = await client.get(f"{URL}/{chat['id']}", headers=headers)
    assert detail.status_code == 200 and detail.json() == {"data": chat}
    response = await client.patch(
        f"{URL}/{chat['id']}", json={"trigger": "confirmed", "change_status": True}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["trigger"] == "confirmed" and response.json()["data"]["name"] == "Sapa"

    response = await client.put(f"{URL}/order", json={"ids": [second["id"], chat["id"]]}, headers=headers)
    assert response.status_code == 200, response.text
    assert [c["id"] for c in response.json()["data"]] == [second["id"], chat["id"]]
    assert await _ids(client, headers) == [second["id"], chat["id"]]
    assert "ids" in _fields(await client.put(f"{URL}/order", json={"ids": [chat["id"]]}, headers=headers))

    order_id = await insert_order(rt, store_id, None)
    waiting = await insert_message(rt, store_id, chat["id"], order_id)
    assert (await client.delete(f"{URL}/{chat['id']}", headers=headers)).status_code == 204
    row = await message_row(rt, waiting)
    assert (row.status, row.error) == ("canceled", "template deleted")
    assert await _ids(client, headers) == [second["id"]]
    _fields(await client.get(f"{URL}/{chat['id']}", headers=headers), 404, "not_found")


async def test_generate_defaults(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    integration_id = await add_wa(rt, owner["store"]["id"], provider="starsender")
    body = {"provider": "starsender", "wa_integration_id": integration_id}
    response = await client.post(f"{URL}/generate", json=body, headers=headers)
    assert response.status_code == 201, response.text
    chats = response.json()["data"]
    assert response.json()["meta"]["total"] == len(DEFAULT_SET) == 4
    assert [c["name"] for c in chats] == [t.name for t in DEFAULT_SET]
    assert all(c["product_id"] is None and c["wa_integration"]["id"] == integration_id for c in chats)
    assert all(
        c[field] and not unknown_placeholders(c[field])
        for c in chats
        for field in ("text_for_bank_transfer", "text_for_cod", "text_for_epayment")
    )
    _fields(await client.post(f"{URL}/generate", headers=headers), 409, "followup_chats_exist")
    assert await _ids(client, headers) == [c["id"] for c in chats]


async def test_validation_in_the_envelope(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    headers = owner["headers"]
    foreign = await add_wa(rt, other["store"]["id"], provider="fonnte")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"hours_after": 721}, "hours_after"),
        ({"text_for_cod": "y" * 4097}, "text_for_cod"),
        ({"text_for_cod": "Halo {{pembeli}}"}, "text_for_cod"),
        ({"trigger": "later"}, "trigger"),
        ({"provider": "fonnte", "wa_integration_id": foreign}, "wa_integration_id"),
        ({"image": "javascript:alert(1)"}, "image"),
        ({"unknown_key": 1}, "unknown_key"),
    ]
    for fields, field in cases:
        problems = _fields(await client.post(URL, json=template_body(**fields), headers=headers))
        assert field in problems, (fields, problems)
    assert (
        "{{pembeli}}"
        in _fields(await client.post(URL, json=template_body(text_for_cod="Halo {{pembeli}}"), headers=headers))[
            "text_for_cod"
        ]
    )
    assert await _ids(client, headers) == []


async def test_texts_required_for_every_active_form(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    product = await create_product(client, headers)
    form = {"title": "Promo", "items": [{"product_id": product["id"]}], "payment_methods": ["bank_transfer"]}
    assert (await client.post("/store/form", json=form, headers=headers)).status_code == 201
    problems = _fields(await client.post(URL, json=template_body(text_for_bank_transfer=""), headers=headers))
    assert set(problems) == {"text_for_bank_transfer"}
    chat = await add_template(client, headers, text_for_cod="", text_for_epayment="")
    assert "text_for_bank_transfer" in _fields(
        await client.patch(f"{URL}/{chat['id']}", json={"text_for_bank_transfer": ""}, headers=headers)
    )


async def test_tenancy_roles_and_limit(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    headers = owner["headers"]
    product = await create_product(client, headers)
    product_chat = await add_template(client, headers, product["id"])
    foreign = await add_template(client, other["headers"])
    for response in (
        await client.get(f"{URL}/{foreign['id']}", headers=headers),
        await client.patch(f"{URL}/{foreign['id']}", json={"hours_after": 1}, headers=headers),
        await client.delete(f"{URL}/{foreign['id']}", headers=headers),
        await client.get(f"{URL}/{product_chat['id']}", headers=headers),
    ):
        assert _fields(response, 404, "not_found") == {}
        assert response.json()["error"]["message"] == "Record not found"
    assert "ids" in _fields(await client.put(f"{URL}/order", json={"ids": [foreign["id"]]}, headers=headers))

    staff = await add_staff(client, headers)
    cs = bearer(await login(client, staff["email"], PASSWORD), owner["store"]["id"])
    assert (await client.get(URL, headers=cs)).status_code == 200
    for response in (
        await client.post(URL, json=template_body(), headers=cs),
        await client.post(f"{URL}/generate", headers=cs),
        await client.put(f"{URL}/order", json={"ids": []}, headers=cs),
    ):
        _fields(response, 403, "permission_denied")

    for _ in range(20):
        await add_template(client, headers)
    _fields(await client.post(URL, json=template_body(), headers=headers), 409, "followup_chat_limit_reached")
    assert (await client.get(URL, headers=headers)).json()["meta"]["total"] == 20
    assert (await client.get(URL, headers=other["headers"])).json()["meta"]["total"] == 1


async def test_documented_semantics_match_the_code(client: httpx.AsyncClient) -> None:
    """What /docs says about sending matches the dispatcher and the scheduler (followup/dispatch/senders.py,
    dispatch_claim.py, schedule.py)."""
    spec = (await client.get("/openapi.json")).json()
    fields = spec["components"]["schemas"]["FollowupChatIn"]["properties"]
    hours_after = fields["hours_after"]["description"]
    for fact in (
        "quiet hours",
        "21:00–08:00",
        "unless a CS asked",
        "pacing",
        "max(`hours_after` hours, 30 minutes)",
        "last save",
        "every save",
    ):
        assert fact in hours_after, fact
    assert "0 (default): at once" not in hours_after
    assert "last save" in fields["trigger"]["description"].lower()
    assignation = fields["wa_gateway_assignation_type"]["description"]
    for fact in (
        "preferring one of the template's provider",
        "Not sticky",
        "LAST number that wrote to it",
        "store's active numbers of the template's provider",
    ):
        assert fact in assignation, fact
    assert "first got" not in assignation
    assert "handler number keeps" not in fields["provider"]["description"]
    texts = fields["text_for_cod"]["description"]
    assert "first non-empty text in the order bank transfer, COD, e-payment" in texts
    assert "`abandoned`" in texts and "{{payment_url}}" in texts.split("`abandoned` goes to")[1]
    assert "{{total}}" not in texts.split("`abandoned` goes to")[1]
    for path in ("/store/follow-up-chats/{chat_id}", "/v3/products/{product_id}/follow-up-chats/{chat_id}"):
        patch = spec["paths"][path]["patch"]["description"]
        for fact in (
            "only the follow-ups scheduled after it",
            "keep the `trigger` and the due time",
            "`provider`: it follows to the template's follow-ups still scheduled",
            "a template whose number was deleted can still be renamed",
        ):
            assert fact in patch, (path, fact)


async def test_patch_declares_which_fields_may_be_null(client: httpx.AsyncClient) -> None:
    """Both PATCH routes: the schema declares null only where null is taken (clearing `image` or
    `wa_integration_id`); a null elsewhere is refused on the field, before the merge."""
    spec = (await client.get("/openapi.json")).json()
    for path in ("/store/follow-up-chats/{chat_id}", "/v3/products/{product_id}/follow-up-chats/{chat_id}"):
        ref = spec["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        properties = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
        nullable = {name for name, prop in properties.items() if {"type": "null"} in prop.get("anyOf", [])}
        assert nullable == {"image", "wa_integration_id"}, path
        assert properties["name"]["type"] == "string" and properties["is_default"]["type"] == "boolean"
    owner = await seller(client)
    headers = owner["headers"]
    chat = await add_template(client, headers, image="https://cdn.example.com/promo.jpg")
    for field in ("name", "change_status", "is_default", "text_for_cod", "trigger", "wa_gateway_assignation_type"):
        problems = _fields(await client.patch(f"{URL}/{chat['id']}", json={field: None}, headers=headers))
        assert problems == {field: "must not be null; leave the field out to keep it"}, (field, problems)
    response = await client.patch(f"{URL}/{chat['id']}", json={"image": None}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["image"] is None
