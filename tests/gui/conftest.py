"""Shared GUI fixtures: a real case session on a project file, with one offline recording.

The recording's file does not exist: the player's frame clock and the timeline work without
it, so these tests need no media and no libVLC. A module sets its recording's length by
defining its own ``frames`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.project import Role
from vigstudio.domain.time import FrameRate


def offline_recording(frames: int) -> Recording:
    """A 25 fps, 640×360 recording with audio whose media file is missing."""
    info = MediaInfo(container="mp4", video_codec="h264", width=640, height=360, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=frames, duration=Fraction(frames, 25),
                     time_base=Fraction(1, 12800), start_pts=0, audio_codec="aac",
                     audio_sample_rate=48000, audio_channels=1)
    return Recording("media/family.mp4", Fingerprint(1234, "a" * 64, "b" * 64), info)


@pytest.fixture
def frames() -> int:
    return 1000


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CaseSession]:
    s = CaseSession.create(tmp_path / "case.vigproj", "Family Test")
    s.add_participant("Sam", Role.PERSON)
    s.add_participant("Alex", Role.PARTNER)
    yield s
    s.close()


@pytest.fixture
def rec_id(session: CaseSession, frames: int) -> int:
    rec = session.add_recording(offline_recording(frames))
    assert rec.id is not None
    return rec.id


@pytest.fixture
def player(session: CaseSession, rec_id: int) -> Iterator[PlayerController]:
    p = PlayerController()
    p.load(session.media_path(rec_id), session.recording(rec_id).info)
    yield p
    p.close()


@pytest.fixture(autouse=True)
def user_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each GUI test gets its own empty per-user Qt settings (preferences, recent list)."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
