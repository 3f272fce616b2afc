"""Notebook display: set-up for offline charts, and readable tables and key figures.

Altair's default HTML renderer fetches vega from a public CDN, so a chart stays blank on a
machine without internet. :func:`setup_notebook` switches every chart to the ``partnerkit``
renderer: altair's JupyterChart widget in offline mode (the JavaScript comes from
vl-convert, shipped with the package), whose plain-text form names the chart by its title
instead of a memory address, so that a notebook opened before it is run says what each
chart will show. It also enables the partnerkit theme. Nothing happens at import: notebooks
call it in their first code cell.

:func:`table` and :func:`figures` show frames and key figures with readable numbers, as an
HTML table in JupyterLab and as aligned plain text elsewhere; both forms are stable from run
to run, so nbval checks the figures they show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl
from altair.utils.schemapi import debug_mode

from partnerkit import formatting as fmt
from partnerkit.charts import theme
from partnerkit.charts.export import chart_from_spec, enable_offline_widgets
from partnerkit.facts import Facts
from partnerkit.load import PortfolioError, Problem
from partnerkit.load.read import SourceError
from partnerkit.metrics.change import (
    QUARTER_COLUMNS,
    change_lines,
    counted_only,
    quarter_changes_of,
)
from partnerkit.metrics.pareto import vital_few_sentence
from partnerkit.metrics.reciprocity import judged_effort_share
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.results import AnalysisLike
from partnerkit.schema import TABLE_ORDER

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell
from partnerkit.charts.onepager import not_counted_figures
from partnerkit.widgets.errors import ExportError, SettingError
from partnerkit.widgets.table import format_value, html_table, is_money, text_table

__all__ = [
    "FIGURE_LABELS",
    "FIXES",
    "RENDERER",
    "WIDGET_PLACEHOLDER",
    "Notes",
    "Notice",
    "ProblemList",
    "Table",
    "WidgetPlaceholders",
    "change_figures",
    "chart_label",
    "counted_changes",
    "data_summary",
    "denominator_note",
    "figure_label",
    "figures",
    "headline",
    "notes",
    "offline_renderer",
    "one_sided_table",
    "overlap_table",
    "problem_list",
    "setup_notebook",
    "table",
    "vital_presence",
    "what_if_figures",
    "widget_chart",
    "with_names",
]

TABLE_ROWS = 25
"""Rows shown when a notebook prints a polars frame."""


RENDERER = "partnerkit"
"""Name of the offline chart renderer registered by :func:`setup_notebook`."""

WIDGET_PLACEHOLDER = "Interactive output: run this cell to show it (the kernel is not running it)."
"""What a chart or control of a reopened notebook shows until its cell runs again."""


class WidgetPlaceholders:
    """A style sheet that shows :data:`WIDGET_PLACEHOLDER` where a widget has no model.

    Widget outputs (charts, explorer, decision board) live in the kernel. A notebook saved
    and reopened (JupyterLab autosaves) no longer has them, and JupyterLab's widget renderer
    writes "Error displaying widget: model not found" in their place: it marks that node
    with the ``jupyter-widgets`` class and puts no element in it, unlike a rendered widget.
    This style hides that text and shows the placeholder instead. It is a display output of
    the set-up cell, so it is saved with the notebook and applies when it is reopened.
    Untrusted notebooks do not render widgets at all: they show each widget's plain text
    (the chart titles, "Portfolio explorer (run the notebook to use it)").

    Examples
    --------
    >>> "model" not in repr(WidgetPlaceholders())
    True
    >>> WIDGET_PLACEHOLDER in WidgetPlaceholders()._repr_html_()
    True
    """

    SELECTOR = ".jp-OutputArea-output.jupyter-widgets:not(:has(*))"

    def __repr__(self) -> str:
        return "Charts and controls appear when the cells run."

    def _repr_html_(self) -> str:
        text = WIDGET_PLACEHOLDER.replace('"', '\\"')
        return (
            "<style>"
            f"{self.SELECTOR}{{visibility:hidden;position:relative;min-height:2.2em}}"
            f'{self.SELECTOR}::before{{visibility:visible;content:"{text}";position:absolute;'
            "left:0;top:0;padding:0.4em 0.7em;color:#57606a;background:#f6f8fa;"
            "border:1px dashed #afb8c1;border-radius:4px;font-style:italic}"
            "</style>"
        )


def chart_label(spec: Mapping[str, Any], /) -> str:
    """Return the plain-text stand-in of a chart: its title and subtitle.

    Examples
    --------
    >>> chart_label({"title": {"text": "Pareto", "subtitle": "25 of 128 partners"}})
    'Chart: Pareto (25 of 128 partners)'
    >>> chart_label({"mark": "bar"})
    'Chart'
    """
    title = spec.get("title")
    if isinstance(title, Mapping):
        text, sub = title.get("text"), title.get("subtitle")
    else:
        text, sub = title, None

    def join(part: object) -> str:
        return " ".join(map(str, part)) if isinstance(part, list) else str(part)

    label = f"Chart: {join(text)}" if text else "Chart"
    return f"{label} ({join(sub)})" if sub else label


_TOP_LEVEL: tuple[tuple[str, type[alt.TopLevelSpec]], ...] = (
    ("layer", alt.TopLevelLayerSpec),
    ("hconcat", alt.TopLevelHConcatSpec),
    ("vconcat", alt.TopLevelVConcatSpec),
    ("concat", alt.TopLevelConcatSpec),
    ("facet", alt.TopLevelFacetSpec),
)


def widget_chart(spec: dict[str, Any], /) -> alt.TopLevelSpec:
    """Wrap a Vega-Lite spec for ``alt.JupyterChart`` without parsing it into chart objects.

    The widget reads the chart's top-level ``params`` (to watch its selections) and its
    ``to_dict()`` (validated there, once); only the parameters become altair objects, the
    views stay the dicts they are, under the top-level class of the spec's kind (``layer``,
    ``hconcat``, ``vconcat``, ``concat``, ``facet``, else a single view; a ``repeat`` spec
    is parsed by :func:`partnerkit.charts.export.chart_from_spec`).
    ``alt.Chart.from_dict``, even unvalidated, matches every nested dict against the schema
    to pick its class: about 0.3 s for the explorer's Pareto chart of the sample and 2 s for
    a partner's one-pager.

    Examples
    --------
    >>> spec = {"layer": [{"mark": "bar"}, {"mark": "line"}],
    ...         "params": [{"name": "pick", "select": "point", "views": ["v"]}]}
    >>> chart = widget_chart(spec)
    >>> type(chart).__name__, chart.to_dict(validate=False) == spec
    ('TopLevelLayerSpec', True)
    """
    if "repeat" in spec:  # its top-level class has no ``params`` to read: parsed as altair does
        return chart_from_spec(spec)
    kind = next((cls for key, cls in _TOP_LEVEL if key in spec), alt.TopLevelUnitSpec)
    with debug_mode(False):
        params = [
            (alt.TopLevelSelectionParameter if "select" in p else alt.VariableParameter).from_dict(
                p, validate=False
            )
            for p in spec.get("params", [])
        ]
        return kind(**({**spec, "params": params} if params else spec))


def offline_renderer(spec: dict[str, Any], **metadata: object) -> dict[str, Any]:
    """Render a chart spec as an offline JupyterChart widget named by its title.

    Examples
    --------
    >>> offline_renderer({"mark": "point"})["text/plain"]  # doctest: +SKIP
    'Chart'
    """
    enable_offline_widgets()
    options = metadata.get("embed_options")
    chart = alt.JupyterChart(
        widget_chart(spec), embed_options=options if isinstance(options, dict) else None
    )
    bundle = chart._repr_mimebundle_()
    raw = bundle[0] if isinstance(bundle, tuple) else bundle
    data: dict[str, Any] = dict(raw or {})
    data["text/plain"] = chart_label(spec)
    return data


def setup_notebook(shell: InteractiveShell | None = None) -> None:
    """Enable the partnerkit theme, offline charts and friendly loading errors in a kernel.

    Charts become JupyterChart widgets whose JavaScript is bundled by vl-convert, so no CDN
    is contacted (see :func:`offline_renderer`). Printed polars frames show up to
    :data:`TABLE_ROWS` rows, without dtypes. A :class:`~partnerkit.PortfolioError` or
    :class:`~partnerkit.SourceError` raised by a cell shows as a :func:`problem_list` (table,
    column, rule, rows, how to fix it) instead of a traceback, and a
    :class:`~partnerkit.widgets.errors.SettingError` (a setting naming what the data does not
    have) or :class:`~partnerkit.widgets.errors.ExportError` (a folder that cannot be written)
    as its one-sentence message; the cell still fails, so *Run All* stops there. The cell's
    output is :class:`WidgetPlaceholders`: once the notebook is saved and reopened, each
    widget reads "run this cell" instead of an error.
    ``shell`` defaults to the running IPython shell (none: no hook, no output).

    Examples
    --------
    >>> setup_notebook()  # doctest: +SKIP
    """
    if shell is None:
        try:
            from IPython import get_ipython  # noqa: PLC0415
        except ImportError:  # pragma: no cover - notebooks always have IPython
            get_ipython = None
        shell = get_ipython() if get_ipython is not None else None
    if shell is not None:
        shell.set_custom_exc(  # type: ignore[no-untyped-call]
            (PortfolioError, SourceError, SettingError, ExportError), _show_problems
        )
        shell.display_pub.publish(
            {
                "text/plain": repr(WidgetPlaceholders()),
                "text/html": WidgetPlaceholders()._repr_html_(),
            }
        )
    theme.enable()
    enable_offline_widgets()
    alt.renderers.register(RENDERER, offline_renderer)
    alt.renderers.enable(RENDERER)
    pl.Config.set_tbl_rows(TABLE_ROWS)
    pl.Config.set_tbl_hide_column_data_types(active=True)
    pl.Config.set_tbl_hide_dataframe_shape(active=True)


FIXES: dict[str, str] = {
    "empty_file": "export the table again: the file has no bytes",
    "no_rows": "export the table again with its rows, or leave the optional table out",
    "delimiter": "save the file as comma-separated CSV (or Parquet)",
    "unreadable": "save the file as CSV with a header row (or Parquet)",
    "missing_table": "name the files partners.csv and deals.csv, or pass them: "
    "read_portfolio({'partners': 'my_partners.csv', 'deals': 'my_deals.csv'})",
    "unknown_table": "rename the file to a table name (partners, deals, activities, "
    "investments, overlaps) or pass read_portfolio({'deals': 'file.csv', ...})",
    "ambiguous_file": "keep one file per table in the folder, or pass the files by name",
    "missing_column": "map your column to it: read_portfolio(source, mapping={'TABLE': "
    "{'Your column': 'COLUMN'}}), or use a preset: preset='salesforce'",
    "duplicate_column": "map only one source column to it (map the other to '' to ignore it)",
    "unknown_mapping": "use the column names of the file's header in mapping=",
    "wrong_type": "fix the values in the file, or set the bad rows aside: "
    "read_portfolio(source, quarantine=True)",
    "mixed_currency": "convert with a rate table: read_portfolio(source, currency='EUR', "
    "rates='rates.csv'), or keep one currency: read_portfolio(source, currency='EUR')",
    "bad_date": "write the dates as YYYY-MM-DD, or read_portfolio(source, quarantine=True)",
    "bad_number": "fix the numbers in the file, or read_portfolio(source, quarantine=True)",
    "bad_flag": "use true/false, or read_portfolio(source, quarantine=True)",
    "not_allowed": "map your values: read_portfolio(source, values={'TABLE': {'COLUMN': "
    "{'Your value': 'allowed value'}}})",
    "missing_value": "fill the value in the file, or read_portfolio(source, quarantine=True)",
    "negative": "fix the amounts in the file, or read_portfolio(source, quarantine=True)",
    "duplicate": "give each row its own id, or read_portfolio(source, quarantine=True)",
    "unknown_partner": "add the partner to the partners table, or fix the id; "
    "read_portfolio(source, quarantine=True) sets these rows aside",
    "duplicate_partner_name": "use the partner's id instead of its name in these rows "
    "(several partners share that name), or read_portfolio(source, quarantine=True)",
    "closed_without_date": "add the close date, or read_portfolio(source, quarantine=True)",
    "close_before_create": "fix the dates, or read_portfolio(source, quarantine=True)",
    "ends_before_starts": "fix the dates, or read_portfolio(source, quarantine=True)",
    "other_currency": "convert these deals: read_portfolio(source, currency='EUR', "
    "rates='rates.csv'), or read_portfolio(source, quarantine=True)",
    "blank_currency": "fill in the deal's currency in the file, or "
    "read_portfolio(source, quarantine=True)",
    "source": "check the source setting in the first cell",
}
"""How to fix each rule's problem, in Python where an argument of ``read_portfolio`` helps."""


