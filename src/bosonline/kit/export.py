"""Streamed CSV and XLSX downloads of any size.

Rows come from an async iterator that reads the database in keyset batches (`batched_rows`) through a session of
its own: the request's session is closed by the time the body is streamed. CSV is written and sent batch by
batch. XLSX is written by XlsxWriter in constant-memory mode to a temporary file (the format is a zip whose
directory comes last, so it cannot be sent before it is complete) and then streamed from disk; the CPU-bound
writing runs in a worker thread so the event loop keeps serving other requests.
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import xlsxwriter
from fastapi import Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

ExportFormat = Literal["csv", "xlsx"]
# A download route's `?format=`.
FormatQuery = Annotated[ExportFormat, Query(description="`csv` (UTF-8 with BOM) or `xlsx`.")]

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BATCH_SIZE = 1000
_CHUNK_BYTES = 64 * 1024
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection); such text is prefixed
# with an apostrophe in CSV. XLSX cells are written as strings, never formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def batched_rows(
    session: AsyncSession,
    stmt: Select[Any],
    key: InstrumentedAttribute[Any],
    to_row: Callable[[Any], Any],
    *,
    batch_size: int = BATCH_SIZE,
    scalars: bool = True,
    key_of: Callable[[Any], int] | None = None,
) -> AsyncIterator[list[Any]]:
    """Batches of `to_row(item)` for the rows of `stmt` in ascending `key` (a unique integer column) order,
    `batch_size` at a time, so memory holds one batch whatever the table's size. With `scalars=False` the items
    are result rows and `key_of(row)` gives the row's `key` value."""
    after: int | None = None
    while True:
        page = stmt.order_by(key.asc()).limit(batch_size)
        if after is not None:
            page = page.where(key > after)
        result = await (session.scalars(page) if scalars else session.execute(page))
        items = list(result.all())
        if not items:
            return
        yield [to_row(item) for item in items]
        last = items[-1]
        after = key_of(last) if key_of else getattr(last, key.key)
        if len(items) < batch_size:
            return


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


async def _csv_body(header: Sequence[str], batches: AsyncIterator[list[Sequence[Any]]]) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 (names with accents, emoji) correctly
    writer.writerow(header)
    async for batch in batches:
        writer.writerows([[_csv_cell(value) for value in row] for row in batch])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; exports state UTC in the header
    return value


async def _xlsx_body(
    header: Sequence[str], batches: AsyncIterator[list[Sequence[Any]]], sheet: str
) -> AsyncIterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        workbook = xlsxwriter.Workbook(
            spool,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "in_memory": False},
        )
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        worksheet.write_row(0, 0, list(header), bold)
        worksheet.freeze_panes(1, 0)
        next_row = 1

        def write(batch: list[Sequence[Any]], first: int) -> None:
            for offset, row in enumerate(batch):
                for column, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, datetime):
                        worksheet.write_datetime(first + offset, column, _xlsx_cell(value), stamp)
                    elif isinstance(value, str):
                        worksheet.write_string(first + offset, column, value)
                    elif isinstance(value, date):
                        worksheet.write_datetime(first + offset, column, value, stamp)
                    else:
                        worksheet.write(first + offset, column, value)

        async for batch in batches:
            await asyncio.to_thread(write, batch, next_row)
            next_row += len(batch)
        await asyncio.to_thread(workbook.close)
        spool.seek(0)
        while chunk := await asyncio.to_thread(spool.read, _CHUNK_BYTES):
            yield chunk


async def _started(batches: AsyncIterator[list[Sequence[Any]]]) -> AsyncIterator[list[Sequence[Any]]]:
    """`batches` with its first batch already read: a failing first query raises here, while the route can still
    answer an error envelope, instead of after a 200 and the header row have been sent (a cut-off download)."""
    try:
        first = await anext(batches)
    except StopAsyncIteration:
        first = None

    async def rest() -> AsyncIterator[list[Sequence[Any]]]:
        if first is None:
            return
        yield first
        async for batch in batches:
            yield batch

    return rest()


async def download_response(
    fmt: ExportFormat,
    filename_stem: str,
    header: Sequence[str],
    batches: AsyncIterator[list[Sequence[Any]]],
) -> StreamingResponse:
    """A streamed attachment `<filename_stem>.<fmt>` with the right content type; the first batch is read before
    the response starts."""
    batches = await _started(batches)
    body = _csv_body(header, batches) if fmt == "csv" else _xlsx_body(header, batches, filename_stem)
    return StreamingResponse(body, media_type=CONTENT_TYPES[fmt], headers=attachment_headers(f"{filename_stem}.{fmt}"))


def attachment_headers(filename: str) -> dict[str, str]:
    """A download named `filename` (ASCII, from `filename_stem`), never cached."""
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return {"Content-Disposition": disposition, "Cache-Control": "no-store"}


def filename_stem(kind: str, store_label: str, now: datetime, timezone: str) -> str:
    """`<kind>-<store>-<YYYYMMDD>`, the date in the store's time zone, safe for any file system."""
    # ASCII only: an HTTP header cannot carry other characters (a store named in another script gets "store").
    label = "".join(ch if (ch.isascii() and ch.isalnum()) or ch == "-" else "-" for ch in store_label.lower())
    label = label.strip("-") or "store"
    return f"{kind}-{label}-{now.astimezone(ZoneInfo(timezone)):%Y%m%d}"
