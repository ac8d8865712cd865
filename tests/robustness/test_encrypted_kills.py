"""Encrypted cases under real kills (SIGKILL of real processes): the crash harness, the
conversion of a plain case killed at every step, delete killed after the key is destroyed,
journals of encrypted cases (their own rolled back, another case's set aside)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from vigstudio.app import CaseSession
from vigstudio.app.case_crypto import (
    create_encrypted_case,
    encrypt_case,
    is_encrypted,
    key_path_for,
    open_case,
    unlock,
)
from vigstudio.app.recovery import recover
from vigstudio.crypto.keys import CaseKeys, ScryptParams
from vigstudio.domain.project import Role
from vigstudio.errors import KeyFileError, NotAProjectError, ProjectError, WrongPassphraseError
from vigstudio.storage.journal import Verdict, check_journal, journal_path_for
from vigstudio.storage.migrations import identity_version
from vigstudio.testing.crash_script import CrashHarness, state_hash

SRC = Path(__file__).resolve().parents[2] / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
PASS = "correct horse battery"
CHEAP = ScryptParams(n=2 ** 10)
SQLITE = b"SQLite format 3\x00"


def test_the_crash_harness_on_an_encrypted_case(tmp_path: Path) -> None:
    keys = CaseKeys.generate()
    with CrashHarness(tmp_path, seed=20261130, max_life=0.3, keys=keys) as harness:
        report = harness.run(25)
    print(report.summary())
    assert report.problems == []
    assert report.kills == 25 and report.ok
    assert report.edits_lost == 0 and report.corrupt_files == 0 and report.half_applied == 0
    assert report.edits_acknowledged > 20
    data = (tmp_path / "crash.vigproj").read_bytes()
    assert not data.startswith(SQLITE)
    for word in ("Crash harness", "Sam", "Alex"):
        assert word.encode() not in data and word.encode("utf-16-le") not in data


# --- conversion, killed at every step --------------------------------------------------------

CONVERT = """
import os, shutil, signal, sys
from pathlib import Path
from vigstudio.app.case_crypto import encrypt_case
from vigstudio.crypto.keys import ScryptParams

limit = int(sys.argv[2])
count = 0

def step(fn):
    def wrapped(*a, **k):
        global count
        count += 1
        if count == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*a, **k)
    return wrapped

for name in ("replace", "rename", "link", "unlink", "fsync"):
    setattr(os, name, step(getattr(os, name)))