def _fix(problem: Problem) -> str:
    if problem.rule == "missing_table" and "exports: pass preset=" in problem.message:
        preset = problem.message.rsplit("pass preset=", 1)[1]
        return f"set preset = {preset} in the settings cell: the folder holds its exports"
    text = FIXES.get(problem.rule, "fix the rows in the source file")
    return text.replace("TABLE", problem.table).replace("COLUMN", problem.column or "column")


def _first_rows(problem: Problem) -> str:
    shown = ", ".join(
        f"{problem.row_kind} {n}: {'null' if v is None else repr(v)}" for n, v in problem.rows[:3]
    )
    more = problem.count - min(len(problem.rows), 3)
    return shown + (f" (+{more:,} more)" if shown and more > 0 else "")


class ProblemList:
    """Loading problems as a table (HTML in JupyterLab, aligned text elsewhere).

    One row per problem: table, column, rule, how many rows, the first offending rows (line
    numbers in the source file) and how to fix it.

    Examples
    --------
    >>> err = PortfolioError([Problem("deals", "amount", "negative", 2, [(3, "-5")])])
    >>> print(repr(ProblemList.of(err)))  # doctest: +NORMALIZE_WHITESPACE
    The data has 1 problem: nothing was loaded.
    table  column  rule      rows  first rows     how to fix it
    deals  amount  negative     2  line 3: '-5' (+1 more) fix the amounts in the file, or
    read_portfolio(source, quarantine=True)
    """

    def __init__(self, frame: pl.DataFrame, /, *, heading: str) -> None:
        self.frame = frame
        self.heading = heading

    @classmethod
    def of(cls, error: Exception, /) -> ProblemList:
        """Build the list for a :class:`PortfolioError` or a :class:`SourceError`."""
        if isinstance(error, PortfolioError):
            problems = error.problems
        else:
            problems = [Problem("source", None, "source", 0, message=str(error))]
        n = len(problems)
        heading = f"The data has {n} problem{'s' if n != 1 else ''}: nothing was loaded."
        frame = pl.DataFrame(
            {
                "table": [p.table for p in problems],
                "column": [p.column or "" for p in problems],
                "rule": [p.rule for p in problems],
                "rows": [p.count for p in problems],
                "first rows": [_first_rows(p) or p.message for p in problems],
                "how to fix it": [_fix(p) + _nearby(p) for p in problems],
            },
            schema={
                "table": pl.String,
                "column": pl.String,
                "rule": pl.String,
                "rows": pl.Int64,
                "first rows": pl.String,
                "how to fix it": pl.String,
            },
        )
        return cls(frame, heading=heading)

    def __repr__(self) -> str:
        body = text_table(self.frame, columns=self.frame.columns, limit=self.frame.height)
        return f"{self.heading}\n{body}"

    def _repr_html_(self) -> str:
        return (
            f"<div class='pk-problems'><p><b>{_escape(self.heading)}</b></p>"
            + html_table(self.frame, columns=self.frame.columns, limit=self.frame.height)
            + "</div>"
        )


