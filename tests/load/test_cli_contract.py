"""The command line's contract: exit codes, quarantine output, warnings, hints, closed pipes.

One exit-code scheme for every command: 0 done, 1 the data breaks the contract, 2 usage.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.cli import main

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
BROKEN = FIXTURES / "broken" / "three_problems"
VALID = FIXTURES / "crm" / "canonical"
REPORT_EXPORT = FIXTURES / "crm" / "salesforce_report"


@pytest.mark.parametrize("command", ["validate", "analyze"])
def test_exit_codes_of_the_reading_commands(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(VALID)]) == 0
    assert main([command, str(BROKEN)]) == 1
    assert main([command, str(FIXTURES / "no_such_folder")]) == 2
    assert main([command, str(VALID), "--preset", "salesfroce"]) == 2
    capsys.readouterr()


def test_report_exits_one_on_invalid_data_and_two_on_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(BROKEN), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "deals.amount [negative] 1 row" in err
    assert "line 5 (id D4): '-2500'" in err
    assert main(["report", str(tmp_path / "missing"), "--out", str(tmp_path / "r")]) == 2
    bad_mapping = tmp_path / "m.toml"
    bad_mapping.write_text("nonsense = 1\n", encoding="utf-8")
    code = main(["report", str(VALID), "--out", str(tmp_path / "r"), "--mapping", str(bad_mapping)])
    assert code == 2
    assert not (tmp_path / "r" / "report.html").exists()


def test_output_paths_are_checked_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a scorecard file whose suffix names no format, a report folder that is a file: usage
    # errors (exit 2) said before the portfolio is read, never a traceback after the analysis
    a_file = tmp_path / "report.html"
    a_file.write_text("x", encoding="utf-8")
    for argv in (
        ["analyze", str(VALID), "--out", str(tmp_path / "score.json")],
        ["decisions", "export", "--ledger", str(tmp_path / "l.sqlite"), "--out", "d.json"],
        ["report", str(VALID), "--out", str(a_file)],
        ["facts", str(VALID), "--out", str(a_file)],
    ):
        assert main(argv) == 2, argv
        out, err = capsys.readouterr()
        assert "Invalid value for '--out'" in err, argv
        assert "Traceback" not in err, argv
        assert "Errno" not in err, argv
        assert "as of" not in out, argv
        if argv[-1].endswith(".json"):
            assert "use a name ending in .csv, .parquet, .xlsx" in err, argv
    assert not (tmp_path / "l.sqlite").exists()


def test_presets_listed_with_a_comma_are_read_as_when_repeated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    crossbeam = FIXTURES / "crm" / "crossbeam"
    repeated = main(["validate", str(crossbeam), "--preset", "salesforce", "--preset", "crossbeam"])
    first = capsys.readouterr().out.rsplit("(checked in", 1)[0]  # less the timing
    assert main(["validate", str(crossbeam), "--preset", "salesforce,crossbeam"]) == repeated
    assert capsys.readouterr().out.rsplit("(checked in", 1)[0] == first


def test_the_mapping_option_names_every_key_a_mapping_file_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from partnerkit.load.mapping import MAPPING_KEYS  # noqa: PLC0415

    assert main(["validate", "--help"]) == 0
    helped = " ".join(capsys.readouterr().out.split())
    assert all(key in helped for key in MAPPING_KEYS), helped
    assert {"aggregate", "derive_partners", "credit", "filters"} <= set(MAPPING_KEYS)
    typo = tmp_path / "m.toml"
    typo.write_text('presett = "hubspot"\n', encoding="utf-8")
    assert main(["validate", str(VALID), "--mapping", str(typo)]) == 2
    assert "unknown keys ['presett']; did you mean 'preset'?" in capsys.readouterr().err


def test_command_line_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["analyze"], ["report", str(VALID)], ["nope"], ["decisions", "frobnicate"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "Error:" in err, argv
        assert "Traceback" not in err, argv


def test_analyze_quarantine_lists_rows_with_line_and_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["analyze", str(BROKEN), "--quarantine"]) == 0
    out, err = capsys.readouterr()
    # three_problems: partner P2 repeated on line 4, deal D3 with 2024-02-30 (line 4),
    # deal D4 with -2500 (line 5): three rows, each breaking one rule
    assert "Set aside (quarantine): 3 rows (3 rule breaks)" in err
    assert "  partners line 4 (id P2): partner_id [duplicate]" in err
    assert "  deals line 4 (id D3): created_on [bad_date] '2024-02-30'" in err
    assert "  deals line 5 (id D4): amount [negative] '-2500'" in err
    assert "No problems" not in out + err
    assert out.startswith("as of ")


def test_validate_quarantine_counts_rows_not_rule_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.csv").write_text("partner_id,name\nP1,Acme\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,P1,2024-01-01,2024-02-01,won,100\n"
        "D2,P9,2024-01-01,2024-02-01,won,-5\n",  # one row, two rule breaks
        encoding="utf-8",
    )
    assert main(["validate", str(tmp_path), "--quarantine"]) == 0
    out = capsys.readouterr().out
    assert "Set aside (quarantine): 1 row (2 rule breaks)" in out
    assert "deals line 3 (id D2): " in out
    assert "1 row set aside; the rows kept are valid." in out
    assert "No problems" not in out


def test_warnings_are_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    source = REPORT_EXPORT
    assert main(["analyze", str(source), "--preset", "salesforce"]) == 0
    err = capsys.readouterr().err
    # the partner report's blank lines and footers, as one plain line
    assert "warning: partners: dropped 6 rows holding no data: line 6: blank row;" in err
    assert "Warning" not in err  # no category names, file names or line numbers
    assert "read.py" not in err


def test_python_warnings_become_plain_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import warnings  # noqa: PLC0415

    import partnerkit.cli.analyze  # noqa: PLC0415

    def noisy(args: object) -> int:
        del args
        warnings.warn("something to know", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(partnerkit.cli.analyze, "run", noisy)
    assert main(["analyze", str(VALID)]) == 0
    assert capsys.readouterr().err == "warning: something to know\n"


def test_hints_speak_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "partners.csv").write_text("partner_id,name\nP1,Acme\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,ammount\nD1,P1,2024-01-01,,open,1\n",
        encoding="utf-8",
    )
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert '[columns.deals] "ammount" = "amount" to a --mapping file' in out
    assert "mapping={" not in out


def test_hints_speak_python_to_python(tmp_path: Path) -> None:
    from partnerkit.load.read import load  # noqa: PLC0415

    (tmp_path / "partners.csv").write_text("partner_id,name\nP1,Acme\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,ammount\nD1,P1,2024-01-01,,open,1\n",
        encoding="utf-8",
    )
    text = load(tmp_path).report.describe()
    assert "mapping={'deals': {'ammount': 'amount'}}" in text
    assert "--mapping" not in text


@pytest.mark.slow
def test_closed_pipe_gives_no_traceback() -> None:
    # A real pipe whose reader is gone before the command writes: the write fails with
    # EPIPE, which must end the command quietly.
    env = {**os.environ, "PYTHONWARNINGS": ""}
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from partnerkit.cli import main; sys.exit(main())",
         "analyze", str(VALID)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert code == 0


@pytest.mark.slow
def test_piping_into_head_prints_no_error(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    command = f"{Path(sys.executable).parent / 'partnerkit'} analyze {VALID} | head -n 1"
    script.write_text(command + "\n", encoding="utf-8")
    done = subprocess.run(
        ["sh", str(script)], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.stdout.startswith("as of ")
    assert "Error" not in done.stderr
    assert "Traceback" not in done.stderr


def test_credit_flag_and_mapping_shape_reach_the_loader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location(
        "exports_generate", FIXTURES / "exports" / "generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    folder = generate.write_salesforce_api(tmp_path / "sf")
    out = tmp_path / "card.csv"
    args = ["analyze", str(folder), "--preset", "salesforce", "--out", str(out)]
    assert main([*args, "--credit", "split", "--as-of", "2024-12-31"]) == 0
    capsys.readouterr()
    import polars as pl  # noqa: PLC0415

    card = pl.read_csv(out).select("partner_id", "won_revenue")
    won = dict(card.iter_rows())
    # O1 25000 to P1; O6's 10000 split between P1 and P2 (window: 2024)
    assert (won[generate.P1], won[generate.P2]) == (30000.0, 5000.0)
    assert main([*args, "--credit", "half"]) == 2
    assert "'half' is not one of 'primary', 'split', 'full'" in capsys.readouterr().err


def test_decisions_record_uses_the_same_scheme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["decisions", "record", "--ledger", str(tmp_path / "l.sqlite"), "--partner", "P1"]
    base += ["--decision", "keep", "--rationale", "r", "--who", "w"]
    assert main([*base, str(tmp_path / "no_such_folder")]) == 2
    assert main([*base, str(BROKEN)]) == 1
    assert "[negative]" in capsys.readouterr().err
    assert not (tmp_path / "l.sqlite").exists()


@pytest.mark.slow
def test_report_quarantine_lists_rows_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    assert (
        main(["report", str(BROKEN), "--out", str(out), "--quarantine", "--formats", "html"]) == 0
    )
    err = capsys.readouterr().err
    assert "Set aside (quarantine): 3 rows (3 rule breaks)" in err
    assert "  deals line 5 (id D4): amount [negative] '-2500'" in err
    assert (out / "report.html").exists()


def test_analyze_does_not_call_a_flat_portfolio_80_20(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.csv").write_text(
        "partner_id,name\nA,Alpha\nB,Beta\nC,Gamma\n", encoding="utf-8"
    )
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,A,2024-01-10,2024-03-01,won,50000\n"
        "D2,B,2024-01-10,2024-03-02,won,30000\n"
        "D3,C,2024-01-10,2024-03-03,won,20000\n",
        encoding="utf-8",
    )
    assert main(["analyze", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # 50 + 30 = 80 of 100: two of three partners (67%) make 80%
    assert "benchmark: flatter than 80/20: 67% of partners make 80%" in out
    assert "80/20\n" not in out


def test_reading_options_reach_the_loader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.csv").write_text("partner_id,name\nP1,Acme\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        'D1,P1,03/01/2024,25/01/2024,won,"1.234,50"\n'
        'D2,P1,04/01/2024,,open,"1.000"\n',
        encoding="utf-8",
    )
    # 25/01/2024 only reads day-first and 1.000 is ambiguous: refused without options
    assert main(["validate", str(tmp_path)]) == 1
    capsys.readouterr()
    out = tmp_path / "card.csv"
    args = ["analyze", str(tmp_path), "--day-first", "--decimal", ",", "--out", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    # D1 created 3 January, closed 25 January 2024: won 1234.50 in the window
    assert "as of 2024-01-25" in text
    import polars as pl  # noqa: PLC0415

    assert pl.read_csv(out)["won_revenue"].to_list() == [1234.5]


def test_sheet_option_picks_the_worksheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import xlsxwriter  # noqa: PLC0415

    for table, rows in {
        "partners": [["partner_id", "name"], ["P1", "Acme"]],
        "deals": [
            ["deal_id", "partner_id", "created_on", "closed_on", "outcome", "amount"],
            ["D1", "P1", "2024-01-02", "2024-02-01", "won", "10"],
        ],
    }.items():
        book = xlsxwriter.Workbook(str(tmp_path / f"{table}.xlsx"))
        book.add_worksheet("Notes").write_string(0, 0, "read me")
        sheet = book.add_worksheet("Data")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
        book.close()
    assert main(["validate", str(tmp_path), "--sheet", "Data"]) == 0
    assert main(["validate", str(tmp_path), "--sheet", "1"]) == 0
    assert main(["validate", str(tmp_path)]) == 1  # the first sheet holds no table
    capsys.readouterr()


def test_reading_options_from_a_mapping_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "partners.csv").write_text("partner_id,name\nP1,Acme\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        'D1,P1,03/01/2024,25/01/2024,won,"1.000"\n',
        encoding="utf-8",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('day_first = true\ndecimal = ","\n', encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    assert main(["validate", str(tmp_path), "--mapping", str(mapping)]) == 0
    # the command line wins over the file
    assert main(["validate", str(tmp_path), "--mapping", str(mapping), "--no-day-first"]) == 1
    capsys.readouterr()


def test_sample_and_decisions_follow_the_scheme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sample", str(tmp_path / "s"), "--partners", "30", "--seed", "3"]) == 0
    assert main(["validate", str(tmp_path / "s")]) == 0
    assert main(["sample", str(tmp_path / "t"), "--partners", "5"]) == 2
    # a ledger that is not one is invalid data: 1
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"not a database" * 20)
    assert main(["decisions", "list", "--ledger", str(foreign)]) == 1
    capsys.readouterr()


def test_a_label_outside_the_allowed_values_is_answered_with_a_mapping_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hint is a line of a --mapping file, and that line, written down, reads the label."""
    folder = tmp_path / "labels"
    folder.mkdir()
    (folder / "partners.csv").write_text("partner_id,name\nP1,A\n")
    (folder / "deals.csv").write_text(
        "deal_id,partner_id,created_on,closed_on,outcome,amount\n"
        "D1,P1,2025-01-01,2025-02-01,won,100\nD2,P1,2025-01-01,2025-02-01,Booked,50\n"
    )
    assert main(["validate", str(folder)]) == 1
    said = capsys.readouterr()
    err = said.out + said.err
    assert 'add [values.deals.outcome] "Your label" = "open" to a --mapping file' in err
    assert "line 3 (id D2): 'Booked'" in err
    mapping = tmp_path / "labels.toml"
    mapping.write_text('[values.deals.outcome]\n"Booked" = "won"\n')
    assert main(["validate", str(folder), "--mapping", str(mapping)]) == 0
    capsys.readouterr()
