"""An encrypted case finds its own encrypted copies by content: adding the same film again
reuses the copy made before (as a plain case does), and relinking finds an encrypted copy
moved to another folder (its plaintext fingerprint is read with the case's media key).

Real SQLCipher cases made with a passphrase, real synthesised films, real encrypted copies.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path

import pytest

from vigstudio.app import CaseSession, RecordingStatus, case_media
from vigstudio.app.case_crypto import create_encrypted_case, open_case
from vigstudio.app.case_media import (
    case_media_folder,
    copy_in,
    encrypt_copy,
    plan_copy,
    use_copy,
)
from vigstudio.app.importing import make_ready
from vigstudio.app.relink import needing_relink, relink_found, search_folder
from vigstudio.crypto import chunked
from vigstudio.crypto.keys import ScryptParams
from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.frames import FrameReader
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode

CHEAP = ScryptParams(n=2 ** 10)  # tests only: the product always uses the default
PASS = "correct horse battery"


class _Ctx:
    def progress(self, *_a: object) -> None:
        pass

    def cancelled(self) -> bool:
        return False


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A film, the same film under another name, and another film."""
    folder = tmp_path_factory.mktemp("films")
    visit = make_barcode_video(folder / "visit.mp4", width=160, height=96, frames=30,
                               audio=False)
    same = folder / "visit-from-the-stick.mp4"
    shutil.copyfile(visit, same)
    other = make_barcode_video(folder / "other.mp4", width=160, height=96, frames=40,
                               audio=False)
    return visit, same, other


def _encrypted_files(project: Path) -> list[Path]:
    folder = case_media_folder(project)
    return sorted(p for p in folder.iterdir()) if folder.is_dir() else []


def _new_case(tmp_path: Path) -> tuple[Path, CaseSession]:
    project = tmp_path / "case" / "Rowan.vigproj"
    project.parent.mkdir(parents=True)
    return project, create_encrypted_case(project, "Rowan", PASS, kdf=CHEAP).session


def test_adding_the_same_film_again_reuses_its_encrypted_copy(
        tmp_path: Path, films: tuple[Path, Path, Path]) -> None:
    visit, same, other = films
    project, session = _new_case(tmp_path)
    with session:
        first = session.import_recording(visit)
        again = session.import_recording(visit)
        renamed = session.import_recording(same)  # same content, another name
        assert first.id and again.id and renamed.id
        copies = _encrypted_files(project)
        assert len(copies) == 1 and chunked.is_encrypted(copies[0])
        assert {session.media_path(r) for r in (first.id, again.id, renamed.id)} == {copies[0]}
        different = session.import_recording(other)  # another film gets its own copy
        assert different.id
        assert len(_encrypted_files(project)) == 2
        assert session.media_path(different.id) != copies[0]

        # the import job (the GUI's Add recordings) follows the same rule
        made: list[Path] = []
        ready = make_ready(_Ctx(), [(visit, probe_in_process(visit))],  # type: ignore[arg-type]
                           session.media_placer(None), made=made)
        assert [(r.media, r.copied) for r in ready.ready] == [(copies[0], False)]
        assert made == []  # nothing new, so a cancelled batch removes nothing

        # copying in a referenced recording of a film already in the case reuses the copy
        referenced = session.import_recording(same, copy=False)
        assert referenced.id and session.media_path(referenced.id) == same
        copy_in(session, referenced.id)
        assert session.media_path(referenced.id) == copies[0]
        assert len(_encrypted_files(project)) == 2
    with open_case(project, passphrase=PASS) as session:
        for rec in session.recordings():
            assert rec.id is not None
            assert session.recording_status(rec.id) is RecordingStatus.ONLINE


def test_a_damaged_copy_is_not_reused(tmp_path: Path, films: tuple[Path, Path, Path]) -> None:
    visit, _same, _other = films
    project, session = _new_case(tmp_path)
    with session:
        first = session.import_recording(visit)
        assert first.id
        damaged = session.media_path(first.id)
        data = bytearray(damaged.read_bytes())
        data[chunked.HEADER_SIZE + 10] ^= 0xFF  # the first chunk no longer decrypts
        damaged.write_bytes(bytes(data))
        again = session.import_recording(visit)
        assert again.id
        fresh = session.media_path(again.id)
        assert fresh != damaged and len(_encrypted_files(project)) == 2
        assert session.recording_status(again.id) is RecordingStatus.ONLINE
