"""A separate process that appends decisions to a ledger (used by the durability tests).

    python ledger_writer.py LEDGER WHO COUNT [--wait]

Prints ``ready`` once the ledger is open; with ``--wait`` then waits for a line on stdin
before writing. After each committed decision prints its id. COUNT 0 writes until killed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys

from partnerkit.decisions.ledger import Ledger
from partnerkit.policy import Policy


def main(argv: list[str]) -> None:
    path, who, count = argv[0], argv[1], int(argv[2])
    policy = Policy()
    with Ledger(path) as ledger:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        if "--wait" in argv:
            sys.stdin.readline()
        seq = range(count) if count else itertools.count()
        for i in seq:
            decision = ledger.record(
                f"{who}-partner-{i % 7}",
                ("keep", "invest", "watch", "exit")[i % 4],
                f"{who} {i}",
                who=who,
                as_of=dt.date(2025, 6, 30),
                policy=policy,
                metrics={"seq": i},
            )
            sys.stdout.write(f"{decision.id}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
