"""The export dialog: a reel as MP4, its stills as PNG, or the printable feedback sheet.

The export runs on a worker thread (the decoding itself in a child process) with a progress
bar, the time remaining and Cancel; the window stays usable. Nothing is overwritten without
asking, and a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import threading
from enum import StrEnum
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.reel_export import (
    export_plan_video,
    export_reel_stills,
    plan_for_reel,
    prepare_export,
    sheet_content,
    still_requests,
)
from vigstudio.app.session import CaseSession
from vigstudio.domain.time import format_seconds
from vigstudio.errors import ExportCancelled, ExportError, VigError
from vigstudio.gui.sheet import write_feedback_sheet
from vigstudio.media.export import stop_worker
from vigstudio.media.export_plan import ReelPlan
from vigstudio.media.stills import still_rgb


class ExportKind(StrEnum):
    VIDEO = "video"
    STILLS = "stills"
    SHEET = "sheet"


def write_reel_sheet(session: CaseSession, reel_id: int, out: Path, *,
                     overwrite: bool = False, date: dt.date | None = None) -> Path:
    """The printable A4 feedback sheet of a reel's stills (pseudonym only)."""
    content = sheet_content(session, reel_id, date=date)
    stills = []
    for request, caption in zip(still_requests(session, reel_id), content.captions,
                                strict=True):
        rgb = np.ascontiguousarray(still_rgb(request.path, request.info, request.frame))
        height, width, _ = rgb.shape
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        stills.append((image, caption))
    if not stills:
        raise ExportError("This reel has no stills to put on a feedback sheet.")
    return write_feedback_sheet(out, case_name=content.case_name,
                                helping_question=content.helping_question, date=content.date,
                                stills=stills, overwrite=overwrite)


class _VideoJob(QObject):
    """Runs one MP4 export on a worker thread; reports through signals."""

    progress = Signal(float, object)  # fraction done, seconds left or None
    done = Signal(str)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, plan: ReelPlan, target: Path, height: int | None,
                 overwrite: bool) -> None:
        super().__init__()
        self.plan, self.target, self.height, self.overwrite = plan, target, height, overwrite
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            result = export_plan_video(self.plan, self.target, height=self.height,
                                       overwrite=self.overwrite, progress=self.progress.emit,
                                       cancel=self.cancel)
            self.done.emit(f"Exported {result.path.name}: {result.width}×{result.height}, "
                           f"{format_seconds(result.duration)} long, made in "
                           f"{result.seconds:.1f} s.")
        except ExportCancelled:
            self.cancelled.emit()
        except VigError as exc:
            self.failed.emit(str(exc))


