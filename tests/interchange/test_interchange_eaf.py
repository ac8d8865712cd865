"""ELAN: our files read by pympi-ling and valid against the EAF 3.0 schema; ELAN's own
layouts (2.7, 2.8, 3.0) and pympi-written files read to the frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pympi
import pytest
import xmlschema
from interchange_support import Media, new_case, tag_everything

from vigstudio.app.tag_transfer import export_tags, import_tags, read_tags
from vigstudio.interchange.errors import UnreadableTagsError
from vigstudio.interchange.timing import frame_of_ms, ms_of_frame

DATA = Path(__file__).resolve().parents[1] / "data" / "eaf"


@pytest.fixture(scope="module")
def eaf_schema(elan_samples: Path) -> xmlschema.XMLSchema:
    """ELAN's published EAF 3.0 schema (the file ELAN's makers publish, fetched with the
    samples; see conftest.elan_samples)."""
    return xmlschema.XMLSchema(elan_samples / "EAFv3.0.xsd")


@pytest.mark.parametrize("tiers", ["participant", "principle"])
@pytest.mark.parametrize("rate", ["23.976", "29.97", "vfr"])
def test_our_eaf_is_valid_and_pympi_reads_it_to_the_frame(
        rate: str, tiers: str, tmp_path: Path, media_of: Callable[[str], Media],
        eaf_schema: xmlschema.XMLSchema) -> None:
    media = media_of(rate)
    session, rec = new_case(tmp_path / "case", media)
    tag_everything(session, rec)
    out = export_tags(session, rec, tmp_path / "tags.eaf", "eaf", tiers=tiers)
    eaf_schema.validate(out)
    eaf = pympi.Elan.Eaf(str(out))
    info = media.recording.info
    names = set(eaf.get_tier_names())
    if tiers == "participant":
        assert {"Sam", "Zoë", "Moments (no participant)", "VIG clips", "VIG stills"} <= names
        assert eaf.get_parameters_for_tier("Zoë")["PARTICIPANT"] == "Zoë"
        zoe = sorted(eaf.get_annotation_data_for_tier("Zoë"))
        assert [frame_of_ms(info, start) for start, _end, _v in zoe] == [1, 1]
        assert {v for _s, _e, v in zoe} == {"Receiving initiatives", "Encouraging initiatives"}
        notes = eaf.get_ref_annotation_data_for_tier("Zoë · note")
        assert {n[2] for n in notes} == {'she said "look, again!", laughing',
                                         "=SUM(A1) — not a formula"}
    else:
        assert {"Receiving initiatives", "Peek-a-boo game", "VIG clips"} <= names
        who = eaf.get_ref_annotation_data_for_tier("Receiving initiatives · participant")
        assert sorted(w[2] for w in who) == ["Sam", "Zoë"]
    # each moment spans its frame; each clip runs from its first frame to its end frame
    count = info.frame_count
    clips = sorted(eaf.get_annotation_data_for_tier("VIG clips"))
    assert [(frame_of_ms(info, s), frame_of_ms(info, e), v) for s, e, v in clips] == [
        (0, 12, "Turn taking"), (5, 31, "Fun, together"), (count - 10, count, "The end")]
    assert clips[-1][1] == ms_of_frame(info, count)
    stills = sorted(eaf.get_annotation_data_for_tier("VIG stills"))
    assert [frame_of_ms(info, s) for s, _e, _v in stills] == [0, count - 1]
    # the codebook travels as a controlled vocabulary, the media as a link
    vocabulary = eaf.get_cv_entries("vig-codebook")
    assert vocabulary["peekaboo"][0][0][0] == "Peek-a-boo game"
    assert eaf.media_descriptors[0]["MEDIA_URL"] == media.path.absolute().as_uri()
    assert eaf.media_descriptors[0]["RELATIVE_MEDIA_URL"].endswith(media.path.name)
    session.close()


def test_elan_2_7_layout_imports_with_reasons_for_what_it_leaves_out(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    report = import_tags(session, rec, DATA / "elan-2.7-layout.eaf")
    people = {p.id: p.pseudonym for p in session.participants()}
    got = sorted((m.frame, session.principle(m.principle_id).code, people[m.participant_id])
                 for m in session.moments(rec))
    # 25 fps: 200 ms is in frame 5, 1234 ms in 30, 1800 ms starts frame 45, 2960 ms starts 74;
    # the second "ba" starts at an unaligned slot between 1800 and 2100 ms, which ELAN shows
    # half-way (1950 ms, frame 48)
    assert got == [(5, "receiving", "Mum"), (30, "turn-taking", "Mum"),
                   (45, "ba", "Sam"), (45, "receiving", "Sam"), (48, "ba", "Sam"),
                   (74, "laughs", "Mum")]
    turn = session.principle_by_code("turn-taking")
    assert turn.name == "Turn taking"
    assert turn.description == ("imported: from elan-2.7-layout.eaf — giving and taking short "
                                "turns")
    assert [p.code for p in session.principles()][-3:] == ["turn-taking", "laughs", "ba"]
    assert len(report.skipped) == 3
    text = "\n".join(report.skipped)
    assert "3100 ms lies after the end" in text
    assert "have no times of their own" in text and "empty annotation" in text
    assert len(report.notes) == 1 and "2 annotations begin or end at a time the file leaves " \
        "open" in report.notes[0]
    session.close()


def test_elan_2_8_layout_resolves_multilingual_vocabulary_entries(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    import_tags(session, rec, DATA / "elan-2.8-layout.eaf")
    got = sorted((m.frame, session.principle(m.principle_id).code) for m in session.moments(rec))
    # 40 ms → frame 1; "Guiding" is the default codebook's principle; 1961 ms → frame 49
    assert got == [(1, "wait"), (25, "guiding"), (49, "wait")]
    assert session.principle_by_code("wait").description.endswith("parent waits for the child")
    session.close()


def test_elan_3_0_layout_with_reference_links_and_included_tiers(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("23.976"))
    report = import_tags(session, rec, DATA / "elan-3.0-layout.eaf")
    got = sorted((m.frame, session.principle(m.principle_id).name, m.note)
                 for m in session.moments(rec))
    # 23.976 fps: 400 ms is in frame 9 (9 × 1001/24000 s = 375.4 ms), 1500 ms in frame 35
    assert got == [(0, "Sich zuwenden", "ELAN tier Kim, 0.000–1.500 s"),
                   (9, "looks at child", "ELAN tier Kim gaze, 0.400–0.600 s"),
                   (35, "smiles back", "ELAN tier Jo, 1.500–2.500 s")]
    assert report.new_participants == ["Kim", "Jo"]
    session.close()


def test_an_eaf_written_by_pympi_imports_to_the_frame(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    media = media_of("29.97")
    info = media.recording.info
    eaf = pympi.Elan.Eaf(author="another lab")
    eaf.add_linked_file(str(media.path), mimetype="video/mp4")
    eaf.add_tier("Mother", part="Mother")
    eaf.remove_tier("default")
    # frame 30 starts at 1001 ms, frame 31 at 1034.37 ms: ELAN-style times around them
    for ms, value in [(1000, "before"), (1001, "start"), (1034, "inside"), (1035, "next")]:
        eaf.add_annotation("Mother", ms, ms + 200, value)
    path = tmp_path / "pympi.eaf"
    eaf.to_file(str(path))
    session, rec = new_case(tmp_path / "case", media)
    import_tags(session, rec, path)
    got = sorted((m.frame, session.principle(m.principle_id).name) for m in session.moments(rec))
    assert got == [(29, "before"), (30, "inside"), (30, "start"), (31, "next")]
    assert frame_of_ms(info, 1034) == 30 and frame_of_ms(info, 1035) == 31
    session.close()


@pytest.mark.parametrize(("content", "message"), [
    (b"not xml at all", "not a readable ELAN file"),
    (b"<?xml version='1.0'?><TEI/>", "root element is 'TEI'"),
    (b"<ANNOTATION_DOCUMENT><HEADER TIME_UNITS='PAL-frames'/></ANNOTATION_DOCUMENT>",
     "PAL-frames"),
])
def test_a_broken_eaf_is_refused_with_a_reason_and_changes_nothing(
        content: bytes, message: str, tmp_path: Path,
        media_of: Callable[[str], Media]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    path = tmp_path / "broken.eaf"
    path.write_bytes(content)
    label = session.undo_label
    with pytest.raises(UnreadableTagsError, match=message):
        import_tags(session, rec, path)
    assert session.moments() == [] and session.undo_label == label
    with pytest.raises(UnreadableTagsError, match="cannot read"):
        read_tags(session, rec, tmp_path / "missing.eaf")
    session.close()


def test_awkward_names_and_characters_still_make_a_valid_file_that_round_trips(
        tmp_path: Path, media_of: Callable[[str], Media],
        eaf_schema: xmlschema.XMLSchema) -> None:
    from interchange_support import snapshot

    from vigstudio.domain.project import Role

    media = media_of("25")
    session, rec = new_case(tmp_path / "case", media)
    clips_person = session.add_participant("VIG clips", Role.OTHER).id
    session.add_principle("guiding-2", "Guiding", "#00aa00")  # a second code called Guiding
    session.add_moment(rec, 3, "guiding-2", participant_id=clips_person,
                       note="bell \x07 and form feed \x0c gone")
    session.add_moment(rec, 4, "guiding")
    session.add_clip(rec, 2, 9, title="a clip")
    for tiers in ("participant", "principle"):
        out = export_tags(session, rec, tmp_path / f"{tiers}.eaf", "eaf", tiers=tiers)
        eaf_schema.validate(out)
        names = pympi.Elan.Eaf(str(out)).get_tier_names()
        assert ("VIG clips (2)" in names) if tiers == "participant" else ("Guiding (2)" in names)
        target, rec2 = new_case(tmp_path / f"target-{tiers}", media)
        import_tags(target, rec2, out)
        expected = {t if t[0] != "moment" or t[3] != "guiding-2" else
                    (*t[:6], "bell  and form feed  gone") for t in snapshot(session, rec)}
        assert snapshot(target, rec2) == expected
        target.close()
    session.close()
