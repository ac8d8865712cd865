"""Adding recordings to a case: each file is checked first (what cannot be read is named and
left out), then the practitioner is asked once whether to copy the readable ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from vigstudio.app.session import CaseSession
from vigstudio.domain.media import MediaInfo
from vigstudio.errors import VigError

#: Every container FFmpeg reads that cameras, phones and old camcorders write.
MEDIA_EXTENSIONS = ("mp4", "m4v", "mov", "mkv", "webm", "avi", "wmv", "mpg", "mpeg", "mts",
                    "m2ts", "ts", "3gp", "3g2", "dv", "flv", "ogv", "vob", "mxf")
MEDIA_FILTER = ("Video files (" + " ".join(f"*.{e} *.{e.upper()}" for e in MEDIA_EXTENSIONS)
                + ");;All files (*)")


def add_recordings(session: CaseSession, parent: QWidget, files: list[Path],
                   status: Callable[[str], None]) -> list[int]:
    """Check, ask, add; returns the ids of the recordings added (``status`` shows progress)."""
    from vigstudio.app.probing import probe

    readable: dict[Path, MediaInfo] = {}
    problems: list[str] = []
    for path in files:
        status(f"Checking {path.name} …")
        try:
            readable[path] = probe(path)
        except VigError as exc:
            problems.append(f"{path.name}: {exc}")
    if problems:
        QMessageBox.warning(parent, "Some files cannot be added",
                            "These files were not added:\n\n" + "\n".join(problems))
    if not readable:
        status("")
        return []
    from vigstudio.gui.case_protection import copy_choice

    chosen = copy_choice(session, parent, len(readable))  # an encrypted case copies in
    copy = chosen if chosen is not None else QMessageBox.question(
        parent, "Add recordings",
        f"Copy the {len(readable)} recording(s) into the case folder (media/ beside the "
        "project file)?\n\nCopying keeps the case self-contained, e.g. on an encrypted "
        "USB stick. Otherwise the case refers to the files where they are.") == \
        QMessageBox.StandardButton.Yes
    added: list[int] = []
    failed: list[str] = []
    for path, info in readable.items():
        status(f"Adding {path.name} …")
        try:
            rec = session.import_recording(path, copy=copy, info=info)
        except VigError as exc:
            failed.append(f"{path.name}: {exc}")
            continue
        if rec.id is not None:
            added.append(rec.id)
    if failed:
        QMessageBox.warning(parent, "Some files could not be added",
                            "These files were not added:\n\n" + "\n".join(failed))
    status("")
    return added
