"""chart_pack(names=...) builds exactly the charts asked for, identical to the full pack's."""

from __future__ import annotations

from typing import Any

import pytest

import partnerkit as pk
from partnerkit.charts import theme
from partnerkit.charts.pack import PACK, chart_pack


@pytest.fixture(scope="module")
def analysis() -> Any:
    return pk.analyze(pk.samples.generate(partners=40, seed=11).portfolio())


class _NoOnDemand:
    """The analysis, except that reading the lift or the health explanation fails."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in {"lift", "health_explained"}:
            raise AssertionError(f"{name} read although no chart drawn needs it")
        return getattr(self._inner, name)


@pytest.mark.slow
def test_each_chart_alone_equals_the_full_packs(analysis: Any) -> None:
    with theme.enabled():
        full = {n: ch.to_dict(validate=False) for n, ch in chart_pack(analysis).items()}
        assert list(full) == [n for n in PACK if n in full]  # the documented order
        assert len(full) == len(PACK)  # the sample has every input
        for name in PACK:
            alone = chart_pack(analysis, names=[name])
            assert list(alone) == [name]
            assert alone[name].to_dict(validate=False) == full[name]


def test_charts_not_asked_for_read_no_on_demand_output(analysis: Any) -> None:
    shy = _NoOnDemand(analysis)
    assert list(chart_pack(shy, names=["pareto", "lorenz", "tier_audit"])) == [
        "pareto",
        "lorenz",
        "tier_audit",
    ]
    with pytest.raises(AssertionError, match="lift"):
        chart_pack(shy, names=["lift"])


def test_unknown_names_are_refused(analysis: Any) -> None:
    with pytest.raises(KeyError, match="parteo"):
        chart_pack(analysis, names=["parteo"])


@pytest.mark.slow
def test_chart_from_spec_equals_validated_from_dict_for_every_pack_chart(analysis: Any) -> None:
    import altair as alt  # noqa: PLC0415

    from partnerkit.charts.export import chart_from_spec  # noqa: PLC0415

    with theme.enabled():
        for name, chart in chart_pack(analysis).items():
            spec = chart.to_dict()
            theirs = alt.Chart.from_dict(spec)  # validates, to find the kind of chart
            ours = chart_from_spec(spec)
            assert type(ours) is type(theirs), name
            assert ours.to_dict() == theirs.to_dict() == spec, name
            assert chart.to_dict(validate=False) == spec, name  # what the exports render


@pytest.fixture(scope="module")
def deals_only() -> Any:
    """A portfolio of partners and deals only: no activities, overlaps, tiers or health."""
    import polars as pl  # noqa: PLC0415

    partners = pl.DataFrame({"partner_id": ["a", "b", "c"], "name": ["A", "B", "C"]})
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3", "d4", "d5", "d6"],
            "partner_id": ["a", "a", "b", None, None, "c"],
            "created_on": [
                "2025-01-05",
                "2025-02-01",
                "2025-03-01",
                "2025-02-02",
                "2025-04-01",
                "2025-04-02",
            ],
            "closed_on": [
                "2025-03-01",
                "2025-05-01",
                "2025-06-01",
                "2025-04-01",
                "2025-06-15",
                None,
            ],
            "outcome": ["won", "won", "lost", "won", "lost", "open"],
            "amount": [100.0, 50.0, 70.0, 30.0, 20.0, 10.0],
        }
    )
    return pk.analyze(pk.load.from_frames(partners=partners, deals=deals))


def test_charts_with_nothing_to_draw_are_left_out_or_say_why(deals_only: Any) -> None:
    """Empty axes are never drawn; asked for by name with placeholders, each says why."""
    from partnerkit.charts.pack import NO_DATA  # noqa: PLC0415

    drawn = chart_pack(deals_only)
    empty = {"quadrant", "quadrant_health", "health_drivers", "health_breakdown"}
    empty |= {"tier_audit", "reciprocity", "overlap"}
    assert not empty & set(drawn), sorted(drawn)
    assert {"pareto", "lorenz"} <= set(drawn)
    asked = ["pareto", "overlap", "tier_audit", "health_breakdown"]
    shown = chart_pack(deals_only, names=asked, placeholders=True)
    assert list(shown) == [n for n in PACK if n in asked]
    for name in ["overlap", "tier_audit", "health_breakdown"]:
        spec = shown[name].to_dict()
        assert spec["title"] == NO_DATA[name][0]
        notes = [row["note"] for rows in spec["datasets"].values() for row in rows]
        assert notes == [f"Nothing to draw: {NO_DATA[name][1]}."]
    assert shown["pareto"].to_dict() == drawn["pareto"].to_dict()


@pytest.fixture(scope="module")
def nothing_closed() -> Any:
    """Partners and deals, none won or lost: no value to rank, no closed deal to compare."""
    import polars as pl  # noqa: PLC0415

    partners = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]})
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3"],
            "partner_id": ["a", "b", None],
            "created_on": ["2025-01-01", "2025-02-01", "2025-03-01"],
            "closed_on": [None, None, None],
            "outcome": ["open", "open", "open"],
            "amount": [5.0, 6.0, 7.0],
        }
    )
    return pk.analyze(pk.load.from_frames(partners=partners, deals=deals))


def test_no_value_and_no_closed_deal_draw_no_lorenz_curve_and_no_lift(nothing_closed: Any) -> None:
    """A Lorenz curve of zeros read as perfect equality, the lift as empty axes: both left out."""
    drawn = chart_pack(nothing_closed)
    assert "lorenz" not in drawn
    assert "lift" not in drawn
    assert "pareto" in drawn  # its subtitle says that no partner has any value


def test_one_side_without_a_closed_deal_draws_no_lift(deals_only: Any) -> None:
    """No direct deal closed in W: nothing to compare the partner deals with."""
    import polars as pl  # noqa: PLC0415

    assert "lift" in chart_pack(deals_only, names=["lift"])
    partners = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]})
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3"],
            "partner_id": ["a", "b", None],
            "created_on": ["2025-01-01", "2025-02-01", "2025-03-01"],
            "closed_on": ["2025-03-01", "2025-04-01", None],
            "outcome": ["won", "lost", "open"],
            "amount": [5.0, 6.0, 7.0],
        }
    )
    partner_side = pk.analyze(pk.load.from_frames(partners=partners, deals=deals))
    assert "lift" not in chart_pack(partner_side, names=["lift"])
    assert "lorenz" in chart_pack(partner_side, names=["lorenz"])
