import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from partnerkit.analysis import ON_DEMAND, STAGE_ONE_SETTINGS, Analysis, analyze
from partnerkit.cli import main
from partnerkit.facts import latest_date
from partnerkit.load import from_frames
from partnerkit.load.read import read_portfolio
from partnerkit.metrics.health import reweight
from partnerkit.metrics.pareto import reflag
from partnerkit.metrics.scorecard import CORE_COLUMNS
from partnerkit.policy import Policy

from .tiny import make_portfolio

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def result(tiny):
    return analyze(tiny, as_of=AS_OF)


def test_default_as_of_is_the_latest_date_in_the_data(tiny):
    a = analyze(tiny)
    # E's deal closed 2026-02-01, the latest event date (E signed the same day)
    assert a.as_of == dt.date(2026, 2, 1) == latest_date(tiny)
    assert a.window_start == dt.date(2025, 2, 1)


def test_every_output_is_a_collected_frame(result):
    assert isinstance(result, Analysis)
    assert (result.as_of, result.window_start) == (AS_OF, dt.date(2024, 12, 31))
    names = [f.name for f in dataclasses.fields(Analysis)] + list(ON_DEMAND)
    for name in names:
        value = getattr(result, name)
        if name not in ("as_of", "window_start", "policy", "notes", "facts", "on_demand"):
            assert isinstance(value, pl.DataFrame), name
    assert result.scorecard.height == 5
    assert "Analysis(as_of=2025-12-31" in repr(result)


def test_concentration_row(result):
    c = result.concentration.row(0, named=True)
    # denominator active: A 4000 and B 2000 (C dormant, D prospect, E not yet signed)
    assert (c["partners"], c["total_value"], c["vital_count"], c["vital_share"]) == (
        2,
        6000.0,
        2,
        1.0,
    )
    # Gini of (2000, 4000): (-1 * 2000 + 1 * 4000) / (2 * 6000) = 1/6
    assert c["gini"] == pytest.approx(1 / 6)
    assert c["hhi"] == pytest.approx((4 / 6) ** 2 + (2 / 6) ** 2)


def test_other_outputs_of_the_tiny_portfolio(result):
    # A and B (both crm) shared x1, but B came after A's deals there had closed
    assert result.conflicts.height == 0
    assert result.timing["deals"].to_list() == [1, 0, 1]
    assert result.incentives["partner_id"].to_list() == ["B"]
    assert result.vital_quarters.select("partner_id", "quarter").rows() == [
        ("C", dt.date(2024, 10, 1)),
        ("A", dt.date(2025, 1, 1)),
        ("A", dt.date(2025, 7, 1)),
        ("B", dt.date(2025, 10, 1)),
    ]
    tiers = result.tiers.filter(pl.col("tier") == "gold").row(0, named=True)
    # gold: A (gap 0) and C (over-tiered, no investment)
    assert (tiers["partners"], tiers["over_tiered"], tiers["investment_over_tiered"]) == (2, 1, 0.0)
    assert set(result.health_explained["partner_id"]) == {"A", "B", "C"}
    assert result.lift.filter(pl.col("scope") == "portfolio")["n_closed"].to_list() == [5, 2]
    assert result.coverage.filter(pl.col("partner_id") == "A")["account_id"].to_list() == [
        "x1", "x2", "x3", "x9",
    ]  # fmt: skip


def test_notes_of_a_complete_portfolio(result):
    assert result.notes == ("1 partner signed after as_of is listed but not counted.",)


