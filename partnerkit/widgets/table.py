"""A small HTML table of the top rows of a frame, with every cell escaped.

Partner names and notes come from partners' own systems: a name such as ``<b>Acme</b>`` must
show as typed, never as markup. Values are written by the package's one formatting
(:mod:`partnerkit.formatting`): money in whole units with the portfolio's currency, shares
as percentages, counts and other numbers with thousands separators, dates in ISO 8601, and
a missing value as ``n/a`` -- the same text as in the charts and the report.

Examples
--------
>>> import polars as pl
>>> frame = pl.DataFrame({"name": ["<b>Acme</b>", "Zeta"], "won_revenue": [1234.6, None]})
>>> table = html_table(frame, columns=("name", "won_revenue"), currency="EUR")
>>> print(table.split("<tbody>")[1].strip().replace('<td style="text-align:', "<td "))
<tr><td left">&lt;b&gt;Acme&lt;/b&gt;</td><td right">EUR 1,235</td></tr>
<tr><td left">Zeta</td><td right">n/a</td></tr>
</tbody></table>
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence

import polars as pl

from partnerkit import formatting as fmt

__all__ = [
    "MONEY_SUFFIXES",
    "WIDGET_CSS",
    "format_cell",
    "format_value",
    "html_table",
    "is_money",
    "text_table",
]

WIDGET_CSS = (
    "<style>"
    ".pk-table{border-collapse:collapse;font-size:12px;margin:4px 0}"
    ".pk-table th,.pk-table td{padding:2px 8px;line-height:1.35;vertical-align:top;"
    "white-space:nowrap;border-bottom:1px solid #E4E8EC}"
    ".pk-table th{border-bottom:1px solid #9AA4AE}"
    ".pk-table td:last-child{white-space:normal}"
    "</style>"
)
"""Styles for :func:`html_table` inside widgets (notebook outputs have their own)."""

SHARE_COLUMNS: frozenset[str] = frozenset(
    {"share", "cum_share", "win_rate", "our_effort_share", "vital_share", "zero_value_share"}
)
"""Columns holding a fraction in [0, 1], shown as a percentage."""

MONEY_SUFFIXES: tuple[str, ...] = ("revenue", "pipeline", "investment", "amount", "at_stake")
"""Column names ending so hold money (written with the portfolio's currency)."""

SIGNED_COLUMNS: frozenset[str] = frozenset({"revenue_trend", "reciprocity"})
"""Columns in [-1, 1] written with their sign."""

MONEY_COLUMNS: frozenset[str] = frozenset(
    {
        "investment_over_tiered",
        "mean_deal",
        "mean_deal_lo",
        "mean_deal_hi",
        # the what-if's parts (partnerkit.decisions.whatif)
        "won_revenue_at_risk",
        "sourced_revenue_at_risk",
        "influenced_revenue_at_risk",
        "open_pipeline_touched",
        "investment_freed",
        "won_revenue_total",
        "sourced_revenue_total",
        "influenced_revenue_total",
        "open_pipeline_total",
        "investment_total",
    }
)
"""Columns of money whose names do not end in a :data:`MONEY_SUFFIXES` word."""

MONEY_CHANGE_COLUMNS: frozenset[str] = frozenset({"qoq_change", "yoy_change"})
"""Changes of won revenue (:mod:`partnerkit.metrics.change`), written as money with a sign."""

QUARTER_COLUMNS: frozenset[str] = frozenset({"quarter"})
"""Columns holding a quarter's first day, written as the quarter (``Q3 2025``)."""

WHOLE_COLUMNS: frozenset[str] = frozenset(
    {"won_deals", "lost_deals", "deals_created", "activities", "overlap_accounts", "partners"}
)
"""Counts that may come as floats: written as whole numbers."""


def is_money(column: str, /) -> bool:
    """Whether ``column`` holds an amount of money (by its name).

    Examples
    --------
    >>> is_money("won_revenue"), is_money("open_pipeline"), is_money("win_rate")
    (True, True, False)
    >>> is_money("investment_over_tiered"), is_money("mean_deal"), is_money("qoq_change")
    (True, True, True)
    """
    return column.endswith(MONEY_SUFFIXES) or column in MONEY_COLUMNS | MONEY_CHANGE_COLUMNS


def is_share(column: str, /) -> bool:
    """Whether ``column`` holds a fraction in [0, 1] (shown as a percentage).

    Examples
    --------
    >>> is_share("vital_value_share_before"), is_share("win_rate"), is_share("shared_accounts")
    (True, True, False)
    >>> is_share("qoq_change_pct")
    True
    """
    return (
        column in SHARE_COLUMNS
        or "share" in column.split("_")
        or column.endswith(("_rate", "_pct"))
    )


def format_value(value: object, /, *, column: str = "", currency: str | None = None) -> str:
    """Return a value as readable plain text, in the package's one formatting.

    Money columns (:func:`is_money`) are written by :func:`partnerkit.formatting.money` with
    ``currency``; shares (:func:`is_share`) by :func:`~partnerkit.formatting.percent`;
    trends and balances in [-1, 1] by :func:`~partnerkit.formatting.signed`; whole numbers
    by :func:`~partnerkit.formatting.count`, other numbers with two decimals by
    :func:`~partnerkit.formatting.number`; dates by :func:`~partnerkit.formatting.date`; a
    missing value (``None``, NaN) is :data:`partnerkit.formatting.MISSING`; lists are
    joined with commas.

    Requires columns: none.

    Examples
    --------
    >>> format_value(0.8123, column="share"), format_value(12000), format_value(None)
    ('81%', '12,000', 'n/a')
    >>> format_value(1234567.4, column="won_revenue", currency="USD"), format_value(71.55)
    ('USD 1,234,567', '71.55')
    >>> format_value(dt.date(2026, 1, 2)), format_value(-0.25, column="revenue_trend")
    ('2026-01-02', '-0.25')
    >>> format_value(dt.datetime(2026, 1, 2, 9, 30, 15, tzinfo=dt.UTC))
    '2026-01-02 09:30 UTC'

    Changes of won revenue carry their sign, in money and as a percentage; a quarter reads
    as the quarter; a whole number in a float column reads as a whole number:

    >>> format_value(108232.04, column="qoq_change", currency="USD")
    'USD +108,232'
    >>> format_value(0.053, column="qoq_change_pct"), format_value(dt.date(2025, 7, 1),
    ...     column="quarter")
    ('+5.3%', 'Q3 2025')
    >>> format_value(318.0, column="won_deals"), format_value(0.25, column="lift")
    ('318', '0.25')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):  # to the minute; UTC said once
        zone = " UTC" if value.utcoffset() == dt.timedelta(0) else ""
        return f"{value:%Y-%m-%d %H:%M}{zone}"
    if isinstance(value, dt.date):
        return fmt.quarter(value) if column in QUARTER_COLUMNS else fmt.date(value)
    if isinstance(value, int | float):
        if column in MONEY_CHANGE_COLUMNS:
            return fmt.signed_money(value, currency)
        if is_money(column):
            return fmt.money(value, currency)
        if isinstance(value, int):
            return fmt.count(value)
        if column.endswith("_change_pct"):
            return fmt.signed_percent(value)
        if is_share(column):
            return fmt.percent(value)
        if column in SIGNED_COLUMNS:
            return fmt.signed(value)
        if value.is_integer() and column in WHOLE_COLUMNS:
            return fmt.count(int(value))
        return fmt.number(value, digits=2)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def format_cell(value: object, /, *, column: str = "", currency: str | None = None) -> str:
    """Return a cell as readable, escaped HTML text (see :func:`format_value`).

    Requires columns: none.

    Examples
    --------
    >>> format_cell(0.8123, column="share"), format_cell(12000), format_cell("a&b")
    ('81%', '12,000', 'a&amp;b')
    """
    return html.escape(format_value(value, column=column, currency=currency))


def html_table(
    frame: pl.DataFrame,
    /,
    *,
    columns: Sequence[str],
    limit: int = 15,
    highlight: str | None = None,
    currency: str | None = None,
    right: Sequence[str] = (),
) -> str:
    """Render the first ``limit`` rows of ``columns`` as an HTML table, every cell escaped.

    Column headers have underscores replaced by spaces. When ``highlight`` names a boolean
    column, rows where it is true are shown in bold. Columns missing from ``frame`` are
    skipped, so a table can ask for optional columns. Money is written with ``currency``.
    Numbers are right-aligned, and so are the columns of ``right`` (figures already written).

    Requires columns: any of ``columns`` (those present are shown).

    Examples
    --------
    >>> frame = pl.DataFrame({"partner_id": ["p1", "p2", "p3"], "vital": [True, False, False]})
    >>> html_table(frame, columns=("partner_id",), limit=1, highlight="vital").count("<tr")
    2
    """
    shown = [c for c in columns if c in frame.columns]
    numeric = {c for c in shown if frame.schema[c].is_numeric() or c in right}
    align = {c: "right" if c in numeric else "left" for c in shown}
    head = "".join(
        f'<th style="text-align:{align[c]}">{html.escape(c.replace("_", " "))}</th>' for c in shown
    )
    rows = []
    bold = highlight is not None and highlight in frame.columns
    for record in frame.head(limit).iter_rows(named=True):
        style = ' style="font-weight:bold"' if bold and record[str(highlight)] else ""
        cells = "".join(
            f'<td style="text-align:{align[c]}">'
            f"{format_cell(record[c], column=c, currency=currency)}</td>"
            for c in shown
        )
        rows.append(f"<tr{style}>{cells}</tr>")
    body = "\n".join(rows)
    return (
        f'<table class="pk-table"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'
    )


def text_table(
    frame: pl.DataFrame,
    /,
    *,
    columns: Sequence[str] | None = None,
    limit: int = 15,
    currency: str | None = None,
    right: Sequence[str] = (),
) -> str:
    """Render the first ``limit`` rows as aligned plain text (numbers right-aligned).

    Values as :func:`format_value` writes them (money with ``currency``); the columns of
    ``right`` (figures already written) are right-aligned too.

    Requires columns: any of ``columns`` (default: all).

    Examples
    --------
    >>> frame = pl.DataFrame({"name": ["Acme", "Bo"], "won_revenue": [1234.6, 7.0]})
    >>> print(text_table(frame, currency="EUR"))
    name  won revenue
    Acme    EUR 1,235
    Bo          EUR 7
    """
    shown = [c for c in (columns or frame.columns) if c in frame.columns]
    numeric = {c for c in shown if frame.schema[c].is_numeric() or c in right}
    head = [c.replace("_", " ") for c in shown]
    body = [
        [format_value(record[c], column=c, currency=currency) for c in shown]
        for record in frame.head(limit).iter_rows(named=True)
    ]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(shown))]
    lines = [
        "  ".join(
            cell.rjust(w) if c in numeric else cell.ljust(w)
            for cell, w, c in zip(row, widths, shown, strict=True)
        ).rstrip()
        for row in [head, *body]
    ]
    if frame.height > limit:
        lines.append(f"... {frame.height - limit:,} more rows")
    return "\n".join(lines)