def problem_list(error: Exception, /) -> ProblemList:
    """Show what is wrong with the data (or the source given) as a readable table.

    Examples
    --------
    >>> problem_list(SourceError("data/sampels is not a folder")).frame["rule"].to_list()
    ['source']
    """
    return ProblemList.of(error)


def _nearby(problem: Problem) -> str:
    """For a source that is not a folder, name the folders with a similar name."""
    import difflib  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    if problem.rule != "source" or " is not a folder" not in problem.message:
        return ""
    path = Path(problem.message.split(" is not a folder", 1)[0])
    parent = path.parent if path.parent.is_dir() else None
    if parent is None:
        return ""
    names = [p.name for p in parent.iterdir() if p.is_dir()]
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(str(parent / n)) for n in close)}?" if close else ""


def _show_problems(
    shell: InteractiveShell,
    etype: type[BaseException],
    value: BaseException,
    tb: object,
    tb_offset: int | None = None,
) -> list[str]:
    """IPython custom exception handler: show the problem list (or the message), no traceback."""
    from IPython.display import display  # noqa: PLC0415

    if isinstance(value, SettingError | ExportError):
        display(Notice(str(value)))  # type: ignore[no-untyped-call]
        return [f"{etype.__name__}: {value}"]

    shown = ProblemList.of(value if isinstance(value, Exception) else Exception(str(value)))
    display(shown)  # type: ignore[no-untyped-call]
    return [f"{etype.__name__}: {shown.heading} (listed above)"]


class Notice:
    """One sentence a notebook shows in place of a traceback (a setting, an export).

    Examples
    --------
    >>> Notice("No partner 'P9' in this portfolio.")
    No partner 'P9' in this portfolio.
    >>> Notice("a <b>")._repr_html_()
    "<div class='pk-problems'><p><b>a &lt;b&gt;</b></p></div>"
    """

    def __init__(self, text: str, /) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"<div class='pk-problems'><p><b>{_escape(self.text)}</b></p></div>"