class ExportDialog(QDialog):
    """Choose what to export and where; runs the export with progress and Cancel."""

    def __init__(self, session: CaseSession, reel_id: int, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.session, self.reel_id = session, reel_id
        reel = session.reel(reel_id)
        self.setWindowTitle(f"Export “{reel.name}”")
        self.kind = QComboBox(self)
        self.kind.addItem("Feedback reel video (MP4, plays anywhere)", ExportKind.VIDEO.value)
        self.kind.addItem("Stills as pictures (PNG, full resolution)", ExportKind.STILLS.value)
        self.kind.addItem("Printable feedback sheet (PDF)", ExportKind.SHEET.value)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.size_box = QComboBox(self)
        self.size_box.addItem("Original size", None)
        self.size_box.addItem("720p (smaller file)", 720)
        self.size_box.addItem("480p (smallest)", 480)
        self.target = QLineEdit(self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.target, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Export", self.kind)
        form.addRow("Picture size", self.size_box)
        form.addRow("Save to", where)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._thread: QThread | None = None
        self._job: _VideoJob | None = None
        self.result_message = ""
        self._kind_changed()
        self.resize(620, self.sizeHint().height())
        self.size_box.currentIndexChanged.connect(lambda _i: self._prepare())
        self._prepare()

    def _prepare(self) -> None:
        """Start the export's worker while the person chooses (see prepare_export)."""
        if self.export_kind is ExportKind.VIDEO and self._job is None:
            prepare_export(self.session, self.reel_id, self.size_box.currentData())

    def done(self, result: int) -> None:
        stop_worker()  # a worker prepared for an export that was not made
        super().done(result)

    @property
    def export_kind(self) -> ExportKind:
        return ExportKind(self.kind.currentData())

    def _default_target(self) -> Path:
        reel = self.session.reel(self.reel_id)
        stem = f"{self.session.case().name} - {reel.name}".replace("/", "-")
        folder = self.session.folder / "exports"
        return folder / {ExportKind.VIDEO: f"{stem}.mp4", ExportKind.STILLS: f"{stem} stills",
                         ExportKind.SHEET: f"{stem}.pdf"}[self.export_kind]

    def _kind_changed(self) -> None:
        self.size_box.setEnabled(self.export_kind is ExportKind.VIDEO)
        self.target.setText(str(self._default_target()))

    def _browse(self) -> None:
        current = self.target.text()
        if self.export_kind is ExportKind.STILLS:
            chosen = QFileDialog.getExistingDirectory(self, "Folder for the stills", current)
        else:
            filt = "MP4 video (*.mp4)" if self.export_kind is ExportKind.VIDEO else "PDF (*.pdf)"
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", current, filt)
        if chosen:
            self.target.setText(chosen)

    # --- running ------------------------------------------------------------------------

    def start(self) -> None:
        target = Path(self.target.text()).expanduser()
        overwrite = False
        exists = target.exists() and (self.export_kind is not ExportKind.STILLS
                                      or any(target.iterdir()))
        if exists:
            answer = QMessageBox.question(self, "Replace?", f"{target} already exists. Replace "
                                                             "what is there?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            overwrite = True
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if self.export_kind is ExportKind.STILLS:
                paths = export_reel_stills(self.session, self.reel_id, target,
                                           overwrite=overwrite)
                self._finished(f"Exported {len(paths)} stills to {target}.")
            elif self.export_kind is ExportKind.SHEET:
                write_reel_sheet(self.session, self.reel_id, target, overwrite=overwrite)
                self._finished(f"Wrote the feedback sheet {target.name}.")
            else:
                self._start_video(target, overwrite)
        except (VigError, OSError) as exc:
            self._failed(str(exc))

    def _start_video(self, target: Path, overwrite: bool) -> None:
        # the plan is made here, on the GUI thread: the session is single-threaded
        plan = plan_for_reel(self.session, self.reel_id)
        self._job = _VideoJob(plan, target, self.size_box.currentData(), overwrite)
        self._thread = QThread(self)
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.progress.connect(self._progress)
        self._job.done.connect(self._finished)
        self._job.failed.connect(self._failed)
        self._job.cancelled.connect(lambda: self._failed("Export cancelled; nothing was "
                                                         "written."))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        self._thread.start()

    def _progress(self, fraction: float, seconds_left: object) -> None:
        self.progress.setValue(int(fraction * 1000))
        if isinstance(seconds_left, float | int):
            self.status.setText(f"Exporting… about {max(0, round(seconds_left))} s left")

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None
            self._job = None

    def _finished(self, message: str) -> None:
        self._stop_thread()
        self.result_message = message
        self.progress.setValue(1000)
        self.status.setText(message)
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")

    def _failed(self, message: str) -> None:
        self._stop_thread()
        self.result_message = message
        self.progress.setVisible(False)
        self.status.setText(message)
        self.status.setStyleSheet("color: #b00020;")
        self.export_button.setEnabled(True)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _cancel_or_close(self) -> None:
        if self._job is not None:
            self.status.setText("Cancelling…")
            self._job.cancel.set()
        else:
            self.reject()

    def reject(self) -> None:
        if self._job is not None:  # closing the window cancels a running export
            self._job.cancel.set()
            self._stop_thread()
        super().reject()


__all__ = ["ExportDialog", "ExportKind", "write_reel_sheet"]
