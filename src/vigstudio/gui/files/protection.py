"""What the window says and offers about recordings in an encrypted case.

* Adding recordings to an encrypted case copies them in, encrypted, without asking whether
  to copy (:func:`copy_choice`); the message says that the originals stay where they are,
  unprotected.
* Opening an encrypted case whose recordings are only referenced (a converted case, or added
  from the command line without copying) says plainly that those files are not protected and
  offers to copy them in (:func:`offer_copy_in`): each copy is a job (progress in the status
  bar), and each finished copy repoints its recording in one undoable edit.

The work is :mod:`vigstudio.app.case_media`; this module only asks and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from vigstudio.app.case_media import (
    COPIED_IN_NOTE,
    CopyPlan,
    encrypt_copy,
    plan_copy,
    unprotected_note,
    unprotected_recordings,
    use_copy,
)
from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError
from vigstudio.gui.jobs import JobRunner

__all__ = ["copy_choice", "offer_copy_in"]


def copy_choice(session: CaseSession, parent: QWidget, count: int) -> bool | None:
    """In an encrypted case: say that the recordings are copied in encrypted, return True.
    In a plain case: None (the caller asks as before)."""
    if session.media_key is None:
        return None
    QMessageBox.information(parent, "Add recordings", COPIED_IN_NOTE.format(count=count))
    return True


def offer_copy_in(parent: QWidget, session: CaseSession,
                  status: Callable[[str], None] | None = None,
                  on_copied: Callable[[int], None] | None = None) -> JobRunner | None:
    """Name the unprotected recordings of an encrypted case and offer to copy them in.

    Returns the runner of the copy jobs (kept by ``parent``), or None when nothing is done."""
    recordings = unprotected_recordings(session)
    if not recordings:
        return None
    names = "\n".join(f"• {r.display_title or Path(r.path).name}" for r in recordings[:12])
    more = f"\n… and {len(recordings) - 12} more" if len(recordings) > 12 else ""
    answer = QMessageBox.question(
        parent, "Recordings not protected",
        f"{unprotected_note(len(recordings))}\n\n{names}{more}\n\n"
        "Copy them into the case now (encrypted)?")
    if answer != QMessageBox.StandardButton.Yes:
        return None
    runner = JobRunner(parent)
    problems: list[str] = []
    for rec in recordings:
        try:
            plan = plan_copy(session, rec.id or 0)
        except VigError as exc:
            problems.append(f"{rec.display_title}: {exc}")
            continue
        _start(runner, session, plan, status=status, on_copied=on_copied, parent=parent)
    if problems:
        QMessageBox.warning(parent, "Some recordings were not copied", "\n".join(problems))
    return runner


def _start(runner: JobRunner, session: CaseSession, plan: CopyPlan, *,
           status: Callable[[str], None] | None, on_copied: Callable[[int], None] | None,
           parent: QWidget) -> None:
    name = plan.source.name

    def done(copy: Path) -> None:
        try:
            use_copy(session, plan, copy)
        except VigError as exc:
            failed(exc)
            return
        if status is not None:
            status(f"{name} is now encrypted in the case.")
        if on_copied is not None:
            on_copied(plan.recording_id)

    def failed(exc: VigError) -> None:
        QMessageBox.warning(parent, "Could not copy the recording in", f"{name}: {exc}")

    def progress(fraction: float, _what: str, _left: float | None) -> None:
        if status is not None:
            status(f"Encrypting {name} into the case … {fraction:.0%}")

    runner.run(lambda ctx: encrypt_copy(ctx, plan), name=f"Copy {name} into the case",
               on_success=done, on_failure=failed, on_progress=progress)
