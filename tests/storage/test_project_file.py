"""The .vigproj project file through real SQLite files in tmp_path."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigstudio.domain.annotations import Clip, Moment, Sharing, Still, Valence
from vigstudio.domain.codebook import Behaviour, Codebook, Principle
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording, RecordingKind
from vigstudio.domain.project import (
    Case,
    Consent,
    ConsentScope,
    Cycle,
    HelpingQuestion,
    Participant,
    Role,
    SharedReview,
)
from vigstudio.domain.reels import ItemKind, Reel, ReelItem
from vigstudio.domain.time import FrameRange, FrameRate
from vigstudio.errors import (
    DiskFullError,
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
)
from vigstudio.storage import (
    APPLICATION_ID,
    EntityKind,
    Migration,
    ProjectFile,
    current_version,
    kind_of,
)
from vigstudio.storage.records import decode_frame_times, encode_frame_times

CODEBOOK = Codebook("Test book", (
    Principle("attentive", "Being attentive", "#4E9A8C", "1",
              behaviours=(Behaviour("Turning towards"), Behaviour("Waiting", 1))),
    Principle("receiving", "Receiving initiatives", "#D9705A", "2", position=1),
))
CASE = Case("Family Rivers", dt.date(2026, 1, 5), notes="first visit",
            retention_until=dt.date(2033, 1, 1))


def vfr_recording() -> Recording:
    tb = Fraction(1, 90000)
    times = (Fraction(0), Fraction(3003, 90000), Fraction(6006, 90000), Fraction(9500, 90000),
             Fraction(1, 3))
    info = MediaInfo(container="mov,mp4", video_codec="hevc", width=1920, height=1080,
                     rotation=90, frame_rate=FrameRate(Fraction(15, 1)),
                     variable_frame_rate=True, frame_count=5, duration=Fraction(11, 30),
                     time_base=tb, start_pts=1234, audio_codec=None, truncated=True,
                     frame_times=times, warnings=("tail frames missing", "Ünïcode ok"))
    return Recording("media/phone clip.mov", Fingerprint(99, "c" * 64, "d" * 64), info,
                     RecordingKind.SHARED_REVIEW, "Phone", None, dt.date(2026, 1, 9))


def make(path: Path) -> ProjectFile:
    return ProjectFile.create(path, CASE, CODEBOOK)


def make_numbered_v1(path: Path) -> ProjectFile:
    """A file numbered version 1, for tests of the migration machinery itself."""
    return ProjectFile.create(path, CASE, CODEBOOK, migrations=())


make_v1 = make_numbered_v1


def mark_as_version_1(path: Path) -> None:
    """Label a closed file as schema version 1, to run test migrations from there."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=1")
    conn.close()


