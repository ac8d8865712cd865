"""The recent case projects list (paths only), kept in the per-user Qt settings, and for each
listed project the recording last worked on (its number in the project), so reopening a case
goes back to it.

Set ``VIGSTUDIO_NO_RECENT=1``, or turn the list off in Preferences, to keep no list at all
(see docs/PRIVACY.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10
_KEY = "recent/projects"
_LAST = "recent/last_recording"


def _enabled() -> bool:
    if os.environ.get("VIGSTUDIO_NO_RECENT", "") in ("1", "true", "yes"):
        return False
    from vigstudio.gui.preferences import current

    return current().keep_recent


def _settings() -> QSettings:
    return QSettings("VIG Studio", "VIG Studio")


def _paths(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or []]  # type: ignore[attr-defined]


def recent_projects() -> list[Path]:
    """Recent projects that still exist, newest first."""
    if not _enabled():
        return []
    return [Path(p) for p in _paths(_settings().value(_KEY, [])) if Path(p).exists()]


def remember(path: Path) -> None:
    if not _enabled():
        return
    text = str(path.resolve())
    paths = [str(p) for p in recent_projects() if str(p) != text]
    kept = [text, *paths][:MAX_RECENT]
    settings = _settings()
    settings.setValue(_KEY, kept)
    last = _last_map(settings)
    settings.setValue(_LAST, [f"{k}\t{v}" for k, v in last.items() if k in kept])


def _last_map(settings: QSettings) -> dict[str, int]:
    found: dict[str, int] = {}
    for entry in _paths(settings.value(_LAST, [])):
        path, _, number = entry.rpartition("\t")
        if path and number.isdigit():
            found[path] = int(number)
    return found


def remember_recording(path: Path, recording_id: int) -> None:
    """Note the recording last shown for a project on the recent list."""
    if not _enabled():
        return
    settings = _settings()
    text = str(path.resolve())
    if text not in _paths(settings.value(_KEY, [])):
        return
    last = _last_map(settings)
    last[text] = recording_id
    settings.setValue(_LAST, [f"{k}\t{v}" for k, v in last.items()])


def last_recording(path: Path) -> int | None:
    """The recording last shown for this project, if the recent list knows it."""
    if not _enabled():
        return None
    return _last_map(_settings()).get(str(path.resolve()))


def clear() -> None:
    settings = _settings()
    settings.remove(_KEY)
    settings.remove(_LAST)


def forget(path: Path) -> None:
    """Take one project off the list, and its last-shown recording (an erased case leaves no
    trace of its name here)."""
    if not _enabled():
        return
    text = str(path.resolve())
    settings = _settings()
    paths = _paths(settings.value(_KEY, []))
    settings.setValue(_KEY, [p for p in paths if p != text])
    last = _last_map(settings)
    settings.setValue(_LAST, [f"{k}\t{v}" for k, v in last.items() if k != text])