class Table:
    """A frame shown as an escaped HTML table in JupyterLab and as plain text elsewhere.

    Examples
    --------
    >>> t = Table(pl.DataFrame({"name": ["<i>x</i>"], "share": [0.5]}))
    >>> print(repr(t))
    name      share
    <i>x</i>    50%
    >>> "&lt;i&gt;" in t._repr_html_()
    True
    """

    def __init__(
        self,
        frame: pl.DataFrame,
        /,
        *,
        columns: Sequence[str] | None = None,
        limit: int = 20,
        title: str | None = None,
        currency: str | None = None,
        right: Sequence[str] = (),
    ) -> None:
        self.frame = frame
        self.columns = tuple(columns or frame.columns)
        self.limit = limit
        self.title = title
        self.currency = currency
        self.right = tuple(right)

    def __repr__(self) -> str:
        text = text_table(
            self.frame,
            columns=self.columns,
            limit=self.limit,
            currency=self.currency,
            right=self.right,
        )
        return f"{self.title}\n{text}" if self.title else text

    def _repr_html_(self) -> str:
        more = self.frame.height - self.limit
        tail = f"<p>… {more:,} more rows</p>" if more > 0 else ""
        head = f"<p><b>{_escape(self.title)}</b></p>" if self.title else ""
        body = html_table(
            self.frame,
            columns=self.columns,
            limit=self.limit,
            currency=self.currency,
            right=self.right,
        )
        return head + body + tail


def table(
    frame: pl.DataFrame,
    /,
    *,
    columns: Sequence[str] | None = None,
    limit: int = 20,
    title: str | None = None,
    currency: str | None = None,
) -> Table:
    """Show the first ``limit`` rows of ``columns`` with readable numbers.

    Money is written in whole units with ``currency``, the portfolio's ISO code
    (:func:`partnerkit.facts.portfolio_currency`).

    Requires columns: any of ``columns`` (absent ones are skipped; default: all).

    Examples
    --------
    >>> table(pl.DataFrame({"partner_id": ["p1", "p2"], "won_revenue": [1e6, 2.4]}),
    ...       currency="USD")
    partner id    won revenue
    p1          USD 1,000,000
    p2                  USD 2
    """
    return Table(frame, columns=columns, limit=limit, title=title, currency=currency)


OVERLAP_WORKED = "worked"
"""Column of :func:`overlap_table`: co-sell potential minus its untapped part, as the chart."""
OVERLAP_UNTAPPED = "untapped"
"""Column of :func:`overlap_table`: the co-sell potential with no deal through the partner."""
OVERLAP_ANY = "any_overlap_account_with_a_deal"
"""Column of :func:`overlap_table`: ``realized_overlap``, inside the co-sell potential or not."""


def overlap_table(
    scorecard: pl.DataFrame, /, *, limit: int = 25, currency: str | None = None
) -> Table:
    """Show the figures of the overlap chart, partner by partner, in the chart's order.

    The partners are those :func:`partnerkit.charts.overlap.overlap_chart` draws by default
    (most untapped potential first; ties: more overlap accounts, then ``partner_id``). The
    columns are the chart's: overlap accounts, co-sell potential, and its two coloured parts,
    *worked* (potential minus untapped: a deal in the window) and *untapped* (no deal yet),
    which add up to the potential. The
    scorecard's ``realized_overlap`` counts every overlap account with a deal, inside the
    co-sell potential or not, so it is named for what it is ("any overlap account with a
    deal") and can exceed *worked*.

    Requires columns: ``partner_id``, ``overlap_accounts``, ``cosell_potential``,
    ``untapped_overlap`` (``name``, ``state``, ``realized_overlap`` and
    ``overlap_open_pipeline`` are shown when present).

    Examples
    --------
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"],
    ...     "overlap_accounts": [9, 5], "cosell_potential": [7, 5], "realized_overlap": [3, 1],
    ...     "untapped_overlap": [5, 5]})
    >>> overlap_table(card)  # doctest: +NORMALIZE_WHITESPACE
    name  partner id  overlap accounts  co-sell potential  worked  untapped  any overlap account with a deal
    A     a                          9                  7       2         5                                3
    B     b                          5                  5       0         5                                1
    """  # noqa: E501
    potential = pl.col("cosell_potential").fill_null(0)
    untapped = pl.col("untapped_overlap").fill_null(0)
    rows = (
        scorecard.sort(
            ["untapped_overlap", "overlap_accounts", "partner_id"],
            descending=[True, True, False],
            nulls_last=True,
        )
        .head(limit)
        .with_columns(
            pl.col("cosell_potential").alias("co-sell_potential"),
            (potential - untapped).alias(OVERLAP_WORKED),
            untapped.alias(OVERLAP_UNTAPPED),
            *(
                [pl.col("realized_overlap").alias(OVERLAP_ANY)]
                if "realized_overlap" in scorecard.columns
                else []
            ),
        )
    )
    columns = [
        "name",
        "partner_id",
        "state",
        "overlap_accounts",
        "co-sell_potential",
        OVERLAP_WORKED,
        OVERLAP_UNTAPPED,
        OVERLAP_ANY,
        "overlap_open_pipeline",
    ]
    return Table(rows, columns=columns, limit=limit, currency=currency)


def one_sided_table(scorecard: pl.DataFrame, /, *, limit: int = 20) -> Table:
    """Show the relationships where we do most of the work, the most one-sided first.

    ``our effort`` is our share of the hours where both sides recorded hours, else our share
    of the activities with a known initiator (as ``one_sided`` judges it, and written so:
    ``90% of activities``); rows are ordered by that share, then by name.

    Requires columns: ``name``, ``partner_id``, ``one_sided``, ``our_effort_share``,
    ``partner_initiated_share``, ``referrals_given``, ``referrals_received``.

    Examples
    --------
    >>> card = pl.DataFrame({"name": ["A", "B", "C"], "partner_id": ["a", "b", "c"],
    ...     "one_sided": [True, True, False], "our_effort_share": [0.8, None, 0.9],
    ...     "partner_initiated_share": [0.5, 0.1, 0.0], "referrals_given": [3, 1, 0],
    ...     "referrals_received": [0, 0, 0]})
    >>> one_sided_table(card)
    Relationships where we do most of the work
    name  partner id  our effort         referrals given  referrals received
    B     b           90% of activities                1                   0
    A     a           80%                              3                   0
    """
    rows = (
        scorecard.filter(pl.col("one_sided").fill_null(value=False))
        .with_columns(_share=judged_effort_share())
        .sort(["_share", "name"], descending=[True, False], nulls_last=True)
    )
    effort = [
        fmt.effort_share(hours, initiated)
        for hours, initiated in zip(
            rows["our_effort_share"], rows["partner_initiated_share"], strict=True
        )
    ]
    frame = rows.select(
        "name",
        "partner_id",
        pl.Series("our_effort", effort, dtype=pl.String),
        "referrals_given",
        "referrals_received",
    )
    return Table(frame, limit=limit, title="Relationships where we do most of the work")


