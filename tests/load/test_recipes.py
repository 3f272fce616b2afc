"""The README's "Bring your own CRM export" recipes, run exactly as written.

Each recipe is the text between ``<!-- recipe: NAME -->`` and the next recipe (or the
mapping reference) in README.md: its ``toml`` blocks are written to the file named on their
first line, its ``python`` blocks are executed, its ``console`` lines are run through the
command line. The exports they read are written by ``tests/fixtures/exports/generate.py``
in the documented shapes. The expected figures are worked out by hand from the rows of the
generator (see the comments), not read from the loader.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from partnerkit.cli import main
from partnerkit.load.read import DroppedRowsWarning

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GENERATE = ROOT / "tests" / "fixtures" / "exports" / "generate.py"

_spec = importlib.util.spec_from_file_location("exports_generate", GENERATE)
assert _spec is not None
assert _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

P1, P2, P3 = generate.P1, generate.P2, generate.P3
OPP = generate.OPP


def recipe(name: str) -> str:
    """The README text of one recipe."""
    section = README.split("### Bring your own CRM export\n", 1)[1].split("\n### ", 1)[0]
    parts = re.split(r"<!-- recipe: ([\w-]+) -->", section)
    found = dict(zip(parts[1::2], parts[2::2], strict=True))
    return found[name].split("**Mapping reference.**", 1)[0]


def blocks(text: str, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", text, flags=re.DOTALL)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    generate.write_all(tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_recipe(name: str) -> tuple[dict[str, Any], list[warnings.WarningMessage]]:
    """Write the recipe's TOML files, run its Python and its commands; return the names."""
    text = recipe(name)
    for block in blocks(text, "toml"):
        target = block.splitlines()[0].removeprefix("#").strip()
        Path(target).write_text(block, encoding="utf-8")
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for block in blocks(text, "python"):
            exec(compile(block, f"README recipe {name}", "exec"), namespace)
    for block in blocks(text, "console"):
        for line in block.splitlines():
            if line.startswith("$ partnerkit "):
                assert main(shlex.split(line)[2:]) == 0, line
    return namespace, caught


def won_by_partner(p: Any) -> dict[str | None, float]:
    won = (
        p.deals.filter(pl.col("outcome") == "won")
        .group_by("partner_id")
        .agg(pl.col("amount").sum())
        .collect()
    )
    return dict(won.iter_rows())


def test_every_recipe_of_the_brief_is_in_the_readme() -> None:
    for name in ("salesforce-api", "salesforce-report", "hubspot", "orders", "pipeline"):
        assert blocks(recipe(name), "python"), name


def test_salesforce_api_recipe(workdir: Path) -> None:
    ns, caught = run_recipe("salesforce-api")
    assert not caught
    p, shared = ns["p"], ns["shared"]
    # Account.csv: 3 partner accounts (IsPartner true), 3 customers/prospects left out
    assert sorted(p.partners.collect()["partner_id"]) == [P1, P2, P3]
    # primary credit: P1 has O1 (25000) and O6 (10000); O3 (8000) is direct
    assert won_by_partner(p) == {P1: 35000.0, None: 8000.0}
    deals = p.deals.collect()
    assert deals.height == 6
    o6 = deals.filter(pl.col("deal_id") == OPP[5]).row(0, named=True)
    assert o6["partner_id"] == P1
    assert str(o6["partner_engaged_on"]) == "2024-04-16"  # the primary row's CreatedDate
    # open deals stay open, expected close dates and all
    open_deals = deals.filter(pl.col("outcome") == "open")
    assert sorted(open_deals["deal_id"]) == [OPP[3], OPP[4]]
    assert open_deals["amount"].sum() == 45000.0
    # split: O6's 10000 shared by P1 and P2 (the deleted P3 row gets nothing)
    assert won_by_partner(shared) == {P1: 30000.0, P2: 5000.0, None: 8000.0}
    rows = shared.deals.collect()
    assert rows["amount"].filter(rows["outcome"] == "won").sum() == 43000.0  # total kept
    assert rows.filter(pl.col("partner_id") == P3)["deal_id"].to_list() == [OPP[4]]
    extra = rows.filter(pl.col("deal_id") == f"{OPP[5]}~{P2}").row(0, named=True)
    assert str(extra["partner_engaged_on"]) == "2024-05-01"
    # each partner counts O6 once; the distinct deals are still six
    assert rows["deal_id"].str.split("~").list.first().n_unique() == 6


