"""Crash safety: SIGKILL an editing process at random moments; nothing acknowledged is lost.

The harness (:mod:`vigstudio.testing.crash_script`) is also run for 1,000 kills by
``bench/bench_crash.py``. Here: 100+ kills in the suite, a few with a fresh interpreter per
kill, and proof that the checker itself notices lost and stray edits.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.domain.project import Role
from vigstudio.testing.crash_script import (
    CrashHarness,
    EditScript,
    KillOutcome,
    prepare_project,
    replay_hashes,
    run_step,
    state_hash,
)


def test_one_hundred_random_kills_lose_nothing(tmp_path: Path) -> None:
    with CrashHarness(tmp_path, seed=20261125, max_life=0.25) as harness:
        report = harness.run(110)
    print(report.summary())
    assert report.problems == []
    assert report.kills == 110
    assert report.edits_lost == 0
    assert report.corrupt_files == 0
    assert report.half_applied == 0
    # real work was being done when killed: half the kills come a random moment after the
    # case is open, so editing is hit however loaded the machine is (thousands of edits on an
    # idle 2-core machine)
    assert report.edits_acknowledged > 200
    assert report.edits_refused > 0  # invalid edits were tried and changed nothing


def test_a_fresh_interpreter_per_kill(tmp_path: Path) -> None:
    with CrashHarness(tmp_path, seed=7, spawn=True, max_life=0.9) as harness:
        report = harness.run(4)
    assert report.problems == []
    assert report.kills == 4 and report.ok


def _until_edits(harness: CrashHarness, tamper: Callable[[Path, Path], None]) -> KillOutcome:
    for _ in range(60):
        outcome = harness.kill_once(tamper=tamper)
        if outcome.acked >= 30:
            return outcome
    raise AssertionError("the child never got 30 edits done")


def test_checker_notices_lost_edits(tmp_path: Path) -> None:
    def lose_everything(project: Path, base: Path) -> None:
        # as if the child's commits never reached the disk (its rollback journal, if the
        # kill left one, belongs to the replaced file: SQLite would apply it to the copy)
        Path(f"{project}-journal").unlink(missing_ok=True)
        shutil.copyfile(base, project)

    with CrashHarness(tmp_path, seed=3, max_life=0.6) as harness:
        outcome = _until_edits(harness, lose_everything)
    assert outcome.lost > 0 or outcome.half_applied
    assert outcome.detail


def test_checker_notices_a_stray_change(tmp_path: Path) -> None:
    intruders = iter(range(1000))

    def stray_edit(project: Path, base: Path) -> None:
        # a fresh name each time: on a slow machine a kill may come before 30 edits, and the
        # next attempt tampers with the same project again
        with CaseSession.open(project) as session:
            session.add_participant(f"Intruder {next(intruders)}", Role.OTHER)

    with CrashHarness(tmp_path, seed=4, max_life=0.6) as harness:
        outcome = _until_edits(harness, stray_edit)
    assert outcome.half_applied


def test_the_script_is_deterministic(tmp_path: Path) -> None:
    base = prepare_project(tmp_path / "base.vigproj")
    work = tmp_path / "work"
    work.mkdir()
    first = replay_hashes(base, 99, 150, work)
    second = replay_hashes(base, 99, 150, work)
    assert first == second and len(set(first)) > 100
    with CaseSession.open(base) as session:
        assert state_hash(session) == first[0]
        script = EditScript(session, 99)
        for _ in range(150):
            run_step(script)
        assert state_hash(session) == first[-1]
