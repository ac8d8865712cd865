"""File ▸ Export tags… / Import tags… and Reels ▸ Export as timeline… on the demo case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import opentimelineio as otio
import pympi
import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.gui.interchange_menu import EXPORT_FILTERS, TIER_CHOICES
from vigstudio.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo: Path) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_project(demo)
    yield w
    w.close_project()


def _menu_texts(window: MainWindow, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a.text() for a in menu.actions()]


def test_the_menus_offer_interchange(window: MainWindow) -> None:
    assert {"E&xport tags…", "&Import tags…"} <= set(_menu_texts(window, "&File"))
    assert "Export as &timeline (OpenTimelineIO)…" in _menu_texts(window, "&Reels")
    assert window.interchange.export_tags_action.isEnabled()
    assert window.interchange.export_timeline_action.isEnabled()


def test_export_tags_as_elan_per_principle(window: MainWindow, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tags.eaf"
    elan = next(f for f, fmt in EXPORT_FILTERS.items() if fmt == "eaf")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), elan))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (TIER_CHOICES[1], True))
    window.interchange.export_tags_action.trigger()
    eaf = pympi.Elan.Eaf(str(target))
    assert "Receiving initiatives" in eaf.get_tier_names()
    assert "Tags exported" in window.statusBar().currentMessage()


def test_import_tags_reports_and_undoes_in_one_step(window: MainWindow, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    session, rec = window.session, window.recording_id
    assert session is not None and rec is not None
    table = tmp_path / "tags.csv"
    spreadsheet = next(f for f, fmt in EXPORT_FILTERS.items() if fmt == "xlsx-csv")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(table), spreadsheet))
    window.interchange.export_tags_action.trigger()
    moments = session.moments(rec)
    session.delete_annotations(moments=[m.id or 0 for m in moments[:2]])
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(table), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    window.interchange.import_tags_action.trigger()
    assert shown and shown[0].startswith("Imported from tags.csv: 2 moments, 0 clips")
    assert len(session.moments(rec)) == len(moments)
    assert window.undo_action.text() == "&Undo Import tags from tags.csv"
    window.undo_action.trigger()
    assert len(session.moments(rec)) == len(moments) - 2


def test_export_the_current_reel_as_a_timeline(window: MainWindow, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.session is not None
    reel = window.session.reels()[0]
    target = tmp_path / "reel.otio"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.interchange.export_timeline_action.trigger()
    timeline = otio.adapters.read_from_file(str(target))
    assert timeline.name == reel.name
    freezes = sum(1 for item in reel.items if item.freeze_last > 0)  # a held last frame each
    assert len(timeline.tracks[0]) == len(reel.items) + freezes
