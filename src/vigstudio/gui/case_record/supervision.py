"""The supervision package of a filmed shared review: choose its clips and working points,
write the guider's own reflection, and export it with "For supervision only" in the picture.

The check before export (purpose: supervision) is shown as soon as the choice changes; a
failing clip of the review film can be let through with a written reason, a family clip
that the parent's decision or consent does not allow for supervision never.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.exits import check_exit
from vigstudio.app.session import CaseSession
from vigstudio.app.supervision import (
    export_supervision_package,
    supervision_contents,
    working_points,
)
from vigstudio.domain.privacy import Purpose
from vigstudio.errors import ConsentCheckError, VigError

__all__ = ["SupervisionDialog"]

_ID = Qt.ItemDataRole.UserRole


def _checklist(parent: QWidget) -> QListWidget:
    box = QListWidget(parent)
    box.setAlternatingRowColors(True)
    return box


def _add(box: QListWidget, text: str, item_id: int, checked: bool) -> None:
    item = QListWidgetItem(text)
    item.setData(_ID, item_id)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    box.addItem(item)


def _checked(box: QListWidget) -> list[int]:
    return [int(box.item(i).data(_ID)) for i in range(box.count())
            if box.item(i).checkState() is Qt.CheckState.Checked]


class SupervisionDialog(QDialog):
    """Export the supervision package of the shared review ``review_id``."""

    def __init__(self, session: CaseSession, review_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.review_id = session, review_id
        review = session.shared_review(review_id)
        cycle = session.cycle(review.cycle_id)
        self.setWindowTitle(f"Supervision package — cycle {cycle.number}")
        film = review.recording_id
        self.clips = _checklist(self)
        self.points = _checklist(self)
        if film is not None:
            for clip in session.clips(film):
                _add(self.clips, clip.title or f"frames {clip.range.start}–{clip.range.last}",
                     clip.id or 0, True)
            for m in working_points(session, film):
                _add(self.points, f"frame {m.frame}: {m.note.strip() or '(no note)'}",
                     m.id or 0, True)
        self.clips.itemChanged.connect(lambda _i: self.show_check())
        self.points.itemChanged.connect(lambda _i: self.show_check())
        self.reflection = QPlainTextEdit(self)
        self.reflection.setPlaceholderText("Your own reflection on this shared review, for "
                                           "your supervisor")
        folder = session.folder / "exports" / f"supervision cycle {cycle.number}"
        self.target = QLineEdit(str(folder), self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.target, 1)
        where.addWidget(browse)
        self.check = QLabel("", self)
        self.check.setWordWrap(True)
        self.check.setTextFormat(Qt.TextFormat.PlainText)
        self.override = QLineEdit(self)
        self.override.setPlaceholderText("Export anyway because… (kept in the export log)")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton("Export",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.start)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("Clips of the review film", self.clips)
        form.addRow("Working points", self.points)
        form.addRow("Your reflection", self.reflection)
        form.addRow("Save into", where)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Everything in the package is marked “For supervision only” "
                                "in the picture.", self))
        layout.addLayout(form)
        layout.addWidget(self.check)
        layout.addWidget(self.override)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.result_message = ""
        self.show_check()
        self.resize(640, 620)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the package",
                                                  self.target.text())
        if chosen:
            self.target.setText(chosen)

    def show_check(self) -> None:
        try:
            contents = supervision_contents(self.session, self.review_id,
                                            clip_ids=_checked(self.clips),
                                            working_point_ids=_checked(self.points))
        except VigError as exc:
            self._show([str(exc)], overridable=False)
            return
        verdict = check_exit(self.session, contents.items, Purpose.SUPERVISION)
        self._show([str(p) for p in verdict.problems], verdict.overridable)

    def _show(self, problems: list[str], overridable: bool) -> None:
        if not problems:
            self.check.setText("Check before export: the parent's decisions and everyone's "
                               "consent allow supervision.")
            self.check.setStyleSheet("color: #2e6b30;")
            self.override.setVisible(False)
            return
        self.check.setText("Check before export — not allowed as it stands:\n"
                           + "\n".join(f"• {p}" for p in problems))
        self.check.setStyleSheet("color: #a3402c;")
        self.override.setVisible(overridable)

    def start(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            package = export_supervision_package(
                self.session, self.review_id, Path(self.target.text()).expanduser(),
                clip_ids=_checked(self.clips), working_point_ids=_checked(self.points),
                reflection=self.reflection.toPlainText(),
                override=self.override.text().strip() or None)
        except ConsentCheckError as exc:
            self._show(list(exc.problems), exc.overridable)
            self._finish("Not exported: the check before export failed. Nothing was written.",
                         ok=False)
        except (VigError, OSError) as exc:
            self._finish(str(exc), ok=False)
        else:
            self._finish(f"Exported the supervision package into {package.folder}.", ok=True)
        finally:
            QApplication.restoreOverrideCursor()

    def _finish(self, message: str, *, ok: bool) -> None:
        self.result_message = message
        self.status.setText(message)
        self.status.setStyleSheet("" if ok else "color: #b00020;")