_TOP_SHARES = {"top20_share": 0.2, "top10_share": 0.1, "top5_share": 0.05}


FIGURE_LABELS: dict[str, str] = {
    "partners": "Partners in the denominator",
    "total_value": "Total {value}",
    "vital_count": "Vital few (partners)",
    "vital_share": "Vital few, share of the partners",
    "vital_value_share": "Vital few's share of {value}",
    "zero_value_share": "Partners with no {value}",
    "top20_share": "Top 20% produce",
    "top10_share": "Top 10% produce",
    "top5_share": "Top 5% produce",
    "gini": "Gini",
    "hhi": "HHI (sum of squared shares)",
    "benchmark_position": "Against 80/20, 90/10, 95/5",
    "partner_id": "Partner id",
    "implied_tier": "Tier its results earn",
    "health": "Health (0-100)",
    "untapped_overlap": "Shared accounts not yet co-sold",
    "rank": "Rank",
    "vital": "In the vital few",
}
"""What :func:`figures` calls each key figure (``{value}``: the value the concentration is
read on); other keys read as their name in words (``won_revenue``: "Won revenue")."""


def figure_label(key: str, /, *, value: str = Policy().pareto_value) -> str:
    """Name a key figure in words (:data:`FIGURE_LABELS`), else its name in words.

    Examples
    --------
    >>> figure_label("top20_share"), figure_label("total_value", value="won_deals")
    ('Top 20% produce', 'Total won deals')
    >>> figure_label("open_pipeline")
    'Open pipeline'
    """
    text = FIGURE_LABELS.get(key, key.replace("_", " ").capitalize())
    return text.replace("{value}", value.replace("_", " "))


def figures(
    values: Mapping[str, Any],
    /,
    *,
    keys: Sequence[str] | None = None,
    currency: str | None = None,
) -> Table:
    """Show key figures as a two-column table: figure, value.

    Figures are named in words (:func:`figure_label`); values are written as the tables
    write them (:func:`partnerkit.widgets.table.format_value`, the shared formatting):
    shares (names ending in ``_share`` or ``_rate``) as percentages, money in whole units
    with ``currency`` (the portfolio's ISO code), counts whole, other numbers with two
    decimals. The concentration's ``total_value`` is money when its ``value_column`` is. A
    partner not counted in the portfolio (``counted`` false: a prospect, an exited partner)
    shows ``"<status>, not rated"`` as its state and ``n/a`` as its stage
    (:func:`partnerkit.charts.onepager.not_counted_figures`).

    Examples
    --------
    >>> figures({"partners": 128, "vital_share": 0.1875, "total_value": 28648040.58,
    ...          "value_column": "won_revenue"}, keys=["partners", "vital_share",
    ...          "total_value"], currency="USD")
    figure                            value
    Partners in the denominator       128
    Vital few, share of the partners  19%
    Total won revenue                 USD 28,648,041

    The shares of the top 20%, 10% and 5% say how many partners they cover, as in the report
    (:func:`partnerkit.formatting.top_share`), when ``partners`` is among the values:

    >>> figures({"partners": 113, "top20_share": 0.7429})
    figure                       value
    Partners in the denominator  113
    Top 20% produce              74% (top 22.6 of 113, on the curve)
    """
    names = [k for k in (keys or values.keys()) if k in values]
    value = str(values.get("value_column") or "won_revenue")
    words = not_counted_figures(values)

    def written(key: str) -> str:
        if key in words:
            return words[key]
        if key in _TOP_SHARES and values.get("partners") is not None:
            return fmt.top_share(values[key], values["partners"], fraction=_TOP_SHARES[key])
        if key in ("gini", "hhi"):
            return fmt.number(values[key], digits=2 if key == "gini" else 3)
        if key == "benchmark_position":  # naming the closest, as the report and CLI do
            return fmt.benchmark(values)
        if key == "total_value":
            column = value if is_money(value) else "total"
            return format_value(values[key], column=column, currency=currency)
        return format_value(values[key], column=key, currency=currency)

    frame = pl.DataFrame(
        {
            "figure": [figure_label(k, value=value) for k in names],
            "value": [written(k) for k in names],
        },
        schema={"figure": pl.String, "value": pl.String},
    )
    return Table(frame, limit=len(names))


def counted_changes(analysis: AnalysisLike, /) -> pl.DataFrame:
    """Each counted partner's change of won revenue, quarter on quarter and year on year.

    :func:`partnerkit.metrics.change.quarter_changes_of` of the analysis' facts, for the
    partners the report's change figures and summary tiles count: ``counted`` in the
    scorecard (status in ``policy.include_statuses``, signed by as_of). An exited partner or
    a prospect has no share in the won revenue beside the changes, so its quarters do not
    count in the portfolio's change either. Each row carries the partner's ``name`` and
    ``recommendation``; an analysis without stage-1 facts gives no rows.

    Returns ``partner_id``, ``name``, ``recommendation`` and
    :data:`~partnerkit.metrics.change.QUARTER_COLUMNS`, in the order of the facts' partners.

    Examples
    --------
    >>> import datetime as dt
    >>> from partnerkit.analysis import analyze
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"],
    ...         "status": ["active", "exited"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
    ...         "created_on": ["2025-01-05"] * 2, "closed_on": ["2025-05-01"] * 2,
    ...         "outcome": ["won", "won"], "amount": [100.0, 900.0]}))
    >>> counted_changes(analyze(p, as_of=dt.date(2025, 6, 30)))["partner_id"].to_list()
    ['a']
    """
    card = analysis.scorecard
    wanted = [col for col in ("partner_id", "name", "recommendation") if col in card.columns]
    facts = getattr(analysis, "facts", None)
    if not isinstance(facts, Facts):
        schema = {col: card.schema[col] for col in wanted} | dict.fromkeys(
            QUARTER_COLUMNS, pl.Float64
        )
        return pl.DataFrame(schema=schema | {"quarter": pl.Date})
    return (
        counted_only(quarter_changes_of(facts).collect(), card)
        .join(card.select(wanted), on="partner_id", how="inner", maintain_order="left")
        .select(*wanted, *QUARTER_COLUMNS)
    )


