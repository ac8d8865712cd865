"""The check at every exit: before a picture of the family leaves the case (an export, the
presenter screen, an interchange file), every participant in every item needs a consent
valid today for the purpose, and every clip's sharing decision must allow that purpose.

Every exit calls the same two functions:

1. :func:`clear_exit` before anything is written or shown. It returns a :class:`Clearance`
   when the check passes (or when the practitioner overrides it with a written reason), and
   otherwise raises :class:`~vigstudio.errors.ConsentCheckError` whose message names the
   participant, the item and what is missing.
2. :func:`log_exit` once the export has been written (or the presentation has started): one
   line in the case's export log, with the files, the consents relied on and any override.

:func:`guarded_exit` wraps both around a block for exits that run on one thread.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from vigstudio.app.session import CaseSession
from vigstudio.domain.privacy import (
    PURPOSE_TEXT,
    ExportRecord,
    ItemToCheck,
    Purpose,
    Verdict,
    check_items,
    describe_consent,
)
from vigstudio.domain.reels import ItemKind, Reel, ReelItem
from vigstudio.errors import ConsentCheckError, ReadOnlyProjectError

T = TypeVar("T")

__all__ = [
    "Clearance",
    "Exit",
    "PreparedExport",
    "check_exit",
    "clear_exit",
    "clip_to_check",
    "finish_export",
    "guarded_exit",
    "log_exit",
    "reel_to_check",
    "still_to_check",
]


class Exit(StrEnum):
    """Where media leaves the case (the export log's "what")."""

    REEL_VIDEO = "reel video"
    STILLS = "stills"
    SHEET = "feedback sheet"
    REVIEW_SUMMARY = "review summary"
    SUPERVISION = "supervision package"
    PRESENTER = "presenter mode"
    INTERCHANGE = "interchange export"


def _quoted(text: str) -> str:
    return f"“{text.strip()}”" if text.strip() else ""


def clip_to_check(session: CaseSession, clip_id: int, *, label: str = "",
                  overridable: bool = True) -> ItemToCheck:
    """One clip as the check sees it: who appears in it and the parent's decision."""
    clip = session.clip(clip_id)
    name = _quoted(clip.title) or f"{clip.id} (frames {clip.range.start}–{clip.range.last})"
    return ItemToCheck(label or f"clip {name}", session.appears_in_clip(clip_id),
                       clip.appears is not None, clip.sharing, overridable=overridable)


def still_to_check(session: CaseSession, still_id: int, *, label: str = "",
                   overridable: bool = True) -> ItemToCheck:
    """One still as the check sees it (stills carry no sharing decision of their own)."""
    still = session.still(still_id)
    name = _quoted(still.caption) or f"{still.id} (frame {still.frame})"
    return ItemToCheck(label or f"still {name}", session.appears_in_still(still_id),
                       still.appears is not None, overridable=overridable)


def _item_to_check(session: CaseSession, item: ReelItem, number: int) -> ItemToCheck:
    if item.kind is ItemKind.CLIP and item.clip_id is not None:
        base = clip_to_check(session, item.clip_id)
    elif item.kind is ItemKind.STILL and item.still_id is not None:
        base = still_to_check(session, item.still_id)
    else:
        return ItemToCheck(f"title card {_quoted(item.title_text)} (item {number})", (), True,
                           pictures=False)
    return ItemToCheck(f"{base.label} (item {number})", base.appears, base.confirmed,
                       base.sharing, overridable=base.overridable)


def reel_to_check(session: CaseSession, reel: Reel | int, *,
                  kinds: Sequence[ItemKind] = tuple(ItemKind)) -> list[ItemToCheck]:
    """The items of a reel (only those of ``kinds``), labelled with their place in the reel."""
    if isinstance(reel, int):
        reel = session.reel(reel)
    return [_item_to_check(session, item, n) for n, item in enumerate(reel.items, start=1)
            if item.kind in kinds]


def check_exit(session: CaseSession, items: Sequence[ItemToCheck], purpose: Purpose, *,
               day: dt.date | None = None) -> Verdict:
    """The check itself (nothing is written): problems and the consents relied on."""
    participants = {p.id: p for p in session.participants() if p.id is not None}
    return check_items(items, Purpose(purpose), day or dt.date.today(), participants,
                       session.consents())


@dataclass
class Clearance:
    """Permission for one exit: what, for which purpose, the items, the check's verdict, and
    the override reason when the check failed and the practitioner went ahead."""

    exit: Exit
    purpose: Purpose
    source: str
    items: tuple[ItemToCheck, ...]
    verdict: Verdict
    override: str = ""
    files: list[Path | str] = field(default_factory=list)

    def wrote(self, path: Path | str) -> None:
        """Note a file this exit wrote (for the log)."""
        self.files.append(path)


def _refusal(what: Exit, source: str, verdict: Verdict, extra: str) -> str:
    lines = [f"The {what.value} of {source or 'this case'} for "
             f"{PURPOSE_TEXT[verdict.purpose]} was not made: "
             f"{len(verdict.problems)} check{'s' if len(verdict.problems) != 1 else ''} failed "
             f"on {verdict.day}. Nothing was written."]
    lines += [f"  - {p}" for p in verdict.problems]
    lines.append(extra)
    return "\n".join(lines)


def clear_exit(session: CaseSession, what: Exit | str, items: Sequence[ItemToCheck],
               purpose: Purpose, *, source: str = "", override: str | None = None,
               day: dt.date | None = None) -> Clearance:
    """Check the items for ``purpose`` before anything leaves the case.

    Passes when the check is clear, or when it failed and ``override`` gives a written reason
    (unless an item may not be overridden at all). Otherwise raises ConsentCheckError naming
    each participant, item and what is missing. Raises ReadOnlyProjectError when the case is
    open read-only (the export could not be logged). Nothing is written either way.
    """
    what = Exit(what)
    if session.read_only:
        raise ReadOnlyProjectError(
            f"{session.path.name} is open read-only: an export must be written in the case's "
            "export log, so open the case normally to export.")
    verdict = check_exit(session, items, purpose, day=day)
    reason = (override or "").strip()
    if verdict.problems:
        problems = tuple(str(p) for p in verdict.problems)
        if not verdict.overridable:
            raise ConsentCheckError(_refusal(
                what, source, verdict, "Some of these cannot be overridden: take those items "
                "out, or record the consent or the parent's decision first."),
                problems, overridable=False)
        if not reason:
            raise ConsentCheckError(_refusal(
                what, source, verdict, "Record the missing consent or the parent's decision "
                "in the case record, or override with a written reason."), problems)
    return Clearance(what, verdict.purpose, source, tuple(items), verdict,
                     reason if verdict.problems else "")


def log_exit(session: CaseSession, clearance: Clearance,
             files: Sequence[Path | str] | None = None) -> ExportRecord:
    """Write the export log line of a finished exit (files default to those noted)."""
    participants = {p.id: p for p in session.participants() if p.id is not None}
    written = list(files) if files is not None else list(clearance.files)
    record = ExportRecord(
        clearance.exit.value, dt.datetime.now().replace(microsecond=0), clearance.purpose,
        clearance.source, tuple(i.label for i in clearance.items),
        tuple(os.path.abspath(f) if isinstance(f, Path) else str(f) for f in written),
        tuple(describe_consent(c, participants) for c in clearance.verdict.consents),
        clearance.override,
        tuple(str(p) for p in clearance.verdict.problems) if clearance.override else ())
    return session.log_export(record)


@contextmanager
def guarded_exit(session: CaseSession, what: Exit | str, items: Sequence[ItemToCheck],
                 purpose: Purpose, *, source: str = "", override: str | None = None,
                 day: dt.date | None = None) -> Iterator[Clearance]:
    """Check, run the block (which calls ``clearance.wrote(path)``), then log. A block that
    raises is not logged (it wrote nothing that stays)."""
    clearance = clear_exit(session, what, items, purpose, source=source, override=override,
                           day=day)
    yield clearance
    log_exit(session, clearance)


@dataclass(frozen=True)
class PreparedExport(Generic[T]):
    """An export checked and cleared on the session's thread. ``work()`` does the slow part
    and touches no session, so a job may run it (``gui/jobs.py``); the caller then logs the
    files written with :func:`finish_export`, on the session's thread again."""

    clearance: Clearance
    work: Callable[[], T]


def finish_export(session: CaseSession, prepared: PreparedExport[Any],
                  files: Sequence[Path]) -> None:
    """Write the export log line of a prepared export whose files are written."""
    log_exit(session, prepared.clearance, files)
