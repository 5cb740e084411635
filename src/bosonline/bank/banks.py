"""Indonesian banks a store can receive transfers in, by their Bank Indonesia code (sandi bank, 3 digits).

A static list: banks merge and rename a few times a decade, and a release updates it. A rekening stores only the
code, so a renamed bank shows its new name everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bank:
    code: str  # sandi bank (BI), 3 digits
    name: str  # the legal name, as on a transfer receipt
    short_name: str  # what sellers and buyers call it


BANKS: tuple[Bank, ...] = (
    Bank("002", "PT Bank Rakyat Indonesia (Persero) Tbk", "BRI"),
    Bank("008", "PT Bank Mandiri (Persero) Tbk", "Mandiri"),
    Bank("009", "PT Bank Negara Indonesia (Persero) Tbk", "BNI"),
    Bank("011", "PT Bank Danamon Indonesia Tbk", "Danamon"),
    Bank("013", "PT Bank Permata Tbk", "Permata"),
    Bank("014", "PT Bank Central Asia Tbk", "BCA"),
    Bank("016", "PT Bank Maybank Indonesia Tbk", "Maybank"),
    Bank("019", "PT Bank Panin Tbk", "Panin"),
    Bank("022", "PT Bank CIMB Niaga Tbk", "CIMB Niaga"),
    Bank("023", "PT Bank UOB Indonesia", "UOB"),
    Bank("028", "PT Bank OCBC NISP Tbk", "OCBC NISP"),
    Bank("031", "Citibank N.A.", "Citibank"),
    Bank("046", "PT Bank DBS Indonesia", "DBS"),
    Bank("087", "PT Bank HSBC Indonesia", "HSBC"),
    Bank("110", "PT Bank Pembangunan Daerah Jawa Barat dan Banten Tbk", "BJB"),
    Bank("111", "PT Bank DKI", "Bank DKI"),
    Bank("112", "PT Bank Pembangunan Daerah Daerah Istimewa Yogyakarta", "BPD DIY"),
    Bank("113", "PT Bank Pembangunan Daerah Jawa Tengah", "Bank Jateng"),
    Bank("114", "PT Bank Pembangunan Daerah Jawa Timur Tbk", "Bank Jatim"),
    Bank("115", "PT Bank Pembangunan Daerah Jambi", "Bank Jambi"),
    Bank("116", "PT Bank Aceh Syariah", "Bank Aceh Syariah"),
    Bank("117", "PT Bank Pembangunan Daerah Sumatera Utara", "Bank Sumut"),
    Bank("118", "PT Bank Pembangunan Daerah Sumatera Barat", "Bank Nagari"),
    Bank("119", "PT Bank Riau Kepri Syariah", "Bank Riau Kepri"),
    Bank("120", "PT Bank Pembangunan Daerah Sumatera Selatan dan Bangka Belitung", "Bank Sumsel Babel"),
    Bank("121", "PT Bank Pembangunan Daerah Lampung", "Bank Lampung"),
    Bank("122", "PT Bank Pembangunan Daerah Kalimantan Selatan", "Bank Kalsel"),
    Bank("123", "PT Bank Pembangunan Daerah Kalimantan Barat", "Bank Kalbar"),
    Bank("124", "PT Bank Pembangunan Daerah Kalimantan Timur dan Kalimantan Utara", "Bank Kaltimtara"),
    Bank("125", "PT Bank Pembangunan Daerah Kalimantan Tengah", "Bank Kalteng"),
    Bank("126", "PT Bank Pembangunan Daerah Sulawesi Selatan dan Sulawesi Barat", "Bank Sulselbar"),
    Bank("127", "PT Bank Pembangunan Daerah Sulawesi Utara dan Gorontalo", "Bank SulutGo"),
    Bank("128", "PT Bank NTB Syariah", "Bank NTB Syariah"),
    Bank("129", "PT Bank Pembangunan Daerah Bali", "Bank BPD Bali"),
    Bank("130", "PT Bank Pembangunan Daerah Nusa Tenggara Timur", "Bank NTT"),
    Bank("131", "PT Bank Pembangunan Daerah Maluku dan Maluku Utara", "Bank Maluku"),
    Bank("132", "PT Bank Pembangunan Daerah Papua", "Bank Papua"),
    Bank("133", "PT Bank Pembangunan Daerah Bengkulu", "Bank Bengkulu"),
    Bank("134", "PT Bank Pembangunan Daerah Sulawesi Tengah", "Bank Sulteng"),
    Bank("135", "PT Bank Pembangunan Daerah Sulawesi Tenggara", "Bank Sultra"),
    Bank("147", "PT Bank Muamalat Indonesia Tbk", "Muamalat"),
    Bank("153", "PT Bank Sinarmas Tbk", "Sinarmas"),
    Bank("200", "PT Bank Tabungan Negara (Persero) Tbk", "BTN"),
    Bank("213", "PT Bank SMBC Indonesia Tbk (d/h Bank BTPN)", "BTPN"),
    Bank("425", "PT Bank Jabar Banten Syariah", "BJB Syariah"),
    Bank("426", "PT Bank Mega Tbk", "Mega"),
    Bank("441", "PT Bank KB Indonesia Tbk (d/h KB Bukopin)", "KB Bank"),
    Bank("451", "PT Bank Syariah Indonesia Tbk", "BSI"),
    Bank("484", "PT Bank KEB Hana Indonesia", "KEB Hana"),
    Bank("490", "PT Bank Neo Commerce Tbk", "Bank Neo Commerce"),
    Bank("494", "PT Bank Raya Indonesia Tbk", "Bank Raya"),
    Bank("501", "PT Bank Digital BCA", "blu by BCA Digital"),
    Bank("506", "PT Bank Mega Syariah", "Mega Syariah"),
    Bank("517", "PT Bank Panin Dubai Syariah Tbk", "Panin Dubai Syariah"),
    Bank("535", "PT Bank Seabank Indonesia", "SeaBank"),
    Bank("536", "PT Bank BCA Syariah", "BCA Syariah"),
    Bank("542", "PT Bank Jago Tbk", "Bank Jago"),
    Bank("547", "PT Bank BTPN Syariah Tbk", "BTPN Syariah"),
    Bank("564", "PT Bank Mandiri Taspen", "Mandiri Taspen"),
    Bank("567", "PT Allo Bank Indonesia Tbk", "Allo Bank"),
)

BANKS_BY_CODE: dict[str, Bank] = {bank.code: bank for bank in BANKS}


def bank_of(code: str) -> Bank:
    """The bank of a stored code. A code a later release dropped still shows, named by its code."""
    return BANKS_BY_CODE.get(code) or Bank(code, f"Bank {code}", code)


def is_bank_code(code: str) -> bool:
    return code in BANKS_BY_CODE


def search_banks(q: str | None) -> list[Bank]:
    """Banks by code; with `q`, those whose code starts with it or whose name or short name contains it
    (case-insensitive, spaces ignored: "cimb niaga" and "CIMBNiaga" both find CIMB Niaga)."""
    if not q:
        return list(BANKS)
    needle = "".join(q.lower().split())
    if not needle:
        return list(BANKS)

    def squashed(text: str) -> str:
        return "".join(text.lower().split())

    return [
        bank
        for bank in BANKS
        if bank.code.startswith(needle) or needle in squashed(bank.name) or needle in squashed(bank.short_name)
    ]
