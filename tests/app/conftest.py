"""A case session on a real project file in tmp_path, with a recording that needs no media."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from vigstudio.app import CaseSession
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording
from vigstudio.domain.project import Role
from vigstudio.domain.time import FrameRate


def fake_recording(frames: int = 250, path: str = "media/family.mp4") -> Recording:
    info = MediaInfo(container="mp4", video_codec="h264", width=640, height=360, rotation=0,
                     frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                     frame_count=frames, duration=Fraction(frames, 25),
                     time_base=Fraction(1, 12800), start_pts=0, audio_codec="aac",
                     audio_sample_rate=48000, audio_channels=1)
    return Recording(path, Fingerprint(1234, "a" * 64, "b" * 64), info)


@pytest.fixture(name="fake_recording")
def fake_recording_factory() -> Callable[..., Recording]:
    return fake_recording


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CaseSession]:
    s = CaseSession.create(tmp_path / "case.vigproj", "Family Test")
    yield s
    s.close()


@pytest.fixture
def rec(session: CaseSession) -> Recording:
    return session.add_recording(fake_recording())


@pytest.fixture
def people(session: CaseSession) -> tuple[int, int]:
    child = session.add_participant("Sam", Role.PERSON)
    parent = session.add_participant("Alex", Role.PARTNER)
    assert child.id is not None and parent.id is not None
    return child.id, parent.id
