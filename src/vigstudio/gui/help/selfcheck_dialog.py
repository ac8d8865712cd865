"""Help ▸ Self-check: the same checks as ``vigstudio --self-check``, shown in a window.

The checks run in child processes, started by a job of the job service (``gui.jobs``); each
result is shown as it comes, and the window stays responsive.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.jobs import JobContext
from vigstudio.gui.jobs import JobRunner
from vigstudio.selfcheck import CHECKS, CheckResult, format_report, run_checks


def _run(ctx: JobContext) -> list[CheckResult]:
    return run_checks(progress=ctx.partial)


class SelfCheckDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, start: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("VIG Studio self-check")
        self.resize(760, 300)
        layout = QVBoxLayout(self)
        self.status = QLabel(f"Checking {len(CHECKS)} parts of this installation…", self)
        layout.addWidget(self.status)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.report, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("Copy report",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(
            lambda: QApplication.clipboard().setText(self.report.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.results: list[CheckResult] | None = None
        self._jobs = JobRunner(self)
        if start:
            self.start()

    def start(self) -> None:
        """Run the checks (each result is shown as it comes)."""
        self._jobs.run(_run, name="Self-check", on_success=self._all,
                       on_partial=self._partial,
                       on_failure=lambda error: self.status.setText(f"The self-check stopped: "
                                                                    f"{error}"))

    def _partial(self, value: Any) -> None:
        if isinstance(value, CheckResult):
            self._one(value)

    def _one(self, result: CheckResult) -> None:
        mark = "ok  " if result.ok else "FAIL"
        self.report.appendPlainText(f"{mark}  {CHECKS[result.name]}: {result.detail}")

    def _all(self, results: list[CheckResult]) -> None:
        self.results = results
        self.report.setPlainText(format_report(results))
        failed = sum(not r.ok for r in results)
        self.status.setText("All checks passed." if not failed else
                            f"{failed} check(s) failed: see below. Reinstalling VIG Studio "
                            "usually fixes a missing part.")
        self.copy_button.setEnabled(True)
