import datetime as dt
import itertools
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit import formatting as fmt
from partnerkit.metrics.pareto import (
    concentration,
    in_denominator,
    pareto,
    pareto_flags,
    partner_order,
    reflag,
    vital_by_quarter,
    vital_few_sentence,
)


def ranked(values, **kw):
    ids = [f"p{i:02d}" for i in range(len(values))]
    frame = pl.LazyFrame({"partner_id": ids, "won_revenue": values})
    return pareto(frame, **{"value": "won_revenue", "threshold": 0.8, **kw})


def test_pareto_hand_example():
    out = ranked([50.0, 20.0, 10.0, 10.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0]).collect()
    assert out["rank"].to_list() == list(range(1, 11))
    # cumulative: .5 .7 .8 .9 .95 1 1 1 1 1; vital while the share before is < .8, and the
    # fourth (10, tied with the third) is vital too: which of two equal partners is vital
    # must not depend on their ids
    assert out["cum_share"].to_list() == pytest.approx([0.5, 0.7, 0.8, 0.9, 0.95, 1, 1, 1, 1, 1])
    assert out["vital"].to_list() == [True] * 4 + [False] * 6


def test_concentration_hand_example():
    values = [50.0, 20.0, 10.0, 10.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0]
    c = (
        concentration(ranked(values), value="won_revenue", threshold=0.8, denominator="active")
        .collect()
        .row(0, named=True)
    )
    assert (c["partners"], c["total_value"], c["vital_count"]) == (10, 100.0, 4)  # a tie of 10s
    assert c["vital_share"] == 0.4
    assert c["vital_value_share"] == pytest.approx(0.9)
    assert c["zero_value_share"] == 0.4
    # top 20% = 2 partners: .5 + .2; top 10% = 1 partner; top 5% = half of the first: .25
    assert c["top20_share"] == pytest.approx(0.7)
    assert c["top10_share"] == pytest.approx(0.5)
    assert c["top5_share"] == pytest.approx(0.25)
    # Gini on ascending 0,0,0,0,5,5,10,10,20,50: sum (2i-11) x_i = -5+5+30+50+140+450 = 670,
    # / (10 * 100) = 0.67
    assert c["gini"] == pytest.approx(0.67)
    # HHI: .25 + .04 + .01 + .01 + .0025 + .0025
    assert c["hhi"] == pytest.approx(0.315)
    # gaps: 80/20 |.7-.8| = .1, 90/10 |.5-.9| = .4, 95/5 |.25-.95| = .7
    assert c["closest_benchmark"] == "80/20"
    assert (c["denominator"], c["value_column"], c["threshold"]) == ("active", "won_revenue", 0.8)


def test_closest_benchmark_95_5():
    # 20 partners, one holds 95%: C(0.05) = 0.95 exactly
    values = [95.0] + [1.0] * 5 + [0.0] * 14
    c = (
        concentration(ranked(values), value="won_revenue", threshold=0.8, denominator="enrolled")
        .collect()
        .row(0, named=True)
    )
    assert c["top5_share"] == pytest.approx(0.95)
    assert c["closest_benchmark"] == "95/5"


def test_concentration_of_nothing():
    c = (
        concentration(
            ranked([0.0, 0.0]), value="won_revenue", threshold=0.8, denominator="enrolled"
        )
        .collect()
        .row(0, named=True)
    )
    assert (c["partners"], c["vital_count"], c["zero_value_share"]) == (2, 0, 1.0)
    assert c["gini"] is None
    assert c["top20_share"] is None
    assert c["closest_benchmark"] is None
    empty = (
        concentration(
            ranked([], include=pl.lit(value=False)),
            value="won_revenue",
            threshold=0.8,
            denominator="enrolled",
        )
        .collect()
        .row(0, named=True)
    )
    assert (empty["partners"], empty["vital_share"]) == (0, None)


def test_gini_of_equal_values_is_zero_and_of_one_producer_is_high():
    assert (
        concentration(ranked([5.0] * 4), value="won_revenue", threshold=0.8, denominator="enrolled")
        .collect()["gini"]
        .item()
        == 0.0
    )
    # one of four holds everything: (2*4 - 5) * 1 / 4 = 0.75
    assert (
        concentration(
            ranked([9.0, 0, 0, 0]), value="won_revenue", threshold=0.8, denominator="enrolled"
        )
        .collect()["gini"]
        .item()
        == 0.75
    )


