"""The export dialog: a reel as MP4, its stills as PNG, or the printable feedback sheet.

The export runs as a job of the job service (``gui.jobs.JobRunner``; the decoding itself in a
child process) with a progress bar, the time remaining and Cancel; the window stays usable.
Nothing is overwritten without asking, and a cancelled or failed export leaves nothing
behind.

Before anything is written the check at the exit runs (consent for the reel's purpose from
everyone who appears, the parent's decision about each clip). The dialog shows what fails,
in plain words, as soon as it opens; the practitioner can record what is missing in the case
record, or export anyway by writing the reason, which goes into the case's export log.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
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

from vigstudio.app.exits import Clearance, Exit, check_exit, log_exit, reel_to_check
from vigstudio.app.export_target import (
    check_export_target,
    check_stills_folder,
)
from vigstudio.app.jobs import Job, JobContext
from vigstudio.app.reel_export import (
    FeedbackSheet,
    PreparedExport,
    ReelPlan,
    clear_reel,
    export_feedback_sheet,
    export_plan_video,
    finish_export,
    plan_for_reel,
    prepare_export,
    prepare_feedback_sheet,
    prepare_reel_stills,
    still_requests,
    stop_prepared_export,
)
from vigstudio.app.session import CaseSession
from vigstudio.domain.privacy import PURPOSE_TEXT
from vigstudio.domain.reels import ItemKind
from vigstudio.domain.time import format_seconds
from vigstudio.errors import ConsentCheckError, VigError
from vigstudio.gui.jobs import JobRunner
from vigstudio.render.sheet_pdf import write_sheet

CANCELLED = "Export cancelled; nothing was written."


class ExportKind(StrEnum):
    VIDEO = "video"
    STILLS = "stills"
    SHEET = "sheet"


def write_reel_sheet(session: CaseSession, reel_id: int, out: Path, *,
                     overwrite: bool = False, date: dt.date | None = None,
                     override: str | None = None) -> Path:
    """The printable A4 feedback sheet of a reel's stills (pseudonym only), after the check
    at the exit; the sheet is written in the case's export log."""
    return export_feedback_sheet(
        session, reel_id, out, overwrite=overwrite, date=date, override=override,
        render=lambda path, sheet, replace: write_sheet(path, sheet, overwrite=replace))


