"""``partnerkit decisions`` and the path of its ledger: the exit codes of the README.

A missing ledger to read, or a ``--ledger`` naming a folder or a path through a file, is an
input error (exit 2) said plainly; ``record`` creates a new ledger's folder, as ``export``
creates the folder of its file, and checks the path before the analysis.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.decisions.ledger import Ledger


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["decisions", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _record(flat: Path, ledger: Path) -> list[str]:
    return ["record", "--ledger", str(ledger), "--partner", "A", "--decision", "keep",
            "--rationale", "top", "--who", "ana", str(flat)]  # fmt: skip


@pytest.mark.parametrize("action", [["list"], ["history"], ["export", "--out", "x.csv"]])
def test_no_ledger_to_read_is_an_input_error(
    action: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nosuch.sqlite"
    code, out, err = run(capsys, *action, "--ledger", str(missing))
    assert code == 2
    assert out == ""
    expected = f"no decision ledger at {missing} yet: recording a decision creates it"
    assert err == f"partnerkit decisions: {expected}\n"
    assert not missing.exists()


def test_record_creates_the_folder_of_a_new_ledger(
    flat: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path_factory.mktemp("out") / "nodir" / "deeper" / "l.sqlite"
    code, out, err = run(capsys, *_record(flat, ledger))
    assert code == 0, err
    assert "recorded decision 1: A -> keep (as of 2024-03-03, policy " in out
    with Ledger(ledger, create=False) as book:
        assert book.current()["partner_id"].to_list() == ["A"]
    code, out, _ = run(capsys, "list", "--ledger", str(ledger))
    assert code == 0
    assert "| A " in out


def test_a_ledger_path_that_cannot_be_is_refused_before_the_analysis(
    flat: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from partnerkit.cli import decisions  # noqa: PLC0415

    def no_analysis(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ledger path is checked first")

    monkeypatch.setattr(decisions, "snapshot", no_analysis)
    out_dir = tmp_path_factory.mktemp("out")
    (out_dir / "afile").write_text("x", encoding="utf-8")
    code, _, err = run(capsys, *_record(flat, out_dir / "afile" / "l.sqlite"))
    assert code == 2
    assert "afile is a file, not a folder" in err
    assert "unable to open database file" not in err
    code, _, err = run(capsys, *_record(flat, out_dir))
    assert code == 2
    assert "is a folder: a decision ledger is one file" in err
    code, _, err = run(capsys, "list", "--ledger", str(out_dir))
    assert code == 2
    assert "is a folder" in err


def test_a_file_that_is_not_a_ledger_is_still_a_finding_about_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"not a database at all" * 10)
    code, _, err = run(capsys, "list", "--ledger", str(foreign))
    assert code == 1
    assert "not an SQLite file" in err
