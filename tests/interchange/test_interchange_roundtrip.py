"""Round trips: export a recording's tags, import them into a fresh case on the same film,
and get the same moments, clips and stills to the frame, for every format and frame rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from interchange_support import RATES, Media, new_case, snapshot, tag_everything

from vigstudio.app.session import CaseSession
from vigstudio.app.tag_transfer import export_tags, import_tags
from vigstudio.domain.annotations import Sharing

FORMATS = [("eaf", "participant"), ("eaf", "principle"), ("csv", ""), ("tsv", ""),
           ("xlsx-csv", ""), ("boris", "")]


@pytest.mark.parametrize("rate", list(RATES))
@pytest.mark.parametrize(("fmt", "tiers"), FORMATS, ids=[f"{f}-{t}" if t else f
                                                         for f, t in FORMATS])
def test_round_trip_keeps_every_tag_to_the_frame(
        rate: str, fmt: str, tiers: str, tmp_path: Path,
        media_of: Callable[[str], Media]) -> None:
    media = media_of(rate)
    source, rec = new_case(tmp_path / "source", media)
    tag_everything(source, rec)
    out = export_tags(source, rec, tmp_path / f"tags.{fmt}", fmt,
                      tiers=tiers or "participant")
    target, rec2 = new_case(tmp_path / "target", media)
    report = import_tags(target, rec2, out, None if fmt == "xlsx-csv" else
                         ("eaf" if fmt == "eaf" else "boris" if fmt == "boris" else "csv"))
    assert snapshot(target, rec2) == snapshot(source, rec)
    assert (report.moments, report.clips, report.stills) == (6, 3, 2)
    assert report.skipped == []
    # the case's own code and the participants came along, the code marked as imported
    peekaboo = target.principle_by_code("peekaboo")
    assert peekaboo.description.startswith("imported:")
    assert {b.name for b in peekaboo.behaviours} == {"finding"}
    assert {p.pseudonym for p in target.participants()} == {"Sam", "Zoë"}
    source.close()
    target.close()


def test_an_import_is_one_undo_step_and_redo_brings_it_back(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    media = media_of("25")
    source, rec = new_case(tmp_path / "source", media)
    tag_everything(source, rec)
    out = export_tags(source, rec, tmp_path / "tags.eaf", "eaf")
    target, rec2 = new_case(tmp_path / "target", media)
    codes_before = {p.code for p in target.principles()}
    import_tags(target, rec2, out)
    assert target.undo_label == "Import tags from tags.eaf"
    imported = snapshot(target, rec2)
    target.undo()
    assert snapshot(target, rec2) == set()
    assert {p.code for p in target.principles()} == codes_before
    assert target.participants() == []
    assert target.undo_label == "Add recording"  # nothing of the import is left to undo
    target.redo()
    assert snapshot(target, rec2) == imported
    # and it is on disk: a reopened case has it
    target.close()
    from vigstudio.app import CaseSession
    with CaseSession.open(target.path) as again:
        assert snapshot(again, rec2) == imported
    source.close()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    media = media_of("29.97")
    session, rec = new_case(tmp_path / "case", media)
    tag_everything(session, rec)
    # what the files do not carry must not make a tag look new
    question = session.add_helping_question("Fun together", agreed_on=dt.date(2026, 1, 5))
    moment = session.moments(rec)[0]
    session.update_moment(replace(moment, helping_question_id=question.id))
    session.set_clip_sharing(session.clips(rec)[0].id or 0, Sharing.SUPERVISION)
    before = snapshot(session, rec)
    out = export_tags(session, rec, tmp_path / "tags.csv", "csv")
    report = import_tags(session, rec, out)
    assert report.added == 0 and report.duplicates == 11
    assert snapshot(session, rec) == before
    assert "already in the case" in str(report)
    session.close()


def test_a_failing_import_leaves_the_case_as_it_was(
        tmp_path: Path, media_of: Callable[[str], Media],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.errors import DiskFullError
    from vigstudio.storage.project_file import Writer

    media = media_of("25")
    source, rec = new_case(tmp_path / "source", media)
    tag_everything(source, rec)
    out = export_tags(source, rec, tmp_path / "tags.eaf", "eaf")
    target, rec2 = new_case(tmp_path / "target", media)
    codes = [p.code for p in target.principles()]
    real_put_many = Writer.put_many
    calls: list[int] = []

    def second_write_fails(self: Writer, entities: Any) -> Any:
        calls.append(len(entities))
        if len(calls) == 2:  # the tags, after the new codes and participants were written
            raise DiskFullError("the disk is full")
        return real_put_many(self, entities)

    monkeypatch.setattr(Writer, "put_many", second_write_fails)
    with pytest.raises(DiskFullError):
        import_tags(target, rec2, out)
    assert len(calls) == 2  # in one transaction: the names went in before the tags failed
    monkeypatch.undo()
    assert [p.code for p in target.principles()] == codes
    assert target.participants() == [] and snapshot(target, rec2) == set()
    assert target.undo_label == "Add recording" and not target.can_redo
    path = target.path
    target.close()
    again = CaseSession.open(path)  # and the file holds none of it
    assert [p.code for p in again.principles()] == codes and again.participants() == []
    assert snapshot(again, rec2) == set()
    again.close()
    source.close()