def test_include_limits_who_is_ranked():
    frame = pl.LazyFrame(
        {"partner_id": ["a", "b", "c"], "won_revenue": [5.0, 9.0, 1.0], "keep": [True, False, True]}
    )
    out = (
        pareto(frame, value="won_revenue", threshold=0.8, include="keep")
        .sort("partner_id")
        .collect()
    )
    assert out["rank"].to_list() == [1, None, 2]
    assert out["vital"].to_list() == [True, False, False]  # before c: 5/6 >= 0.8
    assert out["share"].to_list() == pytest.approx([5 / 6, None, 1 / 6], nan_ok=False)


def test_in_denominator_rejects_unknown_names():
    with pytest.raises(ValueError, match="enrolled, active or positive"):
        in_denominator("everyone", value="won_revenue")


def test_vital_by_quarter_hand_example():
    q1, q2 = dt.date(2025, 1, 1), dt.date(2025, 4, 1)
    values = pl.LazyFrame(
        {
            "partner_id": ["a", "b", "c", "a", "b"],
            "quarter": [q1, q1, q1, q2, q2],
            "value": [50.0, 40.0, 10.0, 10.0, 90.0],
        }
    )
    out = vital_by_quarter(values, threshold=0.8).collect()
    # q1: a .5 (vital), b before .5 (vital), c before .9; q2: b .9 (vital), a before .9
    assert out.select("quarter", "partner_id", "vital").rows() == [
        (q1, "a", True), (q1, "b", True), (q1, "c", False), (q2, "b", True), (q2, "a", False),
    ]  # fmt: skip


# --- properties ---------------------------------------------------------------------------

cents = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=40)
thresholds = st.sampled_from([0.5, 0.8, 0.9, 0.95, 1.0])


@given(cents, thresholds, st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_pareto_properties(values, threshold, rnd):
    ids = [f"p{i:03d}" for i in range(len(values))]
    pairs = list(zip(ids, values, strict=True))
    rnd.shuffle(pairs)
    frame = pl.LazyFrame(
        {"partner_id": [p for p, _ in pairs], "won_revenue": [v / 100 for _, v in pairs]}
    )
    out = pareto(frame, value="won_revenue", threshold=threshold).sort("rank").collect()
    total = sum(values)
    by_rank = out["won_revenue"].to_list()
    # ranks follow value (desc) then partner_id
    keys = list(zip([-round(v * 100) for v in by_rank], out["partner_id"].to_list(), strict=True))
    assert keys == sorted(keys)
    if total == 0:
        assert not out["vital"].any()
        assert out["share"].null_count() == len(values)
        return
    shares = out["share"].to_list()
    assert all(0 <= s <= 1 for s in shares)
    assert sum(shares) == pytest.approx(1.0)
    cum = out["cum_share"].to_list()
    assert all(b >= a for a, b in itertools.pairwise(cum))
    assert cum[-1] == pytest.approx(1.0)
    # the vital set is the minimal prefix whose share reaches the threshold (exact arithmetic),
    # with the partners tied in value with its last one
    vital = out["vital"].to_list()
    k = sum(vital)
    assert vital == [True] * k + [False] * (len(vital) - k)
    units = [round(v * 100) for v in by_rank]
    t = Fraction(str(threshold))
    shortest = next(n for n in range(1, len(units) + 1) if Fraction(sum(units[:n]), total) >= t)
    tied = sum(1 for u in units[shortest:] if u == units[shortest - 1])
    assert k == shortest + tied


@given(st.lists(st.integers(0, 4), min_size=1, max_size=12), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_who_is_vital_does_not_depend_on_ids(values, rnd):  # small values: ties are common
    # metamorphic: give the partners other ids (a shuffled naming): the vital values are the same
    ids = [f"p{i:03d}" for i in range(len(values))]
    renamed = ids[:]
    rnd.shuffle(renamed)

    def vital_partners(names: list[str]) -> list[bool]:  # by the partner's place in `values`
        frame = pl.LazyFrame({"partner_id": names, "won_revenue": [v / 100 for v in values]})
        return pareto_flags(frame, value="won_revenue", threshold=0.8).collect()["vital"].to_list()

    assert vital_partners(ids) == vital_partners(renamed)


@given(cents, st.randoms(use_true_random=False))
@settings(max_examples=50, deadline=None)
def test_pareto_ignores_row_order(values, rnd):
    ids = [f"p{i:03d}" for i in range(len(values))]
    frame = pl.DataFrame({"partner_id": ids, "won_revenue": [v / 100 for v in values]})
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10**6))
    a = pareto(frame.lazy(), value="won_revenue", threshold=0.8).sort("partner_id").collect()
    b = pareto(shuffled.lazy(), value="won_revenue", threshold=0.8).sort("partner_id").collect()
    assert a.equals(b)


