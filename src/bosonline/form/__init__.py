"""Checkout forms: what a public checkout page offers and asks."""
