"""PortfolioExplorer: set widget values, check the recomputed state, chart spec and table."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import altair as alt
import polars as pl
import pytest

from partnerkit.analysis import analyze
from partnerkit.load import from_frames
from partnerkit.widgets.display import widget_chart
from partnerkit.widgets.explorer import PICK, PortfolioExplorer
from partnerkit.widgets.state import explore


def subtitle(explorer: PortfolioExplorer) -> str:
    return explorer.spec["title"]["subtitle"]


def test_defaults_follow_the_policy(small) -> None:
    ex = PortfolioExplorer(small)
    assert (ex.value, ex.threshold) == ("won_revenue", 0.8)
    # won revenue 500, 300, 100, 60, 40: shares before each partner 0, .5, .8, .9, .96;
    # below 0.8 -> p1, p2 are the vital few, producing 800 of 1,000.
    figures = {k: ex.figures[k] for k in ("partners", "vital_count", "vital_share")}
    assert figures == {"partners": 5, "vital_count": 2, "vital_share": 0.4}
    assert (ex.figures["total_value"], ex.figures["vital_value_share"]) == (1000.0, 0.8)
    assert ex.view.filter("vital")["partner_id"].sort().to_list() == ["p1", "p2"]
    assert subtitle(ex) == "2 of 5 partners (40%) produce 80% of won revenue"


@pytest.mark.slow
def test_denominator_leaves_out_dormant(small, make_analysis) -> None:
    ex = PortfolioExplorer(
        make_analysis(small.scorecard, replace(small.policy, denominator="active"))
    )
    # p5 is dormant: ranked are p1..p4 (total 960); shares before p2 = 500/960 < 0.8,
    # before p3 = 800/960 = 0.833 -> vital p1, p2.
    assert ex.view.filter(pl.col("rank").is_null())["partner_id"].to_list() == ["p5"]
    assert ex.figures["partners"] == 4
    assert ex.figures["vital_value_share"] == pytest.approx(800 / 960)
    assert ex.table.select("partner_id", "rank").rows()[-1] == ("p5", None)  # listed last


def test_threshold_slider_reflags(small) -> None:
    ex = PortfolioExplorer(small)
    ex.threshold_control.value = 0.9
    # shares before p3 = 0.8 < 0.9, before p4 = 0.9 (not below) -> p1, p2, p3.
    assert ex.threshold == 0.9
    assert ex.view.filter("vital")["partner_id"].sort().to_list() == ["p1", "p2", "p3"]
    assert ex.figures["vital_value_share"] == pytest.approx(0.9)
    assert subtitle(ex) == "3 of 5 partners (60%) produce 90% of won revenue"
    assert ex.jupyter_chart.spec == ex.spec  # the chart on screen follows


def test_value_dropdown_reranks(small) -> None:
    ex = PortfolioExplorer(small)
    ex.value_control.value = "sourced_revenue"
    # sourced 100, 300, 0, 60, 40 (total 500): p2 300 (.6), p1 100 (.2) -> before p1 0.6,
    # before p4 0.8: the vital few are p2, p1 with 400 of 500.
    assert ex.view.sort("rank")["partner_id"].to_list() == ["p2", "p1", "p4", "p5", "p3"]
    assert ex.figures["vital_count"] == 2
    assert ex.figures["vital_value_share"] == pytest.approx(0.8)
    assert "sourced revenue" in subtitle(ex)


def test_filters_multi_select(small) -> None:
    ex = PortfolioExplorer(small)
    ex.filter_controls["region"].value = ("EU",)
    # EU: p1 500, p3 100, p5 40 (total 640); shares before: 0, 0.78125, 0.9375 -> p1, p3.
    assert ex.filters["region"] == ["EU"]
    assert ex.view.sort("rank")["partner_id"].to_list() == ["p1", "p3", "p5"]
    assert ex.figures["vital_count"] == 2
    assert ex.figures["vital_value_share"] == pytest.approx(600 / 640)
    ex.filter_controls["type"].value = ("referral", "alliance")
    assert ex.view["partner_id"].to_list() == ["p5"]  # EU and (referral or alliance)
    ex.filter_controls["region"].value = ()
    assert sorted(ex.view["partner_id"].to_list()) == ["p2", "p4", "p5"]


def test_empty_filter_result(small) -> None:
    ex = PortfolioExplorer(small)
    ex.filter_controls["region"].value = ("EU",)
    ex.filter_controls["stage"].value = ("ramping",)
    ex.filter_controls["state"].value = ("dormant",)
    assert ex.view.height == 0
    assert ex.figures["partners"] == 0
    assert ex.figures["vital_count"] == 0
    # said plainly, not "0 of 0 partners produce 80% of won revenue"
    assert subtitle(ex) == "No partner to rank: nothing matches the current filters"
    assert ex._summary.value == (
        "<p><b>No partner matches these filters: clear a filter to see partners again.</b></p>"
    )
    assert "No partner matches these filters" in ex._table.value
    assert "0 of 0" not in ex._summary.value + ex._table.value + subtitle(ex)


def test_clear_filters_button_shows_every_partner_again(small) -> None:
    ex = PortfolioExplorer(small)
    everyone = ex.view.sort("partner_id")["partner_id"].to_list()
    ex.filter_controls["region"].value = ("EU",)
    ex.filter_controls["state"].value = ("dormant",)
    assert ex.view["partner_id"].to_list() == ["p5"]
    ex.clear_filters_button.click()
    assert ex.filters == {col: [] for col in ex.filter_controls}
    assert sorted(ex.view["partner_id"].to_list()) == everyone
    assert all(not box.value for c in ex.filter_controls.values() for box in c.boxes)
    assert ex.figures["vital_count"] == 2  # p1, p2 of the whole five again


def test_filters_are_checkboxes_one_click_each(small) -> None:
    ex = PortfolioExplorer(small)
    region = ex.filter_controls["region"]
    assert region.options == ("EU", "US")
    region.boxes[1].value = True  # tick "US": p2, p4
    assert ex.filters["region"] == ["US"]
    assert sorted(ex.view["partner_id"].to_list()) == ["p2", "p4"]
    region.boxes[0].value = True  # and "EU": everyone
    assert ex.view.height == 5


@pytest.mark.parametrize(
    ("typed", "share"),
    [("80%", 0.8), ("90", 0.9), ("0.95", 0.95), (" 85 % ", 0.85), ("70,5%", 0.705)],
)
def test_typed_threshold_is_read_as_a_share(small, typed: str, share: float) -> None:
    ex = PortfolioExplorer(small)
    ex.threshold_text.value = typed
    assert ex.threshold == pytest.approx(share)
    assert ex.threshold_control.value == pytest.approx(share)
    assert ex.threshold_note.value == ""


@pytest.mark.slow
def test_typed_threshold_80_percent_flags_the_hand_worked_vital_few(small) -> None:
    ex = PortfolioExplorer(small)
    ex.threshold_text.value = "90%"
    # cumulative 0.50, 0.80, 0.90: at 90% the vital few are p1, p2, p3
    assert ex.figures["vital_count"] == 3
    ex.threshold_text.value = "80%"
    assert ex.figures["vital_count"] == 2  # not 99%, which would flag four
    assert ex.threshold_text.value == "80%"


@pytest.mark.parametrize("typed", ["eighty", "120%", "0", "30%"])
def test_refused_threshold_explains_and_keeps_the_setting(small, typed: str) -> None:
    ex = PortfolioExplorer(small)
    ex.threshold_text.value = typed
    assert ex.threshold == pytest.approx(0.8)
    assert ex.threshold_note.value  # a sentence says why
    assert repr(typed) in ex.threshold_note.value.replace("&#x27;", "'")


def test_slider_moves_the_typed_threshold(small) -> None:
    ex = PortfolioExplorer(small)
    ex.threshold_control.value = 0.9
    assert ex.threshold_text.value == "90%"


def test_weight_sliders_show_values_and_full_labels(small) -> None:
    ex = PortfolioExplorer(small)
    labels = [
        w.value
        for w in _walk(ex)
        if type(w).__name__ == "Label"  # the label beside each slider
    ]
    assert "partner initiated share" in labels
    assert "enablement activities" in labels
    assert all(s.readout for s in ex.weight_controls.values())


def test_reset_weights_button(small) -> None:
    ex = PortfolioExplorer(small)
    before = ex.view["health"].to_list()
    ex.weight_controls["awareness: enablement_activities"].value = 0.0
    assert ex.view["health"].to_list() != before
    ex.reset_weights_button.click()
    assert ex.weights["awareness: enablement_activities"] == 1.0
    assert ex.view["health"].to_list() == pytest.approx(before)


@pytest.mark.slow
def test_one_pager_uses_the_current_weights(small) -> None:
    ex = PortfolioExplorer(small)
    ex.selected = ["p2"]
    ex.weight_controls["interest: partner_initiated_share"].value = 2.0
    ex.weight_controls["awareness: enablement_activities"].value = 0.0
    spec = ex.one_pager().to_dict()
    health_panel = spec["vconcat"][-1]
    rows = spec["datasets"][health_panel["data"]["name"]]
    points: dict[str, float] = {}
    for row in rows:
        points[row["dimension"]] = points.get(row["dimension"], 0.0) + row["contribution"]
    # p2: sourced pipeline 0, the worst, scores 0 (x1), initiated share 100 (x2) -> 200 / 3,
    # as in the table; awareness has no weight left, so it draws nothing
    assert points == {"interest": pytest.approx(200 / 3)}
    table_row = ex.view.filter(pl.col("partner_id") == "p2")
    assert table_row["interest"].item() == pytest.approx(points["interest"])
    figures = spec["datasets"][spec["vconcat"][0]["hconcat"][0]["data"]["name"]]
    shown = {r["label"]: r["shown"] for r in figures}
    assert shown["Health"] == f"{table_row['health'].item():.0f} / 100"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_health_weight_sliders_reweight(small) -> None:
    ex = PortfolioExplorer(small)
    assert set(ex.weight_controls) == {
        "interest: sourced_pipeline",
        "interest: partner_initiated_share",
        "awareness: enablement_activities",
    }
    # At the policy's weights the scores are the analysis' own.
    assert ex.view.sort("partner_id")["health"].to_list() == pytest.approx(
        small.scorecard["health"].to_list()
    )
    ex.weight_controls["interest: partner_initiated_share"].value = 0.0
    ex.weight_controls["awareness: enablement_activities"].value = 0.0
    # Only sourced pipeline counts. Its percentiles (ranks of 50, 0, 200, 10, 0;
    # 100 * (r - 1) / 4): 75, 0, 100, 50, 0 (the worst value, 0, earns nothing however many
    # share it). Awareness has no weight left, so it is null and health is the interest score.
    health = dict(ex.view.select("partner_id", "health").iter_rows())
    assert health == {"p1": 75.0, "p2": 0.0, "p3": 100.0, "p4": 50.0, "p5": 0.0}
    ex.weight_controls["interest: partner_initiated_share"].value = 2.0
    # p2: initiated share 0.9 is the highest of four -> 100; (0 * 1 + 100 * 2) / 3
    assert ex.view.filter(pl.col("partner_id") == "p2")["health"].item() == pytest.approx(200 / 3)
    assert ex.weights["interest: partner_initiated_share"] == 2.0
    assert "health" in ex.table_html


@pytest.mark.slow
def test_chart_spec_has_pick_selection_on_bars(small) -> None:
    ex = PortfolioExplorer(small)
    spec = ex.spec
    assert spec["params"] == [
        {
            "name": PICK,
            "select": {"type": "point", "fields": ["rank", "partners"]},
            "views": ["pareto_bars"],
        }
    ]
    assert spec["layer"][0]["name"] == "pareto_bars"
    assert spec["layer"][0]["encoding"]["opacity"]["condition"]["param"] == PICK
    assert list(ex.jupyter_chart.selections.trait_names()) == [PICK]
    assert ex.chart.to_dict()["params"][0]["name"] == PICK  # a valid altair chart


def test_widget_chart_gives_the_chart_altair_parses(small) -> None:
    # the wrapper handed to the JupyterChart: same validated spec and same selections as
    # the chart alt.LayerChart.from_dict builds from the spec
    ex = PortfolioExplorer(small)
    parsed = alt.LayerChart.from_dict(ex.spec)
    wrapped = widget_chart(ex.spec)
    assert wrapped.to_dict() == parsed.to_dict() == ex.spec
    assert ex.jupyter_chart.spec == ex.spec
    assert alt.JupyterChart(wrapped)._selection_types == alt.JupyterChart(parsed)._selection_types
    assert ex.jupyter_chart._selection_types == {PICK: "point"}


def test_widget_chart_keeps_variable_params_and_refuses_a_bad_spec() -> None:
    spec = {
        "params": [{"name": "cut", "value": 3}],
        "layer": [{"mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}}],
        "data": {"values": [{"a": 1}]},
    }
    assert alt.JupyterChart(widget_chart(spec)).params.cut == 3
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        widget_chart({**spec, "layer": [{"mark": "no-such-mark"}]}).to_dict()


def test_setting_selected_filters_table(small) -> None:
    ex = PortfolioExplorer(small)
    assert ex.table["partner_id"].to_list() == ["p1", "p2", "p3", "p4", "p5"]  # by rank
    assert ex.one_pager_partner() == "p1"
    ex.selected = ["p4", "p2"]
    assert ex.table["partner_id"].to_list() == ["p2", "p4"]  # in rank order
    assert ex.one_pager_partner() == "p4"
    assert "&lt;b&gt;Bolt&lt;/b&gt;" in ex._table.value
    assert "<b>Bolt</b>" not in ex._table.value
    ex.filter_controls["region"].value = ("US",)
    assert ex.selected == ["p4", "p2"]  # both are in the US
    ex.filter_controls["region"].value = ("EU",)
    assert ex.selected == []  # picks outside the view are dropped


def test_click_on_chart_selects_partners(small) -> None:
    # Simulates what the page sends when bars are clicked (a private altair detail, so this
    # test stays small): bars of rank 2 and of rank 4, one partner each.
    ex = PortfolioExplorer(small)
    ex.jupyter_chart._vl_selections = {
        PICK: {
            "value": {"vlPoint": {"or": [{"rank": 2, "partners": 1}, {"rank": 4, "partners": 1}]}},
            "store": [],
        }
    }
    assert ex.selected == ["p2", "p4"]
    assert ex.table["partner_id"].to_list() == ["p2", "p4"]


def test_grouped_bars_at_scale(scorecard_of, make_analysis) -> None:
    ex = PortfolioExplorer(make_analysis(scorecard_of(20_000)), max_bars=100)
    bars = next(d for d in ex.spec["datasets"].values() if d and "partners" in d[0])
    assert len(bars) <= 101  # one bar per run of ranks, the vital few apart
    assert sum(b["partners"] for b in bars) == ex.figures["partners"] == 20_000
    # Clicking the bar of the run starting at rank 1 picks every partner in that run.
    first = min(bars, key=lambda b: b["rank"])
    ex.jupyter_chart._vl_selections = {
        PICK: {
            "value": {"vlPoint": {"or": [{k: first[k] for k in ("rank", "partners")}]}},
            "store": [],
        }
    }
    assert len(ex.selected) == first["partners"]
    ranks = ex.view.filter(pl.col("partner_id").is_in(ex.selected))["rank"].sort().to_list()
    assert ranks == list(range(1, first["partners"] + 1))


def test_one_pager_follows_the_pick(small) -> None:
    ex = PortfolioExplorer(small)
    assert ex.one_pager_view.outputs == ()  # nothing shown until a partner is picked
    ex.selected = ["p2", "p4"]
    assert ex.one_pager().to_dict()["title"]["text"] == "<b>Bolt</b>"  # the first picked
    assert len(ex.one_pager_view.outputs) == 1
    ex.selected = []
    assert ex.one_pager_view.outputs == ()


@pytest.mark.slow
def test_chart_is_kept_while_its_settings_stay(small) -> None:
    # The chart and the key figures depend on the filters, the value and the threshold
    # only: a weight change re-scores health without rebuilding them, and a setting that
    # comes back shows the chart it showed before.
    ex = PortfolioExplorer(small)
    built: list[dict] = []
    build = ex._spec
    ex._spec = lambda: built.append(build()) or built[-1]
    first, figures = ex.spec, ex.figures
    ex.weight_controls["awareness: enablement_activities"].value = 0.0
    assert built == []
    assert ex.spec is first
    assert ex.view.sort("rank")["health"][0] != small.scorecard["health"][0]  # re-scored
    ex.threshold_control.value = 0.9
    ex.filter_controls["region"].value = ("EU",)
    assert len(built) == 2
    # EU: p1 500, p3 100, p5 40; shares before them 0, 0.78, 0.94 -> 2 vital at 0.9,
    # producing 600 of 640 = 93.75%
    assert subtitle(ex) == "2 of 3 partners (67%) produce 94% of won revenue"
    ex.filter_controls["region"].value = ()
    ex.threshold_control.value = 0.8
    assert len(built) == 2  # both settings were seen before: nothing is rebuilt
    assert ex.spec == first
    assert ex.jupyter_chart.spec == first
    assert ex.figures == figures
    assert ex.spec == PortfolioExplorer(small).spec  # the same as built afresh


def test_table_lists_unranked_partners_last_in_scorecard_order(small, make_analysis) -> None:
    # With the active denominator the dormant p5 is unranked; make p3 dormant too.
    card = small.scorecard.with_columns(
        state=pl.when(pl.col("partner_id") == "p3").then(pl.lit("dormant")).otherwise("state")
    )
    ex = PortfolioExplorer(make_analysis(card, replace(small.policy, denominator="active")))
    # ranked: p1 500, p2 300, p4 60; then p3, p5 as in the scorecard
    assert ex.table.select("partner_id", "rank").rows() == [
        ("p1", 1),
        ("p2", 2),
        ("p4", 3),
        ("p3", None),
        ("p5", None),
    ]
    ex.limit = 2
    assert ex.table["partner_id"].to_list() == ["p1", "p2"]


def test_chart_ranked_by_health_follows_the_weights(small, make_analysis) -> None:
    # A policy ranking by the health score itself: then the weights do change the chart.
    ex = PortfolioExplorer(
        make_analysis(small.scorecard, replace(small.policy, pareto_value="health"))
    )
    before = ex.spec
    ex.weight_controls["awareness: enablement_activities"].value = 0.0
    assert ex.spec != before
    # values are summed in whole cents: five roundings of at most half a cent each
    assert ex.figures["total_value"] == pytest.approx(sum(ex.view["health"]), abs=0.025)


def test_summary_writes_money_with_the_currency(small) -> None:
    ex = PortfolioExplorer(small, currency="EUR")
    # five partners, 1,000 won; p1 + p2 = 800 reach 80%
    assert ex._summary.value == (
        "<p><b>Vital few: 2 of 5 partners (40%) produce 80% of won revenue "
        "(total EUR 1,000)</b></p>"
    )


def test_one_update_per_threshold_change(small) -> None:
    # the slider's 0.57666... is shown as "57.67%" in the box; reading that back must not
    # move the threshold to 0.5767 and run a second update
    ex = PortfolioExplorer(small)
    calls: list[float] = []
    update = ex.update

    def counted() -> None:
        calls.append(ex.threshold)
        update()

    ex.update = counted  # the observers look the method up at each change
    ex.threshold_control.value = 0.5766666666
    assert ex.threshold_text.value == "57.67%"
    assert calls == [0.5766666666]
    assert ex.threshold == 0.5766666666
    ex.threshold_text.value = "57.67%"  # typing what is shown changes nothing
    assert calls == [0.5766666666]
    ex.threshold_text.value = "60%"
    assert (calls, ex.threshold) == ([0.5766666666, 0.6], 0.6)


def test_view_and_table_equal_a_full_width_rerank(make_analysis, scorecard_of) -> None:
    # metamorphic: ranking only the shown columns (ties on the partner order) must give the
    # rows, ranks and flags of re-ranking the whole scorecard; rows shuffled so that the
    # scorecard order is not the id order, revenue rounded to hundreds to make many ties
    card = scorecard_of(3000).sample(fraction=1.0, shuffle=True, seed=3)
    card = card.with_columns((pl.col("won_revenue") / 100).round() * 100)
    ex = PortfolioExplorer(make_analysis(card))
    ex.filter_controls["region"].value = ("EU", "APAC")
    ex.threshold_control.value = 0.7
    full = explore(
        ex.weighted,
        filters={"region": ["EU", "APAC"]},
        value="won_revenue",
        threshold=0.7,
        denominator=ex.analysis.policy.denominator,
    )
    assert ex.view.equals(full)
    assert set(card.columns) < set(ex.view.columns)  # every scorecard column, and the ranking
    top = full.filter(pl.col("rank") <= ex.limit).sort("rank")
    assert ex.table["partner_id"].to_list() == top["partner_id"].to_list()
    assert ex.figures["vital_count"] == full["vital"].sum()


@pytest.mark.slow
def test_one_pager_shows_won_revenue_change_from_the_analysis_facts() -> None:
    # a, as of 2025-06-30: won 100 in Q2 2025, 40 in Q1 2025 and 25 in Q2 2024:
    # quarter on quarter +60 (+150%), year on year +75 (+300%)
    portfolio = from_frames(
        partners=pl.DataFrame({"partner_id": ["a", "b"], "name": ["Acme", "Bolt"]}),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2", "d3", "d4"],
                "partner_id": ["a", "a", "a", "b"],
                "created_on": ["2024-01-05"] * 4,
                "closed_on": ["2025-05-10", "2025-02-01", "2024-05-01", "2025-06-01"],
                "outcome": ["won", "won", "won", "won"],
                "amount": [100.0, 40.0, 25.0, 10.0],
            }
        ),
    )
    ex = PortfolioExplorer(analyze(portfolio, as_of=dt.date(2025, 6, 30)), currency="EUR")
    ex.selected = ["a"]
    chart = ex.one_pager()
    assert chart is not None
    spec = chart.to_dict()
    panel = next(v for v in spec["vconcat"] if v.get("title", {}).get("text") == "Change over time")
    cells = [cell["text"] for cell in spec["datasets"][panel["data"]["name"]]]
    assert cells == [
        "",
        "Q2 2025",
        "vs Q1 2025",
        "vs Q2 2024",
        "Won revenue",
        "EUR 100",
        "+EUR 60 (+150%)",
        "+EUR 75 (+300%)",
    ]
