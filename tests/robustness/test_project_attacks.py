"""Attacks on the project file itself: a second writer by another name, a stale window, a
file replaced underneath, another case's journal, damaged files (THREAT_MODEL.md T2, T4, T6).

Each test is written as an attacker would try it, through real SQLite files and real
processes; each failed on the code before the fix.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from vigstudio.app import CaseSession
from vigstudio.cli import main as cli
from vigstudio.domain.project import Role
from vigstudio.errors import (
    DamagedProjectError,
    ProjectLockedError,
    StaleProjectError,
)
from vigstudio.storage.journal import Verdict, check_journal, journal_path_for
from vigstudio.storage.migrations import identity_version


def _case(path: Path, name: str, *, people: tuple[str, ...] = ()) -> Path:
    with CaseSession.create(path, name) as session:
        for person in people:
            session.add_participant(person, Role.PERSON)
    return path


def test_a_symlink_to_an_open_case_does_not_let_a_second_writer_in(tmp_path: Path) -> None:
    case = _case(tmp_path / "family.vigproj", "Family A")
    link = tmp_path / "shortcut.vigproj"
    link.symlink_to(case)
    with CaseSession.open(case), pytest.raises(ProjectLockedError):
        CaseSession.open(link)


def test_a_hard_link_to_an_open_case_does_not_let_a_second_writer_in(tmp_path: Path) -> None:
    case = _case(tmp_path / "family.vigproj", "Family A")
    other = tmp_path / "elsewhere"
    other.mkdir()
    os.link(case, other / "same file.vigproj")
    with CaseSession.open(case), pytest.raises(ProjectLockedError):
        CaseSession.open(other / "same file.vigproj")


def test_deleting_the_lock_file_does_not_let_a_second_writer_in(tmp_path: Path) -> None:
    case = _case(tmp_path / "family.vigproj", "Family A")
    with CaseSession.open(case):
        Path(f"{case}.lock").unlink()
        with pytest.raises(ProjectLockedError):
            CaseSession.open(case)


def test_a_stale_window_never_writes_over_newer_saved_work(tmp_path: Path) -> None:
    """If two writers get in anyway (a network drive whose locks do not work, an older VIG
    Studio), the one with the older view is refused instead of overwriting newer work."""
    case = _case(tmp_path / "family.vigproj", "Family A", people=("Sam",))
    first = CaseSession.open(case)
    first.project._lock.release()  # type: ignore[union-attr]  # the lock 'does not work'
    with CaseSession.open(case) as second:
        sam = second.participants()[0]
        second.update_participant(replace(sam, pseudonym="Sammy"))
    sam_first = first.participants()[0]
    assert sam_first.pseudonym == "Sam"  # the stale view
    with pytest.raises(StaleProjectError, match="changed by another"):
        first.update_participant(replace(sam_first, colour="#112233"))
    with pytest.raises(StaleProjectError):
        first.add_participant("Alex", Role.PARTNER)
    first.close()
    with CaseSession.open(case) as again:
        assert [p.pseudonym for p in again.participants()] == ["Sammy"]


def test_a_file_replaced_underneath_an_open_window_is_not_written_blind(tmp_path: Path) -> None:
    """A sync program or a restore puts another file at the case's path while it is open;
    before, the window kept saving into the old, now nameless file (every edit lost)."""
    case = _case(tmp_path / "family.vigproj", "Family A")
    backup = tmp_path / "backup.vigproj"
    shutil.copyfile(case, backup)
    with CaseSession.open(case) as session:
        os.replace(backup, case)
        with pytest.raises(StaleProjectError, match="replaced"):
            session.add_participant("Sam", Role.PERSON)


KILL_MID_COMMIT = """
import os, signal, sys
from dataclasses import replace
from vigstudio.domain.project import Participant, Role
from vigstudio.storage import ProjectFile
pf = ProjectFile.open(sys.argv[1])
pf._raw.execute("PRAGMA cache_size=1")  # spill changed pages into the file before commit
case = pf.case()
with pf.transaction() as w:
    w.put(replace(case, name=sys.argv[2]))
    for i in range(200):
        w.put(Participant(f"member {i} " + "x" * 200, Role.OTHER))
    w.session.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _hot_journal(case: Path, new_name: str) -> Path:
    """Kill a real VIG Studio writer in the middle of a commit: leaves a hot journal."""
    subprocess.run([sys.executable, "-c", KILL_MID_COMMIT, str(case), new_name], check=False,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")})
    journal = journal_path_for(case)
    assert journal.exists() and journal.stat().st_size > 0
    return journal


def test_another_cases_journal_is_never_applied(tmp_path: Path) -> None:
    ours = _case(tmp_path / "a" / "family.vigproj", "Family A", people=("Sam",)) \
        if (tmp_path / "a").mkdir() is None else None
    assert ours is not None
    other_dir = tmp_path / "b"
    other_dir.mkdir()
    theirs = _case(other_dir / "family.vigproj", "Family B", people=("Kim", "Lee"))
    journal = _hot_journal(theirs, "Family B renamed")
    assert check_journal(theirs, identity_version()).verdict is Verdict.OURS
    shutil.copyfile(journal, journal_path_for(ours))  # e.g. a sync program or a folder copy
    before = ours.read_bytes()
    with CaseSession.open(ours) as session:
        assert session.case().name == "Family A"
        assert [p.pseudonym for p in session.participants()] == ["Sam"]
        assert session.project.integrity_check() == []
        assert any("not applied" in n for n in session.project.notices)
    assert ours.read_bytes()[100:] == before[100:]  # no page of the other family got in
    assert not journal_path_for(ours).exists()
    assert [p.name for p in ours.parent.iterdir() if ".not-this-case-" in p.name]
    # and the other case's own journal is still rolled back into it, as it must be
    with CaseSession.open(theirs) as session:
        assert session.case().name == "Family B"
        assert session.project.notices == ()


def test_a_journal_from_another_copy_of_the_same_case_is_not_applied(tmp_path: Path) -> None:
    case = _case(tmp_path / "family.vigproj", "Family A", people=("Sam",))
    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.copyfile(case, usb / "family.vigproj")  # a copy on a USB stick
    with CaseSession.open(case) as session:  # work goes on in the original
        session.add_participant("Alex", Role.PARTNER)
        session.add_participant("Kim", Role.OTHER)  # (one saved change apart is not told
        # apart from the crashed change itself: see THREAT_MODEL.md, limits)
    journal = _hot_journal(usb / "family.vigproj", "Family A (usb)")
    shutil.copyfile(journal, journal_path_for(case))
    with CaseSession.open(case) as session:
        assert sorted(p.pseudonym for p in session.participants()) == ["Alex", "Kim", "Sam"]
        assert session.case().name == "Family A"
        assert session.project.notices


def test_the_cli_says_a_foreign_journal_was_set_aside(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ours = _case(tmp_path / "a" / "c.vigproj", "Family A")
    theirs = _case(tmp_path / "b" / "c.vigproj", "Family B")
    shutil.copyfile(_hot_journal(theirs, "X"), journal_path_for(ours))
    assert cli(["add-still", str(ours), "--recording", "1", "--frame", "0"]) == 2
    err = capsys.readouterr().err
    assert "not applied" in err and "renamed" in err


# --- damaged files (finding 6) --------------------------------------------------------------

def _damage_cut(path: Path) -> None:
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size - 1)


def _page_of(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                                (name,)).fetchone()[0])
    finally:
        conn.close()


