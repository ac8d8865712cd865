"""Benchmark: the project file of an encrypted case (SQLCipher) beside a plain one, in one run.

Run: ``.venv/bin/python bench/bench_encrypted_project.py [--edits N]``

For each kind of case: opening it (the key is already unlocked: the passphrase's scrypt is
timed on its own, once), N tag edits each saved at once (the commit the practitioner waits
for), a full read of the case, Save a copy. The passphrase check is slow on purpose (it is
what makes guessing expensive); everything else should be close to the plain case.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.app.case_crypto import create_encrypted_case, unlock
from vigstudio.crypto.keys import (
    CaseKeys,
    key_path_for,
    make_key_file,
    new_recovery_key,
    write_key_file,
)
from vigstudio.testing.crash_script import prepare_project

PASS = "correct horse battery"


def _run(folder: Path, keys: CaseKeys | None, edits: int) -> dict[str, float]:
    project = folder / "case.vigproj"
    prepare_project(project, keys)
    if keys is not None:  # the key file (Save a copy gives the copy its own)
        with CaseSession.open(project, keys=keys) as session:
            case_id = session.project.case_uuid or ""
        write_key_file(key_path_for(project),
                       make_key_file(keys, PASS, new_recovery_key(), case_id))
    started = time.perf_counter()
    session = CaseSession.open(project, keys=keys)
    opened = time.perf_counter() - started
    times = []
    rec = session.recordings()[0].id or 0
    for i in range(edits):
        t = time.perf_counter()
        session.add_moment(rec, i % 500, "receiving", note=f"note {i}")
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    session.project.snapshot()
    read = time.perf_counter() - t
    t = time.perf_counter()
    session.save_copy(folder / "copy.vigproj")
    copied = time.perf_counter() - t
    session.close()
    return {"open": opened * 1000, "edit median": statistics.median(times) * 1000,
            "edit p95": sorted(times)[int(len(times) * 0.95)] * 1000, "read all": read * 1000,
            "save a copy": copied * 1000}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vig-enc-") as tmp:
        root = Path(tmp)
        (root / "plain").mkdir()
        (root / "encrypted").mkdir()
        (root / "kdf").mkdir()
        plain = _run(root / "plain", None, args.edits)
        encrypted = _run(root / "encrypted", CaseKeys.generate(), args.edits)
        made = create_encrypted_case(root / "kdf" / "case.vigproj", "Family", PASS)
        made.session.close()
        t = time.perf_counter()
        unlock(root / "kdf" / "case.vigproj", passphrase=PASS)
        kdf = (time.perf_counter() - t) * 1000
    print(f"| ms ({args.edits} edits) | plain | encrypted | ratio |")
    print("|---|---:|---:|---:|")
    for name in plain:
        print(f"| {name} | {plain[name]:.2f} | {encrypted[name]:.2f} "
              f"| {encrypted[name] / plain[name]:.2f}× |")
    print(f"| unlock with the passphrase (scrypt, once per open) | – | {kdf:.0f} | – |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
