#!/usr/bin/env python3
"""Make the screenshots in docs/images from the real app on the demo case project.

Run under a real X display at least 1920×1080 big, e.g.::

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/make_layout_screenshots.py

For each of the two common screen sizes, 1366×768 (the most common laptop) and 1920×1080,
it writes ``main_window_WxH.png`` (the demo case, a moment selected), ``reel_editor_WxH.png``
(the Reels panel on the slow-motion clip) and ``trim_WxH.png`` (a clip's first frame being
dragged: the player shows that frame and the readout names it). The README's pictures and the
user guide's come from ``docs/make_screenshots.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vigstudio.demo import create_demo
from vigstudio.gui.app import make_application
from vigstudio.gui.main_window import MainWindow
from vigstudio.gui.reels.panel import ReelsPanel
from vigstudio.gui.timeline import painting as pt

OUT = Path(__file__).resolve().parent / "images"
SIZES = ((1366, 768), (1920, 1080))


def wait(seconds: float) -> None:
    """Let the window run (frames decode, thumbnails build) for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def open_window(project: Path, size: tuple[int, int]) -> MainWindow:
    window = MainWindow()
    window.resize(*size)
    window.move(0, 0)
    window.show()
    wait(0.3)
    window.open_project(project, check_location=False)
    wait(2.5)
    return window


def save(window: MainWindow, name: str) -> Path:
    path = OUT / name
    window.grab().save(str(path))
    return path


def main_window_shot(window: MainWindow, name: str) -> Path:
    assert window.player is not None and window.session is not None
    assert window.selection is not None and window.recording_id is not None
    window.codebook_dock.raise_()
    window.list_dock.raise_()
    moment = next(m for m in window.session.moments(window.recording_id) if m.frame == 205)
    window.player.seek(205)
    window.selection.set(moments=[moment.id or 0])
    wait(1.5)
    return save(window, name)


def reel_shot(window: MainWindow, name: str) -> Path:
    panel = window.reels_dock.widget()
    assert isinstance(panel, ReelsPanel) and window.session is not None
    window.reels_dock.raise_()
    reel = window.session.reels()[0]
    row = next(i for i, item in enumerate(reel.items) if item.speed != 1)
    panel.items.setCurrentRow(row)
    panel.items.setFocus()
    assert window.player is not None
    clip = window.session.clip(reel.items[row].clip_id or 0)
    window.player.seek(clip.range.start + 20)
    wait(1.5)
    return save(window, name)


def trim_shot(window: MainWindow, name: str) -> Path:
    """Press on a clip's first frame, drag it, grab mid-drag, then put it back (Ctrl+Z)."""
    assert window.timeline is not None and window.session is not None
    canvas = window.timeline.canvas
    canvas.fit()
    wait(0.3)
    clip = next(c for c in window.session.clips() if c.range.start == 190)
    row = next(r for r in canvas.rows if r.kind is pt.RowKind.CLIPS)
    y = row.top + row.height // 2
    start = QPoint(round(pt.GUTTER + canvas.scale.x_of(clip.range.start)), y)
    end = QPoint(round(pt.GUTTER + canvas.scale.x_of(clip.range.start + 14)), y)
    shift = Qt.KeyboardModifier.ShiftModifier  # exact frames, no snapping
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, shift, start)
    for i in range(1, 9):
        QTest.mouseMove(canvas, start + (end - start) * i / 8)
        wait(0.05)
    wait(1.5)
    path = save(window, name)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, shift, end)
    window.undo()
    wait(0.3)
    return path


def main() -> int:
    make_application(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="vigstudio-shots-"))
    project = create_demo(folder)
    written: list[Path] = []
    for width, height in SIZES:
        window = open_window(project, (width, height))
        suffix = f"{width}x{height}.png"
        written.append(main_window_shot(window, f"main_window_{suffix}"))
        written.append(reel_shot(window, f"reel_editor_{suffix}"))
        written.append(trim_shot(window, f"trim_{suffix}"))
        window.close_project()
        window.close()
        wait(0.3)
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
