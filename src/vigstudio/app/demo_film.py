"""The demo case's pieces that live below app, offered to ``vigstudio.demo`` through the one
door: the demo film (drawn by ``media.demo_media``) and removing a half-built project file
with its lock file (``storage.locking``)."""

from __future__ import annotations

from pathlib import Path

from vigstudio.media.demo_media import make_demo_recording
from vigstudio.storage.locking import lock_path_for

__all__ = ["make_demo_film", "remove_project_file"]


def make_demo_film(path: Path, *, seconds: int, barcode: bool = False) -> Path:
    """The demo 'family film' (see :func:`vigstudio.media.demo_media.make_demo_recording`)."""
    return make_demo_recording(path, seconds=seconds, barcode=barcode)


def remove_project_file(project: Path) -> None:
    """Remove a project file no one has open (one that was being built) and its lock file."""
    project.unlink(missing_ok=True)
    lock_path_for(project).unlink(missing_ok=True)
