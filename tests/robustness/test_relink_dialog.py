"""The relink dialog with real files moved to another folder."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from vigstudio.app import CaseSession
from vigstudio.app.relink import needing_relink
from vigstudio.gui.files.relink_dialog import RelinkDialog


def test_search_a_folder_and_relink_all_found(
        qtbot: QtBot, moved: tuple[CaseSession, Path, list[int]]) -> None:
    session, usb, ids = moved
    dialog = RelinkDialog(session)
    qtbot.addWidget(dialog)
    assert dialog.has_offline and dialog.table.topLevelItemCount() == 3
    assert "3 recordings are not where" in dialog.intro.text()
    assert set(dialog.found_texts().values()) == {"not searched yet"}
    assert not dialog.relink_button.isEnabled()

    with qtbot.waitSignal(dialog.search_finished, timeout=20_000):
        dialog.search(usb)
    texts = dialog.found_texts()
    assert texts[ids[1]] == str(usb / "films" / "deep" / "renamed by the phone.mp4")
    assert "Found 3 of 3" in dialog.status.text()
    assert dialog.relink_button.isEnabled()

    with qtbot.waitSignal(dialog.relinked) as relinked:
        dialog.relink_button.click()
    assert relinked.args == [ids]
    assert needing_relink(session) == [] and dialog.table.topLevelItemCount() == 0
    assert "3 recordings found again" in dialog.status.text()
    assert "where it should be" in dialog.intro.text()
    assert session.undo_label == "Relink recordings"


def test_a_same_name_file_with_other_content_is_shown_as_refused(
        qtbot: QtBot, moved: tuple[CaseSession, Path, list[int]]) -> None:
    session, usb, ids = moved
    dialog = RelinkDialog(session)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.search_finished, timeout=20_000):
        dialog.search(usb / "other")
    texts = dialog.found_texts()
    assert texts[ids[1]].startswith("not found (a file with its name has other content)")
    assert texts[ids[0]] == "not found in this folder"
    assert "different content were not used" in dialog.status.text()
    row = next(dialog.table.topLevelItem(i) for i in range(3)
               if dialog.table.topLevelItem(i).text(1) == "visit-1.mp4")
    assert "not used" in row.toolTip(2)
    assert not dialog.relink_button.isEnabled()
    assert dialog.relink_all().relinked == []
    assert len(needing_relink(session)) == 3
