"""Starting the app: a clear message without a screen; a plain message for an unexpected bug."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.gui import app


def test_no_display_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert not app.has_display()
    assert app.run(None) == 1
    assert "xvfb-run" in capsys.readouterr().err
    monkeypatch.setenv("DISPLAY", ":99")
    assert app.has_display()


def test_unexpected_error_is_reported_plainly(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        app._report_unexpected(RuntimeError, exc, exc.__traceback__)
    assert shown and "saved" in shown[0] and "boom" in shown[0]
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_the_window_never_starts_larger_than_the_screen(qtbot: QtBot) -> None:
    """On a laptop screen smaller than the default 1400×900 the first window fits the screen
    (seen on a 1366×768 screen: the right panel and the timeline's bottom lanes were cut)."""
    from PySide6.QtGui import QGuiApplication

    from vigstudio.gui.app import fit_to_screen
    from vigstudio.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    free = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    assert window.width() > free.width() or window.height() > free.height()  # the premise
    fit_to_screen(window)
    assert window.width() <= free.width() and window.height() <= free.height()
