"""The encrypted-case dialogs and the File menu's entries, offscreen on real case files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.app import CaseSession
from vigstudio.app.case_crypto import create_encrypted_case, is_encrypted, key_path_for
from vigstudio.crypto.keys import ScryptParams
from vigstudio.gui.files.case_crypto import (
    NewCaseEncryption,
    PassphraseDialog,
    RecoveryKeyDialog,
)
from vigstudio.gui.main_window import MainWindow

PASS = "correct horse battery"
CHEAP = ScryptParams(n=2 ** 10)


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    yield w
    w.close_project()


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, str]:
    made = create_encrypted_case(tmp_path / "case.vigproj", "Family Brook", PASS, kdf=CHEAP)
    made.session.close()
    return tmp_path / "case.vigproj", made.recovery_key


def _exec_typing(*texts: str, recovery: bool = False) -> Callable[[PassphraseDialog], int]:
    """A stand-in for exec(): types each text in turn and presses Open."""
    def run(dialog: PassphraseDialog) -> int:
        if recovery:
            dialog.switch_to_recovery()
        for text in texts:
            dialog.field.setText(text)
            dialog.accept()
            if dialog.result() == QDialog.DialogCode.Accepted:
                break
        return int(dialog.result())
    return run


def test_a_wrong_passphrase_is_said_and_asked_again(qtbot: QtBot,
                                                    encrypted: tuple[Path, str]) -> None:
    path, _ = encrypted
    dialog = PassphraseDialog(path)
    qtbot.addWidget(dialog)
    dialog.field.setText("not it at all")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.keys is None
    assert "does not open this case" in dialog.problem.text()
    dialog.field.setText(PASS)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.keys is not None


def test_opening_an_encrypted_case_asks_for_the_passphrase(
        window: MainWindow, encrypted: tuple[Path, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, recovery = encrypted
    monkeypatch.setattr(PassphraseDialog, "exec", _exec_typing("wrong passphrase", PASS))
    assert window.open_project(path, check_location=False)
    assert window.session is not None and window.session.encrypted
    assert window.session.media_key is not None
    window.close_project()
    monkeypatch.setattr(PassphraseDialog, "exec", _exec_typing(recovery, recovery=True))
    assert window.open_project(path, check_location=False)
    window.close_project()
    monkeypatch.setattr(PassphraseDialog, "exec", lambda d: int(QDialog.DialogCode.Rejected))
    assert not window.open_project(path, check_location=False)
    assert window.session is None


def test_a_new_case_is_encrypted_by_default_and_shows_the_recovery_key_once(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new.vigproj"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Family Reed", True))
    defaults: list[bool] = []

    def choose(dialog: NewCaseEncryption) -> int:
        defaults.append(dialog.encrypt.isChecked())
        dialog.passphrase.setText(PASS)
        dialog.confirm.setText(PASS + "x")
        dialog.accept()
        assert "not the same" in dialog.problem.text()
        dialog.confirm.setText(PASS)
        dialog.accept()
        return int(dialog.result())

    shown: list[str] = []

    def show_key(dialog: RecoveryKeyDialog) -> int:
        assert not dialog.ok.isEnabled()  # not before it is kept somewhere
        dialog.kept.setChecked(True)
        assert dialog.ok.isEnabled()
        shown.append(dialog.recovery_key)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(NewCaseEncryption, "exec", choose)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", show_key)
    window.new_project_dialog()
    assert defaults == [True]
    assert window.session is not None and window.session.encrypted
    assert is_encrypted(target) and len(shown) == 1 and len(shown[0]) == 39


def test_the_recovery_key_is_saved_to_a_chosen_file(qtbot: QtBot, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", "Family Brook")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    dialog.save_key(tmp_path / "safe.txt")
    assert "ABCD-EFGH" in (tmp_path / "safe.txt").read_text(encoding="utf-8")


def test_encrypt_then_change_passphrase_then_delete_from_the_file_menu(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plain.vigproj"
    CaseSession.create(path, "Family Plain").close()
    assert window.open_project(path, check_location=False)
    assert window.actions_by_id["file.encrypt"].isEnabled()

    def new_passphrase(text: str) -> Callable[[NewCaseEncryption], int]:
        def run(dialog: NewCaseEncryption) -> int:
            assert dialog.encrypt.isHidden()
            dialog.passphrase.setText(text)
            dialog.confirm.setText(text)
            dialog.accept()
            return int(dialog.result())
        return run

    monkeypatch.setattr(NewCaseEncryption, "exec", new_passphrase(PASS))
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda d: 1)
    window.encrypt_case_dialog()
    assert is_encrypted(path)
    assert window.session is not None and window.session.encrypted

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASS, True))
    monkeypatch.setattr(NewCaseEncryption, "exec", new_passphrase("another passphrase"))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text, *a: told.append(
        title))
    window.change_passphrase_dialog()
    assert told[-1] == "Passphrase changed"
    monkeypatch.setattr(PassphraseDialog, "exec", _exec_typing("another passphrase"))
    window.close_project()
    assert window.open_project(path, check_location=False)

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Family Wrong", True))
    window.delete_case_dialog()
    assert path.exists() and told[-1] == "Delete case"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Family Plain", True))
    window.delete_case_dialog()
    assert told[-1] == "Case deleted"
    assert not path.exists() and not key_path_for(path).exists() and window.session is None


def test_a_local_copy_of_an_encrypted_case_asks_for_the_passphrase_once(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening an encrypted case from a cloud folder and choosing "Work on a local copy…":
    the passphrase is asked once; the copy (encrypted, its own key file) is opened."""
    cloud = tmp_path / "Dropbox" / "cases"
    cloud.mkdir(parents=True)
    made = create_encrypted_case(cloud / "case.vigproj", "Family Brook", PASS, kdf=CHEAP)
    made.session.close()
    local = tmp_path / "local"
    local.mkdir()

    def choose_local_copy(box: QMessageBox) -> int:
        next(b for b in box.buttons() if b.text() == "Work on a local copy…").click()
        return 0

    asked: list[Path] = []
    typing = _exec_typing(PASS)

    def exec_counted(dialog: PassphraseDialog) -> int:
        asked.append(dialog.path)
        return typing(dialog)

    monkeypatch.setattr(QMessageBox, "exec", choose_local_copy)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(local))
    monkeypatch.setattr(PassphraseDialog, "exec", exec_counted)
    assert window.open_project(cloud / "case.vigproj")
    assert asked == [cloud / "case.vigproj"]
    session = window.session
    assert session is not None and session.encrypted and not session.read_only
    assert session.path == local / "case.vigproj"
    assert is_encrypted(session.path) and key_path_for(session.path).exists()
    assert session.case().name == "Family Brook"
