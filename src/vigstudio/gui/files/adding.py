"""Adding recordings to a case: each file is checked first (what cannot be read is named and
left out), then the practitioner is asked once whether to copy the readable ones.

Checking (a probe of each file in a child process) and copying run as jobs of the job
service (:mod:`vigstudio.app.importing`, through :class:`~vigstudio.gui.jobs.JobRunner`),
with a progress window and Cancel; the main window stays usable meanwhile. Only adding each
recording to the case (one undoable session edit each) runs on the main thread, at the end.
A cancelled batch adds nothing and takes back the copies it made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from vigstudio.app.importing import (
    CheckedFiles,
    ReadyFiles,
    add_ready,
    check_files,
    discard_copies,
    make_ready,
)
from vigstudio.app.jobs import Job
from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError
from vigstudio.gui.files.protection import copy_choice
from vigstudio.gui.jobs import JobRunner

__all__ = ["MEDIA_EXTENSIONS", "MEDIA_FILTER", "RecordingAdder"]

#: Every container FFmpeg reads that cameras, phones and old camcorders write.
MEDIA_EXTENSIONS = ("mp4", "m4v", "mov", "mkv", "webm", "avi", "wmv", "mpg", "mpeg", "mts",
                    "m2ts", "ts", "3gp", "3g2", "dv", "flv", "ogv", "vob", "mxf")
MEDIA_FILTER = ("Video files (" + " ".join(f"*.{e} *.{e.upper()}" for e in MEDIA_EXTENSIONS)
                + ");;All files (*)")
CANCELLED = "Adding recordings cancelled: nothing was added."


def _listed(problems: Sequence[tuple[Path, str]]) -> str:
    return "These files were not added:\n\n" + "\n".join(f"{p.name}: {why}"
                                                          for p, why in problems)


class RecordingAdder(QObject):
    """One batch of files being added to ``session``; ``finished`` carries the ids of the
    recordings added (empty when none was, or the batch was cancelled)."""

    finished = Signal(list)

    def __init__(self, session: CaseSession, parent: QWidget,
                 status: Callable[[str], None]) -> None:
        super().__init__(parent)
        self.session, self.window, self.status = session, parent, status
        self.runner = JobRunner(self)
        self.job: Job[Any] | None = None
        self.copies: list[Path] = []  # copies made for this batch (filled by the job)
        self.added: list[int] | None = None  # set when the batch is over
        self.progress = QProgressDialog("Checking the files …", "Cancel", 0, 1000, parent)
        self.progress.setWindowTitle("Adding recordings")
        self.progress.setWindowModality(Qt.WindowModality.NonModal)  # the window stays usable
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumDuration(300)  # a quick batch shows no window at all
        self.progress.canceled.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self.added is None

    def start(self, files: Sequence[Path]) -> None:
        """Check ``files`` in a job; the rest follows on the main thread."""
        files = [Path(f) for f in files]
        self.progress.setValue(0)
        self.job = self.runner.run(lambda ctx: check_files(ctx, files), name="Check recordings",
                                   on_success=self._checked, on_failure=self._failed,
                                   on_cancelled=self._cancelled, on_progress=self._progress)

    def cancel(self) -> None:
        """Stop after the file being checked or copied now; nothing of the batch is added."""
        if self.job is not None:
            self.job.cancel()
            self.progress.setLabelText("Cancelling …")
            self.status("Cancelling …")

    def stop(self) -> None:
        """The case is closing: stop the batch and wait for its job; nothing is added."""
        if self.job is not None:
            self.runner.stop(self.job)  # waits: every copy it made is in self.copies
            self.job = None
        if self.running:
            self._take_back_copies()
            self._finish([], "")

    # --- on the main thread ----------------------------------------------------------

    def _progress(self, fraction: float, what: str, _left: float | None) -> None:
        self.progress.setValue(int(fraction * 1000))
        if what and not (self.job is not None and self.job.cancel_event.is_set()):
            self.progress.setLabelText(what)
            self.status(what)

    def _checked(self, checked: CheckedFiles) -> None:
        self.job = None
        if checked.refused:
            QMessageBox.warning(self.window, "Some files cannot be added",
                                _listed(checked.refused))
        if not checked.readable:
            self._finish([], "")
            return
        n = len(checked.readable)
        chosen = copy_choice(self.session, self.window, n)  # an encrypted case copies in
        copy = chosen if chosen is not None else QMessageBox.question(
            self.window, "Add recordings",
            f"Copy the {n} recording(s) into the case folder (media/ beside the "
            "project file)?\n\nCopying keeps the case self-contained, e.g. on an encrypted "
            "USB stick. Otherwise the case refers to the files where they are.") == \
            QMessageBox.StandardButton.Yes
        placer = self.session.media_placer(copy)  # read here: a job never touches it
        readable, made = checked.readable, self.copies
        self.progress.setValue(0)
        self.job = self.runner.run(
            lambda ctx: make_ready(ctx, readable, placer, made=made),
            name="Copy recordings", on_success=self._ready, on_failure=self._failed,
            on_cancelled=self._cancelled, on_progress=self._progress)

    def _ready(self, ready: ReadyFiles) -> None:
        self.job = None
        added: list[int] = []
        failed = list(ready.failed)
        for item in ready.ready:
            self.status(f"Adding {item.source.name} …")
            try:
                rec = add_ready(self.session, item)
            except VigError as exc:
                failed.append((item.source, str(exc)))
                continue
            if rec.id is not None:
                added.append(rec.id)
        self._take_back_copies()
        if failed:
            QMessageBox.warning(self.window, "Some files could not be added", _listed(failed))
        self._finish(added, f"Added {len(added)} recording(s)." if added else "")

    def _failed(self, error: VigError) -> None:
        self.job = None
        self._take_back_copies()
        QMessageBox.warning(self.window, "Recordings not added", str(error))
        self._finish([], "")

    def _cancelled(self) -> None:
        self.job = None
        self._take_back_copies()
        self._finish([], CANCELLED)

    def _take_back_copies(self) -> None:
        """Remove copies made for recordings that were not added."""
        if self.copies:
            try:
                discard_copies(self.copies, self.session)
            except OSError as exc:
                self.status(f"A copy could not be removed: {exc}")
            self.copies.clear()

    def _finish(self, added: list[int], message: str) -> None:
        self.added = added
        self.progress.canceled.disconnect(self.cancel)
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()
        self.status(message)
        self.finished.emit(added)
