"""Kill the app 100 times during each of export-reel, export-stills, export-sheet and
import --copy (THREAT_MODEL.md T5) and print what was found.

    PYTHONPATH=src .venv/bin/python bench/bench_kills.py [--kills 100] [--seed 1]

Per operation: kills, helper processes that survived the app, files under a final name that
were not finished, hidden partial files seen after the kills, and those still there after the
next start (all but "seen" must be 0; exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "robustness"))

from kill_exports import OPERATIONS, kill_runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| operation | kills | helpers survived | unfinished under final name | "
          "hidden partial seen | left after next start | time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    failed = False
    for operation in OPERATIONS:
        with tempfile.TemporaryDirectory(prefix="vig-kills-") as tmp:
            started = time.monotonic()
            r = kill_runs(Path(tmp), operation, args.kills, seed=args.seed)
            print(f"| {operation} | {r.kills} | {r.children_survived} | "
                  f"{len(r.unfinished_final)} | {r.leftovers_seen} | "
                  f"{len(r.leftovers_after_start)} | {time.monotonic() - started:.0f} s |",
                  flush=True)
            failed |= bool(r.children_survived or r.unfinished_final or
                           r.leftovers_after_start)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
