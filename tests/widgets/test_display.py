"""Notebook display helpers: offline set-up, stable tables and figures, exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import altair as alt
import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.charts import theme
from partnerkit.charts.concentration import pareto_chart
from partnerkit.charts.export import chart_from_spec
from partnerkit.decisions.whatif import prune
from partnerkit.load import from_frames
from partnerkit.policy import Policy
from partnerkit.portfolio import Portfolio
from partnerkit.report.content import change_figures as report_change_figures
from partnerkit.widgets.board import whatif_lines
from partnerkit.widgets.display import (
    RENDERER,
    change_figures,
    chart_label,
    counted_changes,
    figures,
    headline,
    offline_renderer,
    setup_notebook,
    table,
    what_if_figures,
    widget_chart,
    with_names,
)
from partnerkit.widgets.drill import trace, trace_table
from partnerkit.widgets.explorer import PortfolioExplorer
from partnerkit.widgets.exports import ExportPanel
from partnerkit.widgets.state import reflag


@pytest.fixture
def restore_altair():
    renderer, active_theme = alt.renderers.active, alt.theme.active
    options = dict(alt.renderers.options)
    with pl.Config():  # polars settings are restored on exit
        yield
    alt.renderers.enable(renderer, **options)
    alt.theme.enable(active_theme)


def test_setup_notebook_enables_offline_rendering(restore_altair) -> None:
    setup_notebook()
    assert alt.renderers.active == RENDERER
    assert alt.JupyterChart._is_offline  # its JavaScript is bundled, not fetched
    assert alt.theme.active == theme.THEME_NAME
    # A chart now displays as a widget, named by its title in plain text.
    chart = (
        alt.Chart(pl.DataFrame({"x": [1]}))
        .mark_point()
        .encode(x="x:Q")
        .properties(title=alt.Title("Pareto", subtitle="2 of 5 partners"))
    )
    bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(data) == {"application/vnd.jupyter.widget-view+json", "text/plain"}
    assert data["text/plain"] == "Chart: Pareto (2 of 5 partners)"


def test_table_text_and_html_agree() -> None:
    frame = pl.DataFrame(
        {"name": ["Acme & Co", "<script>x</script>"], "won_revenue": [1234.6, None]}
    )
    shown = table(frame, title="Top")
    # money in whole units (the shared formatting), missing as n/a, numbers right-aligned
    assert repr(shown).splitlines() == [
        "Top",
        "name                won revenue",
        "Acme & Co" + " " * 9 + "  " + "1,235".rjust(11),
        "<script>x</script>" + "  " + "n/a".rjust(11),
    ]
    html = shown._repr_html_()
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert "1,235" in html


def test_table_says_how_many_rows_are_left_out() -> None:
    shown = table(pl.DataFrame({"n": list(range(25))}), limit=20)
    assert repr(shown).splitlines()[-1] == "... 5 more rows"
    assert "5 more rows" in shown._repr_html_()


def test_figures_format_by_name() -> None:
    values = {
        "won_revenue_at_risk": 1500.4,
        "won_revenue_at_risk_share": 0.015,
        "total_value": 37917769.49,
        "value_column": "won_revenue",
        "hhi": 0.0812,
    }
    text = repr(figures(values, keys=[*list(values)[:-2], "hhi"], currency="USD"))
    # money in whole units with the currency, shares as percentages, labels in words
    assert text.splitlines()[1:] == [
        "Won revenue at risk          USD 1,500",
        "Won revenue at risk share    1.5%",
        "Total won revenue            USD 37,917,769",
        "HHI (sum of squared shares)  0.081",
    ]


def test_notebook_tables_write_money_quarters_and_counts_readably() -> None:
    changes = pl.DataFrame(
        {
            "name": ["Acme"],
            "quarter": [dt.date(2025, 7, 1)],
            "quarter_revenue": [2132543.0],
            "qoq_change": [108232.04],
            "qoq_change_pct": [0.053],
            "mean_deal": [28426.94],
            "investment_over_tiered": [5078.34],
        }
    )
    assert repr(table(changes, currency="EUR")).splitlines()[1].split() == [
        "Acme",
        "Q3",
        "2025",
        "EUR",
        "2,132,543",
        "EUR",
        "+108,232",
        "+5.3%",
        "EUR",
        "28,427",
        "EUR",
        "5,078",
    ]
    traced = trace(
        {"won_revenue": 8214733.91, "won_deals": 318}, {"won_revenue": 8214733.91, "won_deals": 318}
    )
    assert [r[1:3] for r in trace_table(traced, currency="USD").frame.rows()] == [
        ("USD 8,214,734", "USD 8,214,734"),
        ("318", "318"),
    ]


def test_headline_with_no_value() -> None:
    empty = pl.DataFrame(
        {
            "denominator": ["active"],
            "value_column": ["won_revenue"],
            "partners": [0],
            "vital_count": [0],
            "vital_share": [None],
            "vital_value_share": [None],
            "total_value": [None],
            "gini": [None],
            "closest_benchmark": [None],
        }
    )
    assert headline(empty) == (
        "No partner to rank (0 in total; active partners). Gini n/a; closest to none."
    )


@pytest.mark.slow
def test_export_charts_button(tmp_path: Path) -> None:
    portfolio = from_frames(
        partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]}),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2"],
                "partner_id": ["a", "b"],
                "created_on": ["2025-01-05", "2025-01-09"],
                "closed_on": ["2025-03-01", "2025-02-01"],
                "outcome": ["won", "won"],
                "amount": [900.0, 100.0],
            }
        ),
    )
    analysis = analyze(portfolio, as_of=dt.date(2025, 3, 31))
    panel = ExportPanel(analysis, out_dir=tmp_path / "out", formats=("json",))
    assert panel.decisions_button.disabled  # no ledger
    panel.charts_button.click()
    written = sorted(Path(p).name for p in panel.written)
    assert "pareto.json" in written
    assert all(Path(p).parent == tmp_path / "out" / "charts" for p in panel.written)
    assert panel.message == f"Exported charts: {len(written)} file(s) in {tmp_path / 'out'}."
    assert (panel.progress.value, panel.progress.max) == (len(written), len(written))
    assert not panel.charts_button.disabled
    assert panel.progress.layout.display == "none"  # shown only while rendering


def test_export_panel_disables_its_buttons_and_counts_files(tmp_path: Path, monkeypatch) -> None:
    seen: list[tuple[bool, bool, int, int, str | None]] = []
    panel: ExportPanel

    def fake_export(analysis, folder, *, formats, progress):  # three formats, two charts
        names = [f"{c}.{f}" for c in ("pareto", "lorenz") for f in formats]
        for done in range(1, len(names) + 1):
            progress(done, len(names))
            seen.append(
                (
                    panel.charts_button.disabled,
                    panel.decisions_button.disabled,
                    panel.progress.value,
                    panel.progress.max,
                    panel.progress.layout.display,
                )
            )
            assert panel.export_charts() == []  # a second click while busy does nothing
        return [folder / name for name in names]

    monkeypatch.setattr("partnerkit.widgets.exports.export_charts", fake_export)
    panel = ExportPanel(object(), ledger=None, out_dir=tmp_path)  # type: ignore[arg-type]
    assert not panel.charts_button.disabled
    written = panel.export_charts()
    assert [p.name for p in written] == [
        "pareto.png",
        "pareto.svg",
        "pareto.html",
        "lorenz.png",
        "lorenz.svg",
        "lorenz.html",
    ]
    assert seen == [(True, True, done, 6, None) for done in range(1, 7)]
    assert not panel.charts_button.disabled
    assert panel.decisions_button.disabled  # no ledger: stays disabled after the export
    assert panel.message == f"Exported charts: 6 file(s) in {tmp_path}."
    seen.clear()
    assert [p.name for p in panel.export_charts(["svg"])] == ["pareto.svg", "lorenz.svg"]
    assert [s[2:4] for s in seen] == [(1, 2), (2, 2)]


def test_export_panel_gives_its_buttons_back_after_a_failure(tmp_path: Path, monkeypatch) -> None:
    def failing(analysis, folder, *, formats, progress):
        progress(1, 3)
        raise OSError("disk full")

    monkeypatch.setattr("partnerkit.widgets.exports.export_charts", failing)
    panel = ExportPanel(object(), ledger=None, out_dir=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(OSError, match="disk full"):
        panel.export_charts()
    assert not panel.charts_button.disabled
    assert panel.message == "Chart export failed: disk full"
    assert panel.progress.layout.display == "none"


@pytest.mark.parametrize("fails", [False, True])
def test_export_panel_says_the_outcome_once_it_is_idle(tmp_path: Path, monkeypatch, fails) -> None:
    # the page gets each widget change as its own message; the outcome comes last, so a reader
    # who sees it also sees the buttons back and the progress bar gone
    def export(analysis, folder, *, formats, progress):
        progress(1, 1)
        if fails:
            raise OSError("disk full")
        return [folder / "pareto.svg"]

    monkeypatch.setattr("partnerkit.widgets.exports.export_charts", export)
    panel = ExportPanel(object(), ledger=None, out_dir=tmp_path)  # type: ignore[arg-type]
    at_outcome: list[tuple[bool, str | None]] = []

    def said(change: dict) -> None:
        if change["new"].startswith(("Exported", "Chart export failed")):
            at_outcome.append((panel.charts_button.disabled, panel.progress.layout.display))

    panel.observe(said, "message")
    if fails:
        with pytest.raises(OSError):
            panel.export_charts()
    else:
        panel.export_charts()
    assert at_outcome == [(False, "none")]


def test_offline_renderer_names_a_layered_chart(small) -> None:
    view = reflag(small.scorecard, value="won_revenue", threshold=0.8, denominator="enrolled")
    data = offline_renderer(pareto_chart(view).to_dict())
    assert data["text/plain"] == (
        "Chart: Pareto: who produces the value (2 of 5 partners (40%) produce 80% of won revenue)"
    )
    assert "application/vnd.jupyter.widget-view+json" in data


def _kinds_of_charts() -> dict[str, alt.TopLevelMixin]:
    data = pl.DataFrame({"p": ["a", "b", "c"], "v": [3.0, 1.0, 2.0], "g": ["x", "y", "x"]})
    pick = alt.selection_point(name="pick", fields=["p"])
    cut = alt.param(name="cut", value=2.0)
    base = alt.Chart(data).mark_bar().encode(x="p:N", y="v:Q")
    return {
        "unit": base.add_params(pick, cut),
        "layer": alt.layer(base.add_params(pick), base.mark_rule().encode(y="mean(v):Q")),
        "vconcat": alt.vconcat(base.add_params(pick), base.mark_point()),
        "hconcat": alt.hconcat(base, base.mark_line()),
        "facet": base.facet("g:N"),
        "repeat": alt.Chart(data)
        .mark_bar()
        .encode(x="p:N", y=alt.Y(alt.repeat("row"), type="quantitative"))
        .repeat(row=["v"]),
    }


@pytest.mark.parametrize("kind", ["unit", "layer", "vconcat", "hconcat", "facet", "repeat"])
def test_widget_chart_gives_the_widget_altair_gives(kind: str) -> None:
    # the offline renderer's wrapper: the widget gets the same spec, selections and
    # parameters as from the chart alt.Chart.from_dict parses back
    chart = _kinds_of_charts()[kind]
    spec = chart.to_dict()
    wrapped = widget_chart(spec)
    expected = "RepeatChart" if kind == "repeat" else f"TopLevel{kind}Spec"
    assert type(wrapped).__name__.lower() == expected.lower()
    ours, theirs = alt.JupyterChart(wrapped), alt.JupyterChart(alt.Chart.from_dict(spec))
    assert ours.spec == theirs.spec == spec
    assert ours._selection_types == theirs._selection_types
    assert ours._params == theirs._params
    assert ("pick" in ours._selection_types) == (kind in {"unit", "layer", "vconcat"})


def test_offline_renderer_refuses_an_invalid_spec() -> None:
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        offline_renderer({"mark": "no-such-mark", "data": {"values": []}})


def test_widget_chart_of_a_partner_one_pager(small) -> None:
    # the largest chart a notebook shows (vconcat of layers and hconcats, with titles)
    with theme.enabled():
        chart = PortfolioExplorer(small).one_pager()
        assert chart is not None
        spec = chart.to_dict()
    ours, theirs = alt.JupyterChart(widget_chart(spec)), alt.JupyterChart(chart_from_spec(spec))
    assert ours.spec == theirs.spec == spec
    assert ours._selection_types == theirs._selection_types
    assert offline_renderer(spec)["text/plain"] == chart_label(spec)


def _two_partner_portfolio() -> Portfolio:
    """An active partner and an exited one, each with won deals in Q1 and Q2 2025."""
    return from_frames(
        partners=pl.DataFrame(
            {"partner_id": ["a", "x"], "name": ["Active", "Gone"], "status": ["active", "exited"]}
        ),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2", "d3", "d4"],
                "partner_id": ["a", "a", "x", "x"],
                "created_on": ["2024-12-01"] * 4,
                "closed_on": ["2025-02-01", "2025-05-01", "2025-02-01", "2025-05-01"],
                "outcome": ["won"] * 4,
                "amount": [100.0, 150.0, 1000.0, 5000.0],
            }
        ),
    )


def test_change_figures_count_the_partners_the_report_counts() -> None:
    analysis = analyze(_two_partner_portfolio(), as_of=dt.date(2025, 6, 30))
    changes = counted_changes(analysis)
    # The exited partner's quarters are left out, as in the report and the summary tiles.
    assert changes["partner_id"].to_list() == ["a"]
    assert changes.select("name", "recommendation", "quarter_revenue").row(0)[::2] == (
        "Active",
        150.0,
    )
    shown = change_figures(changes, currency="USD").frame.rows()
    assert shown == [(f.label, f.value) for f in report_change_figures(changes, currency="USD")]
    assert shown[:2] == [
        ("Won revenue in Q2 2025", "USD 150"),
        ("Quarter on quarter, against Q1 2025", "USD +50 (+50%)"),
    ]
    # One partner's figures, and none for a frame without a compared quarter.
    assert change_figures(changes, partner_id="a").frame["value"][0] == "150"
    assert change_figures(changes.clear()).frame.height == 0


def test_what_if_figures_say_the_exits_were_outside_the_denominator(small) -> None:
    card = small.scorecard.with_columns(
        status=pl.Series(["active", "active", "active", "active", "exited"]),
        counted=pl.Series([True, True, True, True, False]),
    )
    cover = pl.DataFrame({"partner_id": ["p5"], "account_id": ["x"]})
    summary = prune(card, exit=["p5"], coverage=cover, policy=Policy()).summary
    assert summary["partners_before"] == summary["partners_after"] == 4
    shown = dict(what_if_figures(summary, policy=Policy(), currency="USD").frame.rows())
    assert shown["Partners in the concentration"] == (
        "4 before and after: the exited partner was not in the concentration's denominator "
        "(active partners)"
    )
    # money in whole units with the currency, beside its total; labels in words
    assert shown["Won revenue at risk"] == "USD 40 of USD 1,000 (4%)"
    assert shown["Vital few"] == "2 before, 2 after"
    assert "hhi before" not in shown
    lines = whatif_lines(summary, currency="USD", denominator="active")
    assert lines[-1].endswith(
        "the exited partner was not in the concentration's denominator (active partners)."
    )


def test_what_if_figures_count_the_exits_inside_the_denominator(small) -> None:
    summary = prune(
        small.scorecard,
        exit=["p4", "p5"],
        coverage=pl.DataFrame({"partner_id": ["p4"], "account_id": ["x"]}),
        policy=Policy(),
    ).summary
    shown = dict(what_if_figures(summary, policy=Policy()).frame.rows())
    # p5 is dormant: outside the active partners the concentration is read on
    assert shown["Partners in the concentration"] == (
        "4 before, 3 after: 1 of the 2 exited partners was in the denominator, 1 was not"
    )
    assert shown["Investment freed"] == "40 of 210 (19%)"
    summary = prune(
        small.scorecard,
        exit=["p3", "p4"],
        coverage=pl.DataFrame({"partner_id": ["p4"], "account_id": ["x"]}),
        policy=Policy(),
    ).summary
    assert (
        dict(what_if_figures(summary, policy=Policy()).frame.rows())[
            "Partners in the concentration"
        ]
        == "4 before, 2 after"
    )


def test_with_names_names_the_partners_of_id_columns(small) -> None:
    card = small.scorecard
    pairs = pl.DataFrame({"partner_a": ["p1"], "partner_b": ["p9"], "deals": [3]})
    assert with_names(pairs, card, "partner_a", "partner_b").row(0) == ("Acme (p1)", "p9", 3)
    accounts = pl.DataFrame({"account_id": ["x", "y"], "exited_partners": [["p4", "p5"], []]})
    shown = repr(table(with_names(accounts, card, "exited_partners")))
    assert shown.splitlines()[1:] == ["x           Dune (p4), Echo (p5)", "y"]
    incentives = pl.DataFrame({"partner_id": ["p3", "p9"], "lift": [1.2, None]})
    assert with_names(incentives, card).rows() == [("Cora", "p3", 1.2), (None, "p9", None)]