# --- ranking without moving rows ----------------------------------------------------------


def test_ties_are_broken_by_partner_id_in_byte_order():
    # equal values in cents (5.004 rounds to 5.00) rank by partner_id byte by byte:
    # "B" (0x42) < "a" < "b" < "z" (0x7a) < "é" (0xc3 0xa9)
    frame = pl.DataFrame(
        {"partner_id": ["é", "b", "a", "B", "z", "y"], "won_revenue": [5.0] * 4 + [5.004, 9.0]}
    )
    out = pareto_flags(frame, value="won_revenue", threshold=0.8)
    assert out["partner_id"].to_list() == frame["partner_id"].to_list()  # rows unmoved
    ranks = dict(zip(out["partner_id"], out["rank"], strict=True))
    assert [p for p, _ in sorted(ranks.items(), key=lambda kv: kv[1])] == [
        "y", "B", "a", "b", "z", "é",
    ]  # fmt: skip


def test_reflag_replaces_the_columns_where_they_stand():
    card = pl.DataFrame(
        {
            "partner_id": ["a", "b", "c", "d"],
            "rank": [1, 2, 3, None],
            "v": [1.0, 6.0, 3.0, 4.0],
            "in_denominator": [True, True, True, False],
            "share": [0.1, 0.2, 0.3, None],
            "cum_share": [0.1, 0.3, 0.6, None],
            "vital": [True, True, False, False],
            "counted": [True, True, True, False],
            "state": ["active", "active", "dormant", "active"],
        }
    )
    out = reflag(card, value="v", threshold=0.6, denominator="active")
    assert out.columns == card.columns
    assert out["partner_id"].to_list() == ["a", "b", "c", "d"]
    # active and counted: a (1) and b (6); total 7: b first, 6/7 >= 0.6 -> only b is vital
    assert out["in_denominator"].to_list() == [True, True, False, False]
    assert out["rank"].to_list() == [2, 1, None, None]
    assert out["share"].to_list() == pytest.approx([1 / 7, 6 / 7, None, None], nan_ok=True)
    assert out["vital"].to_list() == [False, True, False, False]
    enrolled = reflag(card, value="v", threshold=0.6, denominator="enrolled")
    assert enrolled["rank"].to_list() == [3, 1, 2, None]


ids = st.lists(st.text(alphabet="aAbB0_~é中", min_size=1, max_size=3), min_size=1, max_size=30,
               unique=True)  # fmt: skip