def _garbage_over(path: Path, page: int) -> None:
    with open(path, "r+b") as f:
        f.seek((page - 1) * 4096)
        f.write(os.urandom(4096))


def _index_name(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                "tbl_name = 'principle'").fetchone()[0])
    finally:
        conn.close()


def _drop_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DROP TABLE moment")
    conn.commit()
    conn.close()


DAMAGES = {
    "cut by one byte": _damage_cut,
    "garbage over an index page": lambda p: _garbage_over(p, _page_of(p, _index_name(p))),
    "garbage over a table page": lambda p: _garbage_over(p, _page_of(p, "participant")),
    "a missing table": _drop_table,
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_file_is_refused_released_and_recoverable(
        tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = _case(tmp_path / "family.vigproj", "Family A",
                 people=tuple(f"person {i}" for i in range(30)))
    DAMAGES[damage](case)
    before = case.read_bytes()
    for read_only in (False, True):
        with pytest.raises(DamagedProjectError, match="damaged"):
            CaseSession.open(case, read_only=read_only)
    with pytest.raises(DamagedProjectError):  # not ProjectLockedError: the lock was released
        CaseSession.open(case)
    assert cli(["info", str(case)]) == 2
    assert "damaged" in capsys.readouterr().err
    assert case.read_bytes() == before  # never written
    new = tmp_path / "recovered.vigproj"
    assert cli(["recover", str(case), str(new)]) == 0
    with CaseSession.open(new) as session:
        assert session.case().name == "Family A"
        assert session.project.integrity_check() == []
        if damage != "garbage over a table page":
            assert len(session.participants()) == 30


def test_a_failed_upgrade_leaves_no_pile_of_backups(tmp_path: Path) -> None:
    """Each failed upgrade used to leave one more full copy of the family's case beside it."""
    import datetime as dt

    from vigstudio.app.defaults import default_codebook
    from vigstudio.domain.project import Case
    from vigstudio.errors import ProjectError
    from vigstudio.storage import Migration, ProjectFile

    case = tmp_path / "old.vigproj"
    ProjectFile.create(case, Case("Family O", dt.date(2026, 1, 1)), default_codebook(),
                       migrations=()).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("THIS IS NOT SQL")

    for _ in range(3):
        with pytest.raises(ProjectError, match="unchanged"):
            ProjectFile.open(case, migrations=[Migration(2, "broken", broken)])
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []
