"""Stock per variant per warehouse, the log of every change, and the reservations orders make."""