def _undone_if_cancelled(ctx: JobContext, paths: list[Path]) -> list[Path]:
    """Stills written after Cancel was pressed are taken back: a cancelled export writes
    nothing (and logs nothing)."""
    if ctx.cancelled():
        for path in paths:
            path.unlink(missing_ok=True)
    return paths


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
        self.kind, self.size_box = self._build_choices()
        self.target = QLineEdit(self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.target, 1)
        where.addWidget(browse)
        self.purpose = QLabel(PURPOSE_TEXT[reel.purpose], self)
        self.purpose.setToolTip("What this reel is for (chosen when it was made); the check "
                                "before export is made for it")
        form = QFormLayout()
        form.addRow("Export", self.kind)
        form.addRow("For", self.purpose)
        form.addRow("Picture size", self.size_box)
        form.addRow("Save to", where)
        self.check, self.override = self._build_check()
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
        self._add_result_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.check)
        layout.addWidget(self.override)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._jobs = JobRunner(self)
        self._job: Job[Any] | None = None
        self._video_target: Path | None = None
        self._clearance: Clearance | None = None
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
        stop_prepared_export()  # a worker prepared for an export that was not made
        super().done(result)

    def _build_choices(self) -> tuple[QComboBox, QComboBox]:
        """What to export, and the picture size (the preference's default size chosen)."""
        from vigstudio.gui.preferences import current

        kind = QComboBox(self)
        kind.addItem("Feedback reel video (MP4, plays anywhere)", ExportKind.VIDEO.value)
        kind.addItem("Stills as pictures (PNG, full resolution)", ExportKind.STILLS.value)
        kind.addItem("Printable feedback sheet (PDF)", ExportKind.SHEET.value)
        kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        size_box = QComboBox(self)
        size_box.addItem("Original size", None)
        size_box.addItem("720p (smaller file)", 720)
        size_box.addItem("480p (smallest)", 480)
        size_box.setCurrentIndex(max(0, size_box.findData(current().export_height)))
        return kind, size_box

    def _build_check(self) -> tuple[QLabel, QLineEdit]:
        check = QLabel("", self)
        check.setWordWrap(True)
        check.setTextFormat(Qt.TextFormat.PlainText)
        override = QLineEdit(self)
        override.setPlaceholderText("Export anyway because… (the reason is kept in the case's "
                                    "export log)")
        override.setToolTip("Only if you must export although the check fails: write why. The "
                            "reason and what it let through are recorded.")
        return check, override

    def _add_result_buttons(self) -> None:
        """Shown after an export: open its folder, or play (open) what was made."""
        self.show_button = self.buttons.addButton("Show in folder",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button.clicked.connect(self.show_in_folder)
        self.play_button = self.buttons.addButton("Play", QDialogButtonBox.ButtonRole.ActionRole)
        self.play_button.clicked.connect(self.play_result)
        self.show_button.setVisible(False)
        self.play_button.setVisible(False)
        self.result_path: Path | None = None

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
        self.show_check()

    def show_check(self) -> None:
        """Run the check for what is chosen (writes nothing) and show what fails."""
        reel = self.session.reel(self.reel_id)
        kinds = tuple(ItemKind) if self.export_kind is ExportKind.VIDEO else (ItemKind.STILL,)
        verdict = check_exit(self.session, reel_to_check(self.session, reel, kinds=kinds),
                             reel.purpose)
        self._show_problems([str(p) for p in verdict.problems], verdict.overridable)

    def _show_problems(self, problems: list[str], overridable: bool = True) -> None:
        if not problems:
            self.check.setText("Check before export: everyone who appears has consented to "
                               f"{PURPOSE_TEXT[self.session.reel(self.reel_id).purpose]}, and "
                               "the parent's decisions allow it.")
            self.check.setStyleSheet("color: #2e6b30;")
            self.override.setVisible(False)
            return
        self.check.setText("Check before export — not allowed as it stands:\n"
                           + "\n".join(f"• {p}" for p in problems)
                           + "\nRecord the missing consent or the parent's decision in the "
                             "case record (Case ▸ Case record), or write why you export anyway.")
        self.check.setStyleSheet("color: #a3402c;")
        self.override.setVisible(overridable)

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
        self.show_button.setVisible(False)
        self.play_button.setVisible(False)
        self.status.setStyleSheet("")
        target = Path(self.target.text()).expanduser()
        try:  # before asking "Replace?": some files can never be replaced
            if self.export_kind is ExportKind.STILLS:
                check_stills_folder(self.session, target,
                                    [r.name for r in still_requests(self.session,
                                                                    self.reel_id)])
            else:
                check_export_target(self.session, target,
                                    extra=[target.with_suffix(".srt")]
                                    if self.export_kind is ExportKind.VIDEO else [])
        except VigError as exc:
            self._failed(str(exc))
            return
        overwrite = False
        exists = target.exists() and (self.export_kind is not ExportKind.STILLS
                                      or any(target.iterdir()))
        if exists:
            answer = QMessageBox.question(self, "Replace?", f"{target} already exists. Replace "
                                                             "what is there?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            overwrite = True
        reason = self.override.text().strip() or None
        try:
            if self.export_kind is ExportKind.VIDEO:  # checked before the folder is made
                self._clearance = clear_reel(self.session, self.reel_id, Exit.REEL_VIDEO,
                                             override=reason)
            target.parent.mkdir(parents=True, exist_ok=True)
            if self.export_kind is ExportKind.STILLS:
                self._start_stills(prepare_reel_stills(
                    self.session, self.reel_id, target, overwrite=overwrite,
                    override=reason), target)
            elif self.export_kind is ExportKind.SHEET:
                self._start_sheet(prepare_feedback_sheet(
                    self.session, self.reel_id, target, override=reason), target, overwrite)
            else:
                self._start_video(target, overwrite)
        except ConsentCheckError as exc:
            self._show_problems(list(exc.problems), exc.overridable)
            self._failed("Not exported: the check before export failed (see above). Nothing "
                         "was written.")
        except (VigError, OSError) as exc:
            self._failed(str(exc))

    def _busy(self, text: str) -> None:
        self.progress.setRange(0, 0)  # no fraction to show: a busy bar
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.status.setText(text)

    def _start_stills(self, prepared: PreparedExport[list[Path]], target: Path) -> None:
        """The stills are decoded and written by a job; logged here when they are."""
        def done(paths: list[Path]) -> None:
            self._logged(prepared, paths)
            self._finished(f"Exported {len(paths)} stills to {target}.")

        self._busy("Exporting the stills…")
        self._job = self._jobs.run(
            lambda ctx: _undone_if_cancelled(ctx, prepared.work()), name="Export stills",
            on_success=done, on_failure=lambda error: self._failed(str(error)),
            on_cancelled=self._cancelled)

    def _start_sheet(self, prepared: PreparedExport[FeedbackSheet], target: Path,
                     overwrite: bool) -> None:
        """The stills are decoded by a job; the PDF is drawn and logged here (Qt draws on
        the GUI thread)."""
        def done(sheet: FeedbackSheet) -> None:
            self._job = None
            try:
                written = write_sheet(target, sheet, overwrite=overwrite)
            except VigError as exc:
                self._failed(str(exc))
                return
            self._logged(prepared, [written])
            self._finished(f"Wrote the feedback sheet {target.name}.")

        self._busy("Preparing the feedback sheet…")
        self._job = self._jobs.run(lambda _ctx: prepared.work(), name="Feedback sheet",
                                   on_success=done,
                                   on_failure=lambda error: self._failed(str(error)),
                                   on_cancelled=self._cancelled)

    def _logged(self, prepared: PreparedExport[Any], files: list[Path]) -> None:
        try:
            finish_export(self.session, prepared, files)
        except VigError as exc:
            self.status.setText(f"It could not be written in the export log: {exc}")

    def _start_video(self, target: Path, overwrite: bool) -> None:
        # the plan is made here, on the GUI thread: the session is single-threaded
        plan = plan_for_reel(self.session, self.reel_id)
        height = self.size_box.currentData()
        self._video_target = target
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.status.setText("Exporting…")
        self._job = self._jobs.run(
            lambda ctx: _export_video(ctx, plan, target, height, overwrite),
            name="Export a reel", on_success=self._video_done,
            on_failure=lambda error: self._failed(str(error)),
            on_cancelled=self._cancelled,
            on_progress=lambda fraction, _what, left: self._progress(fraction, left))

    def _video_done(self, message: str) -> None:
        """The MP4 is written: record it in the export log (on the GUI thread)."""
        out = self._video_target
        if out is not None and self._clearance is not None:
            beside = [out.with_suffix(s) for s in (".srt", ".vtt")]
            try:
                log_exit(self.session, self._clearance,
                         [out, *(p for p in beside if p.exists())])
            except VigError as exc:
                message += f" It could not be written in the export log: {exc}"
        self._clearance = None
        self._finished(message)

    def _progress(self, fraction: float, seconds_left: object) -> None:
        self.progress.setValue(int(fraction * 1000))
        if isinstance(seconds_left, float | int):
            self.status.setText(f"Exporting… about {max(0, round(seconds_left))} s left")

    def _stop_thread(self) -> None:
        if self._job is not None:
            self._jobs.stop(self._job)
            self._job = None

    @Slot()
    def _cancelled(self) -> None:
        self._failed(CANCELLED)

    @Slot(str)
    def _finished(self, message: str) -> None:
        self._stop_thread()
        self.result_message = message
        self.result_path = Path(self.target.text()).expanduser()
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        self.status.setText(message)
        self.status.setStyleSheet("")
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.show_button.setVisible(True)
        self.play_button.setVisible(self.export_kind is not ExportKind.STILLS)
        self.play_button.setText("Play" if self.export_kind is ExportKind.VIDEO else "Open")

    def show_in_folder(self) -> None:
        """Open the folder that holds what was exported (the file manager shows it)."""
        path = self.result_path
        if path is not None:
            folder = path if path.is_dir() else path.parent
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def play_result(self) -> None:
        """Open the exported film (or sheet) in the computer's own player (or viewer)."""
        if self.result_path is not None and self.result_path.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path)))

    @Slot(str)
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
        if self._job is not None:  # closing the window mid-export: ask, then cancel
            answer = QMessageBox.question(
                self, "Stop the export?", "The export is still running. Stop it? Nothing "
                "is written when it stops.")
            if answer != QMessageBox.StandardButton.Yes or self._job is None:
                return
            self._job.cancel()
            self._stop_thread()
            self._failed(CANCELLED)
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._job is not None:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


__all__ = ["ExportDialog", "ExportKind", "write_reel_sheet"]