shutil.rmtree = step(shutil.rmtree)
encrypt_case(Path(sys.argv[1]), sys.argv[3], kdf=ScryptParams(n=2 ** 10))
print("done", count)
"""


def _plain_case(path: Path) -> str:
    with CaseSession.create(path, "Family Plainfield") as session:
        session.add_participant("Zebedee", Role.PERSON)
        session.add_participant("Mum", Role.PARTNER)
        digest = state_hash(session)
    cache = path.with_name(path.name + ".cache")
    cache.mkdir()
    (cache / "thumbs.bin").write_bytes(b"plaintext thumbnails")
    return digest


def _state(path: Path) -> tuple[str, str]:
    """('plain' | 'encrypted', state hash): the case must open whole one way or the other."""
    if is_encrypted(path):
        with open_case(path, passphrase=PASS) as session:
            assert session.project.integrity_check() == []
            return "encrypted", state_hash(session)
    with CaseSession.open(path) as session:
        assert session.project.integrity_check() == []
        return "plain", state_hash(session)


def test_conversion_killed_at_every_step_leaves_one_whole_case(tmp_path: Path) -> None:
    master = tmp_path / "master"
    master.mkdir()
    digest = _plain_case(master / "case.vigproj")
    seen: set[str] = set()
    step = 0
    while True:
        step += 1
        assert step < 200, "the conversion never finished"
        work = tmp_path / f"run-{step}"
        shutil.copytree(master, work)
        project = work / "case.vigproj"
        proc = subprocess.run([sys.executable, "-c", CONVERT, str(project), str(step), PASS],
                              env=ENV, capture_output=True, text=True, timeout=120,
                              check=False)
        finished = proc.returncode == 0
        if not finished:
            assert proc.returncode == -signal.SIGKILL, proc.stderr
        kind, state = _state(project)
        assert state == digest, f"step {step}: the {kind} case lost something"
        seen.add(kind)
        if kind == "plain":  # the old case is whole: running it again finishes the job
            report = encrypt_case(project, PASS, kdf=CHEAP)
            assert _state(project) == ("encrypted", digest)
            assert not report.recovery_key.startswith("-")
        leftovers = sorted(p.name for p in work.iterdir()
                           if p.name not in {"case.vigproj", "case.vigproj.key",
                                             "case.vigproj.lock", "case.vigproj.cache"})
        assert leftovers == [] or all(".encrypting-" in n for n in leftovers), leftovers
        shutil.rmtree(work)
        if finished:
            break
    assert seen == {"plain", "encrypted"} and step > 5


# --- creating an encrypted case, killed at every step ----------------------------------------

CREATE = CONVERT.replace(
    "encrypt_case(Path(sys.argv[1]), sys.argv[3], kdf=ScryptParams(n=2 ** 10))",
    "create_encrypted_case(Path(sys.argv[1]), 'Family Newfield', sys.argv[3], "
    "kdf=ScryptParams(n=2 ** 10)).session.close()").replace(
    "import encrypt_case", "import create_encrypted_case")


def test_creating_an_encrypted_case_killed_at_every_step_leaves_nothing_or_a_whole_case(
        tmp_path: Path) -> None:
    """A kill at any file-system step of creating an encrypted case leaves either no case
    (and the next create there succeeds) or a whole case that opens with the passphrase;
    never a project file that cannot be opened."""
    outcomes: set[str] = set()
    step = 0
    while True:
        step += 1
        assert step < 100, "creating never finished"
        work = tmp_path / f"run-{step}"
        work.mkdir()
        project = work / "case.vigproj"
        proc = subprocess.run([sys.executable, "-c", CREATE, str(project), str(step), PASS],
                              env=ENV, capture_output=True, text=True, timeout=120,
                              check=False)
        finished = proc.returncode == 0
        if not finished:
            assert proc.returncode == -signal.SIGKILL, proc.stderr
        visible = sorted(p.name for p in work.iterdir() if not p.name.startswith("."))
        if project.exists():
            outcomes.add("case")
            assert is_encrypted(project), f"step {step}: {visible}"
            before = sorted(p.name for p in work.iterdir())
            with pytest.raises(WrongPassphraseError):  # a wrong try still writes nothing
                unlock(project, passphrase="not the passphrase")
            assert sorted(p.name for p in work.iterdir()) == before
            with open_case(project, passphrase=PASS) as session:
                assert session.case().name == "Family Newfield"
                assert session.project.integrity_check() == []
            assert not project.read_bytes().startswith(SQLITE)
        else:
            outcomes.add("nothing")
            assert visible == [], f"step {step}: {visible}"  # hidden temporaries at most
            with pytest.raises(ProjectError, match="no project file"):  # said, not half-opened
                open_case(project, passphrase=PASS)
            made = create_encrypted_case(project, "Family Newfield", PASS, kdf=CHEAP)
            made.session.close()
            with open_case(project, passphrase=PASS) as session:
                assert session.case().name == "Family Newfield"
        left = sorted(p.name for p in work.iterdir() if p.name != "case.vigproj.lock")
        assert left == ["case.vigproj", "case.vigproj.key"], f"step {step}: {left}"
        shutil.rmtree(work)
        if finished:
            break
    assert outcomes == {"nothing", "case"} and step > 3


SAVE_COPY = CONVERT.replace(
    "encrypt_case(Path(sys.argv[1]), sys.argv[3], kdf=ScryptParams(n=2 ** 10))",
    "s = open_case(Path(sys.argv[1]), passphrase=sys.argv[3]); count = 0; "
    "s.save_copy(Path(sys.argv[4]), overwrite=True); s.close()").replace(
    "import encrypt_case", "import open_case")


@pytest.mark.parametrize("over_a_copy", [False, True])
def test_save_a_copy_of_an_encrypted_case_killed_at_every_step(
        tmp_path: Path, over_a_copy: bool) -> None:
    """Saving a copy (a new file, or over an older copy) killed at any step: the case is
    untouched, and the copy is absent, the older copy, or the new one — it always opens
    with the passphrase (never a copy whose key file is missing or another copy's)."""
    project = tmp_path / "case.vigproj"
    with create_encrypted_case(project, "Family A", PASS, kdf=CHEAP).session as session:
        session.add_participant("Sam", Role.PERSON)
    outcomes: set[str] = set()
    for step in range(1, 60):
        work = tmp_path / f"run-{step}"
        work.mkdir()
        dest = work / "copy.vigproj"
        if over_a_copy:
            with open_case(project, passphrase=PASS) as session:
                session.save_copy(dest)
            with open_case(dest, passphrase=PASS) as old:
                old.add_participant("only in the older copy", Role.OTHER)
        proc = subprocess.run([sys.executable, "-c", SAVE_COPY, str(project), str(step), PASS,
                               str(dest)], env=ENV, capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0:
            assert proc.returncode == -signal.SIGKILL, proc.stderr
        with open_case(project, passphrase=PASS) as session:
            assert [p.pseudonym for p in session.participants()] == ["Sam"]
        if not dest.exists():
            outcomes.add("none")
        else:
            with open_case(dest, passphrase=PASS) as copy:
                names = [p.pseudonym for p in copy.participants()]
                outcomes.add("old" if len(names) == 2 else "new")
                assert names[0] == "Sam"
        shutil.rmtree(work)
        if proc.returncode == 0:
            break
    assert proc.returncode == 0
    assert outcomes == ({"old", "new"} if over_a_copy else {"none", "new"})


LOCAL_COPY = CONVERT.replace(
    "encrypt_case(Path(sys.argv[1]), sys.argv[3], kdf=ScryptParams(n=2 ** 10))",
    "from vigstudio.app.case_crypto import unlock; from vigstudio.app.location import "
    "make_local_copy; keys = unlock(Path(sys.argv[1]), passphrase=sys.argv[3]); count = 0; "
    "make_local_copy(Path(sys.argv[1]), Path(sys.argv[4]), keys=keys)")


def test_a_local_copy_of_an_encrypted_case_killed_at_every_step(tmp_path: Path) -> None:
    """Working on a local copy (a case in a cloud folder): killed at any step, there is no
    copy or one that opens with the passphrase."""
    project = tmp_path / "cloud" / "case.vigproj"
    project.parent.mkdir()
    with create_encrypted_case(project, "Family A", PASS, kdf=CHEAP).session as session:
        session.add_participant("Sam", Role.PERSON)
    outcomes: set[str] = set()
    for step in range(1, 60):
        local = tmp_path / f"local-{step}"
        local.mkdir()
        proc = subprocess.run([sys.executable, "-c", LOCAL_COPY, str(project), str(step), PASS,
                               str(local)], env=ENV, capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0:
            assert proc.returncode == -signal.SIGKILL, proc.stderr
        copy = local / "case.vigproj"
        if copy.exists():
            outcomes.add("copy")
            with open_case(copy, passphrase=PASS) as session:
                assert [p.pseudonym for p in session.participants()] == ["Sam"]
        else:
            outcomes.add("none")
            assert [p.name for p in local.iterdir() if not p.name.startswith(".")] == []
        shutil.rmtree(local)
        if proc.returncode == 0:
            break
    assert proc.returncode == 0 and outcomes == {"none", "copy"}


# --- delete, killed after the key is gone ----------------------------------------------------

DELETE = """
import os, signal, sys
from pathlib import Path
from vigstudio.app.case_crypto import delete_case

project = Path(sys.argv[1])
real_unlink = Path.unlink

def unlink(self, *a, **k):
    if self == project:  # the key file went first; die before the project goes
        os.kill(os.getpid(), signal.SIGKILL)
    return real_unlink(self, *a, **k)

Path.unlink = unlink
delete_case(project)
"""


def test_a_kill_during_delete_after_the_key_leaves_nothing_readable(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    made = create_encrypted_case(project, "Family Gone", PASS, kdf=CHEAP)
    with made.session as session:
        session.add_participant("Zebedee", Role.PERSON)
    proc = subprocess.run([sys.executable, "-c", DELETE, str(project)], env=ENV,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not key_path_for(project).exists() and project.exists()
    with pytest.raises(NotAProjectError, match=r"key file case\.vigproj\.key is missing"):
        open_case(project, passphrase=PASS)
    with pytest.raises(KeyFileError, match="missing"):
        unlock(project, recovery_key=made.recovery_key)
    data = project.read_bytes()
    assert not data.startswith(SQLITE) and b"Zebedee" not in data


# --- journals ---------------------------------------------------------------------------------

KILL_MID_COMMIT = """
import os, signal, sys
from dataclasses import replace
from vigstudio.domain.project import Participant, Role
from vigstudio.storage import ProjectFile
pf = ProjectFile.open(sys.argv[1], key=bytes.fromhex(sys.argv[3]))
pf._raw.execute("PRAGMA cache_size=1")  # spill changed pages into the file before commit
case = pf.case()
with pf.transaction() as w:
    w.put(replace(case, name=sys.argv[2]))
    for i in range(200):
        w.put(Participant(f"member {i} " + "x" * 200, Role.OTHER))
    w.session.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _encrypted(path: Path, name: str) -> CaseKeys:
    path.parent.mkdir(parents=True, exist_ok=True)
    made = create_encrypted_case(path, name, PASS, kdf=CHEAP)
    with made.session as session:
        session.add_participant("Sam", Role.PERSON)
    return unlock(path, passphrase=PASS)


def _hot_journal(case: Path, keys: CaseKeys, new_name: str) -> Path:
    subprocess.run([sys.executable, "-c", KILL_MID_COMMIT, str(case), new_name,
                    keys.database_key.hex()], env=ENV, check=False, timeout=60)
    journal = journal_path_for(case)
    assert journal.exists() and journal.stat().st_size > 0
    return journal


def test_an_encrypted_cases_own_journal_is_rolled_back(tmp_path: Path) -> None:
    case = tmp_path / "case.vigproj"
    keys = _encrypted(case, "Family A")
    journal = _hot_journal(case, keys, "Family A renamed")
    assert check_journal(case, identity_version(), key=keys.database_key).verdict \
        is Verdict.OURS
    assert SQLITE not in journal.read_bytes()[512:] and b"Family A" not in journal.read_bytes()
    with open_case(case, passphrase=PASS) as session:
        assert session.case().name == "Family A"
        assert [p.pseudonym for p in session.participants()] == ["Sam"]
        assert session.project.notices == ()
        assert session.project.integrity_check() == []
    assert not journal.exists()


def test_another_encrypted_cases_journal_is_never_applied(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "a" / "case.vigproj", tmp_path / "b" / "case.vigproj"
    our_keys = _encrypted(ours, "Family A")
    their_keys = _encrypted(theirs, "Family B")
    journal = _hot_journal(theirs, their_keys, "Family B renamed")
    shutil.copyfile(journal, journal_path_for(ours))
    assert check_journal(ours, identity_version(), key=our_keys.database_key).verdict \
        is Verdict.FOREIGN
    with open_case(ours, passphrase=PASS) as session:
        assert session.case().name == "Family A"
        assert any("not applied" in n for n in session.project.notices)
        assert session.project.integrity_check() == []


CHANGE = CONVERT.replace(
    "encrypt_case(Path(sys.argv[1]), sys.argv[3], kdf=ScryptParams(n=2 ** 10))",
    "change_passphrase(Path(sys.argv[1]), 'the new passphrase', passphrase=sys.argv[3], "
    "kdf=ScryptParams(n=2 ** 10))").replace("import encrypt_case", "import change_passphrase")


def test_a_passphrase_change_killed_at_every_step_keeps_one_passphrase_working(
        tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _encrypted(project, "Family A")
    original = key_path_for(project).read_bytes()
    outcomes: set[str] = set()
    for step in range(1, 50):
        key_path_for(project).write_bytes(original)  # each run starts from the old passphrase
        proc = subprocess.run([sys.executable, "-c", CHANGE, str(project), str(step), PASS],
                              env=ENV, capture_output=True, text=True, timeout=120,
                              check=False)
        try:
            unlock(project, passphrase=PASS)
            outcomes.add("old")
        except WrongPassphraseError:
            unlock(project, passphrase="the new passphrase")  # never neither
            outcomes.add("new")
        if proc.returncode == 0:
            break
        assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert outcomes == {"old", "new"} and proc.returncode == 0


RECOVER = CONVERT.replace(
    "encrypt_case(Path(sys.argv[1]), sys.argv[3], kdf=ScryptParams(n=2 ** 10))",
    "from vigstudio.app.case_crypto import unlock; from vigstudio.app.recovery import recover; "
    "keys = unlock(Path(sys.argv[1]), passphrase=sys.argv[3]); count = 0; "
    "recover(Path(sys.argv[1]), Path(sys.argv[4]), keys=keys)")


def test_recovering_an_encrypted_case_killed_at_every_step(tmp_path: Path) -> None:
    """Recovering an encrypted case into a new file, killed at any step: the damaged case is
    untouched, and the recovered case is either absent (recovery can simply run again there)
    or whole and opens with the passphrase — never a recovered file without its key file."""
    project = tmp_path / "case.vigproj"
    with create_encrypted_case(project, "Family A", PASS, kdf=CHEAP).session as session:
        session.add_participant("Sam", Role.PERSON)
    original = project.read_bytes()
    outcomes: set[str] = set()
    for step in range(1, 60):
        dest = tmp_path / f"run-{step}" / "recovered.vigproj"
        dest.parent.mkdir()
        proc = subprocess.run([sys.executable, "-c", RECOVER, str(project), str(step), PASS,
                               str(dest)], env=ENV, capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0:
            assert proc.returncode == -signal.SIGKILL, proc.stderr
        assert project.read_bytes() == original
        if not dest.exists():
            outcomes.add("none")
            recover(project, dest, keys=unlock(project, passphrase=PASS))  # runs again
        else:
            outcomes.add("recovered")
        with open_case(dest, passphrase=PASS) as copy:
            assert [p.pseudonym for p in copy.participants()] == ["Sam"]
            assert copy.project.integrity_check() == []
        assert [p.name for p in dest.parent.iterdir() if p.name.startswith(".")] == []
        shutil.rmtree(dest.parent)
        if proc.returncode == 0:
            break
    assert proc.returncode == 0
    assert outcomes == {"none", "recovered"}
