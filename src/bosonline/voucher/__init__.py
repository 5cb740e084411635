"""Vouchers: seller CRUD and the rules checkout applies."""
