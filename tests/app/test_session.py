"""CaseSession: edits as commands on a real project file, undo/redo, merging, notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from vigstudio.app import CaseSession, Change, EntityKind, Origin, RecordingStatus, Ref
from vigstudio.domain.annotations import Sharing, Valence
from vigstudio.domain.codebook import Codebook, Principle
from vigstudio.domain.media import Recording
from vigstudio.domain.project import ConsentScope, Role
from vigstudio.domain.reels import ItemKind
from vigstudio.domain.time import FrameRange
from vigstudio.errors import (
    FrameOutOfRangeError,
    InUseError,
    InvalidEditError,
    NotFoundError,
    ReadOnlyProjectError,
    UnknownCodeError,
)

K = EntityKind


def reopen(session: CaseSession) -> CaseSession:
    path = session.path
    session.close()
    return CaseSession.open(path)


def test_new_case_has_default_vig_codebook(session: CaseSession) -> None:
    book = session.codebook()
    assert [p.code for p in book.principles] == [
        "attentive", "encouraging", "receiving", "attuned", "guiding", "deepening"]
    assert [p.shortcut for p in book.principles] == list("123456")
    assert len({p.colour for p in book.principles}) == 6
    assert all(p.behaviours for p in book.principles)
    assert session.case().name == "Family Test"
    assert not session.can_undo


def test_add_moment_is_saved_and_undoable(session: CaseSession, rec: Recording,
                                          people: tuple[int, int]) -> None:
    _, parent = people
    m = session.add_moment(rec.id or 0, 42, "receiving", participant_id=parent, note="smiles")
    assert m.id is not None and m.frame == 42
    assert session.undo_label == "Tag Receiving initiatives"
    session = reopen(session)
    assert session.moment(m.id) == m
    session.close()


def test_undo_redo_recreates_same_ids(session: CaseSession, rec: Recording) -> None:
    m = session.add_moment(rec.id or 0, 10, "attentive")
    c = session.add_clip(rec.id or 0, 20, 60, title="Eye contact")
    session.undo()
    session.undo()
    assert session.moments() == [] and session.clips() == []
    assert session.can_redo and session.redo_label == "Tag Being attentive"
    session.redo()
    session.redo()
    assert session.moment(m.id or 0) == m
    assert session.clip(c.id or 0) == c
    # ids are never reused: a new moment after undo gets a fresh id
    session.undo()
    c2 = session.add_clip(rec.id or 0, 20, 60)
    assert c2.id != c.id
    assert not session.can_redo


def test_frame_outside_recording_is_refused(session: CaseSession, rec: Recording) -> None:
    rid = rec.id or 0
    with pytest.raises(FrameOutOfRangeError, match="outside"):
        session.add_moment(rid, 250, "attentive")
    with pytest.raises(FrameOutOfRangeError):
        session.add_moment(rid, -1, "attentive")
    with pytest.raises(FrameOutOfRangeError):
        session.add_clip(rid, 200, 251)
    with pytest.raises(InvalidEditError):
        session.add_clip(rid, 20, 20)
    with pytest.raises(FrameOutOfRangeError):
        session.add_still(rid, 1000)
    assert session.add_clip(rid, 200, 250).range == FrameRange(200, 250)
    with pytest.raises(UnknownCodeError, match="this codebook has"):
        session.add_moment(rid, 5, "nonsense")
    with pytest.raises(NotFoundError):
        session.add_moment(999, 5, "attentive")


def test_trims_in_a_drag_merge_into_one_undo_step(session: CaseSession,
                                                  rec: Recording) -> None:
    c = session.add_clip(rec.id or 0, 100, 150)
    cid = c.id or 0
    with session.merged("Trim clip"):
        for end in range(151, 171):
            session.trim_clip_end(cid, end)
    assert session.clip(cid).range == FrameRange(100, 170)
    # a second drag is its own step
    session.begin_merge("Trim clip")
    session.trim_clip_start(cid, 105)
    session.trim_clip_start(cid, 110)
    session.end_merge()
    session.undo()
    assert session.clip(cid).range == FrameRange(100, 170)
    session.undo()
    assert session.clip(cid).range == FrameRange(100, 150)
    session.redo()
    assert session.clip(cid).range == FrameRange(100, 170)


def test_merge_key_merges_consecutive_edits(session: CaseSession, rec: Recording) -> None:
    m = session.add_moment(rec.id or 0, 10, "attentive")
    mid = m.id or 0
    for f in (11, 12, 13):
        session.move_moment(mid, f, merge_key="drag-1")
    session.move_moment(mid, 30, merge_key="drag-2")
    session.undo()
    assert session.moment(mid).frame == 13
    session.undo()
    assert session.moment(mid).frame == 10
    session.undo()
    assert session.moments() == []


def test_change_notices(session: CaseSession, rec: Recording) -> None:
    seen: list[Change] = []
    unsubscribe = session.subscribe(seen.append)
    c = session.add_clip(rec.id or 0, 0, 10)
    assert seen[-1].added == {Ref(K.CLIP, c.id or 0)} and seen[-1].origin is Origin.DO
    session.set_clip_title(c.id or 0, "Turn taking")
    assert seen[-1].updated_ids(K.CLIP) == {c.id}
    assert seen[-1].touches(K.CLIP) and not seen[-1].touches(K.MOMENT)
    session.undo()
    assert seen[-1].origin is Origin.UNDO and seen[-1].updated_ids(K.CLIP) == {c.id}
    session.undo()
    assert seen[-1].removed_ids(K.CLIP) == {c.id}
    session.redo()
    assert seen[-1].origin is Origin.REDO and seen[-1].added_ids(K.CLIP) == {c.id}
    unsubscribe()
    session.set_clip_title(c.id or 0, "x")
    assert len(seen) == 5


def test_deleting_clip_in_reel_removes_items_and_undo_restores(session: CaseSession,
                                                               rec: Recording) -> None:
    rid = rec.id or 0
    clip = session.add_clip(rid, 10, 60)
    still = session.add_still(rid, 30, caption="Eye contact")
    reel = session.new_reel("Cycle 1 feedback")
    rl = reel.id or 0
    session.add_title_card(rl, "Having fun together")
    session.add_clip_to_reel(rl, clip.id or 0)
    session.add_still_to_reel(rl, still.id or 0)
    full = session.reel(rl)
    assert [i.kind for i in full.items] == [ItemKind.TITLE, ItemKind.CLIP, ItemKind.STILL]
    change = session.delete_annotations(clips=[clip.id or 0])
    assert change.removed_ids(K.CLIP) == {clip.id} and change.updated_ids(K.REEL) == {rl}
    assert [i.kind for i in session.reel(rl).items] == [ItemKind.TITLE, ItemKind.STILL]
    assert [i.position for i in session.reel(rl).items] == [0, 1]
    session.undo()
    assert session.reel(rl) == full and session.clip(clip.id or 0) == clip
    session = reopen(session)
    assert session.reel(rl) == full
    session.close()


def test_reel_item_settings_and_reorder(session: CaseSession, rec: Recording) -> None:
    rid = rec.id or 0
    c1 = session.add_clip(rid, 0, 25)
    c2 = session.add_clip(rid, 50, 75)
    rl = session.new_reel("R").id or 0
    i1 = session.add_clip_to_reel(rl, c1.id or 0)
    session.add_clip_to_reel(rl, c2.id or 0)
    item = session.update_reel_item(rl, i1.id or 0, caption="Look!", burn_caption=True,
                                    speed=Fraction(1, 2), freeze_last=Fraction(2))
    assert item.speed == Fraction(1, 2) and item.burn_caption and item.caption == "Look!"
    with pytest.raises(InvalidEditError, match="speed"):
        session.update_reel_item(rl, i1.id or 0, speed=Fraction(10))
    session.move_reel_item(rl, 0, 1)
    assert [i.clip_id for i in session.reel(rl).items] == [c2.id, c1.id]
    with pytest.raises(InvalidEditError, match="already a reel"):
        session.new_reel("R")
    session.rename_reel(rl, "Cycle 1")
    assert session.reel_by_name("Cycle 1").id == rl
    session.remove_reel_item(rl, i1.id or 0)
    assert len(session.reel(rl).items) == 1
    session.delete_reel(rl)
    assert session.reels() == []
    session.undo()
    assert len(session.reel(rl).items) == 1


def test_codebook_edits(session: CaseSession, rec: Recording) -> None:
    p = session.principle_by_code("receiving")
    pid = p.id or 0
    session.rename_principle(pid, "Receiving")
    session.recolour_principle(pid, "#112233")
    with pytest.raises(InvalidEditError, match="shortcut"):
        session.set_principle_shortcut(pid, "1")  # taken by 'attentive'
    with pytest.raises(InvalidEditError, match="colour"):
        session.recolour_principle(pid, "red")
    session.set_principle_shortcut(pid, "r")
    assert session.principle_by_shortcut("R") == session.principle(pid)
    session.reorder_principle(pid, 0)
    assert session.principles()[0].id == pid
    new = session.add_principle("fun", "Having fun", "#00AA00", shortcut="f",
                                behaviours=["laughing together"])
    assert new.behaviours[0].id is not None
    m = session.add_moment(rec.id or 0, 5, "fun", behaviour_id=new.behaviours[0].id)
    with pytest.raises(InUseError):
        session.delete_principle(new.id or 0)
    # removing the behaviour clears it from the moment, undo restores both
    session.update_principle(replace(new, behaviours=()))
    assert session.moment(m.id or 0).behaviour_id is None
    session.undo()
    assert session.moment(m.id or 0).behaviour_id == new.behaviours[0].id
    for _ in range(6):
        session.undo()
    assert session.codebook() == reopen_codebook(session)
    assert session.principle(pid) == p


def reopen_codebook(session: CaseSession) -> Codebook:
    return session.project.codebook()


def test_replace_codebook_keeps_tags(session: CaseSession, rec: Recording,
                                     tmp_path: Path) -> None:
    m = session.add_moment(rec.id or 0, 5, "receiving")
    marte = Codebook("Marte Meo", (
        Principle("receiving", "Confirming", "#123456", "c"),
        Principle("naming", "Naming", "#654321", "n", behaviours=()),
    ))
    file = tmp_path / "marte.json"
    file.write_text(marte.to_json())
    session.import_codebook(file)
    book = session.codebook()
    assert book.name == "Marte Meo"
    assert [p.code for p in book.principles] == ["receiving", "naming"]
    assert session.moment(m.id or 0).principle_id == book.principles[0].id
    out = session.export_codebook(tmp_path / "out.json")
    assert Codebook.from_json(out.read_text()).name == "Marte Meo"
    session.undo()
    assert len(session.codebook().principles) == 6
    # a codebook without a code still in use is refused, nothing changes
    with pytest.raises(InUseError, match="receiving"):
        session.replace_codebook(Codebook("Other", (Principle("x", "X", "#000000"),)))
    assert len(session.codebook().principles) == 6
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidEditError):
        session.import_codebook(bad)


def test_case_people_questions_cycles_reviews_consent(session: CaseSession,
                                                      people: tuple[int, int]) -> None:
    child, parent = people
    with pytest.raises(InvalidEditError):
        session.add_participant("sam", Role.OTHER)  # same pseudonym
    q = session.add_helping_question("I want us to have fun  without a row",
                                     agreed_on=dt.date(2026, 1, 5), said_by_id=parent)
    assert q.text == "I want us to have fun  without a row"  # verbatim
    cycle = session.add_cycle(filmed_on=dt.date(2026, 1, 10))
    assert cycle.number == 1 and session.add_cycle().number == 2
    with pytest.raises(InvalidEditError):
        session.add_cycle(1)
    review = session.add_shared_review(cycle.id or 0, dt.date(2026, 1, 17),
                                       parent_reflections="I waited for her",
                                       next_goal="More turns")
    consent = session.add_consent(parent, ConsentScope.SUPERVISION, dt.date(2026, 1, 5))
    session.withdraw_consent(consent.id or 0, dt.date(2026, 2, 1))
    assert not session.consent(consent.id or 0).is_valid_on(dt.date(2026, 3, 1))
    with pytest.raises(InUseError):
        session.delete_participant(parent)
    with pytest.raises(InUseError):
        session.delete_cycle(cycle.id or 0)
    session.update_case(replace(session.case(), notes="traject plan agreed"))
    session.update_participant(replace(session.participant(child), pseudonym="Sammy"))
    session = reopen(session)
    assert session.case().notes == "traject plan agreed"
    assert session.participant(child).pseudonym == "Sammy"
    assert session.shared_review(review.id or 0).next_goal == "More turns"
    assert session.helping_questions() == [q]
    session.close()


def test_delete_recording_cascades_and_undo_restores(session: CaseSession,
                                                     rec: Recording) -> None:
    rid = rec.id or 0
    session.add_moment(rid, 1, "attentive")
    clip = session.add_clip(rid, 0, 10)
    rl = session.new_reel("R").id or 0
    session.add_clip_to_reel(rl, clip.id or 0)
    before = session.project.snapshot()
    session.delete_recording(rid)
    assert session.recordings() == [] and session.moments() == []
    assert session.reel(rl).items == ()
    session.undo()
    assert session.project.snapshot() == before


def test_moment_edits(session: CaseSession, rec: Recording, people: tuple[int, int]) -> None:
    child, _ = people
    m = session.add_moment(rec.id or 0, 3, "attentive")
    q = session.add_helping_question("more fun")
    edited = session.update_moment(replace(m, participant_id=child, note="n",
                                           valence=Valence.WORKING_POINT,
                                           helping_question_id=q.id))
    assert edited.valence is Valence.WORKING_POINT
    assert session.set_moment_code(m.id or 0, "guiding").principle_id == \
        session.principle_by_code("guiding").id
    with pytest.raises(FrameOutOfRangeError):
        session.move_moment(m.id or 0, 9999)
    assert session.moment_counts(rec.id or 0) == {
        (session.principle_by_code("guiding").id or 0, child): 1}
    session.delete_helping_question(q.id or 0)
    assert session.moment(m.id or 0).helping_question_id is None
    session.undo()
    assert session.moment(m.id or 0).helping_question_id == q.id
    session.delete_moment(m.id or 0)
    assert session.moments() == []


def test_clip_edits_and_snapping(session: CaseSession, rec: Recording) -> None:
    rid = rec.id or 0
    a = session.add_clip(rid, 10, 20)
    b = session.add_clip(rid, 40, 50)
    session.add_moment(rid, 33, "attentive")
    targets = session.snap_targets(rid, playhead=70, exclude_clip_id=b.id)
    assert targets == [0, 10, 20, 33, 34, 70, rec.info.frame_count]
    session.move_clip(b.id or 0, 200)
    assert session.clip(b.id or 0).range == FrameRange(200, 210)
    with pytest.raises(FrameOutOfRangeError):
        session.move_clip(b.id or 0, 245)
    with pytest.raises(InvalidEditError):
        session.trim_clip_end(a.id or 0, 10)
    session.set_clip_sharing(a.id or 0, Sharing.SUPERVISION)
    session.set_clip_caption(a.id or 0, "She waits")
    assert session.clip(a.id or 0).sharing is Sharing.SUPERVISION
    session.set_clip_range(a.id or 0, FrameRange(5, 25))
    assert session.clip(a.id or 0).range == FrameRange(5, 25)
    s = session.add_still(rid, 12)
    session.move_still(s.id or 0, 13)
    session.delete_annotations(clips=[a.id or 0, b.id or 0], stills=[s.id or 0])
    assert session.undo_label == "Delete 3 items"
    session.undo()
    assert len(session.clips()) == 2 and len(session.stills()) == 1


def test_read_only_session_refuses_edits(session: CaseSession, rec: Recording) -> None:
    ro = CaseSession.open(session.path, read_only=True)
    try:
        assert ro.recordings() == [rec]
        with pytest.raises(ReadOnlyProjectError):
            ro.add_moment(rec.id or 0, 1, "attentive")
        assert ro.moments() == []
    finally:
        ro.close()


def test_offline_recording_is_a_state(session: CaseSession, rec: Recording) -> None:
    rid = rec.id or 0
    assert session.recording_status(rid) is RecordingStatus.OFFLINE
    assert session.is_offline(rid)
    media = session.folder / "media" / "family.mp4"
    media.parent.mkdir()
    media.write_bytes(b"x" * 1234)  # the right size, but not the imported content
    assert session.recording_status(rid) is RecordingStatus.CHANGED
    from vigstudio.media.fingerprint import fingerprint

    session.update_recording(replace(rec, fingerprint=fingerprint(media)))
    assert session.recording_status(rid) is RecordingStatus.ONLINE
    media.write_bytes(b"x" * 10)
    assert session.recording_status(rid) is RecordingStatus.CHANGED
    assert session.media_path(rid) == media


def test_stored_media_path_is_relative_inside_folder(
        session: CaseSession, tmp_path: Path, fake_recording: Callable[..., Recording]) -> None:
    assert session.stored_media_path(tmp_path / "media" / "a.mp4") == "media/a.mp4"
    outside = tmp_path.parent / "elsewhere.mp4"
    assert session.stored_media_path(outside) == str(outside)
    rec = session.add_recording(fake_recording(path=str(outside)))
    assert session.media_path(rec.id or 0) == outside


def test_nothing_to_undo(session: CaseSession) -> None:
    with pytest.raises(InvalidEditError):
        session.undo()
    with pytest.raises(InvalidEditError):
        session.redo()
