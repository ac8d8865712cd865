"""Adding recordings through the job service (gui/files/adding.py, app/importing.py): the
probe and the copy run on a job's thread while the window keeps working; Cancel stops the
batch, adds nothing and takes back the copies it made; closing the case mid-batch too.

The slow step is made slow on purpose: the real probe (or copy) waits on an Event the test
releases, so the test knows the job is in the middle of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from vigstudio.app import probing
from vigstudio.app.edits_media import MediaPlacer
from vigstudio.domain.media import Fingerprint
from vigstudio.gui.files.adding import CANCELLED, RecordingAdder
from vigstudio.gui.main_window import MainWindow
from vigstudio.testing.synth import make_barcode_video

WAIT = 30.0  # seconds a blocked step waits at most (a failing test must not hang)


@pytest.fixture
def window(qtbot: QtBot, demo: Path) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    assert w.open_project(demo)
    yield w
    w.close_project()


@pytest.fixture
def films(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "camera"
    folder.mkdir()
    return [make_barcode_video(folder / f"{name}.mp4", width=160, height=96, frames=12,
                               audio=False) for name in ("first", "second")]


class Gate:
    """Wraps a slow step: each call records its thread, then waits for ``release``."""

    def __init__(self, step: Callable[..., Any]) -> None:
        self.step = step
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls: list[tuple[str, threading.Thread]] = []

    def __call__(self, path: Path, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((Path(path).name, threading.current_thread()))
        self.entered.set()
        self.release.wait(WAIT)
        return self.step(path, *args, **kwargs)


def answer(monkeypatch: pytest.MonkeyPatch, copy: bool) -> list[str]:
    """Answer the copy question; collect every message box's text."""
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _p, _t, text, *a, **k: said.append("warning: " + text))
    reply = QMessageBox.StandardButton.Yes if copy else QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (
        said.append("question: " + text), reply)[1])
    return said


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def visible_progress(window: MainWindow) -> list[QProgressDialog]:
    return [d for d in window.findChildren(QProgressDialog) if d.isVisible()]


def cancel_button(adder: RecordingAdder) -> QPushButton:
    [button] = [b for b in adder.progress.findChildren(QPushButton) if b.text() == "Cancel"]
    return button


def test_the_window_keeps_working_while_a_slow_probe_runs(
        window: MainWindow, films: list[Path], qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate(probing.probe)
    monkeypatch.setattr(probing, "probe", gate)
    said = answer(monkeypatch, copy=False)
    assert window.session is not None
    before = len(window.session.recordings())
    ticks: list[int] = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)

    adder = window.add_recordings(films)
    assert adder is not None and adder.running
    qtbot.waitUntil(gate.entered.is_set, timeout=30_000)
    qtbot.waitUntil(adder.progress.isVisible, timeout=5_000)  # progress, with Cancel
    shown = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= shown + 10, timeout=5_000)  # events still flow
    assert "Checking first.mp4 (1 of 2)" in adder.progress.labelText()
    assert "Checking first.mp4" in window.statusBar().currentMessage()
    assert gate.calls[0][1] is not threading.main_thread()  # probed on a job's thread
    assert len(window.session.recordings()) == before  # nothing added yet
    assert window.add_recordings(films) is None  # one batch at a time

    gate.release.set()
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)
    timer.stop()
    assert [name for name, _thread in gate.calls] == ["first.mp4", "second.mp4"]
    assert said == ["question: Copy the 2 recording(s) into the case folder (media/ beside "
                    "the project file)?\n\nCopying keeps the case self-contained, e.g. on an "
                    "encrypted USB stick. Otherwise the case refers to the files where they "
                    "are."]
    recordings = window.session.recordings()
    assert len(recordings) == before + 2 and adder.added == [r.id for r in recordings[-2:]]
    assert [Path(r.path).name for r in recordings[-2:]] == ["first.mp4", "second.mp4"]
    assert window.recording_id == recordings[-1].id  # the window shows the last one added
    assert window.statusBar().currentMessage() == "Added 2 recording(s)."
    assert window.adding is None and not visible_progress(window)
    assert window.session.undo_label == "Import second.mp4"  # each is its own undo step


def test_cancel_while_checking_adds_nothing(
        window: MainWindow, films: list[Path], qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate(probing.probe)
    monkeypatch.setattr(probing, "probe", gate)
    said = answer(monkeypatch, copy=True)
    assert window.session is not None
    before = window.session.recordings()

    adder = window.add_recordings(films)
    assert adder is not None
    qtbot.waitUntil(gate.entered.is_set, timeout=30_000)
    qtbot.waitUntil(adder.progress.isVisible, timeout=5_000)
    qtbot.mouseClick(cancel_button(adder), Qt.MouseButton.LeftButton)
    assert adder.progress.labelText() == "Cancelling …"
    gate.release.set()  # the file being probed finishes; the next one is never started
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)

    assert adder.added == [] and window.session.recordings() == before
    assert [name for name, _thread in gate.calls] == ["first.mp4"]
    assert said == []  # no question asked, no warning
    assert window.statusBar().currentMessage() == CANCELLED
    assert not (window.session.folder / "media" / "first.mp4").exists()