def test_activities_without_an_initiator_are_noted():
    """A blank initiated_by is never a sign of life: the note counts those activities."""
    p = make_portfolio(
        partners={"partner_id": ["a", "b", "c"], "name": ["A", "B", "C"],
                  "signed_on": ["2023-01-01"] * 3},
        deals={
            "deal_id": ["d1"], "partner_id": ["a"], "created_on": ["2025-01-05"],
            "closed_on": ["2025-03-01"], "outcome": ["won"], "amount": [10.0],
        },
        activities={
            "partner_id": ["b", "b", "c", "c"],
            "occurred_on": ["2025-02-20", "2025-02-25", "2025-02-26", "2024-01-01"],
            "kind": ["qbr", "training", "cosell", "qbr"],
            "initiated_by": [None, "us", None, None],
        },
    )  # fmt: skip
    a = analyze(p, as_of=dt.date(2025, 3, 1))
    assert a.scorecard.filter(pl.col("partner_id").is_in(["b", "c"]))["state"].to_list() == [
        "dormant", "dormant",
    ]  # fmt: skip
    (note,) = (n for n in a.notes if "initiator" in n)
    # c's activity of 2024-01-01 is before the window: 2 of the 3 in W have no initiator
    assert note.startswith(
        "2 of the 3 activities of counted partners in the window have no initiator recorded "
        "(initiated_by blank): they count as engagement, never as a sign of life from the "
        "partner (one it initiated within 91 days); 2 dormant partners have some."
    )
    filled = make_portfolio(
        partners={"partner_id": ["a"], "name": ["A"]},
        deals={"deal_id": ["d1"], "partner_id": ["a"], "created_on": ["2025-01-05"],
               "closed_on": ["2025-03-01"], "outcome": ["won"], "amount": [10.0]},
        activities={"partner_id": ["a"], "occurred_on": ["2025-02-20"], "kind": ["qbr"],
                    "initiated_by": ["partner"]},
    )  # fmt: skip
    assert not [n for n in analyze(filled).notes if "initiator" in n]


def test_tiers_off_the_ladder_are_noted():
    p = make_portfolio(
        partners={"partner_id": ["a", "b", "c", "d", "e"], "name": list("ABCDE"),
                  "tier": ["Gold", " Premier ", "Premier", "Elite", None]},
        deals={"deal_id": ["d1"], "partner_id": ["a"], "created_on": ["2025-01-05"],
               "closed_on": ["2025-03-01"], "outcome": ["won"], "amount": [10.0]},
    )  # fmt: skip
    a = analyze(p)
    assert a.scorecard.filter(pl.col("tier_level").is_null()).height == 4
    (note,) = (n for n in a.notes if "tier_ladder" in n)
    assert note == (
        "3 partners have a tier not on policy.tier_ladder (platinum, gold, silver, registered): "
        "'Premier' (2), 'Elite' (1); their tier is not audited. Set policy.tier_ladder to the "
        "programme's tier names, top first."
    )
    ladder = dataclasses.replace(a.policy, tier_ladder=("elite", "premier", "gold"))
    assert not [n for n in analyze(p, policy=ladder).notes if "tier_ladder" in n]


def test_rows_set_aside_by_quarantine_are_noted(tmp_path):
    (tmp_path / "partners.csv").write_text("partner_id,name\nP1,A\nP2,B\n")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,P1,2025-01-01,2025-02-01,won,100\n"
        "D2,P9,2025-01-01,2025-02-01,won,900\n"
        "D3,P2,2025-01-01,2025-02-01,won,-5\n"
    )
    a = analyze(read_portfolio(tmp_path, quarantine=True))
    said = (
        "Set aside by quarantine and left out of every figure: 2 rows, 2 of deals (negative 1, "
        "unknown_partner 1). The load report lists each by line and record id "
        "(Portfolio.quarantine holds them)."
    )
    assert said in a.notes
    assert said in a.with_policy(dataclasses.replace(a.policy, exit_max_health=10)).notes
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "partners.csv").write_text("partner_id,name\nP1,A\n")
    (clean / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,P1,2025-01-01,2025-02-01,won,100\n"
    )
    assert not [n for n in analyze(read_portfolio(clean, quarantine=True)).notes if "aside" in n]


def test_bare_minimum_portfolio_notes_and_no_crash():
    p = make_portfolio(
        partners={"partner_id": ["a", "b"], "name": ["A", "B"]},
        deals={
            "deal_id": ["d1", "d2"], "partner_id": ["a", None], "created_on": ["2025-01-05"] * 2,
            "closed_on": ["2025-03-01", "2025-04-01"], "outcome": ["won", "lost"],
            "amount": [10.0, 5.0],
        },
    )  # fmt: skip
    a = analyze(p)
    assert a.as_of == dt.date(2025, 4, 1)
    assert a.concentration["vital_count"].item() == 1
    text = " ".join(a.notes)
    for word in (
        "source",
        "account_id",
        "partner_engaged_on",
        "activity log",
        "investments",
        "overlaps",
        "signing dates",
        "tiers",
        "categories",
        "executive_sponsor",
        "'interest'",
        "'awareness'",
        "'encouragement'",
    ):
        assert word in text, word
    assert a.conflicts.height == 0
    assert a.incentives.height == 0
    assert a.coverage.height == 0
    assert a.timing["deals"].to_list() == [0, 0, 0]
    assert a.health_explained["contribution"].null_count() == a.health_explained.height


