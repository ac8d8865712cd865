"""The check at every exit in this tree (reel video, stills, feedback sheet, supervision
package): refused (nothing written, reasons named), overridden (written, logged with the
reason) and clean (written, logged). Real project files, real exports of the demo film."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import av
import pytest

from vigstudio.app.exits import Exit, clear_exit, clip_to_check, guarded_exit, reel_to_check
from vigstudio.app.reel_export import export_reel_stills, export_reel_video
from vigstudio.app.session import CaseSession
from vigstudio.app.supervision import (
    LABEL,
    export_supervision_package,
    supervision_contents,
    supervision_plan,
)
from vigstudio.cli import main
from vigstudio.domain.annotations import Sharing, Valence
from vigstudio.domain.media import RecordingKind
from vigstudio.domain.privacy import Purpose
from vigstudio.domain.project import ConsentScope
from vigstudio.errors import ConsentCheckError, ReadOnlyProjectError
from vigstudio.media.export_plan import ClipSegment, StillSegment, TitleCard
from vigstudio.testing.synth import make_barcode_video, read_barcode

REASON = "The supervisor must see this today; Alex agreed on the phone, form follows"


def _short_reel(demo: Path, name: str, purpose: Purpose, *, sharing: Sharing) -> None:
    """A reel of one short clip (8 frames, Sam and Alex in it) and one still."""
    with CaseSession.open(demo) as s:
        sam, alex = s.participant_by_name("Sam"), s.participant_by_name("Alex")
        clip = s.add_clip(1, 100, 108, title="Short turn")
        s.set_clip_sharing(clip.id or 0, sharing)
        s.set_clip_appears(clip.id or 0, (sam.id or 0, alex.id or 0))
        reel = s.new_reel(name, purpose=purpose)
        s.add_clip_to_reel(reel.id or 0, clip.id or 0)
        s.add_still_to_reel(reel.id or 0, s.stills()[0].id or 0)


def _log(demo: Path) -> list[dict[str, object]]:
    with CaseSession.open(demo, read_only=True) as s:
        return [json.loads(json.dumps({"what": r.what, "purpose": r.purpose.value,
                                       "files": list(r.files), "override": r.override,
                                       "problems": list(r.problems),
                                       "consents": list(r.consents), "items": list(r.items)}))
                for r in s.export_log()]


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


# --- reel video ----------------------------------------------------------------------------

def test_reel_video_exit_refused_overridden_and_clean(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _short_reel(demo, "For supervisor", Purpose.SUPERVISION, sharing=Sharing.PRIVATE)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "reel.mp4"
    capsys.readouterr()
    # refused: exit status non-zero, reasons on stderr, nothing written, nothing logged
    assert main(["export-reel", str(demo), "--reel", "For supervisor", "-o", str(out),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Nothing was written" in err
    assert ("clip “Short turn” (item 1): the parent's decision is “private (the family only)”, "
            "which does not allow supervision") in err
    assert "clip “Short turn” (item 1): Sam: no consent to supervision is recorded" in err
    assert "still “The smile” (item 2): Sam: no consent to supervision is recorded" in err
    assert _files(out_dir) == set() and _log(demo) == []
    # overridden with a written reason: written, and logged with the reason and what it let by
    assert main(["export-reel", str(demo), "--reel", "For supervisor", "-o", str(out),
                 "--quiet", "--override", REASON]) == 0
    with av.open(str(out)) as container:
        shown = [read_barcode(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]
    assert shown[:8] == list(range(100, 108))
    [entry] = _log(demo)
    assert entry["what"] == "reel video" and entry["purpose"] == "supervision"
    # the still's caption travels beside the reel as subtitles: both files are in the log
    assert entry["override"] == REASON
    assert entry["files"] == [str(out), str(out.with_suffix(".srt")), str(out.with_suffix(".vtt"))]
    assert any("private" in p for p in entry["problems"])  # type: ignore[attr-defined]
    assert entry["items"] == ["clip “Short turn” (item 1)", "still “The smile” (item 2)"]
    # clean: the parent allows supervision and everyone has consented
    with CaseSession.open(demo) as s:
        reel = s.reel_by_name("For supervisor")
        s.set_clip_sharing(reel.items[0].clip_id or 0, Sharing.SUPERVISION)
        s.add_consent(s.participant_by_name("Sam").id or 0, ConsentScope.SUPERVISION,
                      dt.date(2026, 1, 12), note="signed by Alex for Sam")
        clean = tmp_path / "clean.mp4"
        result = export_reel_video(s, reel, clean)
        assert result.path == clean and clean.exists()
    entry = _log(demo)[-1]
    assert entry["override"] == "" and entry["problems"] == []
    assert sorted(c.split(":")[0] for c in entry["consents"]) == ["Alex", "Sam"]  # type: ignore[attr-defined]


def test_the_check_uses_the_day_of_the_export(demo: Path, tmp_path: Path) -> None:
    with CaseSession.open(demo) as s:
        reel = s.reel_by_name("Cycle 1 feedback")
        sam = s.participant_by_name("Sam")
        [fb] = [c for c in s.consents(sam.id) if c.scope is ConsentScope.FEEDBACK]
        s.withdraw_consent(fb.id or 0, dt.date(2026, 6, 1))
        # before the withdrawal the family reel was fine; from that day it is not
        assert clear_exit(s, Exit.REEL_VIDEO, reel_to_check(s, reel), reel.purpose,
                          day=dt.date(2026, 5, 31)).verdict.clear
        with pytest.raises(ConsentCheckError) as refused:
            export_reel_video(s, reel, tmp_path / "r.mp4", day=dt.date(2026, 6, 1))
        assert any("Sam: consent to feedback to the family was withdrawn on 2026-06-01" in p
                   for p in refused.value.problems)
        assert not (tmp_path / "r.mp4").exists() and s.export_log() == []


# --- stills --------------------------------------------------------------------------------

def test_stills_exit_refused_overridden_and_clean(demo: Path, tmp_path: Path) -> None:
    with CaseSession.open(demo) as s:
        reel = s.reel_by_name("Cycle 1 feedback")
        alex = s.participant_by_name("Alex")
        [fb] = [c for c in s.consents(alex.id) if c.scope is ConsentScope.FEEDBACK]
        s.withdraw_consent(fb.id or 0, dt.date(2026, 2, 1))
        folder = tmp_path / "stills"
        with pytest.raises(ConsentCheckError) as refused:
            export_reel_stills(s, reel, folder)
        assert refused.value.problems == (
            "still “The smile” (item 3): Alex: consent to feedback to the family was withdrawn "
            "on 2026-02-01",
            "still “Eye contact” (item 5): Alex: consent to feedback to the family was "
            "withdrawn on 2026-02-01")
        assert not folder.exists() and s.export_log() == []
        paths = export_reel_stills(s, reel, folder, override=REASON)
        assert len(paths) == 2 and all(p.exists() for p in paths)
        [entry] = s.export_log()
        assert entry.what == "stills" and entry.override == REASON and len(entry.problems) == 2
        assert entry.files == tuple(str(p) for p in paths)
        s.add_consent(alex.id or 0, ConsentScope.FEEDBACK, dt.date(2026, 3, 1))
        again = export_reel_stills(s, reel, tmp_path / "again")
        assert len(again) == 2 and s.export_log()[-1].override == ""
        assert s.export_log()[-1].files == tuple(str(p) for p in again)


def test_an_override_needs_words(demo: Path, tmp_path: Path) -> None:
    _short_reel(demo, "Training", Purpose.TRAINING, sharing=Sharing.SUPERVISION)
    with CaseSession.open(demo) as s, pytest.raises(ConsentCheckError, match="training"):
        export_reel_stills(s, s.reel_by_name("Training"), tmp_path / "s", override="   ")
    assert not (tmp_path / "s").exists()


# --- feedback sheet ------------------------------------------------------------------------

def test_sheet_exit_refused_overridden_and_clean(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with CaseSession.open(demo) as s:
        still = s.stills()[1]
        s.set_still_appears(still.id or 0, ())  # the practitioner has not said who is in it
    pdf = tmp_path / "sheet.pdf"
    capsys.readouterr()
    assert main(["export-sheet", str(demo), "--reel", "Cycle 1 feedback", "-o",
                 str(pdf)]) == 2
    err = capsys.readouterr().err
    assert "still “Eye contact” (item 5): nobody is recorded as appearing in it" in err
    assert not pdf.exists() and _log(demo) == []
    assert main(["export-sheet", str(demo), "--reel", "Cycle 1 feedback", "-o", str(pdf),
                 "--override", "A drawing of a ball, nobody is in it"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    [entry] = _log(demo)
    assert entry["what"] == "feedback sheet"
    assert entry["override"] == "A drawing of a ball, nobody is in it"
    assert main(["set-still", str(demo), "--still", str(still.id), "--appears", "Sam"]) == 0
    clean = tmp_path / "clean.pdf"
    assert main(["export-sheet", str(demo), "--reel", "Cycle 1 feedback", "-o",
                 str(clean)]) == 0
    assert clean.exists() and _log(demo)[-1]["override"] == ""
    assert _log(demo)[-1]["files"] == [str(clean)]


# --- supervision package -------------------------------------------------------------------

@pytest.fixture
def filmed_review(demo: Path, tmp_path: Path) -> tuple[Path, int, int]:
    """The demo with its shared review filmed: a 2-second review film, Jo (guider) and Alex
    tagged on it, two clips and a working point. Returns (project, review id, point id)."""
    film = make_barcode_video(tmp_path / "review.mp4", frames=50, width=320, height=180,
                              audio=False)
    with CaseSession.open(demo) as s:
        review = s.shared_reviews()[0]
        rec = s.import_recording(film, kind=RecordingKind.SHARED_REVIEW, title="Review film",
                                 cycle_id=review.cycle_id)
        s.update_shared_review(review.__class__(
            review.cycle_id, review.held_on, review.parent_reflections, review.next_goal,
            rec.id, id=review.id))
        jo, alex = s.participant_by_name("Jo"), s.participant_by_name("Alex")
        s.add_moment(rec.id or 0, 5, "receiving", participant_id=jo.id)
        s.add_moment(rec.id or 0, 8, "attentive", participant_id=alex.id)
        point = s.add_moment(rec.id or 0, 30, "encouraging", participant_id=jo.id,
                             valence=Valence.WORKING_POINT, note="I spoke over Alex")
        a = s.add_clip(rec.id or 0, 2, 12, title="Naming the smile")
        s.add_clip(rec.id or 0, 28, 34, title="Too quick")
        s.set_clip_sharing(a.id or 0, Sharing.SUPERVISION)
        return demo, review.id or 0, point.id or 0


def test_supervision_package_refused_overridden_and_clean(
        filmed_review: tuple[Path, int, int], tmp_path: Path) -> None:
    demo, review_id, point_id = filmed_review
    folder = tmp_path / "package"
    with CaseSession.open(demo) as s:
        # "Too quick" has no decision yet: undecided is not allowed beyond the family
        with pytest.raises(ConsentCheckError) as refused:
            export_supervision_package(s, review_id, folder, working_point_ids=[point_id],
                                       reflection="I rushed.")
        assert refused.value.problems == (
            "clip “Too quick”: the parent's decision is “not decided yet”, which does not "
            "allow supervision",)
        assert not folder.exists() and s.export_log() == []
        package = export_supervision_package(s, review_id, folder,
                                             working_point_ids=[point_id],
                                             reflection="I rushed.", override=REASON)
        assert [p.name for p in package.files] == ["supervision.mp4", "reflection.txt"]
        text = (folder / "reflection.txt").read_text(encoding="utf-8")
        assert text.startswith("FOR SUPERVISION ONLY") and "I rushed." in text
        assert "I spoke over Alex" in text
        entry = s.export_log()[-1]
        assert entry.what == "supervision package" and entry.purpose is Purpose.SUPERVISION
        assert entry.override == REASON and entry.source.startswith("shared review of cycle 1")
        # frames: a 4 s title card at 25 fps, then exactly the two clips, then the point held
        with av.open(str(package.files[0])) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        shown = [read_barcode(rgb) for rgb in frames[100:116]]
        assert shown == [*range(2, 12), *range(28, 34)]
        # clean: the parent decides, and the package goes without an override
        s.set_clip_sharing(s.clips(s.shared_review(review_id).recording_id)[1].id or 0,
                           Sharing.SHARED)
        clean = export_supervision_package(s, review_id, tmp_path / "clean")
        assert clean.record.override == "" and len(s.export_log()) == 2


def test_supervision_label_is_in_every_picture(filmed_review: tuple[Path, int, int]) -> None:
    demo, review_id, point_id = filmed_review
    with CaseSession.open(demo) as s:
        contents = supervision_contents(s, review_id, working_point_ids=[point_id])
        plan = supervision_plan(s, contents)
    assert isinstance(plan.items[0], TitleCard) and plan.items[0].text.startswith(LABEL)
    assert [type(seg) for seg in plan.items[1:]] == [ClipSegment, ClipSegment, StillSegment]
    assert all(seg.burn_caption and seg.caption.startswith(LABEL) for seg in plan.items)


def test_a_family_clip_that_does_not_allow_supervision_never_goes(
        filmed_review: tuple[Path, int, int], tmp_path: Path) -> None:
    demo, review_id, _point = filmed_review
    with CaseSession.open(demo) as s:
        family = next(c for c in s.clips(1) if c.title == "Turn after turn")
        assert family.sharing is Sharing.PRIVATE
        with pytest.raises(ConsentCheckError, match="cannot be overridden") as refused:
            export_supervision_package(s, review_id, tmp_path / "p", clip_ids=[family.id or 0],
                                       override=REASON)
        assert not refused.value.overridable and not (tmp_path / "p").exists()
        # a family clip the parent allows for supervision, with consent, may go
        allowed = next(c for c in s.clips(1) if c.sharing is Sharing.SUPERVISION)
        s.add_consent(s.participant_by_name("Sam").id or 0, ConsentScope.SUPERVISION,
                      dt.date(2026, 1, 12))
        package = export_supervision_package(s, review_id, tmp_path / "ok",
                                             clip_ids=[allowed.id or 0])
        assert package.record.override == ""


# --- the API other exits use -----------------------------------------------------------------

def test_guarded_exit_logs_only_what_was_done(demo: Path, tmp_path: Path) -> None:
    with CaseSession.open(demo) as s:
        reel = s.reel_by_name("Cycle 1 feedback")
        with guarded_exit(s, Exit.PRESENTER, reel_to_check(s, reel), reel.purpose,
                          source=f"reel “{reel.name}”") as clearance:
            clearance.wrote("screen")
        assert s.export_log()[-1].what == "presenter mode"
        assert s.export_log()[-1].files == ("screen",)
        with pytest.raises(RuntimeError), guarded_exit(
                s, Exit.INTERCHANGE, [clip_to_check(s, s.clips()[0].id or 0)], Purpose.FAMILY):
            raise RuntimeError("the writer failed")
        assert len(s.export_log()) == 1
    with CaseSession.open(demo, read_only=True) as s, pytest.raises(ReadOnlyProjectError):
        clear_exit(s, Exit.REEL_VIDEO, [], Purpose.FAMILY)


def test_cli_stills_and_supervision_refuse_then_override(
        filmed_review: tuple[Path, int, int], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    demo, review_id, point_id = filmed_review
    assert main(["new-reel", str(demo), "--name", "Course", "--purpose", "training"]) == 0
    assert main(["reel-add", str(demo), "--reel", "Course", "--still", "1"]) == 0
    capsys.readouterr()
    folder = tmp_path / "stills"
    assert main(["export-stills", str(demo), "--reel", "Course", "-o", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "Sam: no consent to training is recorded" in err
    assert "Alex: no consent to training is recorded" in err and not folder.exists()
    assert main(["export-stills", str(demo), "--reel", "Course", "-o", str(folder),
                 "--override", "Alex asked for it to be used at the course"]) == 0
    package = tmp_path / "package"
    args = ["export-supervision", str(demo), "--review", str(review_id), "-o", str(package),
            "--working-point", str(point_id), "--reflection", "I rushed."]
    assert main(args) == 2
    assert "clip “Too quick”" in capsys.readouterr().err and not package.exists()
    assert main([*args, "--override", REASON]) == 0
    assert sorted(p.name for p in package.iterdir()) == ["reflection.txt", "supervision.mp4"]
    assert [e["what"] for e in _log(demo)] == ["stills", "supervision package"]


def test_family_reel_without_any_consent_is_refused(demo: Path, tmp_path: Path) -> None:
    with CaseSession.open(demo) as s:
        for c in s.consents():
            s.delete_consent(c.id or 0)
        reel = s.reel_by_name("Cycle 1 feedback")
        with pytest.raises(ConsentCheckError) as refused:
            export_reel_video(s, reel, tmp_path / "reel.mp4")
        assert len(refused.value.problems) == 10  # Sam and Alex, in each of 5 items
        assert ("clip “Waiting for Sam's turn” (item 2): Sam: no consent to feedback to the "
                "family is recorded") in refused.value.problems
        assert list(tmp_path.iterdir()) == [tmp_path / "demo"] and s.export_log() == []