def test_round_trip_of_every_entity(tmp_path: Path) -> None:
    path = tmp_path / "case.vigproj"
    pf = make(path)
    with pf.transaction() as w:
        child = w.put(Participant("Sam", Role.PERSON, "#E8A33D"))
        parent = w.put(Participant("Alex", Role.PARTNER))
        q = w.put(HelpingQuestion("I want us to have fun", dt.date(2026, 1, 5), parent.id))
        cycle = w.put(Cycle(1, dt.date(2026, 1, 9), "kitchen"))
        rec = w.put(vfr_recording())
        p = pf_principle = w.get(EntityKind.PRINCIPLE, 1)
        assert isinstance(pf_principle, Principle)
        m = w.put(Moment(rec.id or 0, 3, p.id or 0, child.id, p.behaviours[1].id, "note",
                         Valence.WORKING_POINT, q.id))
        clip = w.put(Clip(rec.id or 0, FrameRange(1, 4), "t", "c", Sharing.SHARED))
        still = w.put(Still(rec.id or 0, 2, "look"))
        reel = w.put(Reel("Cycle 1", cycle.id, (
            ReelItem(ItemKind.TITLE, 0, title_text="Having fun", hold=Fraction(3)),
            ReelItem(ItemKind.CLIP, 1, clip_id=clip.id, caption="x", burn_caption=True,
                     speed=Fraction(1, 2), freeze_last=Fraction(3, 2)),
            ReelItem(ItemKind.STILL, 2, still_id=still.id)),
        ))
        review = w.put(SharedReview(cycle.id or 0, dt.date(2026, 1, 16), "I waited",
                                    "more turns", rec.id))
        consent = w.put(Consent(parent.id or 0, ConsentScope.TRAINING, dt.date(2026, 1, 5),
                                dt.date(2027, 1, 5), dt.date(2026, 6, 1), "signed"))
    snap = pf.snapshot()
    pf.close()
    again = ProjectFile.open(path)
    try:
        assert again.snapshot() == snap
        assert again.case() == Case(CASE.name, CASE.created_on, CASE.notes,
                                    CASE.retention_until, id=1)
        loaded = again.get(EntityKind.RECORDING, rec.id or 0)
        assert isinstance(loaded, Recording)
        assert loaded.info == vfr_recording().info  # exact Fractions, VFR times included
        assert loaded.info.clock.time_of(3) == Fraction(9500, 90000)
        for entity in (child, q, cycle, m, clip, still, reel, review, consent):
            assert again.get(kind_of(entity), entity.id or 0) == entity
        book = again.codebook()
        assert book.name == "Test book"
        assert [b.name for b in book.principles[0].behaviours] == ["Turning towards", "Waiting"]
        assert again.integrity_check() == []
    finally:
        again.close()


@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=50, unique=True),
       st.sampled_from([Fraction(1, 90000), Fraction(1, 1000), Fraction(1001, 30000)]))
def test_frame_times_blob_is_exact(pts: list[int], tb: Fraction) -> None:
    pts.sort()
    times = [(p - pts[0]) * tb for p in pts]
    unit, blob = encode_frame_times(times, tb)
    assert decode_frame_times(unit, blob) == tuple(times)
    odd = [Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(7, 5)]
    unit, blob = encode_frame_times(odd, tb)
    assert decode_frame_times(unit, blob) == tuple(odd)


def test_file_settings(tmp_path: Path) -> None:
    with make(tmp_path / "a.vigproj") as pf:
        assert pf.application_id == APPLICATION_ID
        assert pf.schema_version == current_version()
        assert pf.pragma("journal_mode") == "delete"
        assert pf.pragma("synchronous") == 2  # FULL
        assert pf.pragma("foreign_keys") == 1
    assert not (tmp_path / "a.vigproj-wal").exists()


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.vigproj"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        make(path)
    assert path.read_text() == "precious"


@pytest.mark.parametrize("content", [b"", b"hello, I am a text file\n" * 10, os.urandom(4096)])
def test_not_a_project(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.vigproj"
    path.write_bytes(content)
    with pytest.raises(NotAProjectError):
        ProjectFile.open(path)
    assert path.read_bytes() == content


def test_other_sqlite_file_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotAProjectError, match="not a VIG Studio project"):
        ProjectFile.open(path)
    assert path.read_bytes() == before


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no project file"):
        ProjectFile.open(tmp_path / "nope.vigproj")


