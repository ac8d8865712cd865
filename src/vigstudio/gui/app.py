"""Starting the Qt application."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from vigstudio import __version__
from vigstudio.resources import resource_path

NO_DISPLAY = ("VIG Studio needs a screen, and none was found (DISPLAY is not set). On a "
              "machine without one, start it under Xvfb: xvfb-run -a vigstudio")


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
    app.setDesktopFileName("vigstudio")  # matches packaging/linux/vigstudio.desktop
    app.setWindowIcon(QIcon(str(resource_path("icons", "vigstudio.png"))))
    return app


def has_display() -> bool:
    """False on Linux/BSD when no X11 or Wayland display is reachable and Qt would abort."""
    if sys.platform.startswith(("win", "darwin")) or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _report_unexpected(kind: type[BaseException], value: BaseException,
                       tb: TracebackType | None) -> None:
    """Last resort for a bug: say so plainly; the case project is already saved."""
    traceback.print_exception(kind, value, tb)
    if isinstance(QApplication.instance(), QApplication):
        QMessageBox.critical(
            None, "Something went wrong",
            "VIG Studio ran into a problem it did not expect. Everything you changed up to "
            "now is saved in the case project. You can carry on, or close and reopen the "
            f"case.\n\nDetails: {kind.__name__}: {value}")


def fit_to_screen(window: QWidget) -> None:
    """Never start larger than the screen: on a 1366×768 or 1280×720 laptop the window takes
    the screen's free area (room left for the title bar), so no panel starts cut off."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    width = min(window.width(), free.width())
    height = min(window.height(), max(480, free.height() - 40))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
        window.move(free.x(), free.y())


def run(project: Path | None = None) -> int:
    """Show the main window (on ``project`` if given) and run until it closes."""
    from vigstudio.gui.main_window import MainWindow

    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    sys.excepthook = _report_unexpected
    app = make_application()
    window = MainWindow()
    fit_to_screen(window)
    window.show()
    if project is not None:
        window.open_project(project)
    return app.exec()
