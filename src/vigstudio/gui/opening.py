"""Questions asked while a case project opens: a risky place, and recordings that moved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vigstudio.app.location import Recommendation, assess_location, make_local_copy
from vigstudio.app.relink import needing_relink
from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError


def choose_how_to_open(parent: QWidget, path: Path) -> tuple[Path, bool] | None:
    """Say what a network share, cloud folder or read-only place risks and let the
    practitioner choose: a local copy, read-only, open it there anyway, or cancel.

    Returns the path to open and whether read-only, or None to cancel. A safe place asks
    nothing.
    """
    report = assess_location(path)
    if report.ok:
        return path, False
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
        return path, True
    if anyway is not None and clicked is anyway:
        return path, False
    if copy is not None and clicked is copy:
        folder = QFileDialog.getExistingDirectory(
            parent, "Folder on this computer for the copy", str(Path.home()))
        if not folder:
            return None
        try:
            return make_local_copy(path, Path(folder)), False
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
