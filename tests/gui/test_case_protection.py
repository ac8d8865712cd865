"""The encrypted case's GUI hooks: adding copies in without asking; referenced recordings are
named as unprotected and copied in (a job each, then one undoable edit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.case_media import case_media_folder
from vigstudio.app.session import CaseSession
from vigstudio.crypto import chunked
from vigstudio.gui.files.adding import RecordingAdder
from vigstudio.gui.files.protection import offer_copy_in
from vigstudio.testing.synth import make_barcode_video

KEY = bytes(range(32))


@pytest.fixture
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("protect")
    return make_barcode_video(folder / "Smith home visit.mp4", width=160, height=90,
                              frames=20, gop=10, audio=False)


@pytest.fixture
def encrypted(tmp_path: Path) -> CaseSession:
    s = CaseSession.create(tmp_path / "Rowan.vigproj", "Rowan")
    s.media_key = KEY
    return s


def test_adding_to_an_encrypted_case_copies_in_and_says_so(
        qtbot: QtBot, encrypted: CaseSession, film: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _p, _t, text, *a: said.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked to copy"))
    parent = QWidget()
    qtbot.addWidget(parent)
    adder = RecordingAdder(encrypted, parent, lambda _s: None)
    adder.start([film])
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)
    added = adder.added or []
    assert len(added) == 1
    stored = encrypted.media_path(added[0])
    assert stored.parent == case_media_folder(encrypted.path)
    assert chunked.is_encrypted(stored)
    assert "NOT protected" in said[0] and "encrypted" in said[0]
    encrypted.close()


def test_referenced_recordings_are_offered_for_copy_in(
        qtbot: QtBot, encrypted: CaseSession, film: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rec = encrypted.import_recording(film, copy=False)
    assert rec.id is not None
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str, *args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    parent = QWidget()
    qtbot.addWidget(parent)
    copied: list[int] = []
    runner = offer_copy_in(parent, encrypted, on_copied=copied.append)
    assert runner is not None
    assert "NOT protected" in asked[0] and "Smith home visit" in asked[0]
    qtbot.waitUntil(lambda: copied == [rec.id], timeout=10_000)
    assert chunked.is_encrypted(encrypted.media_path(rec.id))
    assert encrypted.undo_label == "Copy recording into the encrypted case"
    encrypted.undo()
    assert encrypted.media_path(rec.id) == film
    # nothing left to offer in a plain case, or once all are inside
    encrypted.redo()
    assert offer_copy_in(parent, encrypted) is None
    encrypted.close()


def test_the_relink_dialog_finds_a_moved_encrypted_copy(
        qtbot: QtBot, film: Path, tmp_path: Path) -> None:
    """A real encrypted case (SQLCipher, passphrase): its media folder moved to a stick is
    found by the relink dialog's folder search and relinked."""
    import shutil

    from vigstudio.app.case_crypto import create_encrypted_case, open_case
    from vigstudio.app.session import RecordingStatus
    from vigstudio.crypto.keys import ScryptParams
    from vigstudio.gui.files.relink_dialog import RelinkDialog

    project = tmp_path / "case" / "Rowan.vigproj"
    project.parent.mkdir()
    made = create_encrypted_case(project, "Rowan", "correct horse battery",
                                 kdf=ScryptParams(n=2 ** 10))
    with made.session as session:
        rec = session.import_recording(film)
        assert rec.id
        copy_name = session.media_path(rec.id).name
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.move(str(case_media_folder(project)), str(stick / "films"))
    with open_case(project, passphrase="correct horse battery") as session:
        assert session.recording_status(rec.id) is RecordingStatus.OFFLINE
        dialog = RelinkDialog(session)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.search_finished, timeout=30_000):
            dialog.search(stick)
        assert dialog.search_result is not None
        assert dialog.search_result.found == {rec.id: stick / "films" / copy_name}
        dialog.relink_all()
        assert session.recording_status(rec.id) is RecordingStatus.ONLINE
        dialog.close()
