"""Retention: a case kept past its retention date is offered for erasure on opening.

Erasing removes what the case keeps in its folder: its recordings there (copied into
``media/``, or placed beside the project), the
derived files (thumbnails and waveforms in ``NAME.vigproj.cache/``), the exports the export
log knows of that lie inside the case folder, the upgrade backups of the project file, and
the project file itself (with its journal and lock). Recordings imported by reference from
elsewhere and exports saved outside the case folder are not touched; the report names them.

An erase is never partial without saying so: every file that could not be removed is in the
report, and the project file is removed last and only when everything else went, so a
failed erase can be run again.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from vigstudio.app.session import CaseSession
from vigstudio.domain.project import Case
from vigstudio.errors import EraseError
from vigstudio.storage.locking import lock_path_for

__all__ = ["ErasePlan", "EraseReport", "erase_case", "erase_plan", "retention_ended",
           "retention_message"]


def retention_ended(case: Case, day: dt.date | None = None) -> bool:
    """True once the day after the retention date has come."""
    until = case.retention_until
    return until is not None and (day or dt.date.today()) > until


def retention_message(case: Case, day: dt.date | None = None) -> str:
    until = case.retention_until
    if until is None or not retention_ended(case, day):
        return ""
    return (f"The retention period of the case “{case.name}” ended on {until}. Its recordings "
            "and everything made from them should now be erased (or the period renewed in the "
            "case record, if your employer's policy allows it).")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except (ValueError, OSError):
        return False
    return True


@dataclass(frozen=True)
class ErasePlan:
    """What an erase removes (files and folders, in order) and what it leaves, with why."""

    project: Path
    remove: tuple[Path, ...]
    leave: tuple[tuple[Path, str], ...] = ()


@dataclass
class EraseReport:
    project: Path
    removed: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    left: list[tuple[Path, str]] = field(default_factory=list)  # outside the case: not erased

    @property
    def complete(self) -> bool:
        return not self.failed

    def text(self) -> str:
        lines = [f"Erase of {self.project.name}: "
                 + ("complete." if self.complete else
                    "NOT complete: some files could not be removed (listed below). The "
                    "project file was kept so that the erase can be run again.")]
        lines += [f"  removed: {p}" for p in self.removed]
        lines += [f"  COULD NOT REMOVE: {p} ({why})" for p, why in self.failed]
        lines += [f"  not erased (outside the case folder): {p} ({why})" for p, why in self.left]
        return "\n".join(lines)


def erase_plan(session: CaseSession) -> ErasePlan:
    """The files of an open case an erase would remove, and what it would leave."""
    project = session.path.resolve()
    folder = project.parent
    remove: list[Path] = []
    leave: list[tuple[Path, str]] = []
    for rec in session.recordings():
        path = session.media_path(rec.id or 0)
        if _inside(path, folder):  # copied into media/, or kept beside the project
            remove.append(path)
        else:
            leave.append((path, "a recording imported by reference from elsewhere"))
    for record in session.export_log():
        for name in record.files:
            path = Path(name)
            if _inside(path, folder):
                remove.append(path)
            else:
                leave.append((path, f"{record.what} exported on {record.at:%Y-%m-%d}"))
    remove.append(project.with_name(project.name + ".cache"))  # thumbnails, waveforms
    remove.append(project.with_name(project.name + ".media"))  # an encrypted case's copies
    remove += sorted(folder.glob(f"{project.stem}.v*-backup*{project.suffix}"))
    remove += [project.with_name(project.name + "-journal"), project]
    seen: set[Path] = set()
    ordered = [p for p in remove if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]
    return ErasePlan(project, tuple(ordered), tuple(dict.fromkeys(leave)))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def erase_case(path: Path, *, day: dt.date | None = None) -> EraseReport:
    """Erase the case project at ``path`` whose retention period has ended.

    Opens it for writing first (so no other window has it open), refuses a case whose
    retention date has not passed, then removes everything in :func:`erase_plan`.
    """
    with CaseSession.open(Path(path)) as session:
        case = session.case()
        if not retention_ended(case, day):
            until = case.retention_until
            raise EraseError(f"The retention period of “{case.name}” has not ended "
                             + (f"(it runs until {until})" if until else "(no date is set)")
                             + "; the case was not erased.")
        plan = erase_plan(session)
        lock = lock_path_for(session.path)
    report = EraseReport(plan.project, left=list(plan.leave))
    folders: set[Path] = set()
    for target in plan.remove:
        if target == plan.project and report.failed:
            report.failed.append((target, "kept: other files of the case could not be removed"))
            continue
        if not os.path.lexists(target):
            continue
        try:
            _remove(target)
        except OSError as exc:
            report.failed.append((target, exc.strerror or str(exc)))
            continue
        report.removed.append(target)
        folders.add(target.parent)
    if report.complete:
        lock.unlink(missing_ok=True)
    for parent in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        _prune_empty(parent, plan.project.parent)
    return report


def _prune_empty(folder: Path, stop: Path) -> None:
    """Remove folders the erase emptied (media/, exports/ ...) up to the case folder."""
    while folder != stop and _inside(folder, stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
