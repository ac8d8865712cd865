"""First run (the welcome screen and its demo case), About, and Help ▸ Self-check."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from vigstudio import __version__
from vigstudio.gui.files import welcome
from vigstudio.gui.help.about import AboutDialog
from vigstudio.gui.help.selfcheck_dialog import SelfCheckDialog
from vigstudio.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_project()


def test_welcome_says_how_the_work_flows_in_three_sentences(window: MainWindow) -> None:
    page = window.welcome
    assert window.stack.currentWidget() is page
    text = page.workflow.text()
    assert text.count(". ") + text.endswith(".") == 3
    for word in ("Film", "Tag", "reel", "shared review", "export"):
        assert word in text
    buttons = [b.text() for b in page.findChildren(type(page.demo_button))]
    assert buttons[:3] == ["Open the demo case", "New case project…", "Open case project…"]


def test_demo_button_writes_and_opens_the_demo_case(window: MainWindow, qtbot: QtBot,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(welcome, "demo_folder", lambda: tmp_path / "VIG Studio demo")
    window.welcome.demo_button.click()
    assert not window.welcome.demo_button.isEnabled()  # writing in the background
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    assert window.session.path == tmp_path / "VIG Studio demo" / "demo-family.vigproj"
    assert window.session.reels()
    assert window.welcome.demo_button.isEnabled()


def test_about_names_version_licences_and_where_the_case_is(window: MainWindow, demo: Path,
                                                            qtbot: QtBot) -> None:
    assert window.open_project(demo)
    dialog = AboutDialog(demo, window)
    qtbot.addWidget(dialog)
    header_text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"VIG Studio {__version__}" in header_text
    assert "libVLC 3." in header_text and "FFmpeg" in header_text
    licences = dialog.licences.toPlainText()
    for needle in ("GPL-3.0", "LGPL-3.0", "LGPL-2.1", "x264", "x265", "libVLC", "Qt"):
        assert needle in licences
    where = dialog.where.toPlainText()
    assert str(demo) in where
    assert "VIG Studio demo" in where


def test_help_menu_has_self_check_and_about(window: MainWindow) -> None:
    texts = [a.text() for a in window.menuBar().actions()[-1].menu().actions()]
    assert "&Self-check…" in texts and "&About VIG Studio" in texts


def test_self_check_dialog_runs_every_check(qtbot: QtBot) -> None:
    dialog = SelfCheckDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.results is not None, timeout=240_000)
    assert dialog.results is not None
    assert [r.name for r in dialog.results] == ["libvlc", "pyav", "project", "qt"]
    assert all(r.ok for r in dialog.results), dialog.report.toPlainText()
    assert dialog.status.text() == "All checks passed."
    assert "All checks passed." in dialog.report.toPlainText()
    assert dialog.copy_button.isEnabled()



def test_application_has_the_icon_and_desktop_name() -> None:
    """In a fresh process (this one's QApplication was made by pytest-qt)."""
    code = ("from vigstudio.gui.app import make_application; a = make_application(); "
            "print(a.desktopFileName(), a.windowIcon().isNull(), "
            "max(s.width() for s in a.windowIcon().availableSizes()))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    assert out == ["vigstudio", "False", "256"]
