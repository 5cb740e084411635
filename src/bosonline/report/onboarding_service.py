"""On Boarding (`GET /store/onboarding`): the checklist of a new store, each step's done flag read from the
store's real rows in one statement (report/onboarding_repository.py)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.report.onboarding_repository import OnboardingRepository
from bosonline.report.onboarding_schemas import OnboardingOut, OnboardingStepOut
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


class Step(NamedTuple):
    key: str
    title: str
    description: str
    actions: tuple[str, ...]


STEPS = (
    Step(
        "payment",
        "Tambahkan rekening bank atau QRIS",
        "Pembeli perlu tahu ke mana membayar: rekening bank aktif atau QRIS toko.",
        ("POST /store/rekening", "PUT /store/qris"),
    ),
    Step(
        "warehouse_stock",
        "Siapkan gudang dan isi stok",
        "Pesanan dikirim dari gudang toko; varian tanpa stok tidak bisa dipesan.",
        ("POST /profile/warehouse", "PUT /store/warehouse", "PUT /store/inventory"),
    ),
    Step(
        "product",
        "Tambahkan produk pertama",
        "Produk dengan harga, berat dan HPP (untuk menghitung laba).",
        ("POST /store/product",),
    ),
    Step(
        "shipping_rates",
        "Atur ongkos kirim",
        "Tarif kurir per kg atau flat, per provinsi, agar ongkir dihitung otomatis.",
        ("PUT /store/shipping/rates",),
    ),
    Step(
        "published_form",
        "Terbitkan form checkout",
        "Form aktif berisi produk: tautannya yang dibagikan ke pembeli.",
        ("POST /store/form",),
    ),
    Step(
        "whatsapp",
        "Hubungkan nomor WhatsApp",
        "Nomor WhatsApp aktif untuk mengirim follow-up lewat gateway.",
        ("POST /store/wa-integration",),
    ),
    Step(
        "followup_templates",
        "Buat template follow-up",
        "Pesan follow-up 1, 2, 3… yang dikirim CS ke pembeli.",
        ("POST /store/follow-up-chats/generate", "POST /store/follow-up-chats"),
    ),
    Step(
        "first_order",
        "Terima pesanan pertama",
        "Bagikan tautan form; pesanan pertama akan muncul di daftar pesanan.",
        ("GET /store/order",),
    ),
    Step(
        "first_paid_order",
        "Terima pembayaran pertama",
        "Konfirmasi pembayaran pesanan yang sudah ditransfer atau dibayar.",
        ("POST /store/order/{order_id}/confirm-payment",),
    ),
)


class OnboardingService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.repo = OnboardingRepository(session, ctx)

    async def checklist(self) -> OnboardingOut:
        state = await self.repo.state()
        steps = [
            OnboardingStepOut(
                key=step.key,
                title=step.title,
                description=step.description,
                done=state[step.key],
                actions=list(step.actions),
            )
            for step in STEPS
        ]
        done = sum(step.done for step in steps)
        return OnboardingOut(
            steps=steps,
            done=done,
            total=len(steps),
            percent=done * 100 // len(steps),
            next_step=next((step.key for step in steps if not step.done), None),
        )
