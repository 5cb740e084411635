"""Scalev's v3 follow-up chats per product (seed 000_…): the exact body and response object, list and order,
edits, deletes, the generated default set, every validation rule in Scalev's error shape, tenancy and roles."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from bosonline.followup import rules
from bosonline.followup.render import LEAD_PLACEHOLDERS, lead_values
from bosonline.followup.templates.service import TemplateService
from bosonline.kit.placeholders import PLACEHOLDERS, render_placeholders, unknown_placeholders
from bosonline.models import Store, StoreMember
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext
from tests.catalog.helpers import create_product
from tests.factories import PASSWORD, add_staff, login, seller
from tests.followup.dispatch_helpers import add_wa
from tests.followup.template_helpers import (
    SEED_KEYS,
    TEXTS,
    add_template,
    insert_message,
    message_row,
    template_body,
    templates_url,
)
from tests.form.helpers import insert_order
from tests.media.helpers import jpeg


async def _owner_with_product(client: httpx.AsyncClient) -> tuple[dict[str, Any], int]:
    owner = await seller(client)
    product = await create_product(client, owner["headers"])
    return owner, product["id"]


async def _form(
    client: httpx.AsyncClient, headers: dict[str, str], product_id: int, methods: list[str], **fields: Any
) -> dict[str, Any]:
    body = {"title": "Promo", "items": [{"product_id": product_id}], "payment_methods": methods, **fields}
    response = await client.post("/store/form", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def _scalev_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_code"}, body
    assert body["error_code"] == code
    return str(body["error"])


async def test_seed_body_answers_the_seed_object(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    store_id = owner["store"]["id"]
    integration_id = await add_wa(rt, store_id, provider="fonnte", name="CS Utama", phone="6281211112222")
    seed_body = {
        "name": "Follow Up 1",
        "provider": "fonnte",
        "change_status": True,
        "hours_after": 123,
        "image": "https://cdn.example.com/promo.jpg",
        "is_default": True,
        "text_for_bank_transfer": "Halo {{customer_name}}, transfer {{total}} ke {{bank_accounts}}",
        "text_for_cod": "Halo {{customer_name}}, siapkan {{total}} untuk kurir",
        "text_for_epayment": "Halo {{customer_name}}, bayar di {{payment_url}}",
        "trigger": "shipped",
        "wa_gateway_assignation_type": "fixed",
        "wa_integration_id": integration_id,
    }
    response = await client.post(templates_url(product_id), json=seed_body, headers=owner["headers"])
    assert response.status_code == 201, response.text
    chat = response.json()
    assert set(chat) == SEED_KEYS
    assert chat["bundle_id"] is None
    assert isinstance(chat["id"], int) and chat["product_id"] == product_id and chat["store_id"] == store_id
    for key, value in seed_body.items():
        if key != "wa_integration_id":
            assert chat[key] == value, key
    assert chat["wa_integration"] == {
        "id": integration_id,
        "name": "CS Utama",
        "phone_number": "081211112222",  # every response shows phones 08… (the seed leaves the format open)
        "provider": "fonnte",
    }
    fetched = await client.get(f"{templates_url(product_id)}/{chat['id']}", headers=owner["headers"])
    assert fetched.status_code == 200 and fetched.json() == chat


async def test_defaults_of_a_minimal_body(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    body = {"name": "Sapa", "provider": "manual", "text_for_cod": "Halo {{customer_name}}"}
    response = await client.post(templates_url(product_id), json=body, headers=owner["headers"])
    assert response.status_code == 201, response.text
    chat = response.json()
    assert set(chat) == SEED_KEYS
    assert {k: chat[k] for k in SEED_KEYS - {"id", "product_id", "store_id"}} == {
        "bundle_id": None,
        "change_status": False,
        "hours_after": 0,
        "image": None,
        "is_default": False,
        "name": "Sapa",
        "provider": "manual",
        "text_for_bank_transfer": "",
        "text_for_cod": "Halo {{customer_name}}",
        "text_for_epayment": "",
        "trigger": "order_created",
        "wa_gateway_assignation_type": "fixed",
        "wa_integration": None,
    }


async def test_list_in_step_order_with_pages_and_reorder(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    ids = [(await add_template(client, headers, product_id, name=f"Step {n}"))["id"] for n in range(1, 4)]
    await add_template(client, headers, None)  # a store default is not the product's

    listed = (await client.get(url, headers=headers)).json()
    assert set(listed) == {"data", "has_next", "next_cursor"}
    assert [c["id"] for c in listed["data"]] == ids and listed["has_next"] is False and listed["next_cursor"] is None

    first = (await client.get(url, params={"page_size": 2}, headers=headers)).json()
    assert [c["id"] for c in first["data"]] == ids[:2] and first["has_next"] is True
    rest = (await client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers)).json()
    assert [c["id"] for c in rest["data"]] == ids[2:] and rest["has_next"] is False
    _scalev_error(await client.get(url, params={"page_size": 26}, headers=headers), 422, "validation_error")

    new_order = [ids[2], ids[0], ids[1]]
    response = await client.put(f"{url}/order", json={"ids": new_order}, headers=headers)
    assert response.status_code == 200, response.text
    assert [c["id"] for c in response.json()["data"]] == new_order
    assert [c["id"] for c in (await client.get(url, headers=headers)).json()["data"]] == new_order
    added = await add_template(client, headers, product_id)
    assert [c["id"] for c in (await client.get(url, headers=headers)).json()["data"]] == [*new_order, added["id"]]

    for bad in ([ids[0], ids[1], ids[2]], [ids[0], ids[0], ids[1], ids[2]], [*new_order, added["id"], 999_999]):
        message = _scalev_error(
            await client.put(f"{url}/order", json={"ids": bad}, headers=headers), 422, "validation_error"
        )
        assert "ids" in message


async def test_patch_is_partial_and_validated_merged(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    chat = await add_template(client, headers, product_id, hours_after=2)
    response = await client.patch(f"{url}/{chat['id']}", json={"hours_after": 24, "image": None}, headers=headers)
    assert response.status_code == 200, response.text
    patched = response.json()
    assert (
        patched["hours_after"] == 24
        and patched["name"] == chat["name"]
        and patched["text_for_cod"] == chat["text_for_cod"]
    )
    assert set(patched) == SEED_KEYS

    message = _scalev_error(
        await client.patch(f"{url}/{chat['id']}", json={"provider": "fonnte"}, headers=headers),
        422,
        "validation_error",
    )
    assert "wa_integration_id" in message
    integration_id = await add_wa(rt, owner["store"]["id"], provider="fonnte")
    response = await client.patch(
        f"{url}/{chat['id']}", json={"provider": "fonnte", "wa_integration_id": integration_id}, headers=headers
    )
    assert response.status_code == 200 and response.json()["wa_integration"]["id"] == integration_id
    assert "name" in _scalev_error(
        await client.patch(f"{url}/{chat['id']}", json={"name": None}, headers=headers), 422, "validation_error"
    )
    _scalev_error(
        await client.patch(f"{url}/{chat['id']}", json={"colour": "red"}, headers=headers), 422, "validation_error"
    )
    assert (await client.get(f"{url}/{chat['id']}", headers=headers)).json()["hours_after"] == 24


async def test_delete_cancels_scheduled_followups(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url, store_id = owner["headers"], templates_url(product_id), owner["store"]["id"]
    chat = await add_template(client, headers, product_id)
    other = await add_template(client, headers, product_id)
    order_id = await insert_order(rt, store_id, None)
    waiting = await insert_message(rt, store_id, chat["id"], order_id)
    sent = await insert_message(rt, store_id, chat["id"], await insert_order(rt, store_id, None), status="sent")
    untouched = await insert_message(rt, store_id, other["id"], order_id, step=2)

    response = await client.delete(f"{url}/{chat['id']}", headers=headers)
    assert response.status_code == 204 and response.content == b""
    canceled = await message_row(rt, waiting)
    assert (canceled.status, canceled.error) == ("canceled", "template deleted")
    assert (await message_row(rt, sent)).status == "sent"
    assert (await message_row(rt, untouched)).status == "scheduled"
    _scalev_error(await client.get(f"{url}/{chat['id']}", headers=headers), 404, "not_found")
    _scalev_error(await client.delete(f"{url}/{chat['id']}", headers=headers), 404, "not_found")
    assert [c["id"] for c in (await client.get(url, headers=headers)).json()["data"]] == [other["id"]]


async def test_generate_the_default_set(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    response = await client.post(f"{url}/generate", headers=headers)
    assert response.status_code == 201, response.text
    chats = response.json()["data"]
    assert [c["name"] for c in chats] == ["Konfirmasi Pesanan", "Pengingat Pembayaran", "Follow Up 1", "Follow Up 2"]
    assert [c["hours_after"] for c in chats] == [0, 6, 24, 48]
    assert all(c["provider"] == "manual" and c["trigger"] == "order_created" and set(c) == SEED_KEYS for c in chats)
    values = {name: f"<{name}>" for name in PLACEHOLDERS}
    for chat in chats:
        for field in ("text_for_bank_transfer", "text_for_cod", "text_for_epayment"):
            text = chat[field]
            assert text and unknown_placeholders(text) == []
            rendered = render_placeholders(text, values)
            assert "{{" not in rendered and "<customer_name>" in rendered
    assert all("<bank_accounts>" in render_placeholders(c["text_for_bank_transfer"], values) for c in chats)
    assert all("<total>" in render_placeholders(c["text_for_bank_transfer"], values) for c in chats)
    assert all("<payment_url>" in render_placeholders(c["text_for_epayment"], values) for c in chats)
    assert "<address>" in render_placeholders(chats[0]["text_for_cod"], values)
    assert "kurir" in chats[0]["text_for_cod"]
    assert [c["id"] for c in (await client.get(url, headers=headers)).json()["data"]] == [c["id"] for c in chats]

    _scalev_error(await client.post(f"{url}/generate", headers=headers), 409, "followup_chats_exist")


async def test_generate_with_a_gateway(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    message = _scalev_error(
        await client.post(f"{url}/generate", json={"provider": "wablas"}, headers=headers), 422, "validation_error"
    )
    assert "wa_integration_id" in message
    assert (await client.get(url, headers=headers)).json()["data"] == []
    integration_id = await add_wa(rt, owner["store"]["id"], provider="wablas")
    body = {"provider": "wablas", "wa_integration_id": integration_id, "wa_gateway_assignation_type": "fixed"}
    response = await client.post(f"{url}/generate", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert {(c["provider"], c["wa_integration"]["id"]) for c in response.json()["data"]} == {("wablas", integration_id)}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"provider": "telegram"}, "provider"),
        ({"trigger": "paid_later"}, "trigger"),
        ({"wa_gateway_assignation_type": "random"}, "wa_gateway_assignation_type"),
        ({"hours_after": -1}, "hours_after"),
        ({"hours_after": rules.MAX_HOURS_AFTER + 1}, "hours_after"),
        ({"text_for_cod": "x" * (rules.MAX_TEXT + 1)}, "text_for_cod"),
        ({"image": "ftp://cdn.example.com/a.jpg"}, "image"),
        ({"image": "https://cdn.example.com/" + "a" * 480}, "image"),
        ({"image": "/media/s1/ab/nothere.jpg"}, "image"),
        ({"wa_integration_id": 0}, "wa_integration_id"),
        ({"colour": "red"}, "colour"),
        ({"text_for_bank_transfer": "", "text_for_cod": "", "text_for_epayment": ""}, "text_for_bank_transfer"),
    ],
)
async def test_field_validation(client: httpx.AsyncClient, rt: Runtime, fields: dict[str, Any], field: str) -> None:
    owner, product_id = await _owner_with_product(client)
    response = await client.post(templates_url(product_id), json=template_body(**fields), headers=owner["headers"])
    assert field in _scalev_error(response, 422, "validation_error")
    assert (await client.get(templates_url(product_id), headers=owner["headers"])).json()["data"] == []


async def test_missing_required_fields(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    message = _scalev_error(
        await client.post(templates_url(product_id), json={"text_for_cod": "Halo"}, headers=owner["headers"]),
        422,
        "validation_error",
    )
    assert "name" in message and "provider" in message


async def test_unknown_placeholders_are_named(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    body = template_body(text_for_epayment="Halo {{nama}}, bayar {{total}} di {{link_bayar}}")
    message = _scalev_error(
        await client.post(templates_url(product_id), json=body, headers=owner["headers"]), 422, "validation_error"
    )
    assert "text_for_epayment" in message and "{{nama}}" in message and "{{link_bayar}}" in message
    assert "{{total}}" not in message.split("known:")[0]


async def test_uploaded_image_of_the_store(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    other = await seller(client)
    files = {"file": ("foto.jpg", jpeg((64, 48)), "image/jpeg")}
    upload = await client.post("/store/product/image", files=files, headers=owner["headers"])
    assert upload.status_code == 201, upload.text
    image = upload.json()["data"]
    response = await client.post(
        templates_url(product_id), json=template_body(image=image["url"]), headers=owner["headers"]
    )
    assert response.status_code == 201, response.text
    assert response.json()["image"] == image["url"]
    other_product = await create_product(client, other["headers"])
    response = await client.post(
        templates_url(other_product["id"]), json=template_body(image=image["url"]), headers=other["headers"]
    )
    assert "image" in _scalev_error(response, 422, "validation_error")


async def test_integration_rules(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    other = await seller(client)
    headers, url, store_id = owner["headers"], templates_url(product_id), owner["store"]["id"]
    fonnte = await add_wa(rt, store_id, provider="fonnte")
    foreign = await add_wa(rt, other["store"]["id"], provider="fonnte")

    missing = _scalev_error(
        await client.post(url, json=template_body(provider="fonnte", wa_integration_id=999_999), headers=headers),
        422,
        "validation_error",
    )
    foreign_message = _scalev_error(
        await client.post(url, json=template_body(provider="fonnte", wa_integration_id=foreign), headers=headers),
        422,
        "validation_error",
    )
    assert "wa_integration_id" in missing and foreign_message == missing  # another store's id does not leak
    assert "wa_integration_id" in _scalev_error(
        await client.post(url, json=template_body(provider="fonnte"), headers=headers), 422, "validation_error"
    )
    assert "wa_integration_id" in _scalev_error(
        await client.post(url, json=template_body(provider="wablas", wa_integration_id=fonnte), headers=headers),
        422,
        "validation_error",
    )
    for assignation in ("handler", "rotator"):
        response = await client.post(
            url, json=template_body(provider="fonnte", wa_gateway_assignation_type=assignation), headers=headers
        )
        assert response.status_code == 201 and response.json()["wa_integration"] is None, response.text
    # manual ignores assignation and integration provider (stored as given), but never another store's id
    response = await client.post(
        url,
        json=template_body(provider="manual", wa_gateway_assignation_type="rotator", wa_integration_id=fonnte),
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["wa_gateway_assignation_type"] == "rotator"
    assert response.json()["wa_integration"]["id"] == fonnte
    _scalev_error(
        await client.post(url, json=template_body(provider="manual", wa_integration_id=foreign), headers=headers),
        422,
        "validation_error",
    )


async def test_meta_captions_are_limited_with_an_image(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    cloud = await add_wa(rt, owner["store"]["id"], provider="whatsapp_cloud")
    image = "https://cdn.example.com/promo.jpg"
    long_text = "Halo {{customer_name}}! " + "x" * 1_010  # 1,034 characters
    assert len(long_text) > 1_024
    body = template_body(provider="whatsapp_cloud", wa_integration_id=cloud, image=image, text_for_cod=long_text)

    message = _scalev_error(await client.post(url, json=body, headers=headers), 422, "validation_error")
    assert "text_for_cod" in message and "1,024" in message
    assert "text_for_bank_transfer" not in message

    # At the limit, without an image, or through another provider, the same text is fine.
    at_limit = long_text[:1_024]
    for fields in ({"text_for_cod": at_limit}, {"image": None}):
        response = await client.post(url, json={**body, **fields}, headers=headers)
        assert response.status_code == 201, response.text
    fonnte = await add_wa(rt, owner["store"]["id"], provider="fonnte")
    response = await client.post(url, json={**body, "provider": "fonnte", "wa_integration_id": fonnte}, headers=headers)
    assert response.status_code == 201, response.text

    # An edit that adds the image to a long text is refused too.
    no_image = (await client.get(url, headers=headers)).json()["data"][1]
    assert no_image["image"] is None and no_image["text_for_cod"] == long_text
    edited = await client.patch(f"{url}/{no_image['id']}", json={"image": image}, headers=headers)
    assert "text_for_cod" in _scalev_error(edited, 422, "validation_error")


async def test_texts_required_for_the_product_payment_categories(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    other_product = await create_product(client, headers)
    # A form of another product, and an inactive form of this one, do not count.
    await _form(client, headers, other_product["id"], ["bank_transfer"])
    await _form(client, headers, product_id, ["qris"], status="inactive")
    only_cod = template_body(text_for_bank_transfer="", text_for_epayment="")
    assert (await client.post(url, json=only_cod, headers=headers)).status_code == 201

    await _form(client, headers, product_id, ["cod", "qris"])
    message = _scalev_error(await client.post(url, json=only_cod, headers=headers), 422, "validation_error")
    assert "text_for_epayment" in message and "text_for_bank_transfer" not in message
    no_bank = template_body(text_for_bank_transfer="")
    assert (await client.post(url, json=no_bank, headers=headers)).status_code == 201
    cod_and_qris = template_body(text_for_bank_transfer="", text_for_cod="")
    assert "text_for_cod" in _scalev_error(
        await client.post(url, json=cod_and_qris, headers=headers), 422, "validation_error"
    )


async def test_tenancy(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    other, other_product = await _owner_with_product(client)
    headers = owner["headers"]
    second_product = (await create_product(client, headers))["id"]
    chat = await add_template(client, headers, product_id)
    foreign_chat = await add_template(client, other["headers"], other_product)
    default = await add_template(client, headers, None)

    for response in (
        await client.get(templates_url(other_product), headers=headers),
        await client.post(templates_url(other_product), json=template_body(), headers=headers),
        await client.post(f"{templates_url(other_product)}/generate", headers=headers),
        await client.get(templates_url(999_999), headers=headers),
        await client.get(f"{templates_url(other_product)}/{foreign_chat['id']}", headers=headers),
        await client.get(f"{templates_url(product_id)}/{foreign_chat['id']}", headers=headers),
        await client.get(f"{templates_url(second_product)}/{chat['id']}", headers=headers),
        await client.get(f"{templates_url(product_id)}/{default['id']}", headers=headers),
        await client.patch(f"{templates_url(second_product)}/{chat['id']}", json={"hours_after": 1}, headers=headers),
        await client.delete(f"{templates_url(other_product)}/{foreign_chat['id']}", headers=headers),
    ):
        assert _scalev_error(response, 404, "not_found") == "Record not found"
    still = await client.get(f"{templates_url(other_product)}/{foreign_chat['id']}", headers=other["headers"])
    assert still.status_code == 200
    _scalev_error(await client.get(templates_url(product_id)), 401, "unauthorized")


async def test_cs_reads_but_cannot_write(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    chat = await add_template(client, headers, product_id)
    staff = await add_staff(client, headers)
    cs = await login(client, staff["email"], PASSWORD)
    cs_headers = {"Authorization": f"Bearer {cs['access_token']}", "X-Store-Id": str(owner["store"]["id"])}
    assert (await client.get(url, headers=cs_headers)).status_code == 200
    assert (await client.get(f"{url}/{chat['id']}", headers=cs_headers)).status_code == 200
    for response in (
        await client.post(url, json=template_body(), headers=cs_headers),
        await client.patch(f"{url}/{chat['id']}", json={"hours_after": 1}, headers=cs_headers),
        await client.delete(f"{url}/{chat['id']}", headers=cs_headers),
        await client.post(f"{url}/generate", headers=cs_headers),
        await client.put(f"{url}/order", json={"ids": [chat["id"]]}, headers=cs_headers),
    ):
        _scalev_error(response, 403, "permission_denied")


async def test_at_most_twenty_per_product(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    assert (await client.post(f"{url}/generate", headers=headers)).status_code == 201
    for _ in range(16):
        await add_template(client, headers, product_id)
    _scalev_error(await client.post(url, json=template_body(), headers=headers), 409, "followup_chat_limit_reached")
    listed = (await client.get(url, headers=headers)).json()
    assert len(listed["data"]) == 20 and listed["has_next"] is False
    assert (await client.post(templates_url(), json=template_body(), headers=headers)).status_code == 201


def test_helper_texts_use_known_placeholders() -> None:
    assert all(unknown_placeholders(text) == [] for text in TEXTS.values())


@pytest.mark.parametrize("bad", ["Halo {{nama pelanggan}}", "Halo {{customer-name}}", "Halo {{customer_name}, ya",
                                  "Total {{total}}}} ya", "Halo {{ customer_name"])  # fmt: skip
async def test_malformed_placeholders_are_refused(client: httpx.AsyncClient, rt: Runtime, bad: str) -> None:
    """They would reach the buyer as raw `{{…}}`: a 422 naming the field and the piece, on create and on edit."""
    owner, product_id = await _owner_with_product(client)
    url = templates_url(product_id)
    message = _scalev_error(
        await client.post(url, json=template_body(text_for_cod=bad), headers=owner["headers"]),
        422,
        "validation_error",
    )
    assert "text_for_cod" in message and "malformed placeholder" in message
    chat = await add_template(client, owner["headers"], product_id)
    message = _scalev_error(
        await client.patch(f"{url}/{chat['id']}", json={"text_for_epayment": bad}, headers=owner["headers"]),
        422,
        "validation_error",
    )
    assert "text_for_epayment" in message and "malformed placeholder" in message
    assert (await client.get(f"{url}/{chat['id']}", headers=owner["headers"])).json()["text_for_epayment"] == chat[
        "text_for_epayment"
    ]


async def test_well_formed_placeholders_and_lone_braces_are_accepted(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, product_id = await _owner_with_product(client)
    written = "Halo {{ customer_name }}, total {{total}} {ya} :-} {"
    response = await client.post(templates_url(product_id), json=template_body(text_for_cod=written),
                                 headers=owner["headers"])  # fmt: skip
    assert response.status_code == 201, response.text
    assert render_placeholders(written, {"customer_name": "Siti", "total": "Rp1"}) == "Halo Siti, total Rp1 {ya} :-} {"


@pytest.mark.postgres_only
async def test_a_reorder_racing_a_delete_never_answers_the_deleted_template(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """A delete not committed yet holds the store's lock: the reorder waits for it, then no longer sees the template
    (422: the ids do not match) instead of answering it."""
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    a, b, c = [(await add_template(client, headers, product_id))["id"] for _ in range(3)]
    async with rt.db.session() as deleting:
        store = await deleting.get(Store, owner["store"]["id"])
        member = await deleting.scalar(select(StoreMember).where(StoreMember.store_id == owner["store"]["id"]))
        assert store is not None and member is not None
        await TemplateService(deleting, rt, StoreContext(member=member, store=store)).delete(product_id, c)
        # `c` keeps its position: a reorder that does not lock the store would not even touch its row
        reorder = asyncio.create_task(client.put(f"{url}/order", json={"ids": [b, a, c]}, headers=headers))
        for _ in range(1_000):  # until the reorder is done, or waits for a lock (at most ~10 s)
            if reorder.done() or await _waiting_for_a_lock(rt):
                break
            await asyncio.sleep(0.01)
        assert not reorder.done(), reorder.result().text
        await deleting.commit()
    message = _scalev_error(await reorder, 422, "validation_error")
    assert "ids" in message
    listed = (await client.get(url, headers=headers)).json()["data"]
    assert [chat["id"] for chat in listed] == [a, b]


async def _waiting_for_a_lock(rt: Runtime) -> bool:
    async with rt.db.session(write=False) as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


LEAD_TEXTS = {
    "text_for_bank_transfer": "Kak {{customer_name}}, {{items}} masih di keranjang: {{payment_url}}",
    "text_for_cod": "Kak {{customer_name}}, {{product_name}} tinggal selangkah lagi. {{cs_name}} {{cs_phone}}",
    "text_for_epayment": "Halo {{customer_name}} ({{customer_phone}}), salam dari {{store_name}}",
}


async def test_abandoned_templates_may_use_only_the_checkouts_placeholders(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """A checkout is no order: `abandoned` texts with {{total}}, {{bank_accounts}}, … would reach the buyer as
    "silakan transfer  ke:", so they are refused when saved (create and edit), naming them."""
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    message = _scalev_error(
        await client.post(url, json=template_body(trigger="abandoned"), headers=headers), 422, "validation_error"
    )
    for named in (
        "text_for_bank_transfer",
        "{{total}}",
        "{{bank_accounts}}",
        "text_for_cod",
        "{{order_number}}",
        "{{address}}",
        "text_for_epayment",
    ):
        assert named in message, named
    assert (await client.get(url, headers=headers)).json()["data"] == []

    lead = await client.post(url, json=template_body(trigger="abandoned", **LEAD_TEXTS), headers=headers)
    assert lead.status_code == 201, lead.text
    refused = await client.patch(
        f"{url}/{lead.json()['id']}", json={"text_for_cod": "Resi {{awb}} via {{courier}}"}, headers=headers
    )
    message = _scalev_error(refused, 422, "validation_error")
    assert "text_for_cod" in message and "{{awb}}" in message and "{{courier}}" in message
    order_chat = await add_template(client, headers, product_id)  # TEXTS: order placeholders
    message = _scalev_error(
        await client.patch(f"{url}/{order_chat['id']}", json={"trigger": "abandoned"}, headers=headers),
        422,
        "validation_error",
    )
    assert "{{total}}" in message
    fetched = (await client.get(f"{url}/{order_chat['id']}", headers=headers)).json()
    assert fetched["trigger"] == "order_created"
    assert (
        await client.patch(f"{url}/{order_chat['id']}", json={"trigger": "abandoned", **LEAD_TEXTS}, headers=headers)
    ).status_code == 200


def test_lead_placeholders_are_the_values_a_checkout_has() -> None:
    values = lead_values(Store(name="Toko", phone="6281200001111"), "Rina", "6281311112222", "1 × Kaos", "https://f")
    assert tuple(values) == LEAD_PLACEHOLDERS and set(LEAD_PLACEHOLDERS) <= set(PLACEHOLDERS)
    assert all(values.values())  # each has a value for a checkout


async def test_a_template_whose_number_was_deleted_can_still_be_edited(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Deleting a number leaves its templates without one: the integration rules are checked again only when an
    edit changes provider, wa_integration_id or wa_gateway_assignation_type."""
    owner, product_id = await _owner_with_product(client)
    headers, url = owner["headers"], templates_url(product_id)
    integration_id = await add_wa(rt, owner["store"]["id"], provider="fonnte")
    chat = await add_template(client, headers, product_id, provider="fonnte", wa_integration_id=integration_id)
    deleted = await client.delete(f"/store/wa-integration/{integration_id}", headers=headers)
    assert deleted.json()["data"]["templates_detached"] == 1
    for changes in (
        {"name": "Follow Up baru"},
        {"hours_after": 5, "text_for_cod": "Halo {{customer_name}}"},
        {"provider": "fonnte", "wa_gateway_assignation_type": "fixed"},
    ):  # the same values: no change
        response = await client.patch(f"{url}/{chat['id']}", json=changes, headers=headers)
        assert response.status_code == 200, (changes, response.text)
    renamed = response.json()
    assert (renamed["name"], renamed["hours_after"], renamed["wa_integration"]) == ("Follow Up baru", 5, None)
    assert "wa_integration_id" in _scalev_error(
        await client.patch(f"{url}/{chat['id']}", json={"provider": "wablas"}, headers=headers),
        422,
        "validation_error",
    )
    rotator = await client.patch(
        f"{url}/{chat['id']}", json={"wa_gateway_assignation_type": "rotator"}, headers=headers
    )
    assert rotator.status_code == 200, rotator.text
    assert "wa_integration_id" in _scalev_error(
        await client.patch(f"{url}/{chat['id']}", json={"wa_gateway_assignation_type": "fixed"}, headers=headers),
        422,
        "validation_error",
    )