def test_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.vigproj"
    make(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=7")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    stat = path.stat()
    for read_only in (False, True):
        with pytest.raises(NewerProjectError, match="newer VIG Studio"):
            ProjectFile.open(path, read_only=read_only)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.vigproj", "new.vigproj.lock"]


def test_second_writer_is_refused_read_only_allowed(tmp_path: Path) -> None:
    path = tmp_path / "a.vigproj"
    first = make(path)
    with pytest.raises(ProjectLockedError, match="open in another VIG Studio window"):
        ProjectFile.open(path)
    ro = ProjectFile.open(path, read_only=True)
    assert ro.read_only and ro.case().name == CASE.name
    with pytest.raises(ReadOnlyProjectError), ro.transaction() as w:
        w.put(Participant("x", Role.OTHER))
    ro.close()
    first.close()
    ProjectFile.open(path).close()  # the lock died with the first opener


def test_lock_held_by_another_process_dies_with_it(tmp_path: Path) -> None:
    path = tmp_path / "a.vigproj"
    make(path).close()
    code = textwrap.dedent(f"""
        import sys, time
        from vigstudio.storage import ProjectFile
        pf = ProjectFile.open({str(path)!r})
        print("open", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        with pytest.raises(ProjectLockedError):
            ProjectFile.open(path)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    ProjectFile.open(path).close()


def test_migrations_run_in_order_with_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.vigproj"
    with make_numbered_v1(path) as pf, pf.transaction() as w:
        w.put(Participant("Sam", Role.PERSON))
    mark_as_version_1(path)
    ran: list[int] = []

    def v2(conn: sqlite3.Connection) -> None:
        ran.append(2)
        conn.execute("CREATE TABLE extra (x INTEGER)")

    def v3(conn: sqlite3.Connection) -> None:
        ran.append(3)
        conn.execute("INSERT INTO extra VALUES (42)")

    migrations = [Migration(2, "add extra", v2), Migration(3, "fill extra", v3)]
    with ProjectFile.open(path, migrations=migrations) as pf:
        assert ran == [2, 3]
        assert pf.schema_version == 3
        assert pf.migration_backup is not None
        backup = sqlite3.connect(pf.migration_backup)
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
        assert backup.execute("SELECT pseudonym FROM participant").fetchall() == [("Sam",)]
        assert backup.execute("SELECT name FROM sqlite_master WHERE name='extra'").fetchall() == []
        backup.close()
        assert pf.migration_backup.name == "old.v1-backup.vigproj"
        assert pf.pragma("application_id") == APPLICATION_ID
        assert [p.pseudonym for p in pf.all(EntityKind.PARTICIPANT)] == ["Sam"]  # type: ignore[union-attr]
    # opening again runs nothing
    with ProjectFile.open(path, migrations=migrations) as pf:
        assert ran == [2, 3]
    # and the version-3 file is "newer" for a program that knows only version 1
    with pytest.raises(NewerProjectError):
        ProjectFile.open(path, migrations=())


def test_failed_migration_leaves_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "old.vigproj"
    make_numbered_v1(path).close()
    before = path.read_bytes()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        conn.execute("THIS IS NOT SQL")

    with pytest.raises(ProjectError, match="file is unchanged"):
        ProjectFile.open(path, migrations=[Migration(2, "broken", broken)])
    assert path.read_bytes() == before
    ProjectFile.open(path, migrations=()).close()  # the lock was released


def test_migrations_must_be_numbered_in_order(tmp_path: Path) -> None:
    path = tmp_path / "a.vigproj"
    make_v1(path).close()
    with pytest.raises(ValueError, match="expected 2"):
        ProjectFile.open(path, migrations=[Migration(3, "skip", lambda c: None)])


def test_multi_row_edit_is_all_or_nothing(tmp_path: Path) -> None:
    with make(tmp_path / "a.vigproj") as pf:
        with pytest.raises(RuntimeError), pf.transaction() as w:
            w.put(Participant("Sam", Role.PERSON))
            raise RuntimeError("crash in the middle")
        assert pf.all(EntityKind.PARTICIPANT) == []


def test_disk_full_rolls_back_and_keeps_earlier_work(tmp_path: Path) -> None:
    with make(tmp_path / "a.vigproj") as pf:
        with pf.transaction() as w:
            w.put(Participant("Sam", Role.PERSON))
        pages = pf.pragma("page_count")
        pf.pragma(f"max_page_count={pages}")  # the "disk" is now full
        with pytest.raises(DiskFullError, match="not saved"), pf.transaction() as w:
            for i in range(200):
                w.put(Participant(f"P{i}" * 50, Role.OTHER))
        assert [p.pseudonym for p in pf.all(EntityKind.PARTICIPANT)] == ["Sam"]  # type: ignore[union-attr]
        pf.pragma(f"max_page_count={10**9}")
        with pf.transaction() as w:
            w.put(Participant("Alex", Role.PARTNER))
        assert len(pf.all(EntityKind.PARTICIPANT)) == 2


def test_save_copy(tmp_path: Path) -> None:
    with make(tmp_path / "a.vigproj") as pf:
        with pf.transaction() as w:
            w.put(vfr_recording())
        dest = pf.save_copy(tmp_path / "copy.vigproj")
        with pytest.raises(ProjectError, match="already exists"):
            pf.save_copy(dest)
        pf.save_copy(dest, overwrite=True)
        snap = pf.snapshot()
    with ProjectFile.open(dest) as copy:
        assert copy.snapshot() == snap
    assert not list(tmp_path.glob(".*copying*"))


def test_edit_is_durable_when_killed_right_after_return(tmp_path: Path) -> None:
    path = tmp_path / "a.vigproj"
    make(path).close()
    code = textwrap.dedent(f"""
        import os, signal, sys
        from vigstudio.domain.project import Participant, Role
        from vigstudio.storage import ProjectFile
        pf = ProjectFile.open({str(path)!r})
        with pf.transaction() as w:
            w.put(Participant("Sam", Role.PERSON))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert result.returncode == -signal.SIGKILL
    with ProjectFile.open(path) as pf:
        assert [p.pseudonym for p in pf.all(EntityKind.PARTICIPANT)] == ["Sam"]  # type: ignore[union-attr]
        assert pf.integrity_check() == []
    assert not Path(str(path) + "-journal").exists()


HOT_JOURNAL_CHILD = """
import os, signal, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA cache_size=1")  # spill changed pages to the file before commit
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE case_identity SET serial = serial + 1")  # as every VIG Studio write does
c.execute("CREATE TABLE junk(x BLOB)")
for _ in range(200):
    c.execute("INSERT INTO junk VALUES (randomblob(4000))")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_unfinished_change_after_a_crash(tmp_path: Path) -> None:
    """A crash in the middle of a write leaves a hot journal: read-only opening says what to
    do; opening normally rolls the change back and loses nothing saved."""
    path = tmp_path / "case.vigproj"
    ProjectFile.create(path, CASE, CODEBOOK).close()
    subprocess.run([sys.executable, "-c", HOT_JOURNAL_CHILD, str(path)], check=False)
    assert Path(f"{path}-journal").exists()
    with pytest.raises(ProjectError, match="not closed properly") as info:
        ProjectFile.open(path, read_only=True)
    assert not isinstance(info.value, NotAProjectError)
    with ProjectFile.open(path) as project:
        assert project.notices == ()  # its own journal: rolled back, nothing set aside
        assert project.integrity_check() == []
        assert project.case().name == CASE.name
    assert not Path(f"{path}-journal").exists()
    with ProjectFile.open(path, read_only=True) as again:
        assert again.case().name == CASE.name


def test_a_real_version_1_file_upgrades_to_the_frame_index_schema(tmp_path: Path) -> None:
    """The demo case as version 1 wrote it (tests/storage/data/demo_v1.sql) opens, is upgraded
    with a backup, and its recordings load (no frame keys, no colour tags yet)."""


    dump = (Path(__file__).parent / "data" / "demo_v1.sql").read_text()
    path = tmp_path / "old.vigproj"
    raw = sqlite3.connect(path)
    raw.executescript(dump)
    raw.execute("PRAGMA application_id=1447642963")
    raw.execute("PRAGMA user_version=1")
    raw.commit()
    raw.close()
    with ProjectFile.open(path) as pf:
        assert pf.migration_backup is not None and pf.migration_backup.exists()
        recordings = pf.all(EntityKind.RECORDING)
        assert recordings and recordings[0].info.frame_keys is None  # type: ignore[union-attr]
        assert recordings[0].info.color_space is None  # type: ignore[union-attr]
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == current_version()
    columns = {row[1] for row in check.execute("PRAGMA table_info(recording)")}
    assert {"frame_keys", "color_primaries", "color_transfer", "color_space"} <= columns
    check.close()
