"""The list panel and the timeline stay in step; filters, search, counts; clicks seek."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.gui.annotations.list_panel import AnnotationList
from vigstudio.gui.timeline import TimelineView


@pytest.fixture
def panels(qtbot: QtBot, session: CaseSession, player: PlayerController, rec_id: int
           ) -> Iterator[tuple[TimelineView, AnnotationList]]:
    host = QWidget()
    qtbot.addWidget(host)
    timeline = TimelineView(session, player, rec_id, parent=host)
    listing = AnnotationList(session, player, rec_id, timeline.selection, host)
    layout = QVBoxLayout(host)
    layout.addWidget(timeline)
    layout.addWidget(listing)
    host.resize(1000, 800)
    host.show()
    qtbot.waitExposed(host)
    yield timeline, listing
    del host


def test_list_and_timeline_stay_in_step(panels: tuple[TimelineView, AnnotationList],
                                        session: CaseSession, player: PlayerController,
                                        rec_id: int) -> None:
    timeline, listing = panels
    sam = session.participant_by_name("Sam").id
    alex = session.participant_by_name("Alex").id
    m1 = session.add_moment(rec_id, 300, "receiving", participant_id=sam, note="eye contact")
    m2 = session.add_moment(rec_id, 120, "attentive", participant_id=alex,
                            valence=Valence.WORKING_POINT)
    clip = session.add_clip(rec_id, 200, 260, title="Building the tower")
    still = session.add_still(rec_id, 310)
    assert listing.model.rowCount() == 4
    assert [listing.model.text(i, 1) for i in range(4)] == ["120", "200–259", "300", "310"]
    assert len(timeline.canvas.data.moment_frames) == 2
    # clicking an entry seeks and selects it; the timeline shows the same selection
    rect = listing.view.visualRect(listing.model.index(2, 1))
    QTest.mouseClick(listing.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())
    assert player.position == 300
    assert timeline.selection.moments == {m1.id}
    assert timeline.canvas.state.selected_moments == {m1.id}
    # selecting on the timeline highlights the entry in the list
    assert clip.id is not None and still.id is not None
    timeline.selection.set(clips=[clip.id])
    assert [listing.model.text(r, 1) for r in listing.selected_rows()] == ["200–259"]
    # a delete (from anywhere) leaves both views in step, undo brings it back
    session.delete_annotations(moments=[m2.id or 0])
    assert listing.model.rowCount() == 3
    assert len(timeline.canvas.data.moment_frames) == 1
    session.undo()
    assert listing.model.rowCount() == 4
    assert list(timeline.canvas.data.moment_frames) == [120, 300]
    # an edit that changes the order moves the row; filters apply to edited entries
    assert m1.id is not None
    session.move_moment(m1.id, 5)
    assert [listing.model.text(i, 1) for i in range(4)] == ["5", "120", "200–259", "310"]
    listing.kind.setCurrentIndex(listing.kind.findData("clip"))
    session.set_clip_title(clip.id, "Tower")
    assert [listing.model.text(i, 3) for i in range(listing.model.rowCount())] == ["Tower"]
    session.update_moment(replace(session.moment(m1.id), note="changed"))
    assert listing.model.rowCount() == 1
    assert listing.summary.text().startswith("2 moments")


def test_filters_search_and_counts(panels: tuple[TimelineView, AnnotationList],
                                   session: CaseSession, rec_id: int) -> None:
    _timeline, listing = panels
    sam = session.participant_by_name("Sam").id
    alex = session.participant_by_name("Alex").id
    session.add_moment(rec_id, 10, "receiving", participant_id=sam, note="Smiles back")
    session.add_moment(rec_id, 20, "receiving", participant_id=alex)
    session.add_moment(rec_id, 30, "attentive", participant_id=sam)
    session.add_clip(rec_id, 5, 40, title="smiles at the table")
    listing.kind.setCurrentIndex(listing.kind.findData("moment"))
    assert listing.model.rowCount() == 3
    listing.principle.setCurrentIndex(
        listing.principle.findData(session.principle_by_code("receiving").id))
    assert listing.model.rowCount() == 2
    listing.participant.setCurrentIndex(listing.participant.findData(sam))
    assert [e.frame for e in listing.visible_entries()] == [10]
    listing.kind.setCurrentIndex(0)
    listing.principle.setCurrentIndex(0)
    listing.participant.setCurrentIndex(0)
    listing.search.setText("smiles")
    assert [e.kind for e in listing.visible_entries()] == ["clip", "moment"]
    text = listing.summary.text()
    assert text.startswith("3 moments")
    assert "Receiving initiatives: 2" in text and "Being attentive: 1" in text
    assert "Sam: 2" in text and "Alex: 1" in text