def change_figures(
    changes: pl.DataFrame, /, *, currency: str | None = None, partner_id: str | None = None
) -> Table:
    """Show the change of won revenue as key figures: the quarter, QoQ and YoY.

    ``changes`` is :func:`counted_changes` (or
    :func:`partnerkit.metrics.change.quarter_changes`); the figures are the totals of its
    partners, or one partner's with ``partner_id``, written as the report writes its change
    figures: the latest complete quarter's won revenue, then its change against the quarter
    before and the same quarter a year earlier, in money with its sign and as a percentage
    of the quarter compared. A quarter the data does not cover says so instead of counting
    as 0.

    Requires columns: ``partner_id``, ``quarter``, ``quarter_revenue``,
    ``prior_quarter_revenue``, ``year_ago_quarter_revenue``.

    Examples
    --------
    >>> import datetime as dt
    >>> changes = pl.DataFrame({"partner_id": ["a", "b"],
    ...     "quarter": [dt.date(2025, 7, 1)] * 2, "quarter_revenue": [100.0, 30.0],
    ...     "prior_quarter_revenue": [40.0, 0.0], "year_ago_quarter_revenue": [50.0, 0.0]})
    >>> change_figures(changes, currency="EUR")
    figure                               value
    Won revenue in Q3 2025               EUR 130
    Quarter on quarter, against Q2 2025  EUR +90 (+225%)
    Year on year, against Q3 2024        EUR +80 (+160%)
    """
    lines = change_lines(changes, currency=currency, partner_id=partner_id)
    labels = [label for label, _ in lines]
    values = [value for _, value in lines]
    frame = pl.DataFrame(
        {"figure": labels, "value": values}, schema={"figure": pl.String, "value": pl.String}
    )
    return Table(frame, limit=max(frame.height, 1))


def denominator_note(summary: Mapping[str, Any], /, *, denominator: str) -> str:
    """Say how many partners the concentration counts before and after a what-if's exits.

    The concentration is read on the partners of the policy's ``denominator`` (active
    partners by default): exiting a partner outside it (one already exited, a prospect)
    leaves the count as it was. The note says how many of the exited partners were in it.

    Requires keys: ``partners_exited``, ``partners_before``, ``partners_after``
    (:attr:`partnerkit.decisions.whatif.WhatIf.summary`).

    Examples
    --------
    >>> denominator_note({"partners_exited": 101, "partners_before": 131,
    ...     "partners_after": 131}, denominator="active")
    "131 before and after: the 101 exited partners were not in the concentration's \
denominator (active partners)"
    >>> denominator_note({"partners_exited": 3, "partners_before": 131,
    ...     "partners_after": 129}, denominator="active")
    '131 before, 129 after: 2 of the 3 exited partners were in the denominator, 1 was not'
    >>> denominator_note({"partners_exited": 2, "partners_before": 10, "partners_after": 8},
    ...     denominator="active")
    '10 before, 8 after'
    """
    exited = int(summary.get("partners_exited") or 0)
    before, after = summary.get("partners_before"), summary.get("partners_after")
    if before is None or after is None:
        return fmt.MISSING
    inside = int(before) - int(after)
    outside = exited - inside
    if exited and not inside:
        them = "the exited partner was" if exited == 1 else f"the {exited:,} exited partners were"
        return (
            f"{fmt.count(before)} before and after: {them} not in the concentration's "
            f"denominator ({denominator} partners)"
        )
    text = f"{fmt.count(before)} before, {fmt.count(after)} after"
    if outside > 0:
        were = ("was" if inside == 1 else "were", "was" if outside == 1 else "were")
        text += (
            f": {fmt.count(inside)} of the {fmt.count(exited)} exited partners {were[0]} in "
            f"the denominator, {fmt.count(outside)} {were[1]} not"
        )
    return text


def _of_total(part: object, total: object, share: object, currency: str | None) -> str:
    money = [p if isinstance(p, int | float) else None for p in (part, total)]
    written = f"{fmt.money(money[0], currency)} of {fmt.money(money[1], currency)}"
    return written + f" ({fmt.percent(share if isinstance(share, float) else None)})"


_WHAT_IF_MONEY = (
    ("won_revenue_at_risk", "won_revenue", "Won revenue at risk"),
    ("sourced_revenue_at_risk", "sourced_revenue", "Partner-sourced revenue at risk"),
    ("influenced_revenue_at_risk", "influenced_revenue", "Influenced revenue at risk"),
    ("open_pipeline_touched", "open_pipeline", "Open pipeline touched"),
    ("investment_freed", "investment", "Investment freed"),
)


