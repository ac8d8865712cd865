"""Opening a case past its retention date says so and offers to erase it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.session import CaseSession
from vigstudio.gui.files import opening
from vigstudio.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    yield w
    w.close_project()


def _expire(project: Path) -> None:
    with CaseSession.open(project) as s:
        s.update_case(replace(s.case(), retention_until=dt.date.today() - dt.timedelta(days=1)))


def test_erase_on_opening_leaves_nothing(window: MainWindow, demo: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _expire(demo)
    asked: list[list[str]] = []
    told: list[str] = []

    def ask(_parent: QWidget, session: CaseSession, files: list[str]) -> str:
        asked.append(files)
        assert "ended on" in opening.retention_message(session.case())
        return "erase"

    monkeypatch.setattr(opening, "ask_about_retention", ask)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    assert not window.open_project(demo, check_location=False)
    assert any(f.endswith("demo-family-film.mp4") for f in asked[0])
    assert any(f.endswith("demo-family.vigproj") for f in asked[0])
    assert told and "complete" in told[0]
    assert list(demo.parent.iterdir()) == []
    assert window.session is None


def test_open_anyway_keeps_the_case(window: MainWindow, demo: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _expire(demo)
    monkeypatch.setattr(opening, "ask_about_retention", lambda *a: "open")
    assert window.open_project(demo, check_location=False)
    assert window.session is not None and demo.exists()
