"""The reel editor and the reel preview, on real widgets, a real project and real libVLC."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.reels import ItemKind
from vigstudio.gui.player.widget import PlayerWidget
from vigstudio.gui.reels.panel import NewReelForm, ReelsPanel
from vigstudio.gui.reels.preview import ReelPreview
from vigstudio.testing.synth import make_barcode_video


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_barcode_video(tmp_path_factory.mktemp("film") / "film.mp4", width=320,
                              height=180, frames=60, gop=25)


@pytest.fixture
def session(tmp_path: Path, film: Path) -> Iterator[CaseSession]:
    s = CaseSession.create(tmp_path / "case.vigproj", "Family P")
    rec = s.import_recording(film)
    assert rec.id is not None
    s.add_clip(rec.id, 10, 20, title="First turn")
    s.add_clip(rec.id, 30, 36, title="Second turn")
    s.add_still(rec.id, 45, caption="Smile")
    s.add_cycle(1)
    yield s
    s.close()


@pytest.fixture
def player(session: CaseSession) -> Iterator[PlayerController]:
    p = PlayerController()
    rec = session.recordings()[0]
    assert rec.id is not None
    p.load(session.media_path(rec.id), rec.info)
    yield p
    p.close()


@pytest.fixture
def panel(qtbot: QtBot, session: CaseSession, player: PlayerController,
          monkeypatch: pytest.MonkeyPatch) -> ReelsPanel:
    def fill_in(form: NewReelForm) -> QDialog.DialogCode:
        form.name.setText("Cycle 1 reel")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewReelForm, "exec", fill_in)
    w = ReelsPanel(session, player)
    qtbot.addWidget(w)
    w.new_reel()
    return w


def test_build_a_reel_through_the_panel(panel: ReelsPanel, session: CaseSession,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    clips, still = session.clips(), session.stills()[0]
    panel._add(ItemKind.CLIP, clips[1].id)
    panel.items.setCurrentRow(-1)
    panel._add(ItemKind.CLIP, clips[0].id)
    panel._add(ItemKind.STILL, still.id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("We have fun", True))
    panel.items.setCurrentRow(-1)
    panel._add_title()
    reel = session.reels()[0]
    assert [i.kind for i in reel.items] == [ItemKind.CLIP, ItemKind.CLIP, ItemKind.STILL,
                                            ItemKind.TITLE]
    assert panel.items.count() == 4
    # settings of the clip item through its widgets
    panel.items.setCurrentRow(0)
    panel.caption.setText("What did you do there?")
    panel.caption.editingFinished.emit()
    panel.speed.setCurrentIndex(1)
    panel.speed.activated.emit(panel.speed.currentIndex())
    panel.burn.click()
    item = session.reels()[0].items[0]
    assert (item.caption, item.speed, item.burn_caption) == ("What did you do there?",
                                                              Fraction(1, 2), True)
    assert "slow 1/2×" in panel.items.item(0).text()
    # reorder by keys, undo by the session
    panel.move_current(1)
    assert session.reels()[0].items[1].clip_id == clips[1].id
    assert panel.items.currentRow() == 1
    session.undo()
    assert session.reels()[0].items[0].clip_id == clips[1].id
    # the reel belongs to a cycle
    panel.cycle_box.setCurrentIndex(1)
    panel.cycle_box.activated.emit(1)
    assert session.reels()[0].cycle_id == session.cycles()[0].id


def test_drag_reorder_is_one_edit(panel: ReelsPanel, session: CaseSession) -> None:
    for clip in session.clips():
        panel.items.setCurrentRow(-1)
        panel._add(ItemKind.CLIP, clip.id)
    panel._moved(0, 1)
    assert [i.clip_id for i in session.reels()[0].items] == [c.id for c in
                                                              reversed(session.clips())]
    assert session.undo_label == "Reorder reel"


def test_preview_plays_every_item_in_order(qtbot: QtBot, panel: ReelsPanel,
                                           session: CaseSession,
                                           player: PlayerController) -> None:
    clips, still = session.clips(), session.stills()[0]
    reel = session.reels()[0]
    assert reel.id is not None
    session.add_title_card(reel.id, "Fun together", hold=Fraction(1, 5))
    session.add_clip_to_reel(reel.id, clips[0].id or 0)
    item = session.add_still_to_reel(reel.id, still.id or 0)
    session.update_reel_item(reel.id, item.id or 0, hold=Fraction(1, 5))
    session.add_clip_to_reel(reel.id, clips[1].id or 0)
    widget = PlayerWidget(player)
    qtbot.addWidget(widget)
    host = QWidget()
    qtbot.addWidget(host)
    shown: list[int] = []
    preview = ReelPreview(session, player, widget, lambda _rid: None, host)
    preview.itemStarted.connect(shown.append)
    ends: list[int] = []
    player.subscribe_state(lambda: ends.append(player.position)
                           if not player.is_playing else None)
    with qtbot.waitSignal(preview.finished, timeout=30_000):
        preview.start(reel.id)
    assert shown == [0, 1, 2, 3]
    assert clips[0].range.last in ends and player.position == clips[1].range.last
    preview.close()
