"""POST /store/order/invoice: the printable PDF (invoice or packing slip), read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import httpx
import pypdf
from sqlalchemy import update

from bosonline.kit.money import rupiah
from bosonline.models import Order
from bosonline.order.invoice import InvoiceLine, InvoiceOrder, InvoiceStore, latin1
from bosonline.order.invoice_service import render_invoices
from bosonline.order.schemas import MoneyOut
from bosonline.runtime import Runtime
from tests.factories import add_staff, seller
from tests.order.helpers import cs_login, make_checkout_shop, place_orders
from tests.order.status_helpers import clone_orders
from tests.querycount import count_queries


def pages_of(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


async def set_order(rt: Runtime, order_id: int, **values: object) -> None:
    async with rt.db.session() as session:
        await session.execute(update(Order).where(Order.id == order_id).values(**values))
        await session.commit()


async def invoice(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> httpx.Response:
    return await client.post("/store/order/invoice", json=body, headers=headers)


async def test_invoice_of_a_cod_and_a_transfer_order(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    items = [{"variant_id": shop.red, "quantity": 2}, {"variant_id": shop.kopi_variant, "quantity": 1}]
    (cod,) = await place_orders(client, rt, shop, payment_method="cod", items=items, postal_code="16431")
    (transfer,) = await place_orders(client, rt, shop, name="Budi Hartono")
    await set_order(
        rt,
        cod.id,
        awb="JNE0012345678",
        other_fee=2_500,
        other_fee_name="Packing kayu",
        total=cod.total + 2_500,
    )
    cod_total = cod.total + 2_500

    response = await invoice(client, shop.headers, ids=[cod.id, transfer.id])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="invoice-{shop.subdomain}-')
    assert disposition.split('"')[1].endswith(f"{rt.clock.now():%Y%m%d}.pdf")
    first, second = pages_of(response.content)

    money = cod.buyer["money"]
    for text in (
        "INVOICE",
        "Toko Berkah",
        cod.number,
        "Siti Aminah",
        "081234567890",
        "Jl. Margonda Raya No. 10",
        "16431",
        "Kaos Polos",
        "Merah / L",
        "Kopi Gayo",
        "Rp50.000",
        "Rp100.000",
        "Total Produk",
        f"Rp{money['product_price']:,}".replace(",", "."),
        "Ongkos Kirim",
        "Biaya COD",
        f"Rp{money['cod_fee']:,}".replace(",", "."),
        "Packing kayu",
        "Rp2.500",
        rupiah(cod_total),
        f"COD - TAGIH {rupiah(cod_total)}",
        "JNE0012345678",
        "JNE REG",
        "COD - Belum dibayar",
    ):
        assert text in first, (text, first)
    assert transfer.number not in first
    for text in (transfer.number, "Budi Hartono", "Kode Unik", rupiah(transfer.total), "Transfer Bank"):
        assert text in second, (text, second)
    assert "COD - TAGIH" not in second
    assert "No. Resi (AWB): -" in second


async def test_packing_slip_leaves_prices_out(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (cod,) = await place_orders(client, rt, shop, payment_method="cod")
    response = await invoice(client, shop.headers, ids=[cod.id], kind="packing_slip")
    assert response.status_code == 200, response.text
    assert 'filename="packing-slip-' in response.headers["content-disposition"]
    (page,) = pages_of(response.content)
    for text in (
        "PACKING SLIP",
        cod.number,
        "Kaos Polos",
        "Merah / L",
        "Jumlah barang: 2 pcs",
        f"COD - TAGIH {rupiah(cod.total)}",
    ):
        assert text in page, (text, page)
    assert "Rp50.000" not in page and "Total Produk" not in page


async def test_names_outside_latin1_render(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (order,) = await place_orders(client, rt, shop)
    await set_order(
        rt,
        order.id,
        customer_name="Siti 😀 Aminah Łukasz",
        address="Jl. Melati “No. 5” — 李小龍 🏠",
        notes="Tolong cepat 🙏🏽\nterima kasih",
    )
    response = await invoice(client, shop.headers, ids=[order.id])
    assert response.status_code == 200, response.text
    (page,) = pages_of(response.content)
    assert "Siti ? Aminah Lukasz" in page
    assert 'Jl. Melati "No. 5" - ?' in page
    assert "Tolong cepat ?" in page


async def test_unknown_foreign_and_unassigned_ids_are_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    ani = await add_staff(client, shop.headers, name="Ani", email="ani.inv@example.com", phone="081311112222")
    await add_staff(client, shop.headers, name="Beni", email="beni.inv@example.com", phone="081311113333")
    placed = await place_orders(client, rt, shop, 2)
    other = await seller(client)
    response = await invoice(client, other["headers"], ids=[placed[0].id])
    assert response.status_code == 404
    response = await invoice(client, shop.headers, ids=[placed[0].id, 987654, placed[1].id, 987655])
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("not_found", "Record not found")
    assert error["fields"]["ids"].endswith("987654, 987655")

    headers = await cs_login(client, shop, "ani.inv@example.com")
    mine = [o.id for o in placed if o.handler_id == ani["id"]]
    theirs = [o.id for o in placed if o.handler_id != ani["id"]]
    assert (await invoice(client, headers, ids=mine + theirs)).status_code == 404
    response = await invoice(client, headers, ids=mine)
    assert response.status_code == 200
    assert len(pages_of(response.content)) == 1


async def test_bad_bodies_are_422(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    for body, field in (
        ({"ids": []}, "ids"),
        ({"ids": list(range(1, 202))}, "ids"),
        ({"ids": [0]}, "ids.0"),
        ({"ids": [2**53 + 1]}, "ids.0"),
        ({"ids": [1], "kind": "label"}, "kind"),
        ({}, "ids"),
        ({"ids": [1], "extra": True}, "extra"),
    ):
        response = await invoice(client, shop.headers, **body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["error"]["fields"], (body, response.json())


async def test_queries_do_not_grow_with_the_orders_and_repeats_print_once(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    shop = await make_checkout_shop(client, rt, cs=2, stock=100)
    (first,) = await place_orders(client, rt, shop)
    ids = [first.id, *await clone_orders(rt, first.id, 11, handler_id=shop.cs_members[1])]
    with count_queries(rt) as one:
        response = await invoice(client, shop.headers, ids=ids[:1])
    assert response.status_code == 200
    with count_queries(rt) as many:
        response = await invoice(client, shop.headers, ids=[*ids, ids[0]])
    assert response.status_code == 200
    assert many.count == one.count
    assert len(pages_of(response.content)) == 12


# --- the renderer on its own ------------------------------------------------------------------------------------


def sample_order(lines: int, **values: object) -> InvoiceOrder:
    data: dict[str, object] = {
        "number": "INV/20261121/00042",
        "created_at": datetime(2026, 11, 21, 17, 5, tzinfo=UTC),
        "customer_name": "Siti Aminah",
        "customer_phone": "081234567890",
        "address": "Jl. Margonda Raya No. 10",
        "region_name": "Pancoran Mas, Kota Depok, Jawa Barat",
        "postal_code": "16431",
        "notes": None,
        "lines": [
            InvoiceLine(
                product_name=f"Produk nomor {n} " + "dengan nama panjang " * 5,
                variant_name="Merah / L",
                sku=f"SKU-{n}",
                quantity=1,
                unit_price=10_000,
                subtotal=10_000,
            )
            for n in range(lines)
        ],
        "money": MoneyOut(
            product_price=10_000 * lines,
            product_discount=0,
            shipping_cost=0,
            shipping_discount=0,
            cod_fee=0,
            other_fee=0,
            unique_code=0,
            total=10_000 * lines,
        ),
        "other_fee_name": None,
        "voucher_code": None,
        "payment_method": "bank_transfer",
        "payment_label": "Transfer Bank",
        "payment_status": "paid",
        "courier": None,
        "courier_service": None,
        "awb": None,
        "weight_g": 250,
        "handler_name": None,
    }
    return InvoiceOrder(**(data | values))  # type: ignore[arg-type]


def test_renderer_dates_in_the_store_zone_and_continuation_pages() -> None:
    store = InvoiceStore("Toko Timur", None, "Asia/Jayapura")
    printed = datetime(2026, 11, 22, tzinfo=UTC)
    (page,) = pages_of(render_invoices(store, [sample_order(3)], printed_at=printed))
    assert "22/11/2026 02:05 WIT" in page  # 17:05 UTC is the next day in Jayapura (UTC+9)
    assert "Lunas" in page and "Rp30.000" in page
    long = pages_of(render_invoices(store, [sample_order(40), sample_order(1)], printed_at=printed))
    assert len(long) >= 3
    assert all("INV/20261121/00042 (lanjutan)" in page for page in long[1:-1])
    assert "Produk nomor 39" in long[-2] and "TOTAL Rp400.000" in long[-2]
    assert "Produk nomor 0" in long[-1] and "lanjutan" not in long[-1] and "TOTAL Rp10.000" in long[-1]
    text = "".join(long)
    assert all(f"Produk nomor {n} " in text for n in range(40))


def test_latin1_and_rupiah() -> None:
    assert latin1("Zoë Ñandú") == "Zoë Ñandú"
    assert latin1("Łódź Đoković") == "Lódz Dokovic"  # ó is Latin-1, ź is not
    assert latin1("e\u0301") == "é"
    assert latin1("👨\u200d👩\u200d👧 keluarga Юлия") == "? keluarga ?"
    assert latin1("a\tb\x00c") == "a bc"
    assert latin1(None) == ""
    assert rupiah(1_234_567) == "Rp1.234.567"
    assert rupiah(-5_000) == "-Rp5.000"
    assert rupiah(0) == "Rp0"
