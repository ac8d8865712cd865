"""Files written by ELAN itself (the MPI's sample annotations in EAF 2.7, 2.8 and 3.0, twenty
minutes, 4,788 time-aligned annotations on four tiers, two symbolic tiers, 1,572 unaligned
time slots) read to the frame, with pympi-ling as the independent reader, and ELAN's published
schema as the judge of the files we write."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pympi
import pytest
import xmlschema
from interchange_support import Media, new_case, snapshot

from vigstudio.app.tag_transfer import export_tags, import_tags, read_tags
from vigstudio.interchange.model import ImportedTag, TagKind

VERSIONS = ["2.7", "2.8", "3.0"]


def _frame(ms: int, rate: Fraction) -> int:
    """The frame whose interval holds ``ms`` at a constant ``rate`` (computed here, not by
    the app)."""
    return int(Fraction(ms, 1000) * rate)


def _tier_of(tag: ImportedTag) -> str:
    return tag.note.removeprefix("ELAN tier ").rsplit(", ", 1)[0]


def _chains(eaf: pympi.Elan.Eaf, tier: str) -> list[list[str]]:
    """The tier's annotations as chains sharing boundaries, each a list of time slot ids."""
    following = {a[0]: a[1] for a in eaf.tiers[tier][0].values()}
    chains = []
    for first in set(following) - set(following.values()):
        chain = [first]
        while chain[-1] in following:
            chain.append(following[chain[-1]])
        chains.append(chain)
    return chains


def _expected(eaf: pympi.Elan.Eaf, rate: Fraction) -> Counter[tuple[str, int, str]]:
    """(tier, frame, value) of every time-aligned annotation, from pympi's reading; an
    annotation on an unaligned slot gets the time ELAN shows: the open slots between two
    given times on a chain are spaced evenly (whole milliseconds, as ELAN keeps them)."""
    out: Counter[tuple[str, int, str]] = Counter()
    for tier, (aligned, _refs, _attrs, _order) in eaf.tiers.items():
        times = dict(eaf.timeslots)
        for chain in _chains(eaf, tier):
            known = [i for i, slot in enumerate(chain) if eaf.timeslots[slot] is not None]
            for lo, hi in itertools.pairwise(known):
                t0, t1 = eaf.timeslots[chain[lo]], eaf.timeslots[chain[hi]]
                for i in range(lo + 1, hi):
                    times[chain[i]] = t0 + (t1 - t0) * (i - lo) // (hi - lo)
        for start_slot, _end_slot, value, _svg in aligned.values():
            out[(tier, _frame(times[start_slot], rate), value)] += 1
    return out


@pytest.mark.parametrize(("version", "rate"), [
    *[(v, "25") for v in VERSIONS], ("3.0", "29.97")])
def test_elan_written_files_read_to_the_frame(
        version: str, rate: str, elan_samples: Path, tmp_path: Path,
        long_film: Callable[[str], Media]) -> None:
    media = long_film(rate)
    sample = elan_samples / f"sample_{version}.eaf"
    eaf = pympi.Elan.Eaf(str(sample))
    assert eaf.header["MEDIA_FILE"] == "" and any(
        p[1].startswith("urn:nl-mpi-tools-elan-eaf:") for p in eaf.properties)  # ELAN wrote it
    session, rec = new_case(tmp_path / "case", media)
    found = read_tags(session, rec, sample)
    fps = media.recording.info.frame_rate.value
    got = Counter((_tier_of(t), t.start, t.code_label) for t in found.tags
                  if t.kind is TagKind.MOMENT)
    expected = _expected(eaf, fps)
    assert sum(expected.values()) == 4788
    assert got == expected
    unaligned = sum(1 for slot in eaf.timeslots.values() if slot is None)
    assert unaligned == 1572
    # the two symbolic tiers are named, with their counts; nothing else is left out
    assert sorted(found.skipped) == [
        "1995 annotations on tier 'words-pos' have no times of their own (symbolic)",
        "1995 annotations on tier 'words-symsub' have no times of their own (symbolic)"]
    assert found.notes and found.notes[0].startswith("1965 annotations begin or end at a time")
    session.close()


def test_an_elan_file_imports_as_one_undo_step_and_travels_back_to_elan(
        elan_samples: Path, tmp_path: Path, long_film: Callable[[str], Media]) -> None:
    schema = xmlschema.XMLSchema(elan_samples / "EAFv3.0.xsd")
    schema.validate(elan_samples / "sample_3.0.eaf")  # the judge accepts ELAN's own file
    media = long_film("25")
    session, rec = new_case(tmp_path / "case", media)
    codes_before = {p.code for p in session.principles()}
    report = import_tags(session, rec, elan_samples / "sample_3.0.eaf")
    assert report.moments == 4788 and report.clips == 0
    # a short report: hundreds of new codes are counted, not all listed
    assert len(report.lines()) <= 6
    assert f"and {len(report.new_codes) - 30} more" in "\n".join(report.lines())
    new = {p.code for p in session.principles()} - codes_before
    assert new == set(report.new_codes) and len(new) > 400
    before = snapshot(session, rec)
    # our own EAF of it is valid against ELAN's schema and reads back identically
    out = export_tags(session, rec, tmp_path / "back.eaf", "eaf", tiers="principle")
    schema.validate(out)
    target, rec2 = new_case(tmp_path / "again", media)
    import_tags(target, rec2, out)
    assert snapshot(target, rec2) == before
    target.close()
    # one undo removes the whole import and the codes it added
    session.undo()
    assert list(session.moments(rec)) == []
    assert {p.code for p in session.principles()} == codes_before
    session.close()
