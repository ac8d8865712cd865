"""Mutation fuzzing, all of it: ≥ 300 mutated films and ≥ 300 damaged project files.

    PYTHONPATH=src .venv/bin/python bench/bench_fuzz.py [--media 300] [--projects 300]
        [--seed 1] [--no-export]

Prints a table per kind: outcomes per operation, crashes, hangs (> 10 s), tracebacks and
writes into damaged files (all must be 0; the exit status is 1 otherwise). See
tests/robustness/fuzz.py for how the files are made and judged.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "robustness"))

from fuzz import fuzz_media, fuzz_projects, make_media_corpus, print_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--media", type=int, default=300)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-export", action="store_true", help="skip the reel export")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vig-fuzz-") as tmp:
        work = Path(tmp)
        files = make_media_corpus(work / "media", args.media, seed=args.seed)
        (work / "run").mkdir()
        media = fuzz_media(files, work / "run", export=not args.no_export)
        print_table("Mutated media (mp4/h264, avi/mpeg4, mkv/h264, mpg/mpeg2)", media)
        (work / "projects").mkdir()
        projects = fuzz_projects(work / "projects", args.projects, seed=args.seed)
        print_table("Damaged project files", projects)
    bad = [media.crashes, media.hangs, media.bugs, projects.crashes, projects.hangs,
           projects.bugs, projects.writes_into_damaged]
    return 1 if any(bad) else 0


if __name__ == "__main__":
    sys.exit(main())
