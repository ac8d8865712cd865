"""The welcome screen: what the window shows when no case project is open (and on first run).

It offers the three ways in — the demo case, a new case, a recent one — and says in three
sentences how the work flows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.jobs import Job, JobContext
from vigstudio.errors import VigError
from vigstudio.gui.files import recent
from vigstudio.gui.jobs import JobRunner

WORKFLOW = (
    "Film a parent with their child, add the recording to a case project, and step through "
    "it frame by frame. Tag the moments where the two are attuned with one key, and cut "
    "them into short clips and stills. Put the best into a feedback reel, watch it with the "
    "parent at the shared review, and export it as a video or a printed sheet.")


def demo_folder() -> Path:
    """Where the app writes the demo case: a visible folder in the user's documents."""
    documents = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(documents) / "VIG Studio demo"


def _write_demo(_ctx: JobContext, folder: Path) -> Path:
    """The demo case (the film is generated: a few seconds), as a job of the job service."""
    from vigstudio.demo import create_demo

    try:
        return create_demo(folder)
    except OSError as exc:  # e.g. a full disk: said in a sentence, like every VigError
        raise VigError(f"The demo case could not be written to {folder}: "
                       f"{exc.strerror or exc}") from exc


class WelcomePage(QWidget):
    """Shown when no case project is open."""

    def __init__(self, *, new_case: Callable[[], object], open_case: Callable[[], object],
                 open_path: Callable[[Path], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self._open_path = open_path
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h1>VIG Studio</h1><p>Video micro-analysis for Video Interaction "
                       "Guidance. Everything stays on this computer.</p>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.workflow = QLabel(WORKFLOW, self)
        self.workflow.setWordWrap(True)
        self.workflow.setFixedWidth(620)
        self.workflow.setStyleSheet("color: #444; padding: 4px 0 14px 0;")
        self.workflow.setMinimumHeight(self.workflow.heightForWidth(620))
        row = QHBoxLayout()  # centred without an alignment flag, which would clip wrapped text
        row.addStretch(1)
        row.addWidget(self.workflow)
        row.addStretch(1)
        layout.addLayout(row)
        self.demo_button = self._button("Open the demo case", self.open_demo, layout)
        self.demo_button.setToolTip(f"A generated family film, already tagged, with clips "
                                    f"and a reel; written to {demo_folder()}")
        self._button("New case project…", new_case, layout)
        self._button("Open case project…", open_case, layout)
        self.recent_box = QVBoxLayout()
        layout.addLayout(self.recent_box)
        layout.addStretch(2)
        self._jobs = JobRunner(self)
        self._job: Job[Path] | None = None
        self.refresh()

    def _button(self, text: str, slot: Callable[[], object], layout: QVBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setMinimumWidth(260)
        button.clicked.connect(lambda _checked=False: slot())
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        return button

    def refresh(self) -> None:
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        paths = recent.recent_projects()
        if paths:
            self.recent_box.addWidget(QLabel("<b>Recent case projects</b>"), 0,
                                      Qt.AlignmentFlag.AlignHCenter)
        for path in paths[:6]:
            button = QPushButton(path.name, self)
            button.setFlat(True)
            button.setToolTip(str(path))
            button.clicked.connect(lambda _c=False, p=path: self._open_path(p))
            self.recent_box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)

    # --- the demo -----------------------------------------------------------------------

    def open_demo(self, folder: Path | None = None) -> None:
        """Write the demo case (or reuse it) in the background, then open it."""
        if self._job is not None:
            return
        self.demo_button.setEnabled(False)
        self.demo_button.setText("Preparing the demo case…")
        where = folder or demo_folder()
        self._job = self._jobs.run(lambda ctx: _write_demo(ctx, where), name="Write the demo case",
                                   on_success=self._demo_ready, on_failure=self._demo_ready)

    def _demo_ready(self, result: object) -> None:
        self._job = None
        self.demo_button.setEnabled(True)
        self.demo_button.setText("Open the demo case")
        if isinstance(result, Path):
            self._open_path(result)
        else:
            QMessageBox.warning(self, "Could not write the demo case", str(result))
