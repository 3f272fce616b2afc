"""The reciprocity chart's subtitle counts the one-sided partners of the whole portfolio."""

from __future__ import annotations

import polars as pl

from partnerkit.charts.reciprocity import reciprocity_chart


def _card(partners: int, one_sided: int) -> pl.DataFrame:
    """``partners`` counted partners, the first ``one_sided`` of them flagged; one uncounted."""
    ids = [f"p{i:03d}" for i in range(partners)]
    return pl.DataFrame(
        {
            "partner_id": [*ids, "x"],
            "name": [f"P {i}" for i in range(partners)] + ["Uncounted"],
            "rank": [*range(1, partners + 1), None],
            "counted": [True] * partners + [False],
            "reciprocity": [0.0] * (partners + 1),
            "our_effort_share": [0.99 - i / 1000 for i in range(partners)] + [1.0],
            "one_sided": [i < one_sided for i in range(partners)] + [True],
        }
    )


def test_subtitle_counts_flagged_partners_beyond_those_drawn() -> None:
    spec = reciprocity_chart(_card(40, 30), one_sided_share=0.7, limit=25).to_dict()
    subtitle = spec["title"]["subtitle"]
    assert subtitle.startswith("25 of 40 partners shown; 30 one-sided in all, 25 of them shown")
    assert "70%" in subtitle


def test_subtitle_when_every_counted_partner_is_drawn() -> None:
    spec = reciprocity_chart(_card(5, 2), one_sided_share=0.7, limit=25).to_dict()
    assert spec["title"]["subtitle"].startswith("5 partners; 2 one-sided (")


def test_subtitle_for_chosen_partners_says_how_many_flagged_are_left_out() -> None:
    chart = reciprocity_chart(_card(40, 30), partners=["p000", "p035"], one_sided_share=0.7)
    assert chart.to_dict()["title"]["subtitle"].startswith(
        "2 of 40 partners shown; 30 one-sided in all, 1 of them shown"
    )


def test_without_one_sided_column_the_threshold_flags_partners_everywhere() -> None:
    card = _card(40, 0).drop("one_sided")  # shares 0.990 .. 0.951: 30 above 0.9605
    spec = reciprocity_chart(card, one_sided_share=0.9605, limit=10).to_dict()
    assert spec["title"]["subtitle"].startswith(
        "10 of 40 partners shown; 30 one-sided in all, 10 of them shown"
    )
