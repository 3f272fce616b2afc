"""Write one deals table in the shapes real exports give it, from a plain truth.

The truth is a list of :class:`Deal` (Python dates and floats). Every writer here formats
it the way the export formats documented for the project do (ISO, US and day-first
dates; plain, ``$1,234.50``, ``USD 1,234.50`` and ``€ 1.234,50`` money; LF, CRLF and
CR-only line ends; Excel workbooks with date and number cells, a title-less header, blank
rows and a report footer), using only the standard library and xlsxwriter: nothing here
calls the loader. :func:`expected_deals` gives the canonical frame the loader must
return, built straight from the truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

HEADER = ("deal_id", "partner_id", "created_on", "closed_on", "outcome", "amount")
PARTNERS = (("P1", "Acme Resale"), ("P2", "Beta Tech"), ("P3", "Cobalt Services"))
FOOTER = (
    "Grand Totals ({n} records)",
    "Confidential Information - Do Not Distribute",
    "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
)


@dataclass(frozen=True)
class Deal:
    deal_id: str
    partner_id: str | None
    created: dt.date
    closed: dt.date | None
    outcome: str
    amount: float


def truth() -> list[Deal]:
    """A small table with thousands, cents, a direct deal and open deals with expected dates."""
    d = dt.date
    return [
        Deal("D1", "P1", d(2024, 1, 3), d(2024, 2, 25), "won", 1234.5),
        Deal("D2", "P2", d(2024, 1, 15), d(2024, 3, 1), "lost", 3000.0),
        Deal("D3", None, d(2024, 2, 1), d(2024, 12, 31), "open", 1200.0),
        Deal("D4", "P3", d(2024, 2, 20), d(2024, 4, 2), "won", 987654.32),
        Deal("D5", "P1", d(2024, 3, 5), d(2024, 3, 31), "open", 15.0),
        Deal("D6", "P2", d(2024, 3, 12), d(2024, 5, 17), "won", 250.75),
    ]


def expected_deals(deals: Sequence[Deal], *, currency: str | None = "USD") -> pl.DataFrame:
    """The canonical columns the loader must give for ``deals`` (no loader involved)."""
    return pl.DataFrame(
        {
            "deal_id": [x.deal_id for x in deals],
            "partner_id": [x.partner_id for x in deals],
            "created_on": [x.created for x in deals],
            "closed_on": [x.closed for x in deals],
            "outcome": [x.outcome for x in deals],
            "amount": [x.amount for x in deals],
            "currency": [currency] * len(deals),
        },
        schema={
            "deal_id": pl.String,
            "partner_id": pl.String,
            "created_on": pl.Date,
            "closed_on": pl.Date,
            "outcome": pl.String,
            "amount": pl.Float64,
            "currency": pl.String,
        },
    )


def date_text(day: dt.date | None, style: str) -> str:
    if day is None:
        return ""
    if style == "iso":
        return day.isoformat()
    if style == "us":
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style == "dayfirst":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == "salesforce":  # API datetime in UTC
        return f"{day.isoformat()}T16:14:25.000+0000"
    raise ValueError(style)


def _grouped(x: float, thousands: str, decimal: str) -> str:
    whole, cents = divmod(round(abs(x) * 100), 100)
    digits = str(whole)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    sign = "-" if x < 0 else ""
    return f"{sign}{thousands.join(groups)}{decimal}{cents:02d}"


def money_text(x: float, style: str) -> str:
    if style == "plain":
        return f"{x:.2f}"
    if style == "usd":
        return "$" + _grouped(x, ",", ".")
    if style == "code":
        return "USD " + _grouped(x, ",", ".")
    if style == "eur":
        return "€ " + _grouped(x, ".", ",")
    if style == "eur_plain":  # decimal comma, dot thousands, no symbol
        return _grouped(x, ".", ",")
    if style == "parens":  # accounting negatives
        return f"({_grouped(-x, ',', '.')})" if x < 0 else _grouped(x, ",", ".")
    raise ValueError(style)


def _quote(cell: str) -> str:
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def deals_csv(
    deals: Sequence[Deal],
    *,
    dates: str = "iso",
    money: str = "plain",
    line_end: str = "\n",
    footer: bool = False,
    bom: bool = False,
) -> bytes:
    rows = [list(HEADER)]
    rows += [
        [
            x.deal_id,
            x.partner_id or "",
            date_text(x.created, dates),
            date_text(x.closed, dates),
            x.outcome,
            money_text(x.amount, money),
        ]
        for x in deals
    ]
    lines = [",".join(_quote(c) for c in r) for r in rows]
    if footer:
        lines += [""] + [_quote(f.format(n=len(deals))) for f in FOOTER]
    text = line_end.join(lines) + line_end
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def partners_csv() -> bytes:
    return ("partner_id,name\n" + "".join(f"{p},{n}\n" for p, n in PARTNERS)).encode()


def deals_xlsx(
    path: Path,
    deals: Sequence[Deal],
    *,
    sheet: str = "Deals",
    blank_after: int | None = None,
    footer: bool = False,
    text_amounts: str | None = None,
    extra_sheets: Sequence[str] = (),
) -> Path:
    """Write an Excel workbook: date cells, number cells (or money text), optional dirt.

    ``blank_after`` inserts an empty row after that many data rows; ``footer`` adds a
    blank row and the report footer lines below the data.
    """
    book = xlsxwriter.Workbook(str(path))
    for name in extra_sheets:
        book.add_worksheet(name).write_row(0, 0, ["nothing", "here"])
    ws = book.add_worksheet(sheet)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)
    r = 1
    for i, x in enumerate(deals):
        if blank_after is not None and i == blank_after:
            r += 1
        ws.write_string(r, 0, x.deal_id)
        if x.partner_id is not None:
            ws.write_string(r, 1, x.partner_id)
        ws.write_datetime(r, 2, dt.datetime.combine(x.created, dt.time()), day)
        if x.closed is not None:
            ws.write_datetime(r, 3, dt.datetime.combine(x.closed, dt.time()), day)
        ws.write_string(r, 4, x.outcome)
        if text_amounts is None:
            ws.write_number(r, 5, x.amount)
        else:
            ws.write_string(r, 5, money_text(x.amount, text_amounts))
        r += 1
    if footer:
        r += 1
        for line in FOOTER:
            ws.write_string(r, 0, line.format(n=len(deals)))
            r += 1
    book.close()
    return path


def folder(root: Path, deals_file: str, data: bytes | None = None) -> Path:
    """A portfolio folder: partners.csv plus the deals file (``data`` written when given)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "partners.csv").write_bytes(partners_csv())
    if data is not None:
        (root / deals_file).write_bytes(data)
    return root
