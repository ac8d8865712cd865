"""The case overview, the traject plan dialog and the editor's doors to the shared review,
on the real demo case project."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.gui.main_window import MainWindow
from vigstudio.gui.presenter.menus import present_from_editor
from vigstudio.gui.presenter.overview import (
    CaseOverviewDialog,
    TrajectPlanDialog,
    write_overview_page,
)
from vigstudio.media.playback import VlcBackend
from vigstudio.media.probe import probe_in_process

TODAY = dt.date(2026, 2, 1)


@pytest.fixture
def session(demo: Path) -> Iterator[CaseSession]:
    s = CaseSession.open(demo)
    yield s
    s.close()


def test_overview_shows_plan_progress_and_each_cycle(qtbot: QtBot,
                                                     session: CaseSession) -> None:
    dialog = CaseOverviewDialog(session, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    overview = dialog.overview
    [column] = overview.columns
    strengths: dict[tuple[int, int | None], int] = {}
    for m in session.moments():
        if m.valence is Valence.STRENGTH:
            strengths[(m.principle_id, m.participant_id)] = \
                strengths.get((m.principle_id, m.participant_id), 0) + 1
    assert column.chart.counts == strengths
    assert {p.pseudonym for p in column.chart.people} == {"Alex", "Sam"}
    assert overview.plan_panel is not None
    bars = overview.plan_panel.bars
    assert bars["Films"].text() == "1 of 3" and bars["Shared reviews"].text() == "1 of 3"
    # a new cycle appears beside the first as soon as it is added (change notices)
    session.add_cycle(2)
    assert len(dialog.overview.columns) == 2
    dialog.close()


def test_traject_plan_dialog_saves_one_undoable_edit(qtbot: QtBot,
                                                     session: CaseSession) -> None:
    dialog = TrajectPlanDialog(session)
    qtbot.addWidget(dialog)
    dialog.areas.setPlainText("Fun together\n\nWaiting for Sam")
    dialog.films.setValue(4)
    dialog._add_date("2026-13-01", "Film 4")  # not a date: refused, nothing saved
    before = session.traject_plan()
    dialog.save()
    assert "not a date" in dialog.error.text() and session.traject_plan() == before
    dialog.dates.removeRow(dialog.dates.rowCount() - 1)
    dialog._add_date("2026-05-04", "Film 4")
    dialog.save()
    plan = session.traject_plan()
    assert plan is not None and plan.areas == ("Fun together", "Waiting for Sam")
    assert plan.films == 4 and plan.planned[-1].what == "Film 4"
    assert session.undo_label == "Edit traject plan"


def test_overview_exports_a_page(session: CaseSession, tmp_path: Path) -> None:
    out = write_overview_page(session, tmp_path / "overview.pdf", today=TODAY)
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True,
                          text=True).stdout
    for needle in ("Progress across cycles", "Traject plan", "Cycle 1",
                   "Waiting for Sam's turn", "Wait for Sam's turn at mealtimes too."):
        assert needle in text, needle


def test_f5_presents_the_reel_and_escape_returns_to_the_editor(qtbot: QtBot,
                                                               demo: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(demo, check_location=False)
    texts = [a.text() for a in window.view_menu.actions()]
    assert "&Present reel…" in texts
    present = next(a for a in window.view_menu.actions() if a.text() == "&Present reel…")
    assert present.shortcut().toString() == "F5"
    assert any(a.text() == "Case &overview…" for a in window.case_menu.actions())
    player = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                              probe=probe_in_process)
    try:
        presenter = present_from_editor(window, player=player)
        assert presenter is not None
        qtbot.waitExposed(presenter)
        assert not window.isVisible()  # nothing of the editor on screen
        assert presenter.presentation.reel.name == "Cycle 1 feedback"
        assert not presenter.findChildren(QMenu)
        QTest.keyClick(presenter, Qt.Key.Key_Escape)
        assert window.isVisible() and not presenter.isVisible()
    finally:
        player.close()
        window.close_project()


def test_present_command_refuses_clearly(demo: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from vigstudio.cli import main

    assert main(["present", str(demo), "--reel", "No such reel"]) == 2
    assert "no reel called 'No such reel'" in capsys.readouterr().err
    assert main(["present", str(demo), "--reel", "Cycle 1 feedback", "--screen", "5"]) == 2
    assert "there is no screen 5" in capsys.readouterr().err
