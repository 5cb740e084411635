"""Per-order follow-ups: the CS lists and Follow Up, stats, and what an order sees of its follow-ups (hooks.py)."""