def test_partner_view(result):
    a = result.partner("A")
    assert a["won_revenue"] == 4000.0
    assert a["conflicts"] == []
    assert len(a["health_explained"]) == 10  # ten metrics in the default model
    assert a["lift"][0]["n_closed"] == 3
    assert a["accounts"] == ["x1", "x2", "x3", "x9"]
    # the scorecard's count of vital quarters is kept beside the quarter rows
    assert a["vital_quarters"] == sum(q["vital"] for q in a["quarters"])
    assert isinstance(a["vital_quarters"], int)
    with pytest.raises(KeyError, match="zzz"):
        result.partner("zzz")


def test_with_policy_rescores_without_raw_data(result, tiny):
    strict = dataclasses.replace(result.policy, vital_threshold=0.5)
    again = result.with_policy(strict)
    # A alone holds 4000 / 6000 >= 0.5
    assert again.scorecard.filter(pl.col("vital"))["partner_id"].to_list() == ["A"]
    assert again.scorecard.equals(analyze(tiny, as_of=AS_OF, policy=strict).scorecard)
    with pytest.raises(ValueError, match="lookback_months"):
        result.with_policy(dataclasses.replace(result.policy, lookback_months=6))
    assert "lookback_months" in STAGE_ONE_SETTINGS


def test_with_policy_keeps_what_only_the_facts_decide(result):
    again = result.with_policy(dataclasses.replace(result.policy, vital_threshold=0.5))
    assert again.coverage is result.coverage
    assert again.conflicts is result.conflicts


def test_interactive_updates_reproduce_the_analysis(result):
    policy = result.policy
    # health re-scored from the kept percentiles with the policy's weights: the same floats
    assert result.health_percentiles["partner_id"].equals(result.scorecard["partner_id"])
    dims = [d.name for d in policy.health]
    again = reweight(result.health_percentiles, model=policy.health)
    assert again.equals(result.scorecard.select("partner_id", *dims, "health"))
    # the vital few re-flagged at the policy's threshold: the same scorecard
    same = reflag(
        result.scorecard,
        value=policy.pareto_value,
        threshold=policy.vital_threshold,
        denominator=policy.denominator,
    )
    assert same.equals(result.scorecard)
    # and at another threshold the same as a full re-scoring
    other = dataclasses.replace(policy, vital_threshold=0.5)
    moved = reflag(result.scorecard, value=policy.pareto_value, threshold=0.5,
                   denominator=policy.denominator)  # fmt: skip
    full = result.with_policy(other).scorecard
    cols = ["partner_id", "rank", "share", "cum_share", "vital"]
    assert moved.select(cols).sort("partner_id").equals(full.select(cols).sort("partner_id"))


def test_lookback_changes_the_window(tiny):
    a = analyze(tiny, as_of=AS_OF, policy=dataclasses.replace(Policy(), lookback_months=6))
    assert a.window_start == dt.date(2025, 6, 30)
    # only B's win (2025-12-31) and A's 3000 (2025-09-01) remain
    assert a.scorecard["won_revenue"].to_list()[:2] == [3000.0, 2000.0]


def test_invalid_policy_is_refused(tiny):
    with pytest.raises(ValueError, match="vital_threshold"):
        analyze(tiny, policy=dataclasses.replace(Policy(), vital_threshold=0.0))


def test_through_the_loader():
    p = from_frames(
        partners=pl.DataFrame(
            {"partner_id": ["a", "b"], "name": ["A", "B"], "tier": ["gold", "silver"]}
        ),
        deals=pl.DataFrame(
            {
                "deal_id": ["d1", "d2"], "partner_id": ["a", "b"],
                "created_on": ["2025-01-05", "2025-01-06"], "closed_on": ["2025-03-01", None],
                "outcome": ["won", "open"], "amount": ["1200.50", "10"],
            }
        ),
    )  # fmt: skip
    a = analyze(p)
    assert a.scorecard["won_revenue"].to_list() == [1200.5, 0.0]
    # b's zero value earns the bottom tier of the ladder (registered)
    assert a.scorecard["implied_tier"].to_list() == ["gold", "registered"]


