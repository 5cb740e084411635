"""A store's numbers: revenue and profit over time, recaps per product, per CS and per store, and the onboarding
checklist computed from the store's real state."""
