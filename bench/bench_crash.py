"""Benchmark: kill an editing VIG Studio process 1,000 times; count lost edits and damaged files.

Run: ``.venv/bin/python bench/bench_crash.py [--kills N] [--seed S] [--spawn] [--max-life SEC]
[--encrypted]``

A child process applies a random stream of edits to one case project through the application
layer and acknowledges each edit once its call returns; it is killed with SIGKILL at a random
moment (0–``--max-life`` seconds after it starts). After every kill the project file is
checked: SQLite's integrity check, opening it in the app, and every acknowledged edit present
with nothing half-applied (see :mod:`vigstudio.testing.crash_script`). The same project file is
used for every kill. ``--spawn`` starts a fresh Python interpreter per kill instead of forking
it from a prepared process (slower; same checks).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from vigstudio.crypto.keys import CaseKeys
from vigstudio.testing.crash_script import CrashHarness, CrashReport


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spawn", action="store_true",
                        help="a fresh interpreter per kill instead of a fork")
    parser.add_argument("--max-life", type=float, default=0.3,
                        help="longest time a child edits before it is killed (seconds)")
    parser.add_argument("--encrypted", action="store_true",
                        help="an encrypted case (SQLCipher) instead of a plain one")
    parser.add_argument("--dir", type=Path, default=None,
                        help="folder for the project (default: a temporary folder)")
    args = parser.parse_args(argv)

    def progress(done: int, report: CrashReport) -> None:
        if done % 100 == 0 or done == args.kills:
            print(f"  {done:5d} kills, {report.edits_acknowledged} edits acknowledged, "
                  f"lost {report.edits_lost}, corrupt {report.corrupt_files}", flush=True)

    with tempfile.TemporaryDirectory(prefix="vig-crash-") as tmp:
        workdir = args.dir or Path(tmp)
        keys = CaseKeys.generate() if args.encrypted else None
        with CrashHarness(workdir, seed=args.seed, spawn=args.spawn,
                          max_life=args.max_life, keys=keys) as harness:
            report = harness.run(args.kills, progress=progress)
    print()
    print("| kills | edits acknowledged | edits lost | corrupt files | half-applied "
          "| in-flight edit committed | time |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {report.kills} | {report.edits_acknowledged} | {report.edits_lost} "
          f"| {report.corrupt_files} | {report.half_applied} | {report.in_flight_committed} "
          f"| {report.seconds:.0f} s |")
    for problem in report.problems[:20]:
        print(problem)
    return 0 if report.ok and not report.problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