# --- command line ---------------------------------------------------------------------------


def write_folder(folder: Path) -> Path:
    folder.mkdir()
    pl.DataFrame({"partner_id": ["a", "b"], "name": ["=HYPERLINK(1)", "Beta"]}).write_csv(
        folder / "partners.csv"
    )
    pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3"], "partner_id": ["a", "b", "b"],
            "created_on": ["2025-01-05", "2025-01-06", "2025-01-07"],
            "closed_on": ["2025-03-01", "2025-02-01", "2025-02-02"],
            "outcome": ["won", "won", "lost"], "amount": [900.0, 100.0, 50.0],
        }
    ).write_csv(folder / "deals.csv")  # fmt: skip
    return folder


def test_cli_prints_the_summary_and_writes_a_safe_scorecard(tmp_path, capsys):
    folder = write_folder(tmp_path / "p")
    out = tmp_path / "scorecard.csv"
    assert main(["analyze", str(folder), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "as of 2025-03-01" in text
    assert "vital few: 1 of 2 partners (50%) produces 90% of won revenue" in text
    assert "note: " in text
    card = pl.read_csv(out)
    assert card["name"].to_list() == ["'=HYPERLINK(1)", "Beta"]


def test_cli_as_of_and_policy(tmp_path, capsys):
    folder = write_folder(tmp_path / "p")
    policy = tmp_path / "policy.toml"
    policy.write_text("[pareto]\nvital_threshold = 0.95\n")
    assert main(["analyze", str(folder), "--as-of", "2025-02-15", "--policy", str(policy)]) == 0
    text = capsys.readouterr().out
    # on 2025-02-15 only b's 100 is won; a is active (deal created in W), so both are in
    # the denominator; threshold 95%
    assert "as of 2025-02-15" in text
    assert "(threshold 95%)" in text
    assert "vital few: 1 of 2 partners (50%) produces 100%" in text


def test_cli_errors(tmp_path, capsys):
    folder = write_folder(tmp_path / "p")
    assert main(["analyze", str(folder), "--as-of", "yesterday"]) == 2
    assert main(["analyze", str(tmp_path / "nowhere")]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[x]\nvital_treshold = 2\n")
    assert main(["analyze", str(folder), "--policy", str(bad)]) == 2
    (folder / "deals.csv").write_text("deal_id,partner_id\nd1,a\n")
    assert main(["analyze", str(folder)]) == 1
    assert "partnerkit analyze" in capsys.readouterr().err


def test_cli_core_on_parquet_read_as_it_is(tmp_path, capsys):
    folder = write_folder(tmp_path / "p")
    parquet = tmp_path / "pq"
    parquet.mkdir()
    portfolio = read_portfolio(folder)
    for name in ("partners", "deals"):
        portfolio.table(name).select(portfolio.supplied[name]).collect().write_parquet(
            parquet / f"{name}.parquet"
        )
    out = tmp_path / "core.parquet"
    args = ["analyze", str(parquet), "--core", "--no-validate", "--out", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "as of 2025-03-01" in text
    # the same vital few as the full analysis: a's 900 of 1000 passes 80% on its own
    assert "vital few: 1 of 2 partners (50%) produces 90% of won revenue" in text
    card = pl.read_parquet(out)
    assert card.columns == list(CORE_COLUMNS)
    assert card.filter(pl.col("vital"))["partner_id"].to_list() == ["a"]
    # CSV files are always parsed and checked: --no-validate reads them with every check,
    # and a warning names them
    assert main(["analyze", str(folder), "--core", "--no-validate"]) == 0
    said = capsys.readouterr()
    assert "vital few: 1 of 2 partners (50%) produces 90% of won revenue" in said.out
    assert "warning:" in said.err
    assert "partners.csv" in said.err


def test_on_demand_outputs_are_computed_once_on_first_access(tiny):
    a = analyze(tiny, as_of=AS_OF)
    assert set(a.on_demand) == set(ON_DEMAND)
    assert not any(getattr(a.on_demand[k], "_value", None) is not None for k in ON_DEMAND)
    first = a.lift
    assert a.lift is first  # kept, not computed again
    assert a.compute() is a
    assert all(getattr(a.on_demand[k], "_value", None) is not None for k in ON_DEMAND)


def test_with_policy_shares_the_lift_unless_its_settings_change(result):
    same = result.with_policy(dataclasses.replace(result.policy, vital_threshold=0.5))
    assert same.lift is result.lift
    other = result.with_policy(dataclasses.replace(result.policy, confidence=0.5))
    assert other.lift is not result.lift
    assert other.lift["n_closed"].to_list() == result.lift["n_closed"].to_list()


@pytest.fixture(scope="module")
def sample_result():
    return analyze(read_portfolio(Path(__file__).parents[1] / "data" / "samples"))


def test_health_explanation_adds_up_to_the_scores_on_the_sample(sample_result):
    """What the health chart, the tables and the one-pager read must agree."""
    a = sample_result
    dims = [d.name for d in a.policy.health]
    why = a.health_explained
    sums = (
        why.filter(pl.col("contribution").is_not_null())
        .group_by("partner_id", "dimension")
        .agg(pl.col("contribution").sum())
        .pivot("dimension", index="partner_id", values="contribution")
    )
    card = a.scorecard.filter(pl.col("counted")).select("partner_id", *dims, "health")
    both = card.join(sums, on="partner_id", how="left", suffix="_sum")
    assert both.height == card.height > 100
    for d in dims:
        diff = both.select((pl.col(d) - pl.col(f"{d}_sum")).abs().max()).item()
        assert diff is None or diff < 1e-9, d
        # a dimension is null exactly when none of its metrics counts for the partner
        assert both[d].is_null().equals(both[f"{d}_sum"].is_null()), d
    means = both.select(pl.mean_horizontal(*dims)).to_series()
    assert (means - both["health"]).abs().max() < 1e-9
    # every counted partner has one row per dimension and metric of the model
    assert why.height == card.height * sum(len(d.metrics) for d in a.policy.health)


def _rows_of(name):
    import csv  # noqa: PLC0415

    with (Path(__file__).parents[1] / "data" / "samples" / f"{name}.csv").open() as fh:
        return list(csv.DictReader(fh))


def test_lift_on_the_sample_against_a_plain_recount(sample_result):
    """Counts, rates, means and support flags recomputed from the raw CSV rows."""
    a = sample_result
    start, end = a.window_start, a.as_of
    groups: dict[tuple[str, str], list[tuple[bool, float, int]]] = {}
    for d in _rows_of("deals"):
        if d["outcome"] not in ("won", "lost") or not d["closed_on"]:
            continue
        closed = dt.date.fromisoformat(d["closed_on"])
        if not start < closed <= end:
            continue
        days = (closed - dt.date.fromisoformat(d["created_on"])).days
        deal = (d["outcome"] == "won", float(d["amount"]), days)
        pid = d["partner_id"]
        groups.setdefault(("portfolio", "partner" if pid else "direct"), []).append(deal)
        if pid:
            groups.setdefault((pid, "partner"), []).append(deal)
    n = a.policy.min_sample
    got = {(r["scope"], r["group"]): r for r in a.lift.to_dicts()}
    assert set(got) == set(groups)
    for key, deals in groups.items():
        r, won = got[key], [x for x in deals if x[0]]
        assert (r["n_closed"], r["n_won"]) == (len(deals), len(won)), key
        assert r["win_rate"] == pytest.approx(len(won) / len(deals))
        assert (r["enough"], r["enough_won"]) == (len(deals) >= n, len(won) >= n), key
        if won:
            assert r["mean_deal"] == pytest.approx(sum(x[1] for x in won) / len(won))
            assert r["days_to_close"] == pytest.approx(sum(x[2] for x in won) / len(won))
        assert (r["win_rate_lo"] is not None) == (len(deals) >= n), key
        assert (r["mean_deal_lo"] is not None) == (len(won) >= n), key


@pytest.mark.parametrize("as_of", [None, dt.date(2026, 4, 15)])
def test_incentives_on_the_sample_are_measurable_only_after_a_full_after_span(as_of):
    # at the default as_of (2026-09-30) all three incentives are measurable; on 2026-04-15
    # the one that ended on 2026-03-31 and the one that ended on 2026-01-31 are not yet
    a = analyze(read_portfolio(Path(__file__).parents[1] / "data" / "samples"), as_of=as_of)
    cats = set(a.policy.incentive_categories)
    expected = {}
    for inv in _rows_of("investments"):
        start = dt.date.fromisoformat(inv["starts_on"])
        if inv["category"] not in cats or start > a.as_of:
            continue
        end = min(dt.date.fromisoformat(inv["ends_on"]), a.as_of) if inv["ends_on"] else a.as_of
        span = (end - start).days + 1
        expected[(inv["partner_id"], start)] = end + dt.timedelta(days=span) <= a.as_of
    got = {
        (r["partner_id"], r["starts_on"]): r
        for r in a.incentives.select(
            "partner_id", "starts_on", "measurable", "durability"
        ).to_dicts()
    }
    assert {k: r["measurable"] for k, r in got.items()} == expected
    assert sum(expected.values()) == (3 if as_of is None else 1)
    for r in got.values():
        assert (r["durability"] == "not yet measurable") is (not r["measurable"])


def test_on_demand_output_computed_once_across_threads(tiny):
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    a = analyze(tiny, as_of=AS_OF)
    with ThreadPoolExecutor(max_workers=4) as pool:
        frames = list(pool.map(lambda _: a.lift, range(8)))
    assert all(f is frames[0] for f in frames)


def test_an_as_of_long_after_the_data_is_noted_and_the_default_never_is(tiny):
    """An as_of past the latest event by more than the active days gets a note naming it."""
    latest = latest_date(tiny)
    policy = Policy()
    assert not [n for n in analyze(tiny).notes if "Check as_of" in n]
    near = analyze(tiny, as_of=latest + dt.timedelta(days=policy.active_days))
    assert not [n for n in near.notes if "Check as_of" in n]
    late = analyze(tiny, as_of=latest + dt.timedelta(days=400))
    (note,) = [n for n in late.notes if "Check as_of" in n]
    assert f"is on {latest}, 400 days before as_of" in note
    reweighted = late.with_policy(dataclasses.replace(policy, vital_threshold=0.7))
    assert note in reweighted.notes


def test_an_as_of_before_every_event_is_noted_and_one_on_the_first_event_is_not(tiny):
    """An as_of before the data leaves every partner dormant: the note names the first event."""
    from partnerkit.facts import earliest_event, portfolio_tables  # noqa: PLC0415

    first = earliest_event(portfolio_tables(tiny))
    assert first is not None
    assert not [n for n in analyze(tiny, as_of=first).notes if "earliest actual event" in n]
    early = analyze(tiny, as_of=first - dt.timedelta(days=30))
    (note,) = [n for n in early.notes if "earliest actual event" in n]
    assert f"is on {first}, 30 days after as_of {first - dt.timedelta(days=30)}" in note
    assert note in early.with_policy(dataclasses.replace(Policy(), vital_threshold=0.7)).notes


def test_a_window_whose_won_deals_are_all_direct_is_noted():
    """No partner credited with any won deal, direct ones won: the partner column is suspect."""
    partners = pl.DataFrame({"partner_id": ["a", "b"], "name": ["A", "B"]})
    deals = pl.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3"],
            "partner_id": [None, None, "a"],
            "created_on": ["2025-01-01", "2025-02-01", "2025-03-01"],
            "closed_on": ["2025-03-01", "2025-04-01", "2025-05-01"],
            "outcome": ["won", "won", "lost"],
            "amount": [1000.0, 2500.0, 70.0],
        }
    )
    direct = analyze(from_frames(partners=partners, deals=deals))
    (note,) = [n for n in direct.notes if n.startswith("Every deal won")]
    assert "2 deals with no partner, 3,500 of won revenue" in note
    credited = deals.with_columns(outcome=pl.Series(["won", "won", "won"]))
    assert not [
        n
        for n in analyze(from_frames(partners=partners, deals=credited)).notes
        if n.startswith("Every deal won")
    ]
