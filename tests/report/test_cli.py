from __future__ import annotations

import gc
import html
import re

import polars as pl
import pytest

from partnerkit.cli import main
from partnerkit.cli import report as report_command
from partnerkit.facts import portfolio_currency
from partnerkit.load.read import read_portfolio
from partnerkit.samples import write_sample


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    write_sample(folder, partners=30, years=2, deals_per_partner=8, activities_per_partner=6)
    # a partner-supplied name that must come out escaped in the report
    partners = pl.read_csv(folder / "partners.csv")
    partners = partners.with_columns(
        name=pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("<script>alert(1)</script>"))
        .otherwise(pl.col("name"))
    )
    partners.write_csv(folder / "partners.csv")
    return folder


@pytest.mark.slow
def test_report_command(source, tmp_path, capsys):
    out = tmp_path / "out"
    first = pl.read_csv(source / "partners.csv")["partner_id"][0]
    code = main(["report", str(source), "--out", str(out), "--partners", first, "--formats", "svg"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.splitlines()[0] == str(out / "report.html")
    page = (out / "report.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert page.count('class="page onepager"') == 1
    currency = portfolio_currency(read_portfolio(source))
    assert currency
    assert f"amounts in {currency}" in page  # the portfolio's currency reaches every page
    assert (out / "charts" / "pareto.svg").exists()
    assert not (out / "charts" / "pareto.png").exists()
    assert (out / "scorecard.csv").exists()
    assert captured.err == ""  # no progress bar when standard error is not a terminal


@pytest.mark.slow
def test_report_command_default_pack_is_svg(source, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", str(source), "--out", str(out)]) == 0, capsys.readouterr().err
    assert {p.suffix for p in (out / "charts").iterdir()} == {".svg"}
    page = (out / "report.html").read_text()
    # no chart one-pager unless partners are named: review pages are text and figures
    assert page.count("data:image/svg+xml") == len(list((out / "charts").iterdir()))


def test_report_command_rejects_unknown_partner(source, tmp_path, capsys):
    code = main(["report", str(source), "--out", str(tmp_path / "o"), "--partners", "nope"])
    assert code == 2
    assert capsys.readouterr().err == "partnerkit report: unknown partner ids: nope\n"


def test_report_command_needs_a_readable_source(tmp_path, capsys):
    code = main(["report", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert code == 2
    assert capsys.readouterr().err.startswith("partnerkit report:")


@pytest.mark.slow
def test_report_page_shows_what_the_exports_hold(source, tmp_path, capsys):
    """On a generated portfolio: the page's tables agree, figure by figure, with the CSVs."""
    out = tmp_path / "out"
    assert main(["report", str(source), "--out", str(out)]) == 0, capsys.readouterr().err
    page = (out / "report.html").read_text()
    card = pl.read_csv(out / "scorecard.csv", infer_schema_length=None).sort(
        ["rank", "partner_id"], nulls_last=True
    )
    body = re.search(r'id="scorecard">(.*?)</section>', page, re.DOTALL).group(1)
    rows = [
        [
            html.unescape(re.sub("<[^>]+>", "", cell))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", r)
        ]
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]
    rows = [r for r in rows if r]
    assert [r[2] for r in rows] == card["partner_id"].to_list()
    for row, won in zip(rows, card["won_revenue"].to_list(), strict=True):
        assert row[7] == f"{won:,.0f}"  # the whole amount, as the CSV holds it
    recs = pl.read_csv(out / "recommendations.csv")
    counts = dict(recs.drop_nulls("recommendation").group_by("recommendation").len().rows())
    for rec, n in counts.items():
        assert f'>{rec}</span> <span class="count">{n:,}</span>' in page


def _recording_run(monkeypatch):
    """Replace the report's body by one that records whether the collector runs in it."""
    seen: list[bool] = []

    def body(args):
        seen.append(gc.isenabled())
        if args.partners == ["boom"]:
            raise RuntimeError("boom")
        return 0

    monkeypatch.setattr(report_command, "_run", body)
    return seen


def test_report_pauses_the_collector_and_restores_it(monkeypatch):
    seen = _recording_run(monkeypatch)
    assert gc.isenabled()
    assert main(["report", "any", "--out", "o"]) == 0
    assert seen == [False]  # paused while the report is made
    assert gc.isenabled()  # and running again after
    with pytest.raises(RuntimeError, match="boom"):
        main(["report", "any", "--out", "o", "--partners", "boom"])
    assert seen == [False, False]
    assert gc.isenabled()  # restored after a failure too


def test_report_leaves_a_paused_collector_paused(monkeypatch):
    seen = _recording_run(monkeypatch)
    gc.disable()
    try:
        assert main(["report", "any", "--out", "o"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]


def test_report_exit_code_with_the_collector_paused(tmp_path):
    code = main(["report", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert code == 2
    assert gc.isenabled()