def test_salesforce_report_recipe_csv_and_excel(workdir: Path) -> None:
    ns, caught = run_recipe("salesforce-report")
    p, excel = ns["p"], ns["from_excel"]
    # each file's blank line and three footer rows are dropped, with a warning
    dropped = [w for w in caught if issubclass(w.category, DroppedRowsWarning)]
    assert len(dropped) == 2
    assert all("dropped 4 rows" in str(w.message) for w in dropped)
    # partner accounts report: Northwind and Bluebird; Harbor (customer), Orbit (prospect) not
    assert sorted(p.partners.collect()["partner_id"]) == [P1, P2]
    # O1 won 25000 by "Northwind Cloud" -> P1; O4 open by "northwind cloud" -> P1
    assert won_by_partner(p) == {P1: 25000.0, None: 8000.0}
    deals = p.deals.collect()
    assert deals.filter(pl.col("partner_id") == P2)["outcome"].to_list() == ["lost"]
    assert str(deals.filter(pl.col("deal_id") == OPP[0])["created_on"].item()) == "2024-01-22"
    for table in ("partners", "deals"):
        assert_frame_equal(excel.table(table).collect(), p.table(table).collect())


def test_hubspot_recipe(workdir: Path) -> None:
    ns, caught = run_recipe("hubspot")
    assert not caught
    p = ns["p"]
    # companies 501-503 are a customer, a prospect and a vendor: not partners
    assert sorted(p.partners.collect()["partner_id"]) == ["301", "302", "303"]
    # 9001 30000 -> 301; 9002 20000 split 301/302; 9005 direct 5000
    assert won_by_partner(p) == {"301": 40000.0, "302": 10000.0, None: 5000.0}
    deals = p.deals.collect()
    assert deals.filter(pl.col("partner_id") == "302")["outcome"].sort().to_list() == [
        "lost",
        "won",
    ]
    # every listed partner is credited: no "the first is used" note on the partners
    from partnerkit.load.mapping import Shape  # noqa: PLC0415
    from partnerkit.load.read import load  # noqa: PLC0415

    report = load("exports/hubspot", preset="hubspot", shape=Shape(credit="split")).report
    notes = "\n".join(n for t in report.tables for n in t.notes)
    assert "lists several partners" not in notes
    assert "credit split: 1 deals with several partners became 2 rows" in notes
    primary = load("exports/hubspot", preset="hubspot").report
    notes = "\n".join(n for t in primary.tables for n in t.notes)
    assert "Associated Partner Client IDs: 1 row: lists several partners" in notes
    # 9004 is open although its expected close date has passed
    assert deals.filter(pl.col("deal_id") == "9004")["outcome"].item() == "open"


def test_orders_recipe(workdir: Path) -> None:
    ns, _ = run_recipe("orders")
    p = ns["p"]
    deals = p.deals.sort("deal_id").collect()
    # SO-1001: 1.200,50 + 300,00; SO-1003: 500,00 + 250,00 + 49,50, lines dated 20, 18, 22 Feb
    assert deals.select("deal_id", "partner_id", "outcome", "amount").rows() == [
        ("SO-1001", "R-01", "won", 1500.5),
        ("SO-1002", "R-02", "won", 2000.0),
        ("SO-1003", "R-01", "won", 799.5),
    ]
    so3 = deals.row(2, named=True)
    assert (str(so3["created_on"]), str(so3["closed_on"])) == ("2024-02-18", "2024-02-22")
    assert p.partners.sort("partner_id").collect().select("partner_id", "name").rows() == [
        ("R-01", "Alpine Resale"),
        ("R-02", "Baltic Channel"),
    ]
    assert won_by_partner(p) == {"R-01": 2300.0, "R-02": 2000.0}


def test_pipeline_recipe(workdir: Path) -> None:
    ns, _ = run_recipe("pipeline")
    p = ns["p"]
    # the prospecting row (PE84CX4O) is left out; five deals remain
    deals = p.deals.collect()
    assert sorted(deals["deal_id"]) == ["1C1I7A6R", "EC4QE1BX", "MV1LWRNH", "Z063OYW0", "ZZY4516W"]
    assert sorted(p.partners.collect()["name"]) == ["Darcel Schlecht", "Moses Frase", "Zane Levy"]
    assert won_by_partner(p) == {
        "Moses Frase": 1054.0,
        "Darcel Schlecht": 4514.0,
        "Zane Levy": 550.0,
    }
    engaging = deals.filter(pl.col("deal_id") == "MV1LWRNH").row(0, named=True)
    assert (engaging["outcome"], engaging["amount"], engaging["closed_on"]) == ("open", 0.0, None)


def test_recipes_report_what_they_did(workdir: Path) -> None:
    from partnerkit.load.mapping import Shape, read_mapping_file  # noqa: PLC0415
    from partnerkit.load.read import load  # noqa: PLC0415

    run_recipe("orders")  # writes exports/orders.toml
    orders = load("exports/orders", mapping=read_mapping_file("exports/orders.toml")).report
    notes = "\n".join(n for t in orders.tables for n in t.notes)
    assert "6 lines added up into 3 rows by deal_id" in notes
    assert "one partner per distinct partner_id of the deals" in notes
    api = load("exports/salesforce_api", preset="salesforce", shape=Shape(credit="full")).report
    notes = "\n".join(n for t in api.tables for n in t.notes)
    assert "left out 3 customers and other accounts (line 3, 5, 7)" in notes
    assert "credit full: 1 deals with several partners became 2 rows" in notes
    assert "Consultant 2, Reseller 3, System Integrator 1" in notes  # the deleted row is not
