"""How buyers pay: QRIS (static payload of the store, dynamic per order)."""
