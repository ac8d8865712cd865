"""Encrypted cases (app/case_crypto.py, crypto/keys.py, storage/cipher.py): real SQLCipher
files on disk, the key file beside them, nothing readable without the passphrase."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from vigstudio.app import CaseSession
from vigstudio.app.case_crypto import (
    change_passphrase,
    create_encrypted_case,
    delete_case,
    encrypt_case,
    is_encrypted,
    key_path_for,
    open_case,
    save_recovery_key,
    unlock,
)
from vigstudio.app.export_target import check_copy_target, check_export_target
from vigstudio.app.location import make_local_copy
from vigstudio.crypto.keys import CaseKeys, ScryptParams, normalise_recovery_key
from vigstudio.domain.project import Role
from vigstudio.errors import (
    EncryptedCaseError,
    EncryptionError,
    KeyFileError,
    NotAProjectError,
    ProjectLockedError,
    UnsafeTargetError,
    WrongPassphraseError,
)

CHEAP = ScryptParams(n=2 ** 10)  # tests only: the product always uses the default
PASS = "correct horse battery"
NAME = "Family Brightwater"
NOTE = "Mum smiles at Zebedee"
PERSON = "Zebedee"
SQLITE = b"SQLite format 3\x00"


def _encodings(text: str) -> list[bytes]:
    return [text.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]


def _folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _make(path: Path, *, passphrase: str = PASS) -> str:
    made = create_encrypted_case(path, NAME, passphrase, kdf=CHEAP)
    with made.session as session:
        rec = session.add_recording(_recording())
        who = session.add_participant(PERSON, Role.PERSON)
        session.add_moment(rec.id or 0, 10, "receiving", participant_id=who.id, note=NOTE)
        session.add_clip(rec.id or 0, 5, 40, title="first look")
    return made.recovery_key


def _recording():  # type: ignore[no-untyped-def]
    from vigstudio.testing.crash_script import _recording as make

    return make("elsewhere/visit.mp4", 100)


def test_nothing_of_the_case_is_readable_in_any_file(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert project in files and key_path_for(project) in files
    secrets = [s for text in (NAME, NOTE, PERSON, "first look", "receiving")
               for s in _encodings(text)]
    for file in files:
        data = file.read_bytes()
        assert not data.startswith(SQLITE), file
        for secret in secrets:
            assert secret not in data, (file, secret)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(project).execute("SELECT * FROM sqlite_master").fetchall()


def test_it_opens_with_the_passphrase_and_keeps_everything(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    assert is_encrypted(project)
    with open_case(project, passphrase=PASS) as session:
        assert session.encrypted and session.media_key is not None
        assert session.case().name == NAME
        assert [m.note for m in session.moments()] == [NOTE]
        assert session.project.integrity_check() == []
    with pytest.raises(EncryptedCaseError, match="passphrase"):
        CaseSession.open(project)


def test_a_wrong_passphrase_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    before = _folder_state(tmp_path)
    for attempt in ("correct horse batterY", "", " " + PASS):
        with pytest.raises(WrongPassphraseError, match="Nothing was changed"):
            open_case(project, passphrase=attempt)
        with pytest.raises(WrongPassphraseError):
            open_case(project, passphrase=attempt, read_only=True)
    with pytest.raises(WrongPassphraseError):
        open_case(project, recovery_key="AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    with pytest.raises(WrongPassphraseError, match="not a recovery key"):
        open_case(project, recovery_key="hello")
    assert _folder_state(tmp_path) == before  # bytes and mtimes: not one file touched


def test_the_recovery_key_opens_the_case_however_it_is_typed(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    recovery = _make(project)
    assert len(recovery.split("-")) == 8 and all(len(g) == 4 for g in recovery.split("-"))
    typed = recovery.lower().replace("-", " ").replace("o", "0").replace("i", "1")
    assert normalise_recovery_key(typed) == normalise_recovery_key(recovery)
    with open_case(project, recovery_key=typed) as session:
        assert session.case().name == NAME


def test_the_recovery_key_can_be_saved_to_a_chosen_file_once(tmp_path: Path) -> None:
    recovery = _make(tmp_path / "case.vigproj")
    target = save_recovery_key(tmp_path / "for the safe.txt", recovery)
    assert recovery in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o077 == 0
    with pytest.raises(EncryptionError, match="already exists"):
        save_recovery_key(target, recovery)


def test_changing_the_passphrase_rewraps_only_the_key(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    recovery = _make(project)
    database = project.read_bytes()
    with pytest.raises(WrongPassphraseError):
        change_passphrase(project, "a new passphrase", passphrase="not it at all", kdf=CHEAP)
    with pytest.raises(EncryptionError, match="not the same"):
        change_passphrase(project, "a new passphrase", confirm="a new passphrasE",
                          passphrase=PASS, kdf=CHEAP)
    with pytest.raises(EncryptionError, match="at least"):
        change_passphrase(project, "short", passphrase=PASS, kdf=CHEAP)
    change_passphrase(project, "a new passphrase", passphrase=PASS, kdf=CHEAP)
    assert project.read_bytes() == database  # nothing re-encrypted
    with pytest.raises(WrongPassphraseError):
        unlock(project, passphrase=PASS)
    with open_case(project, passphrase="a new passphrase") as session:
        assert [m.note for m in session.moments()] == [NOTE]
    # a forgotten passphrase: the recovery key sets a new one
    change_passphrase(project, "third passphrase", recovery_key=recovery, kdf=CHEAP)
    with open_case(project, passphrase="third passphrase") as session:
        assert session.case().name == NAME
    data = json.loads(key_path_for(project).read_text(encoding="ascii"))
    assert data["passphrase"]["kdf"]["n"] == CHEAP.n


def test_the_product_kdf_is_memory_hard_by_default(tmp_path: Path) -> None:
    made = create_encrypted_case(tmp_path / "case.vigproj", NAME, PASS)
    made.session.close()
    kdf = json.loads(key_path_for(tmp_path / "case.vigproj").read_text())["passphrase"]["kdf"]
    assert kdf["name"] == "scrypt" and kdf["n"] * kdf["r"] * 128 >= 64 * 2 ** 20


def test_a_swapped_or_damaged_key_file_is_refused_and_nothing_is_written(
        tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ours, theirs = tmp_path / "a" / "case.vigproj", tmp_path / "b" / "case.vigproj"
    _make(ours)
    _make(theirs)  # the same passphrase (people reuse them), another case
    shutil.copyfile(key_path_for(theirs), key_path_for(ours))
    before = _folder_state(tmp_path / "a")
    with pytest.raises(KeyFileError, match="does not open it"):
        open_case(ours, passphrase=PASS)
    assert _folder_state(tmp_path / "a") == before
    # a copy of this very case (the same master key, another identity)
    with open_case(theirs, passphrase=PASS) as session:
        session.save_copy(tmp_path / "b" / "copy.vigproj")
    shutil.copyfile(key_path_for(tmp_path / "b" / "copy.vigproj"), key_path_for(theirs))
    with pytest.raises(KeyFileError, match="another copy of this case"):
        open_case(theirs, passphrase=PASS)
    key_path_for(ours).write_text("{not json", encoding="ascii")
    with pytest.raises(KeyFileError, match="damaged"):
        open_case(ours, passphrase=PASS)
    data = json.loads(key_path_for(theirs).read_text(encoding="ascii"))
    data["version"] = 99
    key_path_for(ours).write_text(json.dumps(data), encoding="ascii")
    with pytest.raises(KeyFileError, match="newer VIG Studio"):
        open_case(ours, passphrase=PASS)
    key_path_for(ours).unlink()
    assert not is_encrypted(ours)
    with pytest.raises(NotAProjectError, match=r"key file case\.vigproj\.key is missing"):
        open_case(ours, passphrase=PASS)


def test_a_second_window_is_locked_out_and_read_only_works(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    with open_case(project, passphrase=PASS) as first:
        with pytest.raises(ProjectLockedError):
            open_case(project, passphrase=PASS)
        with open_case(project, passphrase=PASS, read_only=True) as viewer:
            assert viewer.case().name == NAME
        assert first.case().name == NAME


def test_save_a_copy_is_encrypted_with_its_own_key_file(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    keys = unlock(project, passphrase=PASS)
    copy = tmp_path / "usb" / "case copy.vigproj"
    copy.parent.mkdir()
    with open_case(project, passphrase=PASS) as session:
        check_copy_target(session, copy)
        session.save_copy(copy)
        with pytest.raises(UnsafeTargetError, match="key file"):
            check_export_target(session, key_path_for(project))
        # an older copy of this case may be replaced; another encrypted case never
        check_copy_target(session, copy)
        other = tmp_path / "other.vigproj"
        _make(other, passphrase="another passphrase")
        with pytest.raises(UnsafeTargetError, match="another case project"):
            check_copy_target(session, other)
        with pytest.raises(UnsafeTargetError, match="case project"):
            check_export_target(session, other)
    assert not copy.read_bytes().startswith(SQLITE) and key_path_for(copy).exists()
    with open_case(copy, passphrase=PASS) as again:
        assert [m.note for m in again.moments()] == [NOTE]
    local = tmp_path / "Documents"
    local.mkdir()
    made = make_local_copy(project, local, keys=keys)
    with open_case(made, passphrase=PASS) as session:
        assert session.case().name == NAME and session.encrypted


def test_recovering_a_damaged_encrypted_case(tmp_path: Path) -> None:
    from vigstudio.app.recovery import recover

    project = tmp_path / "case.vigproj"
    _make(project)
    keys = unlock(project, passphrase=PASS)
    report = recover(project, tmp_path / "recovered.vigproj", keys=keys)
    assert report.complete
    recovered = tmp_path / "recovered.vigproj"
    assert not recovered.read_bytes().startswith(SQLITE)
    with open_case(recovered, passphrase=PASS) as session:
        assert [m.note for m in session.moments()] == [NOTE]


def test_delete_destroys_the_key_first_and_lists_what_went(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    (tmp_path / "case.vigproj.media").mkdir()
    (tmp_path / "case.vigproj.media" / "visit.vigenc").write_bytes(b"\x01" * 100)
    (tmp_path / "case.vigproj.cache").mkdir()
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "reel.mp4").write_bytes(b"chosen export")
    with open_case(project, passphrase=PASS), pytest.raises(ProjectLockedError):
        delete_case(project)
    removed = delete_case(project)
    assert removed[0] == key_path_for(project)
    assert set(removed) == {key_path_for(project), project, tmp_path / "case.vigproj.media",
                            tmp_path / "case.vigproj.cache", tmp_path / "case.vigproj.lock"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports"]


def test_converting_a_plain_case(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    with CaseSession.create(project, NAME) as session:
        rec = session.add_recording(_recording())
        session.add_moment(rec.id or 0, 3, "receiving", note=NOTE)
    cache = tmp_path / "case.vigproj.cache"
    cache.mkdir()
    (cache / "thumbs.bin").write_bytes(NAME.encode())
    report = encrypt_case(project, PASS, kdf=CHEAP)
    assert report.removed == [cache] and not cache.exists()
    assert [(rid, file.name) for rid, _t, file in report.not_protected] == [(rec.id, "visit.mp4")]
    assert any("NOT protected" in line for line in report.lines())
    assert is_encrypted(project) and not project.read_bytes().startswith(SQLITE)
    with open_case(project, recovery_key=report.recovery_key) as session:
        assert [m.note for m in session.moments()] == [NOTE]
    with pytest.raises(EncryptionError, match="already encrypted"):
        encrypt_case(project, PASS, kdf=CHEAP)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "case.vigproj", "case.vigproj.key", "case.vigproj.lock"]


def test_case_keys_never_show_in_a_repr() -> None:
    keys = CaseKeys.generate()
    assert keys.master_key.hex() not in repr(keys) and "hidden" in repr(keys)
    assert len({keys.master_key, keys.database_key, keys.media_key}) == 3
    assert CaseKeys.from_master(keys.master_key) == keys


def test_an_encrypted_case_past_retention_is_erased_key_first(tmp_path: Path) -> None:
    import datetime as dt
    from dataclasses import replace

    from vigstudio.app.retention import erase_case, erase_plan

    project = tmp_path / "case.vigproj"
    _make(project)
    keys = unlock(project, passphrase=PASS)
    with open_case(project, passphrase=PASS) as session:
        session.update_case(replace(session.case(), retention_until=dt.date(2025, 12, 31)))
        assert session.keys == keys
        assert erase_plan(session).remove[0] == key_path_for(project).resolve()
    report = erase_case(project, day=dt.date(2026, 1, 1), keys=keys)
    assert report.complete, report.text()
    assert report.removed[0] == key_path_for(project).resolve()
    assert list(tmp_path.iterdir()) == []


def test_relinking_a_moved_recording_in_an_encrypted_case(tmp_path: Path) -> None:
    from vigstudio.app import RecordingStatus
    from vigstudio.app.relink import needing_relink, relink_found, search_folder
    from vigstudio.testing import synth

    (tmp_path / "films").mkdir()
    video = synth.make_barcode_video(tmp_path / "films" / "visit.mp4", width=160, height=96,
                                     frames=5, audio=False)
    project = tmp_path / "case.vigproj"
    made = create_encrypted_case(project, NAME, PASS, kdf=CHEAP)
    with made.session as session:
        rec = session.import_recording(video, copy=False)  # referenced where it is
    usb = tmp_path / "usb"
    usb.mkdir()
    shutil.move(video, usb / "renamed.mp4")
    with open_case(project, passphrase=PASS) as session:
        rid = int(rec.id or 0)
        assert session.recording_status(rid) is RecordingStatus.OFFLINE
        result = search_folder(needing_relink(session), usb)
        assert relink_found(session, result).relinked == [rid]
    with open_case(project, passphrase=PASS) as session:
        assert session.recording_status(rid) is RecordingStatus.ONLINE
    assert b"renamed.mp4" not in project.read_bytes()  # the path is in the encrypted file


def test_deleting_a_plain_case_removes_its_copied_recordings_only(tmp_path: Path) -> None:
    from vigstudio.testing import synth

    (tmp_path / "films").mkdir()
    film = synth.make_barcode_video(tmp_path / "films" / "visit.mp4", width=160, height=96,
                                    frames=5, audio=False)
    project = tmp_path / "plain.vigproj"
    with CaseSession.create(project, "Family Plain") as session:
        session.import_recording(film, copy=True)
        session.import_recording(film, title="referenced")
    copied = tmp_path / "media" / "visit.mp4"
    assert copied.exists()
    removed = delete_case(project)
    assert copied.resolve() in removed and project in removed and not copied.exists()
    assert film.exists()  # a recording kept elsewhere is never touched


def test_a_key_file_asking_for_absurd_memory_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "case.vigproj"
    _make(project)
    data = json.loads(key_path_for(project).read_text(encoding="ascii"))
    data["passphrase"]["kdf"]["n"] = 2 ** 24  # 16 GiB with r = 8
    key_path_for(project).write_text(json.dumps(data), encoding="ascii")
    with pytest.raises(KeyFileError, match="out of range"):
        unlock(project, passphrase=PASS)


def test_a_case_whose_key_file_is_still_pending_is_never_exported_over(tmp_path: Path) -> None:
    """A case whose creation was killed just before its key file got its name (the key file
    under its pending name) is still a case: no export or copy is written over it, and it
    opens with its passphrase (the key file then gets its name)."""
    from vigstudio.crypto.keys import pending_key_files, write_pending_key_file
    from vigstudio.crypto.keys import read_key_file as read_key

    other = tmp_path / "other.vigproj"
    _make(other, passphrase="another passphrase")
    key_file = read_key(key_path_for(other))
    key_path_for(other).unlink()
    write_pending_key_file(other, key_file)
    assert is_encrypted(other)
    project = tmp_path / "case.vigproj"
    _make(project)
    with open_case(project, passphrase=PASS) as session:
        with pytest.raises(UnsafeTargetError, match="case project"):
            check_export_target(session, other)
        with pytest.raises(UnsafeTargetError, match="another case project"):
            check_copy_target(session, other)
    with open_case(other, passphrase="another passphrase") as session:
        assert session.case().name == NAME
    assert key_path_for(other).exists() and pending_key_files(other) == []
