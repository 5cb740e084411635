"""The default follow-up set `POST …/follow-up-chats/generate` creates: what an Indonesian online seller sends
after an order, in four steps, with a text for each payment category. Placeholders are those of
kit/placeholders.py only (checked by the tests and again by validation when the set is saved)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultTemplate:
    name: str
    hours_after: int
    text_for_bank_transfer: str
    text_for_cod: str
    text_for_epayment: str


_SIGNATURE = "Salam,\n{{cs_name}} – {{store_name}}"

CONFIRMATION = DefaultTemplate(
    name="Konfirmasi Pesanan",
    hours_after=0,
    text_for_bank_transfer=(
        "Halo Kak {{customer_name}} 👋\n\n"
        "Terima kasih sudah berbelanja di {{store_name}}. Pesanan Kakak sudah kami terima:\n\n"
        "No. pesanan: {{order_number}}\n"
        "{{items}}\n"
        "Total: *{{total}}*\n\n"
        "Silakan transfer sesuai total di atas ke salah satu rekening berikut:\n"
        "{{bank_accounts}}\n\n"
        "Setelah transfer, mohon kirim foto bukti transfernya di sini ya Kak, supaya pesanan bisa langsung kami "
        "proses 🙏\n\n" + _SIGNATURE
    ),
    text_for_cod=(
        "Halo Kak {{customer_name}} 👋\n\n"
        "Terima kasih sudah memesan di {{store_name}}. Berikut detail pesanan Kakak:\n\n"
        "No. pesanan: {{order_number}}\n"
        "{{items}}\n"
        "Total bayar di tempat (COD): *{{total}}*\n\n"
        "Paket akan kami kirim ke alamat ini:\n"
        "{{address}}\n\n"
        "Mohon dicek ya Kak, apakah alamatnya sudah benar? Pembayaran sebesar {{total}} dilakukan langsung ke kurir "
        "saat paket sampai, jadi mohon disiapkan uangnya.\n\n"
        "Balas *YA* kalau alamat sudah sesuai dan Kakak siap membayar ke kurir, nanti pesanan langsung kami kirim "
        "🙏\n\n" + _SIGNATURE
    ),
    text_for_epayment=(
        "Halo Kak {{customer_name}} 👋\n\n"
        "Terima kasih sudah berbelanja di {{store_name}}. Pesanan Kakak sudah kami terima:\n\n"
        "No. pesanan: {{order_number}}\n"
        "{{items}}\n"
        "Total: *{{total}}*\n\n"
        "Pembayaran ({{payment_method}}) bisa langsung dilakukan lewat halaman berikut:\n"
        "{{payment_url}}\n\n"
        "Begitu pembayaran masuk, pesanan langsung kami proses ya Kak 🙏\n\n" + _SIGNATURE
    ),
)

PAYMENT_REMINDER = DefaultTemplate(
    name="Pengingat Pembayaran",
    hours_after=6,
    text_for_bank_transfer=(
        "Halo Kak {{customer_name}}, kami dari {{store_name}} 😊\n\n"
        "Mau mengingatkan, pesanan {{order_number}} masih menunggu pembayaran sebesar *{{total}}*.\n\n"
        "Transfer bisa ke rekening berikut:\n"
        "{{bank_accounts}}\n\n"
        "Kalau sudah transfer, kirim bukti transfernya di sini ya Kak supaya bisa segera kami cek. Terima kasih 🙏"
    ),
    text_for_cod=(
        "Halo Kak {{customer_name}}, kami dari {{store_name}} 😊\n\n"
        "Pesanan COD Kakak ({{order_number}}) sudah kami siapkan, tinggal menunggu konfirmasi dari Kakak. "
        "Pembayaran sebesar *{{total}}* nanti dilakukan langsung ke kurir saat paket tiba.\n\n"
        "Alamat pengiriman:\n"
        "{{address}}\n\n"
        "Balas *YA* kalau alamatnya sudah benar dan Kakak siap membayar ke kurir. Kalau ada perubahan alamat, "
        "kabari kami di sini ya 🙏"
    ),
    text_for_epayment=(
        "Halo Kak {{customer_name}}, kami dari {{store_name}} 😊\n\n"
        "Mau mengingatkan, pesanan {{order_number}} masih menunggu pembayaran sebesar *{{total}}*. Kakak bisa "
        "bayar dengan mudah lewat link ini:\n"
        "{{payment_url}}\n\n"
        "Pesanan langsung kami proses setelah pembayaran diterima. Terima kasih 🙏"
    ),
)

FOLLOW_UP_1 = DefaultTemplate(
    name="Follow Up 1",
    hours_after=24,
    text_for_bank_transfer=(
        "Halo Kak {{customer_name}} 🙏\n\n"
        "Pesanan Kakak di {{store_name}} ({{order_number}}) belum kami terima pembayarannya:\n"
        "{{items}}\n"
        "Total: *{{total}}*\n\n"
        "Apakah ada kendala saat transfer? Berikut rekening kami:\n"
        "{{bank_accounts}}\n\n"
        "Kalau ada yang ingin ditanyakan, balas saja pesan ini, {{cs_name}} siap membantu 😊"
    ),
    text_for_cod=(
        "Halo Kak {{customer_name}} 🙏\n\n"
        "Pesanan COD Kakak di {{store_name}} ({{order_number}}) masih menunggu konfirmasi sebelum kami kirim:\n"
        "{{items}}\n"
        "Total: *{{total}}*, dibayar ke kurir saat paket sampai.\n\n"
        "Apakah alamat berikut sudah benar?\n"
        "{{address}}\n\n"
        "Balas *YA* kalau sudah sesuai dan Kakak siap membayar ke kurir, supaya paketnya bisa segera dikirim. "
        "Ada pertanyaan? {{cs_name}} siap membantu 😊"
    ),
    text_for_epayment=(
        "Halo Kak {{customer_name}} 🙏\n\n"
        "Pesanan Kakak di {{store_name}} ({{order_number}}) belum dibayar:\n"
        "{{items}}\n"
        "Total: *{{total}}*\n\n"
        "Apakah ada kendala saat pembayaran? Link pembayarannya masih bisa dipakai:\n"
        "{{payment_url}}\n\n"
        "Kalau butuh bantuan, balas saja pesan ini, {{cs_name}} siap membantu 😊"
    ),
)

FOLLOW_UP_2 = DefaultTemplate(
    name="Follow Up 2",
    hours_after=48,
    text_for_bank_transfer=(
        "Halo Kak {{customer_name}},\n\n"
        "Ini pengingat terakhir dari {{store_name}} untuk pesanan {{order_number}} sebesar *{{total}}*. Kalau Kakak "
        "masih berminat, silakan transfer ke:\n"
        "{{bank_accounts}}\n\n"
        "lalu kirim bukti transfernya di sini. Kalau belum ada kabar, pesanan ini terpaksa kami batalkan supaya "
        "stoknya bisa untuk pembeli lain. Terima kasih Kak 🙏"
    ),
    text_for_cod=(
        "Halo Kak {{customer_name}},\n\n"
        "Ini pengingat terakhir dari {{store_name}} untuk pesanan COD {{order_number}} sebesar *{{total}}*. Kami "
        "belum menerima konfirmasi dari Kakak, jadi paketnya belum bisa kami kirim.\n\n"
        "Kalau masih berminat, balas *YA* dan pastikan alamat ini sudah benar:\n"
        "{{address}}\n\n"
        "Pembayaran dilakukan ke kurir saat paket sampai. Kalau belum ada kabar, pesanan ini terpaksa kami "
        "batalkan. Terima kasih Kak 🙏"
    ),
    text_for_epayment=(
        "Halo Kak {{customer_name}},\n\n"
        "Ini pengingat terakhir dari {{store_name}} untuk pesanan {{order_number}} sebesar *{{total}}*. Kalau Kakak "
        "masih berminat, pembayarannya bisa diselesaikan di sini:\n"
        "{{payment_url}}\n\n"
        "Kalau belum ada pembayaran, pesanan ini terpaksa kami batalkan supaya stoknya bisa untuk pembeli lain. "
        "Terima kasih Kak 🙏"
    ),
)

DEFAULT_SET: tuple[DefaultTemplate, ...] = (CONFIRMATION, PAYMENT_REMINDER, FOLLOW_UP_1, FOLLOW_UP_2)
