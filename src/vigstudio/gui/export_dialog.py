"""The export dialog: a reel as MP4, its stills as PNG, or the printable feedback sheet.

The export runs as a job (:mod:`vigstudio.gui.jobs`; the decoding itself in a child
process) with a progress bar, the time remaining and Cancel; the window stays usable.
Nothing is overwritten without asking, and a cancelled or failed export leaves nothing
behind.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

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

from vigstudio.app.jobs import Job, JobContext
from vigstudio.app.reel_export import (
    ReelPlan,
    export_plan_video,
    export_reel_stills,
    feedback_sheet,
    plan_for_reel,
)
from vigstudio.app.session import CaseSession
from vigstudio.domain.time import format_seconds
from vigstudio.errors import VigError
from vigstudio.gui.jobs import JobRunner
from vigstudio.render.sheet_pdf import write_sheet


class ExportKind(StrEnum):
    VIDEO = "video"
    STILLS = "stills"
    SHEET = "sheet"


def write_reel_sheet(session: CaseSession, reel_id: int, out: Path, *,
                     overwrite: bool = False, date: dt.date | None = None) -> Path:
    """The printable A4 feedback sheet of a reel's stills (pseudonym only)."""
    return write_sheet(out, feedback_sheet(session, reel_id, date=date), overwrite=overwrite)


def _export_video(ctx: JobContext, plan: ReelPlan, target: Path, height: int | None,
                  overwrite: bool) -> str:
    """The MP4 export as a job; returns the message for the practitioner."""
    result = export_plan_video(plan, target, height=height, overwrite=overwrite,
                               progress=lambda f, left: ctx.progress(f, "video", left),
                               cancel=ctx.cancel_event)
    return (f"Exported {result.path.name}: {result.width}×{result.height}, "
            f"{format_seconds(result.duration)} long, made in {result.seconds:.1f} s.")


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
        self._jobs = JobRunner(self)
        self._job: Job[str] | None = None
        self.result_message = ""
        self._kind_changed()
        self.resize(620, self.sizeHint().height())

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
        height = self.size_box.currentData()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        self._job = self._jobs.run(
            lambda ctx: _export_video(ctx, plan, target, height, overwrite),
            name="Export a reel", on_success=self._finished,
            on_failure=lambda error: self._failed(str(error)),
            on_cancelled=lambda: self._failed("Export cancelled; nothing was written."),
            on_progress=lambda fraction, _what, left: self._progress(fraction, left))

    def _progress(self, fraction: float, seconds_left: object) -> None:
        self.progress.setValue(int(fraction * 1000))
        if isinstance(seconds_left, float | int):
            self.status.setText(f"Exporting… about {max(0, round(seconds_left))} s left")

    def _stop_thread(self) -> None:
        self._jobs.stop(self._job)
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
        return self._job is not None

    def _cancel_or_close(self) -> None:
        if self._job is not None:
            self.status.setText("Cancelling…")
            self._job.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        if self._job is not None:  # closing the window cancels a running export
            self._stop_thread()
        super().reject()


__all__ = ["ExportDialog", "ExportKind", "write_reel_sheet"]
