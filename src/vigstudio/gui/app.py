"""Starting the Qt application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from vigstudio import __version__


def make_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication of the process (created if there is none yet)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("VIG Studio")
    app.setOrganizationName("VIG Studio")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    return app


def run(project: Path | None = None) -> int:
    """Show the main window (on ``project`` if given) and run until it closes."""
    from vigstudio.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.show()
    if project is not None:
        window.open_project(project)
    return app.exec()
