#!/usr/bin/env python3
"""Make the screenshots in docs/images from the real app on the demo case project.

Run under a real X display (e.g. ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python
docs/make_screenshots.py``); it writes main_window.png and main_window_playing.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

from vigstudio.demo import create_demo
from vigstudio.gui.app import make_application
from vigstudio.gui.main_window import MainWindow

OUT = Path(__file__).resolve().parent / "images"


def main() -> int:
    app = make_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="vigstudio-shots-"))
    window = MainWindow()
    window.resize(1600, 960)
    window.show()
    window.open_project(create_demo(folder))
    assert window.player is not None and window.timeline is not None
    player = window.player

    def paused_shot() -> None:
        player.seek(205)
        QTimer.singleShot(1500, lambda: (window.grab().save(str(OUT / "main_window.png")),
                                         start_playing()))

    def start_playing() -> None:
        player.play()
        QTimer.singleShot(1800, playing_shot)

    def playing_shot() -> None:
        window.grab().save(str(OUT / "main_window_playing.png"))
        player.pause()
        QTimer.singleShot(500, app.quit)

    QTimer.singleShot(2500, paused_shot)
    app.exec()
    window.close_project()
    print(f"wrote {OUT / 'main_window.png'} and {OUT / 'main_window_playing.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
