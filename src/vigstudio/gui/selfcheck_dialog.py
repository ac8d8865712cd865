"""Help ▸ Self-check: the same checks as ``vigstudio --self-check``, shown in a window.

The checks run in child processes, started from a worker thread; each result is shown as it
comes, and the window stays responsive.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
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

from vigstudio.selfcheck import CHECKS, CheckResult, format_report, run_checks


class _Runner(QObject):
    result = Signal(object)  # CheckResult
    done = Signal(object)  # list[CheckResult]

    def start(self) -> None:
        def work() -> None:
            self.done.emit(run_checks(progress=self.result.emit))

        threading.Thread(target=work, name="vigstudio-self-check", daemon=True).start()


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
        self._runner = _Runner(self)
        self._runner.result.connect(self._one)
        self._runner.done.connect(self._all)
        if start:
            self._runner.start()

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
