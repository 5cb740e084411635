"""Couriers bosonline knows by code (the codes aggregators use). A store's rate card and forms pick from these."""

from __future__ import annotations

COURIERS: dict[str, str] = {
    "jne": "JNE",
    "jnt": "J&T Express",
    "sicepat": "SiCepat",
    "anteraja": "AnterAja",
    "pos": "POS Indonesia",
    "tiki": "TIKI",
    "ninja": "Ninja Xpress",
    "idexpress": "ID Express",
    "sap": "SAP Express",
    "lion": "Lion Parcel",
    "wahana": "Wahana",
    "spx": "SPX Express",
    "gosend": "GoSend",
    "grab": "GrabExpress",
    "kurir_toko": "Kurir Toko",  # the seller's own delivery
}


def courier_name(code: str) -> str:
    return COURIERS.get(code, code.upper())
