#!/usr/bin/env python3
"""Make the screenshots in docs/images from the real app on the demo case project.

Run under a real X display, e.g. ``xvfb-run -a -s "-screen 0 1600x1000x24"
.venv/bin/python docs/make_screenshots.py``. It writes main_window.png and
main_window_playing.png (README, docs/PLAYER.md) and the user guide's guide_*.png
(docs/USER_GUIDE.md): the welcome screen, the case panel, tagging, a clip, the reel, the
shared review, the export dialog, About and the self-check. Each shot waits for the app to
settle; the script then quits by itself.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("VIGSTUDIO_NO_RECENT", "1")  # no one's real recent list in a picture

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.demo import create_demo
from vigstudio.gui.app import make_application
from vigstudio.gui.case_record.editors import open_case_record
from vigstudio.gui.help.about import AboutDialog
from vigstudio.gui.help.selfcheck_dialog import SelfCheckDialog
from vigstudio.gui.main_window import MainWindow
from vigstudio.gui.reels.export_dialog import ExportDialog

OUT = Path(__file__).resolve().parent / "images"


def _save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}", flush=True)


class _Shots:
    """The shots in order; each method takes one and sets up the next."""

    def __init__(self) -> None:
        self.app = make_application(sys.argv[:1])
        self.demo = create_demo(Path(tempfile.mkdtemp(prefix="vigstudio-shots-")))
        self.window = MainWindow()
        self.window.resize(1600, 960)
        self.window.show()
        self.held: dict[str, QWidget] = {}  # the dialog on screen, until its shot is taken
        self.steps: list[tuple[int, Callable[[], None]]] = [
            (1200, self.welcome), (2500, self.paused), (1500, self.analyse),
            (1800, self.playing), (1500, self.tag), (1500, self.clip), (1000, self.reel),
            (1000, self.review), (800, self.export), (800, self.about),
            (1000, self.self_check)]

    @property
    def player(self) -> PlayerController:
        assert self.window.player is not None
        return self.window.player

    @property
    def session(self) -> CaseSession:
        assert self.window.session is not None
        return self.window.session

    def run(self) -> None:
        self._next()
        self.app.exec()
        self.window.close_project()

    def _next(self) -> None:
        if not self.steps:
            self.app.quit()
            return
        delay, action = self.steps.pop(0)

        def go() -> None:
            action()
            self._next()
        QTimer.singleShot(delay, go)

    def welcome(self) -> None:
        _save(self.window, "guide_welcome.png")
        self.window.open_project(self.demo, check_location=False)

    def paused(self) -> None:
        self.player.seek(205)

    def analyse(self) -> None:
        _save(self.window, "main_window.png")
        self.player.play()

    def playing(self) -> None:
        _save(self.window, "main_window_playing.png")
        self.player.pause()
        _save(self.window.case_dock, "guide_case.png")
        moment = next(m for m in self.session.moments() if m.frame == 102)
        assert self.window.selection is not None
        self.window.selection.set(moments=[moment.id or 0])
        self.player.seek(moment.frame)

    def tag(self) -> None:
        _save(self.window, "guide_tag.png")
        clip = self.session.clips()[0]
        assert self.window.selection is not None
        self.window.selection.set(clips=[clip.id or 0])
        self.player.seek(clip.range.start)

    def clip(self) -> None:
        _save(self.window, "guide_clip.png")
        reels = self.window.reels_dock.widget()
        reels.items.setCurrentRow(1)  # type: ignore[attr-defined]

    def reel(self) -> None:
        _save(self.window.reels_dock, "guide_reel.png")
        self.held["dialog"] = open_case_record(self.session, self.window, "cycles")
        self.held["dialog"].resize(1000, 640)

    def review(self) -> None:
        dialog = self.held.pop("dialog")
        _save(dialog, "guide_review.png")
        dialog.close()
        export = ExportDialog(self.session, self.session.reels()[0].id or 0, self.window)
        export.target.setText("/home/practitioner/Videos/Cycle 1 feedback reel.mp4")
        export.show()
        self.held["dialog"] = export

    def export(self) -> None:
        dialog = self.held.pop("dialog")
        _save(dialog, "guide_export.png")
        dialog.close()
        about = AboutDialog(self.demo, self.window)
        about.show()
        self.held["dialog"] = about

    def about(self) -> None:
        dialog = self.held.pop("dialog")
        _save(dialog, "guide_about.png")
        dialog.close()
        check = SelfCheckDialog(self.window)
        check.show()
        self.held["dialog"] = check

    def self_check(self) -> None:
        dialog = self.held["dialog"]
        assert isinstance(dialog, SelfCheckDialog)
        if dialog.results is None:  # the checks run in child processes: wait for them
            self.steps.insert(0, (500, self.self_check))
            return
        self.held.pop("dialog")
        _save(dialog, "guide_selfcheck.png")
        dialog.close()


def main() -> int:
    _Shots().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
