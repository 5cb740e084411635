"""Error codes of report: the periods of recaps."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class ReportError(ErrorCode):
    period_reversed = "period_reversed", 422, "The period's first day (`from`) is after its last day (`to`)"
    period_too_long = "period_too_long", 422, "The period is longer than 366 days"
    period_out_of_range = "period_out_of_range", 422, "A day of the period is outside 2000-01-01…2100-12-31"