def test_relinking_finds_an_encrypted_copy_moved_elsewhere(
        tmp_path: Path, films: tuple[Path, Path, Path]) -> None:
    visit, _same, other = films
    project, session = _new_case(tmp_path)
    with session:
        rec = session.import_recording(visit)
        assert rec.id
        rid = rec.id
        copy = session.media_path(rid)
    # the practitioner moves the case's media folder to a stick, renaming it
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.move(str(case_media_folder(project)), str(stick / "films of Rowan"))
    # a decoy of the same encrypted size from another encrypted case (another key)
    _other_project, other_session = _new_case(tmp_path / "another")
    with other_session:
        theirs = other_session.media_path(other_session.import_recording(visit).id or 0)
    shutil.copyfile(theirs, stick / "films of Rowan" / "another-case.vigenc")
    shutil.copyfile(other, stick / "other.mp4")

    with open_case(project, passphrase=PASS) as session:
        assert session.recording_status(rid) is RecordingStatus.OFFLINE
        result = search_folder(needing_relink(session), stick, key=session.media_key)
        found = stick / "films of Rowan" / copy.name
        assert result.found == {rid: found}
        assert relink_found(session, result).relinked == [rid]
        assert session.recording_status(rid) is RecordingStatus.ONLINE
        assert fingerprint(session.media_source(rid)) == rec.fingerprint
    with open_case(project, passphrase=PASS) as session:
        assert session.media_path(rid) == found
        assert session.recording_status(rid) is RecordingStatus.ONLINE
        reader = FrameReader(session.media_source(rid), rec.info)
        try:
            assert read_barcode(reader.frame(7)) == 7
        finally:
            reader.close()


def test_without_the_key_an_encrypted_copy_is_not_taken_for_the_film(
        tmp_path: Path, films: tuple[Path, Path, Path]) -> None:
    visit, _same, _other = films
    _project, session = _new_case(tmp_path)
    with session:
        rec = session.import_recording(visit)
        assert rec.id
        copy = session.media_path(rec.id)
        wanted = session.recordings()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copyfile(copy, elsewhere / copy.name)
    result = search_folder(wanted, elsewhere)  # no key: the copy cannot be read
    assert result.found == {}


def test_copying_in_the_same_film_twice_at_once_makes_one_copy(
        tmp_path: Path, films: tuple[Path, Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI copies several referenced recordings in at once, one job each: two of the
    same film (here under two names) must not both find no copy and both write one. The
    barrier holds each job after its search until the other has searched too, as the two
    threads can meet on a real machine; a job that waits for the other's copy instead gives
    up waiting after a moment."""
    visit, same, _other = films
    project, session = _new_case(tmp_path)
    with session:
        first = session.import_recording(visit, copy=False)
        second = session.import_recording(same, copy=False)
        assert first.id and second.id
        plans = [plan_copy(session, first.id), plan_copy(session, second.id)]
        both_searched = threading.Barrier(2)
        real_find = case_media.find_encrypted_copy

        def find_then_meet(*args: object) -> Path | None:
            found = real_find(*args)  # type: ignore[arg-type]
            with contextlib.suppress(threading.BrokenBarrierError):
                both_searched.wait(timeout=2)
            return found

        monkeypatch.setattr(case_media, "find_encrypted_copy", find_then_meet)
        copies: list[Path] = []
        jobs = [threading.Thread(target=lambda p=plan: copies.append(encrypt_copy(None, p)))
                for plan in plans]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(timeout=60)
        assert len(copies) == 2 and copies[0] == copies[1]
        assert _encrypted_files(project) == [copies[0]]
        for plan in plans:
            use_copy(session, plan, copies[0])
        assert session.media_path(first.id) == session.media_path(second.id) == copies[0]
