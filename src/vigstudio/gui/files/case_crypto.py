"""Dialogs of encrypted cases (docs/ENCRYPTION.md): the choice and passphrase for a new case,
the recovery key shown once, the passphrase asked on open, and the File menu's Change
passphrase…, Encrypt this case… and Delete case….

Everything goes through :mod:`vigstudio.app.case_crypto`. :class:`CaseCryptoActions` is mixed
into the main window (it provides the menu handlers named in ``gui/actions.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app import case_crypto
from vigstudio.app.case_crypto import CaseKeys
from vigstudio.app.session import CaseSession
from vigstudio.errors import EncryptionError, VigError, WrongPassphraseError

if TYPE_CHECKING:
    from vigstudio.gui.main_window import MainWindow

__all__ = ["CaseCryptoActions", "NewCaseEncryption", "PassphraseDialog", "RecoveryKeyDialog",
           "create_case", "open_case"]


def _password_field(parent: QWidget) -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


def _busy(work: Callable[[], object]) -> None:
    """Show a wait cursor while the key is derived (about half a second, on purpose)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        work()
    finally:
        QGuiApplication.restoreOverrideCursor()


class NewCaseEncryption(QDialog):
    """"Encrypt this case", on by default, with the passphrase typed twice."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "New case project",
                 optional: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.encrypt = QCheckBox("&Encrypt this case (recommended)", self)
        self.encrypt.setChecked(True)
        self.encrypt.setVisible(optional)
        layout.addWidget(self.encrypt)
        about = QLabel(
            "The project file, the recordings copied into the case and everything made from "
            "them are kept encrypted: a lost or stolen laptop gives nothing away. The case "
            "opens only with this passphrase (or the recovery key, shown next). Recordings "
            "left where they are (not copied in) are not protected.", self)
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.passphrase = _password_field(self)
        self.confirm = _password_field(self)
        form.addRow("&Passphrase:", self.passphrase)
        form.addRow("&Again:", self.confirm)
        layout.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.encrypt.toggled.connect(self._toggled)

    def _toggled(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.confirm.setEnabled(on)

    def accept(self) -> None:
        if self.encrypt.isChecked():
            try:
                case_crypto.check_new_passphrase(self.passphrase.text(), self.confirm.text())
            except EncryptionError as exc:
                self.problem.setText(_sentence(exc))
                return
        super().accept()


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: print it or save it to a chosen file, for the safe."""

    def __init__(self, recovery_key: str, case_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recovery key — shown only now")
        self.recovery_key = recovery_key
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"This recovery key opens “{case_name}” if the passphrase is forgotten. It is "
            "shown only this once. Print it or save it to a USB stick, and keep it in the "
            "service's safe — not on this laptop.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.key_label = QLabel(recovery_key, self)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.key_label.font()
        font.setFamily("monospace")
        font.setPointSize(font.pointSize() + 4)
        self.key_label.setFont(font)
        layout.addWidget(self.key_label, alignment=Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        self.print_button = QPushButton("&Print…", self)
        self.save_button = QPushButton("&Save to a file…", self)
        self.print_button.clicked.connect(self.print_key)
        self.save_button.clicked.connect(self.save_key)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.kept = QCheckBox("I have printed, saved or written down the recovery key for the "
                              "service's safe", self)
        layout.addWidget(self.kept)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.accepted.connect(self.accept)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.kept.toggled.connect(self.ok.setEnabled)
        layout.addWidget(self.buttons)
        self.saved_to: Path | None = None

    def reject(self) -> None:
        """Escape or the window's close button: only once the key is kept somewhere."""
        if self.kept.isChecked():
            super().reject()

    def save_key(self, target: Path | None = None) -> None:
        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the recovery key", "",
                                                    "Text (*.txt)")
            if not chosen:
                return
            target = Path(chosen)
        try:
            self.saved_to = case_crypto.save_recovery_key(target, self.recovery_key)
        except VigError as exc:
            QMessageBox.warning(self, "Recovery key not saved", str(exc))
            return
        QMessageBox.information(self, "Recovery key saved",
                                f"Saved to {self.saved_to}. Move it to the service's safe "
                                "and do not keep it on this laptop.")

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setPlainText(f"VIG Studio recovery key\n\n{self.recovery_key}\n\nKeep in "
                              "the service's safe.")
        document.print_(printer)


class PassphraseDialog(QDialog):
    """Asks for the passphrase of an encrypted case (a wrong one: say so, ask again), or the
    recovery key ("Use recovery key…"). ``keys`` holds the unlocked keys after ``exec``."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.keys: CaseKeys | None = None
        self.use_recovery = False
        self.setWindowTitle("Encrypted case")
        layout = QVBoxLayout(self)
        self.prompt = QLabel(f"{path.name} is encrypted. Type its passphrase:", self)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.field = _password_field(self)
        layout.addWidget(self.field)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.recovery_button = buttons.addButton("Use &recovery key…",
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.recovery_button.clicked.connect(self.switch_to_recovery)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def switch_to_recovery(self) -> None:
        self.use_recovery = True
        self.prompt.setText(f"Type the recovery key of {self.path.name} (8 groups of 4 "
                            "letters and digits, from the service's safe):")
        self.field.setEchoMode(QLineEdit.EchoMode.Normal)
        self.field.clear()
        self.problem.clear()
        self.recovery_button.setEnabled(False)

    def accept(self) -> None:
        secret = self.field.text()
        result: list[CaseKeys] = []

        def work() -> None:
            if self.use_recovery:
                result.append(case_crypto.unlock(self.path, recovery_key=secret))
            else:
                result.append(case_crypto.unlock(self.path, passphrase=secret))

        try:
            _busy(work)
        except WrongPassphraseError as exc:
            self.problem.setText(_sentence(exc))
            self.field.selectAll()
            self.field.setFocus()
            return
        except VigError as exc:
            QMessageBox.warning(self, "Could not open the case project", str(exc))
            self.reject()
            return
        self.keys = result[0]
        super().accept()


def ask_keys(parent: QWidget | None, path: Path) -> CaseKeys | None:
    """The keys of an encrypted case, asking for its passphrase (None: a plain case, or
    cancelled)."""
    if not case_crypto.is_encrypted(path):
        return None
    dialog = PassphraseDialog(path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.keys


def open_case(parent: QWidget, path: Path, *, read_only: bool = False,
              keys: CaseKeys | None = None) -> CaseSession | None:
    """Open ``path``, asking for the passphrase if it is encrypted (None: cancelled); not
    asking when its ``keys`` are given (a local copy just made with them)."""
    if not case_crypto.is_encrypted(path):
        return CaseSession.open(path, read_only=read_only)
    if keys is not None:
        return CaseSession.open(path, read_only=read_only, keys=keys)
    dialog = PassphraseDialog(path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.keys is None:
        return None
    return CaseSession.open(path, read_only=read_only, keys=dialog.keys)


def create_case(parent: QWidget, path: Path, name: str) -> CaseSession | None:
    """A new case project: encrypted unless the user unticks it (None: cancelled)."""
    choice = NewCaseEncryption(parent)
    if choice.exec() != QDialog.DialogCode.Accepted:
        return None
    if not choice.encrypt.isChecked():
        return CaseSession.create(path, name)
    made: list[case_crypto.NewEncryptedCase] = []
    _busy(lambda: made.append(case_crypto.create_encrypted_case(
        path, name, choice.passphrase.text(), confirm=choice.confirm.text())))
    RecoveryKeyDialog(made[0].recovery_key, name, parent).exec()
    return made[0].session


class CaseCryptoActions:
    """File ▸ Change passphrase…, Encrypt this case…, Delete case… (mixed into MainWindow)."""

    def change_passphrase_dialog(self) -> None:
        change_passphrase_dialog(cast("MainWindow", self))

    def encrypt_case_dialog(self) -> None:
        encrypt_case_dialog(cast("MainWindow", self))

    def delete_case_dialog(self) -> None:
        delete_case_dialog(cast("MainWindow", self))


def change_passphrase_dialog(window: MainWindow) -> None:
    """File ▸ Change passphrase… (the current one, then the new one twice)."""
    session = window.session
    if session is None:
        return
    if not session.encrypted:
        QMessageBox.information(window, "Change passphrase",
                                "This case is not encrypted: use File ▸ Encrypt this "
                                "case… first.")
        return
    current, ok = QInputDialog.getText(window, "Change passphrase", "Current passphrase:",
                                       QLineEdit.EchoMode.Password)
    if not ok:
        return
    choice = NewCaseEncryption(window, title="New passphrase", optional=False)
    if choice.exec() != QDialog.DialogCode.Accepted:
        return
    try:
        _busy(lambda: case_crypto.change_passphrase(
            session.path, choice.passphrase.text(), confirm=choice.confirm.text(),
            passphrase=current))
    except VigError as exc:
        QMessageBox.warning(window, "The passphrase was not changed", str(exc))
        return
    QMessageBox.information(window, "Passphrase changed",
                            "The new passphrase opens this case from now on; the old one "
                            "no longer does. The recovery key is unchanged.")


def encrypt_case_dialog(window: MainWindow) -> None:
    """File ▸ Encrypt this case…: convert, show the recovery key, reopen encrypted."""
    session = window.session
    if session is None:
        return
    if session.encrypted:
        QMessageBox.information(window, "Encrypt this case", "This case is already "
                                "encrypted.")
        return
    path, name = session.path, session.case().name
    choice = NewCaseEncryption(window, title="Encrypt this case", optional=False)
    if choice.exec() != QDialog.DialogCode.Accepted:
        return
    passphrase = choice.passphrase.text()
    window.close_project()  # the conversion takes the case's lock itself
    reports: list[case_crypto.ConversionReport] = []
    try:
        _busy(lambda: reports.append(case_crypto.encrypt_case(
            path, passphrase, confirm=choice.confirm.text())))
    except VigError as exc:
        QMessageBox.warning(window, "The case was not encrypted", str(exc))
        window.open_project(path, check_location=False)
        return
    RecoveryKeyDialog(reports[0].recovery_key, name, window).exec()
    if reports[0].not_protected:
        QMessageBox.warning(window, "Recordings not protected",
                            "\n".join(reports[0].lines()[1:]))
    reopened: list[CaseSession] = []
    _busy(lambda: reopened.append(case_crypto.open_case(path, passphrase=passphrase)))
    window._set_session(reopened[0])


def delete_case_dialog(window: MainWindow) -> None:
    """File ▸ Delete case… (confirmed by typing the case name)."""
    session = window.session
    if session is None:
        return
    path, name = session.path, session.case().name
    typed, ok = QInputDialog.getText(
        window, "Delete case",
        f"This deletes “{name}” for good: its key, the project file, the recordings "
        "copied into it and everything made from them. Chosen exports and recordings "
        "kept elsewhere are not touched.\n\nType the case name to delete it:")
    if not ok:
        return
    if typed.strip() != name:
        QMessageBox.information(window, "Delete case", "The name does not match; nothing "
                                "was deleted.")
        return
    window.close_project()
    try:
        removed = case_crypto.delete_case(path)
    except VigError as exc:
        QMessageBox.warning(window, "The case was not deleted", str(exc))
        return
    QMessageBox.information(window, "Case deleted",
                            "Removed:\n" + "\n".join(str(p) for p in removed))
