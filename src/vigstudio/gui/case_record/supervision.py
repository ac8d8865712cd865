"""The supervision package of a filmed shared review: choose its clips and working points,
write the guider's own reflection, and export it with "For supervision only" in the picture.

The check before export (purpose: supervision) is shown as soon as the choice changes; a
failing clip of the review film can be let through with a written reason, a family clip
that the parent's decision or consent does not allow for supervision never.

The video is written by a job of the job service (``gui.jobs.JobRunner``; the decoding in a
child process) with a progress bar and Cancel; the check before export and the export log
run on the main thread, with the session.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
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
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.exits import check_exit
from vigstudio.app.jobs import Job
from vigstudio.app.session import CaseSession
from vigstudio.app.supervision import (
    PreparedPackage,
    log_supervision_package,
    prepare_supervision_package,
    supervision_contents,
    working_points,
    write_supervision_package,
)
from vigstudio.domain.privacy import Purpose
from vigstudio.errors import ConsentCheckError, VigError
from vigstudio.gui.jobs import JobRunner

__all__ = ["SupervisionDialog"]

CANCELLED = "Export cancelled; nothing was written."

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
            self._fill_choices(film)
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
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        buttons = self._buttons()
        self._jobs = JobRunner(self)
        self._job: Job[tuple[Path, ...]] | None = None
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
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.result_message = ""
        self.show_check()
        self.resize(640, 620)

    def _fill_choices(self, film: int) -> None:
        for clip in self.session.clips(film):
            _add(self.clips, clip.title or f"frames {clip.range.start}–{clip.range.last}",
                 clip.id or 0, True)
        for m in working_points(self.session, film):
            _add(self.points, f"frame {m.frame}: {m.note.strip() or '(no note)'}",
                 m.id or 0, True)

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton("Export",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.start)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self._cancel_or_close)
        return buttons

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

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        """Check and plan on the main thread, then write the package in a job."""
        if self._job is not None:
            return
        try:
            prepared = prepare_supervision_package(
                self.session, self.review_id, Path(self.target.text()).expanduser(),
                clip_ids=_checked(self.clips), working_point_ids=_checked(self.points),
                reflection=self.reflection.toPlainText(),
                override=self.override.text().strip() or None)
        except ConsentCheckError as exc:
            self._show(list(exc.problems), exc.overridable)
            self._finish("Not exported: the check before export failed. Nothing was written.",
                         ok=False)
            return
        except (VigError, OSError) as exc:
            self._finish(str(exc), ok=False)
            return
        self.status.setText("Exporting…")
        self.status.setStyleSheet("")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.close_button.setText("Cancel")
        self._job = self._jobs.run(
            lambda ctx: write_supervision_package(
                prepared, progress=lambda f, left: ctx.progress(f, "video", left),
                cancel=ctx.cancel_event),
            name="Export a supervision package",
            on_success=lambda files: self._written(prepared, files),
            on_failure=lambda error: self._finish(str(error), ok=False),
            on_cancelled=lambda: self._finish(CANCELLED, ok=False),
            on_progress=self._progress)

    def _progress(self, fraction: float, _what: str, seconds_left: float | None) -> None:
        self.progress.setValue(int(fraction * 1000))
        if seconds_left is not None:
            self.status.setText(f"Exporting… about {max(0, round(seconds_left))} s left")

    def _written(self, prepared: PreparedPackage, files: tuple[Path, ...]) -> None:
        """The files are written: record them in the export log (on the main thread)."""
        try:
            package = log_supervision_package(self.session, prepared, files)
        except VigError as exc:
            self._finish(f"Exported into {prepared.folder}, but it could not be written in "
                         f"the export log: {exc}", ok=False)
            return
        self._finish(f"Exported the supervision package into {package.folder}.", ok=True)

    def _finish(self, message: str, *, ok: bool) -> None:
        self._job = None
        self.result_message = message
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.close_button.setText("Close")
        self.status.setText(message)
        self.status.setStyleSheet("" if ok else "color: #b00020;")

    def _cancel_or_close(self) -> None:
        if self._job is not None:
            self.status.setText("Cancelling…")
            self._job.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        if self._job is not None:  # closing mid-export: stop it (nothing is written)
            self._jobs.stop(self._job)
            self._finish(CANCELLED, ok=False)
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._job is not None:
            self.reject()
        super().closeEvent(event)
