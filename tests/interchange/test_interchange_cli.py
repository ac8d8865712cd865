"""The interchange commands of the command line, end to end on real project files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio
import pytest
from interchange_support import Media, new_case, snapshot, tag_everything

from vigstudio.app import CaseSession
from vigstudio.cli import main
from vigstudio.testing.cases import consent_everywhere


def test_export_and_import_tags_from_the_command_line(
        tmp_path: Path, media_of: Callable[[str], Media],
        capsys: pytest.CaptureFixture[str]) -> None:
    media = media_of("29.97")
    source, rec = new_case(tmp_path / "source", media)
    tag_everything(source, rec)
    expected = snapshot(source, rec)
    source.close()
    target, rec2 = new_case(tmp_path / "target", media)
    target.close()
    for fmt, name, import_fmt in [("eaf", "t.eaf", []), ("boris", "b.tsv", ["--format", "boris"]),
                                  ("csv", "t.csv", ["--format", "csv"])]:
        out = tmp_path / name
        assert main(["export-tags", str(source.path), "--recording", str(rec), "--format", fmt,
                     "-o", str(out)]) == 0
        assert capsys.readouterr().out.strip() == str(out)
        assert main(["import-tags", str(target.path), "--recording", str(rec2), str(out),
                     *import_fmt]) == 0
        printed = capsys.readouterr().out
        assert printed.startswith(f"Imported from {name}:")
    with CaseSession.open(target.path) as again:
        assert snapshot(again, rec2) == expected  # the 2nd and 3rd imports added nothing
    # no overwriting without --overwrite; a bad file is a readable error, exit status 2
    assert main(["export-tags", str(source.path), "--recording", str(rec), "--format", "eaf",
                 "-o", str(tmp_path / "t.eaf")]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["export-tags", str(source.path), "--recording", str(rec), "--format", "eaf",
                 "-o", str(tmp_path / "t.eaf"), "--overwrite", "--tiers", "principle"]) == 0
    (tmp_path / "junk.eaf").write_text("<nope")
    capsys.readouterr()
    assert main(["import-tags", str(target.path), "--recording", str(rec2),
                 str(tmp_path / "junk.eaf")]) == 2
    assert "not a readable ELAN file" in capsys.readouterr().err


def test_counts_and_timeline_from_the_command_line(
        tmp_path: Path, media_of: Callable[[str], Media],
        capsys: pytest.CaptureFixture[str]) -> None:
    session, rec = new_case(tmp_path / "case", media_of("25"))
    tag_everything(session, rec)
    reel = session.new_reel("Cycle 1")
    session.add_clip_to_reel(reel.id or 0, session.clips(rec)[0].id or 0)
    consent_everywhere(session)
    path = session.path
    session.close()
    counts = tmp_path / "counts.csv"
    assert main(["export-counts", str(path), "-o", str(counts)]) == 0
    assert counts.read_text("utf-8-sig").startswith("cycle,principle_code,principle,")
    timeline = tmp_path / "reel.otio"
    assert main(["export-timeline", str(path), "--reel", "Cycle 1", "-o", str(timeline)]) == 0
    assert len(otio.adapters.read_from_file(str(timeline)).tracks[0]) == 1
    capsys.readouterr()
    assert main(["export-timeline", str(path), "--reel", "Nope", "-o",
                 str(tmp_path / "x.otio")]) == 2
    assert "no reel called 'Nope'" in capsys.readouterr().err
