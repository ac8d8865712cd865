"""One-key tagging, the codebook panel and the codebook editor, with real widgets and keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.domain.time import FrameRange
from vigstudio.gui.codebook.editor import CodebookEditor
from vigstudio.gui.codebook.panel import CodebookPanel
from vigstudio.gui.codebook.tagging import TaggingController
from vigstudio.gui.timeline import AnnotationSelection


@pytest.fixture
def frames() -> int:
    return 500


@pytest.fixture
def session(session: CaseSession) -> CaseSession:
    session.add_helping_question("Fun together without a row")
    return session


@pytest.fixture
def window(qtbot: QtBot, session: CaseSession, player: PlayerController, rec_id: int
           ) -> tuple[QWidget, TaggingController, CodebookPanel, AnnotationSelection]:
    host = QWidget()
    qtbot.addWidget(host)
    selection = AnnotationSelection(host)
    tagging = TaggingController(session, player, rec_id, selection, host)
    tagging.install_shortcuts(host)
    panel = CodebookPanel(session, tagging, selection, host)
    panel.resize(400, 600)
    host.resize(400, 600)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    return host, tagging, panel, selection


def test_principle_key_tags_the_displayed_frame_for_the_current_participant(
        window: tuple[QWidget, TaggingController, CodebookPanel, AnnotationSelection],
        session: CaseSession, player: PlayerController, rec_id: int) -> None:
    host, tagging, _panel, selection = window
    player.seek(137)
    QTest.keyClick(host, Qt.Key.Key_3)  # "Receiving initiatives" in the default codebook
    (moment,) = session.moments(rec_id)
    assert moment.frame == 137
    assert moment.principle_id == session.principle_by_code("receiving").id
    assert moment.participant_id == session.participant_by_name("Sam").id
    assert moment.valence is Valence.STRENGTH
    assert selection.moments == {moment.id}
    # Ctrl+2 switches to the second participant, W makes the next tag a working point
    QTest.keyClick(host, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(host, Qt.Key.Key_W)
    player.seek(138)
    QTest.keyClick(host, Qt.Key.Key_1)
    second = session.moments(rec_id)[-1]
    assert (second.frame, second.participant_id, second.valence) == (
        138, session.participant_by_name("Alex").id, Valence.WORKING_POINT)
    assert tagging.participant_id == session.participant_by_name("Alex").id
    session.undo()
    assert len(session.moments(rec_id)) == 1


def test_i_and_o_mark_a_clip_including_the_out_frame_and_s_grabs_a_still(
        window: tuple[QWidget, TaggingController, CodebookPanel, AnnotationSelection],
        session: CaseSession, player: PlayerController, rec_id: int) -> None:
    host, tagging, _panel, _selection = window
    QTest.keyClick(host, Qt.Key.Key_O)  # no in-mark yet: refused, nothing made
    assert session.clips(rec_id) == []
    player.seek(40)
    QTest.keyClick(host, Qt.Key.Key_I)
    assert tagging.mark_in == 40
    player.seek(64)
    QTest.keyClick(host, Qt.Key.Key_O)
    assert [c.range for c in session.clips(rec_id)] == [FrameRange(40, 65)]
    assert tagging.mark_in is None
    player.seek(50)
    QTest.keyClick(host, Qt.Key.Key_S)
    assert [s.frame for s in session.stills(rec_id)] == [50]


def test_shortcuts_follow_codebook_edits(
        window: tuple[QWidget, TaggingController, CodebookPanel, AnnotationSelection],
        session: CaseSession, player: PlayerController, rec_id: int) -> None:
    host, _tagging, panel, _selection = window
    receiving = session.principle_by_code("receiving")
    assert receiving.id is not None
    session.set_principle_shortcut(receiving.id, "r")
    player.seek(10)
    QTest.keyClick(host, Qt.Key.Key_R)
    assert [m.principle_id for m in session.moments(rec_id)] == [receiving.id]
    top = [panel.tree.topLevelItem(i).text(1) for i in range(panel.tree.topLevelItemCount())]
    assert "r" in top


def test_panel_tags_on_activation_and_edits_the_selected_moment(
        window: tuple[QWidget, TaggingController, CodebookPanel, AnnotationSelection],
        session: CaseSession, player: PlayerController, rec_id: int) -> None:
    _host, _tagging, panel, selection = window
    player.seek(77)
    behaviour_item = panel.tree.topLevelItem(2).child(1)
    panel.tree.itemActivated.emit(behaviour_item, 0)
    (moment,) = session.moments(rec_id)
    assert moment.frame == 77 and moment.behaviour_id is not None
    assert selection.moments == {moment.id}
    assert panel.moment_box.isEnabled()
    panel.note.setText("she looks up and he smiles back")
    panel.note.editingFinished.emit()
    panel.valence.setCurrentIndex(1)
    panel.valence.activated.emit(1)
    panel.question.setCurrentIndex(1)
    panel.question.activated.emit(1)
    assert moment.id is not None
    stored = session.moment(moment.id)
    assert stored.note == "she looks up and he smiles back"
    assert stored.valence is Valence.WORKING_POINT
    assert stored.helping_question_id == session.helping_questions()[0].id


def test_codebook_editor_add_rename_recolour_reorder_key_and_files(
        qtbot: QtBot, session: CaseSession, tmp_path: Path) -> None:
    editor = CodebookEditor(session)
    qtbot.addWidget(editor)
    added = editor.add_principle("Naming feelings")
    assert added is not None and added.code == "naming-feelings"
    editor.rename_current("Naming the feeling")
    editor.set_current_colour("#123456")
    editor.set_current_shortcut("n")
    editor.move_current(-1)
    p = session.principle_by_code("naming-feelings")
    assert (p.name, p.colour, p.shortcut) == ("Naming the feeling", "#123456", "n")
    assert [q.code for q in session.principles()].index("naming-feelings") == 5
    # a key already in use is refused with a message, nothing changes
    editor.set_current_shortcut("1")
    assert editor.error.text()
    assert session.principle_by_code("naming-feelings").shortcut == "n"
    out = tmp_path / "mine.json"
    assert editor.export_file(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["principles"][5]["name"] == "Naming the feeling"
    # Marte Meo-style codebook as a file: no code needed
    marte = {"format": "vigstudio-codebook", "version": 1, "name": "Marte Meo",
             "principles": [{"code": code, "name": name, "colour": "#336699", "shortcut": key}
                            for code, name, key in (("following", "Following", "f"),
                                                    ("naming", "Naming", "m"))]}
    (tmp_path / "mm.json").write_text(json.dumps(marte), encoding="utf-8")
    assert editor.import_file(tmp_path / "mm.json")
    assert [p.code for p in session.principles()] == ["following", "naming"]
    assert editor.list.count() == 2
    assert session.codebook().name == "Marte Meo"
    session.undo()
    assert editor.list.count() == 7


def test_a_new_controller_replaces_the_old_ones_shortcuts(
        qtbot: QtBot, session: CaseSession, player: PlayerController, rec_id: int) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    old = TaggingController(session, player, rec_id, parent=host)
    old.install_shortcuts(host)
    host.show()
    qtbot.waitExposed(host)
    old.deleteLater()
    qtbot.waitUntil(lambda: len(host.findChildren(QShortcut)) == 0)
    new = TaggingController(session, player, rec_id, parent=host)
    new.install_shortcuts(host)
    host.activateWindow()
    player.seek(5)
    QTest.keyClick(host, Qt.Key.Key_1)
    assert [m.frame for m in session.moments(rec_id)] == [5]