def what_if_figures(
    summary: Mapping[str, Any], /, *, policy: Policy, currency: str | None = None
) -> Table:
    """Show what exiting partners would do, as key figures in words.

    ``summary`` is :attr:`partnerkit.decisions.whatif.WhatIf.summary`. Money is written in
    whole units with ``currency`` (the portfolio's ISO code), each part beside its total
    and share; the concentration before and after is read on the partners of the
    ``policy``'s denominator, and the figure of its partners says how many of the exited
    partners were in it (:func:`denominator_note`).

    Examples
    --------
    >>> from partnerkit.policy import Policy
    >>> summary = {"partners_exited": 2, "won_revenue_at_risk": 1500.4,
    ...     "won_revenue_at_risk_share": 0.1, "won_revenue_total": 15004.0,
    ...     "accounts_covered": 40, "accounts_uncovered": 3, "accounts_uncovered_share": 0.075,
    ...     "partners_before": 12, "partners_after": 12, "vital_count_before": 3,
    ...     "vital_count_after": 3, "gini_before": 0.5, "gini_after": 0.52}
    >>> what_if_figures(summary, policy=Policy(), currency="EUR")  # doctest: +NORMALIZE_WHITESPACE
    figure                                 value
    Partners exited                        2
    Won revenue at risk                    EUR 1,500 of EUR 15,004 (10%)
    Accounts left without a partner        3 of 40 (7.5%)
    Partners in the concentration          12 before and after: the 2 exited partners were
    not in the concentration's denominator (active partners)
    Vital few                              3 before, 3 after
    Gini                                   0.50 before, 0.52 after
    """
    rows: list[tuple[str, str]] = [("Partners exited", fmt.count(summary.get("partners_exited")))]
    for name, column, label in _WHAT_IF_MONEY:
        if name in summary:
            part = summary[name]
            total, share = summary.get(column + "_total"), summary.get(name + "_share")
            rows.append((label, _of_total(part, total, share, currency)))
    if "accounts_uncovered" in summary:
        accounts = (
            f"{fmt.count(summary['accounts_uncovered'])} of "
            f"{fmt.count(summary.get('accounts_covered'))} "
            f"({fmt.percent(summary.get('accounts_uncovered_share'))})"
        )
        rows.append(("Accounts left without a partner", accounts))
    for key, label in (
        ("regions_uncovered", "Regions left without a partner"),
        ("types_uncovered", "Partner types left without a partner"),
    ):
        if key in summary:
            rows.append((label, fmt.count(summary[key])))
    if "partners_before" in summary:
        note = denominator_note(summary, denominator=policy.denominator)
        rows.append(("Partners in the concentration", note))
    value = policy.pareto_value.replace("_", " ")
    compared: tuple[tuple[str, str, Any], ...] = (
        ("vital_count", "Vital few", fmt.count),
        ("vital_value_share", f"Vital few's share of {value}", fmt.percent),
        ("top20_share", f"Top 20% of partners' share of {value}", fmt.percent),
        ("gini", "Gini", lambda v: fmt.number(v, digits=2)),
        ("hhi", "HHI (sum of squared shares)", lambda v: fmt.number(v, digits=3)),
    )
    for key, label, write in compared:
        if key + "_before" in summary:
            then, now = summary[key + "_before"], summary.get(key + "_after")
            rows.append((label, f"{write(then)} before, {write(now)} after"))
    frame = pl.DataFrame(rows, schema={"figure": pl.String, "value": pl.String}, orient="row")
    return Table(frame, limit=frame.height)


def with_names(frame: pl.DataFrame, partners: pl.DataFrame, /, *columns: str) -> pl.DataFrame:
    """Name the partners of ``columns``: long CRM ids alone say nothing to a reader.

    A ``partner_id`` column gains a ``name`` column before it; any other column of ids (a
    pair's ``partner_a``, a list such as ``exited_partners``) is written ``Name (id)``, a
    list's partners joined by commas. An id without a name is left as it is.

    Requires columns: ``partner_id``, ``name`` in ``partners`` (the scorecard); ``columns``
    in ``frame`` (default: ``partner_id``).

    Examples
    --------
    >>> partners = pl.DataFrame({"partner_id": ["001a", "001b"], "name": ["Acme", "Bolt"]})
    >>> pairs = pl.DataFrame({"partner_a": ["001a"], "partner_b": ["001c"]})
    >>> with_names(pairs, partners, "partner_a", "partner_b").row(0)
    ('Acme (001a)', '001c')
    >>> accounts = pl.DataFrame({"account_id": ["x"], "exited_partners": [["001a", "001b"]]})
    >>> with_names(accounts, partners, "exited_partners")["exited_partners"][0]
    'Acme (001a), Bolt (001b)'
    >>> with_names(pl.DataFrame({"partner_id": ["001b"], "lift": [1.2]}), partners).columns
    ['name', 'partner_id', 'lift']
    """
    names = dict(partners.select("partner_id", "name").iter_rows())

    def named(pid: str | None) -> str | None:
        return pid if pid is None or names.get(pid) is None else f"{names[pid]} ({pid})"

    out = frame
    for column in columns or ("partner_id",):
        values = frame[column]
        if column == "partner_id":
            name = pl.Series("name", [names.get(p) for p in values], dtype=pl.String)
            out = out.drop("name", strict=False)
            out = out.insert_column(out.columns.index(column), name)
        elif isinstance(values.dtype, pl.List):
            written = [None if v is None else ", ".join(map(str, map(named, v))) for v in values]
            out = out.with_columns(pl.Series(column, written, dtype=pl.String))
        else:
            out = out.with_columns(pl.Series(column, map(named, values), dtype=pl.String))
    return out


