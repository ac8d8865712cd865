"""Applying an import writes its tags in bulk: the statements sent to SQLite while applying,
undoing and redoing N tags do not grow with N (ELAN's 4,788-annotation sample took seconds,
one INSERT per row); and the import stays one undo step, its ids are the file's, the GUI is
told what was added, undo and redo restore the case exactly. Real generated media, real
project files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from interchange_support import Media, new_case
from sqlalchemy import Engine, event

from sql_statements import statements
from vigstudio.app import CaseSession
from vigstudio.app.changes import Change, Origin
from vigstudio.app.tag_transfer import import_tags
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.project import Role
from vigstudio.errors import InvalidEditError

K = EntityKind
KINDS = (K.PARTICIPANT, K.PRINCIPLE, K.MOMENT, K.CLIP, K.STILL)


def _tags_file(path: Path, n: int, frames: int) -> Path:
    """n moments (new codes with behaviours, an existing code with a new behaviour, new and
    known participants, working points), n/10 clips and n/10 stills."""
    lines = ["kind,frame,end_frame,participant,code,principle,behaviour,"
             "strength_or_working_point,note,title,caption"]
    people = ("Sam", "Kim", "Jo", "")
    for i in range(n):
        code, name = (("attentive", "") if i % 5 == 0 else
                      (f"code-{i % 7}", f"Imported code {i % 7}"))
        valence = "working point" if i % 3 == 0 else "strength"
        lines.append(f"moment,{i % frames},,{people[i % 4]},{code},{name},"
                     f"behaviour {i % 2},{valence},note {i},,")
    for i in range(n // 10):
        lines.append(f"clip,{i % (frames - 9)},{i % (frames - 9) + 9},,,,,,,clip {i},c {i}")
        lines.append(f"still,{i % frames},,,,,,,,,still {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _held(session: CaseSession) -> dict[EntityKind, dict[int, object]]:
    """What the session shows (its in-memory copy), by kind and id."""
    return {K.PARTICIPANT: {p.id or 0: p for p in session.participants()},
            K.PRINCIPLE: {p.id or 0: p for p in session.principles()},
            K.MOMENT: {m.id or 0: m for m in session.moments()},
            K.CLIP: {c.id or 0: c for c in session.clips()},
            K.STILL: {s.id or 0: s for s in session.stills()}}


def _stored(session: CaseSession) -> dict[EntityKind, dict[int, object]]:
    """What the project file holds, read afresh."""
    snapshot = session.project.snapshot()
    return {kind: dict(snapshot[kind]) for kind in KINDS}


def _counts(tmp_path: Path, media: Media, n: int) -> list[Counter[str]]:
    session, rec = new_case(tmp_path / f"n{n}", media)
    session.add_participant("Sam", Role.PERSON)
    frames = session.recording(rec).info.frame_count
    table = _tags_file(tmp_path / f"tags-{n}.csv", n, frames)
    with statements() as applying:
        report = import_tags(session, rec, table)
    assert report.moments == n and report.clips == report.stills == n // 10
    with statements() as undoing:
        session.undo()
    with statements() as redoing:
        session.redo()
    session.close()
    return [applying, undoing, redoing]


def test_statements_do_not_grow_with_the_tags(tmp_path: Path,
                                              media_of: Callable[[str], Media]) -> None:
    few = _counts(tmp_path, media_of("25"), 40)
    many = _counts(tmp_path, media_of("25"), 400)
    assert many == few  # the same statements for 10 times the tags
    applying, undoing, redoing = many
    # one INSERT each for participants, codes, their behaviours, moments, clips, stills,
    # and the case's own code's two new behaviours (an update: as any edit of a code)
    assert applying["INSERT"] <= 8 and redoing["INSERT"] <= 8, (applying, redoing)
    assert undoing["DELETE"] <= 6, undoing  # participants, codes, moments, clips, stills


def test_an_import_is_one_transaction(tmp_path: Path,
                                      media_of: Callable[[str], Media]) -> None:
    """New codes, new participants and the tags that use them are committed together: a
    kill can leave the case as before or fully imported, never codes without their tags."""
    session, rec = new_case(tmp_path, media_of("25"))
    frames = session.recording(rec).info.frame_count
    table = _tags_file(tmp_path / "tags.csv", 50, frames)
    commits: list[object] = []

    def committed(conn: object) -> None:
        commits.append(conn)

    event.listen(Engine, "commit", committed)
    try:
        report = import_tags(session, rec, table)
    finally:
        event.remove(Engine, "commit", committed)
    assert report.new_codes and report.new_participants and report.moments == 50
    assert len(commits) == 1
    session.close()


def test_a_failing_import_changes_nothing(tmp_path: Path, media_of: Callable[[str], Media],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the tags are made (after the new codes are written in the same
    transaction) leaves the file, the session and the undo stack as they were."""
    session, rec = new_case(tmp_path, media_of("25"))
    frames = session.recording(rec).info.frame_count
    before, held = _stored(session), _held(session)
    label = session.undo_label

    def broken(*_args: object, **_kwargs: object) -> None:
        raise InvalidEditError("a tag could not be made")

    monkeypatch.setattr(CaseSession, "_entity", broken)
    with pytest.raises(InvalidEditError):
        import_tags(session, rec, _tags_file(tmp_path / "tags.csv", 20, frames))
    assert _stored(session) == before and _held(session) == held
    assert session.undo_label == label and not session.can_redo
    session.close()


