"""Retention: a case past its retention date is erased completely from its folder, with a
report; a case still within it is not; what lies outside the folder is named, not touched."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from vigstudio.app import retention
from vigstudio.app.reel_export import export_reel_stills
from vigstudio.app.retention import erase_case, erase_plan, retention_ended, retention_message
from vigstudio.app.session import CaseSession
from vigstudio.domain.project import ConsentScope, Role
from vigstudio.errors import EraseError, ProjectLockedError
from vigstudio.media.thumbnails import ThumbnailStore, generate_thumbnails
from vigstudio.storage.migrations import backup_path_for
from vigstudio.testing.synth import make_barcode_video


def _case(tmp_path: Path, retention: dt.date) -> tuple[Path, Path, Path]:
    """A case folder with a copied recording, thumbnails, an export inside the folder and one
    outside it. Returns (project, outside film, outside export folder)."""
    outside = tmp_path / "camera"
    outside.mkdir()
    film = make_barcode_video(outside / "family.mp4", frames=30, width=160, height=90,
                              audio=False)
    folder = tmp_path / "Family R"
    folder.mkdir()
    project = folder / "family-r.vigproj"
    with CaseSession.create(project, "Family R", created_on=dt.date(2020, 1, 6)) as s:
        rec = s.import_recording(film, copy=True)
        sam = s.add_participant("Sam", Role.PERSON)
        s.add_consent(sam.id or 0, ConsentScope.FEEDBACK, dt.date(2020, 1, 6))
        still = s.add_still(rec.id or 0, 10, caption="Eye contact")
        s.set_still_appears(still.id or 0, [sam.id or 0])
        reel = s.new_reel("Cycle 1")
        s.add_still_to_reel(reel.id or 0, still.id or 0)
        export_reel_stills(s, reel.id or 0, folder / "exports" / "stills")
        export_reel_stills(s, reel.id or 0, tmp_path / "usb-stick")
        store = ThumbnailStore(folder / "family-r.vigproj.cache", rec.fingerprint, 32)
        for _ in generate_thumbnails(s.media_path(rec.id or 0), rec.info, height=32, count=3,
                                     store=store):
            pass
        s.update_case(s.case().__class__(s.case().name, s.case().created_on,
                                         retention_until=retention, id=1))
    # an older VIG Studio's backup made when the file was upgraded: the case, too
    backup = backup_path_for(project, 1)
    src, dst = sqlite3.connect(project), sqlite3.connect(backup)
    src.backup(dst)
    src.close()
    dst.close()
    return project, film, tmp_path / "usb-stick"


def test_a_case_past_retention_is_erased_with_nothing_left(tmp_path: Path) -> None:
    project, film, usb = _case(tmp_path, dt.date(2025, 12, 31))
    folder = project.parent
    assert len(list(folder.rglob("*"))) >= 8  # project, media/, film, cache/, thumbs, exports…
    with CaseSession.open(project, read_only=True) as s:
        assert retention_ended(s.case(), dt.date(2026, 1, 1))
        assert not retention_ended(s.case(), dt.date(2025, 12, 31))  # the last day still holds
        assert "ended on 2025-12-31" in retention_message(s.case(), dt.date(2026, 1, 1))
        plan = erase_plan(s)
    assert plan.remove[-1] == project.resolve()
    report = erase_case(project, day=dt.date(2026, 1, 1))
    assert report.complete, report.text()
    assert list(folder.iterdir()) == []  # nothing of the case is left in its folder
    assert "Erase of family-r.vigproj: complete." in report.text()
    assert {p.name for p in report.removed} >= {"family-r.vigproj", "family.mp4",
                                                "family-r.vigproj.cache", "01-eye-contact.png",
                                                "family-r.v1-backup.vigproj"}
    # outside the case folder: named in the report, not touched
    assert film.exists() and (usb / "01-eye-contact.png").exists()
    assert [p for p, _why in report.left] == [usb / "01-eye-contact.png"]
    assert str(usb / "01-eye-contact.png") in report.text()


def test_a_case_within_retention_is_not_erased(tmp_path: Path) -> None:
    project, _film, _usb = _case(tmp_path, dt.date(2030, 1, 1))
    before = sorted(project.parent.rglob("*"))
    with pytest.raises(EraseError, match="runs until 2030-01-01"):
        erase_case(project, day=dt.date(2026, 1, 1))
    assert sorted(project.parent.rglob("*")) == before


def test_an_open_case_is_not_erased(tmp_path: Path) -> None:
    project, _film, _usb = _case(tmp_path, dt.date(2025, 1, 1))
    with CaseSession.open(project), pytest.raises(ProjectLockedError):
        erase_case(project, day=dt.date(2026, 1, 1))
    assert project.exists()


def test_a_partial_erase_says_so_and_keeps_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, _film, _usb = _case(tmp_path, dt.date(2025, 1, 1))
    real_remove = retention._remove

    def stuck(path: Path) -> None:  # the copied film is held open by another program
        if path.name == "family.mp4":
            raise PermissionError(13, "Permission denied", str(path))
        real_remove(path)

    monkeypatch.setattr(retention, "_remove", stuck)
    report = erase_case(project, day=dt.date(2026, 1, 1))
    assert not report.complete and project.exists()
    text = report.text()
    assert "NOT complete" in text and "COULD NOT REMOVE" in text and "family.mp4" in text
    assert "kept: other files of the case could not be removed" in text
    monkeypatch.setattr(retention, "_remove", real_remove)
    assert erase_case(project, day=dt.date(2026, 1, 1)).complete  # run again: done
    assert list(project.parent.iterdir()) == []