@pytest.mark.slow
@given(ids, st.data(), thresholds)
@settings(max_examples=100, deadline=None)
def test_pareto_flags_equal_pareto_row_for_row(names, data, threshold):
    n = len(names)
    values = data.draw(st.lists(st.sampled_from([0, 1, 500, 500, 999, 10**6]), min_size=n,
                                max_size=n))  # fmt: skip
    keep = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    quarter = data.draw(st.lists(st.sampled_from(["q1", "q2"]), min_size=n, max_size=n))
    frame = pl.LazyFrame(
        {"partner_id": names, "won_revenue": [v / 100 for v in values], "keep": keep,
         "quarter": quarter}
    )  # fmt: skip
    for kw in ({}, {"include": "keep"}, {"by": ["quarter"], "include": "keep"}):
        ordered = pareto(frame, value="won_revenue", threshold=threshold, **kw).collect()
        flags = pareto_flags(frame, value="won_revenue", threshold=threshold, **kw).collect()
        assert flags.select(frame.collect_schema().names()).equals(frame.collect())
        assert flags.sort("partner_id").equals(ordered.sort("partner_id")), kw
        # pareto's order: rows taking part by group and rank, then the others as they came
        inside = ordered.filter(pl.col("rank").is_not_null())
        assert inside.equals(inside.sort([*kw.get("by", []), "rank"]))
        # ranks follow (value in cents desc, partner_id) within each group (code point order
        # of str is the byte order of UTF-8)
        by = kw.get("by", [])
        for _, group in inside.group_by(by or pl.lit(0)):
            keys = [(-v, p) for v, p in zip(group["won_revenue"] * 100, group["partner_id"],
                                             strict=True)]  # fmt: skip
            assert [p for _, p in sorted(keys)] == group.sort("rank")["partner_id"].to_list()
        outside = ordered.filter(pl.col("rank").is_null())["partner_id"].to_list()
        assert outside == [p for p, k in zip(names, keep, strict=True) if "include" in kw and not k]


def test_reflag_with_partner_order_breaks_ties_by_id_hand_example():
    # b, a and c all 5.0: ties go by id (a, b, c); d 10.0 first; e is not counted
    card = pl.DataFrame(
        {
            "partner_id": ["b", "d", "a", "e", "c"],
            "v": [5.0, 10.0, 5.0, 99.0, 5.0],
            "counted": [True, True, True, False, True],
            "state": ["active"] * 5,
        }
    ).with_columns(partner_order())
    assert card["partner_order"].to_list() == [1, 3, 0, 4, 2]
    out = reflag(card, value="v", threshold=0.6, denominator="active", order="partner_order")
    # total 25: d 10 (cum .4), a 5 (.6), b 5 (.8), c 5 (1.0); vital while cum before < .6,
    # and b and c are tied with a: vital too (the ids order the ranks, never the flags)
    assert out["rank"].to_list() == [3, 1, 2, None, 4]
    assert out["vital"].to_list() == [True, True, True, False, True]
    # a filter keeps the order column valid: without d, a leads the tie group
    rest = reflag(
        card.filter(pl.col("partner_id") != "d"),
        value="v",
        threshold=0.6,
        denominator="active",
        order="partner_order",
    )
    assert dict(zip(rest["partner_id"], rest["rank"], strict=True)) == {
        "b": 2,
        "a": 1,
        "e": None,
        "c": 3,
    }


@given(ids, st.data(), thresholds, st.sampled_from(["enrolled", "active", "positive"]))
@settings(max_examples=100, deadline=None)
def test_reflag_with_partner_order_equals_reflag_without(names, data, threshold, denominator):
    # metamorphic: the integer tie order must not move a rank, share or flag, on the whole
    # frame and on any subset of its rows
    n = len(names)
    values = data.draw(st.lists(st.sampled_from([0, 1, 500, 999, 10**8]), min_size=n,
                                max_size=n))  # fmt: skip
    card = pl.DataFrame(
        {
            "partner_id": names,
            "v": [v / 100 for v in values],
            "counted": data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            "state": data.draw(
                st.lists(st.sampled_from(["dormant", "active"]), min_size=n, max_size=n)
            ),
        }
    ).with_columns(partner_order())
    keep = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    for frame in (card, card.filter(pl.Series(keep))):
        kw = {"value": "v", "threshold": threshold, "denominator": denominator}
        assert reflag(frame, **kw, order="partner_order").equals(reflag(frame, **kw))