def test_cancel_while_copying_takes_the_copies_back(
        window: MainWindow, films: list[Path], qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_place = MediaPlacer.place

    def place_then_wait(placer: MediaPlacer, media: Path, print_: Fingerprint,
                        ) -> tuple[Path, bool]:
        placed = real_place(placer, media, print_)
        gate(media)  # the copy exists: wait here until the test has pressed Cancel
        return placed

    gate = Gate(lambda media: media)
    monkeypatch.setattr(MediaPlacer, "place", place_then_wait)
    answer(monkeypatch, copy=True)
    assert window.session is not None
    media = window.session.folder / "media"
    before_files = files_in(media)
    before = window.session.recordings()

    adder = window.add_recordings(films)
    assert adder is not None
    qtbot.waitUntil(gate.entered.is_set, timeout=30_000)
    assert (media / "first.mp4").is_file()  # copied, and the job is not done yet
    qtbot.waitUntil(adder.progress.isVisible, timeout=5_000)
    qtbot.mouseClick(cancel_button(adder), Qt.MouseButton.LeftButton)
    gate.release.set()
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)

    assert adder.added == [] and window.session.recordings() == before
    assert files_in(media) == before_files  # the copy made for the batch is gone
    assert [name for name, _thread in gate.calls] == ["first.mp4"]  # second never copied


def test_refused_files_are_named_and_the_rest_is_added_by_copy(
        window: MainWindow, films: list[Path], qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    said = answer(monkeypatch, copy=True)
    broken = tmp_path / "camera" / "broken.mp4"
    broken.write_bytes(b"not a film")
    assert window.session is not None
    adder = window.add_recordings([broken, films[0]])
    assert adder is not None
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)
    assert said[0].startswith("warning: These files were not added:\n\nbroken.mp4: ")
    assert said[1].startswith("question: Copy the 1 recording(s)")
    [rec] = [window.session.recording(i) for i in adder.added or []]
    assert rec.path == "media/first.mp4"  # copied into the case, kept relative
    assert (window.session.folder / "media" / "first.mp4").is_file()


def test_closing_the_case_mid_batch_stops_it(
        window: MainWindow, films: list[Path], qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate(probing.probe)
    monkeypatch.setattr(probing, "probe", gate)
    said = answer(monkeypatch, copy=False)
    project = window.session.path if window.session else None
    adder = window.add_recordings(films)
    assert adder is not None and project is not None
    qtbot.waitUntil(gate.entered.is_set, timeout=30_000)
    threading.Timer(0.2, gate.release.set).start()  # the probe under way ends
    window.close_project()  # cancels the batch and waits for its job
    assert window.session is None and window.adding is None
    assert adder.added == [] and said == []
    qtbot.wait(50)  # nothing left to arrive on the main thread
    assert window.open_project(project) and window.session is not None
    assert {Path(r.path).name for r in window.session.recordings()}.isdisjoint(
        {"first.mp4", "second.mp4"})


def test_undoing_the_import_of_the_recording_on_screen_moves_the_window_on(
        window: MainWindow, films: list[Path], qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    said = answer(monkeypatch, copy=False)
    session = window.session
    assert session is not None
    before = window.recording_id
    adder = window.add_recordings([films[0]])
    assert adder is not None
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)
    [added] = adder.added or []
    assert window.recording_id == added  # the new recording is on screen
    window.undo()
    assert not [s for s in said if s.startswith("warning")]
    assert added not in [r.id for r in session.recordings()]
    assert window.recording_id == before  # back on a recording that exists
    assert window.timeline is not None and window.timeline.recording_id == before
    window.redo()
    assert added in [r.id for r in session.recordings()]


def test_undoing_the_only_recording_leaves_an_empty_window(
        qtbot: QtBot, films: list[Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.app import CaseSession

    CaseSession.create(tmp_path / "empty.vigproj", "Family E").close()
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(tmp_path / "empty.vigproj")
    said = answer(monkeypatch, copy=False)
    adder = w.add_recordings([films[1]])
    assert adder is not None
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)
    assert w.recording_id is not None and w.timeline is not None
    w.undo()
    assert not [s for s in said if s.startswith("warning")]
    assert w.recording_id is None and w.timeline is None
    w.close_project()
