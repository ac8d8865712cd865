"""The review summary PDF from the GUI: checked and assembled in ``app.review``, drawn by
:mod:`vigstudio.render.review_pdf` (the command line's ``export-review`` does the same)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from vigstudio.app.exits import finish_export
from vigstudio.app.jobs import Job
from vigstudio.app.review import ReviewSheet, export_review_summary, prepare_review_summary
from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError
from vigstudio.gui.jobs import JobRunner
from vigstudio.render.review_pdf import write_review_pdf

__all__ = ["start_review_summary", "write_review_summary"]


def write_review_summary(session: CaseSession, review_id: int, out: Path | str, *,
                         overwrite: bool = False, override: str | None = None) -> Path:
    """Write the review summary of shared review ``review_id`` as an A4 PDF at ``out``, after
    the consent check; the export is written in the case's export log."""
    return export_review_summary(
        session, review_id, Path(out), overwrite=overwrite, override=override,
        render=lambda path, sheet, replace: write_review_pdf(path, sheet, overwrite=replace))


def start_review_summary(owner: QWidget, session: CaseSession, review_id: int, out: Path, *,
                         override: str | None = None,
                         done: Callable[[Path | None, str], None]) -> Job[ReviewSheet]:
    """The same as a job: checked and read here (a failed check raises ConsentCheckError at
    once), the pictures decoded by a job of ``owner``'s runner, the PDF drawn and logged back
    on the GUI thread; ``done(path, "")`` or ``done(None, message)`` at the end."""
    prepared = prepare_review_summary(session, review_id, override=override)

    def drawn(sheet: ReviewSheet) -> None:
        try:
            written = write_review_pdf(out, sheet, overwrite=True)
            finish_export(session, prepared, [written])
        except VigError as exc:
            done(None, str(exc))
            return
        done(written, "")

    runner = JobRunner(owner)
    return runner.run(lambda _ctx: prepared.work(), name="Review summary", on_success=drawn,
                      on_failure=lambda exc: done(None, str(exc)),
                      on_cancelled=lambda: done(None, "The review summary was cancelled."))
