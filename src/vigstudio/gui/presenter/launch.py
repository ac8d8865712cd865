"""Starting presenter mode: from the editor (View ▸ Present reel, F5) or from the command
line (``vigstudio present PROJECT --reel NAME [--screen N]``).

Both go through :func:`vigstudio.app.presenter.open_presentation`, the single door into
presenter mode. The presenter window goes full screen on the chosen screen (by default the
second screen when there is one); with two screens the notes pane opens on the other one.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from vigstudio.app.case_crypto import CaseKeys
from vigstudio.app.player import PlayerController
from vigstudio.app.presenter import open_presentation
from vigstudio.app.session import CaseSession
from vigstudio.domain.reels import Reel
from vigstudio.errors import InvalidEditError
from vigstudio.gui.presenter.window import PresenterWindow

__all__ = ["choose_screens", "run_present", "start_presenter"]


def choose_screens(number: int | None) -> tuple[QScreen, QScreen | None]:
    """(the parent's screen, the practitioner's screen or None). ``number`` counts from 1;
    None picks the second screen when there is one."""
    screens = QGuiApplication.screens()
    if not screens:
        raise InvalidEditError("no screen was found to present on")
    if number is None:
        index = 1 if len(screens) > 1 else 0
    elif 1 <= number <= len(screens):
        index = number - 1
    else:
        raise InvalidEditError(f"there is no screen {number}: this computer has "
                               f"{len(screens)} screen(s)")
    others = [s for i, s in enumerate(screens) if i != index]
    return screens[index], (others[0] if others else None)


def start_presenter(session: CaseSession, reel: Reel | int | str, player: PlayerController,
                    *, screen: int | None = None, full_screen: bool = True,
                    today: Callable[[], dt.date] = dt.date.today,
                    override: str | None = None) -> PresenterWindow:
    """Open presenter mode on ``reel`` and show its first item (after the consent check)."""
    presentation = open_presentation(session, reel, player, override=override)
    target, own = choose_screens(screen)
    window = PresenterWindow(session, presentation, notes_apart=own is not None, today=today)
    window.setScreen(target)
    window.set_type_size(max(14, min(26, target.geometry().height() // 36)))
    window.setGeometry(target.geometry())
    if full_screen:
        window.showFullScreen()
    else:
        window.show()
    if window.notes_window is not None and own is not None:
        window.notes_window.setScreen(own)
        window.notes_window.setGeometry(own.availableGeometry())
    window.start()
    window.activateWindow()
    window.raise_()
    return window


def run_present(project: Path, reel: str, screen: int | None,
                override: str | None = None, keys: CaseKeys | None = None) -> int:
    """``vigstudio present``: only the presenter window, until Escape."""
    from vigstudio.gui.app import NO_DISPLAY, has_display, make_application

    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    app = make_application()
    with CaseSession.open(project, keys=keys) as session:  # keys: an encrypted case's
        player = PlayerController()
        try:
            window = start_presenter(session, reel, player, screen=screen, override=override)
            window.left.connect(app.quit)
            app.exec()
        finally:
            player.close()
    return 0


def hide_while_presenting(editor: QWidget, window: PresenterWindow) -> None:
    """Keep the editor out of sight until presenter mode ends, then bring it back."""
    editor.hide()

    def back() -> None:
        editor.show()
        editor.activateWindow()

    window.left.connect(back)
