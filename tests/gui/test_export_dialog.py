"""The export dialog runs the real export on a worker thread, with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.app.session import CaseSession
from vigstudio.gui.reels.export_dialog import ExportDialog, ExportKind


@pytest.fixture
def session(demo: Path) -> Iterator[CaseSession]:
    s = CaseSession.open(demo)
    yield s
    s.close()


def _dialog(qtbot: QtBot, session: CaseSession, kind: ExportKind, target: Path) -> ExportDialog:
    dialog = ExportDialog(session, session.reels()[0].id or 0)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind.value))
    dialog.target.setText(str(target))
    return dialog


def test_default_target_is_in_the_case_folder(qtbot: QtBot, session: CaseSession) -> None:
    dialog = ExportDialog(session, session.reels()[0].id or 0)
    qtbot.addWidget(dialog)
    assert Path(dialog.target.text()).parent == session.folder / "exports"
    assert Path(dialog.target.text()).suffix == ".mp4"


def test_video_export_with_progress(qtbot: QtBot, session: CaseSession, tmp_path: Path) -> None:
    out = tmp_path / "reel.mp4"
    dialog = _dialog(qtbot, session, ExportKind.VIDEO, out)
    dialog.size_box.setCurrentIndex(dialog.size_box.findData(480))
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.start()
    assert dialog.running
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert out.exists(), dialog.result_message
    assert dialog.result_message.startswith("Exported reel.mp4")
    assert seen and seen[-1] == 1000 and len(seen) > 2


def test_cancel_leaves_nothing(qtbot: QtBot, session: CaseSession, tmp_path: Path) -> None:
    out = tmp_path / "reel.mp4"
    dialog = _dialog(qtbot, session, ExportKind.VIDEO, out)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert "cancelled" in dialog.result_message
    assert list(tmp_path.iterdir()) == [tmp_path / "demo"]


def test_existing_file_is_kept_unless_the_user_agrees(
        qtbot: QtBot, session: CaseSession, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"keep me")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = _dialog(qtbot, session, ExportKind.SHEET, out)
    dialog.start()
    assert out.read_bytes() == b"keep me"
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert out.read_bytes().startswith(b"%PDF")


def test_stills_export(qtbot: QtBot, session: CaseSession, tmp_path: Path) -> None:
    folder = tmp_path / "stills"
    dialog = _dialog(qtbot, session, ExportKind.STILLS, folder)
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert sorted(p.suffix for p in folder.iterdir()) == [".png", ".png"]
    assert "2 stills" in dialog.result_message


@pytest.mark.parametrize("kind", list(ExportKind))
def test_the_dialog_refuses_targets_the_case_owns(qtbot: QtBot, session: CaseSession,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  kind: ExportKind) -> None:
    """Chosen in the save dialog and confirmed "Replace?": the project file, a link to it or
    a film is still never written over (THREAT_MODEL.md T1)."""
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    film = session.media_path(session.recordings()[0].id or 0)
    link = tmp_path / "shortcut.pdf"
    link.symlink_to(session.path)
    for target in (session.path, link, film):
        before = target.read_bytes()
        dialog = _dialog(qtbot, session, kind, target)
        dialog.start()
        qtbot.waitUntil(lambda d=dialog: not d.running, timeout=30_000)
        assert "never" in dialog.result_message or "not a folder" in dialog.result_message \
            or "media folder" in dialog.result_message, dialog.result_message
        assert target.read_bytes() == before


def test_stills_and_the_sheet_are_made_by_a_job(
        qtbot: QtBot, session: CaseSession, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.media import stills  # the app imports it when a sheet is made

    decoded_on: list[threading.Thread] = []
    real = stills.still_rgb
    monkeypatch.setattr(stills, "still_rgb", lambda *a, **k: (
        decoded_on.append(threading.current_thread()), real(*a, **k))[1])
    out = tmp_path / "sheet.pdf"
    dialog = _dialog(qtbot, session, ExportKind.SHEET, out)
    dialog.start()
    assert dialog.running and not out.exists()  # start() returned; the job decodes
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert out.read_bytes().startswith(b"%PDF")
    assert decoded_on and threading.main_thread() not in decoded_on
    assert session.export_log()[-1].what == "feedback sheet"


def test_cancelled_stills_write_nothing_and_log_nothing(
        qtbot: QtBot, session: CaseSession, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.media import stills  # the app imports it when stills are exported

    entered, release = threading.Event(), threading.Event()
    real = stills.export_stills

    def slow(*args: object, **kwargs: object) -> list[Path]:
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stills, "export_stills", slow)
    logged = len(session.export_log())
    folder = tmp_path / "stills"
    dialog = _dialog(qtbot, session, ExportKind.STILLS, folder)
    dialog.start()
    assert entered.wait(30)
    dialog.cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert "cancelled" in dialog.result_message
    assert not folder.exists() or not list(folder.iterdir())
    assert len(session.export_log()) == logged
