"""The benchmark's second data set and its peers, checked on small portfolios.

``bench/gen_alt.py`` must be deterministic and have the shapes it claims (it is the data set
the kit was *not* shaped around); the DuckDB peer and the hand-written polars query must give
the package's own result on both data sets; the harness' comparison must catch a difference.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.facts import latest_date
from partnerkit.load.read import read_portfolio
from tests.bench_modules import bench_module

gen_alt = bench_module("gen_alt")
harness = bench_module("harness")
impl_polars = bench_module("impl_polars")


@pytest.fixture(scope="module")
def alt() -> dict[str, pl.DataFrame]:
    return gen_alt.generate(partners=2_000, deals=100_000, activities=250_000, seed=7)


@pytest.fixture(scope="module")
def alt_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("alt")
    gen_alt.write(folder, partners=300, deals=15_000, activities=40_000, seed=11)
    return folder


def test_same_seed_same_data_other_seed_other_data():
    a = gen_alt.generate(partners=100, deals=2_000, activities=5_000, seed=3)
    b = gen_alt.generate(partners=100, deals=2_000, activities=5_000, seed=3)
    c = gen_alt.generate(partners=100, deals=2_000, activities=5_000, seed=4)
    for name in a:
        assert_frame_equal(a[name], b[name])
    assert not a["deals"].equals(c["deals"])
    assert not a["partners"]["partner_id"].equals(c["partners"]["partner_id"])


def test_row_counts_are_the_ones_asked_for(alt):
    assert (alt["partners"].height, alt["deals"].height, alt["activities"].height) == (
        2_000,
        100_000,
        250_000,
    )


def test_ids_are_18_character_record_ids_too_long_to_inline(alt):
    ids = alt["partners"]["partner_id"]
    assert ids.n_unique() == ids.len()
    assert set(ids.str.len_bytes().unique()) == {18}
    assert ids.str.starts_with("001").all()
    assert not ids.equals(ids.sort())  # the file is not ordered by id
    deal_ids = alt["deals"]["deal_id"]
    assert deal_ids.n_unique() == deal_ids.len()
    assert deal_ids.str.starts_with("006").all()


def test_deal_counts_are_long_tailed_with_partners_without_deals(alt):
    partners, deals = alt["partners"], alt["deals"]
    direct = deals["partner_id"].is_null().mean()
    assert 0.06 < direct < 0.10  # 8% direct deals
    counts = (
        partners.select("partner_id")
        .join(deals.group_by("partner_id").len(), on="partner_id", how="left")
        .fill_null(0)["len"]
        .sort(descending=True)
    )
    assert (counts == 0).mean() > 0.15  # a fifth get weight 0 (a few more by chance)
    # log-normal weights with sigma 2: the top 1% of partners carry about 37% of the deals
    top = counts.head(len(counts) // 100).sum() / counts.sum()
    assert top > 0.25
    assert counts.median() < counts.mean() / 2


def test_a_few_partners_are_activity_heavy(alt):
    counts = alt["activities"].group_by("partner_id").len()["len"].sort(descending=True)
    # 2% of partners at 40x weight hold close to half the activities
    assert counts.head(alt["partners"].height // 50).sum() / counts.sum() > 0.3
    without = alt["partners"].height - counts.len()
    assert without > alt["partners"].height * 0.05


def test_date_spans_and_order(alt):
    deals, acts = alt["deals"], alt["activities"]
    assert deals["created_on"].min() >= dt.date(2019, 1, 1)
    assert deals["created_on"].max() <= dt.date(2025, 9, 30)
    assert (deals["created_on"].max() - deals["created_on"].min()).days > 6 * 365
    assert acts["occurred_on"].min() >= dt.date(2021, 4, 1)
    assert deals["created_on"].is_sorted()
    assert acts["occurred_on"].is_sorted()
    assert deals.filter(pl.col("outcome") == "open")["closed_on"].is_null().all()
    assert (deals["closed_on"] >= deals["created_on"]).all()
    statuses = alt["partners"]["status"].value_counts(normalize=True)
    share = dict(zip(statuses["status"], statuses["proportion"], strict=True))
    assert share["prospect"] > 0.08
    assert share["exited"] > 0.06


def test_written_files_pass_every_rule_of_the_data_model(alt_folder):
    portfolio = read_portfolio(alt_folder)  # validate=True: raises on any broken rule
    assert latest_date(portfolio) <= dt.date(2025, 9, 30)


@pytest.mark.parametrize("dataset", ["alt", "base"])
def test_peers_give_the_package_result(dataset, alt_folder, tmp_path):
    impl_duckdb = bench_module("impl_duckdb")
    if dataset == "alt":
        folder = alt_folder
    else:
        from partnerkit.samples.generator import write_sample  # noqa: PLC0415

        folder = tmp_path / "base"
        write_sample(folder, partners=200, seed=5, format="parquet")
    paths = harness.table_paths(folder)
    package = impl_polars.core_package(impl_polars.package_portfolio(folder, validate=False))
    duck = impl_duckdb.core(paths)
    assert harness.compare(package, duck) == []
    assert harness.compare(impl_polars.core_hand(paths, engine="streaming"), duck) == []
    assert harness.compare(impl_duckdb.core(paths, activities="one-pass"), duck) == []
    assert duck["vital"].sum() > 0


def test_the_comparison_catches_a_cent_a_flag_and_a_null(alt_folder):
    package = impl_polars.core_package(impl_polars.package_portfolio(alt_folder, validate=False))
    assert harness.compare(package, package.reverse()) == []  # row order does not matter
    first = pl.col("partner_id") == package["partner_id"][0]
    cent = package.with_columns(
        pl.when(first).then(pl.col("won_revenue") + 0.01).otherwise(pl.col("won_revenue"))
    )
    assert harness.compare(cent, package)
    flag = package.with_columns(pl.when(first).then(~pl.col("vital")).otherwise(pl.col("vital")))
    assert harness.compare(flag, package)
    null = package.with_columns(
        pl.when(first).then(None).otherwise(pl.col("win_rate")).alias("win_rate")
    )
    changed = null["win_rate"].null_count() != package["win_rate"].null_count()
    assert not changed or harness.compare(null, package)
    assert harness.compare(package.head(10), package)


def test_peers_follow_the_package_on_open_deals_long_past_their_expected_close(tmp_path):
    """Dormant partners given an open deal: stale (expected 300 days ago) or slipping (30)."""
    from partnerkit.analysis import analyze  # noqa: PLC0415
    from partnerkit.samples.generator import write_sample  # noqa: PLC0415

    impl_duckdb = bench_module("impl_duckdb")
    impl_pandas = bench_module("impl_pandas")
    folder = tmp_path / "base"
    write_sample(folder, partners=200, seed=5, format="parquet")
    before = analyze(read_portfolio(folder)).scorecard
    as_of = latest_date(read_portfolio(folder))
    dormant = before.filter(pl.col("state") == "dormant")["partner_id"].sort().to_list()[:6]
    assert len(dormant) == 6
    deals = pl.read_parquet(folder / "deals.parquet")
    extra = pl.DataFrame(
        {
            "deal_id": [f"X{i}" for i in range(6)],
            "partner_id": dormant,
            "created_on": [as_of - dt.timedelta(days=400)] * 6,
            "closed_on": [as_of - dt.timedelta(days=300 if i < 3 else 30) for i in range(6)],
            "outcome": ["open"] * 6,
            "amount": [5000.0] * 6,
        }
    )
    pl.concat([deals, extra], how="diagonal_relaxed").write_parquet(folder / "deals.parquet")
    after = analyze(read_portfolio(folder), as_of=as_of).scorecard
    states = dict(
        after.filter(pl.col("partner_id").is_in(dormant)).select("partner_id", "state").iter_rows()
    )
    assert [states[p] for p in dormant] == ["dormant"] * 3 + ["active"] * 3
    paths = harness.table_paths(folder)
    package = impl_polars.core_package(impl_polars.package_portfolio(folder, validate=False))
    duck = impl_duckdb.core(paths)
    assert harness.compare(package, duck) == []
    assert harness.compare(impl_polars.core_hand(paths, engine="streaming"), duck) == []
    assert harness.compare(pl.from_pandas(impl_pandas.core(paths)), duck) == []
