"""The one time format of the panels (Preferences ▸ Show times as): frames, timecode or
clock time. Every panel names frames, ranges and lengths through :func:`labels_for`."""

from __future__ import annotations

from vigstudio.app.session import CaseSession
from vigstudio.app.timeline_geometry import TimeLabels, TimeStyle
from vigstudio.domain.media import MediaInfo
from vigstudio.gui import preferences


def style() -> TimeStyle:
    return preferences.current().time_style


def labels_of(info: MediaInfo) -> TimeLabels:
    return TimeLabels.of(info, style())


def labels_for(session: CaseSession, recording_id: int) -> TimeLabels:
    return labels_of(session.recording(recording_id).info)
