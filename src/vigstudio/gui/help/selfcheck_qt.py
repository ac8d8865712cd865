"""The Qt part of the self-check: can this machine show a window?"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel


def show_window() -> str:
    """Show a small window, let it paint, grab it; return what was seen (raise if nothing)."""
    from PySide6 import __version__ as pyside_version

    app = QApplication.instance() or QApplication(["vigstudio-self-check"])
    label = QLabel("VIG Studio self-check")
    label.resize(320, 80)
    label.show()
    deadline = time.monotonic() + 10
    while not label.windowHandle().isExposed() and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    exposed = label.windowHandle().isExposed()
    image = label.grab().toImage()
    label.close()
    platform = QGuiApplication.platformName()
    del app
    if not exposed or image.isNull() or image.width() < 1:
        raise OSError(f"Qt (platform {platform!r}) could not show a window")
    return (f"Qt {pyside_version} on the {platform!r} platform showed a "
            f"{image.width()}×{image.height()} window")
