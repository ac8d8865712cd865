"""The supervision package is written by a job (gui/case_record/supervision.py with
app/supervision.py): the dialog stays responsive with a progress bar, Cancel stops the
export and leaves nothing behind, and the export log is written on the main thread.

The export is held in the middle: the real export waits on an Event the test releases.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from vigstudio.app import supervision
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.domain.media import RecordingKind
from vigstudio.gui.case_record.supervision import CANCELLED, SupervisionDialog
from vigstudio.testing.synth import make_barcode_video

WAIT = 30.0


@pytest.fixture
def session(demo: Path) -> Iterator[CaseSession]:
    s = CaseSession.open(demo)
    yield s
    s.close()


@pytest.fixture
def dialog(qtbot: QtBot, session: CaseSession, tmp_path: Path) -> SupervisionDialog:
    """A filmed shared review with one working point (nothing to override)."""
    film = make_barcode_video(tmp_path / "review.mp4", frames=30, width=160, height=96,
                              audio=False)
    review = session.shared_reviews()[0]
    rec = session.import_recording(film, kind=RecordingKind.SHARED_REVIEW,
                                   cycle_id=review.cycle_id)
    session.update_shared_review(replace(review, recording_id=rec.id))
    jo = session.participant_by_name("Jo").id
    session.add_moment(rec.id or 0, 20, "guiding", participant_id=jo,
                       valence=Valence.WORKING_POINT, note="Wait longer")
    d = SupervisionDialog(session, review.id or 0)
    qtbot.addWidget(d)
    d.target.setText(str(tmp_path / "package"))
    d.show()
    return d


class HeldExport:
    """The real export, started only when the test releases it (its cancel flag is seen)."""

    def __init__(self) -> None:
        self.real = supervision.export_reel
        self.entered = threading.Event()
        self.release = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.thread = threading.current_thread()
        self.entered.set()
        self.release.wait(WAIT)
        return self.real(*args, **kwargs)


def test_the_package_is_written_by_a_job_while_the_dialog_stays_responsive(
        dialog: SupervisionDialog, session: CaseSession, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    held = HeldExport()
    monkeypatch.setattr(supervision, "export_reel", held)
    ticks: list[int] = []
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    dialog.start()
    assert dialog.running
    qtbot.waitUntil(held.entered.is_set, timeout=10_000)
    seen = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= seen + 10, timeout=5_000)  # events still flow
    assert held.thread is not threading.main_thread()
    assert dialog.progress.isVisible() and not dialog.export_button.isEnabled()
    assert dialog.close_button.text() == "Cancel"
    assert session.export_log() == []  # logged only once the files are written
    held.release.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    timer.stop()
    assert dialog.result_message.startswith("Exported"), dialog.result_message
    folder = tmp_path / "package"
    assert sorted(p.name for p in folder.iterdir()) == ["reflection.txt", "supervision.mp4"]
    [entry] = session.export_log()
    assert entry.what == "supervision package"
    assert not dialog.progress.isVisible() and dialog.close_button.text() == "Close"


def test_cancel_stops_the_export_and_writes_nothing(
        dialog: SupervisionDialog, session: CaseSession, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    held = HeldExport()
    monkeypatch.setattr(supervision, "export_reel", held)
    dialog.start()
    qtbot.waitUntil(held.entered.is_set, timeout=10_000)
    dialog.close_button.click()  # "Cancel" while it runs
    assert dialog.status.text() == "Cancelling…" and dialog.isVisible()
    held.release.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert dialog.result_message == CANCELLED
    folder = tmp_path / "package"
    assert not folder.exists() or list(folder.iterdir()) == []  # not even the reflection
    assert session.export_log() == []
    assert dialog.export_button.isEnabled() and dialog.close_button.text() == "Close"


def test_closing_the_dialog_mid_export_stops_it(
        dialog: SupervisionDialog, session: CaseSession, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    held = HeldExport()
    monkeypatch.setattr(supervision, "export_reel", held)
    dialog.start()
    qtbot.waitUntil(held.entered.is_set, timeout=10_000)
    threading.Timer(0.2, held.release.set).start()
    dialog.reject()  # cancels and waits for the job
    assert not dialog.running and dialog.result_message == CANCELLED
    folder = tmp_path / "package"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert session.export_log() == []
