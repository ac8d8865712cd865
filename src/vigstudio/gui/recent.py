"""The recent case projects list (paths only), kept in the per-user Qt settings.

Set ``VIGSTUDIO_NO_RECENT=1`` to keep no list at all (see docs/PRIVACY.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10
_KEY = "recent/projects"


def _enabled() -> bool:
    return os.environ.get("VIGSTUDIO_NO_RECENT", "") not in ("1", "true", "yes")


def _settings() -> QSettings:
    return QSettings("VIG Studio", "VIG Studio")


def recent_projects() -> list[Path]:
    """Recent projects that still exist, newest first."""
    if not _enabled():
        return []
    value = _settings().value(_KEY, [])
    paths = [value] if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]
    return [Path(p) for p in paths if Path(p).exists()]


def remember(path: Path) -> None:
    if not _enabled():
        return
    text = str(path.resolve())
    paths = [str(p) for p in recent_projects() if str(p) != text]
    _settings().setValue(_KEY, [text, *paths][:MAX_RECENT])


def clear() -> None:
    _settings().remove(_KEY)


def forget(path: Path) -> None:
    """Take one project off the list (an erased case leaves no trace of its name here)."""
    if not _enabled():
        return
    text = str(path.resolve())
    value = _settings().value(_KEY, [])
    paths = [value] if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]
    _settings().setValue(_KEY, [p for p in paths if p != text])
