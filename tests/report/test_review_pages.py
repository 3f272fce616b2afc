"""The default review pages: every kind of decision represented, most money at stake first,
and the partners left out counted, named and reachable."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import polars as pl

from partnerkit.policy import Policy
from partnerkit.report import content
from partnerkit.report.build import ONEPAGER_LIMIT, build_report
from partnerkit.widgets.board import decision_queue

ONEPAGER = r'class="page onepager" id="partner-\d+">.*?\(([^)]+)\)</span>'


def _card(exits: int, invests: int, *, vital_watch: int = 0, watch: int = 0) -> pl.DataFrame:
    """Exits whose ids run against their money (x000 has the least), as a CRM hands them out;
    exits have no rank."""
    rows: list[tuple[str, int | None, str, bool, float, float]] = [
        *((f"x{i:03d}", None, "exit", False, float(i), 0.0) for i in range(exits)),
        *((f"i{i:03d}", i + 1, "invest", False, 0.0, float(100 - i)) for i in range(invests)),
        *((f"v{i:03d}", i + 1, "watch", True, 1000.0 + i, 0.0) for i in range(vital_watch)),
        *((f"w{i:03d}", i + 50, "watch", False, 5000.0, 0.0) for i in range(watch)),
    ]
    return pl.DataFrame(
        rows,
        schema={
            "partner_id": pl.String,
            "rank": pl.Int64,
            "recommendation": pl.String,
            "vital": pl.Boolean,
            "won_revenue": pl.Float64,
            "open_pipeline": pl.Float64,
        },
        orient="row",
    ).with_columns(name=pl.concat_str(pl.lit("Name "), "partner_id"))


def test_every_kind_of_decision_gets_pages_when_exits_are_many() -> None:
    """101 exits, 12 investments: the old choice gave all 40 pages to exits."""
    groups = content.review_groups(_card(101, 12, vital_watch=3, watch=20), limit=40)
    assert [(g.recommendation, len(g.shown), len(g.left_out)) for g in groups] == [
        ("exit", 25, 76),
        ("watch", 3, 0),  # only the vital partners on watch, not the 20 others
        ("invest", 12, 0),
    ]
    assert len(content.decision_partners(_card(101, 12, vital_watch=3), limit=40)) == 40


def test_a_small_kind_leaves_its_share_to_the_others() -> None:
    groups = content.review_groups(_card(28, 19, vital_watch=1), limit=40)
    assert [(len(g.shown), g.total) for g in groups] == [(20, 28), (1, 1), (19, 19)]
    assert content.review_groups(_card(3, 0), limit=40)[0].left_out == ()
    assert [g.recommendation for g in content.review_groups(_card(3, 0), limit=40)] == ["exit"]


def test_most_money_at_stake_first_not_the_crm_id() -> None:
    shown = content.decision_partners(_card(10, 0), limit=3)
    assert shown == ["x009", "x008", "x007"]


def test_the_order_is_the_decision_queues() -> None:
    """The review pages follow the decision board's queue, partner for partner."""
    card = _card(30, 9, vital_watch=2).with_columns(
        investment=pl.Series([float((i * 37) % 11) for i in range(41)]),
        won_revenue=pl.Series([float((i * 13) % 7) for i in range(41)]),
    )
    queue = decision_queue(card, policy=Policy())
    expected = [
        pid
        for rec, vital in (("exit", False), ("watch", True), ("invest", False))
        for pid in queue.filter(
            pl.col("recommendation") == rec, pl.col("vital") if vital else pl.lit(value=True)
        )["partner_id"].to_list()
    ]
    assert content.decision_partners(card, limit=1000) == expected


def test_the_intro_counts_who_is_left_out_and_says_how_to_get_them() -> None:
    groups = content.review_groups(_card(101, 12, vital_watch=3), limit=40)
    intro = content.review_intro(groups, limit=40)
    assert "Left out: 76 of 101 recommended exits" in intro
    assert "investments" in intro
    assert "best-ranked" not in intro  # exits have no rank
    more = content.review_more(groups)
    assert "--partners ID,ID" in more
    assert "--all-partners" in more
    assert content.review_more(content.review_groups(_card(3, 2), limit=40)) == ""


def test_the_page_lists_each_kind_and_names_those_left_out(tmp_path: Path, analysis: Any) -> None:
    many = pl.concat(
        [
            analysis.scorecard.with_columns(
                partner_id=pl.col("partner_id") + f"-{n}",
                vital=pl.lit(value=False),
                recommendation=pl.when(pl.col("recommendation") == "invest")
                .then(pl.lit("invest"))
                .otherwise(pl.lit("exit")),
            )
            for n in range(5)
        ]
    )
    card = pl.concat([analysis.scorecard, many])
    page = build_report(dataclasses.replace(analysis, scorecard=card), tmp_path).read_text()
    section = re.search(r'<section class="page" id="partners">(.*?)</section>', page, re.DOTALL)
    assert section
    text = section.group(1)
    groups = content.review_groups(card, limit=ONEPAGER_LIMIT)
    assert [g.recommendation for g in groups] == ["exit", "invest"]
    for g in groups:
        assert f"{g.label.capitalize()}: {len(g.shown)} of {g.total} with a page" in text
    exits = groups[0]
    assert exits.left_out
    assert f"Left out ({len(exits.left_out)}), most at stake first:" in text
    assert exits.left_out[0].partner_id in text
    assert "--all-partners" in text
    onepagers = re.findall(
        r'class="page onepager" id="partner-\d+">.*?\(([^)]+)\)</span>', page, re.DOTALL
    )
    assert onepagers == content.decision_partners(card, limit=ONEPAGER_LIMIT)
    assert len(onepagers) == ONEPAGER_LIMIT
