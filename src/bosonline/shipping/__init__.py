"""Shipping: couriers, the store rate card and the rate-provider interface."""