def headline(concentration: pl.DataFrame, /, *, currency: str | None = None) -> str:
    """Return one sentence on the concentration of the portfolio.

    Written with the shared formatting: shares as percentages, a money total in whole units
    with ``currency`` (the portfolio's ISO code).

    Requires columns: ``partners``, ``denominator``, ``vital_count``, ``vital_share``,
    ``vital_value_share``, ``value_column``, ``total_value``, ``gini``,
    ``benchmark_position`` (the one-row ``analysis.concentration``).

    Examples
    --------
    >>> c = pl.DataFrame({"denominator": ["active"], "value_column": ["won_revenue"],
    ...     "partners": [128], "vital_count": [24], "vital_share": [0.1875],
    ...     "vital_value_share": [0.8163], "total_value": [28648040.58], "gini": [0.7745],
    ...     "benchmark_position": ["as concentrated as 80/20 (not 90/10): the top 20% make 81%"]})
    >>> print(headline(c, currency="USD"))  # doctest: +NORMALIZE_WHITESPACE
    24 of 128 partners (19%) produce 82% of won revenue (USD 28,648,041 in total;
    active partners). Gini 0.77; as concentrated as 80/20 (not 90/10): the top
    20% make 81%.
    """
    c: dict[str, Any] = concentration.row(0, named=True)
    column = str(c["value_column"])
    total = c["total_value"] or 0
    written = fmt.money(total, currency) if is_money(column) else fmt.number(total, digits=2)
    sentence = vital_few_sentence(
        partners=c["partners"],
        vital_count=c["vital_count"],
        vital_value_share=c["vital_value_share"],
        value=column,
    )
    return (
        f"{sentence[:1].upper()}{sentence[1:]} ({written} in total; {c['denominator']} "
        f"partners). Gini {fmt.number(c['gini'], digits=2)}; "
        f"{fmt.benchmark(c) if c.get('benchmark_position') else 'closest to none'}."
    )


def vital_presence(
    vital_quarters: pl.DataFrame, scorecard: pl.DataFrame, /, *, limit: int = 30
) -> Table:
    """Show in which quarters each partner of today's vital few was also vital.

    One row per partner vital now (best rank first), one column per calendar quarter (oldest
    first, labelled like ``Q1 2025``) marked ``yes`` when the partner was vital that quarter,
    and the count of such quarters.

    Requires columns: ``vital_quarters``: ``partner_id``, ``quarter``, ``vital``;
    ``scorecard``: ``partner_id``, ``name``, ``rank``, ``vital``.

    Examples
    --------
    >>> import datetime as dt
    >>> q1, q2 = dt.date(2025, 1, 1), dt.date(2025, 4, 1)
    >>> vq = pl.DataFrame({"partner_id": ["a", "a", "b"], "quarter": [q1, q2, q2],
    ...                    "vital": [True, True, False]})
    >>> card = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"], "rank": [1, 2],
    ...                      "vital": [True, False]})
    >>> vital_presence(vq, card)
    name  Q1 2025  Q2 2025  quarters vital
    A     yes      yes                   2
    """
    now = scorecard.filter(pl.col("vital").fill_null(value=False)).sort("rank")
    quarters = sorted(vital_quarters["quarter"].unique().to_list())
    marks = (
        vital_quarters.filter(pl.col("vital"))
        .with_columns(
            pl.format("Q{} {}", pl.col("quarter").dt.quarter(), pl.col("quarter").dt.year()),
            mark=pl.lit("yes"),
        )
        .pivot("quarter", index="partner_id", values="mark")
    )
    names = [fmt.quarter(q) for q in quarters]
    missing = [pl.lit("").alias(q) for q in names if q not in marks.columns]
    frame = (
        now.select("partner_id", "name")
        .join(marks, on="partner_id", how="left", maintain_order="left")
        .with_columns(*missing)
        .with_columns(pl.col(names).fill_null(""))
        .with_columns(quarters_vital=pl.sum_horizontal(pl.col(names) == "yes"))
        .select("name", *names, "quarters_vital")
    )
    return Table(frame, limit=limit)


class Notes:
    """The analysis notes as a short list: what could not be computed, and why.

    Examples
    --------
    >>> print(repr(Notes(("No tiers: the tier audit is empty.",))))
    - No tiers: the tier audit is empty.
    >>> print(repr(Notes(())))
    No notes: every analysis had the data it needs.
    """

    def __init__(self, notes: Sequence[str], /) -> None:
        self.notes = tuple(notes)

    def __repr__(self) -> str:
        if not self.notes:
            return "No notes: every analysis had the data it needs."
        return "\n".join(f"- {n}" for n in self.notes)

    def _repr_html_(self) -> str:
        if not self.notes:
            return f"<p>{_escape(repr(self))}</p>"
        items = "".join(f"<li>{_escape(n)}</li>" for n in self.notes)
        return f"<ul class='pk-notes'>{items}</ul>"


def notes(analysis: Any, /) -> Notes:  # noqa: ANN401  (an Analysis, or anything with .notes)
    """Show the notes of an analysis: analyses left empty or degraded, and why.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> notes(SimpleNamespace(notes=("No activity log.",)))
    - No activity log.
    """
    return Notes(analysis.notes)


def data_summary(portfolio: Portfolio, /) -> Table:
    """Show what was loaded: rows per table and the columns the source did not have.

    Examples
    --------
    >>> from partnerkit.load import from_frames
    >>> p = from_frames(
    ...     partners=pl.DataFrame({"partner_id": ["p1"], "name": ["Acme"]}),
    ...     deals=pl.DataFrame({"deal_id": ["d1"], "partner_id": ["p1"],
    ...         "created_on": ["2025-01-05"], "closed_on": ["2025-03-01"],
    ...         "outcome": ["won"], "amount": [1200.0]}))
    >>> data_summary(p).frame.select("table", "rows", "supplied").rows()[:3]
    [('partners', 1, True), ('deals', 1, True), ('activities', 0, False)]

    When quarantine set rows aside, a ``set_aside`` column counts them per table (the rows
    themselves, with line, record id and rule, are in ``portfolio.quarantine``).
    """
    counts = pl.collect_all([portfolio.table(name).select(pl.len()) for name in TABLE_ORDER])
    missing = portfolio.missing()
    frame = pl.DataFrame(
        {
            "table": list(TABLE_ORDER),
            "rows": [int(c.item()) for c in counts],
            "supplied": [portfolio.has(name) for name in TABLE_ORDER],
            "columns_not_supplied": [
                ", ".join(missing[name]) if portfolio.has(name) else "(whole table)"
                for name in TABLE_ORDER
            ],
        }
    )
    aside = portfolio.rows_set_aside()
    if aside:
        frame = frame.with_columns(set_aside=pl.Series([aside[name] for name in TABLE_ORDER]))
    return Table(frame, limit=len(TABLE_ORDER))


def _escape(text: str) -> str:
    import html  # noqa: PLC0415

    return html.escape(text)
