"""The review summary PDF from the GUI: assembled in ``app.review``, drawn by
:mod:`vigstudio.render.review_pdf` (the command line's ``export-review`` does the same)."""

from __future__ import annotations

from pathlib import Path

from vigstudio.app.review import review_sheet
from vigstudio.app.session import CaseSession
from vigstudio.render.review_pdf import write_review_pdf

__all__ = ["write_review_summary"]


def write_review_summary(session: CaseSession, review_id: int, out: Path | str, *,
                         overwrite: bool = False) -> Path:
    """Write the review summary of shared review ``review_id`` as an A4 PDF at ``out``."""
    return write_review_pdf(out, review_sheet(session, review_id), overwrite=overwrite)
