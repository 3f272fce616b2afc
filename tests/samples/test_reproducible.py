"""The committed sample is exactly what its generator writes, and seeds matter."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from partnerkit.samples import generate, write_sample

from .conftest import read_sample

GENERATED = ["activities", "deals", "investments", "overlaps", "partners", "truth"]


def test_committed_files_match_the_generator_byte_for_byte(samples_dir: Path, tmp_path: Path):
    # the command of `make sample`: partnerkit sample data/samples --seed 7 --partners 150
    written = write_sample(tmp_path, seed=7, partners=150)
    assert sorted(written) == GENERATED
    committed = sorted(p.name for p in samples_dir.iterdir() if p.name != "README.md")
    assert committed == sorted(f"{name}.csv" for name in GENERATED)
    for name, info in written.items():
        assert info.path.read_bytes() == (samples_dir / f"{name}.csv").read_bytes(), name


def test_same_arguments_give_identical_files(tmp_path: Path):
    args = {"seed": 11, "partners": 45, "deals_per_partner": 12.0, "format": "parquet"}
    first = write_sample(tmp_path / "a", **args)
    second = write_sample(tmp_path / "b", **args)
    for name in GENERATED:
        assert first[name].path.read_bytes() == second[name].path.read_bytes(), name


def test_a_different_seed_gives_different_data():
    a = generate(seed=7, partners=60, deals_per_partner=10)
    b = generate(seed=8, partners=60, deals_per_partner=10)
    for name in ("deals", "activities", "investments", "overlaps", "partners"):
        assert not a.tables()[name].equals(b.tables()[name]), name
    assert not a.truth.equals(b.truth)


def test_written_files_hold_what_generate_returns(tmp_path: Path):
    args = {"seed": 5, "partners": 50, "deals_per_partner": 15.0, "activities_per_partner": 20.0}
    sample = generate(**args)
    write_sample(tmp_path / "csv", **args)
    write_sample(tmp_path / "pq", format="parquet", **args)
    from_csv = read_sample(tmp_path / "csv")
    from_parquet = read_sample(tmp_path / "pq", suffix="parquet")
    for name, frame in {**sample.tables(), "truth": sample.truth}.items():
        assert_frame_equal(from_csv[name], frame)
        assert_frame_equal(from_parquet[name], frame)


def test_the_end_date_and_span_follow_the_arguments():
    sample = generate(seed=2, partners=40, years=2, end=date(2025, 3, 31), deals_per_partner=10)
    deals, activities = sample.deals, sample.activities
    assert deals["created_on"].min() >= date(2023, 4, 1)
    assert activities["occurred_on"].max() == date(2025, 3, 31)
    assert deals["closed_on"].max() <= date(2025, 3, 31)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partners": 10}, "at least 30"),
        ({"years": 1}, "years"),
        ({"deals_per_partner": 0.0}, "positive"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate(**kwargs)


def test_unknown_format_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="csv or parquet"):
        write_sample(tmp_path, format="xlsx")  # type: ignore[arg-type]


def test_readme_states_the_committed_counts(samples_dir: Path, committed):
    text = (samples_dir / "README.md").read_text(encoding="utf-8")
    counts = dict(committed["truth"].group_by("pattern").len().rows())
    stated = dict(re.findall(r"^\| `([a-z_]+)` \| (\d+) \|", text, flags=re.MULTILINE))
    assert {k: int(v) for k, v in stated.items()} == counts
    for name in GENERATED:
        rows = committed[name].height
        assert re.search(rf"^\| `{name}\.csv` \| {rows:,} \|", text, flags=re.MULTILINE), name
    assert "partnerkit sample data/samples --seed 7 --partners 150" in text
