"""Questions asked while a case project opens: a risky place, recordings that moved, and a
retention period that has ended."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vigstudio.app import case_crypto
from vigstudio.app.case_crypto import CaseKeys
from vigstudio.app.location import Recommendation, assess_location, make_local_copy
from vigstudio.app.relink import needing_relink
from vigstudio.app.retention import erase_case, erase_plan, retention_ended, retention_message
from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError
from vigstudio.gui.files import case_crypto as case_crypto_dialogs
from vigstudio.gui.files import recent


def choose_how_to_open(parent: QWidget, path: Path,
                       ) -> tuple[Path, bool, CaseKeys | None] | None:
    """Say what a network share, cloud folder or read-only place risks and let the
    practitioner choose: a local copy, read-only, open it there anyway, or cancel.

    Returns the path to open, whether read-only, and an encrypted case's keys when they
    were already asked for (to make a local copy: the copy opens with the same keys, so the
    passphrase is asked once); or None to cancel. A safe place asks nothing.
    """
    report = assess_location(path)
    if report.ok:
        return path, False, None
    box = QMessageBox(QMessageBox.Icon.Warning, report.title, report.message,
                      QMessageBox.StandardButton.Cancel, parent)
    copy = None
    if report.recommendation is Recommendation.LOCAL_COPY:
        copy = box.addButton("Work on a local copy…", QMessageBox.ButtonRole.AcceptRole)
    look = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    anyway = None
    if not report.read_only:
        anyway = box.addButton("Open it here anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.exec()
    clicked = box.clickedButton()
    if clicked is look:
        return path, True, None
    if anyway is not None and clicked is anyway:
        return path, False, None
    if copy is not None and clicked is copy:
        folder = QFileDialog.getExistingDirectory(
            parent, "Folder on this computer for the copy", str(Path.home()))
        if not folder:
            return None
        try:
            keys = None
            if case_crypto.is_encrypted(path):
                keys = case_crypto_dialogs.ask_keys(parent, path)
                if keys is None:  # the passphrase was not given
                    return None
            return make_local_copy(path, Path(folder), keys=keys), False, keys
        except VigError as exc:
            QMessageBox.warning(parent, "Could not make the local copy", str(exc))
    return None


def wants_relink(parent: QWidget, session: CaseSession) -> bool:
    """If recordings of the case cannot be found, ask whether to search for them now."""
    if session.read_only:
        return False
    missing = needing_relink(session)
    if not missing:
        return False
    names = ", ".join(r.display_title for r in missing[:4]) + ("…" if len(missing) > 4 else "")
    answer = QMessageBox.question(
        parent, "Recordings not found",
        f"{len(missing)} recording(s) of this case cannot be found where they were ({names});"
        " they may have been moved or be on a drive that is not plugged in.\n\nSearch a "
        "folder for them now? (You can also do it later: File ▸ Find moved recordings.)")
    return answer == QMessageBox.StandardButton.Yes


def ask_about_retention(parent: QWidget, session: CaseSession, files: list[str]) -> str:
    """Say the retention period has ended; returns "erase", "open" or "cancel"."""
    shown = "\n".join(f"• {f}" for f in files[:12]) + ("\n• …" if len(files) > 12 else "")
    box = QMessageBox(QMessageBox.Icon.Warning, "Retention period ended",
                      retention_message(session.case())
                      + f"\n\nErasing removes, for good:\n{shown}\n\nThis cannot be undone.",
                      QMessageBox.StandardButton.Cancel, parent)
    erase = box.addButton("Erase the case", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Open it anyway", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return "erase" if clicked is erase else "open" if clicked is keep else "cancel"


def offer_erase(parent: QWidget, session: CaseSession) -> bool:
    """A case past its retention date: say so and offer to erase it. Returns True when the
    case should not be opened (erased, or the practitioner cancelled); ``session`` is then
    closed. A read-only window only says so."""
    if not retention_ended(session.case()):
        return False
    if session.read_only:
        QMessageBox.information(parent, "Retention period ended",
                                retention_message(session.case())
                                + "\n\nOpen the case normally to erase it.")
        return False
    plan = erase_plan(session)
    choice = ask_about_retention(parent, session, [str(p) for p in plan.remove
                                                   if p.exists()])
    if choice == "open":
        return False
    path = session.path
    session.close()
    if choice == "cancel":
        return True
    try:
        report = erase_case(path, keys=session.keys)
        recent.forget(path)
    except VigError as exc:
        QMessageBox.warning(parent, "The case was not erased", str(exc))
        return True
    if report.complete:
        QMessageBox.information(parent, "Case erased", report.text())
    else:
        QMessageBox.warning(parent, "The erase is not complete", report.text())
    return True