def test_bulk_import_is_one_exact_undo_step(tmp_path: Path,
                                            media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path, media_of("25"))
    session.add_participant("Sam", Role.PERSON)
    frames = session.recording(rec).info.frame_count
    session.add_moment(rec, 1, "attentive", note="note 5")  # not one of the file's tags
    before = _stored(session)
    last_ids = {kind: max(ids, default=0) for kind, ids in before.items()}
    changes: list[Change] = []
    session.subscribe(changes.append)

    report = import_tags(session, rec, _tags_file(tmp_path / "tags.csv", 300, frames))
    assert (report.moments, report.clips, report.stills) == (300, 30, 30)
    assert report.new_participants == ["Kim", "Jo"]
    assert len(report.new_codes) == 7
    assert _held(session) == _stored(session)  # the session shows what the file holds
    after = _stored(session)
    added = {kind: set(after[kind]) - set(before[kind]) for kind in KINDS}
    for kind in KINDS:  # new ids follow the file's last ones, in the file's order
        assert min(added[kind]) > last_ids[kind]
    imported = [m for m in session.moments(rec) if m.id in added[K.MOMENT]]
    notes = [m.note for m in sorted(imported, key=lambda m: m.id or 0)]
    assert notes == [f"note {i}" for i in range(300)]
    attentive = session.principle_by_code("attentive")
    assert [b.name for b in attentive.behaviours][-2:] == ["behaviour 0", "behaviour 1"]

    # the GUI was told, in one change (one transaction), of every row added and updated
    assert [c.origin for c in changes] == [Origin.DO]
    told = {kind: set().union(*(c.added_ids(kind) for c in changes)) for kind in KINDS}
    assert told == added
    assert set().union(*(c.updated_ids(K.PRINCIPLE) for c in changes)) == {attentive.id}
    assert session.undo_label == "Import tags from tags.csv"

    changes.clear()
    session.undo()  # one undo takes the whole import back
    assert _stored(session) == before and _held(session) == before
    assert not session.can_undo or session.undo_label != "Import tags from tags.csv"
    assert {kind: set(changes[0].removed_ids(kind)) for kind in KINDS} == added

    session.redo()  # and redo brings back the same rows with the same ids
    assert _stored(session) == after and _held(session) == after
    assert {kind: set(changes[1].added_ids(kind)) for kind in KINDS} == added

    session.undo()
    new = session.add_moment(rec, 2, "guiding")  # ids are never reused
    assert (new.id or 0) > max(added[K.MOMENT])
    path = session.path
    session.close()
    again = CaseSession.open(path)
    assert _held(again) == {**before, K.MOMENT: {**before[K.MOMENT], new.id or 0: new}}
    assert again.project.integrity_check() == []
    again.close()
