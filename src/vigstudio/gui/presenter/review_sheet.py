"""The review summary PDF from the GUI: checked and assembled in ``app.review``, drawn by
:mod:`vigstudio.render.review_pdf` (the command line's ``export-review`` does the same)."""

from __future__ import annotations

from pathlib import Path

from vigstudio.app.review import export_review_summary
from vigstudio.app.session import CaseSession
from vigstudio.render.review_pdf import write_review_pdf

__all__ = ["write_review_summary"]


def write_review_summary(session: CaseSession, review_id: int, out: Path | str, *,
                         overwrite: bool = False, override: str | None = None) -> Path:
    """Write the review summary of shared review ``review_id`` as an A4 PDF at ``out``, after
    the consent check; the export is written in the case's export log."""
    return export_review_summary(
        session, review_id, Path(out), overwrite=overwrite, override=override,
        render=lambda path, sheet, replace: write_review_pdf(path, sheet, overwrite=replace))
