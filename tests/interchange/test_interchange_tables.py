"""Spreadsheets, counts and BORIS: what the files look like, and BORIS's own export read."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from interchange_support import RATES, Media, new_case, tag_everything

from vigstudio.app.tag_transfer import export_counts, export_tags, import_tags
from vigstudio.domain.annotations import Valence
from vigstudio.interchange.errors import TargetExistsError, UnreadableTagsError
from vigstudio.interchange.timing import frame_of_ms, ms_of_frame, seconds_text


@pytest.mark.parametrize("rate", list(RATES))
def test_every_frame_survives_milliseconds(rate: str, media_of: Callable[[str], Media]) -> None:
    info = media_of(rate).recording.info
    clock = info.clock
    for frame in range(info.frame_count):
        ms = ms_of_frame(info, frame)
        assert frame_of_ms(info, ms) == frame
        # the millisecond lies inside the frame's interval: at or after its start…
        assert Fraction(ms, 1000) >= clock.time_of(frame)
        # …and before the next frame starts (or the recording ends)
        end = info.duration if frame + 1 == info.frame_count else clock.time_of(frame + 1)
        assert Fraction(ms, 1000) < end
    assert frame_of_ms(info, ms_of_frame(info, info.frame_count)) == info.frame_count


def test_the_excel_table_opens_cleanly_and_defuses_formulas(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    media = media_of("25")
    session, rec = new_case(tmp_path / "case", media)
    tag_everything(session, rec)
    data = export_tags(session, rec, tmp_path / "tags.csv", "xlsx-csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0].keys() >= {"recording", "frame", "timecode", "seconds", "participant",
                              "principle", "behaviour", "strength_or_working_point", "note"}
    by_note = {r["note"]: r for r in rows}
    assert "'=SUM(A1) — not a formula" in by_note  # never run as a formula by Excel
    working = by_note["'=SUM(A1) — not a formula"]
    assert working["strength_or_working_point"] == "working point"
    assert (working["frame"], working["timecode"], working["seconds"]) == (
        "1", "00:00:00:01", "0.040")
    assert working["participant"] == "Zoë" and working["principle"] == "Encouraging initiatives"
    clip = next(r for r in rows if r["title"] == "The end")
    assert (clip["kind"], clip["frame"], clip["end_frame"], clip["end_seconds"]) == (
        "clip", "65", "75", "3.000")
    assert clip["caption"] == "'-she waits"
    session.close()


def test_variable_rate_timecodes_are_clock_times(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    media = media_of("vfr")
    session, rec = new_case(tmp_path / "case", media)
    session.add_still(rec, 3)
    rows = list(csv.DictReader(io.StringIO(export_tags(
        session, rec, tmp_path / "t.tsv", "tsv").read_text("utf-8"), newline=""),
        delimiter="\t"))
    # frame 3 starts at (3003 + 2997 + 6006) / 90000 s = 133.4 ms
    assert (rows[0]["timecode"], rows[0]["seconds"]) == ("00:00:00.133", "0.134")
    session.close()


def test_counts_per_cycle_principle_and_participant(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    one, two = session.add_cycle(1), session.add_cycle(2)
    second = session.add_recording(media_of("29.97").recording)
    assert second.id is not None
    session.update_recording(replace(session.recording(rec), cycle_id=one.id))
    session.update_recording(replace(session.recording(second.id), cycle_id=two.id))
    tag_everything(session, rec)
    sam = session.participant_by_name("Sam").id
    session.add_moment(second.id, 3, "receiving", participant_id=sam)
    session.add_moment(second.id, 4, "receiving", participant_id=sam,
                       valence=Valence.WORKING_POINT)
    out = export_counts(session, tmp_path / "counts.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    table = {(r["cycle"], r["principle_code"], r["participant"]):
             (r["strengths"], r["working_points"], r["moments"]) for r in rows}
    assert table == {
        ("1", "attentive", "Sam"): ("1", "0", "1"),
        ("1", "encouraging", "Zoë"): ("0", "1", "1"),
        ("1", "receiving", "Sam"): ("1", "0", "1"),
        ("1", "receiving", "Zoë"): ("1", "0", "1"),
        ("1", "guiding", ""): ("1", "0", "1"),
        ("1", "peekaboo", "Sam"): ("1", "0", "1"),
        ("2", "receiving", "Sam"): ("1", "1", "2"),
    }
    assert [r["cycle"] for r in rows] == ["1"] * 6 + ["2"]
    with pytest.raises(TargetExistsError, match="--overwrite"):
        export_counts(session, out)
    export_counts(session, out, overwrite=True)
    session.close()


BORIS_EXPORT = (
    "Observation id\tObservation date\tDescription\tObservation duration\tObservation type\t"
    "Source\tTime offset (s)\tMedia duration (s)\tFPS\tSubject\tBehavior\tBehavioral category\t"
    "Modifier #1\tBehavior type\tTime\tMedia file name\tImage index\tImage file path\tComment\n"
    "visit 3\t2024-05-02 10:11:12\t\t2.800\tMedia file(s)\tplayer #1:visit.mp4\t0.0\t3.000\t"
    "25.000\tMother\tlooks at child\tGaze\t\tPOINT\t0.480\tvisit.mp4\t12\tNA\tfirst look\n"
    "visit 3\t2024-05-02 10:11:12\t\t2.800\tMedia file(s)\tplayer #1:visit.mp4\t0.0\t3.000\t"
    "25.000\tChild\tplay\tActivity\tblocks\tSTART\t1.000\tvisit.mp4\t25\tNA\t\n"
    "visit 3\t2024-05-02 10:11:12\t\t2.800\tMedia file(s)\tplayer #1:visit.mp4\t0.0\t3.000\t"
    "25.000\tChild\tplay\tActivity\tblocks\tSTOP\t2.500\tvisit.mp4\t62\tNA\t\n"
    "visit 3\t2024-05-02 10:11:12\t\t2.800\tMedia file(s)\tplayer #1:visit.mp4\t0.0\t3.000\t"
    "25.000\tMother\tReceiving initiatives\tVIG\t\tPOINT\t2.799\tvisit.mp4\t69\tNA\t\n"
    "visit 3\t2024-05-02 10:11:12\t\t2.800\tMedia file(s)\tplayer #1:visit.mp4\t0.0\t3.000\t"
    "25.000\tChild\tcry\tVocal\t\tSTOP\t2.900\tvisit.mp4\t72\tNA\t\n"
    "visit 3\t2024-05-02 10:11:12\t\t2.800\tMedia file(s)\tplayer #1:visit.mp4\t0.0\t3.000\t"
    "25.000\tChild\tsleep\tState\t\tSTART\t2.950\tvisit.mp4\t73\tNA\t\n")

OLD_BORIS_EXPORT = (
    "Observation id,visit 1\n"
    "Observation date,2019-01-01\n"
    "Media file,visit.mp4\n"
    "\n"
    "Time,Media file path,Total length,FPS,Subject,Behavior,Modifiers,Behavioral category,"
    "Comment,Status\n"
    "0.520,visit.mp4,3.0,25,Mother,smile,big|with eye contact,Face,,POINT\n"
    "1.040,visit.mp4,3.0,25,,Receiving initiatives,,VIG,nice,POINT\n")


def test_borises_own_tabular_export_imports(tmp_path: Path,
                                            media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    path = tmp_path / "visit.tsv"
    path.write_text(BORIS_EXPORT, encoding="utf-8")
    report = import_tags(session, rec, path)  # format found from the header
    people = {p.id: p.pseudonym for p in session.participants()}
    got = sorted((m.frame, session.principle(m.principle_id).code,
                  people.get(m.participant_id, ""), m.note) for m in session.moments(rec))
    assert got == [(12, "looks-at-child", "Mother", "first look"),
                   (25, "play", "Child", "BORIS state play, 1.000–2.500 s"),
                   (69, "receiving", "Mother", "")]
    assert session.principle_by_code("play").description.startswith("imported:")
    assert any("STOP of 'cry' without a START" in r for r in report.skipped)
    assert any("'sleep' started at 2.950 s and never stopped" in r for r in report.skipped)
    session.close()


def test_older_boris_exports_with_a_details_block_import(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    path = tmp_path / "old.csv"
    path.write_text(OLD_BORIS_EXPORT, encoding="utf-8")
    import_tags(session, rec, path, "boris")
    smile = next(m for m in session.moments(rec) if m.frame == 13)
    principle = session.principle(smile.principle_id)
    assert principle.code == "smile"
    assert next(b.name for b in principle.behaviours if b.id == smile.behaviour_id) == "big"
    assert [m.frame for m in session.moments(rec)] == [13, 26]
    session.close()


def test_our_boris_table_has_borises_columns_and_pairs_overlapping_clips(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    tag_everything(session, rec)
    text = export_tags(session, rec, tmp_path / "events.tsv", "boris").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    assert {"Subject", "Behavior", "Behavioral category", "Behavior type", "Time",
            "Comment", "Modifier #1"} <= rows[0].keys()
    clips = [(r["Behavior type"], r["Time"], r["Modifier #2"]) for r in rows
             if r["Behavior"] == "vig-clip"]
    assert ("START", "0.000", "clip 1") in clips and ("STOP", "0.480", "clip 1") in clips
    assert ("START", "0.200", "clip 2") in clips and ("STOP", "1.240", "clip 2") in clips
    assert [float(r["Time"]) for r in rows] == sorted(float(r["Time"]) for r in rows)
    session.close()


def test_a_table_without_times_is_refused(tmp_path: Path,
                                          media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    path = tmp_path / "names.csv"
    path.write_text("name,age\nSam,4\n", encoding="utf-8")
    with pytest.raises(UnreadableTagsError, match="neither a 'frame' nor a 'seconds'"):
        import_tags(session, rec, path, "csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,frame,code\nmoment,twelve,receiving\nmoment,9999,receiving\n"
                   "moment,3,\n", encoding="utf-8")
    report = import_tags(session, rec, bad)
    assert report.added == 0
    assert report.skipped == ["line 2: frame 'twelve' is not a whole number",
                              "line 4: no code",
                              "moment 'receiving' at frame 9999 is outside "
                              "'Family film 25' (75 frames)"]
    session.close()


def test_seconds_text_is_exact() -> None:
    assert seconds_text(0) == "0.000" and seconds_text(1001) == "1.001"
    assert seconds_text(61234) == "61.234"


def test_hand_made_codes_are_made_valid_and_matched(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    path = tmp_path / "hand.csv"
    path.write_text("frame,code,principle\n3,Receiving,\n4,,Fun Together!\n5,fun-together,\n",
                    encoding="utf-8")
    report = import_tags(session, rec, path)
    assert report.new_codes == ["fun-together"]
    codes = [session.principle(m.principle_id).code for m in session.moments(rec)]
    assert codes == ["receiving", "fun-together", "fun-together"]
    assert session.principle_by_code("fun-together").name == "Fun Together!"
    session.close()
