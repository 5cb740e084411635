"""Error codes of the store's reports (revenue, recaps): a period they refuse (422, with the field at fault)."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class ReportError(ErrorCode):
    period_out_of_bounds = "period_out_of_bounds", 422, "`from` or `to` is not between 2000-01-01 and 2100-12-31"
    period_reversed = "period_reversed", 422, "`from` is after `to`"
    period_too_long = (
        "period_too_long",
        422,
        "The period has more days than its granularity allows (day: 366, week: 1,100, month: 3,660)",
    )
