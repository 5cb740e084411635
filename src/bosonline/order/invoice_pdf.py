"""The invoice layout drawn with fpdf2 (see order/invoice.py for the data and the Latin-1 text rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import CoreFont

from bosonline.kit.money import rupiah
from bosonline.order.invoice import (
    PAYMENT_STATUS_LABEL,
    TITLE,
    InvoiceKind,
    InvoiceOrder,
    InvoiceStore,
    latin1,
    local_time,
    weight_text,
)

_MARGIN = 12.0
_PAGE_H = 297.0  # A4
_WIDTH = 210.0 - 2 * _MARGIN
_RIGHT = _MARGIN + _WIDTH
_HALF = _WIDTH / 2 - 3
_GREY = (110, 110, 110)
_BLACK = (0, 0, 0)
_PT = 25.4 / 72  # mm per point


class _Page(FPDF):
    """Text placed with fpdf's low-level `text()` and our own word wrap: fpdf's multi_cell/table line breaking
    costs ~50 ms a page, which 200 invoices cannot afford; this costs a few."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=False)
        self._font: tuple[str, float] | None = None
        self._color: tuple[int, int, int] = _BLACK

    def use(self, size: float, style: str = "", color: tuple[int, int, int] = _BLACK) -> None:
        if self._font != (style, size):
            self.set_font("helvetica", style, size)
            self._font = (style, size)
        if self._color != color:
            self.set_text_color(*color)
            self._color = color

    def width_of(self, text: str) -> float:
        """`text`'s width in mm at the current (core) font: fpdf's get_string_width parses styled fragments."""
        font = self.current_font
        assert isinstance(font, CoreFont), "invoices are set in fpdf's core fonts"
        widths = font.cw
        return sum(widths.get(ch, 600) for ch in text) * self.font_size_pt * 0.001 / self.k

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` (already Latin-1) in lines no wider than `width` at the current font; words longer than a line
        are cut."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split():
                candidate = f"{line} {word}" if line else word
                if self.width_of(candidate) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                while self.width_of(word) > width:  # a word wider than the line: cut it
                    cut = len(word) - 1
                    while cut > 1 and self.width_of(word[:cut]) > width:
                        cut = max(1, cut * 3 // 4) if self.width_of(word[: cut * 3 // 4]) > width else cut - 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines

    def put(self, x: float, top: float, text: str, *, width: float = 0, align: str = "L") -> None:
        """One line whose box starts at `top` (the baseline is derived from the font size)."""
        if align != "L":
            room = width - self.width_of(text)
            x += room if align == "R" else room / 2
        self.text(x, top + self.font_size_pt * _PT * 0.85, text)

    def para(
        self,
        x: float,
        top: float,
        text: str | None,
        *,
        width: float,
        size: float = 9,
        style: str = "",
        align: str = "L",
        leading: float = 1.35,
        color: tuple[int, int, int] = _BLACK,
        max_lines: int = 12,
    ) -> float:
        """A wrapped paragraph; returns the y below it."""
        self.use(size, style, color)
        step = size * _PT * leading
        for line in self.wrap(latin1(text), width)[:max_lines]:
            self.put(x, top, line, width=width, align=align)
            top += step
        return top


def render(
    store: InvoiceStore,
    orders: Sequence[InvoiceOrder],
    kind: InvoiceKind = "invoice",
    *,
    printed_at: datetime,
) -> bytes:
    """One A4 page per order (an order with very many lines continues on the next page, under its number and the
    table's headings). `printed_at` is the document's creation date."""
    pdf = _Page()
    pdf.set_creation_date(printed_at)
    pdf.set_title(latin1(f"{TITLE[kind].title()} {store.name}"))
    pdf.set_author(latin1(store.name))
    pdf.set_creator("bosonline")
    for order in orders:
        pdf.add_page()
        pdf._font = None  # a new page: fpdf writes the font again on first use
        y = _header(pdf, store, order, kind)
        y = _parties(pdf, order, y)
        if order.cod:
            y = _cod_box(pdf, order, y)
        y = _items(pdf, order, kind, y)
        if kind == "invoice":
            y = _money(pdf, order, y)
        _footer(pdf, store, order, y)
    return bytes(pdf.output())


def _header(pdf: _Page, store: InvoiceStore, order: InvoiceOrder, kind: InvoiceKind) -> float:
    top = _MARGIN
    left = pdf.para(_MARGIN, top, store.name, width=_WIDTH * 0.58, size=15, style="B", leading=1.2, max_lines=2)
    if store.phone:
        left = pdf.para(_MARGIN, left + 0.5, f"Telp/WA {store.phone}", width=_WIDTH * 0.58)
    x, width = _MARGIN + _WIDTH * 0.6, _WIDTH * 0.4
    right = pdf.para(x, top, TITLE[kind], width=width, size=15, style="B", align="R", leading=1.2)
    right = pdf.para(x, right, order.number, width=width, size=10, style="B", align="R")
    right = pdf.para(x, right, local_time(order.created_at, store.timezone), width=width, align="R")
    y = max(left, right) + 2
    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.2)
    pdf.line(_MARGIN, y, _RIGHT, y)
    return y + 3


def _parties(pdf: _Page, order: InvoiceOrder, top: float) -> float:
    y = pdf.para(_MARGIN, top, "KEPADA", width=_HALF, size=8, style="B", color=_GREY)
    y = pdf.para(_MARGIN, y, order.customer_name, width=_HALF, size=10.5, style="B", max_lines=2)
    if order.customer_phone:
        y = pdf.para(_MARGIN, y, order.customer_phone, width=_HALF)
    if order.address:
        y = pdf.para(_MARGIN, y, order.address, width=_HALF, max_lines=6)
    region = order.region_name + (f" {order.postal_code}" if order.postal_code else "")
    left = pdf.para(_MARGIN, y, region, width=_HALF, max_lines=3)

    x = _MARGIN + _WIDTH / 2 + 3
    courier = " ".join(part for part in (order.courier, order.courier_service) if part) or "-"
    y = pdf.para(x, top, "PENGIRIMAN", width=_HALF, size=8, style="B", color=_GREY)
    y = pdf.para(x, y, f"Kurir: {courier}", width=_HALF)
    y = pdf.para(x, y, f"No. Resi (AWB): {order.awb or '-'}", width=_HALF, style="B" if order.awb else "")
    y = pdf.para(x, y, f"Berat: {weight_text(order.weight_g)}", width=_HALF)
    y = pdf.para(x, y + 1.5, "PEMBAYARAN", width=_HALF, size=8, style="B", color=_GREY)
    status = PAYMENT_STATUS_LABEL.get(order.payment_status, order.payment_status)
    y = pdf.para(x, y, f"{order.payment_label} - {status}", width=_HALF)
    if order.handler_name:
        y = pdf.para(x, y, f"CS: {order.handler_name}", width=_HALF)
    return max(left, y) + 3


def _cod_box(pdf: _Page, order: InvoiceOrder, top: float) -> float:
    paid = order.payment_status in ("paid", "settled")
    pdf.set_fill_color(255, 240, 200)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.6)
    pdf.rect(_MARGIN, top, _WIDTH, 11, style="DF")
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)
    text = "COD - SUDAH LUNAS" if paid else f"COD - TAGIH {rupiah(order.money.total)}"
    pdf.para(_MARGIN, top + 2.8, text, width=_WIDTH, size=15, style="B", align="C")
    y = top + 12
    if not paid:
        note = "Kurir menagih jumlah ini dari pembeli saat paket diterima (collect on delivery)."
        y = pdf.para(_MARGIN, y, note, width=_WIDTH, size=8, align="C", color=_GREY)
    return y + 3


_INVOICE_COLUMNS = (
    ("Produk", 64, "L"),
    ("Varian", 36, "L"),
    ("SKU", 24, "L"),
    ("Qty", 12, "R"),
    ("Harga", 25, "R"),
    ("Subtotal", 25, "R"),
)
_SLIP_COLUMNS = (("Produk", 90, "L"), ("Varian", 50, "L"), ("SKU", 34, "L"), ("Qty", 12, "R"))
_PAD = 1.2
_ROW_LINE = 8.5 * _PT * 1.3


def _table_head(pdf: _Page, columns: Sequence[tuple[str, float, str]], top: float) -> float:
    pdf.set_fill_color(235, 235, 235)
    pdf.rect(_MARGIN, top, _WIDTH, _ROW_LINE + 2 * _PAD, style="F")
    pdf.set_fill_color(255, 255, 255)
    pdf.use(8.5, "B")
    x = _MARGIN
    for name, width, align in columns:
        pdf.put(x + _PAD, top + _PAD, name, width=width - 2 * _PAD, align=align)
        x += width
    return top + _ROW_LINE + 2 * _PAD


def _items(pdf: _Page, order: InvoiceOrder, kind: InvoiceKind, top: float) -> float:
    columns = _INVOICE_COLUMNS if kind == "invoice" else _SLIP_COLUMNS
    y = _table_head(pdf, columns, top)
    pdf.set_draw_color(200, 200, 200)
    for line in order.lines:
        cells = [line.product_name, line.variant_name, line.sku or "-", str(line.quantity)]
        if kind == "invoice":
            cells += [rupiah(line.unit_price), rupiah(line.subtotal)]
        pdf.use(8.5)
        wrapped = [
            pdf.wrap(latin1(text), width - 2 * _PAD)[:6] for text, (_, width, _) in zip(cells, columns, strict=True)
        ]
        height = max(len(w) for w in wrapped) * _ROW_LINE + 2 * _PAD
        if y + height > _PAGE_H - _MARGIN:  # very many lines: continue on a new page
            pdf.add_page()
            pdf._font = None
            y = pdf.para(_MARGIN, _MARGIN, f"{order.number} (lanjutan)", width=_WIDTH, size=9, style="B") + 2
            y = _table_head(pdf, columns, y)
            pdf.set_draw_color(200, 200, 200)
            pdf.use(8.5)
        x = _MARGIN
        for texts, (_, width, align) in zip(wrapped, columns, strict=True):
            for n, text in enumerate(texts):
                pdf.put(x + _PAD, y + _PAD + n * _ROW_LINE, text, width=width - 2 * _PAD, align=align)
            x += width
        y += height
        pdf.line(_MARGIN, y, _RIGHT, y)
    y += 2
    if kind == "packing_slip":
        pieces = sum(line.quantity for line in order.lines)
        y = pdf.para(_MARGIN, y, f"Jumlah barang: {pieces} pcs", width=_WIDTH, style="B")
    return y


def _money(pdf: _Page, order: InvoiceOrder, top: float) -> float:
    rows: list[tuple[str, int]] = [("Total Produk", order.money.product_price)]
    if order.money.product_discount:
        voucher = f" (voucher {order.voucher_code})" if order.voucher_code else ""
        rows.append((f"Diskon Produk{voucher}", -order.money.product_discount))
    rows.append(("Ongkos Kirim", order.money.shipping_cost))
    if order.money.shipping_discount:
        rows.append(("Diskon Ongkir", -order.money.shipping_discount))
    if order.money.cod_fee:
        rows.append(("Biaya COD", order.money.cod_fee))
    if order.money.other_fee:
        rows.append((order.other_fee_name or "Biaya Lain", order.money.other_fee))
    if order.money.unique_code:
        rows.append(("Kode Unik", -order.money.unique_code))
    label_w, value_w = 58.0, 32.0
    x = _RIGHT - label_w - value_w
    if top + 5 * len(rows) + 10 > _PAGE_H - _MARGIN:
        pdf.add_page()
        pdf._font = None
        top = pdf.para(_MARGIN, _MARGIN, f"{order.number} (lanjutan)", width=_WIDTH, size=9, style="B") + 2
    y = top
    for label, amount in rows:
        pdf.para(x, y, label, width=label_w - 2, max_lines=1)
        y = pdf.para(x + label_w, y, rupiah(amount), width=value_w, align="R")
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x, y + 0.5, _RIGHT, y + 0.5)
    y += 1.5
    pdf.para(x, y, "TOTAL", width=label_w, size=11, style="B")
    y = pdf.para(x + label_w, y, rupiah(order.money.total), width=value_w, size=11, style="B", align="R")
    return y + 2


def _footer(pdf: _Page, store: InvoiceStore, order: InvoiceOrder, top: float) -> None:
    y = top
    if order.notes and y < _PAGE_H - _MARGIN - 15:
        y = pdf.para(_MARGIN, y + 1, "CATATAN PEMBELI", width=_WIDTH, size=8, style="B", color=_GREY)
        room = int((_PAGE_H - _MARGIN - 8 - y) // (9 * _PT * 1.35))
        y = pdf.para(_MARGIN, y, order.notes, width=_WIDTH, max_lines=max(1, min(room, 8)))
    if y < _PAGE_H - _MARGIN - 5:
        pdf.para(
            _MARGIN,
            y + 3,
            f"Terima kasih telah berbelanja di {store.name}.",
            width=_WIDTH,
            size=8,
            color=_GREY,
            max_lines=1,
        )