def test_reflag_with_partner_order_when_values_are_too_large_to_pack():
    # 60 partners, two tied at 10**15 (10**17 cents): 10**17 x 60 does not fit in 62 bits
    # beside the order, so the value is ranked first; the result must not change
    names = [f"p{i:02d}" for i in range(60)]
    values = [0.0] * 60
    values[41] = values[7] = 1e15
    values[3] = 1e13
    card = pl.DataFrame(
        {"partner_id": names, "v": values, "counted": [True] * 60, "state": ["active"] * 60}
    ).with_columns(partner_order())
    kw = {"value": "v", "threshold": 0.5, "denominator": "enrolled"}
    out = reflag(card, **kw, order="partner_order")
    assert out.equals(reflag(card, **kw))
    ranks = dict(zip(out["partner_id"], out["rank"], strict=True))
    # p07 before p41 (same value, id order), then p03, then the zeros by id
    assert (ranks["p07"], ranks["p41"], ranks["p03"], ranks["p00"], ranks["p59"]) == (
        1,
        2,
        3,
        4,
        60,
    )
    # total 2.01e15: p07 alone is under half (1.005e15), so p41 is vital too; p03 is not
    assert out.filter("vital")["partner_id"].to_list() == ["p07", "p41"]


def test_reflag_refuses_an_order_column_with_gaps():
    card = pl.DataFrame(
        {"partner_id": ["a", "b"], "v": [1.0, 2.0], "counted": [True, True], "o": [0, None]}
    )
    with pytest.raises(ValueError, match="'o' has missing values"):
        reflag(card, value="v", threshold=0.8, denominator="enrolled", order="o")


@pytest.mark.parametrize(
    "values",
    [
        [82.5, 17.5, 0.0, 0.0, 0.0],  # 82.5%: the tie of the two roundings
        [62.5, 12.5, 10.0, 10.0, 5.0],
        [96.5, 3.5, 0.0, 0.0, 0.0],
        [40.0, 20.0, 15.0, 15.0, 10.0],
    ],
)
def test_the_benchmark_phrase_reads_the_top_share_as_the_figures_do(values):
    """'the top 20% make X' and the top-20% figure of the report are one number, one text."""
    frame = pl.LazyFrame({"partner_id": [f"p{i}" for i in range(5)], "won_revenue": values})
    ranked = pareto(frame, value="won_revenue", threshold=0.8)
    c = concentration(ranked, value="won_revenue", threshold=0.8, denominator="enrolled")
    row = c.collect().row(0, named=True)
    phrase = row["benchmark_position"]
    if phrase.startswith("as concentrated"):
        top = phrase.split("the top ")[1].split("%")[0]
        assert phrase.endswith(f"make {fmt.percent(row[f'top{top}_share'])}")
    else:
        assert phrase.endswith(f"of partners make {fmt.percent(0.8)}")


def test_ties_at_the_cut_are_counted_apart_and_said():
    # one partner holds 75%, ten tie at 2.5% each: the shortest list reaching 80% has 3
    # (75 + 2.5 + 2.5), but all ten tied partners are vital (who is vital never depends on
    # ids), so the vital few are 11 of 11 and the summary must say why
    f = pl.LazyFrame(
        {"partner_id": [f"p{i:02d}" for i in range(11)], "won_revenue": [30_000.0] + [1_000.0] * 10}
    )
    ranked = pareto(f, value="won_revenue", threshold=0.8)
    c = concentration(ranked, value="won_revenue", threshold=0.8, denominator="enrolled")
    row = c.collect().row(0, named=True)
    assert (row["vital_count"], row["vital_needed"]) == (11, 3)
    sentence = vital_few_sentence(
        partners=row["partners"],
        vital_count=row["vital_count"],
        vital_value_share=row["vital_value_share"],
        value="won_revenue",
        threshold=0.8,
        needed=row["vital_needed"],
    )
    assert sentence.endswith(
        "8 of them tied in value with the last partner needed: the shortest list reaching the "
        "threshold has 3"
    )
    # without ties the shortest list is the vital few, and nothing is added
    plain = pl.LazyFrame({"partner_id": list("abc"), "won_revenue": [70.0, 20.0, 10.0]})
    c = concentration(
        pareto(plain, value="won_revenue", threshold=0.8),
        value="won_revenue",
        threshold=0.8,
        denominator="enrolled",
    ).collect()
    assert c.select("vital_count", "vital_needed").row(0) == (2, 2)
    # nothing to rank: no list reaches anything
    zero = pl.LazyFrame({"partner_id": ["a"], "won_revenue": [0.0]})
    c = concentration(
        pareto(zero, value="won_revenue", threshold=0.8),
        value="won_revenue",
        threshold=0.8,
        denominator="enrolled",
    ).collect()
    assert c["vital_needed"].item() is None
